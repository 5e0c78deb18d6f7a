# Helpers for the dom0 scenario scripts (installed as /etc/xsr/lib.sh).
# Every line for the test harness starts with "XSR: ".

say() { echo "XSR: $*"; }

# Where xenconsoled logs each guest's console (--log=guest); ci/check-follow.sh
# points it elsewhere to run follow on the host.
XSR_CONSOLE_DIR=${XSR_CONSOLE_DIR:-/var/log/xen/console}
fail() {
	local f
	# What xl's monitor of each domain saw, for the diagnosis.
	for f in /var/log/xen/xl-*.log; do
		[ -f "$f" ] && sed "s|^|XSR: $f: |" "$f"
	done
	say "scenario $SCENARIO FAIL: $*"
	exit 1
}

# state_of DOM: the State column of `xl list DOM` (empty if it is gone).
state_of() { xl list "$1" 2>/dev/null | awk 'NR == 2 { print $5 }'; }

# suspends_seen DOMID: how many times xl's monitor of that domain (the
# `xl create` left running, logging to /var/log/xen/xl-NAME.log) saw it
# suspend. It is told by Xen of every shutdown, so it sees suspends too
# short for a poll of `xl list` to catch (a guest woken by its own timer).
suspends_seen() {
	cat /var/log/xen/xl-*.log 2>/dev/null | grep -c "Domain $1 has shut down, reason code 2 "
}

# wait_state DOM STATE SECONDS: wait until DOM's state is exactly STATE.
wait_state() {
	local n=$(($3 * 10))
	while [ "$n" -gt 0 ]; do
		[ "$(state_of "$1")" = "$2" ] && return 0
		sleep 0.1
		n=$((n - 1))
	done
	say "$1 not in state $2 after $3s (state: '$(state_of "$1")')"
	return 1
}

# wait_gone DOM SECONDS: wait until DOM no longer exists.
wait_gone() {
	local n=$(($2 * 10))
	while [ "$n" -gt 0 ]; do
		xl domid "$1" >/dev/null 2>&1 || return 0
		sleep 0.1
		n=$((n - 1))
	done
	say "$1 still exists after $2s (state: '$(state_of "$1")')"
	return 1
}

# free_mb: Xen's free memory in MB.
free_mb() { xl info | awk -F: '$1 ~ /^free_memory/ { gsub(/ /, "", $2); print $2 }'; }

# free_pages: Xen's free memory in pages, exactly (XEN_SYSCTL_physinfo).
free_pages() { xsr-bench freepages; }

# settled_free_pages: Xen's free pages once they have stopped changing
# (the same over five reads 0.2 s apart, up to 10 s). A destroyed
# domain's memory goes back to Xen through RCU callbacks after `xl
# destroy` and `xl list` are done with it: a baseline read at once can
# miss pages still on their way back (seen in CI: 24 pages, 385278
# before and 385302 after every later domain, "-24 pages lost").
settled_free_pages() {
	local last now same=0 n=50
	last=$(free_pages)
	while [ "$same" -lt 5 ] && [ "$n" -gt 0 ]; do
		sleep 0.2
		now=$(free_pages)
		if [ "$now" = "$last" ]; then
			same=$((same + 1))
		else
			same=0
			last=$now
		fi
		n=$((n - 1))
	done
	echo "$last"
}

# warm_up: three times, run a test guest until it suspends, and destroy
# it. The first domains after boot leave pages in use for good, as Xen's
# allocator pools grow (measured: 385304 -> 385302 -> 385301 -> 385300 free
# pages over the first three on virt-gicv3, 385477 -> 385476 -> 385474 on
# zcu102, then no change over any further create, run, suspend, resume
# and destroy, 300 resumes of one domain included); a leak check that
# counts pages starts after them.
warm_up() {
	local i
	for i in 1 2 3; do
		xl create -q /etc/xsr/guests/testguest.cfg "name=\"warmup$i\"" 'cmdline="mode=suspend cycles=1"' ||
			fail "xl create (warm-up)"
		wait_state "warmup$i" ---ss- 60 || fail "warm-up guest did not suspend"
		xl destroy "warmup$i" || fail "xl destroy (warm-up)"
		wait_gone "warmup$i" 30 || fail "warm-up domain not destroyed"
	done
}

