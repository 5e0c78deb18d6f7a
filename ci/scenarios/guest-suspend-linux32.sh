# Scenario "guest-suspend-linux32": the 32-bit Linux domU (Debian trixie's
# armhf armmp-lpae kernel as a zImage: an AArch32 domain) offers deep sleep,
# suspends with `echo mem > /sys/power/state` 10 times through PSCI
# SYSTEM_SUSPEND's SMC32 id and comes back after each `xl resume` in
# AArch32 state, both vCPUs online, its timer ticking. Xen resumes its
# vCPU 0 at the entry point the guest gave, once per cycle. Not in make
# test: it needs a QEMU without the two defects README's "32-bit guests
# under QEMU" describes (QEMU=/path/to/qemu-system-aarch64 ci/e2e.sh ...).
SCN_GUEST32=1
SCN_TIMEOUT=900
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	'XSR: dom0 ready'
	'XSR: cycle 1: xl list shows lg ---ss-'
	'XSR: cycle 10: xl list shows lg ---ss-'
	'XSR: linux: kernel [^ ]+-armmp-lpae armv7l, 2 vCPUs'
	'XSR: linux: 10 x .PM: suspend entry \(deep\)., 10 x .PM: suspend exit.'
	'XSR: scenario guest-suspend-linux32 PASS'
	'XSR: powering off'
)
SCN_EXPECT_GUEST=(
	'LG: up: kernel [^ ]+-armmp-lpae armv7l, 2 vCPUs'
	'LG: mem_sleep now: s2idle \[deep\]'
	'LG: cycle 1: resumed'
	'LG: cycle 10: cpus online 0-1'
	'LG: RESULT PASS cycles=10'
)
SCN_COUNT=(
	'10=d[1-9][0-9]*v0: PSCI SYSTEM_SUSPEND: suspended, resumes at'
	'10=d[1-9][0-9]*v0: resuming at 0x[0-9a-f]+, context 0x0 '
	'10=LG: cycle [0-9]+: cpus online 0-1, timer interrupts'
)
SCN_FORBID=('^LG: .*FAIL' '^XSR: .*FAIL' 'XSR: dom0 psci: SYSTEM_SUSPEND')
