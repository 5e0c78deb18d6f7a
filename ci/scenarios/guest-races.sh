# Scenario "guest-races": SYSTEM_SUSPEND racing CPU_ON/CPU_OFF in a 3-vCPU
# guest (every outcome DENIED until the others are off, then a clean
# suspend), `xl resume` hammered at the guest throughout (a running domain:
# no effect, no error), and `xl destroy` of a suspended domain.
SCN_TIMEOUT=900
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	'XSR: dom0 ready'
	'XSR: races: xl resume issued [0-9]+ times while the guest ran and suspended \(0 failed\)'
	'XSR: races: guest said: races check denied-while-racing ok ([0-9]+)/\1$'
	'XSR: races: guest said: races racer done: [1-9][0-9]* on/off cycles'
	'XSR: races: xl destroy of a suspended domain ok'
	'XSR: scenario guest-races PASS'
	'XSR: powering off'
)
SCN_EXPECT_GUEST=(
	'TG: boot mode=races cycles=1000'
	'TG: check cpu-on ok 0'
	'TG: races check others-off ok'
	'TG: races check pc ok'
	'TG: races check x0 ok 0x5a5a0002'
	'TG: races check daif ok 0x3c0'
	'TG: RESULT PASS races=1000'
)
SCN_FORBID=('^TG: .*FAIL' '^XSR: .*FAIL')
