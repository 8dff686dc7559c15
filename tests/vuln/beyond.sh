# Beyond pkg_admin: --lint on the real 2024 tail (its real mistakes must all
# be found, with lines and fixes), --backports between two summaries, and
# --diff between the two real 2011 revisions.
. "$TOP/tests/lib.sh"
DATA="$TOP/../shared/data/vuln"
TAIL="$DATA/pkg-vulnerabilities-2024-tail.txt"
L="$DATA/pkg-vulnerabilities"

# A tree (pkg_summary) with the packages the tail's entries name, as pkgsrc
# had them: gimp (not "qimp"), and no Python 3.21.
awk -f "$TOP/tests/vuln/genpkgs.awk" "$TAIL" | sed 's/^qimp-/gimp-/' | grep -v -e '^py321-' -e '^libssh-0\.10[0-9]' |
	awk '{ print "PKGNAME=" $0; print "PKGPATH=cat/x"; print "" }' >"$WORK/tree"

expect_exit 1 "lint of the 2024 tail finds problems: exit 1" "$HARDEN" audit --lint "$TAIL" --tree "$WORK/tree"
cp "$WORK/out" "$WORK/lint"
contains "qimp: no such package, did you mean gimp" "$WORK/lint" "tail.txt:28: error: unknown-package: 'qimp'"
contains "...with the fix" "$WORK/lint" "did you mean 'gimp'"
contains "py321-asyncssh: an alternative that can never match" "$WORK/lint" "tail.txt:81: error: unknown-package: the alternative 'py321-asyncssh'"
contains "libssh<0.106: a bound far from every real version" "$WORK/lint" "tail.txt:84: warning: far-bound: 'libssh<0.106'"
contains "...fix libssh<0.10.6" "$WORK/lint" 'fix: libssh<0\.10\.6'
for line in 67 68 99 122; do
	contains "CVE-CVE- URL on line $line" "$WORK/lint" "tail.txt:$line: error: doubled-url"
done
contains "...fix without the doubled prefix" "$WORK/lint" "fix: 'https://nvd.nist.gov/vuln/detail/CVE-2023-6377'"
contains "NULL-dereference is mis-cased" "$WORK/lint" "tail.txt:56: warning: class-case: class 'NULL-dereference'"
lacks "libssh<0.10.6 (line 116) is fine" "$WORK/lint" 'tail.txt:116:'
lacks "correct entries are quiet (KeePass, line 4)" "$WORK/lint" 'tail.txt:4:'
expect_exit 1 "without --tree, the tree checks are skipped" "$HARDEN" audit --lint "$TAIL"
lacks "...no unknown-package" "$WORK/out" 'unknown-package'
contains "...the rest still found" "$WORK/out" 'far-bound'

