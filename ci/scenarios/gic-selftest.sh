# Scenario "gic-selftest": the live GIC suspend/resume self-test, twice,
# with dom0 running: non-boot CPUs offline, timers off, GIC saved, reset as
# a power loss would, restored and read back, CPUs online again. Afterwards
# dom0's timer and console still work and a new Linux domU runs, suspends
# and resumes.
SCN_TIMEOUT=600
SCN_XEN_ARGS="xsr_gic_selftest"
SCN_TYPE=('XSR: console: type a line=hello-after-selftest')
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	'XSR: dom0 ready'
	'XSR: self-test 1: xl debug-keys Z'
	'xen-suspend: GIC self-test on CPU0, 1 CPU\(s\) online'
	'xen-suspend: GIC self-test: GICv[23], [0-9]+ lines, [0-9]+ redistributors: timers off .* the state reads back as saved'
	'xen-suspend: GIC self-test: [2-9] CPU\(s\) online again'
	'xen-suspend: GIC self-test passed'
	'XSR: self-test 1: dom0 timer ok'
	'XSR: self-test 2: xl debug-keys Z'
	'xen-suspend: GIC self-test passed'
	'XSR: self-test 2: dom0 timer ok'
	"XSR: console: got 'hello-after-selftest'"
	'XSR: cycle 2: xl list shows lg ---ss-'
	'XSR: scenario gic-selftest PASS'
	'XSR: powering off'
)
SCN_EXPECT_GUEST=(
	'PM: suspend entry \(deep\)'
	'PM: suspend exit'
	'LG: RESULT PASS cycles=2'
)
SCN_FORBID=('^LG: .*FAIL' '^XSR: .*FAIL' 'GIC self-test FAILED')
