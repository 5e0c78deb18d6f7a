# Scenario "guest-watchdog": a domain's Xen watchdog waits while the
# domain is suspended and starts again, with its full timeout, when it
# resumes. The test guest arms a 5 s watchdog and suspends; 10 s later
# `xl resume` brings it back, it lives, stops kicking, and the watchdog
# ends it 5 s (not 0 s) after the resume.
SCN_TIMEOUT=300
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	'XSR: tgwd suspended with its 5 s watchdog armed'
	'XSR: tgwd still ---ss- after 10 s; xl resume tgwd'
	'XSR: tgwd lives after the resume'
	'Watchdog timer fired for domain [0-9]+'
	'XSR: tgwd ended by its watchdog \(reason code 4\)'
	'XSR: scenario guest-watchdog PASS'
	'XSR: powering off'
)
SCN_EXPECT_GUEST=(
	'TG: watchdog [12] armed, 5 s'
	'TG: refusals check pc ok'
	'TG: watchdog: alive 3 s after the resume'
	'TG: RESULT PASS watchdog'
)
SCN_COUNT=('1=Watchdog timer fired for domain')
SCN_FORBID=('^TG: .*FAIL' '^XSR: .*FAIL')
