# Scenario "qemu-aarch32-spsr" (in make test on virt-gicv3+prod; a probe
# of the emulator, not a test of the layer): does a 32-bit guest read the
# right SPSR after a data abort that Xen injects? The AArch32 test guest
# plants SPSR_svc = 0x8000001f, sets Z and faults twice: on an address its
# own page table does not map (the CPU takes the abort: the control) and
# on one without a stage-2 mapping (Xen injects the abort). dom0 prints
# both verdicts; under QEMU 10.0's TCG the second reads the planted
# SPSR_svc ("STALE").
SCN_TIMEOUT=300
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	'XSR: dom0 ready'
	'XSR: spsr: an abort the CPU takes: SPSR 0x[0-9a-f]+, the CPSR at the fault was 0x[0-9a-f]+: the CPSR at the fault, as it must be'
	'XSR: spsr: an abort Xen injects: SPSR 0x[0-9a-f]+, the CPSR at the fault was 0x[0-9a-f]+: '
	'XSR: scenario qemu-aarch32-spsr PASS'
	'XSR: powering off'
)
SCN_EXPECT_GUEST=(
	'TG: probe spsr-own: SPSR_svc = 0x8000001f, Z set, load from 0xc0000000'
	'TG: probe spsr-own: data abort at 0xc0000000'
	'TG: probe spsr-injected: SPSR_svc = 0x8000001f, Z set, load from 0x02000000'
	'TG: probe spsr-injected: data abort at 0x02000000'
)
SCN_FORBID=('^XSR: .*FAIL' 'TG: RESULT FAIL')
