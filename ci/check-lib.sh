#!/usr/bin/env bash
# Checks on the Rust static library as Xen links it.
#
#   ci/check-lib.sh XEN_TREE [--production]
#                                check the library as XEN_TREE (xen/) links it
#   ci/check-lib.sh --selftest   prove each check fails on a bad archive
#   ci/check-lib.sh --kept XEN_TREE
#                                only the .text+.rodata the link keeps
#
# The archive holds the library's own object and all of Rust's
# compiler_builtins; only the members the link pulls in matter. They are found
# by replaying Xen's recorded prelink command with a link map. On them:
# 1. no FP/SIMD instruction or register (Xen runs with -mgeneral-regs-only and
#    does not save the guest's FP state around its own code);
# 2. no undefined symbol outside ci/xen-symbols.allow;
# 3. the code size is printed, per module; no core::fmt machinery (Xen's printk
#    formats the messages of rust/src/line.rs); with --production (a tree without
#    CONFIG_XSR_TEST_AIDS): no test aid linked, and .text+.rodata at most
#    ci/size.max bytes;
# 4. panic call sites: their number is printed and may not exceed
#    ci/panic-sites.max, and none may be reachable from the functions a guest
#    can trigger (vPSCI, resume, the host suspend the hardware domain
#    starts and the UART hooks it runs: GUEST_ENTRIES below);
# 5. nothing that stays after boot refers to what Xen frees after boot
#    (.init.*: the functions Xen calls only while it boots);
# 6. no symbol keeps a mangled Rust name or an outlined sequence's name
#    (Xen's symbol table keeps each by name; patch 0029 shortens them).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
OBJDUMP=${CROSS_COMPILE}objdump
READELF=${CROSS_COMPILE}readelf
SIZE=${CROSS_COMPILE}size
PRODUCTION=${PRODUCTION:-0}

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

# module_sizes OBJECTS...: bytes of .text and .rodata per module of the
# library ("xen_suspend::xen::gic", "core::..."), largest first, then what
# no symbol names (string literals, jump tables) and the total. With LTO most
# code is inlined into the C entry points: they are grouped by what they
# serve (guest, host, GIC, UART).
module_sizes() {
	local total
	total=$(text_rodata "$@")
	# Only what lies in .text* and .rodata* counts (not boot-only code in
	# .init.text).
	section_symbols -C "$@" | awk -F '\t' -v total="$total" '
	{
		sect = $1; hex = tolower($2); name = $3
		if (sect !~ /^\.(text|rodata)/) next
		size = 0
		for (i = 1; i <= length(hex); i++) size = size * 16 + index("0123456789abcdef", substr(hex, i, 1)) - 1
		if (size == 0) next
		mod = ""
		if (match(name, /xen_suspend(::[a-z_][a-z0-9_]*)+/)) {
			mod = substr(name, RSTART, RLENGTH)
			# A lower-case last part is a function, not a module.
			if (substr(name, RSTART + RLENGTH, 2) != "::" && substr(name, RSTART + RLENGTH, 1) != "<") sub(/::[a-z_][a-z0-9_]*$/, "", mod)
		} else if (match(name, /(core|compiler_builtins)::[a-z_][a-z0-9_]*/)) {
			mod = substr(name, RSTART, RLENGTH)
		} else if (name ~ /^OUTLINED_FUNCTION_[0-9]+$/) {
			mod = "outlined sequences (shared by all)"
		} else if (name ~ /^(xsr_vpsci_|xsr_vgic_wake$|arch_domain_resume$)/) {
			mod = "entry points: guest suspend, resume, wake"
		} else if (name ~ /^(xsr_host_|arch_hwdom_suspending$)/) {
			mod = "entry points: host suspend"
		} else if (name ~ /^xsr_gic/) {
			mod = "entry points: GIC"
		} else if (name ~ /^(xsr_pl011_|xsr_cadence_)/) {
			mod = "entry points: console UART"
		} else if (name ~ /^[A-Za-z_][A-Za-z0-9_]*$/) {
			mod = "entry points: other"
		} else {
			mod = "other symbols"
		}
		bytes[mod] += size; named += size
	}
	END {
		for (m in bytes) printf "%8d  %s\n", bytes[m], m
		printf "%8d  %s\n", total - named, "~unnamed (strings, tables, outlined sequences)"
	}' | sort -k1,1nr
	printf '%8d  %s\n' "$total" "total .text+.rodata"
}

# section_symbols [-C] OBJECTS...: "SECTION<tab>SIZE<tab>NAME" for every
# symbol (SIZE in hex; -C: demangled names), from objdump -t's
# "ADDRESS FLAGS SECTION<tab>SIZE NAME".
section_symbols() {
	"$OBJDUMP" -t "$@" 2>/dev/null | awk -F '\t' 'NF >= 2 {
		n = split($1, left, " "); i = index($2, " ")
		print left[n] "\t" substr($2, 1, i - 1) "\t" substr($2, i + 1) }'
}

