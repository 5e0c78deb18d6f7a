#!/usr/bin/env bash
# The runner's fatal-line check must end a run at once: a dom0 that prints
# a kernel WARNING and then idles for 250 s (scenario runner-fatal) must
# give "E2E FAIL ... stopped at once: ... WARNING ..." well before that.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

step "runner: a WARNING line ends the run at once"
t0=$(date +%s)
out=$(bash "$TOP/ci/e2e.sh" -m virt-gicv3 -s runner-fatal 2>&1) && die "the runner passed a run that printed a WARNING"
t1=$(date +%s)
line=$(grep -E '^E2E FAIL virt-gicv3 runner-fatal ' <<<"$out" || true)
grep -qE "stopped at once: log shows '(\[ *[0-9.]+\] )?WARNING: CPU: 0 PID: 1 at xsr runner self-test'" <<<"$line" ||
	die "the runner did not stop at once on the WARNING: '${line:-no E2E line}'"
info "ok: ${line#E2E FAIL } (after $((t1 - t0)) s; the guest would have idled 250 s)"
