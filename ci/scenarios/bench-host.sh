# Scenario "bench-host": used by `make bench` (ci/bench.sh), not by make
# test: host-suspend-firmware with 5 host cycles, whose step durations Xen
# logs and ci/bench.sh tabulates.
. "$(dirname "${BASH_SOURCE[0]}")/host-suspend-firmware.sh"
# Timings only: without the GIC state check, which would run inside the
# timed GIC steps.
hsf_scenario bench-host 5 reset no
# Under -icount dom0's clock follows executed instructions while the PL031
# follows the host's: dom0 may count less than a second of sleep.
SCN_COUNT=(
	'5=FW: SYSTEM_SUSPEND: woken by RTC alarm after [0-9]+ ms'
	'5=xen-suspend: host suspend: resumed'
	'5=d0v0: resuming at'
	'5=XSR: host cycle [0-9]+: back after'
)
