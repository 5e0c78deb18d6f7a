#!/usr/bin/env bash
# Fetch the pinned Xen 4.20 source (Debian trixie's orig tarball), unpack it
# under build/ and apply xen-patches/ in order. Idempotent: a tree whose
# tarball and patch series have not changed is left alone. With
# --download-only, stop after the download; with --tree DIR, unpack into DIR
# instead of build/xen (the debug hypervisor's own tree).
#
# Where the tarball comes from, in this order:
#   1. build/dl/<pinned file>, if its sha256 is the pinned one (no network);
#   2. the pinned file at its pool path on the machine's Debian mirror, checked
#      against the pinned sha256 (a file that is served but does not match is
#      refused: that is not the pinned source);
#   3. only if the pinned file is really gone from the mirror (HTTP 404/410):
#      the xen orig tarball that trixie's source index lists now, checked
#      against the index's sha256 (apt verifies the index's signature). This
#      is not the pin, and the build says so.
# When nothing works it stops with one message saying what it tried and what
# to do.
#
# The mirror is the machine's own (lib.sh, debian_mirror) unless
# XSR_DEBIAN_MIRROR names another; the index's signature is checked against
# Debian's archive keyring unless XSR_ARCHIVE_KEYRING names another (a private
# mirror, or the test of this script, ci/check-fetch.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# The pin: Debian trixie's xen 4.20 orig tarball.
XEN_PIN_VERSION=${XSR_XEN_PIN_VERSION:-4.20.3+127-gc42374a105}
XEN_PIN_SHA256=${XSR_XEN_PIN_SHA256:-df0831854a55a8f31cb3cb85036f2edc928e2ef098d77f815f5714bfafac68f3}
XEN_POOL_DIR=pool/main/x/xen
XEN_PIN_FILE=xen_$XEN_PIN_VERSION.orig.tar.xz
KEYRING=${XSR_ARCHIVE_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}

DL=$BUILD/dl
XEN_SRC=$BUILD/xen
DOWNLOAD_ONLY=0
while [ $# -gt 0 ]; do
	case "$1" in
	--download-only) DOWNLOAD_ONLY=1; shift ;;
	--tree) XEN_SRC=$2; shift 2 ;;
	*) die "unknown argument $1 (fetch-xen.sh [--download-only] [--tree DIR])" ;;
	esac
done
mkdir -p "$DL"

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# http_get URL OUT: download URL to OUT. Prints the HTTP status (000 when the
# server could not be reached) and succeeds only on a complete 2xx transfer.
http_get() {
	local url=$1 out=$2 code rc=0
	rm -f "$out"
	code=$(curl -sSL --retry 3 --retry-connrefused -o "$out" -w '%{http_code}' "$url" 2>"$out.err") || rc=$?
	printf '%s\n' "${code:-000}"
	[ "$rc" -eq 0 ] && [ "${code:-000}" -ge 200 ] && [ "${code:-000}" -lt 300 ]
}

# Print "version sha256 directory file" of the xen orig tarball that trixie's
# source index lists, reading the index afresh.
xen_orig_from_index() {
	local idx
	rm -f "$BUILD/apt-trixie-src/.updated"
	private_apt trixie-src amd64 \
		"deb-src [signed-by=$KEYRING] $MIRROR trixie main" || return 1
	idx=$(find "$BUILD/apt-trixie-src/state/lists" -name '*trixie_main_source_Sources*' | head -n 1)
	[ -n "$idx" ] || return 1
	# apt-helper reads whichever compression apt chose.
	/usr/lib/apt/apt-helper cat-file "$idx" | awk '
		/^Package: / { pkg = $2; ver = ""; dir = ""; file = ""; insha = 0; next }
		pkg != "xen" { next }
		/^Version: / { ver = $2 }
		/^Directory: / { dir = $2 }
		/^Checksums-Sha256:/ { insha = 1; next }
		/^[^ ]/ { insha = 0 }
		insha && $3 ~ /\.orig\.tar\./ { sha = $1; file = $3 }
		/^$/ && pkg == "xen" && file != "" { print ver, sha, dir, file; exit }
		END { if (pkg == "xen" && file != "") print ver, sha, dir, file }' | head -n 1
}

# fetch_checked URL FILE SHA256 WHAT: download URL into build/dl/FILE and
# accept it only if its sha256 is SHA256. Returns 2 when the server says the
# file is not there (404/410), dies on any other failure.
fetch_checked() {
	local url=$1 file=$2 want=$3 what=$4 code got
	if [ -f "$DL/$file" ] && [ "$(sha_of "$DL/$file")" = "$want" ]; then
		info "using build/dl/$file (sha256 matches)"
		return 0
	fi
	info "downloading $url"
	if code=$(http_get "$url" "$DL/$file.part"); then
		got=$(sha_of "$DL/$file.part")
		if [ "$got" != "$want" ]; then
			mv -f "$DL/$file.part" "$DL/$file.rejected"
			die "$(printf '%s\n  %s\n  %s\n  %s' \
				"the mirror serves $file, but it is not $what:" \
				"sha256 served: $got" \
				"sha256 wanted: $want" \
				"refused (kept as build/dl/$file.rejected); check the mirror ($MIRROR) or put the right file into build/dl/")"
		fi
		mv -f "$DL/$file.part" "$DL/$file"
		rm -f "$DL/$file.part.err"
		return 0
	fi
	rm -f "$DL/$file.part"
	case "$code" in
	404 | 410) tried+=("$url: HTTP $code (not on the mirror)"); return 2 ;;
	000) die "$(printf '%s\n  %s' "cannot reach the mirror for $url:" "$(cat "$DL/$file.part.err" 2>/dev/null)")" ;;
	*) die "download of $url failed: HTTP $code" ;;
	esac
}

