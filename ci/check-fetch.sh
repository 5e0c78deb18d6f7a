#!/usr/bin/env bash
# Test ci/fetch-xen.sh without the network: a local directory laid out like
# a Debian mirror (pool/ and a signed trixie Sources index, with a key made
# for the test) is served on the loopback address, and fetch-xen.sh is run
# against it, each time in an empty build directory, with a pin made for the
# test (a small fake tarball). Cases:
#
#   pin-present      the pinned file is at its pool path -> used, no fallback
#   pin-gone         the pinned file is not on the mirror, the index lists a
#                    newer 4.20 whose file is -> used, with a NOTE saying so
#   pin-mismatch     a file is served at the pinned path but its sha256 is not
#                    the pin's -> refused, nothing used, no fallback
#   index-mismatch   the pin is gone and the index's file does not match the
#                    index's sha256 -> refused
#   index-forged     the pin is gone and the index is not signed by the
#                    archive key -> the index is not trusted, nothing used
#   both-gone        neither the pin nor the index's file is there -> one
#                    message naming both and what a user can do
#   offline          the pinned file is in build/dl/, no mirror reachable ->
#                    used without the network
set -euo pipefail
. "$(dirname "$0")/lib.sh"

step "fetch-xen.sh against a local Debian mirror (no network)"
command -v gpg >/dev/null || die "gpg is missing (apt-get install gnupg; ci/setup.sh installs it)"
work=$(mktemp -d)
server_pid=""
cleanup() {
	[ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY no_proxy NO_PROXY

PIN_VER=4.20.0+1-gpinned
NEW_VER=4.20.9+2-gnewer
# fake_tarball VERSION OUT: a small xz tarball laid out like Xen's.
fake_tarball() {
	local d=$work/t/xen-$1
	mkdir -p "$d"
	printf 'fake xen %s for the fetch test\n' "$1" >"$d/README"
	tar -C "$work/t" -cJf "$2" "xen-$1"
	rm -rf "$work/t"
}
mkdir -p "$work/src"
fake_tarball "$PIN_VER" "$work/src/pin.tar.xz"
fake_tarball "$NEW_VER" "$work/src/new.tar.xz"
fake_tarball "0.0.0-other" "$work/src/other.tar.xz"
PIN_SHA=$(sha256sum "$work/src/pin.tar.xz" | cut -d' ' -f1)
NEW_SHA=$(sha256sum "$work/src/new.tar.xz" | cut -d' ' -f1)

# A signing key for the test mirror.
export GNUPGHOME=$work/gnupg
mkdir -m 700 "$GNUPGHOME"
gpg --batch -q --passphrase '' --quick-gen-key 'xen-suspend fetch test <fetch-test@invalid>' \
	ed25519 sign never 2>/dev/null
gpg --batch -q --export >"$work/keyring.gpg"
# A second key, which did not sign the mirror's index.
GNUPGHOME=$work/gnupg2
mkdir -m 700 "$GNUPGHOME"
gpg --batch -q --passphrase '' --quick-gen-key 'xen-suspend fetch test, other <other@invalid>' \
	ed25519 sign never 2>/dev/null
gpg --batch -q --export >"$work/other-keyring.gpg"
GNUPGHOME=$work/gnupg

# mirror_with FILES...: lay out the mirror: pool entries given as
# "NAME=SOURCE" (SOURCE a file under $work/src) and a trixie Sources index
# listing xen $NEW_VER with the sha256 of new.tar.xz.
mirror_with() {
	local m=$work/mirror e
	rm -rf "$m"
	mkdir -p "$m/pool/main/x/xen" "$m/dists/trixie/main/source"
	for e in "$@"; do
		cp "$work/src/${e#*=}" "$m/pool/main/x/xen/${e%%=*}"
	done
	cat >"$m/dists/trixie/main/source/Sources" <<-EOF
		Package: xe
		Version: 1.0-1
		Directory: pool/main/x/xe
		Checksums-Sha256:
		 0000000000000000000000000000000000000000000000000000000000000000 10 xe_1.0.orig.tar.xz

		Package: xen
		Version: $NEW_VER-0+deb13u1
		Directory: pool/main/x/xen
		Checksums-Sha256:
		 1111111111111111111111111111111111111111111111111111111111111111 10 xen_$NEW_VER-0+deb13u1.dsc
		 $NEW_SHA $(stat -c %s "$work/src/new.tar.xz") xen_$NEW_VER.orig.tar.xz

	EOF
	xz -k "$m/dists/trixie/main/source/Sources"
	{
		printf 'Origin: Test\nLabel: Test\nSuite: trixie\nCodename: trixie\n'
		printf 'Date: %s\nArchitectures: amd64 arm64\nComponents: main\nSHA256:\n' \
			"$(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S UTC')"
		for f in main/source/Sources main/source/Sources.xz; do
			printf ' %s %s %s\n' "$(sha256sum "$m/dists/trixie/$f" | cut -d' ' -f1)" \
				"$(stat -c %s "$m/dists/trixie/$f")" "$f"
		done
	} >"$m/dists/trixie/Release"
	gpg --batch -q --yes --clearsign -o "$m/dists/trixie/InRelease" "$m/dists/trixie/Release"
}

# The server: the mirror directory on 127.0.0.1, on a port the kernel picks.
mkdir -p "$work/mirror"
python3 - "$work/mirror" "$work/port" <<-'EOF' >/dev/null 2>&1 &
	import functools, http.server, sys
	handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
	handler.log_message = lambda *a: None
	srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
	open(sys.argv[2] + ".tmp", "w").write(str(srv.server_address[1]))
	import os; os.rename(sys.argv[2] + ".tmp", sys.argv[2])
	srv.serve_forever()
EOF
server_pid=$!
for _ in $(seq 50); do [ -f "$work/port" ] && break; sleep 0.1; done
[ -f "$work/port" ] || die "the test mirror's HTTP server did not start"
MIRROR_URL=http://127.0.0.1:$(cat "$work/port")/

pass=0 fail=0
# run_case NAME EXPECT(ok|fail) FILE PATTERN...: run fetch-xen.sh
# --download-only in an empty build directory; it must succeed (ok, having
# recorded FILE as the tarball, with FILE's sha256 as expected) or fail
# (fail), and its output must match every PATTERN (a leading ! forbids it).
run_case() {
	local name=$1 expect=$2 want_file=$3 out rc=0 p why=""
	shift 3
	out=$(BUILD=$work/build-$name XSR_DEBIAN_MIRROR=${CASE_MIRROR:-$MIRROR_URL} \
		XSR_ARCHIVE_KEYRING=${CASE_KEYRING:-$work/keyring.gpg} XSR_XEN_PIN_VERSION=$PIN_VER \
		XSR_XEN_PIN_SHA256=$PIN_SHA bash "$TOP/ci/fetch-xen.sh" --download-only 2>&1) || rc=$?
	if [ "$expect" = ok ] && [ "$rc" -ne 0 ]; then
		why="fetch-xen.sh failed (exit $rc)"
	elif [ "$expect" = fail ] && [ "$rc" -eq 0 ]; then
		why="fetch-xen.sh succeeded where it must refuse"
	elif [ "$expect" = ok ] && [ "$(cat "$work/build-$name/dl/.xen-done" 2>/dev/null)" != "$want_file" ]; then
		why="recorded '$(cat "$work/build-$name/dl/.xen-done" 2>/dev/null)', expected '$want_file'"
	fi
	for p in "$@"; do
		[ -z "$why" ] || break
		if [ "${p#!}" != "$p" ]; then
			! grep -qF -- "${p#!}" <<<"$out" || why="output has '${p#!}'"
		else
			grep -qF -- "$p" <<<"$out" || why="output lacks '$p'"
		fi
	done
	if [ -z "$why" ]; then
		echo "    ok   $name"
		pass=$((pass + 1))
	else
		echo "    FAIL $name: $why"
		sed 's/^/        | /' <<<"$out"
		fail=$((fail + 1))
	fi
}

PIN_FILE=xen_$PIN_VER.orig.tar.xz
NEW_FILE=xen_$NEW_VER.orig.tar.xz

mirror_with "$PIN_FILE=pin.tar.xz" "$NEW_FILE=new.tar.xz"
run_case pin-present ok "$PIN_FILE" "sha256 matches the pin" "!NOTE" "!reading trixie's source index"

mirror_with "$NEW_FILE=new.tar.xz"
run_case pin-gone ok "$NEW_FILE" "is gone from" "NOTE: falling back to trixie's current xen $NEW_VER" \
	"NOT the pinned $PIN_VER"

mirror_with "$PIN_FILE=other.tar.xz" "$NEW_FILE=new.tar.xz"
run_case pin-mismatch fail "" "it is not the pinned source" "sha256 wanted: $PIN_SHA" \
	"!falling back" "!tarball:"

mirror_with "$NEW_FILE=other.tar.xz"
run_case index-mismatch fail "" "it is not the file trixie's index lists" "sha256 wanted: $NEW_SHA" "!tarball:"

mirror_with "$NEW_FILE=new.tar.xz"
CASE_KEYRING=$work/other-keyring.gpg run_case index-forged fail "" "not readable or no xen in it" "NO_PUBKEY" \
	"!falling back" "!tarball:"

mirror_with
run_case both-gone fail "" "cannot get the Xen 4.20 source. Tried:" \
	"pool/main/x/xen/$PIN_FILE: HTTP 404" "pool/main/x/xen/$NEW_FILE: HTTP 404" \
	"put it into" "build/dl/" "sha256 $PIN_SHA"

# Offline: the pinned file is already in build/dl/; the mirror is a closed port.
mkdir -p "$work/build-offline/dl"
cp "$work/src/pin.tar.xz" "$work/build-offline/dl/$PIN_FILE"
CASE_MIRROR=http://127.0.0.1:9/ run_case offline ok "$PIN_FILE" "sha256 matches the pin" "!downloading"

info "$pass passed, $fail failed"
[ "$fail" -eq 0 ] || die "fetch-xen.sh does not behave as specified"
