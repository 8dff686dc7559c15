# harden scan as a command: inputs, bad input, ordering, formats, exit status.
. "$TOP/tests/lib.sh"
cd "$WORK" || exit 1
H=$HARDEN
jqt() { jq -e "$@" >/dev/null; }

printf '#include <string.h>\n#include <stdio.h>\nint main(int c, char **v){char b[64]; strcpy(b, v[0]); puts(b); return c;}\n' > m.c
gcc -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong -Wl,-z,relro,-z,now m.c -o good
gcc -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong -Wl,-z,relro,-z,now -no-pie m.c -o bad
mkdir -p tree/sub
cp good tree/a; cp bad tree/sub/b; echo '#!/bin/sh' > tree/script; : > tree/empty

expect_exit 0 "--help exits 0" "$H" scan --help
contains "--help lists --format" "$WORK/out" "--format"
expect_exit 2 "no path is a usage error" "$H" scan
expect_exit 2 "unknown option is a usage error" "$H" scan --bogus good
expect_exit 2 "unknown format is a usage error" "$H" scan -f xml good

expect_exit 1 "directory scan finds the bad binary" "$H" scan tree
contains "directory scan lists the nested file" "$WORK/out" "tree/sub/b"
contains "non-ELF files are skipped and counted" "$WORK/out" "2 ELF files, 2 not ELF"
contains "coverage over every ELF file has no base" "$WORK/out" ": pie 50% relro [0-9]*% bind_now [0-9]*% canary"
gcc -g -O2 -fstack-clash-protection m.c -o with_dwarf
expect_exit 1 "a file with DWARF beside one without" "$H" scan --no-cache good with_dwarf
contains "coverage over fewer files names its base" "$WORK/out" " stack_clash 100% of 1$"

# --exclude: a name, or a path with a '/'; a root named on the command line is never left out
expect_exit 0 "--exclude NAME leaves out a directory" "$H" scan --exclude sub tree
lacks "--exclude NAME: the directory's file is not scanned" "$WORK/out" "tree/sub/b"
contains "--exclude NAME: the rest is" "$WORK/out" "tree/a"
expect_exit 0 "--exclude PATH-GLOB" "$H" scan --exclude '*/sub/*' tree
lacks "--exclude PATH-GLOB: the matching file is left out" "$WORK/out" "tree/sub/b"
expect_exit 1 "--exclude does not apply to a root named on the command line" "$H" scan --exclude b tree/sub/b
printf 'exclude = sub\n' > excl.conf
expect_exit 0 "exclude = GLOB in the configuration" env HARDEN_CONF="$WORK/excl.conf" "$H" scan tree
lacks "configuration exclude: the directory is left out" "$WORK/out" "tree/sub/b"
printf 'tree\n' > list
expect_exit 0 "--exclude applies to a directory in a --from list" "$H" scan --exclude sub --from list
lacks "--from directory: excluded entry left out" "$WORK/out" "tree/sub/b"

expect_exit 0 "an empty file named explicitly is skipped, not an error" "$H" scan tree/empty good
contains "the empty file is counted as not ELF" "$WORK/out" "1 not ELF"

expect_exit 2 "a missing file is exit 2" "$H" scan good nonexistent bad
contains "the missing file is named" "$WORK/err" "nonexistent: No such file"
contains "the other inputs are still reported" "$WORK/out" "bad"

head -c 300 good > truncated
expect_exit 2 "a truncated ELF is exit 2" "$H" scan truncated good
contains "the truncated ELF gets one clear error" "$WORK/err" "truncated: .*(outside|truncated)"
n=$(grep -c truncated "$WORK/err")
if [ "$n" = 1 ]; then ok "exactly one error line for it"; else notok "$n error lines for one bad file"; fi

# special files named explicitly: skipped, never read (a FIFO would block)
mkfifo fifo
expect_exit 0 "a FIFO named explicitly does not hang the scan" timeout 10 "$H" scan fifo /dev/null good
contains "the FIFO and the device are counted as not ELF" "$WORK/out" "1 ELF files, 2 not ELF"

# symlinks: not followed out of the tree unless --follow; loops end
mkdir -p loop/inner
cp good loop/inner/x
ln -s .. loop/inner/up
ln -s "$WORK/bad" loop/outside
expect_exit 0 "symlinks inside a tree are not followed by default" "$H" scan loop
lacks "the link out of the tree is not scanned" "$WORK/out" "outside"
expect_exit 2 "--follow reports the directory loop" "$H" scan --follow loop
contains "the loop is named" "$WORK/err" "already visited"
contains "--follow scans through the link" "$WORK/out" "loop/outside"

