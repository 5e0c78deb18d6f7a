# Scenario "guest-reset-broken": the proof that guest-suspend-baremetal can
# fail. With the test-only xsr_test_keep_guest_ttbr0, Xen resumes the test
# guest with a wrong TTBR0_EL1; the guest's own check must fail and its
# RESULT line must name it, while every other check still passes. The same
# for the AArch32 test guest (guest-suspend-aarch32), whose TTBR0 is the
# low half of the same register.
SCN_TIMEOUT=300
SCN_XEN_ARGS="xsr_test_keep_guest_ttbr0"
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	'XSR: cycle 1: xl list shows tg ---ss-'
	'XSR: the guest said: TG: RESULT FAIL cycle 1 check ttbr0'
	'XSR: cycle 1: xl list shows tg32 ---ss-'
	'XSR: the 32-bit guest said: TG: RESULT FAIL cycle 1 check ttbr0: 0x4[0-9a-f]+ \(want 0x00000000\)'
	'XSR: scenario guest-reset-broken done'
)
SCN_EXPECT_GUEST=(
	'TG: cycle 1 check pc ok'
	'TG: cycle 1 check sctlr ok'
	'TG: cycle 1 check ttbr0 FAIL 0x4[0-9a-f]+ expected 0x0'
	'TG: cycle 1 check tcr ok'
	'TG: RESULT FAIL cycle 1 check ttbr0'
	'TG: up aarch32'
	'TG: RESULT FAIL cycle 1 check ttbr0: 0x4[0-9a-f]+ \(want 0x00000000\)'
)
SCN_FORBID=('^XSR: scenario .* FAIL')
