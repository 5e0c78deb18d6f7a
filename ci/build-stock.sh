#!/usr/bin/env bash
# Build stock Xen 4.20 (the pinned tarball, no patches, defconfig) in
# build/xen-stock, once: what make bench and make size compare against.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

STOCK=$BUILD/xen-stock
bash "$TOP/ci/fetch-xen.sh" >/dev/null
tarball=$(cat "$BUILD/dl/.xen-done")
if [ ! -f "$STOCK/xen/xen" ] || [ "$(cat "$STOCK/.tarball" 2>/dev/null)" != "$tarball" ]; then
	rm -rf "$STOCK"
	mkdir -p "$STOCK"
	tar -C "$STOCK" --strip-components=1 -xf "$BUILD/dl/$tarball"
	make -C "$STOCK/xen" XEN_TARGET_ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE" defconfig >/dev/null
	make -C "$STOCK/xen" XEN_TARGET_ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE" -j"$(nproc)" \
		>"$BUILD/xen-stock-build.log" 2>&1 || { tail -n 20 "$BUILD/xen-stock-build.log"; die "stock Xen build failed (log: build/xen-stock-build.log)"; }
	echo "$tarball" >"$STOCK/.tarball"
fi
info "stock: $STOCK/xen/xen"
