#!/bin/sh
# `harden sandbox` command line and policy files: help, --explain, and bad
# input (unknown key, bad value, missing path, missing command), which must
# be one clear "FILE:LINE: reason" error and exit 2 before anything runs.
. "$TOP/tests/lib.sh"
. "$TOP/tests/sandbox/common.inc"
mkdir -p "$WORK/build"
B=$WORK/build
P=$HARDEN_SANDBOX_DIR

expect_exit 0 "--help exits 0" "$H" sandbox --help
contains "--help shows usage" "$WORK/out" "usage: harden sandbox"
expect_exit 2 "no command is a usage error" "$H" sandbox --build "$B"
expect_exit 2 "unknown option" "$H" sandbox --frobnicate -- true

# bad_policy DESC CONTENT PATTERN: exit 2, error matches, and the command never ran.
bad_policy() {
	printf '%s\n' "$2" >"$P/bad.policy"
	rm -f "$B/ran"
	expect_exit 2 "$1" "$H" sandbox $BE --build "$B" --policy bad -- sh -c 'touch ran'
	contains "$1: error names file, line and reason" "$WORK/err" "$3"
	check "$1: nothing ran" test ! -e "$B/ran"
}
bad_policy "unknown key" "# comment
network = none
colour = blue" "bad.policy:3: unknown key 'colour'"
bad_policy "bad network value" "network = internet" "bad.policy:1: network: 'internet' is not none or loopback"
bad_policy "path that does not exist" "
ro = /nonexistent/harden" "bad.policy:2: ro: /nonexistent/harden: No such file or directory"
bad_policy "relative path" "rw = src" "bad.policy:1: rw: 'src' is not an absolute path"
bad_policy "unknown variable" 'rw = ${HOME}/x' "bad.policy:1: unknown variable '\\\$\{HOME\}'"
bad_policy "\${OUT} without --out" 'rw = ${OUT}' "bad.policy:1: '\\\$\{OUT\}' is not set here"
bad_policy "no '='" "network none" "bad.policy:1: expected 'key = value'"
bad_policy "missing value" "timeout =" "bad.policy:1: timeout: missing value"
bad_policy "bad rlimit" "rlimit-as = 3X" "bad.policy:1: rlimit-as: '3X' is not a number"
bad_policy "unknown syscall" "allow-syscall = ptrace, frobnicate" "bad.policy:1: allow-syscall: 'frobnicate'"
bad_policy "bad boolean" "clear-env = maybe" "bad.policy:1: clear-env: 'maybe' is not yes or no"

expect_exit 2 "a policy that does not exist" "$H" sandbox --build "$B" --policy nosuch -- true
contains "names the policy file" "$WORK/err" "nosuch.policy"
rm -f "$B/ran"
expect_exit 2 "a command that does not exist" "$H" sandbox $BE --build "$B" -- harden-no-such-command
contains "names the command" "$WORK/err" "harden-no-such-command: command not found"
expect_exit 2 "a relative command that does not exist" "$H" sandbox $BE --build "$B" -- ./configure
contains "names the relative command" "$WORK/err" "./configure: No such file"
expect_exit 2 "a bad flag value" "$H" sandbox --build "$B" --network internet -- true
contains "flag errors name the flag" "$WORK/err" "--network: 'internet' is not none or loopback"
expect_exit 2 "the default build tree / is refused" sh -c 'cd / && exec "$0" sandbox -- true' "$H"
contains "says why" "$WORK/err" "refusing to make / writable"
expect_exit 2 "--rlimit without =" "$H" sandbox --build "$B" --rlimit nproc -- true

# A good policy, by name, with ${BUILD}; its settings show in --explain.
mkdir -p "$WORK/tools" "$WORK/outdir"
cat >"$P/pkg.policy" <<'POL'
# per-package exceptions
network = loopback
ro = ${BUILD}/../tools
rw = ${OUT}
rlimit-nproc = 512
timeout = 600
hostname = pkgbuild
POL
expect_exit 0 "--explain with a named policy" "$H" sandbox $BE --build "$B" --out "$WORK/outdir" --policy pkg --explain
contains "explain: network from the policy" "$WORK/out" "network: loopback"
contains "explain: ro path expanded" "$WORK/out" "ro $WORK/tools"
contains "explain: nproc" "$WORK/out" "nproc=512"
contains "explain: timeout" "$WORK/out" "timeout: 600 s"
contains "explain: seccomp line" "$WORK/out" "^seccomp: "
contains "explain: landlock line" "$WORK/out" "^landlock: "
contains "explain: missing line" "$WORK/out" "^missing: "
expect_exit 0 "flags override the policy" "$H" sandbox $BE --build "$B" --out "$WORK/outdir" --policy pkg --network none --explain
contains "explain: network from the flag" "$WORK/out" "network: none"
if [ -n "$HAVE_NS" ]; then
	expect_exit 0 "the policy's hostname applies" "$H" sandbox $BE --build "$B" --out "$WORK/outdir" --policy pkg -- sh -c '[ "$(hostname)" = pkgbuild ]'
fi
printf 'network = loopback\n' >"$P/default.policy"
expect_exit 0 "default.policy is read when no --policy" "$H" sandbox $BE --build "$B" --explain
contains "explain: network from default.policy" "$WORK/out" "network: loopback"
rm -f "$P/default.policy"

