# The DWARF cache, end to end with real gcc output: a second scan gives the
# same JSON and is served from the cache (the database is not written); a
# rebuilt binary or debug file at the same path is never served the old
# entry; a damaged entry is ignored and rewritten, a damaged database
# replaced; an unusable cache directory is skipped silently; --no-cache
# writes nothing; the directory follows HARDEN_CACHE_DIR, XDG_CACHE_HOME,
# HOME; concurrent scans agree. The database is looked into with sqlite3.
. "$TOP/tests/lib.sh"
cd "$WORK" || exit 1

# small.c makes a small file, read in memory; prog.c (with 128 KiB of data)
# one big enough to be read through its descriptor: only those have a stat
# to key their own DWARF on. Separate debug files are keyed on their own stat.
cat > small.c <<'C'
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
	char buf[64];
	strcpy(buf, argv[0]);
	printf("%s %d\n", buf, argc);
	return 0;
}
C
{ cat small.c; echo 'volatile char pad[128 * 1024] = { 1 };'; } > prog.c
cc_ok() { gcc "$@" 2>"$WORK/cc.err" || { notok "gcc $*"; sed 's/^/# /' "$WORK/cc.err"; }; }
# scan CACHE-DIR FILE [OPTIONS]: JSON of FILE with that cache directory
scan() { c=$1 f=$2; shift 2; HARDEN_CACHE_DIR=$c "$HARDEN" scan --format json "$@" "$f" 2>"$WORK/scan.err"; }
command -v sqlite3 >/dev/null || { skip "sqlite3 (the command) is not installed"; done_testing; exit 0; }
db() { sqlite3 "$1/cache.sqlite" "$2"; }
# the database file's modification time and size: a warm run does not write it
stamp() { stat -c '%y %s' "$1/cache.sqlite"; }
# the entries' bytes
content() { db "$1" 'SELECT name, hex(data) FROM entry ORDER BY name' | md5sum; }

cc_ok -g -O2 -fstack-protector-strong prog.c -o prog
settle

# --- in-file DWARF: first scan writes, second reads
C1=$WORK/c1
scan "$C1" prog > run1.json
scan "$C1" prog > run2.json
scan "$C1" prog --no-cache > truth.json
is "in-file: one entry written" "$(cache_entries "$C1")" 1
check "in-file: second run gives the same JSON" cmp -s run1.json run2.json
check "in-file: the same JSON as without the cache" cmp -s run1.json truth.json
is "in-file: units read" "$(jq -r '.dwarf.units[0].optimization' run2.json)" 2
st=$(stamp "$C1")
scan "$C1" prog > run3.json
is "in-file: a warm run reads the entry and does not write the database" "$(stamp "$C1")" "$st"
check "in-file: stderr stays quiet" test ! -s "$WORK/scan.err"

# --- the binary changes at the same path: the old entry is not used
cc_ok -g -O0 -fno-stack-protector prog.c -o prog
settle
scan "$C1" prog > changed.json
is "rebuilt: the new -O level is reported" "$(jq -r '.dwarf.units[0].optimization' changed.json)" 0
is "rebuilt: the new stack protector is reported" "$(jq -r '.dwarf.units[0].stack_protector' changed.json)" none
scan "$C1" prog --no-cache > changed.truth
check "rebuilt: the same JSON as without the cache" cmp -s changed.json changed.truth
is "rebuilt: still one entry (rewritten in place)" "$(cache_entries "$C1")" 1
scan "$C1" prog > changed2.json
check "rebuilt: the rewritten entry serves the new result" cmp -s changed.json changed2.json

# --- a file changed less than a second ago is scanned right and not cached
cc_ok -g -O1 prog.c -o fresh
C2=$WORK/c2
touch fresh # its change time is now, whatever the load made gcc take
scan "$C2" fresh > fresh.json
is "racy: a just-written file is not cached" "$(cache_entries "$C2")" 0
is "racy: and still reported right" "$(jq -r '.dwarf.units[0].optimization' fresh.json)" 1

