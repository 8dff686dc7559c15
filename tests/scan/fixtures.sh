# Every verdict flips: compile small programs with the real gcc, with and
# without each protection, and check what `harden scan --format json` says.
. "$TOP/tests/lib.sh"
cd "$WORK" || exit 1

cat > prog.c <<'C'
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
	char buf[64], out[128];
	strcpy(buf, argv[0]);
	memcpy(out, buf, (size_t)argc * 40);
	sprintf(out, "%s %d", buf, argc);
	puts(out);
	return 0;
}
C
cat > lib.c <<'C'
int counter;
int bump(int n) { char b[32]; for (int i = 0; i < n && i < 32; i++) b[i] = (char)i; return counter += b[n % 32]; }
C

# everything the default policy wants, so that one missing flag is the only finding
HARD="-O2 -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE -pie -Wl,-z,relro,-z,now"
cc_ok() { gcc "$@" 2>"$WORK/cc.err" || { notok "gcc $*"; cat "$WORK/cc.err" | sed 's/^/# /'; }; }

# state FILE PROP: the JSON state of PROP for FILE
state() { "$HARDEN" scan --format json "$1" 2>/dev/null | jq -r ".$2.state"; }

# --- PIE
cc_ok -O2 -fPIE -pie prog.c -o pie
cc_ok -O2 -fno-PIE -no-pie prog.c -o nopie
is "pie: -pie gives yes" "$(state pie pie)" yes
is "pie: -pie type is pie" "$(field pie .type)" pie
is "pie: -no-pie gives no" "$(state nopie pie)" no
is "pie: -no-pie type is exec" "$(field nopie .type)" exec

# --- RELRO / BIND_NOW
cc_ok $HARD prog.c -o relro_full
cc_ok -O2 prog.c -o relro_none -Wl,-z,norelro
cc_ok -O2 prog.c -o relro_partial -Wl,-z,relro,-z,lazy
is "relro: -z relro -z now gives full" "$(state relro_full relro)" full
is "relro: -z norelro gives none" "$(state relro_none relro)" none
is "relro: -z lazy gives partial" "$(state relro_partial relro)" partial
is "bind_now: -z now gives yes" "$(state relro_full bind_now)" yes
is "bind_now: -z lazy gives no" "$(state relro_partial bind_now)" no

# --- stack protector
cc_ok -O2 -fstack-protector-strong prog.c -o ssp
cc_ok -O2 -fno-stack-protector prog.c -o nossp
is "canary: -fstack-protector-strong gives yes" "$(state ssp canary)" yes
is "canary: -fno-stack-protector gives no" "$(state nossp canary)" no

# --- FORTIFY
cc_ok -O2 -D_FORTIFY_SOURCE=2 prog.c -o fort
cc_ok -O0 -D_FORTIFY_SOURCE=2 -g prog.c -o fort_o0 2>/dev/null
cc_ok -O2 -U_FORTIFY_SOURCE prog.c -o nofort
is "fortify: -D_FORTIFY_SOURCE=2 -O2 gives yes" "$(state fort fortify)" yes
is "fortify: at -O0 gives no" "$(state fort_o0 fortify)" no
is "fortify: without it gives no" "$(state nofort fortify)" no
is "fortify: unfortified names listed" "$(field nofort '.fortify.unfortified|sort|join(",")')" "memcpy,sprintf,strcpy"
is "fortify: fortified names listed" "$(field fort '.fortify.fortified|sort|join(",")')" "memcpy,sprintf,strcpy"
is "fortify: counts" "$(field fort '"\(.fortify.fortified_count)/\(.fortify.fortifiable_count)"')" "3/3"
contains "fortify: -O0 named as the cause" "$(printf '%s' "$(field fort_o0 '.findings[]|select(.property=="fortify").cause')" > c.txt; echo c.txt)" "-O0"
cat > nothing.c <<'C'
int main(void) { return 0; }
C
cc_ok -O2 nothing.c -o nothing
is "fortify: n/a without fortifiable calls" "$(state nothing fortify)" "n/a"

