# Scenario "host-refusal" (Xen booted with xsr_host_suspend_domus=deny,
# the policy of the unmerged C host series): dom0 is offered SYSTEM_SUSPEND only through a
# dry-run level (QEMU's PSCI has none); with a domU running, its suspend is
# refused with DENIED (EPERM) and nothing runs or changes; with dry runs
# off, the call gets NOT_SUPPORTED (EOPNOTSUPP). A domU paused with `xl
# pause` is no obstacle (Xen names it) and stays paused. The "boot" scenario shows
# the boot-time side: without suspend_test, dom0 is offered s2idle only.
SCN_TIMEOUT=600
SCN_XEN_ARGS="suspend_test=devices xsr_host_suspend_domus=deny"
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	'xen-suspend: host suspend: domUs that run are an obstacle \(DENIED\) \(xsr_host_suspend_domus=deny\)'
	"xen-suspend: host suspend offered to the hardware domain as a dry run up to 'devices'"
	'XSR: dom0 mem_sleep: s2idle \[deep\]'
	'XSR: lg is running'
	'xen-suspend: host suspend refused \(DENIED\): d1 is running, not suspended'
	'XSR: refused: .*Operation not permitted'
	'XSR: nothing changed'
	'XSR: lg paused \(..p---\)'
	'xen-suspend: host suspend: d1 cannot run \(paused by the toolstack\): left as it is'
	"xen-suspend: host suspend: dry run to 'devices' done"
	'd0v0: resuming at'
	'XSR: with lg paused: back'
	'XSR: lg unpaused'
	'XSR: dry runs off'
	'XSR: refused: .*not supported'
	'XSR: scenario host-refusal PASS'
	'XSR: powering off'
)
# The refusal ran no step: the one suspend of the scenario is the paused one.
SCN_COUNT=(
	'1=xen-suspend: host suspend: devices \(counter'
	'1=d0v0: resuming at'
)
SCN_FORBID=('^XSR: .*FAIL')
