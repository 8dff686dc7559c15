#!/bin/sh
# Escape attempts from inside `harden sandbox`: each must fail, and the test
# asserts why (the errno a layer answers with) or the outcome on the host.
# Each has a flipped check outside the sandbox, so that a verdict cannot
# pass because the attempt was broken. Run as root, then again as an
# unprivileged user.
. "$TOP/tests/lib.sh"
. "$TOP/tests/sandbox/common.inc"

if [ -z "$ESC" ]; then
	notok "compile tests/sandbox/escape.c"
	done_testing
	exit
fi
mkdir -p "$WORK/build" "$WORK/src"
B=$WORK/build

sb() { "$H" sandbox $BE --build "$B" --ro "$ESC" "$@"; }

# attempt DESC WANT [SANDBOX OPTIONS --] ACTION ARG: the helper's verdict must be WANT.
attempt() {
	d=$1 want=$2; shift 2
	got=$(sb "$@" 2>"$WORK/err")
	if [ "$got" = "$want" ]; then ok "$d: $want"; else
		notok "$d: got '$got', want '$want'"
		sed 's/^/#   err: /' "$WORK/err" | head -3
	fi
}
running() { pgrep -f "$1" >/dev/null; }
gone() { ! pgrep -f "$1" >/dev/null; }
# wait_for running|gone PATTERN: poll up to 5 s (the machine may be loaded).
wait_for() { n=0; while [ $n -lt 50 ] && ! "$1" "$2"; do sleep 0.1; n=$((n + 1)); done; "$1" "$2"; }
outside() { d=$1 want=$2; shift 2; got=$("$ESC" "$@"); [ "$got" = "$want" ] && ok "outside: $d: $want" || notok "outside: $d: got '$got', want '$want'"; }

# --- network ---
sc "socket(AF_INET)" && attempt "socket(AF_INET)" EPERM -- "$ESC" socket inet
sc "socket(AF_INET6)" && attempt "socket(AF_INET6)" EPERM -- "$ESC" socket inet6
sc "socket(AF_PACKET)" && attempt "socket(AF_PACKET)" EPERM -- "$ESC" socket packet
sc "socket(AF_NETLINK)" && attempt "socket(AF_NETLINK)" EPERM -- "$ESC" socket netlink
sc "socket(AF_INET) with garbage in the register's upper half" && attempt "socket(AF_INET) with garbage in the register's upper half" EPERM -- "$ESC" socket-high-bits inet
sc "socket(AF_INET6) with garbage in the register's upper half" && attempt "socket(AF_INET6) with garbage in the register's upper half" EPERM -- "$ESC" socket-high-bits inet6
attempt "socket(AF_UNIX) still works" allowed -- "$ESC" socket unix
outside "socket(AF_INET)" allowed socket inet
outside "socket(AF_INET) with garbage in the upper half (the kernel ignores it)" allowed socket-high-bits inet

"$ESC" serve "$WORK/port" >/dev/null &
server=$!
n=0; while [ $n -lt 50 ] && [ ! -s "$WORK/port" ]; do sleep 0.1; n=$((n + 1)); done
port=$(cat "$WORK/port" 2>/dev/null)
outside "connect to the test's listener on 127.0.0.1:$port" allowed connect "$port"
sc "connect to the host listener" && attempt "connect to the host listener" EPERM -- "$ESC" connect "$port"
printf 'network = loopback\n' >"$HARDEN_SANDBOX_DIR/loopback.policy"
if [ -n "$HAVE_NS" ]; then
	attempt "connect to the host listener with network = loopback (own netns)" ECONNREFUSED --policy loopback -- "$ESC" connect "$port"
	attempt "loopback TCP inside with network = loopback" allowed --policy loopback -- "$ESC" loopback
else
	skip "network = loopback needs a network namespace"
fi
if grep -q 'TCP bind and connect denied' "$WORK/explain"; then
	# seccomp only logging: the connect reaches Landlock, which answers EACCES.
	attempt "connect with seccomp logging only (Landlock TCP rule)" EACCES --seccomp-log -- "$ESC" connect "$port"
