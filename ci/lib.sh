# Shared helpers for the ci/ scripts. Source it; do not run it.
# shellcheck shell=bash

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
export TOP BUILD

step() { printf '\n==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die() {
	printf 'ERROR: %s\n' "$*" >&2
	exit 1
}

# Run as root, or through sudo when that is available.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "'$*' needs root and sudo is not installed; run as root or install sudo"
	fi
}

# The Debian archive mirror this machine is configured with: the URI of the
# first source that serves the main archive (not the security archive). Both
# deb822 (.sources) and one-line (.list) formats are read. XSR_DEBIAN_MIRROR,
# when set, names another one (for example a local mirror).
debian_mirror() {
	local f uri
	if [ -n "${XSR_DEBIAN_MIRROR:-}" ]; then
		echo "${XSR_DEBIAN_MIRROR%/}"
		return 0
	fi
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' "$f" |
			grep -v -- '-security' | grep -E '/debian/?$' | head -n 1)
		[ -n "$uri" ] && { echo "${uri%/}"; return 0; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		uri=$(awk '$1 == "deb" || $1 == "deb-src" {
			for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) { print $i; break } }' "$f" |
			grep -v -- '-security' | grep -E '/debian/?$' | head -n 1)
		[ -n "$uri" ] && { echo "${uri%/}"; return 0; }
	done
	return 1
}

# The QEMU binary the project uses (bookworm-backports installs it in /usr/bin).
QEMU=${QEMU:-qemu-system-aarch64}
CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}
RUST_TARGET=aarch64-unknown-none-softfloat
# The AArch32 test guest's target (rust/testguest32).
RUST_TARGET32=armv7a-none-eabi
export QEMU CROSS_COMPILE RUST_TARGET RUST_TARGET32

# A short hash of the given files and of every file under the given folders
# (missing ones are skipped): a stamp that changes when any input changes.
content_hash() {
	local p
	for p in "$@"; do
		if [ -d "$p" ]; then
			find "$p" -type f -print0 | LC_ALL=C sort -z | xargs -0 -r cat
		elif [ -f "$p" ]; then
			cat "$p"
		else
			printf '%s\n' "$p"
		fi
	done | sha256sum | cut -c1-16
}

# Private apt configurations for Debian trixie under build/, so that the
# machine's own apt never sees trixie. private_apt NAME ARCH LINE sets the
# array APT_OPTS for `apt-get "${APT_OPTS[@]}" ...` on a configuration whose
# only source is LINE (for example "deb-src URL trixie main"), with ARCH as
# its architecture, and updates its index once.
private_apt() {
	local name=$1 arch=$2 line=$3 dir
	dir=$BUILD/apt-$name
	mkdir -p "$dir/state/lists/partial" "$dir/cache/archives/partial"
	APT_OPTS=(
		-o "Dir::Etc::SourceList=$dir/sources.list"
		-o "Dir::Etc::SourceParts=/dev/null"
		-o "Dir::State=$dir/state"
		-o "Dir::Cache=$dir/cache"
		-o "Dir::State::status=/dev/null"
		-o "APT::Architecture=$arch"
		-o "APT::Architectures::=$arch"
		-o "Acquire::Languages=none"
		-o "APT::Sandbox::User=root"
	)
	if [ ! -f "$dir/.updated" ] || [ "$(cat "$dir/sources.list" 2>/dev/null)" != "$line" ]; then
		printf '%s\n' "$line" >"$dir/sources.list"
		apt-get "${APT_OPTS[@]}" update -q >"$dir/update.log" 2>&1 ||
			{ cat "$dir/update.log" >&2; die "apt-get update failed for '$line'"; }
		touch "$dir/.updated"
	fi
}

# kconfig_set FILE LINE: LINE (CONFIG_X=VALUE, or "# CONFIG_X is not set")
# replaces what the Kconfig file FILE says of CONFIG_X, in either form; the
# caller runs olddefconfig after.
kconfig_set() {
	local file=$1 line=$2 sym
	sym=${line%%=*}
	case "$line" in "# CONFIG_"*" is not set") sym=${line#\# } sym=${sym%% *} ;; esac
	sed -i -e "/^# $sym is not set\$/d" -e "/^$sym=/d" "$file"
	echo "$line" >>"$file"
}
