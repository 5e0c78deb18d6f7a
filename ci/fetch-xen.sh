#!/usr/bin/env bash
# Fetch Debian trixie's Xen 4.20 orig tarball, unpack it under build/ and apply
# xen-patches/ in order. Idempotent: a tree whose tarball and patch series have
# not changed is left alone. With --download-only, stop after the download.
#
# trixie is reached through a private apt configuration under build/ (see
# private_apt in lib.sh), derived from this machine's Debian mirror, so the
# machine's own apt is not changed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# The pinned source: Debian trixie's xen 4.20 orig tarball.
XEN_PIN_VERSION=4.20.3+127-gc42374a105
XEN_PIN_SHA256=df0831854a55a8f31cb3cb85036f2edc928e2ef098d77f815f5714bfafac68f3

DL=$BUILD/dl
XEN_SRC=$BUILD/xen
mkdir -p "$DL"

# Print "version sha256 directory file" of the xen orig tarball in trixie.
xen_orig_from_index() {
	local idx
	idx=$(find "$BUILD/apt-trixie-src/state/lists" -name '*trixie_main_source_Sources*' | head -n 1)
	[ -n "$idx" ] || return 1
	# apt-helper reads whichever compression apt chose (lz4 here).
	/usr/lib/apt/apt-helper cat-file "$idx" | awk '
		/^Package: / { pkg = $2; ver = ""; dir = ""; insha = 0; next }
		pkg != "xen" { next }
		/^Version: / { ver = $2 }
		/^Directory: / { dir = $2 }
		/^Checksums-Sha256:/ { insha = 1; next }
		/^[^ ]/ { insha = 0 }
		insha && $3 ~ /\.orig\.tar\./ { sha = $1; file = $3 }
		/^$/ && pkg == "xen" && file != "" { print ver, sha, dir, file; exit }'
}

step "xen source: Debian trixie xen 4.20 (pinned $XEN_PIN_VERSION)"
if [ ! -f "$DL/.xen-done" ]; then
	MIRROR=$(debian_mirror) || die "no Debian mirror found in the machine's apt configuration"
	info "reading trixie's source index (private apt configuration, $MIRROR)"
	private_apt trixie-src amd64 \
		"deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR trixie main"
	read -r ver sha dir file < <(xen_orig_from_index) ||
		die "trixie's source index has no xen package (mirror $MIRROR)"
	case "$ver" in
	4.20.*) ;;
	*) die "trixie's xen is now $ver, not 4.20; this project targets 4.20 (update XEN_PIN_VERSION after checking the patches)" ;;
	esac
	upstream=${ver%-*}
	if [ "$upstream" != "$XEN_PIN_VERSION" ]; then
		info "NOTE: the mirror has moved from the pinned $XEN_PIN_VERSION to $upstream; using $upstream"
	fi
	if [ ! -f "$DL/$file" ] || ! echo "$sha  $DL/$file" | sha256sum -c --quiet 2>/dev/null; then
		info "downloading $dir/$file"
		curl -fsSL --retry 3 -o "$DL/$file.part" "$MIRROR/$dir/$file" ||
			die "download of $MIRROR/$dir/$file failed"
		echo "$sha  $DL/$file.part" | sha256sum -c --quiet ||
			die "checksum mismatch for $file (index says $sha)"
		mv "$DL/$file.part" "$DL/$file"
	fi
	if [ "$upstream" = "$XEN_PIN_VERSION" ] && [ "$sha" != "$XEN_PIN_SHA256" ]; then
		die "$file has sha256 $sha, the pin says $XEN_PIN_SHA256"
	fi
	printf '%s\n' "$file" >"$DL/.xen-done"
fi
file=$(cat "$DL/.xen-done")
tarball=$DL/$file
info "tarball: $file"
[ "${1:-}" != --download-only ] || exit 0

# The stamp covers the tarball and every patch, so a changed series re-unpacks.
stamp=$(content_hash "$file" "$TOP/xen-patches")
if [ -f "$XEN_SRC/.xsr-stamp" ] && [ "$(cat "$XEN_SRC/.xsr-stamp")" = "$stamp" ]; then
	info "tree up to date: $XEN_SRC"
	exit 0
fi

step "xen source: unpacking into build/xen"
rm -rf "$XEN_SRC" "$XEN_SRC.tmp"
mkdir -p "$XEN_SRC.tmp"
tar -C "$XEN_SRC.tmp" --strip-components=1 -xf "$tarball"
"$TOP/ci/apply-patches.sh" "$XEN_SRC.tmp"
echo "$stamp" >"$XEN_SRC.tmp/.xsr-stamp"
mv "$XEN_SRC.tmp" "$XEN_SRC"
info "ready: $XEN_SRC"
