#!/bin/sh
# Sandbox costs, against the peers run in the same go:
#  1. start-up: `harden sandbox -- true` vs plain `true` vs bubblewrap
#     (`bwrap --unshare-all` with a comparable root: ro /usr, /bin, /lib*,
#     /etc; tmpfs /tmp; /dev; /proc), N runs each, per-run milliseconds:
#     the mean, the median and range of the blocks of 20, and the median
#     of the per-round ratios against bwrap (its block runs right after
#     ours: the steadiest figure on a shared machine);
#  2. the Debian zlib build (configure, make -j2, make check) inside vs
#     outside: BENCH_ZLIB_PAIRS pairs (default 8), each pair run back to
#     back in alternating order so that drift in the machine's load hits
#     both sides alike; wall and CPU (user+sys of every process of the
#     build) with median and range, and the inside/outside ratio of each
#     pair, whose median is the headline (target: <= 1.03).
# Installs Debian's bubblewrap when missing and we are root.
top=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
H=${HARDEN:-$top/harden}
HS=${HARDEN_SANDBOX:-$(dirname "$H")/harden-sandbox}   # the sandbox alone (libc + libseccomp)
N=${BENCH_SANDBOX_RUNS:-200}
work=$(mktemp -d "${TMPDIR:-/tmp}/harden-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

if ! command -v bwrap >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null 2>&1
fi

now() { date +%s.%N; }
# block SECONDS_VAR CMD...: run CMD $K times, add the wall time to
# SECONDS_VAR, and append this block's per-run milliseconds to SECONDS_VAR_b.
K=20
block() {
	var=$1; shift
	t0=$(now)
	i=0
	while [ $i -lt $K ]; do
		"$@" >/dev/null 2>&1 || { eval "$var=fail"; return; }
		i=$((i + 1))
	done
	t1=$(now)
	eval "cur=\$$var"
	[ "$cur" = fail ] && return
	eval "$var=$(echo "$cur $t0 $t1" | awk '{ printf "%.6f", $1 + $3 - $2 }')"
	eval "${var}_b=\"\${${var}_b:-} $(echo "$t0 $t1" | awk -v k=$K '{ printf "%.3f", ($2 - $1) * 1000 / k }')\""
}
# spread V...: "median M, range MIN-MAX"
spread() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
	if (NR) printf "median %.3f, range %.3f-%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2, v[1], v[NR] }'; }
# round_ratios "A..." "B...": the ratio of each round's blocks, A/B (the
# two blocks of a round run back to back: a load that drifts hits both).
round_ratios() { printf '%s\n%s\n' "$1" "$2" | awk 'NR == 1 { n = split($0, a, " ") } NR == 2 { split($0, b, " ")
	for (i = 1; i <= n; i++) if (b[i] > 0) printf "%.4f ", a[i] / b[i] }'; }
ms() { [ "$1" = fail ] && echo fail || echo "$1 $2" | awk '{ printf "%.3f", $1 * 1000 / $2 }'; }

bwrap_true() {
	bwrap --unshare-all --die-with-parent --ro-bind /usr /usr --symlink usr/bin /bin \
		--symlink usr/lib /lib --symlink usr/lib64 /lib64 --ro-bind /etc /etc --tmpfs /tmp \
		--dev /dev --proc /proc --bind "$work" "$work" --chdir "$work" /bin/true
}
have_bwrap=$(command -v bwrap >/dev/null 2>&1 && echo yes)

# Interleaved blocks, so that load from elsewhere hits every contender alike.
s_true=0 s_h=0 s_b=0 s_v=0 s_hs=0
rounds=$(( (N + K - 1) / K ))
r=0
while [ $r -lt $rounds ]; do
	block s_true /bin/true
	block s_v "$H" --version
	block s_h "$H" sandbox --build "$work" -- /bin/true
	[ -x "$HS" ] && block s_hs "$HS" --build "$work" -- /bin/true
	[ -n "$have_bwrap" ] && block s_b bwrap_true
	r=$((r + 1))
done
runs=$((rounds * K))
t_true=$(ms "$s_true" $runs) t_h=$(ms "$s_h" $runs) t_b=$(ms "$s_b" $runs) t_v=$(ms "$s_v" $runs) t_hs=$(ms "$s_hs" $runs)
echo "start-up, mean of $runs runs each, interleaved in $rounds rounds of blocks of $K ($(id -un), load $(cut -d' ' -f1-3 /proc/loadavg));"
echo "  per-run ms of each block: median and range in brackets:"
echo "  true                      ${t_true} ms   [$(spread ${s_true_b:-})]"
echo "  harden --version          ${t_v} ms   [$(spread ${s_v_b:-})] (harden's own process start: $(ldd "$H" 2>/dev/null | grep -c '=>') shared libraries)"
echo "  harden sandbox -- true    ${t_h} ms   [$(spread ${s_h_b:-})]"
[ -x "$HS" ] && echo "  harden-sandbox -- true    ${t_hs} ms   [$(spread ${s_hs_b:-})] ($(ldd "$HS" 2>/dev/null | grep -c '=>') shared libraries)"
if [ -n "$have_bwrap" ]; then
	echo "  bwrap --unshare-all true  ${t_b} ms   [$(spread ${s_b_b:-})]"
	echo "  per-round ratio harden sandbox/bwrap: $(spread $(round_ratios "${s_h_b:-}" "${s_b_b:-}"))"
	[ -x "$HS" ] && echo "  per-round ratio harden-sandbox/bwrap: $(spread $(round_ratios "${s_hs_b:-}" "${s_b_b:-}"))"
	echo "$t_h $t_b $t_true" | awk '{ if ($1 != "fail" && $2 != "fail" && $2 > 0)
		printf "  ratio harden/bwrap: %.2f (target < 1); harden overhead over true: %.2f ms\n", $1 / $2, $1 - $3 }'
	[ -x "$HS" ] && echo "$t_hs $t_b" | awk '{ if ($1 != "fail" && $2 != "fail" && $2 > 0)
		printf "  ratio harden-sandbox/bwrap: %.2f (target < 1)\n", $1 / $2 }'
