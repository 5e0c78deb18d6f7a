# Scenario "host-soak" (virt-gicv3-fw, virt-gicv2-fw, any +smpN/+debug):
# 50 real host suspend/resume cycles under the test firmware in one boot,
# a domU suspended throughout; after the first cycle Xen's free pages never
# change. Each cycle is counted in what Xen, the firmware and dom0 print.
host_soak_scenario() {
	local name=$1 kind=$2
	SCN_TIMEOUT=1500
	SCN_EXPECT=(
		'Rust suspend layer v[0-9.]+ present'
		"XSR: host soak: 50 $kind"
		'XSR: host soak cycle 1: back; free pages'
		'XSR: host soak cycle 50: back; free pages'
		"XSR: host soak: 50 $kind; free pages [0-9]+ after the first cycle, [0-9]+ after the last: 0 lost"
		"XSR: scenario $name PASS"
		'XSR: powering off'
	)
	# Each cycle, in what the system under test prints (ci/e2e.sh).
	SCN_COUNT=(
		'50=XSR: host soak cycle [0-9]+: back after'
		'50=xen-suspend: host suspend: (resumed|dry run to .platform. done)'
		'50=d0v0: resuming at'
		'50=PM: suspend exit'
	)
	SCN_FORBID=('^XSR: .*FAIL' 'host suspend: failed' 'woken by timeout')
}
host_soak_scenario host-soak "real host cycles"
SCN_XEN_ARGS="xsr_host_suspend"
SCN_COUNT+=('50=FW: SYSTEM_SUSPEND: woken by RTC alarm after [0-9]+ ms')
