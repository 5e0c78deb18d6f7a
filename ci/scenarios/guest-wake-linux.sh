# Scenario "guest-wake-linux" (virt-gicv3, virt-gicv2): a real device as
# a domU's wake source. QEMU virt's PL031 RTC is kept from dom0
# (xen,passthrough) and given to a Linux domU (iomem, irqs and a partial
# device tree); the domU sets its alarm 3 s ahead and suspends to RAM, five
# times, and the alarm wakes it with nobody calling `xl resume`. A Linux
# domU with no wake source armed then stays suspended for 10 s, until
# `xl resume`.
SCN_TIMEOUT=900
SCN_PASSTHROUGH=(/pl031@9010000)
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	'XSR: dom0 ready'
	'XSR: lgr cycle 1: suspended'
	'd[0-9]+v0: woken from PSCI SYSTEM_SUSPEND by an interrupt'
	'XSR: lgr cycle 1: running again by itself'
	'XSR: lgr cycle 5: running again by itself'
	"XSR: lgr: 5 x 'PM: suspend entry \(deep\)', 5 x 'PM: suspend exit', all woken by the RTC"
	'XSR: lg still ---ss- after 10 s; xl resume lg'
	'XSR: scenario guest-wake-linux PASS'
	'XSR: powering off'
)
SCN_EXPECT_GUEST=(
	'LG: rtc0: rtc-pl031'
	'LG: cycle 1: RTC alarm in 3 s'
	'LG: cycle 1: woken by the RTC alarm'
	'LG: cycle 1: cpus online 0-1, timer interrupts [0-9]+ -> [0-9]+, ok'
	'LG: cycle 5: woken by the RTC alarm'
	'LG: cycle 5: cpus online 0-1, timer interrupts [0-9]+ -> [0-9]+, ok'
	'LG: RESULT PASS cycles=5'
	'LG: RESULT PASS cycles=1'
)
# Five wakes, all by the alarm; the other domU's one resume is xl resume.
SCN_COUNT=('5=woken from PSCI SYSTEM_SUSPEND by an interrupt')
SCN_FORBID=('^LG: .*FAIL' '^XSR: .*FAIL')
