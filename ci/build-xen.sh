#!/usr/bin/env bash
# Configure and build one patched Xen tree (the Makefile's xen, xen-prod,
# xen-debug and xen-plain targets).
#
#   ci/build-xen.sh NAME DIR [--no-layer] [--set LINE]... [--want LINE]... [--unwanted REGEX]...
#
# DIR is the unpacked source (DIR/xen is built; ci/fetch-xen.sh fills it).
# The configuration is defconfig, made with XSR_SRC (so CONFIG_RUST_SUSPEND
# defaults to y) unless --no-layer; each --set LINE (CONFIG_X=y, or "# CONFIG_X is not set") is added
# if missing. The build stops before compiling when a --want line is not
# in .config or an --unwanted one is, so that one configuration cannot pass
# for another. With --no-layer the hypervisor must have no symbol of the
# layer. The log is build/NAME-build.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:?usage: ci/build-xen.sh NAME DIR [options]}
dir=${2:?usage: ci/build-xen.sh NAME DIR [options]}
shift 2
layer=1 sets=() wants=() unwanted=()
while [ $# -gt 0 ]; do
	case "$1" in
	--no-layer) layer=0; shift ;;
	--set) sets+=("$2"); shift 2 ;;
	--want) wants+=("$2"); shift 2 ;;
	--unwanted) unwanted+=("$2"); shift 2 ;;
	*) die "ci/build-xen.sh: unknown option $1" ;;
	esac
done

if [ "$dir" = "$BUILD/xen" ]; then
	bash "$TOP/ci/fetch-xen.sh" >/dev/null
else
	bash "$TOP/ci/fetch-xen.sh" --tree "$dir" >/dev/null
fi
tree=$dir/xen
make_args=(-C "$tree" XEN_TARGET_ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE")
if [ "$layer" = 1 ]; then
	make_args+=(XSR_SRC="$TOP")
else
	unset XSR_SRC
fi
xmake() { make "${make_args[@]}" "$@"; }

[ -f "$tree/.config" ] || xmake defconfig >/dev/null
added=0
for line in ${sets[@]+"${sets[@]}"}; do
	grep -qxF "$line" "$tree/.config" && continue
	kconfig_set "$tree/.config" "$line"
	added=1
done
[ "$added" = 0 ] || xmake olddefconfig >/dev/null
for line in ${wants[@]+"${wants[@]}"} ${sets[@]+"${sets[@]}"}; do
	grep -qxF "$line" "$tree/.config" || die "$tree/.config lacks '$line'"
done
for re in ${unwanted[@]+"${unwanted[@]}"}; do
	! grep -qE "$re" "$tree/.config" || die "$tree/.config has '$(grep -E -m1 "$re" "$tree/.config")'"
done

log=$BUILD/$name-build.log
xmake -j"$(nproc)" >"$log" 2>&1 || { tail -n 40 "$log"; die "the $name build failed (log: build/$name-build.log)"; }
if [ "$layer" = 0 ]; then
	! grep -q xsr_ "$tree/xen-syms.map" || die "$tree/xen has symbols of the layer without it"
fi
info "built $tree/xen ($(stat -c %s "$tree/xen") bytes)"
