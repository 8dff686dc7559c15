# Linux kernel modules: told by .modinfo, judged by the kernel's defences
# (__stack_chk_fail, fortify_panic), not by user space's. First objects
# carrying the markers, built with gcc; then real modules built against the
# installed kernel headers (scripts/deps.sh installs linux-headers-ARCH).
. "$TOP/tests/lib.sh"
cd "$WORK" || exit 1


cat > obj.c <<'C'
#include <string.h>
extern void fortify_panic(int);
int f(const char *s) { char b[32]; strcpy(b, s); if (b[0] == 'x') fortify_panic(1); return (int)strlen(b); }
C
cat > modinfo.c <<'C'
__attribute__((used, section(".modinfo"))) static const char license[] = "license=GPL";
C
gcc -O2 -fno-stack-protector -c obj.c -o plain.o
gcc -O2 -fno-stack-protector -c obj.c -o part.o && gcc -c modinfo.c -o info.o && ld -r part.o info.o -o marked.ko
gcc -O2 -fstack-protector-all -c obj.c -o part2.o && ld -r part2.o info.o -o marked_ssp.ko

is "object: type rel" "$(field plain.o .type)" rel
is "object: no canary" "$(field plain.o .canary.state)" no
is ".modinfo: type kmod" "$(field marked.ko .type)" kmod
is ".modinfo: no __stack_chk_fail is unknown, not a finding" "$(field marked.ko .canary.state)" unknown
is ".modinfo: __stack_chk_fail gives yes" "$(field marked_ssp.ko .canary.state)" yes
is ".modinfo: fortify_panic gives yes" "$(field marked.ko .fortify.state)" yes
printf 'int g(int n) { return n * 2; }\n' > bare.c
gcc -O2 -c bare.c -o bare.o && ld -r bare.o info.o -o bare.ko
is ".modinfo: no fortify_panic is n/a (libc's __*_chk do not apply)" "$(field bare.ko .fortify.state)" n/a
is ".modinfo: no PIE, RELRO, NX or CET verdicts" \
	"$(field marked.ko '[.pie.state, .relro.state, .nx.state, .ibt.state, .stack_clash.state] | unique | join(",")')" n/a
expect_exit 0 "a kernel module has no user-space findings" "$HARDEN" scan -p strict marked.ko
contains "the text table says kmod" "$WORK/out" "^kmod "

hdr=$(ls -d /usr/src/linux-headers-*/ 2>/dev/null | while read -r d; do [ -f "$d/Makefile" ] && [ -d "$d/scripts" ] && echo "$d"; done | head -1)
if [ -n "$hdr" ]; then
	mkdir -p km km_nossp
	cat > km/hello.c <<'C'
#include <linux/module.h>
#include <linux/string.h>
static char buf[64];
static int __init hello_init(void)
{
	char local[32];
	strscpy(local, "hello", sizeof(local));
	memcpy(buf, local, strlen(local) + 1);
	pr_info("%s\n", buf);
	return 0;
}
static void __exit hello_exit(void) { }
module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
C
	cp km/hello.c km_nossp/
	echo 'obj-m := hello.o' > km/Kbuild
	printf 'obj-m := hello.o\nccflags-y := -fno-stack-protector\n' > km_nossp/Kbuild
	if make -C "$hdr" M="$WORK/km" modules >km.log 2>&1 && make -C "$hdr" M="$WORK/km_nossp" modules >>km.log 2>&1; then
		is "kbuild module: type kmod" "$(field km/hello.ko .type)" kmod
		is "kbuild module: the kernel's stack protector" "$(field km/hello.ko .canary.state)" yes
		is "kbuild module: the kernel's FORTIFY_SOURCE" "$(field km/hello.ko .fortify.state)" yes
		is "kbuild module with -fno-stack-protector: unknown" "$(field km_nossp/hello.ko .canary.state)" unknown
		expect_exit 0 "kbuild module: no findings" "$HARDEN" scan km/hello.ko
		# built through harden cc: kbuild's own -fno-PIE, -fcf-protection=none... win, no FORTIFY under -nostdinc
		mkdir -p km_wrapped hbin && cp km/hello.c km/Kbuild km_wrapped/
		"$HARDEN" cc --setup "$WORK/hbin" >/dev/null 2>&1
		if HARDEN_LOG="$WORK/kmw.log" PATH="$WORK/hbin:$PATH" make -C "$hdr" M="$WORK/km_wrapped" CC="$WORK/hbin/gcc" modules >kmw.out 2>&1; then
			ok "kbuild module through harden cc: builds"
			is "harden cc: FORTIFY dropped under -nostdinc" \
				"$(jq -r 'select(.inputs | tostring | test("hello.c")) | .dropped.fortify' kmw.log | head -1)" \
				"-nostdinc: no libc headers to fortify"
			expect_exit 0 "harden cc: the wrapped module scans clean" "$HARDEN" scan km_wrapped/hello.ko
		else
			notok "kbuild module through harden cc: build failed: $(tail -3 kmw.out)"
		fi
	else
		notok "building a module against $hdr failed: $(tail -3 km.log)"
	fi
else
	skip "no kernel headers (apt-get install linux-headers-$(dpkg --print-architecture 2>/dev/null)): real modules not built"
fi

done_testing
