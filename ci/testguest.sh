#!/usr/bin/env bash
# Build the bare-metal Rust test guest (rust/testguest) as a raw arm64 Image
# for `xl create` (kernel = "testguest.img"):
#
#   build/testguest/target/   cargo's target directory
#   build/testguest/testguest.img
#
# Environment (for a throw-away smoke image on plain QEMU only; never for
# the image Xen boots): TESTGUEST_UART_BASE, TESTGUEST_LINK_BASE (see
# rust/testguest/build.rs), TESTGUEST_IMG to write the image elsewhere.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

CRATE=$TOP/rust/testguest
OUT=$BUILD/testguest
IMG=${TESTGUEST_IMG:-$OUT/testguest.img}
export CARGO_TARGET_DIR=$OUT/target
mkdir -p "$OUT" "$(dirname "$IMG")"

(cd "$CRATE" && cargo build --release --target "$RUST_TARGET")
elf=$CARGO_TARGET_DIR/$RUST_TARGET/release/testguest
[ -f "$elf" ] || die "cargo did not produce $elf"

"${CROSS_COMPILE}objcopy" -O binary "$elf" "$IMG.new"
chmod 0644 "$IMG.new"
mv "$IMG.new" "$IMG"

# The arm64 Image magic must be at 0x38, or Xen's loader refuses the image.
magic=$(od -An -tx1 -j 0x38 -N 4 "$IMG" | tr -d ' \n')
[ "$magic" = 41524d64 ] || die "$IMG: no arm64 Image magic at 0x38 (found '$magic')"

echo "testguest: $IMG $(stat -c %s "$IMG") bytes"
