# harden diff and harden history on two repositories that differ by a
# removed package, a downgrade, a binary rebuilt without RELRO and a new
# package; compared as directories, as a package list, and as recorded runs.
. "$TOP/tests/lib.sh"
. "$TOP/tests/pkg/fixtures.inc"

mkdir -p "$WORK/bin" "$WORK/old" "$WORK/new"
build_bins "$WORK/bin" || { notok "compile test binaries"; done_testing; exit; }
for p in keep:1.0 down:2.0 relro:1.0 gone:1.0; do make_deb "$WORK/old" "${p%:*}" "${p#*:}" "$WORK/bin/good"; done
make_deb "$WORK/new" keep 1.0 "$WORK/bin/good"
make_deb "$WORK/new" down 1.9 "$WORK/bin/good"
make_deb "$WORK/new" relro 1.0 "$WORK/bin/norelro"
make_pkgsrc "$WORK/new" fresh 0.1 "$WORK/bin/good"

expect_exit 1 "diff of two directories finds trouble" "$HARDEN" diff "$WORK/old" "$WORK/new"
contains "removed package reported" "$WORK/out" '^disappeared +gone \(amd64\) 1.0$'
contains "new package reported" "$WORK/out" '^appeared +fresh \(x86_64\) 0.1$'
contains "downgrade flagged" "$WORK/out" '^downgraded +down \(amd64\) 2.0 -> 1.9$'
contains "RELRO regression per package and file" "$WORK/out" '^regression +relro usr/bin/relro: relro full -> none$'
lacks "unchanged package not reported" "$WORK/out" ' keep'
contains "summary line" "$WORK/out" '^summary: 1 disappeared, 1 appeared, 1 downgraded, 0 upgraded, [1-9][0-9]* regressions'

expect_exit 0 "a repository against itself is clean" "$HARDEN" diff "$WORK/old" "$WORK/old"
contains "clean summary" "$WORK/out" '^summary: 0 disappeared, 0 appeared, 0 downgraded, 0 upgraded, 0 regressions'
expect_exit 0 "improvements and upgrades alone exit 0" "$HARDEN" diff "$WORK/new/relro_1.0_amd64.deb" "$WORK/old/relro_1.0_amd64.deb"
contains "improvement reported" "$WORK/out" '^improvement +relro usr/bin/relro: relro none -> full$'

expect_exit 1 "JSON diff" "$HARDEN" diff -f json "$WORK/old" "$WORK/new"
contains "JSON regression record" "$WORK/out" '^\{"change":"regression","package":"relro","file":"usr/bin/relro","property":"relro","before":"full","after":"none","bad":true\}$'
contains "JSON disappeared record" "$WORK/out" '^\{"change":"disappeared","package":"gone","arch":"amd64","before":"1.0","bad":true\}$'
expect_exit 1 "SARIF diff" "$HARDEN" diff -f sarif -o "$WORK/d.sarif" "$WORK/old" "$WORK/new"
contains "SARIF version" "$WORK/d.sarif" '"version": "2.1.0"'
contains "SARIF regression result" "$WORK/d.sarif" '"ruleId": "regression"'
contains "SARIF downgrade result" "$WORK/d.sarif" '"ruleId": "downgraded"'
lacks "SARIF leaves out good news" "$WORK/d.sarif" '"ruleId": "appeared"'

# loose files: matched by their path inside each directory
mkdir -p "$WORK/lo/bin" "$WORK/ln/bin"
cp "$WORK/bin/good" "$WORK/lo/bin/x" && cp "$WORK/bin/good" "$WORK/lo/bin/y" && cp "$WORK/bin/norelro" "$WORK/ln/bin/x"
expect_exit 1 "diff of two trees of loose files" "$HARDEN" diff "$WORK/lo" "$WORK/ln/"
contains "loose file regression by relative path" "$WORK/out" '^regression +\(loose files\) bin/x: relro full -> none$'
contains "loose file removed" "$WORK/out" '^file-removed +\(loose files\) bin/y$'

# a package list on one side
ls "$WORK"/new/* >"$WORK/new.list"
expect_exit 1 "diff against a package list" "$HARDEN" diff "$WORK/old" "$WORK/new.list"
contains "list side: removed package" "$WORK/out" '^disappeared +gone'

# recorded runs
DB=$WORK/hist/h.db
expect_exit 0 "scan old repository into the history" "$HARDEN" scan --db "$DB" "$WORK/old"
contains "run id announced" "$WORK/err" 'recorded as run 1'
expect_exit 1 "scan new repository into the history" "$HARDEN" scan --db "$DB" "$WORK/new"
expect_exit 1 "diff of recorded runs by id" "$HARDEN" diff --db "$DB" 1 2
contains "runs: regression" "$WORK/out" '^regression +relro usr/bin/relro: relro full -> none$'
contains "runs: downgrade" "$WORK/out" '^downgraded +down'
expect_exit 1 "diff previous latest" "$HARDEN" diff --db "$DB" previous latest
contains "previous/latest labels" "$WORK/out" '^harden diff: run 1 \(4 packages\) -> run 2 \(4 packages\)'
expect_exit 1 "a run against a directory" "$HARDEN" diff --db "$DB" 1 "$WORK/new"
expect_exit 2 "unknown run id" "$HARDEN" diff --db "$DB" 7 latest
contains "unknown run named" "$WORK/err" 'no run 7'

expect_exit 1 "history shows the RELRO drop" "$HARDEN" history --db "$DB" relro
contains "history lists both runs" "$WORK/out" '^2 +[0-9T:Z-]+ +1.0 +1 '
contains "dropped coverage marked" "$WORK/out" ' 0/1! '
expect_exit 0 "history of an unchanged package" "$HARDEN" history --db "$DB" -f json keep
contains "history JSON" "$WORK/out" '"package":"keep","run":2,.*"relro":\{"good":1,"applicable":1\}'
expect_exit 2 "history without a database" "$HARDEN" history --db "$WORK/none.db" keep
contains "missing database named" "$WORK/err" "no history database at $WORK/none.db"
check "and not created" test ! -e "$WORK/none.db"
expect_exit 2 "diff of a run without a database" "$HARDEN" diff --db "$WORK/none.db" 1 "$WORK/new"
expect_exit 2 "history of an unknown package" "$HARDEN" history --db "$DB" nosuch
contains "unknown package named" "$WORK/err" "no recorded run has a package named 'nosuch'"

# XDG default path
XDG_DATA_HOME=$WORK/xdg "$HARDEN" scan --record "$WORK/new" >/dev/null 2>&1
check "--record writes under XDG_DATA_HOME" test -s "$WORK/xdg/harden/harden.db"
expect_exit 0 "history reads the default database (one run: nothing dropped)" env XDG_DATA_HOME="$WORK/xdg" "$HARDEN" history relro
done_testing
