# Cross-check harden against facts derived independently from `readelf -W`
# on a sample of this machine's own binaries (and its libraries).
. "$TOP/tests/lib.sh"

sample=$(ls /usr/bin/* /usr/lib/x86_64-linux-gnu/*.so.* 2>/dev/null | while read -r f; do
	[ -f "$f" ] && [ ! -L "$f" ] && head -c4 "$f" 2>/dev/null | grep -q 'ELF' && echo "$f"
done | awk 'NR % 7 == 1' | head -80)
n=$(echo "$sample" | wc -l)
[ "$n" -ge 10 ] || { notok "found only $n system ELF files to compare"; done_testing; exit; }

echo "$sample" > "$WORK/list"
"$HARDEN" scan --no-dwarf --format json --from "$WORK/list" > "$WORK/all.json" 2>"$WORK/err"
rc=$?
if [ $rc -le 1 ]; then ok "scan of $n system files completes (exit $rc)"; else notok "scan of system files exit $rc"; fi
is_json_lines() { jq -e . "$WORK/all.json" >/dev/null; }
check "JSON output is one valid object per line" is_json_lines
is() { if [ "$2" = "$3" ]; then ok "$1"; else notok "$1: harden '$2', readelf '$3'"; fi; }

mismatch=0
for f in $sample; do
	h=$(jq -c --arg p "$f" 'select(.path==$p) | [.pie.state, .relro.state, .bind_now.state, .nx.state, .canary.state, .textrel.state]' "$WORK/all.json")
	hdr=$(readelf -hW "$f"); dyn=$(readelf -dW "$f"); seg=$(readelf -lW "$f")
	type=$(echo "$hdr" | awk '/Type:/{print $2}')
	interp=$(echo "$seg" | grep -c 'INTERP')
	soname=$(echo "$dyn" | grep -c '(SONAME)')
	if echo "$dyn" | grep -q 'FLAGS_1.*PIE' || { [ "$type" = DYN ] && [ "$interp" -gt 0 ] && [ "$soname" -eq 0 ]; }; then pie=yes
	elif [ "$type" = DYN ]; then pie="n/a"; else pie=no; fi
	if echo "$dyn" | grep -qE '\(BIND_NOW\)|FLAGS\).*BIND_NOW|FLAGS_1.*NOW'; then now=yes; else now=no; fi
	if echo "$seg" | grep -q GNU_RELRO; then
		if [ $now = yes ]; then relro=full; else relro=partial; fi
	else relro=none; fi
	stack=$(echo "$seg" | awk '/GNU_STACK/{print $(NF-1)}')
	case "$stack" in RW) nx=yes ;; *) nx=no ;; esac
	if readelf --dyn-syms -W "$f" | awk '$7=="UND"' | grep -q '__stack_chk_fail'; then canary=yes; else canary='no|yes'; fi
	if echo "$dyn" | grep -qE '\(TEXTREL\)|FLAGS\).*TEXTREL'; then textrel=yes; else textrel=no; fi
	want="[\"$pie\",\"$relro\",\"$now\",\"$nx\",\"$canary\",\"$textrel\"]"
	# canary without an import can still be "yes" by DWARF; we ran --no-dwarf so it must be "no"
	want=$(echo "$want" | sed 's/no|yes/no/')
	if echo "$dyn" | grep -q 'no dynamic section'; then
		# static: nothing bound lazily, and libc links __stack_chk_fail itself
		if [ "$relro" = partial ]; then relro=full; fi
		want="[\"$pie\",\"$relro\",\"n/a\",\"$nx\",\"unknown\",\"$textrel\"]"
	fi
	if [ "$h" != "$want" ]; then
		mismatch=$((mismatch + 1))
		echo "# $f: harden $h readelf $want"
	fi
done
is "harden agrees with readelf on pie/relro/bind_now/nx/canary/textrel for $n files" "$mismatch" 0
done_testing
