# Scenario "host-dry-soak": host-soak as 50 dry runs to 'platform' (every
# step but the firmware call), on any machine.
. "$(dirname "${BASH_SOURCE[0]}")/host-soak.sh"
host_soak_scenario host-dry-soak "dry runs to 'platform'"
SCN_XEN_ARGS="suspend_test=platform"