step "xen source: Xen 4.20 (pinned: Debian trixie's xen $XEN_PIN_VERSION)"
tried=()
file=""
# 1. A tarball already in build/dl/ (downloaded earlier, or put there by hand).
if [ -f "$DL/$XEN_PIN_FILE" ]; then
	if [ "$(sha_of "$DL/$XEN_PIN_FILE")" = "$XEN_PIN_SHA256" ]; then
		file=$XEN_PIN_FILE
		info "using build/dl/$XEN_PIN_FILE (sha256 matches the pin)"
	else
		mv -f "$DL/$XEN_PIN_FILE" "$DL/$XEN_PIN_FILE.rejected"
		info "build/dl/$XEN_PIN_FILE does not match the pinned sha256; moved to $XEN_PIN_FILE.rejected"
	fi
fi
if [ -z "$file" ]; then
	MIRROR=$(debian_mirror) ||
		die "no Debian mirror: none in the machine's apt configuration and XSR_DEBIAN_MIRROR is not set; or put $XEN_PIN_FILE (sha256 $XEN_PIN_SHA256) into build/dl/"
	# 2. The pinned file at its pool path.
	rc=0
	fetch_checked "$MIRROR/$XEN_POOL_DIR/$XEN_PIN_FILE" "$XEN_PIN_FILE" "$XEN_PIN_SHA256" \
		"the pinned source (xen $XEN_PIN_VERSION)" || rc=$?
	if [ "$rc" -eq 0 ]; then
		file=$XEN_PIN_FILE
		info "sha256 matches the pin"
	else
		# 3. The pin is gone: what trixie's index lists now.
		info "the pinned $XEN_PIN_FILE is gone from $MIRROR; reading trixie's source index"
		if read -r ver sha dir ifile < <(xen_orig_from_index) && [ -n "${ifile:-}" ]; then
			upstream=${ver%-*}
			case "$upstream" in
			4.20.*) ;;
			*) die "the pinned xen $XEN_PIN_VERSION is gone and trixie's xen is now $ver, not 4.20; this project targets 4.20 (put $XEN_PIN_FILE, sha256 $XEN_PIN_SHA256, into build/dl/)" ;;
			esac
			if [ "$ifile" != "$XEN_PIN_FILE" ]; then
				info "NOTE: falling back to trixie's current xen $upstream ($ifile), NOT the pinned $XEN_PIN_VERSION; the patches may not apply to it"
			fi
			rc=0
			fetch_checked "$MIRROR/$dir/$ifile" "$ifile" "$sha" "the file trixie's index lists (xen $ver)" || rc=$?
			[ "$rc" -ne 0 ] || file=$ifile
		else
			tried+=("trixie's source index on $MIRROR: not readable or no xen in it (build/apt-trixie-src/update.log)")
		fi
	fi
fi
if [ -z "$file" ]; then
	{
		echo "ERROR: cannot get the Xen 4.20 source. Tried:"
		printf '  - %s\n' "${tried[@]}"
		echo "What you can do: download $XEN_PIN_FILE"
		echo "  (sha256 $XEN_PIN_SHA256)"
		echo "  from another Debian mirror or Debian's snapshot archive and put it into"
		echo "  build/dl/, or set XSR_DEBIAN_MIRROR to a mirror that still has it."
	} >&2
	exit 1
fi
printf '%s\n' "$file" >"$DL/.xen-done"
info "tarball: build/dl/$file"
[ "$DOWNLOAD_ONLY" = 0 ] || exit 0

# The stamp covers the tarball and every patch, so a changed series re-unpacks.
stamp=$(content_hash "$file" "$TOP/xen-patches")
if [ -f "$XEN_SRC/.xsr-stamp" ] && [ "$(cat "$XEN_SRC/.xsr-stamp")" = "$stamp" ]; then
	info "tree up to date: $XEN_SRC"
	exit 0
fi

step "xen source: unpacking into $XEN_SRC"
rm -rf "$XEN_SRC" "$XEN_SRC.tmp"
mkdir -p "$XEN_SRC.tmp"
tar -C "$XEN_SRC.tmp" --strip-components=1 -xf "$DL/$file"
"$TOP/ci/apply-patches.sh" "$XEN_SRC.tmp"
echo "$stamp" >"$XEN_SRC.tmp/.xsr-stamp"
mv "$XEN_SRC.tmp" "$XEN_SRC"
info "ready: $XEN_SRC"
