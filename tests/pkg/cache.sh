# The scan cache for package archives, with packages built at test time: a
# second scan of unchanged archives reads none of them and gives the same
# report in every format, under any policy; a rebuilt package, other read
# options, a damaged entry, a debug file that appears for a member: never
# the old result. Real .debs from the apt cache too, when there are some.
. "$TOP/tests/lib.sh"
. "$TOP/tests/pkg/fixtures.inc"
command -v sqlite3 >/dev/null || { skip "sqlite3 (the command) is not installed"; done_testing; exit 0; }

R=$WORK/repo
mkdir -p "$R" "$WORK/bin"
build_bins "$WORK/bin" || { notok "compile test binaries"; done_testing; exit; }
# archives under 16 KiB are not kept (reading one costs what a lookup does):
# 40 KB of noise after each ELF file's end makes every package bigger
pad() { head -c 40000 /dev/urandom >> "$1"; }
for b in good bad norelro; do pad "$WORK/bin/$b"; done
make_deb "$R" cgood 1.0-1 "$WORK/bin/good" xz
make_deb "$R" cbad 2.0 "$WORK/bin/bad" gzip 4755
make_pkgsrc "$R" cpk 1.5 "$WORK/bin/norelro"
# with DWARF in the member itself, and (later) stripped, its debug file apart
cat > "$WORK/g.c" <<'C'
#include <stdio.h>
int main(void) { puts("g"); return 0; }
C
gcc -g -O2 -fstack-protector-strong "$WORK/g.c" -o "$WORK/g.full"
cp "$WORK/g.full" "$WORK/g.padded" && pad "$WORK/g.padded"
make_deb "$R" cdwarf 1 "$WORK/g.padded" xz
mkdir -p "$WORK/t/in-1/bin" && cp "$WORK/bin/bad" "$WORK/t/in-1/bin/in"
(cd "$WORK/t" && tar -czf inner.tgz in-1 && tar -cJf "$R/outer-2.tar.xz" inner.tgz)
head -c $(($(stat -c %s "$R/cgood_1.0-1_amd64.deb") * 2 / 3)) "$R/cgood_1.0-1_amd64.deb" > "$R/ctrunc_1_amd64.deb"
# a compressed file that holds no archive (a gzipped man page): skipped, and remembered as such
head -c 100000 /dev/urandom | od -x | gzip > "$R/notes.gz"
settle

C=$WORK/c1
# scan CACHE NAME ARGS...: exit status, stdout in NAME.out, stderr in NAME.err
scan() { c=$1 n=$2; shift 2; HARDEN_CACHE_DIR=$c "$HARDEN" scan "$@" >"$WORK/$n.out" 2>"$WORK/$n.err"; echo $? >"$WORK/$n.rc"; }
same() { cmp -s "$WORK/$2.out" "$WORK/$3.out" && cmp -s "$WORK/$2.err" "$WORK/$3.err" && cmp -s "$WORK/$2.rc" "$WORK/$3.rc"; }

for f in json text sarif html; do
	scan "$C" cold.$f -f "$f" "$R"
	scan "$C" warm.$f -f "$f" "$R"
	scan "$WORK/none" none.$f --no-cache -f "$f" "$R"
	check "$f: a cached re-scan reports the same (output, errors, exit status)" same "$f" warm.$f none.$f
	check "$f: so does the first scan" same "$f" cold.$f none.$f
done
is "the truncated package is still an error (exit 2)" "$(cat "$WORK/warm.json.rc")" 2
scan "$C" gz "$R/notes.gz"
contains "notes.gz, served from the cache, is still counted as skipped" "$WORK/gz.out" "summary: 0 ELF files, 1 not ELF \(skipped\)"
contains "... served from the cache with its message" "$WORK/warm.json.err" "ctrunc_1_amd64.deb"
is "one entry per archive, and one for the file that is none" "$(cache_entries "$C")" 7
contains "the setuid member is still checked under strict" "$WORK/warm.json.out" '"setuid":true.*"property":"ibt"'
is "a member's own DWARF is kept" "$(jq -r 'select(.member == "usr/bin/cdwarf") | .dwarf.units[0].stack_protector' "$WORK/warm.json.out")" strong

