# Scenario "boot": Xen with the Rust layer boots, dom0 reaches a working
# toolstack (xl list), and the machine powers off cleanly. QEMU's PSCI has
# no SYSTEM_SUSPEND, so dom0 is not offered a host suspend: Xen says why,
# and Linux falls back to s2idle.
SCN_TIMEOUT=300
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	'xen-suspend: host suspend not offered to the hardware domain: firmware PSCI 1\.[0-9]+ has no SYSTEM_SUSPEND \(PSCI_FEATURES: -1\)'
	'XSR: dom0 mem_sleep: \[s2idle\]$'
	'XSR: dom0 ready'
	'^Domain-0 +0 '
	'XSR: powering off'
)
