# Scenario "host-suspend-nogic" (virt-gicv3-fw, virt-gicv2-fw): the proof
# that host-suspend-firmware can fail. Xen is booted with the test-only
# option xsr_test_skip_gic_restore: one real host cycle runs exactly as in
# host-suspend-firmware, but after the firmware's power loss the GIC is not
# restored. Xen says so and resumes dom0, which then never gets another
# interrupt: it never comes back from its suspend, and the machine hangs
# (the expected end of this scenario: SCN_HANG, declared 15 s after Xen
# resumed dom0, which in host-suspend-firmware is back within a second).
# The GIC state check (xsr_test_gic_check), which host-suspend-firmware
# requires to find no difference, must find them here: it can fail; a run
# that is merely slow lacks that line and fails. Only the test guest is
# suspended (no Linux domU).
SCN_TIMEOUT=100
SCN_HANG=1
SCN_HANG_AFTER='15=d0v0: resuming at'
SCN_XEN_ARGS="xsr_host_suspend xsr_test_skip_gic_restore xsr_test_gic_check"
SCN_EXPECT=(
	'XSR: domUs suspended: tg ---ss-$'
	'XSR: host cycle 1: RTC alarm'
	'xen-suspend: host suspend: suspending'
	'FW: SYSTEM_SUSPEND: state wiped'
	'xen-suspend: TEST: the GIC was not restored \(xsr_test_skip_gic_restore\)'
	'xen-suspend: TEST: GIC state check: [0-9]+ registers, [1-9][0-9]* differ'
	'xen-suspend: host suspend: resumed'
	'd0v0: resuming at'
)
SCN_FORBID=('XSR: host cycle 1: back' 'XSR: scenario host-suspend-nogic PASS')
