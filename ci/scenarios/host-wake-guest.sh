# Scenario "host-wake-guest" (virt-gicv3-fw, virt-gicv2-fw): the host woken
# by a domU's interrupt. The PL031 RTC is passed through to a Linux domU;
# five times it sets its alarm 4 s ahead and suspends, dom0 suspends (no
# wake source of its own), the host suspends, the alarm wakes the firmware,
# Xen and dom0 resume, and the domU wakes on its own interrupt with no
# `xl resume`.
SCN_TIMEOUT=900
SCN_XEN_ARGS="xsr_host_suspend"
SCN_FW_WIPE=reset
SCN_PASSTHROUGH=(/pl031@9010000)
SCN_EXPECT=(
	'FW: xsr test firmware: PSCI 1\.1'
	'xen-suspend: host suspend offered to the hardware domain \(firmware PSCI 1\.1\)'
	'XSR: dom0 cpus online .* no RTC in dom0, 5 host cycles'
	'XSR: host cycle 1: lgr suspended with its RTC alarm set'
	'xen-suspend: host suspend: suspending'
	'FW: SYSTEM_SUSPEND: woken by RTC alarm'
	'xen-suspend: host suspend: resumed'
	'd0v0: resuming at'
	'XSR: host cycle 1: back'
	'XSR: host cycle 1: lgr woke by itself: cycle 1: woken by the RTC alarm'
	'XSR: host cycle 5: lgr woke by itself'
	'XSR: scenario host-wake-guest PASS'
	'XSR: powering off'
)
SCN_EXPECT_GUEST=(
	'LG: rtc0: rtc-pl031'
	'LG: cycle 1: RTC alarm in 4 s'
	'LG: cycle 1: woken by the RTC alarm'
	'LG: cycle 5: cpus online 0-1, timer interrupts [0-9]+ -> [0-9]+, ok'
	'LG: RESULT PASS cycles=5'
)
# Every cycle: a real host suspend woken by the alarm (never the
# firmware's timeout), dom0 resumed, the domU woken by its interrupt.
SCN_COUNT=(
	'5=FW: SYSTEM_SUSPEND: woken by RTC alarm after [0-9]+ ms'
	'5=xen-suspend: host suspend: resumed'
	'5=d0v0: resuming at'
	'5=woken from PSCI SYSTEM_SUSPEND by an interrupt'
	'5=d[1-9][0-9]*v[0-9]+: resuming at'
	'5=XSR: host cycle [0-9]+: lgr woke by itself'
)
SCN_FORBID=('^LG: .*FAIL' '^XSR: .*FAIL' 'host suspend: failed' 'woken by timeout'
	'before the firmware call')
