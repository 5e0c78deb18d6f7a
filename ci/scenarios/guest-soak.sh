# Scenario "guest-soak": 200 guest suspend/resume cycles of the bare-metal
# test guest (entry state and memory checked every cycle), with Xen's free
# memory identical before and after.
SCN_TIMEOUT=1500
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	'XSR: dom0 ready'
	'XSR: soak: 200 guest cycles'
	'XSR: soak: xl resume done x 200'
	"XSR: soak: guest reported 200 x 'resumed ok' and RESULT PASS cycles=200"
	'XSR: soak: free pages [0-9]+ before, [0-9]+ after: none lost'
	'XSR: scenario guest-soak PASS'
	'XSR: powering off'
)
# Every cycle as the guest prints it (not dom0's own loop). Xen's own
# per-cycle line is rate-limited at this pace (guest_loglvl), not counted.
SCN_COUNT=('200=TG: cycle [0-9]+ resumed ok')
SCN_FORBID=('^XSR: .*FAIL' '^TG: .*FAIL')
