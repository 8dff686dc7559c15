# harden scan against scanelf (pax-utils), checksec and hardening-check
# (devscripts) on the same corpus: every ELF under /usr/bin, /usr/sbin,
# /usr/lib/x86_64-linux-gnu and /usr/libexec. Prints files per second,
# harden's ratio to each peer, and harden's peak memory.
# The slow peers run on a sample (BENCH_SLOW_SAMPLE files, default 300):
# files per second is what is compared.
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

# seconds FILE-COUNT CMD...: best wall time of 3 runs (caches warm after the first)
best() {
	b=""
	for _ in 1 2 3; do
		s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
		t=$(echo "$e - $s" | bc -l)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}
rate() { echo "scale=1; $1 / $2" | bc -l; }

cat "$work/corpus" > /dev/null
t_h=$(best "$HARDEN" scan --from "$work/corpus")
t_hj=$(best "$HARDEN" scan --format json --from "$work/corpus")
t_hn=$(best "$HARDEN" scan --format json --no-dwarf --from "$work/corpus")
t_h1=$(best "$HARDEN" scan --no-dwarf -j 1 --from "$work/corpus")
t_h2=$(best "$HARDEN" scan --no-dwarf --from "$work/corpus")
t_s=$(best scanelf -a -f "$work/corpus")
t_c=$(best checksec --listfile="$work/sample")
t_k=$(best sh -c "xargs -a '$work/sample' hardening-check --quiet")
r_h=$(rate "$n" "$t_h"); r_hj=$(rate "$n" "$t_hj"); r_hn=$(rate "$n" "$t_hn"); r_h1=$(rate "$n" "$t_h1"); r_h2=$(rate "$n" "$t_h2"); r_s=$(rate "$n" "$t_s")
r_c=$(rate "$sample" "$t_c"); r_k=$(rate "$sample" "$t_k")
mem=$(/usr/bin/time -f %M "$HARDEN" scan --from "$work/corpus" 2>&1 >/dev/null | tail -1)

printf '%-34s %10s %12s\n' tool files/s "harden/peer"
printf '%-34s %10s %12s\n' "harden scan ($(nproc) workers, text)" "$r_h" "-"
printf '%-34s %10s %12s\n' "harden scan --format json" "$r_hj" "-"
printf '%-34s %10s %12s\n' "harden scan --format json --no-dwarf" "$r_hn" "-"
printf '%-34s %10s %12s\n' "harden scan --no-dwarf (text)" "$r_h2" "$(echo "scale=2; $r_h2 / $r_s" | bc -l)x vs scanelf"
printf '%-34s %10s %12s\n' "harden scan --no-dwarf -j1 (text)" "$r_h1" "$(echo "scale=2; $r_h1 / $r_s" | bc -l)x vs scanelf"
printf '%-34s %10s %12s\n' "scanelf -a" "$r_s" "$(echo "scale=2; $r_h / $r_s" | bc -l)x"
printf '%-34s %10s %12s\n' "checksec --listfile" "$r_c" "$(echo "scale=1; $r_h / $r_c" | bc -l)x"
printf '%-34s %10s %12s\n' "hardening-check" "$r_k" "$(echo "scale=1; $r_h / $r_k" | bc -l)x"
echo "harden peak memory: $((mem / 1024)) MiB (max RSS, $n files)"
