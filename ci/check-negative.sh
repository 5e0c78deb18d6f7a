#!/usr/bin/env bash
# Prove that the checks of `make test` fail when they should: each case
# breaks one thing in a scratch copy of the project and expects the check to
# reject it. The project itself is never modified.
#
#   fmt      badly formatted code           -> cargo fmt --check fails
#   clippy   a lint                         -> cargo clippy -D warnings fails
#   safety   an unsafe block without SAFETY -> clippy (undocumented_unsafe_blocks) fails
#   header   an exported doc comment changed without `make header` -> build fails
#   test     a broken assertion             -> cargo test fails
#   percent  a '%' typed in a console message -> the build fails (msg!'s
#            compile-time check of the printk format, rust/src/line.rs)
#   patch    a patch whose context is wrong -> ci/check-patches.sh fails, naming it
#   shell    an unquoted expansion in a script -> ci/check-shell.sh fails
#   fetch-*  fetch-xen.sh following the mirror instead of the pin, or not
#            checking the pin's sha256 -> ci/check-fetch.sh fails
set -euo pipefail
. "$(dirname "$0")/lib.sh"

step "negative tests: every check must reject a broken copy"
scratch=$BUILD/negative
# Shared with the host builds of `make test`, so dependencies are not rebuilt.
export CARGO_TARGET_DIR=$BUILD/negative-target
pass=0 fail=0

fresh_copy() {
	rm -rf "$scratch"
	mkdir -p "$scratch"
	(cd "$TOP" && git ls-files -z | xargs -0 cp --parents -t "$scratch")
}

# break_file FILE SED-SCRIPT: edit FILE (in the scratch copy) with sed; a script
# that no longer matches the project would test nothing, so it is an error.
break_file() {
	local before
	before=$(cksum <"$1")
	sed -i "$2" "$1"
	[ "$(cksum <"$1")" != "$before" ] || die "negative tests: '$2' changes nothing in ${1#"$scratch"/}: update ci/check-negative.sh"
}

# expect_failure NAME PATTERN COMMAND...: COMMAND must fail and print PATTERN.
expect_failure() {
	local name=$1 pattern=$2 out
	shift 2
	if out=$(cd "$scratch" && "$@" 2>&1); then
		echo "    FAIL $name: the check passed a broken copy"
		fail=$((fail + 1))
	elif ! grep -qE -- "$pattern" <<<"$out"; then
		echo "    FAIL $name: the check failed, but without '$pattern':"
		tail -n 5 <<<"$out" | sed 's/^/        /'
		fail=$((fail + 1))
	else
		echo "    ok   $name: rejected ($(grep -oE -m1 -- "$pattern" <<<"$out"))"
		pass=$((pass + 1))
	fi
}

fresh_copy
printf '\npub fn   badly_formatted( )->u32{1}\n' >>"$scratch/rust/src/line.rs"
expect_failure fmt 'Diff in' cargo fmt --all -- --check

fresh_copy
printf '\n#[cfg(test)]\nmod neg { #[test] fn t() { assert_eq!(true, 1 == 1); } }\n' >>"$scratch/rust/src/line.rs"
expect_failure clippy 'bool_assert_comparison' cargo clippy --quiet --all-targets -- -D warnings

fresh_copy
printf '\n/// Reads a byte.\npub fn neg_read(b: &u8) -> u8 {\n    unsafe { core::ptr::read(b) }\n}\n' >>"$scratch/rust/src/line.rs"
expect_failure safety 'undocumented_unsafe_blocks' cargo clippy --quiet --all-targets -- -D warnings

fresh_copy
break_file "$scratch/rust/src/ffi.rs" 's|^/// Start the Rust suspend layer:|/// Start the Rust suspend layer (changed):|'
expect_failure header 'xen_suspend.h is stale' cargo check --quiet

fresh_copy
break_file "$scratch/rust/src/line.rs" 's|assert_eq!(text, "d1v0: at 0x40080000|assert_eq!(text, "d1v1: at 0x40080000|'
expect_failure test 'test result: FAILED' cargo test --quiet

fresh_copy
break_file "$scratch/rust/src/hostmsg.rs" 's|"host suspend: resumed (",|"host suspend: resumed 100% (",|'
expect_failure percent "a '%' in a message's text" cargo test --quiet --no-run

fresh_copy
last=$(find "$scratch/xen-patches" -name '*.patch' | sort | tail -n 1)
# Change one context line of the first hunk: the patch no longer fits.
awk '!done && /^@@/ { hunk = 1 } hunk && !done && /^ / { sub(/^ /, " XX "); done = 1 } { print }' "$last" >"$last.new"
mv "$last.new" "$last"
expect_failure patch "patch $(basename "$last") does not apply" bash ci/check-patches.sh

fresh_copy
# rm with an unquoted variable: word splitting (SC2086).
printf '\nrm -f $scratch_file_list\n' >>"$scratch/ci/dom0/scenario-guest-wake"
expect_failure shell 'SC2086' bash ci/check-shell.sh

# The fetch test must catch a "pin" that follows the mirror, and a pin whose
# checksum is not checked.
fresh_copy
break_file "$scratch/ci/fetch-xen.sh" 's|^XEN_POOL_DIR=pool/main/x/xen$|XEN_POOL_DIR=pool/main/x/xen-moved|'
expect_failure fetch-follows 'FAIL pin-present' bash ci/check-fetch.sh

fresh_copy
break_file "$scratch/ci/fetch-xen.sh" 's|if \[ "\$got" != "\$want" \]; then|if false; then|'
expect_failure fetch-unchecked 'FAIL pin-mismatch' bash ci/check-fetch.sh

rm -rf "$scratch"
echo "negative: $pass passed, $fail failed"
[ $fail = 0 ]
