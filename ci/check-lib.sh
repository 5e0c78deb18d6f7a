#!/usr/bin/env bash
# Checks on the Rust static library as Xen links it.
#
#   ci/check-lib.sh XEN_TREE     check the library as XEN_TREE (xen/) links it
#   ci/check-lib.sh --selftest   prove each check fails on a bad archive
#
# The archive holds the library's own object and all of Rust's
# compiler_builtins; only the members the link pulls in matter. They are found
# by replaying Xen's recorded prelink command with a link map. On them:
# 1. no FP/SIMD instruction or register (Xen runs with -mgeneral-regs-only and
#    does not save the guest's FP state around its own code);
# 2. no undefined symbol outside ci/xen-symbols.allow;
# 3. the code size is printed;
# 4. panic call sites: their number is printed and may not exceed
#    ci/panic-sites.max, and none may be reachable from the functions a guest
#    can trigger (vPSCI, resume, the host suspend the hardware domain
#    starts and the UART hooks it runs: GUEST_ENTRIES below).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
OBJDUMP=${CROSS_COMPILE}objdump
READELF=${CROSS_COMPILE}readelf
SIZE=${CROSS_COMPILE}size

# fp_simd_lines LIB: disassembly lines that use an FP/SIMD register.
fp_simd_lines() {
	"$OBJDUMP" -d --no-show-raw-insn "$1" 2>/dev/null |
		grep -E '^ +[0-9a-f]+:' |
		sed -e 's/<[^>]*>//g' -e 's://.*$::' |
		grep -E '[[:space:],{\[]([vqdshb][0-9]{1,2})(\.[0-9]*[bhsdq])?([[:space:],}\]]|$)|\b(fpcr|fpsr|fmov|fadd|fmul|fcvt)' || true
}

# undefined_symbols LIB: sorted unique names of undefined symbols.
undefined_symbols() {
	"$READELF" -sW "$1" 2>/dev/null | awk '$7 == "UND" && $8 != "" { print $8 }' | sort -u
}

# Functions a guest reaches through a trap or the toolstack through a
# hypercall: no panic may be reachable from them.
GUEST_ENTRIES="xsr_vpsci_system_suspend xsr_vpsci_features xsr_vpsci_cpu_on_entry arch_domain_resume xsr_vgic_wake arch_hwdom_suspending xsr_host_suspend_run xsr_pl011_suspend xsr_pl011_resume xsr_cadence_suspend xsr_cadence_resume"

# panic_report OBJECTS...: prints "sites N" (call sites of panic functions),
# then "reachable ENTRY -> ... -> PANIC" for each guest entry that can reach
# one, from the disassembly's direct calls and branches (the library has no
# indirect calls on these paths: it is all static dispatch).
panic_report() {
	"$OBJDUMP" -d --no-show-raw-insn -C "$@" 2>/dev/null | awk -v entries="$GUEST_ENTRIES" '
	function is_panic(f) {
		return f ~ /panic|unwrap_failed|expect_failed|slice_(start|end)_index|slice_index_order_fail|index_len_fail|rust_begin_unwind/
	}
	/^[0-9a-f]+ <.*>:$/ {
		fn = $0; sub(/^[0-9a-f]+ </, "", fn); sub(/>:$/, "", fn); next
	}
	/\t(bl|b|b\.[a-z]+|cbn?z|tbn?z)\t/ && /</ {
		t = $0; sub(/.*</, "", t); sub(/>.*/, "", t); sub(/\+0x[0-9a-f]+$/, "", t)
		if (t == fn) next
		if (!((fn, t) in edge)) { edge[fn, t] = 1; succ[fn] = succ[fn] SUBSEP t }
		if (is_panic(t) && !is_panic(fn)) sites++
	}
	END {
		print "sites", sites + 0
		n = split(entries, e, " ")
		for (i = 1; i <= n; i++) {
			delete seen; delete from
			head = 0; tail = 0; q[tail++] = e[i]; seen[e[i]] = 1; found = ""
			while (head < tail && found == "") {
				f = q[head++]
				m = split(succ[f], s, SUBSEP)
				for (j = 2; j <= m; j++) {
					t = s[j]
					if (t in seen) continue
					seen[t] = 1; from[t] = f; q[tail++] = t
					if (is_panic(t)) { found = t; break }
				}
			}
			if (found != "") {
				path = found; f = found
				while (f in from) { f = from[f]; path = f " -> " path }
				print "reachable", path
			}
		}
	}'
}

# unresolved_symbols OBJECTS...: undefined in one object, defined in none.
unresolved_symbols() {
	comm -23 <(for o in "$@"; do undefined_symbols "$o"; done | sort -u) \
		<("$READELF" -sW "$@" 2>/dev/null | awk '$7 != "UND" && $7 ~ /^[0-9]+$/ && ($5 == "GLOBAL" || $5 == "WEAK") { print $8 }' | sort -u)
}

allowed_symbols() {
	sed -e 's/#.*//' -e 's/[[:space:]]//g' "$TOP/ci/xen-symbols.allow" | grep -v '^$' | sort -u
}

