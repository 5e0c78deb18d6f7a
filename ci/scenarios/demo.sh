# Scenario "demo" (make demo): a narrated guest suspend and xl resume, with
# the bare-metal test guest and with a Linux domU.
SCN_TIMEOUT=600
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	'XSR: \[demo\] 3/7'
	'XSR: \[demo\] +tg .* ---ss-'
	'XSR: \[demo\] 4/7 xl resume tg'
	'XSR: \[demo\] 7/7'
	'XSR: scenario demo PASS'
)
SCN_EXPECT_GUEST=(
	'TG: cycle 1 check pc ok'
	'TG: RESULT PASS cycles=1'
	'PM: suspend entry \(deep\)'
	'PM: suspend exit'
	'LG: RESULT PASS cycles=1'
)
SCN_FORBID=('^TG: .*FAIL' '^LG: .*FAIL' '^XSR: .*FAIL')