# long_names OBJECTS...: defined symbols Xen's symbol table would keep with
# a mangled Rust name (its 16-digit hash, which nothing compresses) or an
# outlined sequence's name: xen/arch/arm/rust/symbol-names.sh (patch 0029)
# renames or drops them in the archive Xen links.
long_names() {
	"${CROSS_COMPILE}nm" --defined-only "$@" 2>/dev/null |
		awk 'NF >= 3 && ($3 ~ /^_(ZN|R)/ || $3 ~ /^OUTLINED_FUNCTION_/) { print $3 }' | sort -u
}

# init_bytes OBJECTS...: bytes of their .init.* sections (boot-only code,
# freed by Xen after boot).
init_bytes() {
	"$SIZE" -A "$@" 2>/dev/null | awk '$1 ~ /^\.init\./ { t += $2 } END { print t + 0 }'
}

# init_refs OBJECTS...: "SECTION -> SYMBOL" for each reference from a
# section that stays after boot to one Xen frees after boot (.init.*):
# code that would jump into trapping instructions once Xen runs guests.
init_refs() {
	local o
	for o in "$@"; do
		{
			section_symbols "$o" | awk -F '\t' '$1 ~ /^\.init\./ { print "init", $3 }'
			"$READELF" -rW "$o" 2>/dev/null
		} | awk '
		$1 == "init" && NF == 2 { init[$2] = 1; next }
		/^Relocation section / { sect = $3; gsub(/\047/, "", sect); sub(/^\.rela?/, "", sect); next }
		sect != "" && sect !~ /^\.(init\.|eh_frame|debug)/ && NF >= 5 && $1 ~ /^[0-9a-f]+$/ {
			sym = $5
			if (sym ~ /^\.init\./ || (sym in init)) print sect " -> " sym
		}'
	done | sort -u
}

# text_rodata OBJECTS...: bytes of their .text* and .rodata* sections (what
# the hypervisor keeps; Xen's linker script discards .eh_frame).
text_rodata() {
	"$SIZE" -A "$@" 2>/dev/null | awk '$1 ~ /^\.(text|rodata)/ { t += $2 } END { print t + 0 }'
}

# fmt_symbols OBJECTS...: names of core::fmt machinery defined in them.
fmt_symbols() {
	"${CROSS_COMPILE}nm" -C --defined-only "$@" 2>/dev/null |
		grep -E 'core::fmt::|core::str::converts::from_utf8|core::panicking::panic_fmt' | sed 's/^[^ ]* [^ ]* //' | sort -u || true
}

# test_aid_symbols OBJECTS...: entry points that only builds with test aids have.
test_aid_symbols() {
	"${CROSS_COMPILE}nm" --defined-only "$@" 2>/dev/null | awk '$3 ~ /^xsr_gic_selftest/ { print $3 }' | sort -u
}

# gic_mismatch CONFIG OBJECTS...: a line for each GIC whose suspend the
# library carries although Xen's configuration CONFIG has no driver for it,
# or lacks although it has (Xen's make turns CONFIG_GICV2/CONFIG_GICV3 into
# the library's features gicv2/gicv3; each GIC's registration,
# xsr_gicvN_init, exists only with its feature).
gic_mismatch() {
	local config=$1 v defined want have
	shift
	defined=$("${CROSS_COMPILE}nm" --defined-only "$@" 2>/dev/null | awk '{ print $3 }')
	for v in 2 3; do
		want=0 have=0
		! grep -qx "CONFIG_GICV$v=y" "$config" || want=1
		! grep -qx "xsr_gicv${v}_init" <<<"$defined" || have=1
		[ "$want$have" != 10 ] || echo "CONFIG_GICV$v=y, but the library has no GICv$v suspend (xsr_gicv${v}_init)"
		[ "$want$have" != 01 ] || echo "CONFIG_GICV$v is off, but the library carries the GICv$v suspend (xsr_gicv${v}_init)"
	done
}

# size_ceiling: the number in ci/size.max.
size_ceiling() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/ci/size.max" 2>/dev/null | head -n 1
}

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

# none_or_fail LIST WHAT OK: "OK" when LIST is empty; else "FAIL: WHAT:"
# and the first 20 lines of LIST, and a failure status.
none_or_fail() {
	if [ -n "$1" ]; then
		echo "FAIL: $2:"
		head -n 20 <<<"$1" | sed 's/^/    /'
		return 1
	fi
	info "$3"
}

