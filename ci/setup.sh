#!/usr/bin/env bash
# Install what the project needs on a Debian bookworm machine. Idempotent: a
# second run changes nothing and takes a second or two.
#
#   - apt: the aarch64 cross compiler, dtc, mmdebstrap, cpio, libclang (for
#     bindgen), Xen's build needs, and qemu-system-arm from bookworm-backports
#     (bookworm's own 7.2 is too old);
#   - apt source bookworm-backports, derived from this machine's mirror;
#   - rustup: the aarch64-unknown-none-softfloat and armv7a-none-eabi (the
#     AArch32 test guest) targets, rustfmt and clippy.
#
# Debian trixie (Xen's source, the arm64 dom0 packages) is reached through a
# private apt configuration under build/ (see ci/fetch-xen.sh), so the
# machine's own apt never sees trixie.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

step "setup: checking the machine"
missing=()
[ "$(uname -m)" = x86_64 ] || [ "$(uname -m)" = aarch64 ] ||
	missing+=("an x86_64 or aarch64 host (this is $(uname -m))")
if [ -r /etc/os-release ]; then
	. /etc/os-release
	if [ "${ID:-}" != debian ] || [ "${VERSION_CODENAME:-}" != bookworm ]; then
		missing+=("Debian 12 bookworm (this is ${PRETTY_NAME:-unknown}); on another system install by hand: gcc-aarch64-linux-gnu, device-tree-compiler, mmdebstrap, cpio, libclang-dev, qemu-system-arm >= 10, and rustup's $RUST_TARGET and $RUST_TARGET32 targets")
	fi
else
	missing+=("/etc/os-release (cannot tell which system this is)")
fi
command -v apt-get >/dev/null || missing+=("apt-get")
command -v rustup >/dev/null || missing+=("rustup (https://rustup.rs), which provides cargo and the cross target")
if [ ${#missing[@]} -gt 0 ]; then
	printf 'setup cannot continue; missing:\n' >&2
	printf '  - %s\n' "${missing[@]}" >&2
	exit 1
fi
MIRROR=$(debian_mirror) || die "no Debian mirror found in /etc/apt/sources.list{,.d}; add one for bookworm"
info "Debian mirror (from this machine's apt configuration): $MIRROR"

packages=(
	build-essential gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross
	device-tree-compiler mmdebstrap cpio xz-utils curl ca-certificates gnupg
	libclang-dev clang python3 flex bison bc file shellcheck
)
backports_packages=(qemu-system-arm)

apt_changed=0
bp=/etc/apt/sources.list.d/xen-suspend-bookworm-backports.sources
want_bp=$(printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$MIRROR")
if [ ! -f "$bp" ] || [ "$(cat "$bp")" != "$want_bp" ]; then
	step "setup: adding apt source bookworm-backports ($bp)"
	printf '%s\n' "$want_bp" | as_root tee "$bp" >/dev/null
	apt_changed=1
fi

need=()
for p in "${packages[@]}"; do
	grep -q 'install ok installed' <<<"$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" || need+=("$p")
done
qemu_ok=0
if command -v "$QEMU" >/dev/null; then
	v=$("$QEMU" --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
	[ "${v:-0}" -ge 10 ] && qemu_ok=1
fi

if [ ${#need[@]} -gt 0 ] || [ $qemu_ok = 0 ] || [ $apt_changed = 1 ]; then
	step "setup: apt-get update"
	as_root apt-get update -q
fi
if [ ${#need[@]} -gt 0 ]; then
	step "setup: apt-get install ${need[*]}"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
fi
if [ $qemu_ok = 0 ]; then
	step "setup: apt-get install -t bookworm-backports ${backports_packages[*]}"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		-t bookworm-backports "${backports_packages[@]}"
fi
"$QEMU" --version | head -n 1 | sed 's/^/    /'

step "setup: rustup targets $RUST_TARGET and $RUST_TARGET32, rustfmt, clippy"
installed=$(rustup target list --installed)
for t in "$RUST_TARGET" "$RUST_TARGET32"; do
	grep -qx "$t" <<<"$installed" || rustup target add "$t"
done
for c in rustfmt clippy; do
	grep -q "^$c" <<<"$(rustup component list --installed)" || rustup component add "$c"
done
info "setup done"
