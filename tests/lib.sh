# Shared helpers for the shell (CLI) tests: TAP output and scratch space.
# Each test script sources this, runs its checks, and ends with `done_testing`.
set -u
T=0
FAILED=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/harden-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# harden scan's DWARF cache goes to scratch space, never the tester's ~/.cache
export HARDEN_CACHE_DIR="$WORK/cache"
# cache_entries DIR: rows in the scan cache database under DIR (0 when there is none)
cache_entries() { if [ -f "$1/cache.sqlite" ]; then sqlite3 "$1/cache.sqlite" 'SELECT count(*) FROM entry'; else echo 0; fi; }
# files changed within the last second are not cached (racy timestamps): age them
settle() { sleep 1.2; }

ok()    { T=$((T + 1)); echo "ok $T - $*"; }
notok() { T=$((T + 1)); FAILED=$((FAILED + 1)); echo "not ok $T - $*"; }
skip()  { echo "# skip: $*"; }

# check DESC CMD...: passes when CMD succeeds.
check() { d=$1; shift; if "$@"; then ok "$d"; else notok "$d"; fi; }
# field FILE JQ: what harden scan --format json says of FILE, through jq -r
field() { "$HARDEN" scan --format json "$1" 2>/dev/null | jq -r "$2"; }
# is DESC GOT WANT: GOT must be exactly WANT
is() { if [ "$2" = "$3" ]; then ok "$1"; else notok "$1: got '$2', want '$3'"; fi; }

# expect_exit CODE DESC CMD...: passes when CMD exits with CODE; output kept in $WORK/out, $WORK/err.
expect_exit() {
	want=$1 d=$2; shift 2
	"$@" >"$WORK/out" 2>"$WORK/err"
	got=$?
	if [ "$got" = "$want" ]; then ok "$d"; else
		notok "$d (exit $got, want $want)"
		sed 's/^/#   err: /' "$WORK/err" | head -5
	fi
}

# contains DESC FILE PATTERN: passes when FILE matches the extended regex PATTERN.
contains() {
	if grep -Eq -- "$3" "$2"; then ok "$1"; else
		notok "$1 (no /$3/ in $2)"
		sed 's/^/#   /' "$2" | head -10
	fi
}
lacks() {
	if grep -Eq -- "$3" "$2"; then notok "$1 (unexpected /$3/ in $2)"; else ok "$1"; fi
}

done_testing() { echo "1..$T"; [ "$FAILED" -eq 0 ]; }
