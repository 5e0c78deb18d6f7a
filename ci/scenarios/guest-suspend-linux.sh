# Scenario "guest-suspend-linux": a Linux domU (Debian 6.12) offers deep
# sleep, suspends with `echo mem > /sys/power/state` 10 times and comes back
# after each `xl resume`, both vCPUs online.
SCN_TIMEOUT=900
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	'XSR: dom0 mem_sleep: \[s2idle\]$'
	'XSR: dom0 ready'
	'XSR: cycle 1: xl list shows lg ---ss-'
	'XSR: cycle 10: xl list shows lg ---ss-'
	'XSR: linux: 10 x .PM: suspend entry \(deep\)., 10 x .PM: suspend exit.'
	'XSR: scenario guest-suspend-linux PASS'
	'XSR: powering off'
)
SCN_EXPECT_GUEST=(
	'LG: mem_sleep now: s2idle \[deep\]'
	'PM: suspend entry \(deep\)'
	'PM: suspend exit'
	'LG: cycle 1: resumed'
	'LG: cycle 10: resumed'
	'LG: cycle 10: cpus online 0-1'
	'LG: RESULT PASS cycles=10'
)
SCN_FORBID=('^LG: .*FAIL' '^XSR: .*FAIL' 'XSR: dom0 psci: SYSTEM_SUSPEND')
