#!/bin/sh
# Builds that must work inside the sandbox: a small autoconf-like C project
# (configure script + make + gcc + make check) whose results are identical,
# byte for byte, to the same build outside. Run as root and unprivileged.
. "$TOP/tests/lib.sh"
. "$TOP/tests/sandbox/common.inc"

P=$WORK/proj
make_project() {
	rm -rf "$P"
	mkdir -p "$P"
	cat >"$P/configure" <<'CONF'
#!/bin/sh
# A configure script as they come: probe the compiler, write config.h and Makefile.
CC=${CC:-gcc}
echo "checking whether $CC works..."
printf 'int main(void){return 0;}\n' >conftest.c
$CC -o conftest conftest.c || { echo "configure: error: $CC cannot build" >&2; exit 1; }
rm -f conftest conftest.c
{
	echo "#define PACKAGE \"hello\""
	for h in stdio.h string.h unistd.h; do
		printf '#include <%s>\n' "$h" >conftest.c
		if $CC -E conftest.c >/dev/null 2>&1; then echo "#define HAVE_$(echo "$h" | tr a-z. A-Z_) 1"; fi
	done
} >config.h
rm -f conftest.c
sed "s|@CC@|$CC|" Makefile.in >Makefile
echo "configure: done"
CONF
	chmod +x "$P/configure"
	printf 'CC = @CC@\nCFLAGS = -O2 -g\nall: hello\nhello: main.o greet.o\n\t$(CC) $(CFLAGS) -o $@ main.o greet.o\n%%.o: %%.c config.h\n\t$(CC) $(CFLAGS) -c $<\ncheck: hello\n\t./hello | grep -q "hello from build"\nclean:\n\trm -f *.o hello\n' >"$P/Makefile.in"
	printf '#include "config.h"\n#include <stdio.h>\nconst char *greet(void);\nint main(void) { printf("%%s from %%s\\n", greet(), "build"); return 0; }\n' >"$P/main.c"
	printf '#include "config.h"\nconst char *greet(void) { return PACKAGE; }\n' >"$P/greet.c"
}
run_build() { (cd "$P" && ./configure && make -j2 && make check) >"$WORK/build.log" 2>&1; }
results() { (cd "$P" && sha256sum config.h Makefile main.o greet.o hello); }

make_project
check "outside: configure, make, make check" run_build
results >"$WORK/outside.sum"
make_project
expect_exit 0 "inside: configure, make, make check" "$H" sandbox $BE --build "$P" -- sh -c './configure && make -j2 && make check'
results >"$WORK/inside.sum"
if cmp -s "$WORK/outside.sum" "$WORK/inside.sum"; then ok "inside and outside results are identical"; else
	notok "inside and outside results differ"
	diff "$WORK/outside.sum" "$WORK/inside.sum" | sed 's/^/#   /'
fi
# The flip: a build that differs must be seen as different.
(cd "$P" && sed -i 's/-O2/-O1/' Makefile && make -s clean && make -s >/dev/null 2>&1)
results >"$WORK/changed.sum"
check "a changed build is detected as different" sh -c "! cmp -s '$WORK/outside.sum' '$WORK/changed.sum'"

# A build whose test suite talks to itself over loopback TCP needs network = loopback.
if [ -n "$ESC" ] && [ -n "$HAVE_NS" ]; then
	printf 'network = loopback\n' >"$HARDEN_SANDBOX_DIR/tcp-tests.policy"
	cp "$ESC" "$P/tcp-test"
	printf 'check:\n\t./tcp-test loopback | grep -qx allowed\n' >"$P/Makefile.tcp"
	expect_exit 0 "a loopback TCP test suite passes with network = loopback" \
		"$H" sandbox $BE --build "$P" --policy tcp-tests -- make -f Makefile.tcp check
	sc "loopback TCP with network = none" &&
	expect_exit 2 "and fails with network = none" "$H" sandbox $BE --build "$P" -- make -f Makefile.tcp check
fi

as_unprivileged build.sh
done_testing
