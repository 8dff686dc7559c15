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

# Per-call cost, timed in perl (in every Debian) so the timer adds no fork of its own.
HARDEN_CC=/bin/true "$HARDEN" cc -O2 -c "$work/x.c" -o "$work/x.o" # probe once, cached
perl -MTime::HiRes=time -e '
	my ($n, $harden, $src, $obj, $tramp) = @ARGV;
	my (@bare, @wrap, @tramp);
	$ENV{HARDEN_CC} = "/bin/true";
	for (1 .. $n) {
		my $t = time; system("/bin/true", "-O2", "-c", $src, "-o", $obj); push @bare, time - $t;
		$t = time; system($harden, "cc", "-O2", "-c", $src, "-o", $obj); push @wrap, time - $t;
		$t = time; system($tramp, "-O2", "-c", $src, "-o", $obj); push @tramp, time - $t;
	}
	sub med { my @s = sort { $a <=> $b } @_; return $s[@s / 2]; }
	my ($b, $w, $x) = (med(@bare) * 1000, med(@wrap) * 1000, med(@tramp) * 1000);
	printf "per call (median of %d): /bin/true %.3f ms, exec trampoline -> /bin/true %.3f ms, harden cc -> /bin/true %.3f ms\n",
		$n, $b, $x, $w;
	printf "wrapper cost per call: %.3f ms (target <= 0.3 ms); of which one extra exec (trampoline floor) %.3f ms, harden\x27s own work %.3f ms; ratio harden/trampoline %.2f\n",
		$w - $b, $x - $b, $w - $x, ($w - $b) / (($x - $b) || 1e-9);
' "$calls" "$HARDEN" "$work/x.c" "$work/x.o" "$work/tramp"

# zlib end to end
mkdir -p "$work/dl"
(cd "$work/dl" && timeout 60 apt-get source --download-only -qq zlib >/dev/null 2>&1)
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
	echo "$e - $s" | bc -l
}
for i in 1 2 3 4 5; do
	build bare "$PATH" "$cflags" "$ldflags" >>"$work/t.bare"
	build wrap "$work/bin:$PATH" "-O2" "" >>"$work/t.wrap"
done
tb=$(sort -n "$work/t.bare" | sed -n 3p); tw=$(sort -n "$work/t.wrap" | sed -n 3p)
echo "zlib configure+build (-j2): bare gcc with the same flags ${tb}s, through harden cc ${tw}s (median of 5)" |
	sed 's/\([0-9]\.[0-9][0-9][0-9]\)[0-9]*s/\1s/g'
echo "zlib ratio wrapper/bare: $(echo "scale=4; $tw / $tb" | bc -l) (target <= 1.01)"
