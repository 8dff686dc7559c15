#!/bin/sh
# Run every benchmark bench/bench_*.sh in turn. Each prints its own figures,
# as ratios against the peers run in the same go. HARDEN names the binary.
top=$(cd "$(dirname "$0")/.." && pwd)
export HARDEN="${HARDEN:-$top/harden}" TOP="$top"
for b in "$top"/bench/bench_*.sh; do
	[ -f "$b" ] || continue
	echo "=== $(basename "$b" .sh)"
	bash "$b" || echo "bench: $(basename "$b") failed"
done
