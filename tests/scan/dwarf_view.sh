# The DWARF view (src/elf/dwarf_view.c): libdw reads only the sections a
# scan needs, inflated by libdeflate. Every answer must be the one libdw
# gives reading the whole file itself, which harden falls back to without
# libdeflate (HARDEN_TEST_DL_MISSING): for each compression of the debug
# sections (none, ELF zlib, GNU .zdebug, zstd), in the file and in a
# separate debug file, 64- and 32-bit, with a -g3 macro table (FORTIFY
# from the macros), after dwz, and with a damaged stream.
. "$TOP/tests/lib.sh"
cd "$WORK" || exit 1

cat > main.c <<'C'
#include <stdio.h>
#include <string.h>
int helper(const char *s);
int main(int argc, char **argv)
{
	char buf[64];
	strcpy(buf, argv[0]);
	printf("%s %d\n", buf, argc);
	return helper(buf);
}
C
cat > helper.c <<'C'
#include <string.h>
int helper(const char *s) { char t[16]; strncpy(t, s, sizeof(t) - 1); t[15] = 0; return (int)strlen(t); }
C
build() { # OUT CFLAGS...: two units built with different flags
	out=$1; shift
	gcc -c "$@" -O2 -fstack-protector-strong main.c -o "$out.main.o" &&
		gcc -c "$@" -O0 -fno-stack-protector helper.c -o "$out.helper.o" &&
		gcc "$@" "$out.main.o" "$out.helper.o" -o "$out" 2>cc.err
}
# json FILE [OPTIONS]: scan with the view / with libdw reading the file itself
view() { f=$1; shift; "$HARDEN" scan --no-cache --format json "$@" "$f" 2>view.err; }
whole() { f=$1; shift; HARDEN_TEST_DL_MISSING=libdeflate.so.0 "$HARDEN" scan --no-cache --format json "$@" "$f" 2>whole.err; }
units() { jq -r '[.dwarf.units[]? | "\(.name):O\(.optimization):\(.stack_protector):F\(.fortify_source)"] | join(" ")' "$1"; }

# same NAME FILE [OPTIONS]: both ways agree, byte for byte, and read the units
same() {
	name=$1; f=$2; shift 2
	view "$f" "$@" > "$name.view.json"
	whole "$f" "$@" > "$name.whole.json"
	check "$name: the same JSON as libdw reading the whole file" cmp -s "$name.view.json" "$name.whole.json"
	check "$name: no error either way" test ! -s view.err -a ! -s whole.err
}

build plain -g || notok "gcc -g"
same plain plain
is "plain: both units read, each with its flags" "$(units plain.view.json)" \
	"main.c:O2:strong:F-1 helper.c:O0:none:F-1"

for z in zlib zlib-gnu zstd; do
	if objcopy --compress-debug-sections="$z" plain "plain.$z" 2>/dev/null; then
		same "$z" "plain.$z"
		[ "$z" = zstd ] || is "$z: the units of the uncompressed file" "$(units "$z.view.json")" "$(units plain.view.json)"
	else
		skip "objcopy cannot compress with $z"
	fi
done
check "zlib: the file really has compressed sections" sh -c "readelf -SW plain.zlib | grep -q ' \.debug_info .* C '"
check "zlib-gnu: the file really has .zdebug sections" sh -c "readelf -SW plain.zlib-gnu | grep -q zdebug_info"

# the FORTIFY level from a -g3 macro table: the view carries the macro sections
build macros -g3 -D_FORTIFY_SOURCE=2 || notok "gcc -g3"
objcopy --compress-debug-sections=zlib macros macros.z
same macros macros.z
is "macros: FORTIFY read from the macro table" "$(units macros.view.json)" \
	"main.c:O2:strong:F2 helper.c:O0:none:F2"

if build m32 -g -m32 2>/dev/null && objcopy --compress-debug-sections=zlib m32 m32.z; then
	same "32-bit" m32.z
	is "32-bit: both units read" "$(units 32-bit.view.json | wc -w)" 2
else
	skip "no 32-bit toolchain (gcc-multilib)"
fi

# separate debug file, compressed, found by build-id
bid=$(readelf -n plain | sed -n 's/.*Build ID: *//p')
mkdir -p "dbg/.build-id/$(echo "$bid" | cut -c1-2)"
objcopy --only-keep-debug --compress-debug-sections=zlib plain "dbg/.build-id/$(echo "$bid" | cut -c1-2)/$(echo "$bid" | cut -c3-).debug"
objcopy --strip-debug plain stripped
same separate stripped --debug-root "$WORK/dbg"
is "separate: both units read from the debug file" "$(units separate.view.json)" "$(units plain.view.json)"

# dwz: strings and units shared with another file (.gnu_debugaltlink) are
# left to libdw, which knows where to look for that file
if command -v dwz >/dev/null; then
	build dwz1 -g && build dwz2 -g && dwz -m "$WORK/common.dwz" -M "$WORK/common.dwz" dwz1 dwz2 2>/dev/null
	check "dwz: the file links another one" sh -c "readelf -SW dwz1 | grep -q gnu_debugaltlink"
	same dwz dwz1
else
	skip "dwz not installed"
fi

# a damaged stream: the view gives up, libdw says what it says, nobody crashes
cp plain.zlib damaged
off=$(readelf -SW damaged | awk '$2 == ".debug_info" { print strtonum("0x" $5) }')
[ -n "$off" ] && printf '\377\377\377\377\377\377\377\377' | dd of=damaged bs=1 seek=$((off + 40)) conv=notrunc 2>/dev/null
view damaged > damaged.view.json; rc_view=$?
whole damaged > damaged.whole.json; rc_whole=$?
is "damaged: the same exit status both ways" "$rc_view" "$rc_whole"
check "damaged: the same JSON both ways" cmp -s damaged.view.json damaged.whole.json

done_testing
