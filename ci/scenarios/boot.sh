# Scenario "boot": Xen with the Rust layer boots, dom0 reaches a working
# toolstack (xl list), and the machine powers off cleanly. Dom0 is not
# offered a host suspend and Xen says why: QEMU's PSCI has no
# SYSTEM_SUSPEND (machines virt-gicv3, virt-gicv2, zcu102), or, under the
# project's test firmware (virt-gicv3-fw, virt-gicv2-fw), a real suspend is
# not enabled (xsr_host_suspend); Linux falls back to s2idle. Dom0 prints
# the hypervisor's version and the versions of what it takes from trixie
# (kernel, toolstack), which follow the distribution.
SCN_TIMEOUT=300
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	'xen-suspend: host suspend not offered to the hardware domain: '
	'XSR: dom0 mem_sleep: \[s2idle\]$'
	'XSR: dom0 ready'
	'^Domain-0 +0 '
	'XSR: hypervisor Xen 4\.20\.[0-9]'
	'XSR: dom0 toolstack xen-utils-4\.20 4\.20\.[0-9]'
	'XSR: dom0 kernel linux-image-[^ ]+ 6\.[0-9]+'
	'XSR: powering off'
)
