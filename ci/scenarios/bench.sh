# Scenario "bench": used by `make bench` (ci/bench.sh), not by make test.
SCN_TIMEOUT=1200
SCN_EXPECT=(
	'XSR: dom0 ready'
	'XSR: bench: dom0-ready-uptime-s'
	'XSR: bench: hypercall-ns'
	'XSR: bench: done'
)
SCN_FORBID=('^XSR: .*FAIL')
