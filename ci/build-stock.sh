#!/usr/bin/env bash
# Build stock Xen 4.20 (the pinned tarball, no patches, defconfig) in
# build/xen-stock, once: what make bench and make size compare against.
#
#   ci/build-stock.sh [gicv2 | gicv3]
#
# With an argument, the same with that GIC driver only (the other one's
# CONFIG_GICVn off, as make xen-prod-gicvN configures it), in
# build/xen-stock-gicvN.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

STOCK=$BUILD/xen-stock
off=
case "${1:-}" in
"") ;;
gicv2) STOCK=$BUILD/xen-stock-gicv2 off=CONFIG_GICV3 ;;
gicv3) STOCK=$BUILD/xen-stock-gicv3 off=CONFIG_GICV2 ;;
*) die "usage: ci/build-stock.sh [gicv2 | gicv3]" ;;
esac
name=${STOCK##*/}
bash "$TOP/ci/fetch-xen.sh" >/dev/null
tarball=$(cat "$BUILD/dl/.xen-done")
if [ ! -f "$STOCK/xen/xen" ] || [ "$(cat "$STOCK/.tarball" 2>/dev/null)" != "$tarball" ]; then
	rm -rf "$STOCK"
	mkdir -p "$STOCK"
	tar -C "$STOCK" --strip-components=1 -xf "$BUILD/dl/$tarball"
	make -C "$STOCK/xen" XEN_TARGET_ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE" defconfig >/dev/null
	if [ -n "$off" ]; then
		kconfig_set "$STOCK/xen/.config" "# $off is not set"
		make -C "$STOCK/xen" XEN_TARGET_ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE" olddefconfig >/dev/null
		! grep -q "^$off=y" "$STOCK/xen/.config" || die "$STOCK/xen/.config still has $off=y"
	fi
	make -C "$STOCK/xen" XEN_TARGET_ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE" -j"$(nproc)" \
		>"$BUILD/$name-build.log" 2>&1 || { tail -n 20 "$BUILD/$name-build.log"; die "stock Xen build failed (log: build/$name-build.log)"; }
	echo "$tarball" >"$STOCK/.tarball"
fi
info "stock: $STOCK/xen/xen"
