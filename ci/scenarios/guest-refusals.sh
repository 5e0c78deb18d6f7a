# Scenario "guest-refusals": every PSCI refusal returns its exact code (the
# guest checks DENIED with another vCPU online, INVALID_ADDRESS for bit 0
# and outside RAM, for SYSTEM_SUSPEND and for CPU_ON), the SMC32 form works
# with garbage in the upper halves.
SCN_TIMEOUT=300
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	'XSR: dom0 mem_sleep: \[s2idle\]$'
	'XSR: dom0 ready'
	'd[0-9]+v0: PSCI SYSTEM_SUSPEND: suspended, resumes at 0x40000'
	'XSR: cycle 1: xl list shows tgr ---ss-'
	'd[0-9]+v0: resuming at 0x40000[0-9a-f]+, context 0x5a5a0001'
	'XSR: scenario guest-refusals PASS'
	'XSR: powering off'
)
SCN_EXPECT_GUEST=(
	'TG: check psci-version ok'
	'TG: check features-system-suspend-32 ok 0'
	'TG: check features-system-suspend-64 ok 0'
	'TG: check cpu-on-invalid-address-zero ok -9'
	'TG: check cpu-on-invalid-address-bit0 ok -9'
	'TG: check cpu-on-invalid-address-outside-ram ok -9'
	'TG: check cpu-on ok 0'
	'TG: check denied-other-vcpu-online ok -3'
	'TG: check vcpu1-off ok'
	'TG: check invalid-address-bit0 ok -9'
	'TG: check invalid-address-outside-ram ok -9'
	'TG: check invalid-address-high ok -9'
	'TG: check smc32-upper-bits-ignored ok 0x5a5a0001'
	'TG: refusals check pc ok'
	'TG: refusals check daif ok 0x3c0'
	'TG: refusals check tcr ok 0x0'
	'TG: RESULT PASS'
)
SCN_FORBID=('^TG: .*FAIL' '^XSR: .*FAIL' 'XSR: dom0 psci: SYSTEM_SUSPEND')