# --- damaged entries: truncated, scribbled, emptied: ignored and rewritten
scan "$C1" prog --no-cache > want.json
good=$(content "$C1")
for damage in truncate scribble empty; do
	case $damage in
	truncate) db "$C1" 'UPDATE entry SET data = substr(data, 1, length(data) / 2)' ;;
	scribble) db "$C1" "UPDATE entry SET data = CAST(substr(data, 1, 60) || x'5858585858585858' || substr(data, 69) AS BLOB)" ;;
	empty) db "$C1" "UPDATE entry SET data = x''" ;;
	esac
	check "$damage entry: damaged" test "$(content "$C1")" != "$good"
	scan "$C1" prog > got.json
	check "$damage entry: the result is still right" cmp -s got.json want.json
	check "$damage entry: no error" test ! -s "$WORK/scan.err"
	is "$damage entry: rewritten" "$(content "$C1")" "$good"
	st=$(stamp "$C1")
	scan "$C1" prog > got2.json
	is "$damage entry: the rewritten entry is used" "$(stamp "$C1")" "$st"
	check "$damage entry: and right" cmp -s got2.json want.json
done

# --- a damaged database (here: not a database at all) is replaced
head -c 20000 /dev/urandom > "$C1/cache.sqlite"
scan "$C1" prog > got.json
check "damaged database: the result is still right" cmp -s got.json want.json
check "damaged database: no error" test ! -s "$WORK/scan.err"
is "damaged database: replaced, with the entry" "$(cache_entries "$C1")" 1
# torn pages behind a sound header (synchronous=OFF and a power cut): the same
dd if=/dev/urandom of="$C1/cache.sqlite" bs=4096 seek=1 count=1 conv=notrunc 2>/dev/null
check "torn database: damaged" sh -c "! sqlite3 '$C1/cache.sqlite' 'SELECT count(*), sum(length(data)) FROM entry' 2>/dev/null"
scan "$C1" prog > got.json
check "torn database: the result is still right" cmp -s got.json want.json
check "torn database: no error" test ! -s "$WORK/scan.err"
is "torn database: replaced, with the entry" "$(cache_entries "$C1")" 1

# --- separate debug info found by build-id under --debug-root
cc_ok -g -O2 -fstack-protector-strong small.c -o sep.full
cc_ok -g -O3 -fstack-protector-all small.c -o other.full
bid=$(readelf -n sep.full | sed -n 's/.*Build ID: *//p')
mkdir -p "dbg/.build-id/$(echo "$bid" | cut -c1-2)"
dbgfile="dbg/.build-id/$(echo "$bid" | cut -c1-2)/$(echo "$bid" | cut -c3-).debug"
objcopy --only-keep-debug sep.full "$dbgfile"
objcopy --strip-debug sep.full sep
objcopy --only-keep-debug other.full other.debug
settle
C3=$WORK/c3
scan "$C3" sep --debug-root "$WORK/dbg" > sep1.json
scan "$C3" sep --debug-root "$WORK/dbg" > sep2.json
is "separate: the debug file is found" "$(jq -r '.dwarf.debug_file' sep1.json)" "$WORK/$dbgfile"
is "separate: its units are read" "$(jq -r '.dwarf.units[0].stack_protector' sep1.json)" strong
is "separate: one entry written" "$(cache_entries "$C3")" 1
check "separate: second run gives the same JSON" cmp -s sep1.json sep2.json
st=$(stamp "$C3")
scan "$C3" sep --debug-root "$WORK/dbg" > sep3.json
is "separate: a warm run reads the entry" "$(stamp "$C3")" "$st"
# (strace exits with harden's status, 1 for findings: whether it traced is whether it wrote)
strace -f -e trace=open,openat -o trace.sep env HARDEN_CACHE_DIR="$C3" "$HARDEN" scan --debug-root "$WORK/dbg" sep >/dev/null 2>&1
if [ -s trace.sep ]; then
	lacks "strace: a warm run does not open the debug file (its stat is the key)" trace.sep "\.debug\""
	contains "strace: ... but reads the database" trace.sep "$C3/cache.sqlite\""