else
	skip "Landlock TCP rules (ABI >= 4) not offered here"
fi
kill "$server" 2>/dev/null
sc "loopback TCP inside with network = none" && attempt "loopback TCP inside with network = none" EPERM -- "$ESC" loopback
attempt "resolving a hostname" EAI -- "$ESC" resolve deb.debian.org
if [ "$("$ESC" resolve deb.debian.org)" = allowed ]; then ok "outside: resolving a hostname works"; else skip "no DNS outside: the resolver check cannot be flipped here"; fi

# --- file system ---
home=${HOME:-/root}
got=$(sb -- "$ESC" write "$home/harden-escape-$$" 2>/dev/null)
[ "$got" != allowed ] && [ ! -e "$home/harden-escape-$$" ] && ok "write to \$HOME ($home): $got, nothing on the host" ||
	notok "write to \$HOME ($home): got '$got'"
rm -f "$home/harden-escape-$$"
want=EROFS; [ -z "$HAVE_NS" ] && want=EACCES
attempt "write to /etc" "$want" -- "$ESC" write /etc/harden-escape
attempt "write to /usr" "$want" -- "$ESC" write /usr/harden-escape
check "nothing written in /etc or /usr" test ! -e /etc/harden-escape -a ! -e /usr/harden-escape
attempt "write to the source tree given --ro" "$want" --ro "$WORK/src" -- "$ESC" write "$WORK/src/escaped"
attempt "write to the source tree given --rw" allowed --rw "$WORK/src" -- "$ESC" write "$WORK/src/written"
check "the --rw write landed on the host" test -s "$WORK/src/written"
attempt "write to the build directory" allowed -- "$ESC" write "$B/out.txt"
check "the build directory write landed on the host" test -s "$B/out.txt"
if [ -n "$HAVE_NS" ]; then
	attempt "write to /tmp (a private tmpfs)" allowed -- "$ESC" write "/tmp/harden-escape-$$"
else
	attempt "write to /tmp of the host" EACCES -- "$ESC" write "/tmp/harden-escape-$$"
fi
attempt "write next to the build directory" "$( [ -n "$HAVE_NS" ] && echo allowed || echo EACCES)" -- "$ESC" write "$WORK/escaped"
check "host /tmp untouched" test ! -e "/tmp/harden-escape-$$" -a ! -e "$WORK/escaped"

# --- privilege ---
sc "chmod u+s on its own file" && attempt "chmod u+s on its own file" EPERM -- "$ESC" chmod-suid "$B/suid"
outside "chmod u+s on its own file" allowed chmod-suid "$WORK/suid"
sleep 60 &
victim=$!
sc "ptrace of a process outside" && attempt "ptrace of a process outside" EPERM -- "$ESC" ptrace "$victim"
if [ -n "$HAVE_NS" ]; then
	# The flip: with the rule lifted, ptrace reaches the kernel, which cannot
	# even see the host process from the sandbox's pid namespace.
	attempt "ptrace with allow-syscall = ptrace" ESRCH --allow-syscall ptrace -- "$ESC" ptrace "$victim"
fi
outside "signal 0 to the victim" allowed signal "$victim"
if [ -n "$HAVE_NS" ]; then
	attempt "signal to a host process (pid namespace)" ESRCH -- "$ESC" signal "$victim"
	expect_exit 1 "host processes are not in /proc" sb -- test -e "/proc/$victim"
	n=$(sb -- sh -c 'ls /proc | grep -c "^[0-9]"' 2>/dev/null)
	[ "${n:-99}" -le 4 ] && ok "/proc shows only the sandbox ($n processes)" || notok "/proc shows $n processes"
	check "outside, /proc shows the victim" test -e "/proc/$victim"
else
	skip "no pid namespace: host processes are visible"
