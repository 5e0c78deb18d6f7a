# Scenario "host-suspend-scrambled" (virt-gicv3-fw, virt-gicv2-fw): as
# host-suspend-firmware, 3 host cycles, but the firmware's power loss
# leaves a scrambled pattern in the EL2 and EL1 registers instead of their
# reset values (SCN_FW_WIPE), as real hardware may: nothing in Xen's
# resume may rely on a register it does not set itself.
SCN_TIMEOUT=900
SCN_XEN_ARGS="xsr_host_suspend"
SCN_FW_WIPE=scrambled
SCN_TYPE=('XSR: console: type a line=hello-after-host-suspend')
SCN_EXPECT=(
	'FW: xsr test firmware: PSCI 1\.1'
	'Rust suspend layer v[0-9.]+ present'
	'xen-suspend: host suspend offered to the hardware domain \(firmware PSCI 1\.1\)'
	'XSR: dom0 mem_sleep: s2idle \[deep\]'
	'XSR: domUs suspended: tg ---ss-, lg ---ss-'
	'XSR: host cycle 1: RTC alarm'
	'PM: suspend entry \(deep\)'
	'xen-suspend: host suspend: suspending'
	'FW: SYSTEM_SUSPEND: state wiped \(scrambled\)'
	'FW: SYSTEM_SUSPEND: woken by RTC alarm'
	'xen-suspend: host suspend firmware +[0-9]+ us'
	'xen-suspend: host resume  firmware +[0-9]+ us'
	'xen-suspend: host resume  gic +[0-9]+ us'
	'xen-suspend: host resume  console +[0-9]+ us'
	'xen-suspend: host resume  cpus-off +[0-9]+ us'
	'xen-suspend: host suspend: resumed'
	'd0v0: resuming at'
	'PM: suspend exit'
	'XSR: host cycle 1: back'
	'XSR: host cycle 2: back'
	'XSR: host cycle 3: back'
	"XSR: console: got 'hello-after-host-suspend'"
	'XSR: scenario host-suspend-scrambled PASS'
	'XSR: powering off'
)
SCN_EXPECT_GUEST=(
	'TG: cycle 1 check pc ok'
	'TG: RESULT PASS cycles=1'
	'LG: RESULT PASS cycles=1'
)
SCN_FORBID=('^TG: .*FAIL' '^LG: .*FAIL' '^XSR: .*FAIL' 'host suspend: failed' 'soft lockup' 'rcu_sched self-detected stall')
