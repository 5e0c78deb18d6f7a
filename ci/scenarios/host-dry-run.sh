# Scenario "host-dry-run": with a domU suspended, dom0 suspends to RAM at
# each dry-run level of the host suspend (freeze, cpus, devices, platform),
# twice; Xen runs its sequence to that stage, logs every step with its
# duration, unwinds, and dom0 resumes at its PSCI entry point. Every CPU is
# back each time, the domU stays suspended until `xl resume`, checks its
# entry state and runs; the console still answers typed input.
SCN_TIMEOUT=900
SCN_XEN_ARGS="suspend_test=freeze"
SCN_TYPE=('XSR: console: type a line=hello-after-host-dry-runs')
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	"xen-suspend: host suspend offered to the hardware domain as a dry run up to 'freeze'"
	'XSR: dom0 mem_sleep: s2idle \[deep\]'
	'XSR: dom0 ready'
	'XSR: round 1: tg is ---ss-'
	'XSR: round 1, freeze: echo mem'
	'PM: suspend entry \(deep\)'
	'xen-suspend: host suspend: freeze \(counter'
	'xen-suspend: host suspend freeze-domains +[0-9]+ us'
	'xen-suspend: host suspend check-domains +[0-9]+ us'
	'xen-suspend: host resume  freeze-domains +[0-9]+ us'
	"xen-suspend: host suspend: dry run to 'freeze' done"
	'd0v0: resuming at'
	'PM: suspend exit'
	'XSR: round 1, freeze: back'
	'XSR: round 1, cpus: back'
	'xen-suspend: host suspend: devices \(counter'
	'xen-suspend: host suspend cpus-off +[0-9]+ us'
	'xen-suspend: host suspend irqs-off +[0-9]+ us'
	'xen-suspend: host suspend timers +[0-9]+ us'
	'xen-suspend: host suspend iommu +[0-9]+ us'
	'xen-suspend: host suspend console +[0-9]+ us'
	'xen-suspend: host suspend gic +[0-9]+ us'
	'xen-suspend: host resume  gic +[0-9]+ us'
	'xen-suspend: host resume  console +[0-9]+ us'
	'xen-suspend: host resume  cpus-off +[0-9]+ us'
	"xen-suspend: host suspend: dry run to 'devices' done"
	'XSR: round 1, devices: back'
	'xen-suspend: host suspend save-context +[0-9]+ us'
	"xen-suspend: host suspend: dry run to 'platform' done"
	'XSR: round 1, platform: back'
	'XSR: round 1: xl resume tg done'
	'XSR: round 2: tg is ---ss-'
	'XSR: round 2, platform: back'
	'XSR: round 2: xl resume tg done'
	"XSR: console: got 'hello-after-host-dry-runs'"
	'XSR: scenario host-dry-run PASS'
	'XSR: powering off'
)
SCN_EXPECT_GUEST=(
	'TG: cycle 1 check pc ok'
	'TG: cycle 2 check pc ok'
	'TG: RESULT PASS cycles=2'
)
# Two rounds of four levels: eight dry runs, each in what Xen and dom0 print.
SCN_COUNT=(
	"8=xen-suspend: host suspend: dry run to '(freeze|cpus|devices|platform)' done"
	'8=d0v0: resuming at'
	'8=XSR: round [12], (freeze|cpus|devices|platform): back after'
)
SCN_FORBID=('^TG: .*FAIL' '^XSR: .*FAIL' 'host suspend: failed')
