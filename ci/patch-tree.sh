#!/usr/bin/env bash
# Work on the patch series with git.
#   ci/patch-tree.sh init    build/xen-dev: pristine Xen (tag "base") + one
#                            commit per patch of xen-patches/
#   ci/patch-tree.sh export  rewrite xen-patches/ from the commits after "base"
set -euo pipefail
. "$(dirname "$0")/lib.sh"
DEV=$BUILD/xen-dev
case "${1:-}" in
init)
	tarball=$(cat "$BUILD/dl/.xen-done" 2>/dev/null) || die "run ci/fetch-xen.sh first"
	[ ! -e "$DEV" ] || die "$DEV exists; remove it first (rm -rf build/xen-dev)"
	mkdir -p "$DEV"
	tar -C "$DEV" --strip-components=1 -xf "$BUILD/dl/$tarball"
	cd "$DEV"
	git init -q && git add -A && git -c user.name=base -c user.email=base@invalid commit -qm base && git tag base
	shopt -s nullglob
	for p in "$TOP"/xen-patches/*.patch; do git am -q "$p"; done
	git log --oneline base..HEAD
	;;
export)
	cd "$DEV" || die "no $DEV: run 'make patch-tree' first"
	rm -f "$TOP"/xen-patches/*.patch
	git format-patch -q -o "$TOP/xen-patches" --no-signature --zero-commit -N base..HEAD
	ls "$TOP/xen-patches"
	;;
*) sed -n '2,6p' "$0"; exit 1 ;;
esac
