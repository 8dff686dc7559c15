#!/bin/sh
# harden cc: what the wrapper costs.
# 1. Per call: the wrapper finding, planning and exec'ing /bin/true (as the
#    "compiler", via HARDEN_CC) against /bin/true run directly; median of
#    BENCH_CC_CALLS (default 300) calls each, interleaved. Target <= 0.3 ms.
# 2. End to end: zlib (apt-get source) configured and built through the
#    wrapper against the bare compiler given the very same flags
#    (harden cc --print-flags [--link] as CFLAGS/LDFLAGS); median of 5 builds
#    each, interleaved. Target <= 1%.
set -u
: "${HARDEN:?}"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export XDG_CACHE_HOME="$work/cache" HARDEN_CC_CONF="$work/empty.conf"
unset HARDEN_LOG HARDEN_CC_SEEN HARDEN_DISABLE HARDEN_ENABLE HARDEN_PROFILE
: >"$HARDEN_CC_CONF"
calls=${BENCH_CC_CALLS:-300}
printf 'int main(void) { return 0; }\n' >"$work/x.c"

# The floor: a C program that does nothing but execv(/bin/true). No wrapper
# can cost less than that extra exec; the difference to it is our own work.
printf '#include <unistd.h>\nint main(int c, char **v) { (void)c; v[0] = "/bin/true"; execv(v[0], v); return 127; }\n' >"$work/tramp.c"
cc -O2 -static -o "$work/tramp" "$work/tramp.c" 2>/dev/null || cc -O2 -o "$work/tramp" "$work/tramp.c"

# What a wrapper-only binary would cost: the same wrapper code (src/cli/cc.c,
# src/wrap/, util) linked without the ELF and seccomp libraries the full
# harden binary loads at every start (archive, crypto and SQLite it loads only
# when needed: src/dl/). Linked from build/libharden.a, so only the objects
# the wrapper needs come in.
mini=""
if [ -f "$TOP/build/libharden.a" ]; then
	printf '#include "cli/cli.h"\nint main(int argc, char **argv) { return cmd_cc_as_compiler(argc, argv); }\n' >"$work/mini.c"
	mkdir -p "$work/mini"
	if cc -O2 -fPIE -I"$TOP/src" -o "$work/mini/cc" "$work/mini.c" "$TOP/build/libharden.a" \
		-pie -Wl,-z,relro,-z,now -Wl,--as-needed -ljansson 2>"$work/mini.err"; then
		mini="$work/mini/cc"
		echo "wrapper-only binary: $(ldd "$mini" | grep -c '=>') shared libraries, harden: $(ldd "$HARDEN" | grep -c '=>')"
	fi
fi
[ -n "$mini" ] || mini=/bin/true

# Per-call cost, timed in perl (in every Debian) so the timer adds no fork of its own.
HARDEN_CC=/bin/true "$HARDEN" cc -O2 -c "$work/x.c" -o "$work/x.o" # probe once, cached
perl -MTime::HiRes -e 1 2>/dev/null || echo "per call: skipped (perl with Time::HiRes needed for the timer)"
perl -MTime::HiRes -e 1 2>/dev/null && perl -MTime::HiRes=time -e '
	my ($n, $harden, $src, $obj, $tramp, $mini) = @ARGV;
	my (@bare, @wrap, @tramp, @mini);
	$ENV{HARDEN_CC} = "/bin/true";
	for (1 .. $n) {
		my $t = time; system("/bin/true", "-O2", "-c", $src, "-o", $obj); push @bare, time - $t;
		$t = time; system($harden, "cc", "-O2", "-c", $src, "-o", $obj); push @wrap, time - $t;
		$t = time; system($tramp, "-O2", "-c", $src, "-o", $obj); push @tramp, time - $t;
		$t = time; system($mini, "-O2", "-c", $src, "-o", $obj); push @mini, time - $t;
	}
	sub med { my @s = sort { $a <=> $b } @_; return $s[@s / 2]; }
	my ($b, $w, $x) = (med(@bare) * 1000, med(@wrap) * 1000, med(@tramp) * 1000);
	printf "per call (median of %d): /bin/true %.3f ms, exec trampoline -> /bin/true %.3f ms, harden cc -> /bin/true %.3f ms\n",
		$n, $b, $x, $w;
	printf "wrapper cost per call: %.3f ms (target <= 0.3 ms); of which one extra exec (trampoline floor) %.3f ms, harden\x27s own work %.3f ms; ratio harden/trampoline %.2f\n",
		$w - $b, $x - $b, $w - $x, ($w - $b) / (($x - $b) || 1e-9);
	my $m = med(@mini) * 1000;
	printf "wrapper-only binary (same code, linked with libc only) -> /bin/true %.3f ms: cost %.3f ms, own work %.3f ms\n",
		$m, $m - $b, $m - $x if $mini ne "/bin/true";
' "$calls" "$HARDEN" "$work/x.c" "$work/x.o" "$work/tramp" "$mini"

# zlib end to end
mkdir -p "$work/dl"
. "$TOP/scripts/apt-source.sh"
apt_source_download "$work/dl" zlib 60
tarball=$(ls "$work"/dl/zlib_*.orig.tar.* 2>/dev/null | head -1)
if [ -z "$tarball" ]; then
	echo "zlib build: skipped (no deb-src for zlib; enable deb-src and apt-get update)"
	exit 0
fi
"$HARDEN" cc --setup "$work/bin" >/dev/null
cflags="-O2 $("$HARDEN" cc --print-flags)"
# -pie goes only on executable links (the wrapper knows which); Debian's gcc
# makes PIE executables by default anyway, so LDFLAGS for the bare build omit it.
ldflags=$("$HARDEN" cc --print-flags --link | sed 's/^-pie //; s/ -pie / /')
build() { # build NAME PATH CFLAGS LDFLAGS: prints seconds for configure + make
	rm -rf "$work/$1" && mkdir "$work/$1" && tar xf "$tarball" -C "$work/$1" --strip-components=1
	s=$(date +%s.%N)
	(cd "$work/$1" && PATH=$2 CC=cc CFLAGS=$3 LDFLAGS=$4 ./configure >/dev/null 2>&1 && PATH=$2 make -j2 >/dev/null 2>&1) || echo "build $1 failed" >&2
	e=$(date +%s.%N)
	awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f\n", e - s }'
}
for i in 1 2 3 4 5; do
	build bare "$PATH" "$cflags" "$ldflags" >>"$work/t.bare"
	build wrap "$work/bin:$PATH" "-O2" "" >>"$work/t.wrap"
	[ "$mini" != /bin/true ] && build lite "$work/mini:$PATH" "-O2" "" >>"$work/t.lite"
done
tb=$(sort -n "$work/t.bare" | sed -n 3p); tw=$(sort -n "$work/t.wrap" | sed -n 3p)
echo "zlib configure+build (-j2): bare gcc with the same flags ${tb}s, through harden cc ${tw}s (median of 5)"
awk -v b="$tb" -v w="$tw" 'BEGIN { printf "zlib ratio wrapper/bare: %.3f (target <= 1.01)\n", w / b }'
if [ -s "$work/t.lite" ]; then
	tl=$(sort -n "$work/t.lite" | sed -n 3p)
	awk -v b="$tb" -v l="$tl" 'BEGIN { printf "zlib through the wrapper-only binary: %.3fs, ratio to bare %.3f\n", l, l / b }'
fi
