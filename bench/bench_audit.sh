#!/bin/sh
# harden audit: 10,000 installed package names (generated from the 2011
# list's own base names and versions, with near-miss versions) audited
# against the full 2011 list (5,184 entries) and against it repeated 5x
# (a 2024-sized list, ~26,000 entries), with the prefix index and with the
# naive patterns x packages loop (pkg_admin's way) in the same binary.
# Prints the best of 3 runs, wall clock and CPU time (the CPU figures hold
# on a machine shared with other jobs): the matching phase (from --timing) and the
# whole command's wall time (reading and verifying the list, indexing,
# matching, writing the report to /dev/null), and the ratio naive / index.
# The two modes' reports are compared line for line.
# Targets (issue 4): under 100 ms for 10,000 x 25,000, at least 20x naive.
set -u
HARDEN=${HARDEN:-$TOP/harden}
DATA="$TOP/../shared/data/vuln"
L="$DATA/pkg-vulnerabilities"
[ -f "$L" ] || { echo "bench_audit: no test data at $DATA"; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/bench-audit.XXXXXX")
trap 'rm -rf "$W"' EXIT

awk -v n=10000 -f "$TOP/tests/vuln/genpkgs.awk" "$L" >"$W/names"
{
	printf '# $NetBSD: pkg-vulnerabilities,v 1.5x 2011/04/08 20:57:53 bench Exp $\n#FORMAT 1.0.0\n'
	for i in 1 2 3 4 5; do
		sed -n '/^#FORMAT/,/^#CHECKSUM/p' "$L" | grep -v -e '^#' -e '^$'
	done
} >"$W/list5"

# CPU time (user + system, ms) used so far by this shell's finished
# children: `times` must run in this shell, not in a $(...) subshell
cpu_mark() { times >"$W/times"; }
cpu_ms() { awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%d\n", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000 }' "$W/times"; }

min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }'; }

# run LIST MODE: best-of-3 "match_ms wall_ms findings match_cpu_ms whole_cpu_ms"
run() {
	best_m= best_w= best_c= best_wc=
	for i in 1 2 3; do
		t0=$(date +%s%N)
		cpu_mark
		c0=$(cpu_ms)
		"$HARDEN" audit -q --max-age 0 --timing --vulnerabilities "$1" -b "$W/names" $2 \
			>/dev/null 2>"$W/err"
		rc=$?
		t1=$(date +%s%N)
		cpu_mark
		c1=$(cpu_ms)
		if [ "$rc" -gt 1 ]; then
			echo "bench_audit: harden audit failed (exit $rc):" >&2
			cat "$W/err" >&2
			exit 1
		fi
		m=$(sed -n 's/.*match \([0-9.]*\) ms,.*/\1/p' "$W/err")
		c=$(sed -n 's/.*match cpu \([0-9.]*\) ms.*/\1/p' "$W/err")
		w=$(( (t1 - t0) / 1000000 ))
		best_m=$(min "$best_m" "$m")
		best_w=$(min "$best_w" "$w")
		best_c=$(min "$best_c" "$c")
		best_wc=$(min "$best_wc" "$((c1 - c0))")
	done
	# the report itself, outside the timed runs, to check both modes agree
	"$HARDEN" audit -q --max-age 0 --vulnerabilities "$1" -b "$W/names" $2 >"$W/out$2" 2>/dev/null
	findings=$(wc -l <"$W/out$2")
	echo "$best_m $best_w $findings $best_c $best_wc"
}

report() {
	label=$1 list=$2
	set -- $(run "$list" "")
	im=$1 iw=$2 ifind=$3 ic=$4 iwc=$5
	set -- $(run "$list" --naive)
	nm=$1 nw=$2 nfind=$3 nc=$4 nwc=$5
	entries=$(grep -c . "$list")
	if ! cmp -s "$W/out" "$W/out--naive"; then
		echo "bench_audit: index and naive loop disagree ($ifind vs $nfind findings)" >&2
		exit 1
	fi
	awk -v l="$label" -v im="$im" -v iw="$iw" -v nm="$nm" -v nw="$nw" -v f="$ifind" \
	    -v ic="$ic" -v iwc="$iwc" -v nc="$nc" -v nwc="$nwc" 'BEGIN {
		printf "%-30s index: match %6.1f ms (cpu %6.1f), whole run %4d ms (cpu %4d) | %d findings\n", l, im, ic, iw, iwc, f
		printf "%-30s naive: match %6.1f ms (cpu %6.1f), whole run %4d ms (cpu %4d)\n", "", nm, nc, nw, nwc
		printf "%-30s ratio naive/index: matching %.0fx (cpu %.0fx), whole run %.1fx (cpu %.1fx)\n", "", nm / im, nc / ic, nw / iw, nwc / (iwc ? iwc : 1)
	}'
}

echo "harden audit: 10,000 packages ($(sort -u "$W/names" | wc -l) distinct names)"
report "2011 list (5,184 entries)" "$L"
report "2011 list x5 (25,920 entries)" "$W/list5"
