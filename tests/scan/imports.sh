# Big symbol tables are read by their imports only (src/elf/imports.c): the
# GNU hash table for .dynsym, the globals of an object's .symtab, names in
# runs. Here the canary and FORTIFY evidence of such files must equal what
# readelf lists as undefined symbols, on binaries built to exercise each
# path, and on the biggest libraries of this machine.
. "$TOP/tests/lib.sh"
command -v gcc >/dev/null && command -v readelf >/dev/null || { skip "gcc or readelf missing"; done_testing; exit; }

# The fortifiable names, as harden's table has them.
sed -n '/^static const char \*const fortifiable\[\]/,/^};/p' "$TOP/src/elf/names.c" |
	grep -o '"[a-z0-9_]*"' | tr -d '"' | sort > "$WORK/fortifiable"

# expected FILE dynsym|symtab: "canary fortified... | unfortified..." from readelf's undefined symbols
expected() {
	if [ "$2" = dynsym ]; then readelf --dyn-syms -W "$1"; else readelf --syms -W "$1"; fi |
		awk '$7 == "UND" && $8 != "" { sub(/@.*/, "", $8); print $8 }' | sort -u > "$WORK/und"
	canary=no
	grep -qxE '__stack_chk_fail|__stack_chk_guard|__stack_chk_fail_local' "$WORK/und" && canary=yes
	fort=$(sed -n 's/^__\(.*\)_chk$/\1/p' "$WORK/und" | sort -u | tr '\n' ' ')
	unf=$(comm -12 "$WORK/und" "$WORK/fortifiable" | tr '\n' ' ')
	echo "$canary $fort| $unf"
}
# got FILE: the same from harden's JSON
got() {
	"$HARDEN" scan --no-dwarf --format json "$1" > "$WORK/one.json" 2>/dev/null
	jq -r '[(if .canary.state == "yes" then "yes" else "no" end),
		((.fortify.fortified // []) | sort | join(" ")), "|", ((.fortify.unfortified // []) | sort | join(" "))] | join(" ")' \
		"$WORK/one.json" | sed 's/  */ /g; s/ *$//'
}
same() {
	e=$(expected "$1" "$2" | sed 's/  */ /g; s/ *$//; s/ |/|/; s/| /| /')
	g=$(got "$1" | sed 's/ |/|/')
	if [ "$e" = "$g" ]; then ok "$3"; else notok "$3: harden '$g', readelf '$e'"; fi
}

# Many exported functions make the tables big enough for the imports path.
gen() {
	i=0
	while [ $i -lt 3000 ]; do echo "$1 int f_$i(int x) { return x + $i; }"; i=$((i + 1)); done
	cat <<'EOF'
#include <string.h>
#include <stdio.h>
char buf[64];
int use(const char *s, char *d, size_t n) {
	char local[32];
	strcpy(local, s);            /* unknown size: stays unfortified at -O0, __strcpy_chk at -O2 */
	memcpy(d, s, n);
	snprintf(buf, sizeof(buf), "%s", local);
	return local[0];
}
EOF
}
gen "" > "$WORK/big.c"
gcc -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-all -fPIC -shared "$WORK/big.c" -o "$WORK/libbig.so" 2>/dev/null &&
	same "$WORK/libbig.so" dynsym "fortified shared library with a big .dynsym: same imports as readelf"
gcc -O0 -fno-stack-protector -fPIC -shared "$WORK/big.c" -o "$WORK/libbig0.so" 2>/dev/null &&
	same "$WORK/libbig0.so" dynsym "unfortified shared library with a big .dynsym: same imports as readelf"
s=$(readelf -SW "$WORK/libbig.so" | awk '/\.dynsym|\.dynstr/ { s += strtonum("0x" $6) } END { print s + 0 }')
if [ "$s" -gt 65536 ]; then ok "the fixture's tables ($s bytes) take the imports path"; else notok "fixture tables only $s bytes"; fi

# An executable that takes a libc function's address keeps that import in
# the hashed part of .dynsym (a canonical PLT entry): found by lookup.
{ gen ""; echo 'int main(int c, char **v) { char *(*volatile p)(char *, const char *) = strcpy; char b[8]; p(b, "x"); return use(v[0], b, (size_t)c); }'; } > "$WORK/exe.c"
if gcc -O0 -no-pie -fno-PIE -rdynamic "$WORK/exe.c" -o "$WORK/exe" 2>/dev/null; then
	if readelf --dyn-syms -W "$WORK/exe" | awk '$7 == "UND" && $2 !~ /^0+$/' | grep -q ' strcpy'; then
		ok "fixture: strcpy is an undefined symbol with a PLT address (hashed)"
	else
		notok "fixture: strcpy is not a hashed undefined symbol"
	fi
	same "$WORK/exe" dynsym "executable with a hashed import: same imports as readelf"
fi

# A relocatable object with thousands of locals before its few globals.
gen static > "$WORK/obj.c"
echo 'int keep(int x) { int s = 0; ' >> "$WORK/obj.c"
i=0; while [ $i -lt 3000 ]; do echo "s += f_$i(x);" >> "$WORK/obj.c"; i=$((i + 1)); done
echo 'return s; }' >> "$WORK/obj.c"
gcc -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-all -fno-inline -c "$WORK/obj.c" -o "$WORK/obj.o" 2>/dev/null &&
	same "$WORK/obj.o" symtab "object with a big .symtab: same imports as readelf"

# The biggest shared libraries and executables of this machine.
n=0
for f in $(ls -S /usr/lib/x86_64-linux-gnu/*.so.* /usr/bin/* 2>/dev/null | head -40); do
	[ -f "$f" ] && [ ! -L "$f" ] && head -c4 "$f" | grep -q ELF || continue
	readelf -hW "$f" | grep -q 'Type: *\(DYN\|EXEC\)' || continue
	readelf -lW "$f" | grep -q DYNAMIC || continue
	e=$(expected "$f" dynsym | sed 's/  */ /g; s/ *$//; s/ |/|/')
	g=$(got "$f" | sed 's/ |/|/')
	if [ "$e" != "$g" ]; then
		notok "$f: harden '$g', readelf '$e'"
	fi
	n=$((n + 1))
	[ $n -ge 12 ] && break
done
[ $n -gt 0 ] && ok "the $n biggest system binaries checked against readelf"
done_testing