fi
kill "$victim" 2>/dev/null
attempt "mount a tmpfs" EPERM -- "$ESC" mount /tmp
sc "unshare(CLONE_NEWUSER)" && attempt "unshare(CLONE_NEWUSER)" EPERM -- "$ESC" unshare-user
attempt "raise RLIMIT_NOFILE" EPERM -- "$ESC" raise-rlimit
expect_exit 153 "a file past rlimit-fsize: SIGXFSZ (128+25)" sb --rlimit fsize=1M -- sh -c 'exec head -c 2000000 /dev/zero > big'
expect_exit 0 "a file under rlimit-fsize is fine" sb --rlimit fsize=1M -- sh -c 'head -c 500000 /dev/zero > small'
sc "bpf()" && attempt "bpf()" EPERM -- "$ESC" bpf
sc "keyctl()" && attempt "keyctl()" EPERM -- "$ESC" keyctl
sc "perf_event_open()" && attempt "perf_event_open()" EPERM -- "$ESC" perf
sc "userfaultfd()" && attempt "userfaultfd()" EPERM -- "$ESC" userfaultfd
sc "io_uring_setup()" && attempt "io_uring_setup()" EPERM -- "$ESC" io_uring
if [ "$("$ESC" io_uring)" = EFAULT ]; then ok "outside: io_uring_setup() reaches the kernel"; else skip "io_uring disabled on this host: the io_uring check cannot be flipped"; fi
expect_exit 0 "no capabilities inside" sb -- sh -c 'grep -q "^CapEff:[[:space:]]*0*$" /proc/self/status'
if [ -n "$HAVE_NS" ]; then
	expect_exit 0 "--root-inside is uid 0 without capabilities" sb --root-inside -- sh -c \
		'[ "$(id -u)" = 0 ] && grep -q "^CapEff:[[:space:]]*0*$" /proc/self/status && ! touch /etc/x 2>/dev/null'
fi

# --- processes ---
if grep -q 'process limit for root: NONE' "$WORK/explain"; then
	skip "root without a writable pids cgroup: no process limit binds root here"
else
	attempt "fork bomb held by the process limit" EAGAIN --rlimit nproc=64 -- "$ESC" forkbomb
fi
marker="harden-daemon-$$"
sb -- "$ESC" daemon "$marker" >/dev/null 2>&1
check "a daemon does not outlive the sandbox" gone "$marker"
"$ESC" daemon "$marker-outside" >/dev/null
check "outside, the same daemon survives (and pgrep sees it)" running "$marker-outside"
kill $(pgrep -f "$marker-outside")

"$H" sandbox $BE --build "$B" -- sleep 3033$$ &
sbpid=$!
wait_for running "^sleep 3033$$"
kill -TERM "$sbpid"
wait "$sbpid"
rc=$?
[ "$rc" = 143 ] && ok "SIGTERM to harden reaches the command: 143" || notok "SIGTERM to harden: exit $rc, want 143"
expect_exit 7 "exit status propagated" sb -- sh -c 'exit 7'
expect_exit 143 "killed by SIGTERM: 128+15" sb -- sh -c 'kill -TERM $$'
t0=$(date +%s)
expect_exit 124 "wall-clock timeout" sb --timeout 1 -- sleep 30
[ $(($(date +%s) - t0)) -le 5 ] && ok "timeout ends the sandbox promptly" || notok "timeout took $(($(date +%s) - t0)) s"
contains "timeout is reported" "$WORK/err" "timed out after 1 s"

"$H" sandbox $BE --build "$B" --die-with-parent -- sleep "31$$" &
sbpid=$!
wait_for running "^sleep 31$$"
kill -9 "$sbpid"
check "--die-with-parent: the sandbox dies with harden" wait_for gone "^sleep 31$$"
"$H" sandbox $BE --build "$B" -- sleep "32$$" &
sbpid=$!
wait_for running "^sleep 32$$"
kill -9 "$sbpid"
sleep 0.3
check "without --die-with-parent the sandbox outlives harden" running "^sleep 32$$"
kill $(pgrep -f "^sleep 32$$")
wait_for gone "^sleep 32$$"
cg=$(sed -n 's/^  process limit for root: pids cgroup under //p' "$WORK/explain")
if [ -n "$cg" ]; then
	# The killed sandboxes' last processes may take a moment to go; each
	# new run removes the stale cgroups that are empty by then.
	n=0
	while [ $n -lt 25 ]; do
		sb -- true
		ls "$cg" | grep -q '^harden-sandbox\.' || break
		sleep 0.2
		n=$((n + 1))
	done
	check "cgroups left by a killed harden are removed by a later run" \
		sh -c "! ls '$cg' | grep -q '^harden-sandbox\.'"
