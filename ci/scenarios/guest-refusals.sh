# Scenario "guest-refusals": every PSCI refusal returns its exact code (the
# guest checks DENIED with another vCPU online, INVALID_ADDRESS for bit 0
# and outside RAM), the SMC32 form works with garbage in the upper halves.
SCN_TIMEOUT=300
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	'XSR: dom0 mem_sleep: \[s2idle\]$'
	'XSR: dom0 ready'
	'XSR: cycle 1: xl list shows tgr ---ss-'
	'XSR: scenario guest-refusals PASS'
	'XSR: powering off'
)
SCN_EXPECT_GUEST=(
	'TG: check psci-version ok'
	'TG: check features-system-suspend-32 ok 0'
	'TG: check features-system-suspend-64 ok 0'
	'TG: check denied-other-vcpu-online ok -3'
	'TG: check invalid-address-bit0 ok -9'
	'TG: check invalid-address-outside-ram ok -9'
	'TG: check smc32-upper-bits-ignored ok 0x5a5a0001'
	'TG: RESULT PASS'
)
SCN_FORBID=('^TG: .*FAIL' '^XSR: .*FAIL' 'XSR: dom0 psci: SYSTEM_SUSPEND')
