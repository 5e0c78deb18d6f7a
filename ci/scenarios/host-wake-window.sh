# Scenario "host-wake-window" (virt-gicv3-fw, virt-gicv2-fw): a domU's
# wake-up interrupt that comes while the host is suspending is not lost.
# As host-wake-guest, but every host suspend is a dry run that holds 10 s
# at 'cpus' (domains frozen, other CPUs offline: the window between the
# freeze and the firmware call made long), and the domU's alarm (6 s
# ahead) fires inside it; the domain wakes once the sequence has unwound,
# by itself, at least 8 s after it set the alarm. Three cycles. (Xen takes
# the interrupt in the window when it targets the boot CPU and says
# "d1 asked to wake during it"; one that targets a CPU taken offline stays
# pending in the GIC until that CPU is back.)
SCN_TIMEOUT=900
SCN_XEN_ARGS="suspend_test=cpus suspend_test_hold_ms=10000"
SCN_PASSTHROUGH=(/pl031@9010000)
SCN_EXPECT=(
	"xen-suspend: host suspend offered to the hardware domain as a dry run up to 'cpus'"
	'XSR: host cycle 1: lgr suspended with its RTC alarm set'
	'xen-suspend: host suspend: cpus \(counter'
	"xen-suspend: host suspend: dry run to 'cpus' done \\([0-9]+ us, held 10000000 us\\)"
	'XSR: host cycle 1: lgr woke by itself: cycle 1: woken by the RTC alarm'
	'XSR: host cycle 1: the alarm fired inside the window'
	'XSR: host cycle 3: lgr woke by itself'
	'XSR: scenario host-wake-window PASS'
	'XSR: powering off'
)
SCN_EXPECT_GUEST=(
	'LG: cycle 1: RTC alarm in 6 s'
	'LG: RESULT PASS cycles=3'
)
# Every cycle the alarm came inside the window, and woke the domain.
SCN_COUNT=(
	'3=XSR: host cycle [0-9]+: the alarm fired inside the window, its wake was kept until the window ended'
	'3=woken from PSCI SYSTEM_SUSPEND by an interrupt'
	'3=d[1-9][0-9]*v[0-9]+: resuming at'
	'3=d0v0: resuming at'
)
SCN_FORBID=('^LG: .*FAIL' '^XSR: .*FAIL' 'host suspend: failed')
