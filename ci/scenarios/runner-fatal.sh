# Scenario "runner-fatal": only for ci/check-runner.sh, which expects it to
# FAIL at once (dom0 prints a kernel WARNING, then idles for 250 s).
SCN_TIMEOUT=300
SCN_EXPECT=('XSR: scenario runner-fatal PASS')
