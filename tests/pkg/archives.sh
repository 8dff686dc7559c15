# harden scan over package archives built at test time: .deb (dpkg-deb),
# pkgsrc .tgz, plain tar.*, .rpm (when rpmbuild exists), read in memory.
. "$TOP/tests/lib.sh"
. "$TOP/tests/pkg/fixtures.inc"

R=$WORK/repo
mkdir -p "$R" "$WORK/bin"
build_bins "$WORK/bin" || { notok "compile test binaries"; done_testing; exit; }

make_deb "$R" hgood 1.0-1 "$WORK/bin/good" xz
make_deb "$R" hbad 2:3.1-4 "$WORK/bin/bad" gzip 4755
make_deb "$R" hzst 0.9 "$WORK/bin/good" zstd
make_pkgsrc "$R" pgood 2.0nb1 "$WORK/bin/good"
make_pkgsrc "$R" pbad 1.5 "$WORK/bin/bad"
mkdir -p "$WORK/t/tb-1.2/bin" && cp "$WORK/bin/bad" "$WORK/t/tb-1.2/bin/tb"
(cd "$WORK/t" && tar -cJf "$R/tb-1.2.tar.xz" tb-1.2 && tar -cjf "$R/tbz-3.0.tar.bz2" tb-1.2)
# names lie: a pkgsrc package under a misleading name is still read
cp "$R/pgood-2.0nb1.tgz" "$R/notes.txt"

# --- one .deb, JSON identity and verdicts
expect_exit 0 "a hardened .deb passes" "$HARDEN" scan -f json "$R/hgood_1.0-1_amd64.deb"
contains "deb identity in JSON" "$WORK/out" '"package":"hgood","version":"1.0-1","member":"usr/bin/hgood"'
contains "hardened member is PIE with full RELRO" "$WORK/out" '"pie":\{"state":"yes".*"relro":\{"state":"full"'
contains "symlink member reported, not followed" "$WORK/out" '"member":"usr/bin/hgood-alias","link":"hgood","link_type":"symlink"'

expect_exit 1 "an unhardened .deb has findings" "$HARDEN" scan -f json "$R/hbad_2:3.1-4_amd64.deb"
contains "epoch kept in the version" "$WORK/out" '"package":"hbad","version":"2:3.1-4"'
contains "unhardened member: no PIE" "$WORK/out" '"pie":\{"state":"no"'
contains "unhardened member: no RELRO" "$WORK/out" '"relro":\{"state":"none"'
contains "setuid member flagged" "$WORK/out" '"setuid":true'
contains "setuid member checked under strict (CET required)" "$WORK/out" '"property":"ibt"'

expect_exit 0 "zstd-compressed data.tar read" "$HARDEN" scan -f json "$R/hzst_0.9_amd64.deb"
contains "zstd deb member scanned" "$WORK/out" '"package":"hzst","version":"0.9","member":"usr/bin/hzst"'

# --- pkgsrc identity from +CONTENTS and +BUILD_INFO
expect_exit 0 "a hardened pkgsrc package passes" "$HARDEN" scan -f json "$R/pgood-2.0nb1.tgz"
contains "pkgsrc identity from @name" "$WORK/out" '"package":"pgood","version":"2.0nb1","member":"bin/pgood"'
expect_exit 1 "an unhardened pkgsrc package has findings" "$HARDEN" scan "$R/pbad-1.5.tgz"
contains "text groups files under the package" "$WORK/out" '^== pbad 1.5 x86_64 \(pkgsrc, '
contains "text names the member" "$WORK/out" 'pbad-1.5.tgz\[bin/pbad\]'
expect_exit 0 "format from content, not name" "$HARDEN" scan -f json "$R/notes.txt"
contains "misnamed pkgsrc package still identified" "$WORK/out" '"package":"pgood"'

# --- plain tarballs: identity from the file name
expect_exit 1 "tar.xz scanned" "$HARDEN" scan -f json "$R/tb-1.2.tar.xz"
contains "tar.xz member" "$WORK/out" '"package":"tb","version":"1.2","member":"tb-1.2/bin/tb"'
expect_exit 1 "tar.bz2 scanned" "$HARDEN" scan -f json "$R/tbz-3.0.tar.bz2"
contains "tar.bz2 member" "$WORK/out" '"package":"tbz","version":"3.0"'
if command -v zstd >/dev/null; then
	(cd "$WORK/t" && tar --zstd -cf "$WORK/tz-1.tar.zst" tb-1.2)
	expect_exit 1 "tar.zst scanned" "$HARDEN" scan -f json "$WORK/tz-1.tar.zst"
	contains "tar.zst member" "$WORK/out" '"member":"tb-1.2/bin/tb"'
