#!/usr/bin/env bash
# The main job, narrated: on QEMU virt (GICv3), the patched Xen 4.20 with the
# Rust suspend layer boots dom0; a domU suspends itself through PSCI
# SYSTEM_SUSPEND, `xl list` shows it suspended, `xl resume` brings it back
# at its resume entry point; then the same with a Linux domU.
# `make demo` builds everything first (setup, Xen source, Xen, dom0).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

MACHINE=${DEMO_MACHINE:-virt-gicv3}
step "demo: Xen 4.20 + Rust suspend layer on QEMU $MACHINE: a domU suspends itself, xl resume brings it back"
info "Shown below: dom0's narration (XSR:), the test guest's own report (TG:), the Linux"
info "domU's (LG:, PM:), and Xen's messages about the Rust layer and the guests' suspends."
info "The whole serial log is kept in build/logs/$MACHINE-demo.log."
echo
# Narration, guests, the layer's messages, and the xl list tables.
export SHOW_FILTER='^(XSR|TG|LG): |PM: suspend|\(XEN\) (xen-suspend|d[0-9]+v[0-9]+: (PSCI|resuming))'
out=$(mktemp)
trap 'rm -f "$out"' EXIT
bash "$TOP/ci/e2e.sh" -m "$MACHINE" -s demo --show | tee "$out"
grep -q "^E2E PASS" "$out" || die "the demo failed (serial log: build/logs/$MACHINE-demo.log)"
echo
info "Done: the domU suspended (---ss-) and resumed at its entry point; QEMU powered off cleanly."
