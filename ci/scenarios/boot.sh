# Scenario "boot": Xen with the Rust layer boots, dom0 reaches a working
# toolstack (xl list), and the machine powers off cleanly.
SCN_TIMEOUT=300
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	'XSR: dom0 ready'
	'^Domain-0 +0 '
	'XSR: powering off'
)