# check OBJECTS...: the checks on the given objects (an archive works too).
check() {
	local bad=0
	local fp
	fp=$(for o in "$@"; do fp_simd_lines "$o"; done)
	none_or_fail "$fp" "FP/SIMD instructions in the Rust objects" "no FP/SIMD instructions" || bad=1
	local extra
	extra=$(comm -23 <(unresolved_symbols "$@") <(allowed_symbols))
	none_or_fail "$extra" "undefined symbols not in ci/xen-symbols.allow" \
		"undefined symbols: $(unresolved_symbols "$@" | tr '\n' ' ')(all allowed)" || bad=1
	local text
	text=$("$SIZE" -t "$@" | awk '$6 == "(TOTALS)" { printf "data %d, bss %d bytes", $2, $3 }')
	info "code size linked into Xen: .text+.rodata $(text_rodata "$@"), $text ($# objects); per module:"
	module_sizes "$@" | sed 's/^/      /'
	info "boot-only code and data (.init.*, freed after boot): $(init_bytes "$@") bytes"
	local mismatch
	mismatch=$(init_refs "$@")
	none_or_fail "$mismatch" "what stays after boot refers to boot-only code (.init.*), which Xen frees" \
		"nothing that stays after boot refers to boot-only code" || bad=1
	local long
	long=$(long_names "$@")
	none_or_fail "$long" "mangled or outlined-sequence names reach Xen's symbol table (patch 0029 not applied, or no c++filt)" \
		"every Rust symbol has its short name (xen/arch/arm/rust/symbol-names.sh)" || bad=1
	local fmt
	fmt=$(fmt_symbols "$@")
	none_or_fail "$fmt" "core::fmt machinery linked (compose messages with msg!, rust/src/line.rs)" \
		"no core::fmt machinery" || bad=1
	if [ "$PRODUCTION" = 1 ]; then
		local aids size ceiling
		aids=$(test_aid_symbols "$@")
		if [ -n "$aids" ]; then
			echo "FAIL: a production build links test aids: $(tr '\n' ' ' <<<"$aids")"
			bad=1
		fi
		size=$(text_rodata "$@")
		ceiling=$(size_ceiling)
		if [ -z "$ceiling" ] || [ "$size" -gt "$ceiling" ]; then
			echo "FAIL: the production library has $size bytes of .text+.rodata, more than ci/size.max (${ceiling:-missing})"
			bad=1
		else
			info "production: no test aids; $size bytes of .text+.rodata (ceiling ci/size.max: $ceiling)"
		fi
	fi
	local report sites max reach
	report=$(panic_report "$@")
	sites=$(awk '$1 == "sites" { print $2 }' <<<"$report")
	max=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/ci/panic-sites.max" 2>/dev/null | head -n 1)
	reach=$(sed -n 's/^reachable //p' <<<"$report")
	info "panic call sites in the linked library: $sites (at most ${max:-?} allowed)"
	none_or_fail "$reach" "a panic is reachable from a guest-triggered entry point" \
		"no panic reachable from: $GUEST_ENTRIES" || bad=1
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
	# (Output is captured before grep -q reads it: under pipefail, a writer
	# still writing when grep -q stops at its match dies of SIGPIPE.)
	local out
	out=$(comm -23 <(unresolved_symbols "$d/libund.a") <(allowed_symbols))
	grep -qx not_a_xen_function <<<"$out" ||
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
	# core::fmt, a test aid, and a production library over the ceiling.
	cat >"$d/fmt.c" <<'C'
void _ZN4core3fmt5write17h0123456789abcdefE(void) { }
void xsr_gic_selftest(void) { }
const char big[65536] = { 1 };
C
	"${CROSS_COMPILE}gcc" -O2 -c "$d/fmt.c" -o "$d/fmt.o"
	out=$(fmt_symbols "$d/fmt.o")
	grep -q '^core::fmt::write$' <<<"$out" || die "self-test: core::fmt check missed core::fmt::write"
	[ -z "$(fmt_symbols "$d/ok.o")" ] || die "self-test: core::fmt check flagged a clean object"
	[ "$(long_names "$d/fmt.o")" = _ZN4core3fmt5write17h0123456789abcdefE ] || die "self-test: mangled name not found"
	[ -z "$(long_names "$d/ok.o")" ] || die "self-test: name check flagged a clean object"
	[ "$(test_aid_symbols "$d/fmt.o")" = xsr_gic_selftest ] || die "self-test: test-aid check missed xsr_gic_selftest"
	[ "$(text_rodata "$d/fmt.o")" -gt 65536 ] || die "self-test: size of .rodata not counted"
	out=$(module_sizes "$d/fmt.o")
	grep -q '^ *65536  entry points: other$' <<<"$out" || die "self-test: per-module sizes wrong: $out"
	# Code that stays after boot calling boot-only code; the other way is fine.
	cat >"$d/init.c" <<'C'
__attribute__((noinline, section(".init.text"))) int boot_only(int x) { return x * 3; }
__attribute__((noinline)) int later(int x) { return x + 1; }
__attribute__((section(".init.text"))) int at_boot(int x) { return later(x); }
int runtime(int x) { return boot_only(x); }
C
	"${CROSS_COMPILE}gcc" -O2 -c "$d/init.c" -o "$d/init.o"
	out=$(init_refs "$d/init.o")
	[ "$out" = ".text -> boot_only" ] || die "self-test: boot-only check wrong ($out)"
	[ "$(init_bytes "$d/init.o")" -gt 0 ] || die "self-test: .init.text not counted"
	# Counted as kept, at_boot and boot_only would leave less than nothing unnamed.
	out=$(module_sizes "$d/init.o")
	grep -q '^ *[0-9]*  ~unnamed' <<<"$out" || die "self-test: .init.text counted as kept: $out"
	# The GIC suspend against the configuration, both ways.
	printf 'int xsr_gicv2_init(void) { return 0; }\nint xsr_gicv3_init(void) { return 0; }\n' >"$d/gic.c"
	"${CROSS_COMPILE}gcc" -O2 -c "$d/gic.c" -o "$d/gic.o"
	printf 'CONFIG_GICV2=y\n# CONFIG_GICV3 is not set\n' >"$d/config-v2"
	printf 'CONFIG_GICV2=y\nCONFIG_GICV3=y\n' >"$d/config-both"
	out=$(gic_mismatch "$d/config-v2" "$d/gic.o")
	[ "$out" = "CONFIG_GICV3 is off, but the library carries the GICv3 suspend (xsr_gicv3_init)" ] ||
		die "self-test: GIC check missed a GICv3 suspend without its driver ($out)"
	out=$(gic_mismatch "$d/config-both" "$d/ok.o")
	[ "$(wc -l <<<"$out")" = 2 ] || die "self-test: GIC check missed absent GIC suspends ($out)"
	[ -z "$(gic_mismatch "$d/config-both" "$d/gic.o")" ] || die "self-test: GIC check flagged a matching library"
	if (check "$d/init.o" >/dev/null 2>&1); then die "self-test: check passed a call into boot-only code"; fi
	if (PRODUCTION=1 check "$d/fmt.o" >/dev/null 2>&1); then die "self-test: check passed core::fmt, a test aid and 64 kB over the ceiling"; fi
	if (PRODUCTION=1 check "$d/libok.a" >/dev/null 2>&1); then :; else die "self-test: check failed a clean archive as production"; fi
	if (check "$d/libfp.a" >/dev/null 2>&1); then die "self-test: check passed an FP archive"; fi
	if (check "$d/libund.a" >/dev/null 2>&1); then die "self-test: check passed an archive with a foreign symbol"; fi
	info "self-test passed: the FP/SIMD, undefined-symbol, panic-reachability, core::fmt, name, test-aid, boot-only, size and GIC-configuration checks reject bad objects"
}