# --- NX
cc_ok -O2 prog.c -o nx
cc_ok -O2 prog.c -o execstack -Wl,-z,execstack
is "nx: default gives yes" "$(state nx nx)" yes
is "nx: -z execstack gives no" "$(state execstack nx)" no
printf '.text\n.globl f\nf: ret\n' > nonote.s
cc_ok -c nonote.s -o nonote.o
printf '.text\n.globl f\nf: ret\n.section .note.GNU-stack,"",@progbits\n' > note.s
cc_ok -c note.s -o note.o
is "nx: object without .note.GNU-stack gives no" "$(state nonote.o nx)" no
is "nx: object with .note.GNU-stack gives yes" "$(state note.o nx)" yes
is "type: object file is rel" "$(field note.o .type)" rel

# --- RWX
printf '.section .rwx,"awx",@progbits\n.byte 0xc3\n.section .note.GNU-stack,"",@progbits\n' > rwx.s
gcc $HARD prog.c rwx.s -o rwx 2>/dev/null
is "rwx: an "awx" section gives a writable+executable segment" "$(state rwx rwx)" yes
is "rwx: default has none" "$(state nx rwx)" no

# --- TEXTREL: an absolute address in .text of a shared object
printf '.text\n.globl g\ng: movabs $g, %%rax\n ret\n.section .note.GNU-stack,"",@progbits\n' > textrel.s
gcc -shared textrel.s -o textrel.so -Wl,-z,notext 2>/dev/null
cc_ok -shared -fPIC lib.c -o lib.so
is "textrel: absolute relocation in text gives yes" "$(state textrel.so textrel)" yes
is "textrel: -fPIC library gives no" "$(state lib.so textrel)" no
is "shared library: type shared-lib" "$(field lib.so .type)" shared-lib
is "shared library: pie is n/a" "$(state lib.so pie)" "n/a"

# --- RPATH / RUNPATH
cc_ok $HARD prog.c -o rpath_rel -Wl,--disable-new-dtags,-rpath,lib/../x
cc_ok $HARD prog.c -o rpath_abs -Wl,--disable-new-dtags,-rpath,/usr/lib/harden-test
cc_ok $HARD prog.c -o runpath_origin -Wl,--enable-new-dtags,-rpath,'$ORIGIN/../lib'
cc_ok $HARD prog.c -o runpath_tmp -Wl,--enable-new-dtags,-rpath,/tmp/x:/usr/lib
cc_ok $HARD prog.c -o runpath_empty -Wl,--enable-new-dtags,-rpath,/usr/lib::/lib
is "rpath: relative entry is a finding" "$(field rpath_rel '[.findings[].property]|join(",")')" "rpath"
is "rpath: absolute entry is fine" "$(field rpath_abs '.findings|length')" 0
is "rpath: absolute entry reported" "$(state rpath_abs rpath)" yes
is "runpath: \$ORIGIN is fine" "$(field runpath_origin '.findings|length')" 0
is "runpath: /tmp entry is a finding" "$(field runpath_tmp '[.findings[].property]|join(",")')" "runpath"
is "runpath: empty entry is a finding" "$(field runpath_empty '[.findings[].property]|join(",")')" "runpath"
mkdir -p ww && chmod 1777 ww
cc_ok $HARD prog.c -o runpath_ww -Wl,--enable-new-dtags,-rpath,"$WORK/ww"
is "runpath: world-writable directory is a finding" "$(field runpath_ww '[.findings[].property]|join(",")')" "runpath"