# a warm scan maps none of the archives
strace -f -y -e trace=mmap -o "$WORK/trace" env HARDEN_CACHE_DIR="$C" "$HARDEN" scan "$R" >/dev/null 2>&1
if [ -s "$WORK/trace" ]; then
	lacks "strace: a warm scan reads no archive (nor inflates notes.gz again)" "$WORK/trace" "$R/"
	strace -f -y -e trace=mmap -o "$WORK/trace.nc" "$HARDEN" scan --no-cache "$R" >/dev/null 2>&1
	contains "strace: ... where --no-cache reads them" "$WORK/trace.nc" "cgood_1.0-1_amd64.deb>"
	contains "strace: ... and notes.gz" "$WORK/trace.nc" "notes.gz>"
else
	skip "strace cannot trace here"
fi

scan "$WORK/none" json.none.fresh --no-cache -f json "$R"

# verdicts are checked again: another policy, the same answer as a fresh read
scan "$C" strict -f json -p strict "$R"
scan "$WORK/none" strict.none --no-cache -f json -p strict "$R"
check "another policy: the cached facts are checked under it" same "strict" strict strict.none
scan "$C" ign -f json --ignore canary,fortify "$R"
scan "$WORK/none" ign.none --no-cache -f json --ignore canary,fortify "$R"
check "--ignore: the same as a fresh read" same "ignore" ign ign.none

# options that change what is read are part of the key
scan "$C" nd -f json --no-dwarf "$R"
scan "$WORK/none" nd.none --no-cache -f json --no-dwarf "$R"
check "--no-dwarf: not served the entry read with DWARF" same "--no-dwarf" nd nd.none
is "--no-dwarf: no units" "$(jq -r 'select(.member == "usr/bin/cdwarf") | .dwarf' "$WORK/nd.out")" null
scan "$C" lim -f json --member-limit 1000 "$R"
scan "$WORK/none" lim.none --no-cache -f json --member-limit 1000 "$R"
check "--member-limit: not served an entry read with another limit" same "limit" lim lim.none
contains "... the limit is applied" "$WORK/lim.out" "over the 1000-byte limit"

# read while libarchive is missing: errors of this machine, not kept
HARDEN_TEST_DL_MISSING=libarchive.so.13 scan "$WORK/c3" nolib -f json "$R"
contains "libarchive missing: the archives are errors" "$WORK/nolib.out" "libarchive.so.13 is needed"
scan "$WORK/c3" withlib -f json "$R"
check "libarchive back: the archives are read, not the errors served" same "withlib" withlib json.none.fresh

# a small package (under 16 KiB) is read again every time, and right
S=$WORK/small
mkdir -p "$S"
printf 'int main(void) { return 0; }\n' > "$WORK/s.c" && gcc -O2 "$WORK/s.c" -o "$WORK/s"
make_deb "$S" csmall 1 "$WORK/s" xz
settle
kept=$(cache_entries "$C")
scan "$C" small -f json "$S"
scan "$WORK/none" small.none --no-cache -f json "$S"
check "small package: reported right" same "small" small small.none
is "small package: not kept" "$(cache_entries "$C")" "$kept"

# a package rebuilt at the same path
make_deb "$R" cgood 1.0-1 "$WORK/bin/bad" xz
settle
scan "$C" rebuilt -f json "$R"
scan "$WORK/none" rebuilt.none --no-cache -f json "$R"
check "rebuilt package: read again" same "rebuilt" rebuilt rebuilt.none
contains "... its new member reported" "$WORK/rebuilt.out" '"package":"cgood".*"pie":\{"state":"no"'

# a package changed within the last second: read right, not kept
make_deb "$R" cgood 1.0-1 "$WORK/bin/good" xz
sqlite3 "$C/cache.sqlite" 'SELECT hex(data) FROM entry ORDER BY name' | md5sum > "$WORK/before"
scan "$C" racy -f json "$R/cgood_1.0-1_amd64.deb"
scan "$WORK/none" racy.none --no-cache -f json "$R/cgood_1.0-1_amd64.deb"
check "racy package: reported right" same "racy" racy racy.none
sqlite3 "$C/cache.sqlite" 'SELECT hex(data) FROM entry ORDER BY name' | md5sum > "$WORK/after"
check "racy package: its entry is not written" cmp -s "$WORK/before" "$WORK/after"
settle

