#!/bin/sh
# CLI tests for `harden cc`: real programs compiled through the wrapper (by
# name and through a symlink directory), checked with readelf for what the
# flags should have produced; each verdict has a case that flips it.
. "$TOP/tests/lib.sh"
command -v gcc >/dev/null && command -v readelf >/dev/null || { skip "gcc or readelf missing"; done_testing; exit; }
export XDG_CACHE_HOME="$WORK/cache"
unset HARDEN_PROFILE HARDEN_DISABLE HARDEN_ENABLE HARDEN_CC HARDEN_CXX HARDEN_LOG HARDEN_CC_SEEN HARDEN_PACKAGE
export HARDEN_CC_CONF="$WORK/empty.conf"
: >"$HARDEN_CC_CONF"
cd "$WORK" || exit 2

cat >hello.c <<'C'
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
	char buf[64];
	strcpy(buf, argv[0]);
	printf("%s %d\n", buf, argc);
	return 0;
}
C

. "$TOP/tests/wrap/facts.inc"

expect_exit 0 "harden cc --help" "$HARDEN" cc --help
contains "usage names --print-flags" "$WORK/out" 'print-flags'

expect_exit 0 "compile and link hello.c through harden cc" "$HARDEN" cc -O2 hello.c -o hello
facts hello
for p in pie relro bindnow canary fortify; do contains "harden cc: $p landed" hello.facts "^$p\$"; done
lacks "harden cc: stack not executable" hello.facts execstack
check "hello runs" sh -c "./hello >/dev/null"

# -O0: FORTIFY dropped (as the issue says), the canary stays
expect_exit 0 "-O0 build" "$HARDEN" cc -O0 hello.c -o hello-O0
facts hello-O0
lacks "-O0: no fortify" hello-O0.facts fortify
contains "-O0: canary stays" hello-O0.facts canary
# the package's -fno-stack-protector wins (it comes after ours)
expect_exit 0 "-fno-stack-protector build" "$HARDEN" cc -O2 -fno-stack-protector hello.c -o hello-nosp
facts hello-nosp
lacks "-fno-stack-protector wins" hello-nosp.facts canary
contains "-fno-stack-protector: fortify stays" hello-nosp.facts fortify
# the same program without the wrapper has no BIND_NOW: the wrapper is what added it
gcc -O2 hello.c -o hello-bare
facts hello-bare
lacks "bare gcc: no bindnow (so the wrapper's flag is what the test sees)" hello-bare.facts bindnow
expect_exit 0 "harden scan: the wrapped build passes the default policy" "$HARDEN" scan hello
expect_exit 1 "harden scan: the bare build does not" "$HARDEN" scan hello-bare

# separate compile and link, -c -o, and a shared library
expect_exit 0 "-c -o" "$HARDEN" cc -O2 -c hello.c -o hello.o
expect_exit 0 "link objects" "$HARDEN" cc hello.o -o hello-2step
facts hello-2step
contains "two-step: bindnow" hello-2step.facts bindnow
contains "two-step: canary" hello-2step.facts canary
printf 'int twice(int x) { char b[32]; return x * 2 + b[x & 31]; }\n' >lib.c
expect_exit 0 "shared library compile+link without -fPIC" "$HARDEN" cc -O2 -shared lib.c -o libtwice.so
readelf -W -d libtwice.so >lib.dyn
contains "shared library: BIND_NOW" lib.dyn 'BIND_NOW|NOW'

# assembly without .note.GNU-stack: -z noexecstack still keeps the stack non-executable
printf '\t.text\n\t.globl asmfn\nasmfn:\n\tret\n' >fn.s
printf 'void asmfn(void);\nint main(void) { asmfn(); return 0; }\n' >usefn.c
expect_exit 0 "assembler file without .note.GNU-stack" "$HARDEN" cc -O2 usefn.c fn.s -o asm
facts asm
lacks "noexecstack: asm object does not make the stack executable" asm.facts execstack
gcc -O2 usefn.c fn.s -o asm-bare 2>/dev/null
facts asm-bare
contains "bare gcc: the same asm makes the stack executable" asm-bare.facts execstack

