# harden scan over a repository of ~200 real .deb packages, read in memory,
# against the pipeline a user would otherwise write: `dpkg-deb -x` each
# package into a temporary directory, then scanelf (pax-utils) over it.
# The packages are fetched once with apt-get download into bench/cache/
# (gitignored): the amd64 packages installed on this machine, by name.
# Prints packages per second, harden's ratio to the pipeline (run one at a
# time, as a shell loop would, and in parallel with xargs -P), and the
# projected time for a 17,000-package repository. harden's first scans run
# with a new, empty scan cache each; the re-scan row runs with the cache a
# first scan filled (a nightly scan of a repository where nothing changed).
set -u
: "${HARDEN:?}"
top=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
cache=$top/bench/cache/debs
want=${BENCH_REPO_PACKAGES:-200}
command -v scanelf >/dev/null 2>&1 || { [ "$(id -u)" = 0 ] && apt-get install -y -qq pax-utils >/dev/null 2>&1; }
command -v scanelf >/dev/null 2>&1 || { echo "bench_repo: scanelf (pax-utils) absent, skipped"; exit 0; }

mkdir -p "$cache"
have=$(ls "$cache" | grep -c '\.deb$')
if [ "$have" -lt "$want" ] && [ ! -e "$cache/.fetched-$want" ]; then
	echo "bench_repo: downloading $want packages into $cache (once)"
	dpkg-query -W -f='${Package} ${Architecture}\n' | awk '$2 == "amd64" { print $1 }' | sort | head -n "$want" >"$cache/list"
	# one call for all; if one name has no candidate, fall back to one by one
	(cd "$cache" && xargs -a list apt-get download -qq >/dev/null 2>&1 ||
		while read -r p; do apt-get download -qq "$p" >/dev/null 2>&1; done <list)
	have=$(ls "$cache" | grep -c '\.deb$')
	[ "$have" -gt 0 ] && : >"$cache/.fetched-$want"   # some names have no candidate: do not retry
fi
[ "$have" -gt 0 ] || { echo "bench_repo: no package could be downloaded (offline?), skipped"; exit 0; }
mb=$(du -sm "$cache" | cut -f1)
echo "corpus: $have .deb packages, $mb MiB"

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cat > "$work/pipeline1.sh" <<'SH'
d=$(mktemp -d) && dpkg-deb -x "$1" "$d" && scanelf -qaR "$d"; rm -rf "$d"
SH
ls "$cache"/*.deb >"$work/debs"
pipeline_seq() { while read -r f; do sh "$work/pipeline1.sh" "$f"; done <"$work/debs"; }
pipeline_par() { xargs -a "$work/debs" -P "$(nproc)" -n 1 sh "$work/pipeline1.sh"; }

# best of N wall-clock runs
best() {
	n=$1; shift; b=""
	for _ in $(seq "$n"); do
		s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
		t=$(echo "$e - $s" | bc -l)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}
cat "$cache"/*.deb >/dev/null     # warm the page cache for everyone
# a first scan: a new, empty cache directory for every run
first_scan() { HARDEN_CACHE_DIR=$(mktemp -d "$work/cold.XXXXXX") "$HARDEN" scan "$@"; }
t_h=$(best 3 first_scan -f json -o /dev/null "$cache")
t_hn=$(best 3 first_scan -f json --no-dwarf -o /dev/null "$cache")
export HARDEN_CACHE_DIR="$work/warm"
"$HARDEN" scan -f json -o /dev/null "$cache" 2>/dev/null # fills the cache
t_hw=$(best 3 "$HARDEN" scan -f json -o /dev/null "$cache")
t_ps=$(best 1 pipeline_seq)
t_pp=$(best 1 pipeline_par)
t_dz=$(best 1 sh -c 'for f in "$@"; do dpkg-deb --fsys-tarfile "$f"; done' - "$cache"/*.deb)
elf=$("$HARDEN" scan -f json "$cache" 2>/dev/null | grep -c '"class"')
rate() { echo "scale=1; $have / $1" | bc -l; }
proj() { echo "scale=0; 17000 * $1 / $have" | bc -l; }
printf '%-44s %8s %10s %14s\n' tool pkgs/s "vs harden" "17,000 pkgs"
printf '%-44s %8s %10s %13ss\n' "harden scan ($(nproc) workers, in memory)" "$(rate "$t_h")" "-" "$(proj "$t_h")"
printf '%-44s %8s %10s %13ss\n' "harden scan --no-dwarf" "$(rate "$t_hn")" "-" "$(proj "$t_hn")"
printf '%-44s %8s %10s %13ss\n' "harden scan again, nothing changed (cache)" "$(rate "$t_hw")" "-" "$(proj "$t_hw")"
printf '%-44s %8s %9sx %13ss\n' "dpkg-deb -x + scanelf, one by one" "$(rate "$t_ps")" \
	"$(echo "scale=1; $t_ps / $t_h" | bc -l)" "$(proj "$t_ps")"
printf '%-44s %8s %9sx %13ss\n' "dpkg-deb -x + scanelf, xargs -P $(nproc)" "$(rate "$t_pp")" \
	"$(echo "scale=1; $t_pp / $t_h" | bc -l)" "$(proj "$t_pp")"
printf '%-44s %8s %9sx %13ss\n' "(floor: dpkg-deb --fsys-tarfile only, 1 by 1)" "$(rate "$t_dz")" \
	"$(echo "scale=1; $t_dz / $t_h" | bc -l)" "$(proj "$t_dz")"
echo "ELF files checked by harden: $elf; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
