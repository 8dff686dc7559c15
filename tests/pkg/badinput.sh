# Bad archives in a repository: each gives one error naming the archive
# (and the member), the other packages are still scanned, exit status 2.
. "$TOP/tests/lib.sh"
. "$TOP/tests/pkg/fixtures.inc"

R=$WORK/repo
mkdir -p "$R" "$WORK/bin"
build_bins "$WORK/bin" || { notok "compile test binaries"; done_testing; exit; }
make_deb "$R" agood 1.0 "$WORK/bin/good"
make_deb "$WORK" whole 1.0 "$WORK/bin/good"
whole=$WORK/whole_1.0_amd64.deb
head -c $(($(wc -c <"$whole") - 300)) "$whole" >"$R/truncated_1.0_amd64.deb"
# a .deb without its data member: debian-binary and control only
(cd "$WORK/build/whole-root/DEBIAN" && tar -czf "$WORK/control.tar.gz" ./control)
printf '2.0\n' >"$WORK/debian-binary"
(cd "$WORK" && ar rc "$R/nodata_1.0_amd64.deb" debian-binary control.tar.gz)
# path traversal: an absolute member name
mkdir -p "$WORK/abs" && cp "$WORK/bin/good" "$WORK/abs/evil"
tar -cPzf "$R/trav-1.0.tgz" "$WORK/abs/evil" 2>/dev/null
# a member that claims more bytes than the archive holds
cp "$WORK/bin/good" "$WORK/member"
(cd "$WORK" && tar -cf "$WORK/claim.tar" member)
head -c 4096 "$WORK/claim.tar" >"$R/claims-1.0.tar"

expect_exit 2 "bad archives make the exit status 2" "$HARDEN" scan -f json "$R"
contains "the good package is still scanned" "$WORK/out" '"package":"agood","version":"1.0","member":"usr/bin/agood","class"'
contains "truncated .deb named" "$WORK/err" "truncated_1.0_amd64.deb: ar member 'data.tar.xz' claims"
contains ".deb without data member named" "$WORK/err" 'nodata_1.0_amd64.deb: no data.tar member'
contains "traversal member named" "$WORK/err" "trav-1.0.tgz\\[.*abs/evil\\]: unsafe member name"
contains "short member named" "$WORK/err" 'claims-1.0.tar(\[member\])?: .*(truncat|claims|Truncated)'
lacks "no crash" "$WORK/err" 'AddressSanitizer|runtime error'

expect_exit 2 "a member over --member-limit is refused" "$HARDEN" scan --member-limit 8k "$R/agood_1.0_amd64.deb"
contains "bomb error names archive and member" "$WORK/err" 'agood_1.0_amd64.deb\[usr/bin/agood\]: ELF member declares [0-9]+ bytes, over the 8192-byte limit'
expect_exit 2 "a bad --member-limit is a usage error" "$HARDEN" scan --member-limit lots "$R"
contains "usage error says why" "$WORK/err" "member-limit: 'lots' is not a size"

# a corrupt archive inside a package (golang's test fixtures are such): a
# warning, not an error: the package was read, and its ELF files scanned
mkdir -p "$WORK/fx/fx-1.0/bin" "$WORK/fx/fx-1.0/testdata"
cp "$WORK/bin/good" "$WORK/fx/fx-1.0/bin/fx"
(cd "$WORK/fx" && tar -cf "$WORK/inner.tar" fx-1.0/bin)
head -c 4096 "$WORK/inner.tar" >"$WORK/fx/fx-1.0/testdata/broken.tar"
(cd "$WORK/fx" && tar -cJf "$WORK/fx-1.0.tar.xz" fx-1.0)
expect_exit 0 "a corrupt nested archive does not make the exit status 2" "$HARDEN" scan -f json "$WORK/fx-1.0.tar.xz"
contains "the nested archive's problem is a warning on stderr" "$WORK/err" "^harden: warning: .*fx-1.0.tar.xz\[fx-1.0/testdata/broken.tar"
contains "... and in JSON" "$WORK/out" '"member":"fx-1.0/testdata/broken.tar.*","warning":'
contains "the package's ELF file is scanned" "$WORK/out" '"member":"fx-1.0/bin/fx","class"'
expect_exit 0 "text: the summary counts the warning" "$HARDEN" scan "$WORK/fx-1.0.tar.xz"
contains "text: warnings in the summary" "$WORK/out" "0 errors, 1 warnings \\(nested archives\\)"
expect_exit 0 "html: the same scan" "$HARDEN" scan -f html -o "$WORK/fx.html" "$WORK/fx-1.0.tar.xz"
contains "html: warnings in the summary" "$WORK/fx.html" "0 errors, 1 warnings \\(nested archives\\)"

done_testing