# pages_back BEFORE WHAT: wait (up to 10 s: freeing a domain's memory ends
# in RCU callbacks) until Xen's free pages are BEFORE again; says how many
# pages were lost (or gained) if not.
pages_back() {
	local before=$1 what=$2 n=50 now
	now=$(free_pages)
	while [ "$now" != "$before" ] && [ "$n" -gt 0 ]; do
		sleep 0.2
		n=$((n - 1))
		now=$(free_pages)
	done
	if [ "$now" = "$before" ]; then
		say "$what: free pages $before before, $now after: none lost"
		return 0
	fi
	say "$what: free pages $before before, $now after: $((before - now)) pages lost"
	return 1
}

# leak_report BEFORE WHAT: Xen's free pages once settled, said against
# BEFORE in pages_back's words, and left in $free_now. Unlike pages_back it
# does not wait for BEFORE to come back: where a few pages of allocator pool
# growth are expected, that wait would only cost 10 s; the caller decides.
leak_report() {
	free_now=$(settled_free_pages)
	if [ "$free_now" = "$1" ]; then
		say "$2: free pages $1 before, $free_now after: none lost"
	else
		say "$2: free pages $1 before, $free_now after: $(($1 - free_now)) pages lost"
	fi
}

# leak_verdict BEFORE PLATEAU DOMAINS MAX: the verdict of a leak check over
# DOMAINS domains run one after another from BEFORE free pages, the last
# count in $free_now (leak_report). Xen's allocator pools may grow, once; a
# leak repeats: the last two domains must lose nothing beyond PLATEAU (the
# pages lost before them), all of them at most MAX. A page freed late (RCU)
# gets pages_back's 10 s before a difference is called a leak.
leak_verdict() {
	local before=$1 plateau=$2 n=$3 max=$4 lost
	lost=$((before - free_now))
	if [ "$lost" -ne "$plateau" ] && pages_back "$((before - plateau))" "leak check: late frees"; then
		lost=$plateau
	fi
	[ "$lost" -ge 0 ] || fail "Xen has $((-lost)) more free pages after $n domains than before them: the baseline was not settled"
	[ "$lost" -eq "$plateau" ] || fail "leak: Xen's free pages went from $plateau to $lost fewer over the last two domains"
	[ "$lost" -le "$max" ] || fail "leak: Xen's free pages are $lost fewer after $n domains"
	say "leak checks: $lost page(s) fewer after $n domains, none over the last two (allocator pool growth, once)"
}

# follow DOM SUFFIX: copy DOM's console log (xenconsoled --log=guest) to
# dom0's console as it grows, every half second, whole lines only: a guest
# writes its vUART a byte at a time, and a half line copied at a poll would
# be cut by dom0's own next line, so a marker would no longer match. SUFFIX
# is -vuart0 for the SBSA vUART. stop_following waits until the logs stop
# growing (xenconsoled writes a guest's last output after the guest is
# gone), then makes each copier do a last copy of all its log holds, a
# last line without a newline included, and waits for it.
follow() {
	(
		log="$XSR_CONSOLE_DIR/guest-$1$2.log"
		chunk="${TMPDIR:-/tmp}/follow-$1$2.chunk"
		done=0 last=
		trap 'last=1' TERM
		while :; do
			size=$(stat -c %s "$log" 2>/dev/null || echo 0)
			if [ "$size" -gt "$done" ]; then
				n=$((size - done))
				tail -c +$((done + 1)) "$log" | head -c "$n" >"$chunk"
				# Up to the last newline, unless this is the last copy
				# or a line has grown past 4 KB without one.
				if [ -z "$last" ] && [ -n "$(tail -c 1 "$chunk")" ]; then
					part=$(tail -n 1 "$chunk" | wc -c)
					[ "$part" -gt 4096 ] || n=$((n - part))
				fi
				if [ "$n" -gt 0 ]; then
					head -c "$n" "$chunk"
					done=$((done + n))
				fi
			fi
			[ -n "$last" ] && exit 0
			sleep 0.5
		done
	) &
	FOLLOWERS="$FOLLOWERS $!"
	FOLLOWED="$FOLLOWED $XSR_CONSOLE_DIR/guest-$1$2.log"
}
# logs_size: the total size of the followed logs.
logs_size() {
	local f n=0
	for f in $FOLLOWED; do
		n=$((n + $(stat -c %s "$f" 2>/dev/null || echo 0)))
	done
	echo "$n"
}
stop_following() {
	[ -n "$FOLLOWERS" ] || return 0
	# Until the logs have not grown for a second (at most 10 s).
	local last=-1 now n=0
	now=$(logs_size)
	while [ "$now" != "$last" ] && [ "$n" -lt 10 ]; do
		last=$now
		sleep 1
		now=$(logs_size)
		n=$((n + 1))
	done
	# shellcheck disable=SC2086 # a list of process ids, split on purpose
	kill -TERM $FOLLOWERS 2>/dev/null
	# shellcheck disable=SC2086 # as above
	wait $FOLLOWERS 2>/dev/null
	FOLLOWERS="" FOLLOWED=""
}

