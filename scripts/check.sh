#!/usr/bin/env bash
# Runs every test suite against the sanitizer build and prints one closing line:
#   N passed, N failed
# Exits non-zero when anything failed, crashed or printed a sanitizer report.
set -uo pipefail
cd "$(dirname "$0")/.."

export PARTA_BIN="$PWD/build/san/parta"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
LOG_DIR=build/test-logs
mkdir -p "$LOG_DIR"

passed=0
failed=0
broken=()

# cmocka: one binary per module.
for t in build/san/tests/test_*; do
	[[ -x $t ]] || continue
	name=$(basename "$t")
	out="$LOG_DIR/$name.log"
	"$t" >"$out" 2>&1
	rc=$?
	p=$(grep -oE '^\[  PASSED  \] [0-9]+' "$out" | grep -oE '[0-9]+$' || true)
	f=$(grep -oE '^\[  FAILED  \] [0-9]+ test' "$out" | grep -oE '[0-9]+' || true)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [[ $rc -ne 0 || -z $p ]] || grep -qE 'Sanitizer|runtime error:' "$out"; then
		[[ -z $f || $f -eq 0 ]] && failed=$((failed + 1))
		broken+=("$name")
		cat "$out"
	fi
	echo "unit $name: passed ${p:-0}, failed ${f:-0}"
done

# node:test suites (end-to-end, then browser) against the real server.
run_node() {
	local suite=$1
	shift
	local out="$LOG_DIR/$suite.tap"
	node --test --test-reporter=tap --test-concurrency=1 "$@" >"$out" 2>&1
	local rc=$?
	local p f
	p=$(grep -oE '^# pass [0-9]+' "$out" | grep -oE '[0-9]+' || true)
	f=$(grep -oE '^# fail [0-9]+' "$out" | grep -oE '[0-9]+' || true)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [[ $rc -ne 0 || -z $p ]]; then
		[[ -z $f || $f -eq 0 ]] && failed=$((failed + 1))
		broken+=("$suite")
		grep -vE '^\s*(duration_ms|type:|\.\.\.|---)' "$out" | grep -B2 -A30 'not ok' | head -200
	fi
	echo "$suite: passed ${p:-0}, failed ${f:-0}"
}
run_node e2e tests/e2e/*.test.mjs
run_node browser tests/browser/*.test.mjs

if ((${#broken[@]})); then
	echo "failing suites: ${broken[*]} (logs in $LOG_DIR)"
fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
