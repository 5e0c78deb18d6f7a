#!/usr/bin/env bash
# The main job, narrated: boot the patched Xen 4.20 with the Rust suspend
# layer on QEMU virt (GICv3), show dom0's toolstack working and power off.
# `make demo` builds everything first (setup, Xen source, Xen, dom0).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

MACHINE=${DEMO_MACHINE:-virt-gicv3}
step "demo: booting Xen 4.20 + Rust suspend layer + dom0 on QEMU $MACHINE"
info "What to look for in the serial console below:"
info "  (XEN) xen-suspend: Rust suspend layer vX.Y.Z present ...   the Rust layer is linked and running"
info "  XSR: dom0 ready, then the 'xl list' table                   dom0's toolstack talks to Xen"
info "  XSR: powering off / Hardware Dom0 halted                    clean power-off"
echo
out=$(mktemp)
trap 'rm -f "$out"' EXIT
bash "$TOP/ci/e2e.sh" -m "$MACHINE" -s boot --show | tee "$out"
log=$BUILD/logs/$MACHINE-boot.log
echo
step "demo: summary"
grep -a 'xen-suspend:' "$log" | tr -d '\r' | sed 's/^/    /'
info "dom0's xl list:"
sed -n '/^Name  *ID  *Mem/,/^XSR: powering off/p' "$log" | tr -d '\r' | grep -v '^XSR' | sed 's/^/      /'
grep -q "^E2E PASS" "$out" || die "the demo boot failed (serial log: $log)"
info "QEMU exited after a clean power-off; full serial log: build/logs/$MACHINE-boot.log"