# guest_log DOM SUFFIX: the whole console log of DOM.
guest_log() { cat "$XSR_CONSOLE_DIR/guest-$1$2.log" 2>/dev/null | tr -d '\r'; }

# log_size DOM SUFFIX: bytes in DOM's console log so far.
log_size() { stat -c %s "$XSR_CONSOLE_DIR/guest-$1$2.log" 2>/dev/null || echo 0; }

# resume_cycles DOM SUFFIX N: N times, wait for DOM to suspend itself (xl
# list shows ---ss-), then `xl resume` it. A resumed guest may suspend again
# before xl list ever shows it running, so progress is checked on its
# console instead: it must have printed something between two suspends.
resume_cycles() {
	local dom=$1 sfx=$2 n=$3 k=1 size=-1 now t0 t1
	while [ "$k" -le "$n" ]; do
		wait_state "$dom" ---ss- 120 || return 1
		# xenconsoled copies what the guest printed into the log with a
		# delay: give it up to 10 s to show up.
		now=$(log_size "$dom" "$sfx")
		t0=100
		while [ "$now" -le "$size" ] && [ "$t0" -gt 0 ]; do
			sleep 0.1
			t0=$((t0 - 1))
			now=$(log_size "$dom" "$sfx")
		done
		if [ "$now" -le "$size" ]; then
			say "cycle $k: $dom printed nothing since the last xl resume: it did not run"
			return 1
		fi
		size=$now
		say "cycle $k: xl list shows $dom $(state_of "$dom")"
		t0=$(date +%s)
		xl resume "$dom" || { say "cycle $k: xl resume $dom failed"; return 1; }
		t1=$(date +%s)
		say "cycle $k: xl resume $dom done ($((t1 - t0))s)"
		k=$((k + 1))
	done
}

# timer_irqs: dom0's arch timer interrupts so far, all CPUs together.
timer_irqs() {
	awk '/arch_timer/ { for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i } END { print s + 0 }' /proc/interrupts
}

# pool_cpus: the CPUs in Xen's Pool-0, as `xl cpupool-list -c` lists them.
pool_cpus() { xl cpupool-list -c | awk 'NR == 2 { print $2 }'; }

# host_suspend LABEL DOM...: dom0 suspends to RAM (the host suspends with
# it, or runs its dry run). Once dom0 is back: its vCPUs are the ones in
# $dom0_cpus, Xen's Pool-0 CPUs the ones in $xen_cpus, its timer
# interrupts again (counted from the moment the suspend returned, polled
# for up to 5 s), and every DOM is still suspended (---ss-). Fails the
# scenario otherwise, else says "LABEL: back after ...".
host_suspend() {
	local label=$1 i0 i1 t0 t1 now_dom0 now_xen d doms="" n=50
	shift
	t0=$(cut -d' ' -f1 /proc/uptime)
	echo mem >/sys/power/state || fail "$label: the suspend returned an error"
	t1=$(cut -d' ' -f1 /proc/uptime)
	i0=$(timer_irqs)
	i1=$i0
	while [ "$i1" -le "$i0" ] && [ "$n" -gt 0 ]; do
		sleep 0.1
		i1=$(timer_irqs)
		n=$((n - 1))
	done
	now_dom0=$(cat /sys/devices/system/cpu/online)
	now_xen=$(pool_cpus)
	# shellcheck disable=SC2154 # dom0_cpus and xen_cpus: set by the scenario
	[ "$now_dom0" = "$dom0_cpus" ] || fail "$label: dom0 cpus online $now_dom0, was $dom0_cpus"
	# shellcheck disable=SC2154
	[ "$now_xen" = "$xen_cpus" ] || fail "$label: Xen Pool-0 cpus $now_xen, was $xen_cpus"
	[ "$i1" -gt "$i0" ] || fail "$label: dom0's timer does not interrupt after the resume ($i0 -> $i1 in 5 s)"
	for d in "$@"; do
		[ "$(state_of "$d")" = ---ss- ] || fail "$label: $d is $(state_of "$d"), not suspended"
		doms="$doms $d"
	done
	say "$label: back after $(awk "BEGIN { print $t1 - $t0 }")s; dom0 cpus $now_dom0, Xen cpus $now_xen, timer interrupts $i0 -> $i1, still ---ss-:$doms"
}