else
	echo "  bwrap: not installed (apt-get install bubblewrap), no comparison"
fi

# The normal case is an unprivileged user: when root, measure as one too.
if [ "$(id -u)" = 0 ] && [ -z "${BENCH_SANDBOX_STARTUP_ONLY:-}" ]; then
	if id harden-test >/dev/null 2>&1; then
		chmod 755 "$work"
		cp "$H" "$work/harden"
		[ -x "$HS" ] && cp "$HS" "$work/harden-sandbox"
		cp "$0" "$work/bench.sh"
		chmod a+rx "$work"/harden* "$work/bench.sh"
		runuser -u harden-test -- env HARDEN="$work/harden" TOP="$top" BENCH_SANDBOX_STARTUP_ONLY=1 \
			BENCH_SANDBOX_RUNS="$N" sh "$work/bench.sh"
		rm -f "$work"/harden* "$work/bench.sh"
	else
		echo "(no user harden-test: the unprivileged start-up is not measured; make check creates it)"
	fi
fi
[ -n "${BENCH_SANDBOX_STARTUP_ONLY:-}" ] && exit 0

. "$top/tests/sandbox/zlib.inc"
# zlib_once inside|outside -> "WALL CPU" seconds; CPU is the user+system
# time of every process of the build (the machine may be shared: CPU time
# is the steadier figure, wall time the one a user feels).
zlib_once() {
	zlib_source "$work/z" || return 1
	cd "$work/z/src" || return 1
	build='./configure && make -j2 && make check'
	t0=$(now)
	if [ "$1" = inside ]; then
		cpu=$( ("$H" sandbox --build "$work/z/src" -- sh -c "$build" >/dev/null 2>&1 || exit 1; times) | tail -1) || return 1
	else
		cpu=$( (sh -c "$build" >/dev/null 2>&1 || exit 1; times) | tail -1) || return 1
	fi
	t1=$(now)
	cd "$work" || return 1
	echo "$t0 $t1 $cpu" | awk '
		function secs(s,   m) { m = s; sub(/m.*/, "", m); sub(/^[0-9]+m/, "", s); sub(/s$/, "", s); return m * 60 + s }
		{ printf "%.3f %.3f\n", $2 - $1, secs($3) + secs($4) }'
}
# stats V...: "median MEDIAN range MIN-MAX"
stats() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
	m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	printf "median %.3f  range %.3f-%.3f", m, v[1], v[NR] }'; }
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
if ! zlib_download; then
	echo "zlib build: skipped: $ZLIB_WHY"
	exit 0
fi
PAIRS=${BENCH_ZLIB_PAIRS:-8}
wo="" wi="" co="" ci="" rw="" rc=""
p=1
while [ $p -le "$PAIRS" ]; do
	# Alternate which side goes first: a slow drift then favours neither.
	if [ $((p % 2)) = 1 ]; then order="outside inside"; else order="inside outside"; fi
	for side in $order; do
		r=$(zlib_once $side) || { echo "zlib build $side: failed"; exit 1; }
		if [ $side = outside ]; then wo1=${r% *} co1=${r#* }; else wi1=${r% *} ci1=${r#* }; fi
	done
	wo="$wo $wo1" co="$co $co1" wi="$wi $wi1" ci="$ci $ci1"
	rw="$rw $(echo "$wi1 $wo1" | awk '{ printf "%.4f", $1 / $2 }')"
	rc="$rc $(echo "$ci1 $co1" | awk '{ printf "%.4f", $1 / $2 }')"
	pairs="${pairs:-} $wi1/$wo1 $ci1/$co1;"
	p=$((p + 1))
done
echo "zlib (Debian source) configure + make -j2 + make check, $PAIRS interleaved pairs, load $(cut -d' ' -f1-3 /proc/loadavg):"
echo "  outside  wall $(stats $wo) s   cpu $(stats $co) s"
echo "  inside   wall $(stats $wi) s   cpu $(stats $ci) s"
echo "  ratio inside/outside per pair: wall $(stats $rw)   cpu $(stats $rc)"
echo "  each pair, wall in/out and cpu in/out (s):$pairs"
echo "$(median $rw) $(median $rc)" | awk '{ printf "  headline: inside/outside %.3f wall, %.3f cpu (median of the pair ratios; target <= 1.03)\n", $1, $2 }'
