#!/usr/bin/env bash
# End-to-end runner: boots the patched Xen and dom0 on QEMU and checks what a
# user would check in the serial log.
#
#   ci/e2e.sh [-m MACHINE]... [-s SCENARIO]... [--xen FILE] [--show]
#             [--guest-cfg FILE [--guest-file FILE]...]
#
# MACHINE: virt-gicv3, virt-gicv2, zcu102 (default: the two virt ones), or virt-gicv3-fw,
# virt-gicv2-fw: the same virt machines with secure=on, booted through the project's
# test EL3 firmware (rust/firmware, built by ci/firmware.sh; its PSCI has SYSTEM_SUSPEND;
# FW_WIPE=scrambled makes its suspend scramble the registers instead of resetting them).
# Variants, appended to the name: +smpN (virt: N CPUs instead of 2, 1..8) and +debug
# (the hypervisor built with CONFIG_DEBUG=y, build/xen-debug/xen/xen, by `make xen-debug`),
# +prod (the production hypervisor, no test aids: build/xen-prod/xen/xen, by `make xen-prod`),
# +gicv2only and +gicv3only (the production hypervisor with one GIC driver,
# build/xen-prod-gicvN/xen/xen, by `make xen-prod-gicvN`; only on a machine with that GIC),
# +dom0vN (dom0 gets N vCPUs, dom0_max_vcpus=N; Xen keeps every CPU), for example
# virt-gicv3+smp4+debug or zcu102+prod+dom0v2; the E2E line names the variant.
# SCENARIO: a file name in ci/scenarios/ without .sh (default: boot). One line per
# machine and scenario:
#   E2E PASS <machine> <scenario> <seconds>s
#   E2E FAIL <machine> <scenario> <reason>
# Serial logs are kept in build/logs/<machine>-<scenario>.log; the tail of a
# failing one is printed; --show streams the serial console while it runs
# (only the lines matching the regular expression SHOW_FILTER, if set).
# XEN_EXTRA_ARGS and DOM0_EXTRA_ARGS are appended to Xen's and dom0's command
# lines (e.g. DOM0_EXTRA_ARGS=xsr.pv_break=disk, ci/dom0/scenario-guest-pv-devices).
#
# Your own guest: --guest-cfg FILE (an xl configuration) and --guest-file FILE
# (its kernel, ramdisk...) go into dom0 as /etc/xsr/custom/<basename>, so the
# configuration must name them by that path. The scenario is then "custom":
# the guest is created, its consoles are copied into the serial log, and it
# is resumed with `xl resume` whenever it suspends, until it goes away.
# Exit status: 0 when every pair passed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

machines=()
scenarios=()
guest_cfgs=()
guest_files=()
SHOW=0
XEN_IMAGE=${XEN_IMAGE:-$BUILD/xen/xen/xen}
while [ $# -gt 0 ]; do
	case "$1" in
	-m) machines+=("$2"); shift 2 ;;
	-s) scenarios+=("$2"); shift 2 ;;
	--xen) XEN_IMAGE=$2; shift 2 ;;
	--show) SHOW=1; shift ;;
	--guest-cfg) guest_cfgs+=("$2"); shift 2 ;;
	--guest-file) guest_files+=("$2"); shift 2 ;;
	-h|--help) sed -n '2,25p' "$0"; exit 0 ;;
	*) die "unknown argument $1 (see ci/e2e.sh --help)" ;;
	esac
