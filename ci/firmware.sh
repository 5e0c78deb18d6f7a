#!/usr/bin/env bash
# Build the project's test EL3 firmware for QEMU virt with secure=on
# (rust/firmware) as a raw flash image for `-bios`:
#
#   build/firmware/target/   cargo's target directory
#   build/firmware/fw.bin    the image (QEMU pads it to flash0's 64 MB)
#
# Idempotent: cargo rebuilds only what changed, and fw.bin is replaced only
# when its contents change. The firmware's host tests are separate:
#   (cd rust/firmware && cargo test)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

CRATE=$TOP/rust/firmware
OUT=$BUILD/firmware
BIN=$OUT/fw.bin
export CARGO_TARGET_DIR=$OUT/target

need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found: $2"; }
need cargo "install Rust (ci/setup.sh does)"
need "${CROSS_COMPILE}objcopy" "install binutils-aarch64-linux-gnu (ci/setup.sh does)"
if command -v rustup >/dev/null 2>&1 && ! grep -qx "$RUST_TARGET" <<<"$(rustup target list --installed)"; then
	die "the Rust target $RUST_TARGET is missing: rustup target add $RUST_TARGET (ci/setup.sh does)"
fi
mkdir -p "$OUT"

step "firmware: cargo build --release --target $RUST_TARGET (rust/firmware)"
(cd "$CRATE" && cargo build --release --target "$RUST_TARGET")
elf=$CARGO_TARGET_DIR/$RUST_TARGET/release/xsr-firmware
[ -f "$elf" ] || die "cargo did not produce $elf"

"${CROSS_COMPILE}objcopy" -O binary "$elf" "$BIN.new"
size=$(stat -c %s "$BIN.new")
# The reset vector is at 0 and flash0 holds 64 MB.
[ "$size" -gt 0 ] && [ "$size" -le $((64 << 20)) ] || die "$BIN.new: implausible size $size"
first=$(od -An -tx4 -N 4 "$BIN.new" | tr -d ' \n')
[ "$first" = d5034fdf ] || die "$BIN.new: the reset vector does not start with 'msr daifset, #0xf' (found $first)"
chmod 0644 "$BIN.new"
if cmp -s "$BIN.new" "$BIN"; then
	rm -f "$BIN.new"
	info "$BIN unchanged ($size bytes)"
else
	mv "$BIN.new" "$BIN"
	info "wrote $BIN ($size bytes)"
fi
