# Scenario "host-suspend-scrambled" (virt-gicv3-fw, virt-gicv2-fw): as
# host-suspend-firmware, 3 host cycles, but the firmware's power loss
# leaves a scrambled pattern in the EL2 and EL1 registers instead of their
# reset values (SCN_FW_WIPE), as real hardware may: nothing in Xen's
# resume may rely on a register it does not set itself.
. "$(dirname "${BASH_SOURCE[0]}")/host-suspend-firmware.sh"
hsf_scenario host-suspend-scrambled 3 scrambled
