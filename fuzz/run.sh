#!/bin/sh
# Build every libFuzzer target fuzz/fuzz_*.c with clang (libFuzzer + ASan + UBSan)
# against all of src/ except main.c, then run each for $1 seconds (default 30)
# starting from its seed corpus fuzz/corpus/NAME/ if present.
set -e
secs=${1:-30}
top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/build-fuzz"
mkdir -p "$out"
PKGS="libelf libdw jansson libarchive libseccomp libcrypto sqlite3 libdeflate"
srcs=$(ls "$top"/src/*/*.c | grep -v '/src/main.c$')
flags="-g -O1 -std=gnu11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I$top/src $(pkg-config --cflags $PKGS)"
status=0
for f in "$top"/fuzz/fuzz_*.c; do
	[ -f "$f" ] || continue
	name=$(basename "$f" .c)
	echo "fuzz: building $name"
	clang $flags -o "$out/$name" "$f" $srcs $(pkg-config --libs $PKGS) -lpthread
	corpus="$out/corpus-$name"
	mkdir -p "$corpus"
	[ -d "$top/fuzz/corpus/$name" ] && cp -r "$top/fuzz/corpus/$name/." "$corpus/"
	echo "fuzz: running $name for ${secs}s"
	if ! (cd "$out" && "./$name" -max_total_time="$secs" -print_final_stats=1 "$corpus" 2>"$out/$name.log"); then
		echo "fuzz: $name FAILED, see $out/$name.log"; tail -30 "$out/$name.log"; status=1
	else
		grep -E 'stat::number_of_executed_units|Done' "$out/$name.log" | tail -2
	fi
done
exit $status