# linked_members XEN_TREE OUTDIR: extract into OUTDIR the members of the Rust
# archive that Xen's prelink pulls in.
linked_members() {
	local tree=$1 out=$2 cmd lib member
	cmd=$(sed -n 's/^cmd_prelink\.o := //p' "$tree/.prelink.o.cmd" 2>/dev/null || true)
	[ -n "$cmd" ] || die "$tree/.prelink.o.cmd not found: build Xen first (make xen)"
	lib=arch/arm/rust/libxen_suspend.a
	grep -q "$lib" <<<"$cmd" || die "Xen's prelink does not link $lib (CONFIG_RUST_SUSPEND off?)"
	cmd=${cmd/-o prelink.o/-o $out/prelink.o -Map=$out/prelink.map}
	(cd "$tree" && eval "$cmd") || die "replaying Xen's prelink command failed"
	mkdir -p "$out/members"
	for member in $(sed -n "s|^${lib//./\\.}(\([^)]*\))\$|\1|p" "$out/prelink.map" | sort -u); do
		(cd "$out/members" && "${CROSS_COMPILE}ar" x "$tree/$lib" "$member")
	done
	ls "$out/members"/*.o >/dev/null 2>&1 || die "the link pulls no member of $lib"
}

# check OBJECTS...: the checks on the given objects (an archive works too).
check() {
	local bad=0
	local fp
	fp=$(for o in "$@"; do fp_simd_lines "$o"; done)
	if [ -n "$fp" ]; then
		echo "FAIL: FP/SIMD instructions in the Rust objects:"
		head -n 20 <<<"$fp" | sed 's/^/    /'
		bad=1
	else
		info "no FP/SIMD instructions"
	fi
	local extra
	extra=$(comm -23 <(unresolved_symbols "$@") <(allowed_symbols))
	if [ -n "$extra" ]; then
		echo "FAIL: undefined symbols not in ci/xen-symbols.allow:"
		sed 's/^/    /' <<<"$extra"
		bad=1
	else
		info "undefined symbols: $(unresolved_symbols "$@" | tr '\n' ' ')(all allowed)"
	fi
	local text
	text=$("$SIZE" -t "$@" | awk '$6 == "(TOTALS)" { printf "text+rodata %d, data %d, bss %d bytes", $1, $2, $3 }')
	info "code size linked into Xen: $text ($# objects)"
	local report sites max reach
	report=$(panic_report "$@")
	sites=$(awk '$1 == "sites" { print $2 }' <<<"$report")
	max=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/ci/panic-sites.max" 2>/dev/null | head -n 1)
	reach=$(sed -n 's/^reachable //p' <<<"$report")
	info "panic call sites in the linked library: $sites (at most ${max:-?} allowed)"
	if [ -n "$reach" ]; then
		echo "FAIL: a panic is reachable from a guest-triggered entry point:"
		sed 's/^/    /' <<<"$reach"
		bad=1
	else
		info "no panic reachable from: $GUEST_ENTRIES"
	fi
	if [ -z "$max" ] || [ "$sites" -gt "$max" ]; then
		echo "FAIL: $sites panic call sites, more than ci/panic-sites.max (${max:-missing}): the count may only go down"
		bad=1
	elif [ "$sites" -lt "$max" ]; then
		info "fewer panic sites than ci/panic-sites.max ($max): lower it to $sites"
	fi
	[ $bad = 0 ] || die "library checks failed"
	info "library checks passed"
}

selftest() {
	step "library checks: self-test (each check must reject a bad archive)"
	local d
	d=$(mktemp -d)
	trap 'rm -rf "$d"' RETURN
	printf 'float scale(float a) { return a * 2.5f; }\n' >"$d/fp.c"
	printf 'extern void not_a_xen_function(void);\nvoid g(void) { not_a_xen_function(); }\n' >"$d/und.c"
	printf 'void h(void) { }\n' >"$d/ok.c"
	for f in fp und ok; do
		"${CROSS_COMPILE}gcc" -O2 -c "$d/$f.c" -o "$d/$f.o"
		"${CROSS_COMPILE}ar" rcs "$d/lib$f.a" "$d/$f.o"
	done
	[ -n "$(fp_simd_lines "$d/libfp.a")" ] || die "self-test: FP check missed a float multiply"
	[ -z "$(fp_simd_lines "$d/libok.a")" ] || die "self-test: FP check flagged integer code"
	comm -23 <(unresolved_symbols "$d/libund.a") <(allowed_symbols) | grep -qx not_a_xen_function ||
		die "self-test: symbol check missed an undefined symbol"
	[ -z "$(comm -23 <(unresolved_symbols "$d/libok.a") <(allowed_symbols))" ] ||
		die "self-test: symbol check flagged a clean archive"
	# A panic two calls away from a guest entry point.
	cat >"$d/pan.c" <<'C'
extern void core_panicking_panic_bounds_check(void);
__attribute__((noinline)) void decode(int x) { if (x > 3) core_panicking_panic_bounds_check(); }
int xsr_vpsci_features(int x) { decode(x); return 0; }
C
	"${CROSS_COMPILE}gcc" -O2 -c "$d/pan.c" -o "$d/pan.o"
	local rep
	rep=$(panic_report "$d/pan.o")
	grep -qx 'sites 1' <<<"$rep" || die "self-test: panic site not counted ($rep)"
	grep -q '^reachable xsr_vpsci_features -> decode -> core_panicking_panic_bounds_check$' <<<"$rep" ||
		die "self-test: reachable panic not found ($rep)"
	[ "$(panic_report "$d/ok.o")" = "sites 0" ] || die "self-test: panic check flagged a clean object"
	if (check "$d/libfp.a" >/dev/null 2>&1); then die "self-test: check passed an FP archive"; fi
	if (check "$d/libund.a" >/dev/null 2>&1); then die "self-test: check passed an archive with a foreign symbol"; fi
	info "self-test passed: the FP/SIMD, undefined-symbol and panic-reachability checks reject bad objects"
}

case "${1:-}" in
--selftest) selftest ;;
"" | -h | --help) sed -n '2,13p' "$0" ;;
*)
	tree=$(cd "$1" && pwd)
	step "library checks: what $tree links from the Rust library"
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	linked_members "$tree" "$work"
	info "linked members: $(cd "$work/members" && ls | tr '\n' ' ')"
	check "$work"/members/*.o
	;;
esac
