# harden scan against scanelf (pax-utils), checksec and hardening-check
# (devscripts) on the same corpus: every ELF under /usr/bin, /usr/sbin,
# /usr/lib/x86_64-linux-gnu and /usr/libexec. Prints files per second,
# harden's ratio to each peer, and harden's peak memory.
# The slow peers run on a sample (BENCH_SLOW_SAMPLE files, default 300):
# files per second is what is compared.
# harden keeps what it read from DWARF in a cache (HARDEN_CACHE_DIR): the
# DWARF rows run twice, "cold" (a new, empty cache for every run: a first
# scan) and "warm" (a cache filled by an untimed run: a re-scan of unchanged
# files). The headline ratios (scanelf, checksec, hardening-check columns)
# use the cold text row; the warm ratio against scanelf is printed beside it.
set -u
: "${HARDEN:?}"
need() { command -v "$1" >/dev/null 2>&1 || { [ "$(id -u)" = 0 ] && apt-get install -y -qq "$2" >/dev/null 2>&1; }; }
need scanelf pax-utils; need checksec checksec; need hardening-check devscripts; need /usr/bin/time time; need bc bc
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

find /usr/bin /usr/sbin /usr/lib/x86_64-linux-gnu /usr/libexec -type f 2>/dev/null | while read -r f; do
	[ "$(head -c4 "$f" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ] && echo "$f"
done > "$work/corpus"
n=$(wc -l < "$work/corpus")
sample=${BENCH_SLOW_SAMPLE:-300}
shuf -n "$sample" --random-source=<(yes) "$work/corpus" > "$work/sample"
echo "corpus: $n ELF files (slow peers: $sample of them)"

# Every harden run below names its cache; none touches ~/.cache.
export HARDEN_CACHE_DIR="$work/warm"
# A new empty cache directory for a cold run; all are deleted at the end.
fresh_cache() { HARDEN_CACHE_DIR=$(mktemp -d "$work/cold.XXXXXX")/cache; }

# seconds CMD...: best wall time of RUNS runs (default 7; 3 for the slow
# peers), the page cache warm after the first; with BEFORE set, that command
# runs before each (untimed). Single runs of the fast tools move by 5%.
best() {
	b=""
	for _ in $(seq "${RUNS:-7}"); do
		${BEFORE:-:}
		s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
		t=$(echo "$e - $s" | bc -l)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}
rate() { echo "scale=1; $1 / $2" | bc -l; }
# microseconds of CPU (user + system) per corpus file, CMD... run 10 times
# (/usr/bin/time counts in 10 ms steps: over 10 runs, 1 ms per run)
cpu_per_file() {
	c=$(/usr/bin/time -f '%U %S' sh -c 'for _ in 1 2 3 4 5 6 7 8 9 10; do "$@" >/dev/null 2>&1; done' sh "$@" 2>&1 |
		tail -1 | awk '{print $1 + $2}')
	echo "scale=1; $c * 1000000 / 10 / $n" | bc -l
}

cat "$work/corpus" > /dev/null
BEFORE=fresh_cache
t_hc=$(best "$HARDEN" scan --from "$work/corpus")
t_hjc=$(best "$HARDEN" scan --format json --from "$work/corpus")
BEFORE=
HARDEN_CACHE_DIR="$work/warm"
"$HARDEN" scan --from "$work/corpus" >/dev/null 2>&1 # fills the warm cache
t_hw=$(best "$HARDEN" scan --from "$work/corpus")
t_hjw=$(best "$HARDEN" scan --format json --from "$work/corpus")
t_hn=$(best "$HARDEN" scan --format json --no-dwarf --from "$work/corpus")
t_h1=$(best "$HARDEN" scan --no-dwarf -j 1 --from "$work/corpus")
t_h2=$(best "$HARDEN" scan --no-dwarf --from "$work/corpus")
t_s=$(best scanelf -a -f "$work/corpus")
RUNS=3
t_c=$(best checksec --listfile="$work/sample")
t_k=$(best sh -c "xargs -a '$work/sample' hardening-check --quiet")
RUNS=
c_h1=$(cpu_per_file "$HARDEN" scan --no-dwarf -j 1 --from "$work/corpus")
c_hw=$(HARDEN_CACHE_DIR="$work/warm" cpu_per_file "$HARDEN" scan -j 1 --from "$work/corpus")
c_s=$(cpu_per_file scanelf -a -f "$work/corpus")
r_hc=$(rate "$n" "$t_hc"); r_hjc=$(rate "$n" "$t_hjc"); r_hw=$(rate "$n" "$t_hw"); r_hjw=$(rate "$n" "$t_hjw")
r_hn=$(rate "$n" "$t_hn"); r_h1=$(rate "$n" "$t_h1"); r_h2=$(rate "$n" "$t_h2"); r_s=$(rate "$n" "$t_s")
r_c=$(rate "$sample" "$t_c"); r_k=$(rate "$sample" "$t_k")
fresh_cache
mem_cold=$(/usr/bin/time -f %M "$HARDEN" scan --from "$work/corpus" 2>&1 >/dev/null | tail -1)
mem_warm=$(HARDEN_CACHE_DIR="$work/warm" /usr/bin/time -f %M "$HARDEN" scan --from "$work/corpus" 2>&1 >/dev/null | tail -1)
vs() { echo "$(echo "scale=2; $1 / $r_s" | bc -l)x vs scanelf"; }

printf '%-40s %10s %16s\n' tool files/s "harden/peer"
printf '%-40s %10s %16s\n' "harden scan ($(nproc) workers, text), cold cache" "$r_hc" "$(vs "$r_hc")"
printf '%-40s %10s %16s\n' "harden scan (text), warm cache" "$r_hw" "$(vs "$r_hw")"
printf '%-40s %10s %16s\n' "harden scan --format json, cold cache" "$r_hjc" "-"
printf '%-40s %10s %16s\n' "harden scan --format json, warm cache" "$r_hjw" "-"
printf '%-40s %10s %16s\n' "harden scan --format json --no-dwarf" "$r_hn" "-"
printf '%-40s %10s %16s\n' "harden scan --no-dwarf (text)" "$r_h2" "$(vs "$r_h2")"
printf '%-40s %10s %16s\n' "harden scan --no-dwarf -j1 (text)" "$r_h1" "$(vs "$r_h1")"
printf '%-40s %10s %16s\n' "scanelf -a" "$r_s" "$(echo "scale=2; $r_hc / $r_s" | bc -l)x"
printf '%-40s %10s %16s\n' "checksec --listfile" "$r_c" "$(echo "scale=1; $r_hc / $r_c" | bc -l)x"
printf '%-40s %10s %16s\n' "hardening-check" "$r_k" "$(echo "scale=1; $r_hc / $r_k" | bc -l)x"
echo "headline ratios (last three rows): harden text with DWARF, cold cache; warm: $(vs "$r_hw")"
# On N cores harden can at best be N x (scanelf's CPU per file / harden's) as fast as scanelf,
# which runs on one: the per-core ratio says what the worker count must make up.
echo "CPU per file, one worker: harden --no-dwarf ${c_h1} us, harden warm cache ${c_hw} us, scanelf -a ${c_s} us" \
	"(per core: $(echo "scale=2; $c_s / $c_h1" | bc -l)x and $(echo "scale=2; $c_s / $c_hw" | bc -l)x scanelf)"
echo "harden peak memory: $((mem_cold / 1024)) MiB cold, $((mem_warm / 1024)) MiB warm (max RSS, $n files)"
