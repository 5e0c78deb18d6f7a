# Scenario "host-refusal": dom0 is offered SYSTEM_SUSPEND only through a
# dry-run level (QEMU's PSCI has none); with a domU running, its suspend is
# refused with DENIED (EPERM) and nothing runs or changes; with dry runs
# off, the call gets NOT_SUPPORTED (EOPNOTSUPP). The "boot" scenario shows
# the boot-time side: without suspend_test, dom0 is offered s2idle only.
SCN_TIMEOUT=600
SCN_XEN_ARGS="suspend_test=devices"
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	"xen-suspend: host suspend offered to the hardware domain as a dry run up to 'devices'"
	'XSR: dom0 mem_sleep: s2idle \[deep\]'
	'XSR: lg is running'
	'xen-suspend: host suspend refused \(DENIED\): d1 is not suspended'
	'XSR: refused: .*Operation not permitted'
	'XSR: nothing changed'
	'XSR: dry runs off'
	'XSR: refused: .*not supported'
	'XSR: scenario host-refusal PASS'
	'XSR: powering off'
)
SCN_FORBID=('^XSR: .*FAIL' 'xen-suspend: host suspend: ' 'd0v0: resuming at')
