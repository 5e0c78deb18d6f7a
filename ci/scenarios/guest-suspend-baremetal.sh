# Scenario "guest-suspend-baremetal": the Rust test guest suspends itself
# through PSCI SYSTEM_SUSPEND 10 times, `xl list` shows it ---ss-, `xl
# resume` brings it back at its entry point with the PSCI entry state (the
# guest checks PC, x0, SCTLR_EL1, DAIF, EL, SPSel, TTBR0/1, TCR and its
# memory); then a suspended domain is destroyed without leaking memory.
SCN_TIMEOUT=600
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	'XSR: dom0 mem_sleep: \[s2idle\]$'
	'XSR: dom0 ready'
	'XSR: cycle 1: xl list shows tg ---ss-'
	'XSR: cycle 10: xl list shows tg ---ss-'
	'XSR: leak check 1 \(10 suspend/resume cycles, power-off\): free pages [0-9]+ before, [0-9]+ after'
	'XSR: leak check 6 \(create, suspend, destroy\): free pages [0-9]+ before, [0-9]+ after'
	'XSR: leak checks: [0-3] page\(s\) fewer after 6 domains, none over the last two'
	'XSR: scenario guest-suspend-baremetal PASS'
	'XSR: powering off'
)
SCN_EXPECT_GUEST=(
	'TG: check psci-version ok'
	'TG: check features-system-suspend-32 ok 0'
	'TG: check features-system-suspend-64 ok 0'
	'TG: cycle 1 resumed ok'
	'TG: cycle 10 check pc ok'
	'TG: cycle 10 resumed ok'
	'TG: RESULT PASS cycles=10'
)
SCN_FORBID=('^TG: .*FAIL' '^XSR: .*FAIL' 'XSR: dom0 psci: SYSTEM_SUSPEND')
