# libarchive, libcrypto, SQLite, libdw, libdeflate, and libelf and jansson
# (through functions of their own names) are loaded on first use (src/dl/). When one is
# missing (made so by the test-only HARDEN_TEST_DL_MISSING: the loader really
# calls dlopen() on a name that does not exist), the command that needs it
# fails with exit 2 and a message naming the library and its Debian package;
# everything else works as before. And harden does not load them at start.
. "$TOP/tests/lib.sh"
. "$TOP/tests/pkg/fixtures.inc"
H="$HARDEN"
export XDG_DATA_HOME="$WORK/data"
DATA="$TOP/../shared/data/vuln"

mkdir -p "$WORK/bin" "$WORK/repo"
build_bins "$WORK/bin" || { notok "compile test binaries"; done_testing; exit; }
make_deb "$WORK/repo" hgood 1.0-1 "$WORK/bin/good" xz
DEB="$WORK/repo/hgood_1.0-1_amd64.deb"

# --- not loaded at start: neither linked nor opened by a command that needs neither
ldd "$H" >"$WORK/ldd"
lacks "harden is not linked with libarchive, libcrypto, SQLite nor libdw" "$WORK/ldd" 'libarchive|libcrypto|libsqlite3|libxml2|libicu|libdw|liblzma|libbz2'
# ...but packaging tools still find them, in the dlopen metadata note
readelf -p .note.dlopen "$H" >"$WORK/notes" 2>&1
for so in libarchive.so.13 libcrypto.so.3 libsqlite3.so.0 libdw.so.1; do
	contains "a .note.dlopen entry declares $so" "$WORK/notes" "\"priority\":\"recommended\",\"soname\":\[\"$so\"\]"
done
readelf -n "$H" >"$WORK/notes" 2>&1
contains "...as FDO notes of type 0x407c0c0a" "$WORK/notes" 'FDO +0x[0-9a-f]+.*0x407c0c0a'
LD_DEBUG=files "$H" scan "$WORK/bin/good" >/dev/null 2>"$WORK/ld"
lacks "scanning an ELF file without DWARF opens none of them" "$WORK/ld" 'file=lib(archive|crypto|sqlite3|dw)\.so'
LD_DEBUG=files "$H" scan "$DEB" >/dev/null 2>"$WORK/ld"
contains "scanning a .deb opens libarchive (the control case)" "$WORK/ld" 'file=libarchive\.so\.13'

# --- libelf and jansson: not linked, not loaded by what reads no ELF nor JSON
lacks "harden is not linked with libelf, zlib nor jansson" "$WORK/ldd" 'libelf|libz\.|libjansson'
readelf -p .note.dlopen "$H" >"$WORK/notes" 2>&1
for so in libelf.so.1 libjansson.so.4; do
	contains "a .note.dlopen entry declares $so, required" "$WORK/notes" "\"priority\":\"required\",\"soname\":\[\"$so\"\]"
done
contains "a .note.dlopen entry declares libdeflate.so.0, suggested" "$WORK/notes" '"priority":"suggested","soname":\["libdeflate\.so\.0"\]'
LD_DEBUG=files "$H" sandbox --explain >/dev/null 2>"$WORK/ld"
lacks "harden sandbox opens neither libelf nor jansson" "$WORK/ld" 'file=lib(elf|jansson)\.so'
LD_DEBUG=files "$H" scan "$WORK/bin/good" >/dev/null 2>"$WORK/ld"
contains "a scan opens libelf (the control case)" "$WORK/ld" 'file=libelf\.so\.1'
export HARDEN_TEST_DL_MISSING=libelf.so.1
expect_exit 2 "without libelf a scan fails at once" "$H" scan "$WORK/bin/good"
contains "...naming the library and its package" "$WORK/err" 'libelf\.so\.1 is needed to read ELF files .*install the Debian package libelf1'
export HARDEN_TEST_DL_MISSING=libjansson.so.4
expect_exit 2 "without jansson a scan fails at once" "$H" scan -f json "$WORK/bin/good"
contains "...naming the library and its package" "$WORK/err" 'libjansson\.so\.4 is needed .*install the Debian package libjansson4'
printf 'int main(void) { return 0; }\n' > "$WORK/cc.c"
HARDEN_LOG="$WORK/cc.log" expect_exit 0 "without jansson harden cc still compiles" "$H" cc "$WORK/cc.c" -o "$WORK/cc.out"
contains "...and says it is not logging" "$WORK/err" 'not logging to .*libjansson4'
unset HARDEN_TEST_DL_MISSING

# --- libarchive missing
export HARDEN_TEST_DL_MISSING=libarchive.so.13
expect_exit 2 "a .deb cannot be read without libarchive: exit 2" "$H" scan "$DEB"
contains "...the message names the library" "$WORK/err" "hgood_1\.0-1_amd64\.deb: libarchive\.so\.13 is needed to read package archives"
contains "...and the Debian package" "$WORK/err" 'install the Debian package libarchive13'
expect_exit 2 "JSON output: the same error in the file's record" "$H" scan -f json "$DEB"
contains "...as the record's error" "$WORK/out" '"error":"libarchive\.so\.13 is needed'
gzip -c "$WORK/bin/good" >"$WORK/good.gz"
expect_exit 2 "a compressed file cannot be looked into either" "$H" scan "$WORK/good.gz"
contains "...saying why" "$WORK/err" 'libarchive\.so\.13 .*libarchive13'
expect_exit 0 "an ELF file is still scanned" "$H" scan "$WORK/bin/good"
lacks "...with no word of libarchive" "$WORK/err" 'libarchive'
expect_exit 1 "findings still found" "$H" scan "$WORK/bin/bad"
expect_exit 0 "harden --version works" "$H" --version
expect_exit 0 "harden cc --print-flags works" "$H" cc --print-flags
if [ -d "$DATA" ]; then
	expect_exit 2 "audit cannot read a vulnerability list without libarchive" "$H" audit --check-list "$DATA/pkg-vulnerabilities"
	contains "...naming the list, the library and the package" "$WORK/err" 'pkg-vulnerabilities: libarchive\.so\.13 is needed .*libarchive13'