# environment: opt-out by name, unknown names are errors
HARDEN_DISABLE=bindnow,fortify "$HARDEN" cc -O2 hello.c -o hello-dis
facts hello-dis
lacks "HARDEN_DISABLE=bindnow" hello-dis.facts bindnow
lacks "HARDEN_DISABLE=fortify" hello-dis.facts fortify
HARDEN_DISABLE=all HARDEN_ENABLE=bindnow "$HARDEN" cc -O2 hello.c -o hello-en
facts hello-en
contains "HARDEN_ENABLE after HARDEN_DISABLE=all" hello-en.facts bindnow
lacks "HARDEN_DISABLE=all: no fortify" hello-en.facts fortify
HARDEN_DISABLE=fortfy expect_exit 2 "unknown feature is an error" "$HARDEN" cc -O2 hello.c -o x
contains "error names the variable and the feature" "$WORK/err" "HARDEN_DISABLE=fortfy.*unknown feature 'fortfy'"
HARDEN_PROFILE=paranoid expect_exit 2 "unknown profile is an error" "$HARDEN" cc -c hello.c
contains "error names HARDEN_PROFILE" "$WORK/err" "HARDEN_PROFILE"

# per-package config
printf '# test\n%s: bindnow\n' "$WORK" >pkg.conf
HARDEN_CC_CONF=$WORK/pkg.conf "$HARDEN" cc -O2 hello.c -o hello-conf
facts hello-conf
lacks "cc.conf rule for this directory disables bindnow" hello-conf.facts bindnow
printf '/elsewhere: bindnow\n' >other.conf
HARDEN_CC_CONF=$WORK/other.conf "$HARDEN" cc -O2 hello.c -o hello-conf2
facts hello-conf2
contains "cc.conf rule for another directory does not" hello-conf2.facts bindnow
printf 'x: pie\ny: bogus\n' >bad.conf
HARDEN_CC_CONF=$WORK/bad.conf expect_exit 2 "bad cc.conf is an error" "$HARDEN" cc -c hello.c
contains "error names file and line" "$WORK/err" "bad.conf:2: unknown feature 'bogus'"
HARDEN_CC_CONF=$WORK/missing.conf expect_exit 2 "unreadable cc.conf is an error" "$HARDEN" cc -c hello.c
contains "error names the config file" "$WORK/err" "missing.conf"

# real compiler: explicit, missing, or the wrapper itself
HARDEN_CC=/nonexistent/gcc expect_exit 2 "HARDEN_CC missing" "$HARDEN" cc -c hello.c
contains "error names HARDEN_CC and the path" "$WORK/err" "HARDEN_CC: /nonexistent/gcc: not an executable"
HARDEN_CC=$HARDEN expect_exit 2 "HARDEN_CC naming the wrapper is a loop" "$HARDEN" cc -c hello.c
contains "loop reported" "$WORK/err" "loop"
HARDEN_CC=$(command -v gcc) expect_exit 0 "HARDEN_CC=gcc path" "$HARDEN" cc -O2 -c hello.c -o h3.o

# the symlink directory
expect_exit 0 "--setup creates the symlink directory" "$HARDEN" cc --setup "$WORK/bin"
check "bin/gcc is a symlink" test -L "$WORK/bin/gcc"
check "bin/cc is a symlink" test -L "$WORK/bin/cc"
PATH="$WORK/bin:$PATH" gcc -O2 hello.c -o hello-sym
facts hello-sym
for p in pie relro bindnow canary fortify; do contains "through bin/gcc: $p" hello-sym.facts "^$p\$"; done
PATH="$WORK/bin:$PATH" HARDEN_LOG="$WORK/sym.log" cc -O2 -c hello.c -o sym.o
contains "called as cc: logged a compile" sym.log '"mode":"compile"'
# a wrapper-only build (same code, few libraries) installed as harden-cc next to
# harden: --setup points the symlinks at it, and it wraps just the same
LIBA="${TEST_BIN_DIR:-$TOP/build/tests}/../libharden.a"
if [ -f "$LIBA" ]; then
	mkdir -p inst && cp "$HARDEN" inst/harden
	printf '#include "cli/cli.h"\nint main(int argc, char **argv) { return cmd_cc_as_compiler(argc, argv); }\n' >lite.c
	case "$LIBA" in *build-san*) san=-fsanitize=address,undefined ;; *) san= ;; esac
	if cc -O2 -fPIE $san -I"$TOP/src" -o inst/harden-cc lite.c "$LIBA" -pie -Wl,-z,relro,-z,now -Wl,--as-needed -ljansson 2>lite.err; then
		inst/harden cc --setup "$WORK/litebin" >/dev/null
		check "--setup links to harden-cc when it sits next to harden" sh -c "readlink '$WORK/litebin/gcc' | grep -q 'inst/harden-cc\$'"
		PATH="$WORK/litebin:$PATH" gcc -O2 hello.c -o hello-lite
		expect_facts hello-lite pie relro bindnow canary fortify
	else
		notok "wrapper-only binary links from libharden.a"; sed 's/^/#   /' lite.err | head -5
	fi
