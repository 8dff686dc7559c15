#!/bin/sh
# Real projects through the wrapper, the test the issue sets: zlib (its own
# configure script), libpng (autoconf + libtool) and Lua (a plain Makefile),
# sources fetched with `apt-get source --download-only` (upstream tarballs).
# Each is configured with and without the wrapper (the feature probes must
# answer the same), built through a symlink directory first in PATH, run
# against its own tests, and its binaries checked with readelf.
# Skips, with a message, when deb-src entries or the network are missing.
. "$TOP/tests/lib.sh"
. "$TOP/tests/wrap/facts.inc"
. "$TOP/scripts/apt-source.sh"
command -v gcc >/dev/null && command -v readelf >/dev/null && command -v make >/dev/null ||
	{ skip "gcc, make or readelf missing"; done_testing; exit; }
export XDG_CACHE_HOME="$WORK/cache" HARDEN_CC_CONF="$WORK/empty.conf"
unset HARDEN_PROFILE HARDEN_DISABLE HARDEN_ENABLE HARDEN_CC HARDEN_CXX HARDEN_LOG HARDEN_CC_SEEN HARDEN_PACKAGE
: >"$HARDEN_CC_CONF"
cd "$WORK" || exit 2
"$HARDEN" cc --setup "$WORK/bin" >/dev/null || { notok "harden cc --setup"; done_testing; exit; }
WRAPPED="$WORK/bin:$PATH"

# fetch PACKAGE GLOB: download the source package, unpack its upstream tarball here
fetch() {
	mkdir -p "$WORK/dl" && apt_source_download "$WORK/dl" "$1" 30
	t=$(ls "$WORK"/dl/$2 2>/dev/null | head -1)
	[ -n "$t" ] && tar xf "$t" -C "$WORK" 2>/dev/null
}

# same_configure DIR CMD...: configure a copy bare and one wrapped; same answers
same_configure() {
	sc=$1; shift
	cp -r "$sc" "$sc.bare"
	(cd "$sc.bare" && CC=cc "$@" >"$WORK/$sc.conf-bare" 2>&1)
	(cd "$sc" && PATH="$WORK/bin:$PATH" HARDEN_LOG="$WORK/$sc.log" CC=cc "$@" >"$WORK/$sc.conf-wrap" 2>&1)
	check "$sc: configure output identical with and without the wrapper" cmp -s "$WORK/$sc.conf-bare" "$WORK/$sc.conf-wrap"
	diff "$WORK/$sc.conf-bare" "$WORK/$sc.conf-wrap" | head -10 | sed 's/^/#   /'
	contains "$sc: configure's compiler calls went through the wrapper" "$WORK/$sc.log" '"mode":"compile"'
}

if fetch zlib 'zlib_*.orig.tar.*'; then
	zd=$(ls -d zlib-*/ | head -1); zd=${zd%/}
	same_configure "$zd" ./configure
	check "zlib: zconf.h identical" cmp -s "$zd/zconf.h" "$zd.bare/zconf.h"
	(cd "$zd" && PATH=$WRAPPED HARDEN_LOG="$WORK/$zd.log" make -j2 >"$WORK/zlib.build" 2>&1)
	check "zlib: builds through the wrapper" test -x "$zd/minigzipsh"
	check "zlib: its own tests pass" sh -c "cd '$zd' && PATH='$WRAPPED' make test >'$WORK/zlib.test' 2>&1"
	contains "zlib: test reports OK" "$WORK/zlib.test" 'zlib test OK'
	for zb in example minigzip examplesh minigzipsh; do
		expect_facts "$zd/$zb" pie relro bindnow canary '!execstack'
	done
	expect_facts "$zd/libz.so" relro bindnow canary fortify '!execstack'
	expect_exit 0 "zlib: harden scan passes the default policy" "$HARDEN" scan "$zd/example" "$zd/minigzip" "$zd/examplesh" "$zd/minigzipsh" "$zd/libz.so"
	expect_exit 0 "zlib: cc-verify finds every wanted feature in every binary" "$HARDEN" cc-verify "$WORK/$zd.log"
	sed 's/^/#   /' "$WORK/out" | grep -v ': ok' | head -5
	lacks "zlib: no compile call passed through unhardened" "$WORK/$zd.log" '"mode":"passthrough","argv_in":\[[^]]*"-c"'
