#!/bin/sh
# Run every test and print one closing line "N passed, N failed".
#
# Unit tests are cmocka programs (built from tests/*/test_*.c) that speak TAP;
# CLI tests are tests/*/*.sh scripts that use tests/lib.sh and speak TAP too.
# A program that exits non-zero without reporting a failure (a crash, a
# sanitizer report) counts as one failure: nothing is lost silently.
# TESTS=pattern runs only the tests whose path contains pattern.
: "${HARDEN:?HARDEN must name the harden binary}"
: "${TEST_BIN_DIR:?TEST_BIN_DIR must name the built tests}"
top=$(cd "$(dirname "$0")/.." && pwd)
export HARDEN TEST_BIN_DIR CMOCKA_MESSAGE_OUTPUT=TAP
export TOP="$top"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
passed=0 failed=0

run_one() {
	name=$1; shift
	case "$name" in *"${TESTS:-}"*) ;; *) return ;; esac
	echo "# $name"
	"$@" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	grep -E '^(not ok|#)' "$log" | grep -v '^# *$' | sed 's/^/  /' | head -50
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "  not ok - $name exited $rc without reporting a failure:"
		tail -20 "$log" | sed 's/^/    /'
		f=1
	fi
	echo "  $p passed, $f failed"
	passed=$((passed + p)); failed=$((failed + f))
}

for t in $(find "$TEST_BIN_DIR" -type f -perm -u+x -name 'test_*' | sort); do
	run_one "${t#$TEST_BIN_DIR/}" "$t"
done
for t in $(ls "$top"/tests/*/*.sh 2>/dev/null | sort); do
	run_one "tests/${t#$top/tests/}" sh "$t"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
