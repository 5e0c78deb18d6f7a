#!/usr/bin/env bash
# Check the patch series in xen-patches/: each patch has a subject in Xen's
# style ("xen/...: ..." or "tools/...: ...") and a body saying why, and the
# series applies cleanly, in order, to a fresh copy of the pinned Xen source
# (no fuzz, no offset). The first patch that fails is named.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

step "patch series: style and clean application"
shopt -s nullglob
patches=("$TOP"/xen-patches/*.patch)
[ ${#patches[@]} -gt 0 ] || die "no patches in xen-patches/"
for p in "${patches[@]}"; do
	name=$(basename "$p")
	subject=$(sed -n 's/^Subject: \(\[PATCH[^]]*\] \)\{0,1\}//p' "$p" | head -n 1)
	grep -qE '^(xen|tools|docs|automation)(/[a-z0-9_.-]+)*: [a-z]' <<<"$subject" ||
		die "$name: subject '$subject' is not in Xen's style (\"xen/arm: do something\")"
	body=$(awk '/^Subject:/ { s = 1; next } s && /^$/ && !b { b = 1; next } b && /^---$/ { exit } b { print }' "$p" |
		grep -cv '^[[:space:]]*$' || true)
	[ "$body" -ge 2 ] || die "$name: the commit message needs a body that says why"
done
info "${#patches[@]} patches have Xen-style subjects and bodies"

"$TOP/ci/fetch-xen.sh" --download-only
tarball=$(cat "$BUILD/dl/.xen-done")
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
tar -C "$d" --strip-components=1 -xf "$BUILD/dl/$tarball"
"$TOP/ci/apply-patches.sh" "$d"
info "series applies cleanly to $tarball"