case "${1:-}" in
--selftest) selftest ;;
"" | -h | --help) sed -n '2,13p' "$0" ;;
--kept)
	# Only the number: .text+.rodata the link keeps from the library.
	tree=$(cd "${2:?usage: ci/check-lib.sh --kept XEN_TREE}" && pwd)
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	linked_members "$tree" "$work"
	text_rodata "$work"/members/*.o
	;;
*)
	tree=$(cd "$1" && pwd)
	PRODUCTION=0
	[ "${2:-}" = --production ] && PRODUCTION=1
	step "library checks: what $tree links from the Rust library"
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	linked_members "$tree" "$work"
	info "linked members: $(cd "$work/members" && ls | tr '\n' ' ')"
	if [ "$PRODUCTION" = 1 ]; then
		# The C half of the test aids: their command-line options.
		opts=$({ grep -aoE 'xsr_(test_[a-z0-9_]+|gic_selftest)' "$tree/xen-syms" || true; } | sort -u | tr '\n' ' ')
		[ -z "$opts" ] || die "the production hypervisor $tree/xen-syms has test options: $opts"
		info "production: the hypervisor has no test option (xsr_test_*, xsr_gic_selftest)"
	fi
	gm=$(gic_mismatch "$tree/.config" "$work"/members/*.o)
	none_or_fail "$gm" "the library's GIC suspend does not follow Xen's configuration" \
		"GIC suspend linked for the configured drivers only: $(grep -oE '^CONFIG_GICV[23]=y' "$tree/.config" | paste -sd ' ')" ||
		die "library checks failed"
	check "$work"/members/*.o
	;;
esac
