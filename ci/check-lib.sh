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
# 3. the code size is printed.
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
	cmd=$(sed -n 's/^cmd_prelink\.o := //p' "$tree/.prelink.o.cmd" 2>/dev/null) ||
		true
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
	if (check "$d/libfp.a" >/dev/null 2>&1); then die "self-test: check passed an FP archive"; fi
	if (check "$d/libund.a" >/dev/null 2>&1); then die "self-test: check passed an archive with a foreign symbol"; fi
	info "self-test passed: FP/SIMD and undefined-symbol checks reject bad archives"
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
