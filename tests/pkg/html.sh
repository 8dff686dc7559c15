# The HTML report, rendered in a real headless Chromium (skipped when
# Debian's chromium is not installed: it is too heavy for every CI run).
. "$TOP/tests/lib.sh"
. "$TOP/tests/pkg/fixtures.inc"

R=$WORK/repo
mkdir -p "$R" "$WORK/bin"
build_bins "$WORK/bin" || { notok "compile test binaries"; done_testing; exit; }
make_deb "$R" hgood 1.0 "$WORK/bin/good"
make_deb "$R" hbad 2.0 "$WORK/bin/bad" xz 4755
make_pkgsrc "$R" 'p<script>' 1.0 "$WORK/bin/norelro"

expect_exit 1 "HTML report written" "$HARDEN" scan -f html -o "$WORK/r.html" "$R"
H=$WORK/r.html
contains "a complete document" "$H" '^<!DOCTYPE html>'
contains "summary in the page" "$H" '<p id=summary>3 packages, 3 ELF files, 2 with findings'
contains "coverage chart drawn as inline SVG" "$H" '<figure id=coverage-chart>.*<svg'
contains "worst packages chart" "$WORK/r.html" '<figure id=worst-chart>'
lacks "self-contained: no external script, style or image" "$H" '<script src|<link |<img |@import|url\('
lacks "self-contained: nothing fetched over the network" "$H" '(src|href)="?https?:'
lacks "untrusted names are escaped" "$H" 'p<script>'
contains "escaped name present" "$H" 'p&lt;script&gt;'

CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
	skip "chromium absent (apt-get install chromium): report not rendered"
	done_testing
	exit
fi
chrome() {
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --user-data-dir="$WORK/profile" "$@" 2>/dev/null
}
chrome --screenshot="$WORK/shot.png" --window-size=1280,2000 "file://$H" >/dev/null
check "screenshot taken" test -s "$WORK/shot.png"
check "screenshot is not blank (> 20 kB)" [ "$(wc -c <"$WORK/shot.png")" -gt 20000 ]
chrome --dump-dom "file://$H" >"$WORK/dom"
contains "script ran without error" "$WORK/dom" '<body data-ready="1">'
contains "packages table rendered with a row per package" "$WORK/dom" '<table id="packages" class="sortable">'
check "three package rows" [ "$(grep -c '^<tr><td title=' "$WORK/dom")" -eq 3 ]
contains "files table rendered" "$WORK/dom" '<table id="files" class="sortable">'
contains "bad file row with its RELRO cell" "$WORK/dom" '<td>hbad</td><td>usr/bin/hbad <b class="bad">setuid</b></td>.*<td class="bad" title="[^"]*">none</td>'
contains "coverage bars in the DOM" "$WORK/dom" '<g class="bar"><text x="0" y="15">pie</text><rect x="170" y="2" width="266.7"'
contains "worst package bar" "$WORK/dom" '<text x="0" y="15">hbad</text>'
chrome --dump-dom "file://$H#filter=hgood" >"$WORK/dom2"
contains "filter from the URL applied" "$WORK/dom2" '<span id="packages-count">1</span>'
contains "filtered-out rows hidden" "$WORK/dom2" '<tr style="display: none;"><td title="[^"]*">hbad</td>'
done_testing
