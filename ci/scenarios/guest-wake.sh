# Scenario "guest-wake": a suspended domU wakes on its own interrupt. The
# test guest leaves only its virtual timer enabled, arms it and suspends,
# ten times, and is woken by it each time with nobody calling `xl resume`
# (Xen logs each wake; dom0 never runs xl resume for it); a wake event
# already pending when it calls SYSTEM_SUSPEND makes the call return at
# once. With nothing enabled it stays suspended for 10 s, until `xl
# resume`. The toolstack follows: xl list sees it suspended and running
# again, and its monitor destroys it when it powers off.
SCN_TIMEOUT=600
SCN_EXPECT=(
	'Rust suspend layer v[0-9.]+ present'
	'XSR: dom0 ready'
	'd[0-9]+v0: PSCI SYSTEM_SUSPEND: a wake-up interrupt \(INTID 27\) is pending: returns at once'
	'd[0-9]+v0: woken from PSCI SYSTEM_SUSPEND by an interrupt'
	'XSR: tgw gone \(its monitor destroyed it after its power-off\); xl list saw it suspended [0-9]+ times, running again after ([1-9]|10) of them'
	'XSR: tgn still ---ss- after 10 s; xl resume tgn'
	'XSR: scenario guest-wake PASS'
	'XSR: powering off'
)
SCN_EXPECT_GUEST=(
	'TG: boot mode=wake cycles=10'
	'TG: check pending-at-call ok 0 \(returned at once\)'
	'TG: refusals check pending-at-call-delivered ok 0x8000000'
	'TG: cycle 1 check pc ok'
	'TG: cycle 1 check woken-after-timer ok'
	'TG: cycle 1 check woken-by-vtimer ok 0x8000000'
	'TG: cycle 1 woken ok'
	'TG: cycle 10 woken ok'
	'TG: RESULT PASS wake cycles=10'
	'TG: suspend with nothing enabled; waiting for xl resume'
	'TG: resumed by xl resume'
	'TG: RESULT PASS wake=none'
)
# Ten wakes by interrupt, and the one xl resume of wake=none: eleven
# resumes in all, one of them not by an interrupt.
SCN_COUNT=(
	'10=d[0-9]+v0: woken from PSCI SYSTEM_SUSPEND by an interrupt'
	'11=d[0-9]+v0: resuming at 0x40000[0-9a-f]+'
	"10=TG: cycle [0-9]+ woken ok"
)
SCN_FORBID=('^TG: .*FAIL' '^XSR: .*FAIL')