# Each check on a small in-tree list, and its opposite staying quiet.
cat >"$WORK/bad" <<'LIST'
#FORMAT 1.0.0
foo==1.0	denial-of-service	https://example.org/a
foo<2>1	denial-of-service	https://example.org/b
foo>=2<1	denial-of-service	https://example.org/c
foo>=1<2	denial-of-service	https://example.org/d
foo-1.3.1*	denial-of-service	https://example.org/e
foo-[0-9]*	denial-of-service	https://example.org/f
foo<1.0	denial-of-service	http://http://example.org/g
foo<1.0	denial-of-service	example.org/h
foo<1.5	denial-of-service	https://example.org/i
foo<1.5	denial-of-service	https://example.org/i
foo{a,b<1	denial-of-service	https://example.org/j
LIST
expect_exit 1 "lint of a list with planted mistakes" "$HARDEN" audit --lint "$WORK/bad"
contains "== never matches" "$WORK/out" 'bad:2: error: never-matches'
contains "< before > is no range" "$WORK/out" "bad:3: error: not-a-range"
contains "...fixed as a range" "$WORK/out" 'fix: foo>1<2'
contains ">=2<1 is empty" "$WORK/out" 'bad:4: error: empty-range'
lacks ">=1<2 is a fine range" "$WORK/out" 'bad:5:'
contains "foo-1.3.1* also matches 1.3.10" "$WORK/out" 'bad:6: warning: version-glob'
contains "...fixed as a range" "$WORK/out" 'fix: foo>=1\.3\.1<1\.3\.2'
lacks "foo-[0-9]* is the usual idiom" "$WORK/out" 'bad:7:'
contains "doubled scheme" "$WORK/out" 'bad:8: error: doubled-url'
contains "no scheme" "$WORK/out" 'bad:9: error: bad-url'
contains "duplicate entry" "$WORK/out" 'bad:11: warning: duplicate: .*repeats line 10'
contains "unbalanced brace, with line" "$WORK/out" 'bad:12: error: malformed: unbalanced'
expect_exit 1 "lint --format json" "$HARDEN" audit --lint "$WORK/bad" --format json
contains "...one object per finding" "$WORK/out" '^\{"list": ?".*bad", ?"line": ?3, ?"severity": ?"error", ?"check": ?"not-a-range"'
expect_exit 1 "lint --format sarif" "$HARDEN" audit --lint "$TAIL" --format sarif
contains "...SARIF 2.1.0" "$WORK/out" '"version": "2\.1\.0"'
contains "...a doubled-url result" "$WORK/out" '"ruleId": "doubled-url"'
contains "...located on its line" "$WORK/out" '"startLine": 67'
printf '#FORMAT 1.0.0\nfoo<1.0\tdenial-of-service\thttps://example.org/a\n' >"$WORK/good"
expect_exit 0 "a clean list lints clean" "$HARDEN" audit --lint "$WORK/good"
printf 'x\000y\n' >"$WORK/nul"
expect_exit 2 "lint refuses a list with a NUL byte" "$HARDEN" audit --lint "$WORK/nul"

# Back-ports: branch vs trunk summaries (same PKGPATH).
cat >"$WORK/branch" <<'S'
PKGNAME=openssl-0.9.8q
PKGPATH=security/openssl

PKGNAME=perl-5.12.2nb1
PKGPATH=lang/perl5

PKGNAME=zsh-4.3.11
PKGPATH=shells/zsh

PKGNAME=vlc-1.1.7
PKGPATH=multimedia/vlc

PKGNAME=gdm-2.20.0
PKGPATH=x11/gdm
S
cat >"$WORK/trunk" <<'S'
PKGNAME=openssl-1.0.0d
PKGPATH=security/openssl

PKGNAME=perl-5.12.3
PKGPATH=lang/perl5

PKGNAME=zsh-4.3.11
PKGPATH=shells/zsh

PKGNAME=vlc-1.1.8
PKGPATH=multimedia/vlc
S
B() { "$HARDEN" audit --vulnerabilities "$L" --max-age 0 -q --backports "$WORK/branch" --trunk "$WORK/trunk" "$@"; }
expect_exit 1 "backports: vulnerable branch packages found" B
contains "openssl: trunk fixes it, a major jump" "$WORK/out" 'security/openssl +openssl-0\.9\.8q +-> openssl-1\.0\.0d +fixes 1 of 1, MAJOR version jump'
contains "perl: a fix in the same major version" "$WORK/out" 'lang/perl5 +perl-5\.12\.2nb1 +-> perl-5\.12\.3 +fixes 1 of 1$'
contains "vlc: two fixed, one remaining" "$WORK/out" 'vlc-1\.1\.7 +-> vlc-1\.1\.8 +fixes 2 of 3'
contains "...the remaining one named" "$WORK/out" 'remaining: remote-system-access http://secunia\.com/advisories/44064/'
contains "gdm: not in trunk" "$WORK/out" 'gdm-2\.20\.0 +-> \(not in trunk\)'
lacks "zsh is not vulnerable: not listed" "$WORK/out" 'zsh'
expect_exit 1 "backports --format json" B --format json
contains "...the openssl record" "$WORK/out" '"branch": ?"openssl-0\.9\.8q", ?"trunk": ?"openssl-1\.0\.0d", ?"major_jump": ?true'
expect_exit 2 "--backports without --trunk is a usage error" "$HARDEN" audit --vulnerabilities "$L" --backports "$WORK/branch"

# Diff between the two real 2011 revisions.
D() { "$HARDEN" audit --max-age 0 -q --diff "$DATA/pkg-vulnerabilities-1.3817" "$L" "$@"; }
expect_exit 1 "diff: packages newly affected: exit 1" D freetype2-2.3.0 vlc-1.1.7 perl-5.13.1 zsh-4.3.11
contains "the counts" "$WORK/out" '^1\.3817 -> 1\.3823: 7 added, 5 changed, 1 removed$'
contains "an added entry" "$WORK/out" '^\+ 5221: vlc-\[0-9\]\* remote-system-access'
contains "a changed entry, old side" "$WORK/out" '^< 2909: freetype<2\.3\.4 '
contains "...new side" "$WORK/out" '^> 2909: freetype2<2\.3\.4 '
contains "a removed entry" "$WORK/out" '^- 5160: gdm<2\.30\.0 '
contains "vlc newly affected" "$WORK/out" '^Package vlc-1\.1\.7 is newly affected: remote-system-access'
contains "freetype2 newly affected (corrected pattern)" "$WORK/out" '^Package freetype2-2\.3\.0 is newly affected'
contains "perl 5.13.1 no longer affected (narrowed bound)" "$WORK/out" '^Package perl-5\.13\.1 is no longer affected'
lacks "zsh untouched" "$WORK/out" 'zsh'
expect_exit 0 "diff: nothing newly affected: exit 0" D zsh-4.3.11
expect_exit 1 "diff --format json" D vlc-1.1.7 --format json
contains "...the counts" "$WORK/out" '^\{"old": ?"1\.3817", ?"new": ?"1\.3823", ?"added": ?7, ?"changed": ?5, ?"removed": ?1\}$'
contains "...an added entry" "$WORK/out" '"change": ?"added", ?"entry": ?\{"pattern": ?"vlc-\[0-9\]\*"'
contains "...the package newly affected" "$WORK/out" '"package": ?"vlc-1\.1\.7", ?"status": ?"newly affected"' 
expect_exit 2 "diff: a tampered revision is refused" "$HARDEN" audit --diff "$DATA/pkg-vulnerabilities-1.3817" "$TOP/tests/vuln/nonexistent"
done_testing