fi
make_pkgsrc "$WORK/repo" pgood 2.0 "$WORK/bin/good"
expect_exit 2 "audit -P of binary packages: exit 2" "$H" audit -P "$WORK/repo/pgood-2.0.tgz" --check-list /dev/null
contains "...naming the library" "$WORK/err" 'libarchive\.so\.13 is needed'

# --- libcrypto missing: only a list with #CHECKSUM lines needs it
export HARDEN_TEST_DL_MISSING=libcrypto.so.3
expect_exit 0 "libarchive alone reads a .deb" "$H" scan "$DEB"
if [ -d "$DATA" ]; then
	expect_exit 2 "a checksummed list cannot be verified without libcrypto" "$H" audit --check-list "$DATA/pkg-vulnerabilities"
	contains "...naming the library and the package" "$WORK/err" 'cannot verify #CHECKSUM SHA.*libcrypto\.so\.3 is needed to verify .*install the Debian package libssl3'
	{ printf '# $NetBSD: pkg-vulnerabilities,v 1.2000 2024/01/20 10:00:00 leot Exp $\n#\n#FORMAT 1.0.0\n#\n'
	  cat "$DATA/pkg-vulnerabilities-2024-tail.txt"; } >"$WORK/intree"
	expect_exit 0 "a list without checksum is read without libcrypto" "$H" audit --check-list "$WORK/intree"
	expect_exit 2 "an unknown algorithm is still refused as such" sh -c \
		"sed 's/^#CHECKSUM SHA1 /#CHECKSUM MD5 /' '$DATA/pkg-vulnerabilities' | '$H' audit --check-list -"
	contains "...before any library is needed" "$WORK/err" "unsupported checksum algorithm 'MD5'"
else
	skip "no vulnerability lists in $DATA"
fi

# --- SQLite missing: only the history needs it
expect_exit 0 "with SQLite a run is recorded (the control case)" "$H" scan --db "$WORK/h.db" "$DEB"
expect_exit 0 "...and read back" "$H" history --db "$WORK/h.db" hgood
contains "...with its version" "$WORK/out" '1\.0-1'
export HARDEN_TEST_DL_MISSING=libsqlite3.so.0
expect_exit 2 "scan --db cannot record without SQLite: exit 2" "$H" scan --db "$WORK/h.db" "$WORK/bin/good"
contains "...naming the database, the library and the package" "$WORK/err" \
	'h\.db: libsqlite3\.so\.0 is needed to record and compare scan runs .*install the Debian package libsqlite3-0'
expect_exit 2 "history cannot read without SQLite" "$H" history --db "$WORK/h.db" hgood
contains "...saying why" "$WORK/err" 'libsqlite3\.so\.0 .*libsqlite3-0'
expect_exit 0 "a scan without --db needs no SQLite" "$H" scan "$DEB"
expect_exit 0 "diff of two directories needs no SQLite" "$H" diff "$WORK/bin" "$WORK/bin"
unset HARDEN_TEST_DL_MISSING

# --- libdw missing: only reading DWARF needs it, and the scan says so
printf 'int main(void) { return 0; }\n' > "$WORK/dw.c"
if gcc -g -O2 "$WORK/dw.c" -o "$WORK/bin-dw" 2>/dev/null; then
	LD_DEBUG=files "$H" scan --no-cache "$WORK/bin-dw" >/dev/null 2>"$WORK/ld"
	contains "a file with DWARF opens libdw (the control case)" "$WORK/ld" 'file=libdw\.so\.1'
	export HARDEN_TEST_DL_MISSING=libdw.so.1
	expect_exit 2 "without libdw a file with DWARF is an error, not quietly less checked" "$H" scan --no-cache "$WORK/bin-dw"
	contains "...naming the library, the package and --no-dwarf" "$WORK/err" \
		'libdw\.so\.1 is needed to read DWARF .*install the Debian package libdw1.*--no-dwarf'
	expect_exit 1 "...and --no-dwarf scans it (exit 1: findings, not 2)" "$H" scan --no-dwarf "$WORK/bin-dw"
	lacks "...with no error" "$WORK/err" "libdw"
	expect_exit 0 "a file without DWARF needs no libdw" "$H" scan "$WORK/bin/good"
	unset HARDEN_TEST_DL_MISSING
else
	notok "gcc -g failed"
fi

# --- both missing at once, and the variable gone: all back
export HARDEN_TEST_DL_MISSING=libcrypto.so.3,libarchive.so.13,libsqlite3.so.0
expect_exit 2 "all three missing: the .deb still fails cleanly" "$H" scan "$DEB"
unset HARDEN_TEST_DL_MISSING
expect_exit 0 "without the test variable the .deb is read" "$H" scan -f json "$DEB"
contains "...its member scanned" "$WORK/out" '"member":"usr/bin/hgood"'
done_testing