fi

# --- identity and environment ---
if [ -n "$HAVE_NS" ]; then
	expect_exit 0 "hostname is build" sb -- sh -c '[ "$(hostname)" = build ]'
	expect_exit 0 "uid 1000 inside" sb -- sh -c '[ "$(id -u)" = 1000 ]'
fi
FOO_HOST=leak expect_exit 0 "--clear-env drops, --env sets" sb --clear-env --env FOO=bar -- sh -c \
	'[ "$FOO" = bar ] && [ -z "${FOO_HOST:-}" ] && [ -n "$PATH" ] && [ -d "$HOME" ]'
SOURCE_DATE_EPOCH=1700000000 expect_exit 0 "--clear-env keeps SOURCE_DATE_EPOCH" sb --clear-env -- sh -c '[ "$SOURCE_DATE_EPOCH" = 1700000000 ]'
FOO_HOST=kept expect_exit 0 "the environment passes through by default" sb -- sh -c '[ "$FOO_HOST" = kept ]'
sc "--seccomp-log logs" && attempt "--seccomp-log logs instead of denying socket()" allowed --seccomp-log -- "$ESC" socket inet

# --- kernels without a layer: refuse, or best effort saying what is missing ---
HARDEN_SANDBOX_SIMULATE_MISSING=userns expect_exit 2 "no user namespaces: refused" "$H" sandbox --build "$B" -- true
contains "the refusal names the missing layer" "$WORK/err" "does not offer: user namespaces"
HARDEN_SANDBOX_SIMULATE_MISSING=landlock expect_exit 2 "no Landlock: refused" "$H" sandbox --build "$B" -- true
contains "the refusal names Landlock" "$WORK/err" "does not offer: Landlock"
export HARDEN_SANDBOX_SIMULATE_MISSING=userns
if grep -q '^landlock: applied' "$WORK/explain"; then
	attempt "best effort without namespaces: /etc (Landlock)" EACCES --best-effort -- "$ESC" write /etc/harden-escape
	attempt "best effort without namespaces: host /tmp (Landlock)" EACCES --best-effort -- "$ESC" write "/tmp/harden-escape-$$"
	mkdir -p "$WORK/hostdir"
	attempt "best effort without namespaces: --tmpfs does not open a host dir" EACCES --best-effort --tmpfs "$WORK/hostdir" -- "$ESC" write "$WORK/hostdir/x"
	attempt "best effort without namespaces: build dir" allowed --best-effort -- "$ESC" write "$B/be.txt"
	sc "best effort without namespaces: socket (seccomp)" && attempt "best effort without namespaces: socket (seccomp)" EPERM --best-effort -- "$ESC" socket inet
	sb --best-effort -- "$ESC" daemon "$marker-be" >/dev/null 2>"$WORK/err"
	check "best effort: a daemon is killed by the subreaper" gone "$marker-be"
	contains "best effort says what is missing" "$WORK/err" "running without user namespaces"
	"$H" sandbox --best-effort --build "$B" -- sleep "33$$" &
	sbpid=$!
	wait_for running "^sleep 33$$"
	kill -9 "$sbpid"
	kill $(pgrep -f "^sleep 33$$")
	check "best effort: a killed harden leaves its private TMPDIR" sh -c "ls -d /tmp/harden-sandbox.$sbpid.* >/dev/null 2>&1"
	sb --best-effort -- true 2>/dev/null
	check "which the next run removes" sh -c "! ls -d /tmp/harden-sandbox.$sbpid.* >/dev/null 2>&1"
else
	skip "no Landlock here: the fallback without namespaces cannot be exercised"
fi
unset HARDEN_SANDBOX_SIMULATE_MISSING

as_unprivileged escape.sh
done_testing