done
[ ${#machines[@]} -gt 0 ] || machines=(virt-gicv3 virt-gicv2)
if [ ${#guest_cfgs[@]} -gt 0 ]; then
	# The user's guest goes into dom0's image; dom0.sh rebuilds it.
	custom=$BUILD/dom0/extra/etc/xsr/custom
	rm -rf "$custom"
	mkdir -p "$custom"
	for f in "${guest_cfgs[@]}" ${guest_files[@]+"${guest_files[@]}"}; do
		[ -f "$f" ] || die "$f not found"
		cp "$f" "$custom/"
	done
	bash "$TOP/ci/dom0.sh" >/dev/null
	[ ${#scenarios[@]} -gt 0 ] || scenarios=(custom)
elif [ -d "$BUILD/dom0/extra/etc/xsr/custom" ]; then
	rm -rf "$BUILD/dom0/extra/etc/xsr/custom"
	bash "$TOP/ci/dom0.sh" >/dev/null
fi
[ ${#scenarios[@]} -gt 0 ] || scenarios=(boot)

DOM0_IMAGE=$BUILD/dom0/Image
DOM0_INITRD=$BUILD/dom0/initrd.cpio.gz
LOGS=$BUILD/logs
mkdir -p "$LOGS" "$BUILD/dtb"
for f in "$XEN_IMAGE" "$DOM0_IMAGE" "$DOM0_INITRD"; do
	[ -f "$f" ] || die "$f is missing: run 'make xen dom0' first"
done
command -v "$QEMU" >/dev/null || die "$QEMU not found: run ci/setup.sh"

# Firmware boot (machines *-fw): the test firmware and the addresses it
# expects things at, read from where they are defined.
FIRMWARE=${FIRMWARE:-$BUILD/firmware/fw.bin}
# fw_const NAME: the hexadecimal value of `pub const NAME` in
# rust/firmware/src/layout.rs (one literal per line there).
fw_const() {
	local v
	v=$(sed -n "s/^pub const $1: u[0-9]* = \(0x[0-9a-f_]*\);\$/\1/p" "$TOP/rust/firmware/src/layout.rs")
	[ -n "$v" ] || die "rust/firmware/src/layout.rs has no hexadecimal pub const $1"
	echo "${v//_/}"
}
FW_XEN_ADDR=$(fw_const XEN_ADDR)
FW_DTB_ADDR=$(fw_const DTB_ADDR)
FW_DTB_MAX=$(($(fw_const DTB_MAX_SIZE)))
FW_CONFIG_ADDR=$(fw_const CONFIG_ADDR)
FW_WIPE_SCRAMBLED=$(fw_const WIPE_SCRAMBLED_MAGIC)
for m in "${machines[@]}"; do
	case "${m%%+*}" in
	*-fw)
		bash "$TOP/ci/firmware.sh" >"$LOGS/firmware-build.log" 2>&1 ||
			{ tail -n 20 "$LOGS/firmware-build.log" >&2; die "ci/firmware.sh failed (see $LOGS/firmware-build.log)"; }
		break
		;;
	esac
done

# machine_args MACHINE: sets, for MACHINE, QEMU_MACHINE (array), XEN_CONSOLE
# (Xen's console and machine options), DOM0_ADDR and INITRD_ADDR (where the
# dom0 kernel and initramfs are loaded), BASE_DTB (empty: QEMU's own) and
# FW_BOOT (1: booted through the test firmware, Xen and the DTB loaded at
# the addresses it expects).
machine_args() {
	local base=${1%%+*} mod smp=2
	FW_BOOT=0
	DOM0_VCPUS=""
	MACHINE_XEN=$XEN_IMAGE
	# Whether that hypervisor has the test aids (the production ones do
	# not), for the scenario fragments.
	export MACHINE_TEST_AIDS=1
	local mods=${1#"$base"}
	for mod in ${mods//+/ }; do
		case "$mod" in
		smp[1-8]) smp=${mod#smp} ;;
		debug) MACHINE_XEN=${XEN_DEBUG_IMAGE:-$BUILD/xen-debug/xen/xen} ;;
		prod) MACHINE_XEN=${XEN_PROD_IMAGE:-$BUILD/xen-prod/xen/xen} MACHINE_TEST_AIDS=0 ;;
		gicv[23]only)
			case "$base" in
			zcu102 | virt-gicv2*) [ "$mod" = gicv2only ] ;;
			*) [ "$mod" = gicv3only ] ;;
			esac || die "+$mod: that hypervisor has no driver for the GIC of $base"
			MACHINE_XEN=$BUILD/xen-prod-${mod%only}/xen/xen MACHINE_TEST_AIDS=0
			;;
		dom0v[1-8]) DOM0_VCPUS=${mod#dom0v} ;;
		*) die "unknown machine variant +$mod in $1 (known: +smp1..+smp8, +debug, +prod, +gicv2only, +gicv3only, +dom0v1..+dom0v8)" ;;
		esac
	done
	case "$base" in
	virt-gicv3 | virt-gicv2 | virt-gicv3-fw | virt-gicv2-fw)
		local gic=${base#virt-gicv}
		QEMU_MACHINE=(-machine "virt,virtualization=on,gic-version=${gic%-fw}"
			-cpu cortex-a57 -smp "$smp" -m 2048)
		XEN_CONSOLE="console=dtuart dtuart=/pl011@9000000"
		DOM0_ADDR=0x50000000
		INITRD_ADDR=0x54000000
		BASE_DTB=""
		if [ "${base%-fw}" != "$base" ]; then
			# secure=on with -bios: every CPU starts in the test firmware
			# at EL3; QEMU's own PSCI is off and the firmware's takes over.
			QEMU_MACHINE+=(-machine secure=on -bios "$FIRMWARE")
			FW_BOOT=1
		fi
		;;
	zcu102)
		[ "$smp" = 2 ] || die "zcu102 has its 4 Cortex-A53: no +smp variant"
		# Xilinx ZynqMP (4 x Cortex-A53, GIC-400). The board's own device
		# tree without the nodes QEMU does not model (the platform
		# management firmware and the R5 remoteproc), no SMMU, RAM from 0.
		# shellcheck disable=SC2054 # QEMU options: the commas are its syntax
		QEMU_MACHINE=(-machine xlnx-zcu102,virtualization=on -m 2G -audio none)
		XEN_CONSOLE="console=dtuart dtuart=serial0 iommu=no"
		DOM0_ADDR=0x20000000
		INITRD_ADDR=0x24000000
		BASE_DTB=$BUILD/dom0/zynqmp-zcu102-rev1.0.dtb
		;;
	*) die "unknown machine $1 (known: virt-gicv3, virt-gicv2, zcu102, virt-gicv3-fw, virt-gicv2-fw)" ;;
	esac
}

hexsize() { printf '0x%x' "$(stat -c %s "$1")"; }

# make_dtb MACHINE SCENARIO OUT: QEMU's own device tree for MACHINE, with
# /chosen holding Xen's command line and the dom0 kernel and initrd modules.
make_dtb() {
	local m=$1 scn=$2 out=$3
	machine_args "$m"
	if [ -n "$BASE_DTB" ]; then
		[ -f "$BASE_DTB" ] || die "$BASE_DTB missing: run 'make dom0'"
		cp "$BASE_DTB" "$out"
		fdtput -r "$out" /firmware/zynqmp-firmware 2>/dev/null || true
		fdtput -r "$out" /remoteproc@ffe00000 2>/dev/null || true
	else
		local base=$BUILD/dtb/$m-qemu.dtb
		"$QEMU" "${QEMU_MACHINE[@]}" -machine "dumpdtb=$base" -display none -nic none >/dev/null 2>&1 ||
			die "QEMU could not dump the device tree for $m"
		cp "$base" "$out"
	fi
	fdtput -p -t x "$out" /chosen '#address-cells' 2
	fdtput -t x "$out" /chosen '#size-cells' 2
	# guest_loglvl=info: the layer's guest-caused messages (suspend, resume)
	# are shown; they stay rate-limited.
	fdtput -t s "$out" /chosen xen,xen-bootargs \
		"$XEN_CONSOLE dom0_mem=512M${DOM0_VCPUS:+ dom0_max_vcpus=$DOM0_VCPUS} guest_loglvl=info ${XEN_EXTRA_ARGS:-}"
	local kmod=/chosen/module@${DOM0_ADDR#0x} imod=/chosen/module@${INITRD_ADDR#0x}
	fdtput -p -t s "$out" "$kmod" compatible multiboot,kernel multiboot,module
	fdtput -t x "$out" "$kmod" reg 0 "$DOM0_ADDR" 0 "$(hexsize "$DOM0_IMAGE")"
	fdtput -t s "$out" "$kmod" bootargs \
		"console=hvc0 earlycon=xen rdinit=/init quiet loglevel=4 xsr.scenario=$scn ${DOM0_EXTRA_ARGS:-}"
	fdtput -p -t s "$out" "$imod" compatible multiboot,ramdisk multiboot,module
	fdtput -t x "$out" "$imod" reg 0 "$INITRD_ADDR" 0 "$(hexsize "$DOM0_INITRD")"
	[ "$FW_BOOT" = 0 ] || fw_dtb "$out"
}

# fw_dtb DTB: what QEMU's own PSCI used to add and the test firmware
# provides instead: a /psci node (PSCI 1.0 and 0.2 compatibles, SMC
# conduit, the 0.1 function ids for old clients, as QEMU writes them) and
# enable-method = "psci" on every CPU.
fw_dtb() {
	local out=$1 cpu
	fdtput -r "$out" /psci 2>/dev/null || true
	fdtput -p -t s "$out" /psci compatible arm,psci-1.0 arm,psci-0.2 arm,psci
	fdtput -t s "$out" /psci method smc
	fdtput -t x "$out" /psci cpu_suspend 0xc4000001
	fdtput -t x "$out" /psci cpu_off 0x84000002
	fdtput -t x "$out" /psci cpu_on 0xc4000003
	fdtput -t x "$out" /psci migrate 0xc4000005
	for cpu in $(fdtget -l "$out" /cpus); do
		case "$cpu" in
		cpu@*) fdtput -t s "$out" "/cpus/$cpu" enable-method psci ;;
		esac
	done
	[ "$(stat -c %s "$out")" -le "$FW_DTB_MAX" ] || die "$out is larger than the firmware allows ($FW_DTB_MAX bytes)"
}

# type_on_markers LOG QEMU_PID FD REGEX=TEXT...: while QEMU runs, type each
# TEXT (and a newline) into the serial input FD once LOG has a line matching
# its REGEX, in the order given.
type_on_markers() {
	local log=$1 qpid=$2 fd=$3 entry
	shift 3
	for entry in "$@"; do
		local re=${entry%%=*} text=${entry#*=}
		# Not "tr | grep -q": under pipefail tr dies of SIGPIPE when grep
		# stops at an early match, and the loop would never end.
		until grep -qaE -- "$re" < <(tr -d '\r' <"$log"); do
			kill -0 "$qpid" 2>/dev/null || return 0
			sleep 0.5
		done
		sleep 0.5
		printf '%s\r' "$text" >&"$fd"
	done
}

# hang_after LOG QPID SECONDS REGEX OUT: for a scenario that expects the
# machine to hang (SCN_HANG=1, SCN_HANG_AFTER="SECONDS=REGEX"): once LOG
# shows REGEX, give the machine SECONDS more, then stop QEMU and say why in
# OUT; the hang is declared there rather than at the scenario's timeout.
hang_after() {
	local log=$1 qpid=$2 secs=$3 re=$4 out=$5
	until grep -qaE -- "$re" < <(tr -d '\r' <"$log"); do
		kill -0 "$qpid" 2>/dev/null || return 0
		sleep 0.5
	done
	sleep "$secs"
	kill -0 "$qpid" 2>/dev/null || return 0
	echo "no end ${secs}s after '$re'" >"$out"
	kill "$qpid" 2>/dev/null
}

# markers_in_order LOG PATTERN...: prints why not, if the patterns do not
# all appear in LOG in this order.
markers_in_order() {
	local log=$1 line=0 pat n
	shift
	for pat in "$@"; do
		n=$(tail -n +"$((line + 1))" "$log" | tr -d '\r' | grep -naE -m1 -- "$pat" | cut -d: -f1 || true)
		if [ -z "$n" ]; then
			echo "missing '$pat'"
			return 0
		fi
		line=$((line + n))
	done
}

# What ends any run at once as a failure: Xen's panic, BUG, failed assertion,
# fatal trap or WARN; a Linux (dom0 or domU) panic, Oops, WARNING, BUG,
# soft lockup or RCU stall.
FATAL_RE='Panic on CPU|Xen BUG at|Assertion .* failed|FATAL TRAP|Xen WARN at|Kernel panic|Internal error: Oops|Oops: |WARNING: CPU: |BUG: |soft lockup|rcu: INFO: rcu_[a-z]+ (self-)?detected stall|rcu_[a-z]+ self-detected stall'

# watch_fatal LOG QEMU_PID OUT: while QEMU runs, once LOG has a line
# matching FATAL_RE, write it to OUT and stop QEMU.
watch_fatal() {
	local log=$1 qpid=$2 out=$3 line
	while kill -0 "$qpid" 2>/dev/null; do
		if line=$(tr -d '\r' <"$log" | grep -aE -m1 -- "$FATAL_RE"); then
			printf '%s\n' "$line" >"$out"
			kill "$qpid" 2>/dev/null
			return 0
		fi
		sleep 1
	done
}

# scn_host_cycles N [TAIL], for scenario fragments: each of N real host
# cycles counted in dom0's "back after" line (asleep at least half a second:
# a suspend that bounces back at once takes far less; TAIL, a regular
# expression, must follow on that line), the firmware's wake by the RTC
# alarm, Xen's resume and dom0's vCPU 0 resuming; a failed host suspend or a
# firmware woken by its timeout fails the run.
# shellcheck disable=SC2317 # called by the fragments run_one sources
scn_host_cycles() {
	SCN_COUNT+=(
		"$1=XSR: host cycle [0-9]+: back after ([1-9][0-9]*(\\.[0-9]+)?|0\\.[5-9][0-9]*)s${2:-}"
		"$1=FW: SYSTEM_SUSPEND: woken by RTC alarm after [0-9]+ ms"
		"$1=xen-suspend: host suspend: resumed"
		"$1=d0v0: resuming at"
	)
	SCN_FORBID+=('host suspend: failed' 'woken by timeout')
}

# run_one MACHINE SCENARIO: boot, wait for QEMU to exit, check the markers.
run_one() {
	local m=$1 scn=$2
	local log=$LOGS/$m-$scn.log dtb=$BUILD/dtb/$m-$scn.dtb
	local SCN_TIMEOUT=300 SCN_EXPECT=() SCN_EXPECT_GUEST=() SCN_FORBID=() SCN_COUNT=()
	local SCN_XEN_ARGS="" SCN_TYPE=() SCN_HANG=0 SCN_HANG_AFTER="" SCN_FW_WIPE="" SCN_PASSTHROUGH=()
	# SCN_GUEST32=1: dom0's initramfs with the 32-bit Linux domU appended
	# (ci/dom0.sh); make_dtb and QEMU read DOM0_INITRD.
	local SCN_GUEST32=0 DOM0_INITRD=$DOM0_INITRD
	# The machine first: a scenario reads what its hypervisor has
	# (MACHINE_TEST_AIDS).
	machine_args "$m"
	local f=$TOP/ci/scenarios/$scn.sh
	[ -f "$f" ] || { echo "E2E FAIL $m $scn unknown scenario (no ci/scenarios/$scn.sh)"; return 1; }
	# shellcheck source=/dev/null # a scenario fragment, ci/scenarios/NAME.sh
	. "$f"
	if [ "$SCN_GUEST32" = 1 ]; then
		DOM0_INITRD=$BUILD/dom0/initrd32.cpio.gz
		[ -f "$DOM0_INITRD" ] || {
			echo "E2E FAIL $m $scn needs $DOM0_INITRD: run 'XSR_GUEST32=1 make dom0' first"
			return 1
		}
	fi
	XEN_EXTRA_ARGS="${XEN_EXTRA_ARGS:-} $SCN_XEN_ARGS" make_dtb "$m" "$scn" "$dtb"
	# SCN_PASSTHROUGH: device nodes Xen keeps from dom0, for a domU.
	local node
	for node in ${SCN_PASSTHROUGH[@]+"${SCN_PASSTHROUGH[@]}"}; do
		fdtput -t s "$dtb" "$node" xen,passthrough "" ||
			{ echo "E2E FAIL $m $scn no node $node in the device tree"; return 1; }
	done
	[ -f "$MACHINE_XEN" ] || { echo "E2E FAIL $m $scn no hypervisor $MACHINE_XEN (make xen-debug, make xen-prod and make xen-prod-gicvN build the debug and the production ones)"; return 1; }
	local start end rc=0
	start=$(date +%s)
	: >"$log"
	# Serial input comes from a FIFO that this script holds open (so that
	# QEMU's open never blocks); SCN_TYPE entries "REGEX=TEXT" type TEXT and
	# a newline once the serial log shows a line matching REGEX.
	local fifo=$log.in
	rm -f "$fifo"
	mkfifo "$fifo"
	exec {infd}<>"$fifo"
	# How Xen and its device tree reach the machine: QEMU's kernel loader,
	# or (firmware boot) raw loads where the firmware expects them, plus
	# the firmware's configuration word (FW_WIPE or the scenario's
	# SCN_FW_WIPE: "scrambled").
	local boot_args=(-kernel "$MACHINE_XEN" -dtb "$dtb")
	if [ "$FW_BOOT" = 1 ]; then
		boot_args=(-device "loader,file=$MACHINE_XEN,addr=$FW_XEN_ADDR,force-raw=on"
			-device "loader,file=$dtb,addr=$FW_DTB_ADDR,force-raw=on")
		case "${FW_WIPE:-$SCN_FW_WIPE}" in
		"" | reset) ;;
		scrambled) boot_args+=(-device "loader,addr=$FW_CONFIG_ADDR,data=$FW_WIPE_SCRAMBLED,data-len=4") ;;
		*) die "FW_WIPE=${FW_WIPE:-$SCN_FW_WIPE}: expected reset or scrambled" ;;
		esac
	fi
	# QEMU_EXTRA (words), for example "-icount shift=0,sleep=off" (make bench).
	# shellcheck disable=SC2086
	timeout -k 5 "$SCN_TIMEOUT" "$QEMU" "${QEMU_MACHINE[@]}" ${QEMU_EXTRA:-} \
		-display none -monitor none -nic none -no-reboot \
		-chardev "file,id=serial0,path=$log,input-path=$fifo" -serial chardev:serial0 \
		"${boot_args[@]}" \
		-device "loader,file=$DOM0_IMAGE,addr=$DOM0_ADDR,force-raw=on" \
		-device "loader,file=$DOM0_INITRD,addr=$INITRD_ADDR,force-raw=on" \
		</dev/null >"$log.qemu" 2>&1 &
	local qpid=$!
	local typer=""
	if [ ${#SCN_TYPE[@]} -gt 0 ]; then
		type_on_markers "$log" "$qpid" "$infd" "${SCN_TYPE[@]}" &
		typer=$!
	fi
	# A fatal line ends the run at once: QEMU is stopped, the line is the
	# reason (rather than waiting for the scenario's timeout).
	local fatal=$log.fatal
	rm -f "$fatal"
	watch_fatal "$log" "$qpid" "$fatal" &
	local watcher=$!
	local hung=$log.hung hanger=""
	rm -f "$hung"
	if [ -n "$SCN_HANG_AFTER" ]; then
		hang_after "$log" "$qpid" "${SCN_HANG_AFTER%%=*}" "${SCN_HANG_AFTER#*=}" "$hung" &
		hanger=$!
	fi
	if [ "$SHOW" = 1 ]; then
		# tail exits once QEMU has, after printing everything.
		tail -n +1 -F --pid=$qpid "$log" 2>/dev/null | tr -d '\r' |
			grep --line-buffered -aE -- "${SHOW_FILTER:-.}" | sed -u 's/^/  | /'
	fi
	wait $qpid || rc=$?
	kill "$watcher" 2>/dev/null || true
	wait "$watcher" 2>/dev/null || true
	[ -z "$typer" ] || kill "$typer" 2>/dev/null || true
	[ -z "$hanger" ] || kill "$hanger" 2>/dev/null || true
	exec {infd}>&-
	rm -f "$fifo"
	end=$(date +%s)
	# The log as checked: without carriage returns, and with every line of
	# Xen's own that was printed into the middle of another line (dom0's
	# console and a guest's reach the serial port through Xen, which may
	# print in between) taken out, so that the other line is whole again.
	local clean=$log.clean
	tr -d '\r' <"$log" | awk '{
		# A line of Xen inserted after the start of another: keep it as a
		# line of its own, and join the rest of the other one back.
		while ((i = index($0, "(XEN) ")) > 1) {
			print substr($0, i)
			prefix = substr($0, 1, i - 1)
			if ((getline next_line) > 0)
				$0 = prefix next_line
			else
				$0 = prefix
		}
		print
	}' >"$clean"
	local reason=""
	if [ -s "$fatal" ]; then
		reason="stopped at once: log shows '$(cut -c1-160 "$fatal")'"
	fi
	# SCN_HANG=1: a scenario that shows a failure (a test-only option
	# breaks something on purpose) expects the machine to hang: the
	# timeout is its normal end, and its markers say how far it got.
	if [ -n "$reason" ]; then
		:
	elif [ $rc = 124 ] || [ $rc = 137 ] || [ -s "$hung" ]; then
		[ "$SCN_HANG" = 1 ] || reason="timeout after ${SCN_TIMEOUT}s"
		[ "$SCN_HANG" = 1 ] || [ ! -s "$hung" ] || reason="stopped: $(cat "$hung")"
	elif [ $rc != 0 ]; then
		reason="qemu exit status $rc: $(head -c 200 "$log.qemu" | tr '\n' ' ')"
	elif [ "$SCN_HANG" = 1 ]; then
		reason="expected a hang, but the machine finished"
	fi
	# Fatal messages (also one the watcher missed at the very end) and the
	# scenario's forbidden lines fail any scenario.
	local bad
	for bad in "$FATAL_RE" ${SCN_FORBID[@]+"${SCN_FORBID[@]}"}; do
		[ -z "$reason" ] || break
		[ -n "$bad" ] || continue
		if grep -qaE -- "$bad" "$clean"; then
			reason="log shows '$(grep -aE -m1 -- "$bad" "$clean" | cut -c1-160)'"
			break
		fi
	done
	# Expected markers: SCN_EXPECT in order (Xen's and dom0's lines), and
	# SCN_EXPECT_GUEST in order among themselves, per guest (a guest's
	# console reaches the serial log through dom0 with a delay, so it cannot
	# be ordered against dom0's own lines or another guest's).
	[ -n "$reason" ] || reason=$(markers_in_order "$clean" ${SCN_EXPECT[@]+"${SCN_EXPECT[@]}"})
	# Each guest's markers (grouped by their first word, "TG:", "LG:"...)
	# are ordered among themselves only: two guests' consoles interleave.
	local prefix pat prefixes=() group=()
	for prefix in ${SCN_EXPECT_GUEST[@]+"${SCN_EXPECT_GUEST[@]%% *}"}; do
		[[ " ${prefixes[*]} " == *" $prefix "* ]] || prefixes+=("$prefix")
	done
	for prefix in ${prefixes[@]+"${prefixes[@]}"}; do
		[ -z "$reason" ] || break
		group=()
		for pat in "${SCN_EXPECT_GUEST[@]}"; do
			[ "${pat%% *}" != "$prefix" ] || group+=("$pat")
		done
		reason=$(markers_in_order "$clean" "${group[@]}")
	done
	# SCN_COUNT entries "N=REGEX": exactly N lines match (one per cycle,
	# as the system under test prints it).
	local entry want got
	for entry in ${SCN_COUNT[@]+"${SCN_COUNT[@]}"}; do
		[ -z "$reason" ] || break
		want=${entry%%=*}
		got=$(grep -caE -- "${entry#*=}" "$clean" || true)
		[ "$got" = "$want" ] || reason="$got lines match '${entry#*=}', expected $want"
	done
	if [ -z "$reason" ]; then
		echo "E2E PASS $m $scn $((end - start))s"
		return 0
	fi
	echo "---- tail of $log"
	tail -n 40 "$log" | tr -d '\r' | sed 's/^/    /'
	echo "----"
	echo "E2E FAIL $m $scn $reason"
	return 1
}

fails=0 passes=0
for m in "${machines[@]}"; do
	for s in "${scenarios[@]}"; do
		if run_one "$m" "$s"; then passes=$((passes + 1)); else fails=$((fails + 1)); fi
	done
done
echo "e2e: $passes passed, $fails failed"
exit $((fails > 0))
