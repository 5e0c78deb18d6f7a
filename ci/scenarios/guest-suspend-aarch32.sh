# Scenario "guest-suspend-aarch32": a 32-bit domain (the AArch32 Rust test
# guest, an arm32 zImage) finds SYSTEM_SUSPEND's SMC32 id supported and
# the SMC64 one refused, is DENIED with vCPU1 online and INVALID_ADDRESS
# outside RAM (A32 and T32 entries), then suspends 10 times through HVC
# and SMC, from System, Abort, Undefined and IRQ mode with A, I, F unmasked
# and the MMU on, at A32 and T32 (bit 0 set) entries; after each `xl
# resume` it checks that it started at the entry's first instruction, in
# the entry's instruction set, in SVC mode with A, I, F masked, with r0 =
# the context id, SCTLR at its reset value and its memory intact. Xen
# logs each suspend and resume (count: one per cycle). Seven more such
# guests (1 cycle each): Xen's free pages, counted, show no leak.
SCN_TIMEOUT=420
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	'XSR: dom0 ready'
	'd[0-9]+v0: PSCI SYSTEM_SUSPEND: suspended, resumes at 0x4000[0-9a-f]+'
	'XSR: cycle 1: xl list shows tg32 ---ss-'
	'd[0-9]+v0: resuming at 0x4000[0-9a-f]+, context 0x3bf479b9 '
	'd[0-9]+v0: resuming at 0x4000[0-9a-f]+, context 0x99adf372 '
	'XSR: cycle 10: xl list shows tg32 ---ss-'
	'd[0-9]+v0: resuming at 0x4000[0-9a-f]+, context 0x8be9c13a '
	'XSR: leak check 1 \(32-bit guest, 10 suspend/resume cycles, power-off\): free pages [0-9]+ before, [0-9]+ after'
	'XSR: leak check 8 \(32-bit guest, 1 cycle, power-off\): free pages [0-9]+ before, [0-9]+ after'
	'XSR: leak checks: [0-6] page\(s\) fewer after 8 domains, none over the last two'
	'XSR: scenario guest-suspend-aarch32 PASS'
	'XSR: powering off'
)
SCN_EXPECT_GUEST=(
	'TG: up aarch32 boot cpsr=0x[0-9a-f]+ sctlr=0x00c50078'
	'TG: check psci-version ok 65537'
	'TG: check features-system-suspend-32 ok 0'
	'TG: check features-system-suspend-64 ok -1'
	'TG: check system-suspend-64-refused ok -1'
	'TG: check cpu-on-vcpu1 ok 0'
	'TG: check vcpu1-context-id ok 0x5ec00001'
	'TG: check denied-hvc-a32 ok -3'
	'TG: check denied-smc-t32 ok -3'
	'TG: check vcpu1-off ok'
	'TG: check invalid-address-a32 ok -9'
	'TG: check invalid-address-t32 ok -9'
	'TG: cycle 1 resumed ok entry=a32 conduit=hvc r0=0x3bf479b9 pc=0x[0-9a-f]+ cpsr=0x[0-9a-f]+1d3 sctlr=0x00c50078'
	'TG: cycle 2 resumed ok entry=t32 conduit=smc r0=0x99adf372 pc=0x[0-9a-f]+ cpsr=0x[0-9a-f]+1d3 sctlr=0x00c50078'
	'TG: cycle 3 resumed ok entry=a32 conduit=smc'
	'TG: cycle 4 resumed ok entry=t32 conduit=hvc'
	'TG: cycle 10 resumed ok entry=t32 conduit=smc r0=0x8be9c13a'
	'TG: RESULT PASS aarch32 cycles=10'
)
SCN_COUNT=(
	'17=d[0-9]+v0: PSCI SYSTEM_SUSPEND: suspended, resumes at 0x40008[0-9a-f]{3} '
	'17=d[0-9]+v0: resuming at 0x40008[0-9a-f]{3}, context 0x'
	'17=TG: cycle [0-9]+ resumed ok'
)
SCN_FORBID=('^TG: .*FAIL' '^XSR: .*FAIL' 'XSR: dom0 psci: SYSTEM_SUSPEND')
