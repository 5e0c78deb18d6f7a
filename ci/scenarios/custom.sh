# Scenario "custom": your own guests (ci/e2e.sh --guest-cfg FILE
# [--guest-file FILE]...), resumed whenever they suspend; read their
# consoles in build/logs/<machine>-custom.log.
SCN_TIMEOUT=900
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	'XSR: dom0 ready'
	'XSR: custom: xl create'
	'XSR: scenario custom PASS'
	'XSR: powering off'
)
SCN_FORBID=('^XSR: .*FAIL')
