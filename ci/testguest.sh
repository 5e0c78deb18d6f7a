#!/usr/bin/env bash
# Build the bare-metal Rust test guests for `xl create`:
#
#   build/testguest/testguest.img     rust/testguest, a raw arm64 Image
#   build/testguest/testguest32.img   rust/testguest32, an arm32 zImage
#   build/testguest/target/           cargo's target directory (both)
#
# Environment (for a throw-away smoke image on plain QEMU only; never for
# the image Xen boots): TESTGUEST_UART_BASE, TESTGUEST_LINK_BASE (see
# rust/testguest/build.rs), TESTGUEST_IMG to write the arm64 image
# elsewhere.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OUT=$BUILD/testguest
IMG=${TESTGUEST_IMG:-$OUT/testguest.img}
IMG32=$OUT/testguest32.img
export CARGO_TARGET_DIR=$OUT/target
mkdir -p "$OUT" "$(dirname "$IMG")"

# image CRATE TARGET FILE: cargo build, then the ELF as a raw binary.
image() {
	local crate=$1 target=$2 file=$3 elf
	(cd "$TOP/rust/$crate" && cargo build --release --target "$target")
	elf=$CARGO_TARGET_DIR/$target/release/$crate
	[ -f "$elf" ] || die "cargo did not produce $elf"
	"${CROSS_COMPILE}objcopy" -O binary "$elf" "$file.new"
	chmod 0644 "$file.new"
	mv "$file.new" "$file"
}

# header FILE OFFSET HEX WHAT: the loader's magic must be where it looks.
header() {
	local magic
	magic=$(od -An -tx1 -j "$2" -N 4 "$1" | tr -d ' \n')
	[ "$magic" = "$3" ] || die "$1: no $4 magic at $2 (found '$magic')"
}

image testguest "$RUST_TARGET" "$IMG"
# Xen's loader refuses an arm64 Image without "ARMd" at 0x38.
header "$IMG" 0x38 41524d64 "arm64 Image"
echo "testguest: $IMG $(stat -c %s "$IMG") bytes"

if [ -z "${TESTGUEST_IMG:-}" ]; then
	image testguest32 "$RUST_TARGET32" "$IMG32"
	# libxenguest takes a file for an arm32 zImage by 0x016f2818 at 0x24.
	header "$IMG32" 0x24 18286f01 "arm32 zImage"
	echo "testguest32: $IMG32 $(stat -c %s "$IMG32") bytes"
fi
