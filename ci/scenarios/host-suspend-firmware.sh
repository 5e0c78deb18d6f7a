# Scenario "host-suspend-firmware" (machines virt-gicv3-fw, virt-gicv2-fw:
# the project's EL3 test firmware, rust/firmware): a real suspend of the
# host, ten times in one boot, with the test guest and a Linux domU
# suspended. Each time the firmware wipes the non-secure GIC and the EL2
# and EL1 registers as a power loss would and waits for the PL031 alarm
# dom0 set; Xen comes back through its resume entry, logs every step with
# its duration, and dom0 prints "PM: suspend exit". Afterwards interrupts
# work (dom0's timer, a line typed on the console) and both domUs resumed
# with `xl resume` pass their checks. With the test-only option
# xsr_test_gic_check Xen reads every GIC register that holds state (the
# architecture's list, not the save code's) before the GIC suspend and
# after its resume: no register may differ, in any cycle.
#
# hsf_scenario NAME CYCLES WIPE [GIC_CHECK] sets the scenario for NAME (the
# dom0 script of the same name runs CYCLES host cycles) with the firmware's
# power loss WIPE (reset or scrambled); host-suspend-scrambled and
# bench-host reuse it. GIC_CHECK "no" leaves out the GIC state check.
hsf_scenario() {
	local name=$1 cycles=$2 wipe=$3 gic_check=${4:-yes}
	SCN_TIMEOUT=900
	SCN_XEN_ARGS="xsr_host_suspend"
	SCN_FW_WIPE=$wipe
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
		"FW: SYSTEM_SUSPEND: state wiped \\($wipe\\)"
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
		"XSR: host cycle $cycles: back"
		"XSR: console: got 'hello-after-host-suspend'"
		"XSR: scenario $name PASS"
		'XSR: powering off'
	)
	SCN_EXPECT_GUEST=(
		'TG: cycle 1 check pc ok'
		'TG: RESULT PASS cycles=1'
		'LG: RESULT PASS cycles=1'
	)
	# Every cycle, in what each layer prints: dom0 back at least half a
	# second after it set its 2 s alarm (the PL031 counts whole seconds, so
	# the alarm fires 1 to 2 s after it is set by the RTC, which QEMU runs on
	# the host's clock while dom0's counts virtual time: 0.99 s was seen
	# under load; a suspend that bounces back at once takes well under
	# half a second),
	# the firmware woken by the alarm (never by its timeout), Xen's resume,
	# dom0 resumed at its entry point.
	SCN_COUNT=()
	SCN_FORBID=('^TG: .*FAIL' '^LG: .*FAIL' '^XSR: .*FAIL')
	scn_host_cycles "$cycles"
	# The GIC state check is a test aid: not in the production hypervisor
	# (machine variants +prod, +gicvNonly), which must not know the option.
	# shellcheck disable=SC2154 # MACHINE_TEST_AIDS: set by ci/e2e.sh (machine_args)
	if [[ $MACHINE_TEST_AIDS = 1 && $gic_check != no ]]; then
		SCN_XEN_ARGS+=" xsr_test_gic_check"
		SCN_COUNT+=("$cycles=xen-suspend: TEST: GIC state check: [1-9][0-9]* registers, 0 differ")
		SCN_FORBID+=('GIC state check: [0-9]+ registers, [1-9][0-9]* differ' 'GIC state check: not run')
	else
		SCN_FORBID+=('GIC state check')
	fi
}
hsf_scenario host-suspend-firmware 10 reset