# --- CET: objects and a -nostdlib library carry the property note as built
cc_ok -c -O2 -fcf-protection=full lib.c -o cet.o
cc_ok -c -O2 -fcf-protection=none lib.c -o nocet.o
cc_ok -c -O2 -fcf-protection=branch lib.c -o ibtonly.o
is "ibt: -fcf-protection=full gives yes" "$(state cet.o ibt)" yes
is "shstk: -fcf-protection=full gives yes" "$(state cet.o shstk)" yes
is "ibt: -fcf-protection=none gives no" "$(state nocet.o ibt)" no
is "shstk: -fcf-protection=none gives no" "$(state nocet.o shstk)" no
is "ibt: branch only gives ibt yes" "$(state ibtonly.o ibt)" yes
is "shstk: branch only gives shstk no" "$(state ibtonly.o shstk)" no
contains "cet: IBT without SHSTK is named" "$(field ibtonly.o .shstk.reason > r.txt; echo r.txt)" "IBT without SHSTK"
cc_ok -shared -nostdlib -fPIC -fcf-protection=full lib.c -o cet.so
is "ibt: linked -fcf-protection=full library gives yes" "$(state cet.so ibt)" yes
expect_exit 1 "strict profile: a binary without CET has findings" "$HARDEN" scan -p strict "$WORK/nopie"

# --- static and static-pie
cc_ok -O2 -static prog.c -o static
cc_ok -O2 -static-pie prog.c -o static_pie
is "static: type static" "$(field static .type)" static
is "static: pie no" "$(state static pie)" no
is "static-pie: type static-pie (an executable, not a library)" "$(field static_pie .type)" static-pie
is "static-pie: pie yes" "$(state static_pie pie)" yes
is "static: canary unknown without DWARF (libc links __stack_chk_fail itself)" "$(state static canary)" unknown
strip -o static_stripped static
is "stripped static: canary unknown" "$(state static_stripped canary)" unknown
is "stripped static: fortify unknown" "$(state static_stripped fortify)" unknown
is "stripped: yes" "$(state static_stripped stripped)" yes
is "not stripped: no" "$(state static stripped)" no
cc_ok -O2 -g -static -fno-stack-protector prog.c -o static_g_nossp
cc_ok -O2 -g -static -fstack-protector-strong prog.c -o static_g_ssp
is "static with DWARF: -fno-stack-protector gives no" "$(state static_g_nossp canary)" no
is "static with DWARF: -fstack-protector-strong gives yes" "$(state static_g_ssp canary)" yes

# --- FORTIFY causes from the DWARF macro table (-g3 records -D options)
cc_ok -g3 -O0 -D_FORTIFY_SOURCE=2 prog.c -o f_req_o0 2>/dev/null
cc_ok -g3 -O2 -U_FORTIFY_SOURCE prog.c -o f_none
cause() { field "$1" '.findings[]|select(.property=="fortify").cause'; }
contains "fortify: -D_FORTIFY_SOURCE=2 at -O0 is named as requested but at -O0" "$(cause f_req_o0 > c1; echo c1)" "requested but built at -O0"
contains "fortify: a -g3 build without -D_FORTIFY_SOURCE says so" "$(cause f_none > c2; echo c2)" "without -D_FORTIFY_SOURCE"
cc_ok -g3 -O2 -D_FORTIFY_SOURCE=3 prog.c -o f3
is "dwarf: FORTIFY level recovered from the macro table" "$(field f3 '.dwarf.units[0].fortify_source')" 3
# a unit naming a macro table its file lacks (libdw 0.188 crashed on it, found by fuzzing)
objcopy --remove-section=.debug_macro f3 f3_nomacro
expect_exit 1 "dwarf: DW_AT_macros without .debug_macro is read, not a crash" "$HARDEN" scan --no-cache f3_nomacro
is "dwarf: ... and the FORTIFY level is not recorded" "$(field f3_nomacro '.dwarf.units[0].fortify_source')" -1

# --- a separate debug file is not the binary it describes
cc_ok -g $HARD prog.c -o withdebug
objcopy --only-keep-debug withdebug withdebug.debug
is "debug file: the binary is a pie" "$(state withdebug pie)" yes
is "debug file (objcopy --only-keep-debug): type debug" "$(field withdebug.debug .type)" debug
is "debug file: no verdict applies" "$(field withdebug.debug '[.pie,.relro,.canary,.fortify,.nx] | map(.state) | unique | join(",")')" n/a
expect_exit 0 "debug file: no findings, even under strict" "$HARDEN" scan -p strict withdebug.debug
if command -v eu-strip >/dev/null; then
	cp withdebug eu && eu-strip -f eu.debug eu
	is "debug file (eu-strip -f): type debug" "$(field eu.debug .type)" debug
	is "eu-strip -f: the stripped binary is still a pie" "$(state eu pie)" yes
