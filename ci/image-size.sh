#!/usr/bin/env bash
# What the layer adds to the hypervisor image, and where it goes.
#
#   ci/image-size.sh [--max FILE] BASE_NAME:BASE_TREE NAME:TREE...
#
# For each built Xen tree (xen/ with xen-syms) against BASE_TREE (the same
# Xen source and configuration without the layer: stock Xen for make size
# and make bench, the patched tree without it, make xen-plain, for make
# test): .text and .rodata of xen-syms, what the tree adds to them, and
# that addition split into
# - the Rust library: its linked .text+.rodata (ci/check-lib.sh --kept; its
#   boot-only code and data are in .init.* and not counted),
# - Xen's symbol table: every text symbol is kept by name for backtraces,
#   so each new function costs there too,
# - the rest: the C and assembly of the patches (and alignment).
# Prints a Markdown table. With --max FILE, fails when a tree adds more
# than the number in FILE.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

max=
if [ "${1:-}" = --max ]; then
	max=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "${2:?--max FILE}" | head -n 1)
	[ -n "$max" ] || die "no number in $2"
	shift 2
fi
base=${1:?usage: ci/image-size.sh [--max FILE] BASE_NAME:BASE_TREE NAME:TREE...}
shift
base_name=${base%%:*} base_tree=${base#*:}

sizes() { "${CROSS_COMPILE}size" -A "$1" | awk '$1 == ".text" { t = $2 } $1 == ".rodata" { r = $2 } END { print t, r }'; }
# The symbol table's tables lie between these two symbols (the last one,
# symbols_token_index, has a fixed size).
symtab() {
	local a b
	read -r a b < <("${CROSS_COMPILE}nm" "$1" | awk '$3 == "symbols_addresses" { a = $1 }
		$3 == "symbols_token_index" { b = $1 } END { print a, b }')
	[ -n "$b" ] || return 1
	echo $((16#$b - 16#$a))
}

[ -f "$base_tree/xen-syms" ] || die "$base_tree/xen-syms not found: build it first"
read -r st sr < <(sizes "$base_tree/xen-syms")
ss=$(symtab "$base_tree/xen-syms") || die "no symbol table in $base_tree/xen-syms"
echo "| build | .text | .rodata | added .text+.rodata | of which: Rust library | Xen's symbol table | C and assembly |"
echo "|---|---|---|---|---|---|---|"
echo "| $base_name | $st | $sr | 0 | | | |"
over=
for b in "$@"; do
	name=${b%%:*} tree=${b#*:}
	[ -f "$tree/xen-syms" ] || die "$tree/xen-syms not found"
	read -r t r < <(sizes "$tree/xen-syms")
	added=$((t + r - st - sr))
	rust=$(bash "$TOP/ci/check-lib.sh" --kept "$tree")
	sym=$(($(symtab "$tree/xen-syms") - ss))
	echo "| $name | $t | $r | $added | $rust | $sym | $((added - rust - sym)) |"
	if [ -n "$max" ] && [ "$added" -gt "$max" ]; then
		over+="$name adds $added bytes, more than $max; "
	fi
done
[ -z "$over" ] || die "image size: ${over%; } (ci/image-size.max)"
[ -z "$max" ] || info "image size: within the ceiling of $max bytes (ci/image-size.max)"