fi
# another debug file put at the same path: never the old entry
cp other.debug "$dbgfile"
settle
scan "$C3" sep --debug-root "$WORK/dbg" > sep4.json
is "separate: a replaced debug file's units are read" "$(jq -r '.dwarf.units[0].stack_protector' sep4.json)" all
is "separate: its -O level" "$(jq -r '.dwarf.units[0].optimization' sep4.json)" 3

# --- --no-cache neither reads nor writes
C4=$WORK/c4
scan "$C4" prog --no-cache > /dev/null
scan "$C4" sep --no-cache --debug-root "$WORK/dbg" > /dev/null
check "--no-cache: nothing written" test ! -e "$C4"
# reading, seen by strace: the warm scan opens the entry, --no-cache opens nothing under the cache
strace -f -e trace=open,openat -o trace.ok env HARDEN_CACHE_DIR="$C1" "$HARDEN" scan prog >/dev/null 2>&1
if [ -s trace.ok ]; then
	contains "strace: a warm scan opens the database" trace.ok "$C1/cache.sqlite\""
	strace -f -e trace=open,openat -o trace.nc env HARDEN_CACHE_DIR="$C1" "$HARDEN" scan --no-cache prog >/dev/null 2>&1
	lacks "strace: --no-cache opens nothing in the cache" trace.nc "$C1"
else
	skip "strace cannot trace here"
fi

# --- an unusable cache directory is skipped without a word
printf x > notadir
scan "$WORK/notadir" prog > nd.json; rc=$?
check "unusable cache (a file): exit status unchanged" test "$rc" -le 1
check "unusable cache (a file): no error" test ! -s "$WORK/scan.err"
check "unusable cache (a file): same result" cmp -s nd.json want.json
if [ "$(id -u)" != 0 ]; then
	mkdir ro && chmod 0500 ro
	scan "$WORK/ro" prog > ro.json
	check "read-only cache: same result" cmp -s ro.json want.json
	check "read-only cache: no error" test ! -s "$WORK/scan.err"
else
	skip "read-only cache directory: root writes anyway"
fi

# --- where: HARDEN_CACHE_DIR, else XDG_CACHE_HOME/harden, else HOME/.cache/harden
env -u HARDEN_CACHE_DIR XDG_CACHE_HOME="$WORK/xdg" "$HARDEN" scan prog >/dev/null 2>&1
is "XDG_CACHE_HOME/harden is used" "$(cache_entries "$WORK/xdg/harden")" 1
env -u HARDEN_CACHE_DIR -u XDG_CACHE_HOME HOME="$WORK/home" "$HARDEN" scan prog >/dev/null 2>&1
is "HOME/.cache/harden is used" "$(cache_entries "$WORK/home/.cache/harden")" 1

# --- several processes with several workers on one fresh cache: all agree
for i in 1 2 3 4 5 6; do cp prog "p$i"; cp sep "s$i"; done
settle
"$HARDEN" scan --format json --no-cache --debug-root "$WORK/dbg" p? s? > many.want 2>/dev/null
C5=$WORK/c5
for i in 1 2 3 4; do
	HARDEN_CACHE_DIR=$C5 "$HARDEN" scan -j 2 --format json --debug-root "$WORK/dbg" p? s? > "many.$i" 2>/dev/null &
done
wait
same=0
for i in 1 2 3 4; do cmp -s "many.$i" many.want && same=$((same + 1)); done
is "concurrent: four processes give the right result" "$same" 4
is "concurrent: one entry per file" "$(cache_entries "$C5")" 7
is "concurrent: nothing left beside the database" "$(ls -A "$C5")" cache.sqlite
HARDEN_CACHE_DIR=$C5 "$HARDEN" scan --format json --debug-root "$WORK/dbg" p? s? > many.warm 2>/dev/null
check "concurrent: the warm result is right" cmp -s many.warm many.want

done_testing