fi

# --- e_machine EM_NONE (Guile's compiled .go files are such ET_DYN files): no program
cp lib.so nomachine.so && printf '\000\000' | dd of=nomachine.so bs=1 seek=18 conv=notrunc 2>/dev/null
is "EM_NONE: type other" "$(field nomachine.so .type)" other
is "EM_NONE: machine none" "$(field nomachine.so .machine)" none
expect_exit 0 "EM_NONE: no findings" "$HARDEN" scan nomachine.so
is "the same library with its machine: shared-lib" "$(field lib.so .type)" shared-lib

# --- stack clash, from DWARF
cc_ok -O2 -g -fstack-clash-protection prog.c -o clash
cc_ok -O2 -g -fno-stack-clash-protection prog.c -o noclash
is "stack_clash: -fstack-clash-protection gives yes" "$(state clash stack_clash)" yes
is "stack_clash: without gives no" "$(state noclash stack_clash)" no
is "stack_clash: no DWARF gives unknown" "$(state nx stack_clash)" unknown
# a producer without the options (what Go's cgo builds) says nothing about them
cc_ok -O2 -g -fno-stack-clash-protection -gno-record-gcc-switches prog.c -o norecord
is "stack_clash: unrecorded options give unknown, not no" "$(state norecord stack_clash)" unknown
is "stack_clash: the reason says the options are not recorded" \
	"$(field norecord .stack_clash.reason | grep -c 'record no compiler options')" 1
# clang records no options unless -grecord-command-line
if command -v clang >/dev/null 2>&1; then
	clang -O2 -g -fstack-clash-protection prog.c -o clang_clash 2>/dev/null
	clang -O2 -g -grecord-command-line -fstack-clash-protection prog.c -o clang_clash_rec 2>/dev/null
	clang -O2 -g -grecord-command-line prog.c -o clang_noclash_rec 2>/dev/null
	is "clang: stack_clash unknown without recorded options" "$(state clang_clash stack_clash)" unknown
	is "clang -grecord-command-line -fstack-clash-protection: yes" "$(state clang_clash_rec stack_clash)" yes
	is "clang -grecord-command-line without it: no" "$(state clang_noclash_rec stack_clash)" no
else
	skip "clang not installed: clang producers not checked"
fi
is "dwarf: optimization level recovered" "$(field clash '.dwarf.units[0].optimization')" 2

# --- BIND_NOW carried by DF_1_NOW alone (scanelf and checksec miss it)
cc_ok -O2 prog.c -o df1now -Wl,-z,relro,-z,now
# blank DT_FLAGS and DT_BIND_NOW tags (turn them into DT_DEBUG), keep DT_FLAGS_1
off=$(readelf -SW df1now | awk '$2==".dynamic"{print $5}')
size=$(readelf -SW df1now | awk '$2==".dynamic"{print $6}')
i=0
while [ $((i * 16)) -lt $((0x$size)) ]; do
	pos=$((0x$off + i * 16))
	tag=$(od -An -t u8 -j $pos -N 8 df1now | tr -d ' ')
	if [ "$tag" = 30 ] || [ "$tag" = 24 ]; then
		printf '\025\000\000\000\000\000\000\000' | dd of=df1now bs=1 seek=$pos conv=notrunc 2>/dev/null
	fi
	i=$((i + 1))
done
if readelf -dW df1now | grep -q 'FLAGS_1.*NOW' && ! readelf -dW df1now | grep -qE '\(FLAGS\)|BIND_NOW'; then
	is "bind_now: DF_1_NOW alone gives yes" "$(state df1now bind_now)" yes
	is "relro: DF_1_NOW alone gives full" "$(state df1now relro)" full
else
	notok "could not build a DF_1_NOW-only binary"
fi

