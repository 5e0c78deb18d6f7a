#!/usr/bin/env bash
# Apply xen-patches/*.patch, in order, to the Xen tree given as $1. The first
# patch that does not apply cleanly stops everything and is named.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
tree=${1:?usage: apply-patches.sh XEN_TREE}
n=0
for p in "$TOP"/xen-patches/*.patch; do
	[ -e "$p" ] || continue
	if ! out=$(patch -d "$tree" -p1 --forward --batch --no-backup-if-mismatch -F0 <"$p" 2>&1); then
		printf '%s\n' "$out" >&2
		die "patch $(basename "$p") does not apply to $tree"
	fi
	if grep -qE '^Hunk #[0-9]+ succeeded at .*(offset|fuzz)' <<<"$out"; then
		printf '%s\n' "$out" >&2
		die "patch $(basename "$p") applies only with offset or fuzz; refresh it"
	fi
	n=$((n + 1))
	info "applied $(basename "$p")"
done
info "$n patches applied"
