#!/usr/bin/env bash
# Runs ShellCheck on every shell script of the project: errors, warnings and
# notes (an unquoted expansion, SC2086, is a note), not style advice. Not
# applied anywhere, as the scripts use them on purpose:
#   SC2015  `A && B || fail ...`: meant as "both hold, or fail"
#   SC2013  `for w in $(cat F)`: F is a word list (kernel command line, modules)
#   SC2016  single-quoted sed and awk programs are meant literally
#   SC2012  `ls` output shown to a person
# Three kinds of script:
#   bash    ci/*.sh, .ci/run                      (sources followed)
#   sh      what runs in dom0 and the Linux domU  (busybox ash: checked as
#           dash, whose `local` ash has; ash's `read -t`, SC3045, is allowed;
#           /etc/xsr/lib.sh, SC1091, is ci/dom0/lib.sh, checked itself)
#   bash    ci/scenarios/*.sh: fragments ci/e2e.sh sources; the variables
#           they set are read there (SC2034 does not apply)
# Usage: ci/check-shell.sh [ROOT] (default: the project).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
root=${1:-$TOP}
command -v shellcheck >/dev/null || die "shellcheck not found: run ci/setup.sh (apt-get install shellcheck)"

step "shellcheck: every shell script ($(shellcheck --version | sed -n 's/^version: //p'))"
cd "$root"
bad=0
# run WHAT N ARGS...: shellcheck ARGS (of which the last N are files).
run() {
	local what=$1 n=$2 out
	shift 2
	if out=$(shellcheck -S info -e SC2015,SC2013,SC2016,SC2012 "$@" 2>&1); then
		info "$what: clean ($n files)"
	else
		printf '%s\n' "$out" | sed 's/^/    /'
		echo "FAIL: shellcheck: $what"
		bad=1
	fi
}
mapfile -t bash_scripts < <(ls ci/*.sh .ci/run)
mapfile -t guest_scripts < <(ls ci/dom0/init ci/dom0/lib.sh ci/dom0/hotplug-* ci/dom0/scenario-* ci/domu/init)
mapfile -t fragments < <(ls ci/scenarios/*.sh)
run "bash scripts" ${#bash_scripts[@]} -x -P SCRIPTDIR "${bash_scripts[@]}"
run "dom0 and domU scripts" ${#guest_scripts[@]} -s dash -e SC3045,SC1091 "${guest_scripts[@]}"
run "scenario fragments" ${#fragments[@]} -s bash -e SC2034 -x -P SCRIPTDIR "${fragments[@]}"
[ "$bad" = 0 ] || die "shellcheck found problems"
info "shellcheck passed"
