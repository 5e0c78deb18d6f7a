# Scenario "host-pv-devices" (firmware machines; make test: virt-gicv3-fw): guest-pv-devices's
# 10 cycles and 3 more, each with a real host suspend under the test
# firmware while the guest is suspended: dom0's blkback and netback suspend and
# resume with dom0, and the guest's disk and network work after each.
. "$(dirname "${BASH_SOURCE[0]}")/guest-pv-devices.sh"
pv_scenario host-pv-devices 3