# damaged entries are a miss, then rewritten
scan "$C" fill -f json "$R"
sqlite3 "$C/cache.sqlite" "UPDATE entry SET data = CAST(substr(data, 1, 40) || x'5858585858' || substr(data, 46) AS BLOB)"
scan "$C" damaged -f json "$R"
scan "$WORK/none" damaged.none --no-cache -f json "$R"
check "damaged entries: the report is right" same "damaged" damaged damaged.none

# a separate debug file appears for a member: its DWARF is read, not the old entry
objcopy --strip-debug "$WORK/g.full" "$WORK/g"
pad "$WORK/g"
make_deb "$R" cdbg 1 "$WORK/g" xz
settle
D=$WORK/dbgroot
mkdir -p "$D"
scan "$C" nodbg -f json --debug-root "$D" "$R/cdbg_1_amd64.deb"
is "no debug file: no DWARF" "$(jq -r 'select(.member == "usr/bin/cdbg") | .dwarf' "$WORK/nodbg.out")" null
bid=$(readelf -n "$WORK/g" | sed -n 's/.*Build ID: *//p')
mkdir -p "$D/.build-id/$(echo "$bid" | cut -c1-2)"
objcopy --only-keep-debug "$WORK/g.full" "$D/.build-id/$(echo "$bid" | cut -c1-2)/$(echo "$bid" | cut -c3-).debug"
scan "$C" dbg -f json --debug-root "$D" "$R/cdbg_1_amd64.deb"
is "a debug file appeared: its units are read" \
	"$(jq -r 'select(.member == "usr/bin/cdbg") | .dwarf.units[0].stack_protector' "$WORK/dbg.out")" strong
scan "$C" dbg2 -f json --debug-root "$D" "$R/cdbg_1_amd64.deb"
check "... and on every later scan" same "dbg" dbg dbg2

# entries carry the day they were last used; what no scan used for 30 days goes
C9=$WORK/c9
scan "$C9" fill9 -f json "$R"
today=$(($(date +%s) / 86400))
all=$(cache_entries "$C9")
sqlite3 "$C9/cache.sqlite" "UPDATE entry SET used = $((today - 10))"
scan "$C9" touch9 -f json "$R/cpk-1.5.tgz"
is "used 10 days ago: kept" "$(cache_entries "$C9")" "$all"
is "the entry served today says so" "$(sqlite3 "$C9/cache.sqlite" "SELECT count(*) FROM entry WHERE used = $today")" 1
sqlite3 "$C9/cache.sqlite" "UPDATE entry SET used = $((today - 31)) WHERE used < $today"
scan "$C9" evict9 -f json "$R/cpk-1.5.tgz"
is "unused for 31 days: removed when a scan ends" "$(cache_entries "$C9")" 1
scan "$WORK/none" evict9.none --no-cache -f json "$R/cpk-1.5.tgz"
check "... and the scan itself is right" same "evict" evict9 evict9.none

# a database of another layout (an older harden's) is replaced, not misread
C8=$WORK/c8
mkdir -p "$C8"
sqlite3 "$C8/cache.sqlite" "CREATE TABLE entry (name INTEGER PRIMARY KEY, data BLOB NOT NULL)"
scan "$C8" layout -f json "$R"
scan "$WORK/none" layout.none --no-cache -f json "$R"
check "other layout: the report is right" same "layout" layout layout.none
is "other layout: replaced, with today's entries" "$(sqlite3 "$C8/cache.sqlite" "SELECT count(*) FROM entry WHERE used = $today")" "$all"

# real packages, when the apt cache has some
debs=$(ls /var/cache/apt/archives/*.deb 2>/dev/null | head -40)
if [ -n "$debs" ]; then
	echo "$debs" > "$WORK/debs"
	scan "$WORK/c2" real.cold -f json --from "$WORK/debs"
	scan "$WORK/c2" real.warm -f json --from "$WORK/debs"
	scan "$WORK/none" real.none -f json --no-cache --from "$WORK/debs"
	check "real .debs: a cached re-scan reports the same" same "real" real.warm real.none
else
	skip "no .deb in /var/cache/apt/archives"
fi

done_testing