# --from, stdin, order under parallel workers
for i in $(seq 1 40); do cp good "p$i"; [ $((i % 3)) = 0 ] && cp bad "p$i"; done
seq 1 40 | sed 's/^/p/' > list
expect_exit 1 "--from a list" "$H" scan --from list -j 2 -f json
jq -r .path "$WORK/out" > order
if cmp -s order list; then ok "output follows input order with -j 2"; else notok "output order differs from input"; fi
expect_exit 1 "--from - reads stdin" sh -c "'$H' scan --from - -f json < list"
if [ "$(wc -l < "$WORK/out")" = 40 ]; then ok "stdin list gives 40 records"; else notok "stdin list gave $(wc -l < "$WORK/out") records"; fi
# --from lines are not stat'ed up front: a directory is expanded where it
# stands in the list, a missing path is an error record, the rest goes on
mkdir -p fromdir/sub && cp good fromdir/a && cp bad fromdir/sub/b
printf 'p1\nfromdir\nno-such-file\np2\n' > list2
expect_exit 2 "--from with a directory and a missing path" "$H" scan --from list2 -j 2 -f json
check "the directory's files come in its place, in order" test "$(jq -r .path "$WORK/out" | tr '\n' ' ')" = "p1 fromdir/a fromdir/sub/b no-such-file p2 "
check "the missing path is an error record" jqt -s 'map(select(.path=="no-such-file"))[0].error | test("cannot open")' "$WORK/out"

# formats
expect_exit 1 "--output writes a file" "$H" scan -f json -o report.json good bad
check "the JSON file has two records" test "$(wc -l < report.json)" = 2
check "JSON record has the stable names" jqt 'select(.path=="bad") | .class==64 and .machine=="x86_64" and .type=="exec" and .pie.state=="no" and (.findings[0].property=="pie") and (.relro|has("reason"))' report.json
expect_exit 2 "JSON reports an unreadable input as a record with an error" "$H" scan -f json truncated
check "the error record names the file" jqt '.path=="truncated" and (.error|length>0)' "$WORK/out"

expect_exit 2 "SARIF output records unreadable inputs as notifications" "$H" scan -f sarif truncated
check "SARIF notification names the unreadable file" jqt '.runs[0].invocations[0].toolExecutionNotifications[0].message.text|test("outside|truncated")' "$WORK/out"
expect_exit 1 "SARIF output" "$H" scan -f sarif good bad
check "SARIF is JSON with version 2.1.0" jqt '.version=="2.1.0" and (.runs[0].results|length)==1 and .runs[0].results[0].ruleId=="pie"' "$WORK/out"
cp "$WORK/out" report.sarif
mt=${SARIF_MULTITOOL:-$TOP/build/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool}
if [ -x "$mt" ]; then
	DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$mt" validate report.sarif -o validation.sarif >/dev/null 2>&1
	check "SARIF passes Microsoft's SARIF validator with no error" jqt '[.runs[0].results[]? | select(.level=="error")] | length == 0' validation.sarif
else
	skip "SARIF multitool not installed (make deps installs it where npm exists)"
fi

# unreadable file, as an unprivileged user (root reads everything)
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	cp good secret; chmod 000 secret; chmod 755 "$WORK"
	expect_exit 2 "an unreadable file is exit 2" setpriv --reuid=65534 --regid=65534 --clear-groups "$H" scan secret
	contains "the unreadable file is named" "$WORK/err" "secret: cannot open: Permission denied"
else
	chmod 000 good 2>/dev/null
	expect_exit 2 "an unreadable file is exit 2" "$H" scan good
	chmod 644 good
fi

# configuration: $HARDEN_CONF sets the profile and adjustments; flags override it
printf '# site policy\nprofile = strict\nignore = ibt, shstk\n' > strict.conf
expect_exit 1 "HARDEN_CONF profile = strict applies (CET required again by --require)" env HARDEN_CONF=strict.conf "$H" scan --require ibt good
expect_exit 0 "HARDEN_CONF ignore applies" env HARDEN_CONF=strict.conf "$H" scan good
expect_exit 0 "a flag overrides the configuration" env HARDEN_CONF=strict.conf "$H" scan -p default good
printf 'profile = bogus\n' > bad.conf
expect_exit 2 "a bad configuration value is an error" env HARDEN_CONF=bad.conf "$H" scan good
contains "the error names file and line" "$WORK/err" "bad.conf:1: unknown profile"
printf 'just words\n' > bad2.conf
expect_exit 2 "a malformed configuration line is an error" env HARDEN_CONF=bad2.conf "$H" scan good
contains "the malformed line is named" "$WORK/err" "bad2.conf:1: expected 'key = value'"

# colour only on a terminal, never in files
expect_exit 1 "--color=always colours" "$H" scan --color always bad
contains "ANSI colour present with --color=always" "$WORK/out" "$(printf '\033')\\["
expect_exit 1 "no colour when not a terminal" "$H" scan bad
lacks "no ANSI colour in a pipe" "$WORK/out" "$(printf '\033')"

done_testing