# --- libc exports __*_chk but is not thereby fortified; it is not a PIE
libc=$(gcc -print-file-name=libc.so.6)
is "libc.so.6 is a shared library, not a PIE" "$(field "$libc" .type)" shared-lib
is "libc.so.6 exporting __*_chk is not counted as fortified" "$(field "$libc" .fortify.fortified_count)" 0

# --- clang, when installed
if command -v clang >/dev/null; then
	clang $HARD prog.c -o clang_good 2>/dev/null && clang -O2 -fno-stack-protector -U_FORTIFY_SOURCE -fno-PIE -no-pie prog.c -o clang_bad 2>/dev/null
	is "clang: hardened build passes" "$(field clang_good '.findings|length')" 0
	is "clang: canary no with -fno-stack-protector" "$(state clang_bad canary)" no
	is "clang: fortify no without -D_FORTIFY_SOURCE" "$(state clang_bad fortify)" no
	is "clang: pie no with -no-pie" "$(state clang_bad pie)" no
	clang -c -O2 -fcf-protection=full lib.c -o clang_cet.o
	is "clang: -fcf-protection=full gives IBT" "$(state clang_cet.o ibt)" yes
else
	skip "clang not installed"
fi

# --- 32-bit (gcc -m32) and big-endian (s390x binutils) files
if echo 'int main(void){return 0;}' | gcc -m32 -x c - -o /dev/null 2>/dev/null; then
	cc_ok -m32 -O2 -fstack-protector-strong -D_FORTIFY_SOURCE=2 prog.c -o p32
	cc_ok -m32 -O2 -fno-stack-protector -no-pie prog.c -o p32_bad
	is "32-bit: class" "$(field p32 .class)" 32
	is "32-bit: machine" "$(field p32 .machine)" i386
	is "32-bit: canary yes" "$(state p32 canary)" yes
	is "32-bit: canary no" "$(state p32_bad canary)" no
	is "32-bit: pie no" "$(state p32_bad pie)" no
	is "32-bit: fortify yes" "$(state p32 fortify)" yes
else
	skip "gcc -m32 unavailable (gcc-multilib)"
fi
if command -v s390x-linux-gnu-as >/dev/null; then
	printf '.text\n.globl _start\n_start: br %%r14\n.section .note.GNU-stack,"",@progbits\n' > be.s
	s390x-linux-gnu-as be.s -o be.o && s390x-linux-gnu-ld -z relro be.o -o be && s390x-linux-gnu-ld -z execstack be.o -o be_x
	is "big-endian: endian" "$(field be .endian)" big
	is "big-endian: machine" "$(field be .machine)" s390
	is "big-endian: static" "$(field be .type)" static
	is "big-endian: nx yes" "$(state be nx)" yes
	is "big-endian: -z execstack gives nx no" "$(state be_x nx)" no
	is "big-endian: CET n/a on s390" "$(state be ibt)" "n/a"
else
	skip "s390x binutils unavailable (binutils-s390x-linux-gnu)"
fi

# --- exit status and policy
expect_exit 0 "exit 0 for a clean binary" "$HARDEN" scan "$WORK/relro_full"
cc_ok $HARD -fno-PIE -no-pie prog.c -o nopie_only
expect_exit 1 "exit 1 for findings" "$HARDEN" scan "$WORK/nopie_only"
expect_exit 0 "--ignore drops a finding" "$HARDEN" scan --ignore pie "$WORK/nopie_only"
expect_exit 1 "--require adds one" "$HARDEN" scan --require stack_clash "$WORK/noclash"
expect_exit 2 "unknown property is a usage error" "$HARDEN" scan --require bogus "$WORK/nopie"
expect_exit 2 "unknown profile is a usage error" "$HARDEN" scan -p bogus "$WORK/nopie"
if [ "${HARDEN_SAN:-}" = 1 ]; then
	skip "self-scan: the sanitizer build is not the product (no FORTIFY under ASan)"
else
	expect_exit 0 "harden passes its own default policy" "$HARDEN" scan "$HARDEN"
fi

done_testing
