#!/bin/sh
# A real Debian source package built inside the sandbox: zlib from
# `apt-get source`, ./configure && make && make check, must succeed and give
# the same libz.a, libz.so and example binaries as the same build outside
# (same path, same environment). Skips when the sources cannot be fetched.
. "$TOP/tests/lib.sh"
. "$TOP/tests/sandbox/common.inc"
. "$TOP/tests/sandbox/zlib.inc"

Z=$WORK/zlib
results() { (cd "$Z/src" && sha256sum libz.a libz.so.*.*.* example minigzip); }
if ! zlib_source "$Z"; then
	skip "zlib build: $ZLIB_WHY"
else
	check "outside: zlib configure, make, make check" sh -c "cd '$Z/src' && ./configure >/dev/null && make -j2 >/dev/null 2>&1 && make check >/dev/null 2>&1"
	results >"$WORK/outside.sum"
	zlib_source "$Z"
	expect_exit 0 "inside: zlib configure, make, make check" "$H" sandbox $BE --build "$Z/src" -- \
		sh -c './configure && make -j2 && make check'
	results >"$WORK/inside.sum"
	if [ -s "$WORK/inside.sum" ] && cmp -s "$WORK/outside.sum" "$WORK/inside.sum"; then
		ok "zlib built inside is identical to zlib built outside"
	else
		notok "zlib inside and outside differ"
		diff "$WORK/outside.sum" "$WORK/inside.sum" | sed 's/^/#   /' | head
	fi
fi
done_testing
