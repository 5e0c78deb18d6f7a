# Scenario "guest-wake-races" (virt-gicv3): wakes racing `xl resume` (dom0
# calls it all along while the guest wakes itself, 20 cycles: every suspend
# ends exactly once, with the right entry state) and `xl destroy` (10
# guests destroyed around the moment their timer wakes them: gone, no page
# lost, Xen up).
SCN_TIMEOUT=600
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	'XSR: racer: xl saw [0-9]+ suspends, each followed by xl resume around the moment tgr.s timer woke it'
	'XSR: tgr: [0-9]+ of 20 resumed by xl resume before its timer'
	'XSR: destroy race: 10 guests destroyed around their wake-up'
	'XSR: destroy race: free pages [0-9]+ before, [0-9]+ after: none lost'
	'XSR: scenario guest-wake-races PASS'
	'XSR: powering off'
)
SCN_EXPECT_GUEST=(
	'TG: boot mode=wake cycles=20'
	'TG: cycle 1 woken ok'
	'TG: cycle 20 woken ok'
	'TG: RESULT PASS wake cycles=20'
)
# Each of tgr's 20 suspends ends exactly once, however it ends.
SCN_COUNT=('20=TG: cycle [0-9]+ woken ok')
SCN_FORBID=('^TG: .*FAIL' '^XSR: .*FAIL' 'TG: resume FAIL unexpected')