else
	skip "no build/libharden.a to link a wrapper-only binary from"
fi

# a cross-style name: the same name is looked up further down PATH
if command -v x86_64-linux-gnu-gcc >/dev/null; then
	ln -s "$HARDEN" "$WORK/bin/x86_64-linux-gnu-gcc"
	PATH="$WORK/bin:$PATH" HARDEN_LOG="$WORK/triplet.log" expect_exit 0 "called as x86_64-linux-gnu-gcc" x86_64-linux-gnu-gcc -O2 -c hello.c -o triplet.o
	contains "the real x86_64-linux-gnu-gcc ran" triplet.log '"compiler":"[^"]*/x86_64-linux-gnu-gcc"'
else
	skip "no x86_64-linux-gnu-gcc"
fi
HARDEN_CXX=$(command -v g++) HARDEN_LOG="$WORK/cxxenv.log" expect_exit 0 "HARDEN_CXX names the C++ compiler" "$HARDEN" c++ -O2 -c hello.c -o cxxenv.o
contains "HARDEN_CXX was used" cxxenv.log '"compiler":"[^"]*/g\+\+"'
# two wrapper directories, and a copy of harden (another inode): no loop
"$HARDEN" cc --setup "$WORK/bin2" >/dev/null
mkdir -p bin3 && cp "$HARDEN" bin3/gcc
PATH="$WORK/bin:$WORK/bin3:$WORK/bin2:$PATH" HARDEN_LOG="$WORK/chain.log" expect_exit 0 "three wrapper dirs, one a copy: no loop" gcc -O2 -c hello.c -o chain.o
contains "the real gcc ran in the end" chain.log '"compiler":"/(usr/)?bin/gcc"'
# only wrappers in PATH: a clear error, no loop
PATH="$WORK/bin:$WORK/bin3" expect_exit 2 "no real compiler behind the wrappers" "$WORK/bin/gcc" -c hello.c
contains "error says no real compiler" "$WORK/err" "no real compiler 'gcc'"

# the cache: unwritable is fine, a second call reuses it
: >notadir
XDG_CACHE_HOME=$WORK/notadir/x expect_exit 0 "unwritable cache dir: still compiles" "$HARDEN" cc -O2 -c hello.c -o nc.o
check "probe cached under XDG_CACHE_HOME/harden" sh -c "ls '$WORK/cache/harden/' | grep -q probe-"
# HOME pointing nowhere (sbuild, pkgsrc): the probe is cached under TMPDIR, in a private dir,
# and no HOME is created
mkdir -p "$WORK/tmp"
(unset XDG_CACHE_HOME; HOME="$WORK/no/home" TMPDIR="$WORK/tmp" "$HARDEN" cc -O2 -c hello.c -o nh.o)
check "HOME that does not exist: probe cached in TMPDIR/harden-cache-UID" sh -c "ls '$WORK/tmp/harden-cache-$(id -u)/' | grep -q probe-"
check "the fallback cache dir is private (0700)" sh -c "[ \"\$(stat -c %a '$WORK/tmp/harden-cache-$(id -u)')\" = 700 ]"
mkdir -p "$WORK/tmp2/harden-cache-$(id -u)" && chmod 777 "$WORK/tmp2/harden-cache-$(id -u)"
(unset XDG_CACHE_HOME; HOME="$WORK/no/home" TMPDIR="$WORK/tmp2" "$HARDEN" cc -O2 -c hello.c -o nh2.o)
check "a fallback dir open to others is not trusted" sh -c "! ls '$WORK/tmp2/harden-cache-$(id -u)/' | grep -q probe-"
check "... and the build still works" test -s nh2.o
check "HOME was not created" test ! -e "$WORK/no"