# A namespace setup step that fails (here: a tmpfs where / is read-only)
# is an error naming the step; --explain finds it by a trial setup; best
# effort runs without namespaces and says why.
if [ -n "$HAVE_NS" ] && [ -z "$BE" ]; then
	expect_exit 2 "a failing mount step is an error" "$H" sandbox --build "$B" --tmpfs /usr/harden-no-such-dir -- true
	contains "the error names the step" "$WORK/err" "mount namespace: cannot create directory .*/usr/harden-no-such-dir: Read-only file system"
	expect_exit 2 "--explain runs a trial setup and reports it" "$H" sandbox --build "$B" --tmpfs /usr/harden-no-such-dir --explain
	contains "explain: namespaces not applied, with the step" "$WORK/out" "^namespaces: NOT APPLIED: .*Read-only file system"
	expect_exit 0 "best effort runs without namespaces when their setup fails" "$H" sandbox --best-effort --build "$B" --tmpfs /usr/harden-no-such-dir -- true
	contains "and says why" "$WORK/err" "ran without namespaces: mount namespace: cannot create directory"
fi
# The /etc essentials: files copied, directories bound read-only; what the
# build reads is what the host has, and nothing else of /etc is there.
if [ -n "$HAVE_NS" ]; then
	etc_sum='cd /etc && for f in ld.so.cache ld.so.conf nsswitch.conf services; do [ -f $f ] && cat $f; done; for d in ld.so.conf.d dpkg perl alternatives; do [ -d $d ] && ls -1R $d && find $d -type f -exec cat {} + 2>/dev/null; done | md5sum'
	expect_exit 0 "the /etc essentials inside" "$H" sandbox $BE --build "$B" -- sh -c "$etc_sum"
	check "are the host's, byte for byte" test "$(cat "$WORK/out")" = "$(sh -c "$etc_sum")"
	expect_exit 0 "no shadow, no resolv.conf, no hostname inside" "$H" sandbox $BE --build "$B" -- \
		sh -c 'test ! -e /etc/shadow && test ! -e /etc/resolv.conf && test ! -e /etc/hostname'
	expect_exit 0 "the bound /etc directories are read-only" "$H" sandbox $BE --build "$B" -- \
		sh -c 'test -d /etc/dpkg && ! touch /etc/dpkg/harden-x 2>/dev/null && ! touch /etc/harden-x 2>/dev/null'
	expect_exit 0 "setgroups() is denied inside" "$H" sandbox $BE --build "$B" -- sh -c 'test "$(cat /proc/self/setgroups)" = deny'
	if [ "$(id -u)" = 0 ]; then
		expect_exit 0 "root's supplementary groups stay outside" "$H" sandbox $BE --build "$B" --root-inside -- \
			sh -c 'grep -Eq "^Groups:[[:space:]]*$" /proc/self/status'
	fi
fi
# A kernel, or an enclosing sandbox, that refuses a network namespace: an
# error naming it, never a command run on the host network; best effort
# runs without namespaces and says why, as a warning only. Simulated in a
# user namespace of our own whose max_net_namespaces is 0. Nested in a
# user namespace as its "root" (setgroups already denied), it applies.
if [ -n "$HAVE_NS" ] && [ -z "$BE" ] && command -v unshare >/dev/null && unshare -Ur true 2>/dev/null; then
	nonet() { unshare -Ur sh -c 'echo 0 >/proc/sys/user/max_net_namespaces && exec "$@"' sh "$@"; }
	expect_exit 2 "no network namespace: refused" nonet "$H" sandbox --build "$B" -- true
	contains "the error names the clone of the network namespace" "$WORK/err" "CLONE_NEWNET.*refused: No space left on device"
	expect_exit 2 "no network namespace: --explain reports it" nonet "$H" sandbox --build "$B" --explain
	contains "explain: namespaces not applied, with the reason" "$WORK/out" "^namespaces: NOT APPLIED: clone.*No space left on device"
	expect_exit 0 "no network namespace: best effort runs without namespaces" nonet "$H" sandbox --best-effort --build "$B" -- true
	contains "and says why, as a warning" "$WORK/err" "warning: .*ran without namespaces: clone: No space left on device"
	lacks "and not as an error" "$WORK/err" "^harden: sandbox:"
	expect_exit 0 "nested in a user namespace, as its root, the sandbox applies" unshare -Ur "$H" sandbox --build "$B" -- \
		sh -c 'test "$(id -u)" = 1000 && test "$(grep -c : /proc/net/dev)" = 1 && test "$(hostname)" = build'
else
	skip "unshare -Ur unavailable: the refused network namespace is not simulated"
fi
HARDEN_SANDBOX_SIMULATE_MISSING=userns expect_exit 2 "--explain when a layer is missing" "$H" sandbox --build "$B" --explain
contains "explain names what is missing" "$WORK/out" "^missing: user namespaces"
HARDEN_SANDBOX_SIMULATE_MISSING=userns expect_exit 0 "--explain --best-effort" "$H" sandbox --best-effort --build "$B" --explain
contains "explain says it runs without" "$WORK/out" "running without: --best-effort"
# harden-sandbox: the same command in a binary that starts fast
HS=$(dirname "$H")/harden-sandbox
if [ -x "$HS" ]; then
	expect_exit 0 "harden-sandbox runs a command" "$HS" --build "$B" -- true
	expect_exit 3 "harden-sandbox passes the exit status" "$HS" --build "$B" -- sh -c 'exit 3'
	expect_exit 0 "harden-sandbox is confined alike: lo is the only network interface" "$HS" --build "$B" -- sh -c 'test "$(grep -c : /proc/net/dev)" = 1 && grep -q "lo:" /proc/net/dev'
	check "outside, the host has more than lo (the check above can fail)" test "$(grep -c : /proc/net/dev)" -gt 1
	expect_exit 2 "harden-sandbox refuses a bad option" "$HS" --bogus -- true
else
	skip "harden-sandbox not built"
fi
done_testing