else
	skip "zlib sources unavailable (enable deb-src in /etc/apt/sources.list.d and apt-get update)"
fi

if fetch libpng1.6 'libpng1.6_*.orig.tar.*'; then
	pd=$(ls -d libpng-*/ | head -1); pd=${pd%/}
	same_configure "$pd" ./configure --disable-static
	check "libpng: config.h identical" cmp -s "$pd/config.h" "$pd.bare/config.h"
	(cd "$pd" && PATH=$WRAPPED HARDEN_LOG="$WORK/$pd.log" make -j2 >"$WORK/png.build" 2>&1)
	check "libpng: builds through the wrapper (libtool)" test -f "$pd/.libs/libpng16.so"
	check "libpng: pngtest passes" sh -c "cd '$pd' && ./pngtest --strict pngtest.png >'$WORK/png.test' 2>&1"
	# the whole suite (32 tests) takes about a minute here: on request only
	if [ -n "${HARDEN_SLOW_TESTS:-}" ]; then
		check "libpng: make check passes (all of its tests)" sh -c "cd '$pd' && PATH='$WRAPPED' make -j2 check >'$WORK/png.check' 2>&1"
	else
		skip "libpng's full make check (about 60 s): set HARDEN_SLOW_TESTS=1"
	fi
	expect_facts "$pd/.libs/libpng16.so" relro bindnow canary '!execstack'
	expect_facts "$pd/.libs/pngtest" pie relro bindnow canary '!execstack'
	expect_exit 0 "libpng: harden scan passes the default policy" "$HARDEN" scan "$pd/.libs/libpng16.so" "$pd/.libs/pngtest" "$pd/.libs/pngfix" "$pd/.libs/pngimage"
	expect_exit 0 "libpng: cc-verify finds every wanted feature" "$HARDEN" cc-verify "$WORK/$pd.log"
	sed 's/^/#   /' "$WORK/out" | grep -v ': ok' | head -5
	contains "libpng: libtool's -shared link logged as link-shared" "$WORK/$pd.log" '"mode":"link-shared"'
else
	skip "libpng1.6 sources unavailable"
fi

if fetch lua5.4 'lua5.4_*.orig.tar.*'; then
	ld=$(ls -d lua-*/ | head -1); ld=${ld%/}
	(cd "$ld" && PATH=$WRAPPED HARDEN_LOG="$WORK/lua.log" make -j2 linux CC=cc >"$WORK/lua.build" 2>&1)
	check "lua: builds through the wrapper (plain Makefile)" test -x "$ld/src/lua"
	cat >"$WORK/t.lua" <<'LUA'
local t = {}
for i = 1, 1000 do t[i] = string.format("%d:%s", i, string.rep("x", i % 7)) end
assert(#t == 1000 and t[10] == "10:xxx")
assert(select(2, pcall(error, "boom")):find("boom"))
assert(string.pack and utf8.char(72, 105) == "Hi")
print("lua ok")
LUA
	check "lua: runs its smoke test (make test, then a script)" sh -c "cd '$ld' && make test >/dev/null 2>&1 && src/lua '$WORK/t.lua' | grep -q 'lua ok'"
	expect_facts "$ld/src/lua" pie relro bindnow canary fortify '!execstack'
	expect_exit 0 "lua: harden scan passes the default policy" "$HARDEN" scan "$ld/src/lua" "$ld/src/luac"
	expect_exit 0 "lua: cc-verify finds every wanted feature" "$HARDEN" cc-verify "$WORK/lua.log"
	sed 's/^/#   /' "$WORK/out" | grep -v ': ok' | head -5
else
	skip "lua5.4 sources unavailable"
fi
done_testing