# probing with a fake compiler that rejects one flag: the flag is never passed,
# the probe runs once, and again when the compiler changes (mtime)
cat >fakecc <<'SH'
#!/bin/sh
echo "$*" >>"$FAKE_LOG"
case " $* " in *" -dM "*) printf '#define __x86_64__ 1\n#define __GNUC__ 12\n'; exit 0 ;; esac
case " $* " in *" -fstack-clash-protection "*) echo "fakecc: unrecognized option" >&2; exit 1 ;; esac
exit 0
SH
chmod +x fakecc
export FAKE_LOG="$WORK/fake.log"
: >"$FAKE_LOG"
HARDEN_CC=$WORK/fakecc "$HARDEN" cc -O2 -c hello.c -o f1.o
HARDEN_CC=$WORK/fakecc "$HARDEN" cc -O2 -c hello.c -o f2.o
grep -v harden-probe "$FAKE_LOG" >fake.calls
check "fake compiler: two real calls" test "$(wc -l <fake.calls)" -eq 2
lacks "an unsupported flag is never passed" fake.calls 'stack-clash'
contains "the supported ones are" fake.calls '-fstack-protector-strong'
check "probed once for two calls" test "$(grep -c -- '-dM' "$FAKE_LOG")" -eq 1
touch -d '2001-01-01' fakecc
HARDEN_CC=$WORK/fakecc "$HARDEN" cc -O2 -c hello.c -o f3.o
check "probed again after the compiler changed (mtime)" test "$(grep -c -- '-dM' "$FAKE_LOG")" -eq 2
unset FAKE_LOG

# passthrough and preprocess: untouched output, as configure expects
expect_exit 0 "--version passes through" "$HARDEN" cc --version
contains "real compiler answered --version" "$WORK/out" 'gcc|GCC|Free Software'
gcc -E hello.c >bare.i
"$HARDEN" cc -E hello.c >wrapped.i 2>wrapped.err
check "-E without -O: identical to bare gcc" cmp -s bare.i wrapped.i
check "-E: nothing on stderr" test ! -s wrapped.err

# @response file
printf -- '-O0 -c hello.c -o rsp.o\n' >args.rsp
HARDEN_LOG="$WORK/rsp.log" expect_exit 0 "@response file" "$HARDEN" cc @args.rsp
contains "response file read: compile, fortify dropped for -O0" rsp.log '"mode":"compile".*"fortify":"-O0'

# the log and --print-flags
HARDEN_LOG="$WORK/h.log" "$HARDEN" cc -O2 hello.c -o hello-log
contains "log: link-exe with applied features" h.log '"mode":"link-exe".*"applied":\["stackprotector","fortify","pie","relro","bindnow"'
expect_exit 0 "--print-flags" "$HARDEN" cc --print-flags
contains "CFLAGS have the canary" "$WORK/out" '-fstack-protector-strong'
lacks "CFLAGS have no -pie" "$WORK/out" ' -pie'
expect_exit 0 "--print-flags --link" "$HARDEN" cc --print-flags --link
contains "LDFLAGS have -pie and now" "$WORK/out" '-pie .*-Wl,-z,now'

# C++ and clang
printf '#include <vector>\nint main() { std::vector<int> v(3); return v[1]; }\n' >v.cc
HARDEN_LOG="$WORK/cxx.log" expect_exit 0 "harden c++" "$HARDEN" c++ -O2 v.cc -o v
contains "C++: glibcxxassertions" cxx.log 'glibcxxassertions'
if [ -e "$WORK/bin/clang" ]; then
	PATH="$WORK/bin:$PATH" HARDEN_PROFILE=strict HARDEN_LOG="$WORK/clang.log" expect_exit 0 "clang, strict profile" clang -O2 hello.c -o hello-clang
	contains "clang gets -fwrapv" clang.log '"-fwrapv"'
	facts hello-clang
	contains "clang: canary" hello-clang.facts canary
	contains "clang: bindnow" hello-clang.facts bindnow