else
	skip "zstd tool absent: tar.zst not built"
fi

# --- Alpine .apk: gzip streams concatenated, the control tar cut before its
# end-of-archive blocks (as abuild writes it), the data tar after it
mkdir -p "$WORK/apk/usr/bin" && cp "$WORK/bin/bad" "$WORK/apk/usr/bin/abad"
printf 'pkgname = abad\npkgver = 3.2-r1\narch = x86_64\norigin = abad\n' >"$WORK/apk/.PKGINFO"
(cd "$WORK/apk" && tar --format=ustar -cf "$WORK/control.tar" .PKGINFO && tar --format=ustar -cf "$WORK/data.tar" usr)
{ head -c 1024 "$WORK/control.tar" | gzip -n; gzip -n <"$WORK/data.tar"; } >"$WORK/abad-3.2-r1.apk"
expect_exit 1 "apk scanned" "$HARDEN" scan -f json "$WORK/abad-3.2-r1.apk"
contains "apk identity from .PKGINFO" "$WORK/out" '"package":"abad","version":"3.2-r1","member":"usr/bin/abad"'

# --- the whole directory as a repository
expect_exit 1 "repository scan" "$HARDEN" scan "$R"
contains "repository summary counts packages" "$WORK/out" '^repository: 8 packages, 8 ELF files'
contains "share of binaries per property" "$WORK/out" '^share of binaries: pie 50%'
contains "worst packages listed" "$WORK/out" '^  hbad +1/1 ELF files with findings'
lacks "good packages are not among the worst" "$WORK/out" '^  hgood '

# --- nothing is extracted: no file is written while scanning archives but the
# scan cache (its database, under HARDEN_CACHE_DIR), and with --no-cache none
if command -v strace >/dev/null && strace -qq -o /dev/null true 2>/dev/null; then
	for cache in "" --no-cache; do
		strace -f -qq -o "$WORK/trace" -e trace=open,openat,creat,mkdir,mkdirat,rename,renameat,unlink,unlinkat,link,symlink \
			"$HARDEN" scan $cache "$R" >/dev/null 2>&1
		grep -v 'ENOENT' "$WORK/trace" | grep -E 'O_WRONLY|O_RDWR|O_CREAT|creat\(|mkdir|rename|unlink|link\(' \
			| grep -v -e '/dev/tty' -e "\"$HARDEN_CACHE_DIR[/\"]" >"$WORK/writes" || true
		if [ -s "$WORK/trace" ] && [ ! -s "$WORK/writes" ]; then ok "no file written while scanning archives $cache"
		else notok "no file written while scanning archives $cache"; sed 's/^/#   /' "$WORK/writes" | head; fi
	done
	grep -q "$HARDEN_CACHE_DIR" "$WORK/trace" && notok "--no-cache: the cache is not touched" || ok "--no-cache: the cache is not touched"
else
	skip "strace absent or not allowed to trace here: cannot check that nothing is written"
fi

# --- rpm, when the tool is there to build one
if command -v rpmbuild >/dev/null; then
	top=$WORK/rpmtop
	mkdir -p "$top/SPECS"
	cat >"$top/SPECS/rbad.spec" <<SPEC
Name: rbad
Version: 4.2
Release: 7
Summary: test
License: MIT
%description
test
%install
mkdir -p %{buildroot}/usr/bin
cp $WORK/bin/bad %{buildroot}/usr/bin/rbad
%files
%attr(4755,root,root) /usr/bin/rbad
SPEC
	if rpmbuild --quiet -bb --define "_topdir $top" --define "__strip /bin/true" \
		--define "debug_package %{nil}" --define "__brp_strip /bin/true" "$top/SPECS/rbad.spec" >/dev/null 2>&1; then
		rpmf=$(find "$top/RPMS" -name '*.rpm' | head -1)
		expect_exit 1 "rpm scanned" "$HARDEN" scan -f json "$rpmf"
		contains "rpm identity name-version-release.arch" "$WORK/out" '"package":"rbad","version":"4.2-7","member":"usr/bin/rbad"'
		contains "rpm setuid member flagged" "$WORK/out" '"setuid":true'
	else
		notok "rpmbuild failed to build the test rpm"
	fi
else
	skip "rpmbuild absent: rpm packages not tested (apt-get install rpm)"
fi

done_testing
