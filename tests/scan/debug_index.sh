# The debug index (src/elf/debug_index.c): after 64 lookups a scan lists
# ROOT/.build-id once and opens only the debug files that are there. The
# files it finds must be the same as without it; the failed opens must stop.
. "$TOP/tests/lib.sh"
cd "$WORK" || exit 1
command -v strace >/dev/null || { skip "strace missing"; done_testing; exit; }

printf 'int main(void) { return 0; }\n' > p.c
gcc -g -O2 -c p.c -o p.o || notok "gcc"
N=80
mkdir -p bin dbg/.build-id
i=1
while [ $i -le $N ]; do
	id=$(printf '%02x5eed00%032x' $((i % 7)) $i) # a few prefixes, 40 hex digits
	gcc p.o -Wl,--build-id=0x$id -o "bin/p$i" || notok "link p$i"
	i=$((i + 1))
done
# debug files for p10 (found before the index exists) and p75 (after)
for i in 10 75; do
	id=$(readelf -n "bin/p$i" | sed -n 's/.*Build ID: *//p')
	mkdir -p "dbg/.build-id/$(echo "$id" | cut -c1-2)"
	objcopy --only-keep-debug "bin/p$i" "dbg/.build-id/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-).debug"
done
for i in $(seq $N); do objcopy --strip-debug "bin/p$i"; done
seq $N | sed "s|^|$WORK/bin/p|" > list

scan() { "$HARDEN" scan -j1 --no-cache --format json --debug-root "$WORK/$1" --from list 2>scan.err; }
found() { jq -r 'select(.dwarf.debug_file) | .path' "$1" | sed 's|.*/||' | tr '\n' ' '; }

scan dbg > all.json
is_found=$(found all.json)
if [ "$is_found" = "p10 p75 " ]; then ok "the debug files before and after the index are found"; else notok "found: '$is_found', want 'p10 p75 '"; fi
check "no error" test ! -s scan.err

strace -f -qq -e trace=openat -o opens.txt "$HARDEN" scan -j1 --no-cache --debug-root "$WORK/dbg" --from list >/dev/null 2>&1
failed=$(grep -c "$WORK/dbg/.build-id/.*ENOENT" opens.txt)
if [ "$failed" -ge 60 ] && [ "$failed" -le 64 ]; then ok "only the lookups before the index fail ($failed of 78)"; else notok "$failed failed opens under the debug root, want 60-64 (78 without the index)"; fi

# a root with no .build-id at all: nothing found, nothing opened after the index
mkdir -p empty
strace -f -qq -e trace=openat -o opens2.txt "$HARDEN" scan -j1 --no-cache --debug-root "$WORK/empty" --from list >/dev/null 2>&1
failed=$(grep -c "$WORK/empty/.build-id/.*ENOENT" opens2.txt)
if [ "$failed" -le 64 ]; then ok "a root without .build-id: lookups stop after the index ($failed)"; else notok "$failed failed opens under an empty root"; fi

# --no-dwarf reads no DWARF: no index, no lookups
strace -f -qq -e trace=openat,getdents64 -o opens3.txt "$HARDEN" scan -j1 --no-dwarf --debug-root "$WORK/dbg" --from list >/dev/null 2>&1
lacks "--no-dwarf looks for no debug file" opens3.txt "$WORK/dbg"

done_testing