else
	skip "clang not installed"
fi

# cc-verify: the log against the binaries, each missing feature with its reason
export HARDEN_LOG="$WORK/v.log"
"$HARDEN" cc -O2 -c hello.c -o v-good.o
"$HARDEN" cc v-good.o -o v-good
"$HARDEN" cc -O0 -c hello.c -o v-O0.o
"$HARDEN" cc v-O0.o -o v-O0
"$HARDEN" cc -O2 -fno-stack-protector -c hello.c -o v-nosp.o
"$HARDEN" cc v-nosp.o -o v-nosp
"$HARDEN" cc -O2 hello.c -Wl,-z,lazy -o v-lazy
HARDEN_LOG= gcc -O2 -c hello.c -o v-ext.o
"$HARDEN" cc v-ext.o -o v-ext
unset HARDEN_LOG
expect_exit 1 "cc-verify: missing features are findings" "$HARDEN" cc-verify "$WORK/v.log"
contains "cc-verify: the good binary is ok" "$WORK/out" "v-good: ok \\(pie,relro,bindnow,noexecstack,stackprotector,fortify"
contains "cc-verify: -O0 explains the missing fortify" "$WORK/out" "v-O0: fortify wanted .*v-O0.o: -O0: FORTIFY needs optimisation"
contains "cc-verify: the package's -fno-stack-protector explains the missing canary" "$WORK/out" "v-nosp: stackprotector wanted .*-fno-stack-protector"
contains "cc-verify: -Wl,-z,lazy explains the missing bindnow" "$WORK/out" "v-lazy: bindnow wanted .*-Wl,-z,lazy"
contains "cc-verify: an object built without the wrapper is named" "$WORK/out" "v-ext: stackprotector wanted .*v-ext.o: not compiled through harden cc"
lacks "cc-verify: nothing wrong reported for the good binary" "$WORK/out" "v-good: [a-z]+ wanted"
grep '"output":"v-good.o"' "$WORK/v.log" >"$WORK/good.log"
grep '"output":"v-good"' "$WORK/v.log" >>"$WORK/good.log"
expect_exit 0 "cc-verify: a log of good builds only: exit 0" "$HARDEN" cc-verify "$WORK/good.log"
expect_exit 1 "scan --expect is cc-verify" "$HARDEN" scan --expect "$WORK/v.log"
contains "scan --expect: -O0 explains the missing fortify" "$WORK/out" "v-O0: fortify wanted .*-O0: FORTIFY needs optimisation"
expect_exit 0 "scan --expect: a log of good builds only: exit 0" "$HARDEN" scan --expect "$WORK/good.log"
expect_exit 1 "cc-verify --format json" "$HARDEN" cc-verify --format json "$WORK/v.log"
contains "cc-verify json: a record with the missing feature and its cause" "$WORK/out" '"path":"[^"]*v-O0".*"missing":\[\{"feature":"fortify".*"cause":"v-O0.o: -O0'
printf 'not json\n' >>"$WORK/good.log"
expect_exit 2 "cc-verify: a bad log line is an error" "$HARDEN" cc-verify "$WORK/good.log"
contains "cc-verify: the error names file and line" "$WORK/err" "good.log: line 3"
contains "cc-verify: the other lines were still checked" "$WORK/out" "v-good: ok"
expect_exit 2 "cc-verify: missing log" "$HARDEN" cc-verify "$WORK/nope.log"
grep -v -- '-Wl,-z,lazy' "$WORK/v.log" >"$WORK/v2.log"
rm -f v-O0 v-nosp v-ext
expect_exit 0 "cc-verify: outputs that no longer exist (conftest...) are skipped, not errors" "$HARDEN" cc-verify "$WORK/v2.log"
contains "cc-verify: the summary counts them" "$WORK/err" "1 linked output checked \\(3 no longer exist\\)"
echo 'not an ELF any more' >v-lazy
expect_exit 2 "cc-verify: an output that is no longer an ELF is an error" "$HARDEN" cc-verify "$WORK/v.log"
contains "cc-verify: the error names it and its log line" "$WORK/err" "v-lazy \\(linked at log line [0-9]+\\): not an ELF"
done_testing
