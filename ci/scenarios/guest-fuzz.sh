# Scenario "guest-fuzz": the test guest's mode=fuzz, 20 s of random PSCI
# calls through HVC and SMC, every answer checked against the PSCI
# specification (ci/dom0/scenario-guest-fuzz); dom0 resumes each of its
# suspends; the seed is printed so that a failure replays.
SCN_TIMEOUT=600
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	'XSR: dom0 ready'
	'XSR: tgf said: fuzz seed=[0-9]+ seconds=20'
	'XSR: tgf said: fuzz done: [0-9]{3,} calls \([0-9]+ through SMC\), [1-9][0-9]* suspends, [1-9][0-9]* CPU_ON of vCPU1'
	'XSR: tgf: dom0 resumed it [1-9][0-9]* times, as many as it suspended'
	'XSR: tgf2 said: fuzz seed=[0-9]+ seconds=10'
	'XSR: tgf2: dom0 resumed it [1-9][0-9]* times, as many as it suspended'
	'XSR: leak check \(a second fuzzing guest\): .* none lost'
	'XSR: scenario guest-fuzz PASS'
	'XSR: powering off'
)
SCN_EXPECT_GUEST=(
	'TG: boot mode=fuzz cycles=20'
	'TG: fuzz suspend 1 resumed ok'
	'TG: RESULT PASS fuzz calls=[0-9]+ suspends=[1-9][0-9]* seed=[0-9]+'
)
SCN_FORBID=('^TG: .*FAIL' '^XSR: .*FAIL')
