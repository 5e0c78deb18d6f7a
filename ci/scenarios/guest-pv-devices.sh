# Scenario "guest-pv-devices": a Linux domU (Debian's kernel) with a PV disk
# (xen-blkfront, an image file in dom0 on a loop device, xen-blkback) and a
# PV network interface (xen-netfront, xen-netback; no bridge, dom0's end is
# 10.99.0.1) suspends itself to RAM 10 times and comes back with `xl
# resume`. After every resume it reads back from the backend what it wrote
# before suspending, writes again and pings dom0 (3 of 3 answered); dom0
# sees blkback's reads and writes and the vif's packets grow between every
# two suspends, and at the end reads the guest's last write from the image
# file. Debian trixie's kernel keeps xenbus devices connected across a
# suspend to RAM (xenbus uses .freeze/.thaw since 6.12.85).
#
# pv_scenario NAME HOST: HOST more cycles after the first 10, each with a
# real host suspend (host-pv-devices, firmware machines).
pv_scenario() {
	local name=$1 host=$2 cycles=$((10 + $2))
	SCN_TIMEOUT=900
	SCN_EXPECT=(
		'Rust suspend layer v[0-9.]+ present'
		'XSR: backends: vbd-[0-9]+-51712 on /dev/loop[0-9]+, vif[0-9]+\.0 10\.99\.0\.1/24'
		'XSR: cycle 1: xl list shows lpv ---ss-'
		'XSR: cycle 1: backends between the suspends: reads'
		"XSR: cycle $cycles: xl list shows lpv ---ss-"
		'XSR: pv: dom0 reads the guest.s last write from the image file'
		"XSR: scenario $name PASS"
		'XSR: powering off'
	)
	SCN_EXPECT_GUEST=(
		'LG: pv: /dev/xvda 8192 KiB, eth0 00:16:3e:78:73:72 10\.99\.0\.2, ping dom0 3/3'
		'LG: pv: wrote cycle 1.s data'
		'PM: suspend entry \(deep\)'
		'PM: suspend exit'
		'LG: cycle 1: pv: disk read back ok'
		"LG: cycle $cycles: pv: disk read back ok, wrote cycle $((cycles + 1)).s data \\(md5 [0-9a-f]{32}\\), ping dom0 3/3"
		"LG: RESULT PASS cycles=$cycles"
	)
	SCN_COUNT=(
		"$cycles=LG: cycle [0-9]+: pv: disk read back ok, wrote cycle [0-9]+.s data \\(md5 [0-9a-f]{32}\\), ping dom0 3/3"
		"$((cycles - 1))=XSR: cycle [0-9]+: backends between the suspends: reads [0-9]+ -> [0-9]+, writes"
		"$cycles=XSR: cycle [0-9]+: xl list shows lpv ---ss-"
	)
	SCN_FORBID=('^LG: .*FAIL' '^XSR: .*FAIL')
	if [ "$host" -gt 0 ]; then
		SCN_XEN_ARGS="xsr_host_suspend"
		SCN_EXPECT=("${SCN_EXPECT[0]}" 'XSR: dom0 mem_sleep: s2idle \[deep\]' "${SCN_EXPECT[@]:1}")
		scn_host_cycles "$host" '.*still ---ss-: lpv'
	fi
}
pv_scenario guest-pv-devices 0
