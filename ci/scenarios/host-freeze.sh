# Scenario "host-freeze" (virt-gicv3-fw, virt-gicv2-fw): the designed host
# suspend with a domU running. Xen's default policy
# (xsr_host_suspend_domus=freeze) freezes it for the length of the host
# suspend and thaws it after, with the frozen time hidden from its virtual
# counter: ten real host cycles of three to four seconds, after each the
# busy Linux domU runs on and its monotonic clock never stepped by more
# than 2 s between two of its 0.2 s samples (an unhidden suspend steps it by 3 s or more).
# Its wall clock, which falls back against dom0's by what Xen says it hid
# (within 0.5 s) in each cycle, is set by its time agent from dom0's push
# to within 1 s of dom0's (measured by dom0 before and after, round-trip
# corrected).
SCN_TIMEOUT=900
SCN_XEN_ARGS="xsr_host_suspend"
SCN_FW_WIPE=reset
SCN_EXPECT=(
	'FW: xsr test firmware: PSCI 1\.1'
	'xen-suspend: host suspend: domUs that run are frozen and thawed \(xsr_host_suspend_domus=freeze\)'
	'xen-suspend: host suspend offered to the hardware domain \(firmware PSCI 1\.1\)'
	'XSR: lg is running'
	'XSR: lg.s wall clock was -?[0-9]+ ms from dom0.s at its boot; -?[0-9]+ ms after the first push'
	'XSR: host cycle 1: RTC alarm in 4s'
	'xen-suspend: host suspend: d1 is running: frozen until the host resumes'
	'FW: SYSTEM_SUSPEND: woken by RTC alarm'
	'xen-suspend: host resume: d1 thawed, [0-9]+ ms hidden from its virtual counter'
	'xen-suspend: host suspend: resumed'
	'XSR: host cycle 1: back'
	'XSR: host cycle 1: lg runs on'
	'XSR: host cycle 10: lg runs on'
	'XSR: host freeze: after cycle 1 and after cycle 10: free pages [0-9]+ before, [0-9]+ after: none lost'
	'XSR: scenario host-freeze PASS'
	'XSR: powering off'
)
SCN_EXPECT_GUEST=(
	'LG: xsr-domtime: agent running'
	'LG: busy: sampling its clocks every 0\.2 s'
	'LG: busy: uptime [0-9.]+ s, wall clock [0-9]+, largest step 0\.[0-9]+ s'
)
# Every cycle in what each layer prints: the domU frozen and thawed (how
# much is hidden depends on how long dom0 takes to suspend before the
# alarm fires), the firmware woken by the alarm, dom0 back and the domU on.
SCN_COUNT=(
	'10=xen-suspend: host suspend: d1 is running: frozen until the host resumes'
	'10=xen-suspend: host resume: d1 thawed, [0-9]+ ms hidden from its virtual counter'
	'10=FW: SYSTEM_SUSPEND: woken by RTC alarm after [0-9]+ ms'
	'10=d0v0: resuming at'
	'10=XSR: host cycle [0-9]+: lg runs on \(.*\); its wall clock fell back by -?[0-9]+ ms against dom0.s \(Xen hid [0-9]+ ms\), -?[0-9]+ ms from dom0.s after the push'
	'11=LG: xsr-domtime: clock set from dom0.s, stepped by [-+][0-9.]+ s'
)
SCN_FORBID=('^LG: .*FAIL' '^XSR: .*FAIL' 'host suspend: failed' 'woken by timeout'
	'timekeeping watchdog' 'clocksource .*unstable' 'cannot grow by')
