# Scenario "guest-irqs": a guest that suspends (PSCI SYSTEM_SUSPEND) with an
# interrupt active (acknowledged, never EOI'd) and others pending gets all
# its interrupts again after `xl resume`: the pending ones are delivered,
# the active one was deactivated (as a core powerdown would) and fires
# again. 10 cycles, alternately on vCPU0 and vCPU1 (one online at a time),
# on whichever vGIC (v2 or v3) the machine gives the guest.
SCN_TIMEOUT=600
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	'XSR: dom0 mem_sleep: \[s2idle\]$'
	'XSR: dom0 ready'
	'XSR: cycle 1: xl list shows tgirq ---ss-'
	'd[0-9]+v0: resuming at 0x40000[0-9a-f]+, context 0xc0de000000000001 \(tick [0-9]+\), 1 interrupt\(s\) deactivated'
	'XSR: cycle 2: xl list shows tgirq ---ss-'
	# Xen deactivated what the guest left active (PPI 30), and nothing else.
	'd[0-9]+v1: resuming at 0x40000[0-9a-f]+, context 0xc0de000000000002 \(tick [0-9]+\), 1 interrupt\(s\) deactivated'
	'XSR: cycle 10: xl list shows tgirq ---ss-'
	'XSR: scenario guest-irqs PASS'
	'XSR: powering off'
)
SCN_EXPECT_GUEST=(
	'TG: boot mode=irqs cycles=10'
	'TG: gic v[23]'
	'TG: cycle 1 vcpu 0 suspend entry='
	'TG: cycle 1 resumed ok'
	'TG: cycle 2 vcpu 1 suspend entry='
	'TG: cycle 2 check mpidr ok 0x1'
	'TG: cycle 2 check pending-survived ok 0x8000002'
	'TG: cycle 2 check ptimer-again ok 0x40000000'
	'TG: cycle 2 check vtimer-again ok 0x8000000'
	'TG: cycle 2 check sgi-again ok 0x2'
	'TG: cycle 2 resumed ok'
	'TG: cycle 10 resumed ok'
	'TG: RESULT PASS irqs cycles=10'
)
SCN_FORBID=('^TG: .*FAIL' '^XSR: .*FAIL' 'XSR: dom0 psci: SYSTEM_SUSPEND')
