#!/usr/bin/env bash
# dom0's copier of a guest's console (follow in ci/dom0/lib.sh) must copy
# whole lines only: a guest writes its vUART a byte at a time, and a half
# line copied at one poll, then cut by a line of dom0's own, is a marker
# that no longer matches (seen: "TG: cycle 5" + "XSR: cycle 6: ..." +
# " resumed ok ...", one cycle short in a count). On the host, with the
# same shell functions: a "guest" writes a line in two halves a second
# apart while "dom0" prints its own line in between; every guest line must
# come out whole, and the last line, without a newline, on the last copy.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

step "dom0's console copier: whole guest lines, never cut by dom0's own"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export XSR_CONSOLE_DIR=$dir TMPDIR=$dir
console=$dir/guest-tg-vuart0.log
: >"$console"
out=$dir/out
(
	# shellcheck source=ci/dom0/lib.sh
	. "$TOP/ci/dom0/lib.sh"
	FOLLOWERS="" FOLLOWED=""
	follow tg -vuart0
	printf 'TG: cycle 1 resumed ok\r\nTG: cycle 2' >>"$console"
	sleep 1.2
	echo "XSR: cycle 3: xl list shows tg ---ss-"
	printf ' resumed ok\r\nTG: the last words' >>"$console"
	stop_following
) >"$out"
tr -d '\r' <"$out" >"$out.clean"
bad=$(grep -vxE 'TG: cycle [12] resumed ok|XSR: cycle 3: xl list shows tg ---ss-|TG: the last words' "$out.clean" || true)
[ -z "$bad" ] || die "the copier cut a guest line: '$(head -n 1 <<<"$bad")' (all: $(tr '\n' '|' <"$out.clean"))"
[ "$(grep -c '^TG: ' "$out.clean")" = 3 ] || die "the copier lost a guest line (all: $(tr '\n' '|' <"$out.clean"))"
info "ok: $(grep -c '' "$out.clean") lines, each whole"
