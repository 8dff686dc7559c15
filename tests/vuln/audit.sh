# Auditing end to end: the 2011 list against installed packages (a pkgdb we
# build), pkg_summary files, batch lists and names; pkg_admin's output lines;
# class, ignore and end-of-life filters; JSON and SARIF; exit statuses 0/1/2;
# and the index agreeing with the naive patterns x packages loop.
. "$TOP/tests/lib.sh"
DATA="$TOP/../shared/data/vuln"
L="$DATA/pkg-vulnerabilities"
A() { "$HARDEN" audit --vulnerabilities "$L" --max-age 0 -q "$@"; }

# A package database: one directory per installed package.
DB="$WORK/pkgdb"
for p in perl-5.12.2nb1 openssl-0.9.8q zsh-4.3.11 ruby18-rack-1.1.1 ruby19-rack-1.1.2 acroread-5.0.10; do
	mkdir -p "$DB/$p" && : >"$DB/$p/+CONTENTS"
done
: >"$DB/pkgdb.byfile.db"

expect_exit 1 "installed vulnerable packages: exit 1" A -K "$DB"
contains "pkg_admin's line for perl" "$WORK/out" '^Package perl-5\.12\.2nb1 has a remote-security-bypass vulnerability, see http://secunia\.com/advisories/43921/$'
contains "the {a,b} entry catches ruby18-rack" "$WORK/out" '^Package ruby18-rack-1\.1\.1 has a remote-security-bypass vulnerability'
lacks "ruby19-rack-1.1.2 is past the <1.1.2 bound" "$WORK/out" 'ruby19-rack-1\.1\.2 has'
lacks "zsh is clean" "$WORK/out" 'zsh'
lacks "end-of-life is silent without -e" "$WORK/out" 'end-of-life'
lacks "the pkgdb's database file is no package" "$WORK/out" 'byfile'
check "output is in package name order" [ "$(cut -d' ' -f2 "$WORK/out" | uniq | tr '\n' ' ')" = "acroread-5.0.10 openssl-0.9.8q perl-5.12.2nb1 ruby18-rack-1.1.1 " ]
PKG_DBDIR="$DB" expect_exit 1 "PKG_DBDIR from the environment" A
check "...same report" [ "$(grep -c '^Package' "$WORK/out")" -ge 3 ]

expect_exit 1 "-e reports end-of-life" A -K "$DB" -e
contains "...in pkg_admin's words" "$WORK/out" '^Package acroread-5\.0\.10 has reached end-of-life \(eol\), see http://cdn\.NetBSD\.org/pub/NetBSD/packages/vulns/eol-packages$'
printf 'CHECK_END_OF_LIFE=yes\n' >"$WORK/eol.conf"
expect_exit 1 "CHECK_END_OF_LIFE=yes in pkg_install.conf does the same" A -K "$DB" --config "$WORK/eol.conf"
contains "...end-of-life reported" "$WORK/out" 'acroread-5\.0\.10 has reached end-of-life'

# Clean and broken.
mkdir -p "$WORK/cleandb/zsh-4.3.11" && : >"$WORK/cleandb/zsh-4.3.11/+CONTENTS"
expect_exit 0 "nothing vulnerable: exit 0" A -K "$WORK/cleandb"
check "...and no output" [ ! -s "$WORK/out" ]
ln -s "$WORK/nowhere" "$DB/gone-1.0"
mkdir -p "$DB/nocontents-1.0"
expect_exit 2 "a corrupt pkgdb entry: exit 2" A -K "$DB"
contains "...the dangling entry is named" "$WORK/err" 'gone-1\.0: corrupt pkgdb entry'
contains "...an entry without +CONTENTS too" "$WORK/err" 'nocontents-1\.0: incomplete pkgdb entry'
contains "...and the audit went on" "$WORK/out" 'perl-5\.12\.2nb1 has a'
rm -f "$DB/gone-1.0"; rmdir "$DB/nocontents-1.0"
expect_exit 2 "a missing pkgdb: exit 2" A -K "$WORK/nodb"
sed 's/^perl<5\.12\.2nb2/perl<5.12.2nb3/' "$L" >"$WORK/tampered"
expect_exit 2 "a tampered list: exit 2, nothing audited" "$HARDEN" audit --vulnerabilities "$WORK/tampered" -K "$DB"
check "...no findings printed" [ ! -s "$WORK/out" ]
mkdir -p "$WORK/vulndir" && cp "$L" "$WORK/vulndir/pkg-vulnerabilities"
PKGVULNDIR="$WORK/vulndir" expect_exit 1 "the list found through PKGVULNDIR" "$HARDEN" audit -q --max-age 0 -K "$DB"

# Names, batch files, pkg_summary.
expect_exit 1 "package names as arguments" A perl-5.12.2nb1 zsh-4.3.11
check "...one finding" [ "$(wc -l <"$WORK/out")" -eq 1 ]
expect_exit 0 "a fixed version is clean" A perl-5.12.2nb2
expect_exit 2 "a name without version is bad input" A perl
contains "...said so" "$WORK/err" "'perl' is not a package name"
printf 'openssl-0.9.8q\n\n# comment\nzsh-4.3.11\n' >"$WORK/batch"
expect_exit 1 "--batch FILE" A -b "$WORK/batch"
contains "...openssl found" "$WORK/out" '^Package openssl-0\.9\.8q has'
expect_exit 1 "--batch - (stdin)" sh -c "cat '$WORK/batch' | '$HARDEN' audit --vulnerabilities '$L' --max-age 0 -q -b -"
printf 'PKGNAME=openssl-0.9.8q\nPKGPATH=security/openssl\nCOMMENT=SSL\n\nPKGNAME=zsh-4.3.11\nPKGPATH=shells/zsh\n\n' >"$WORK/pkg_summary"
gzip -c "$WORK/pkg_summary" >"$WORK/pkg_summary.gz"
expect_exit 1 "--summary of a gzipped pkg_summary" A --summary "$WORK/pkg_summary.gz"
contains "...openssl found" "$WORK/out" '^Package openssl-0\.9\.8q has'
printf 'PKGPATH=shells/zsh\n\n' >"$WORK/bad_summary"
expect_exit 2 "a pkg_summary record without PKGNAME: exit 2" A --summary "$WORK/bad_summary"
contains "...with its line" "$WORK/err" 'bad_summary:1: pkg_summary record without PKGNAME'

# Binary packages and a repository: identity from +CONTENTS, not the file name.
mkdir -p "$WORK/repo" "$WORK/pkg/bin"
( cd "$WORK/pkg" &&
  printf '@comment $NetBSD$\n@name openssl-0.9.8q\n@cwd /usr/pkg\nbin/openssl\n' >+CONTENTS &&
  printf 'PKGPATH=security/openssl\nOPSYS=NetBSD\n' >+BUILD_INFO && echo x >bin/openssl &&
  tar czf "$WORK/repo/renamed-9.9.tgz" +CONTENTS +BUILD_INFO bin &&
  sed -i 's/openssl-0.9.8q/zsh-4.3.11/' +CONTENTS && tar cJf "$WORK/repo/zsh-4.3.11.txz" +CONTENTS bin )
expect_exit 1 "-P a repository directory" A -P "$WORK/repo" --format json
contains "...the package named by @name, with its PKGPATH" "$WORK/out" '"package": ?"openssl-0\.9\.8q".*"pkgpath": ?"security/openssl"'
lacks "...not by its file name" "$WORK/out" 'renamed'
expect_exit 0 "-P one clean xz package" A -P "$WORK/repo/zsh-4.3.11.txz"
echo junk >"$WORK/repo/broken.tgz"
expect_exit 2 "-P a repository with a broken package: exit 2" A -P "$WORK/repo"
contains "...the broken one named" "$WORK/err" 'broken\.tgz'
contains "...the others still audited" "$WORK/out" 'openssl-0\.9\.8q has a'

# The real thing: a pkgsrc binary package holding a real ELF, scanned by
# `harden scan`, whose JSON report names the package for the audit.
printf 'int main(void) { return 0; }\n' >"$WORK/t.c"
mkdir -p "$WORK/elfpkg/bin" "$WORK/elfrepo"
if cc -o "$WORK/elfpkg/bin/openssl" "$WORK/t.c" 2>/dev/null; then
	( cd "$WORK/elfpkg" &&
	  printf '@name openssl-0.9.8q\n@cwd /usr/pkg\nbin/openssl\n' >+CONTENTS &&
	  printf 'PKGPATH=security/openssl\n' >+BUILD_INFO &&
	  tar czf "$WORK/elfrepo/openssl-0.9.8q.tgz" +CONTENTS +BUILD_INFO bin )
	"$HARDEN" scan --format json "$WORK/elfrepo" >"$WORK/realscan.json" 2>/dev/null
	contains "harden scan names the package in its records" "$WORK/realscan.json" '"package": ?"openssl", ?"version": ?"0\.9\.8q"'
	expect_exit 1 "--scan-report on harden scan's own report" A --scan-report "$WORK/realscan.json"
	contains "...finds the vulnerable package" "$WORK/out" '^Package openssl-0\.9\.8q has a denial-of-service'
else
	skip "no C compiler to build a package for harden scan"
fi

# A harden scan JSON report over package archives: its package identities.
cat >"$WORK/scan.json" <<'J'
{"path":"All/openssl-0.9.8q.tgz","package":"openssl","version":"0.9.8q","member":"bin/openssl","class":64}
{"path":"All/openssl-0.9.8q.tgz","package":"openssl","version":"0.9.8q","member":"lib/libssl.so","class":64}
{"path":"/usr/bin/true","class":64}
{"path":"All/zsh-4.3.11.tgz","package":"zsh","version":"4.3.11","member":"bin/zsh","class":64}
J
expect_exit 1 "--scan-report: packages named by harden scan records" A --scan-report "$WORK/scan.json"
check "...openssl reported once despite two members" [ "$(grep -c 'openssl-0\.9\.8q has a' "$WORK/out")" -eq 1 ]
printf '{"path":"x","package":"zsh","version":"4.3.11"}\nnot json\n' >"$WORK/badscan.json"
expect_exit 2 "--scan-report with a broken line: exit 2" A --scan-report "$WORK/badscan.json"
contains "...the line named" "$WORK/err" 'badscan\.json:2: not a JSON object'

# Filters: -t (exact and fnmatch), --ignore, IGNORE_URL.
expect_exit 1 "-t exact class" A -t denial-of-service openssl-0.9.8q perl-5.12.2nb1
lacks "...other classes dropped" "$WORK/out" 'remote-security-bypass'
contains "...the class kept" "$WORK/out" 'denial-of-service'
expect_exit 1 "-t glob on the class" A -t 'remote-*' perl-5.12.2nb1
expect_exit 0 "-t with a class nobody has: clean" A -t no-such-class perl-5.12.2nb1
expect_exit 0 "--ignore the only advisory: clean" A --ignore http://secunia.com/advisories/43921/ perl-5.12.2nb1
printf '# ignore list\nIGNORE_URL=http://secunia.com/advisories/43921/\n' >"$WORK/ign.conf"
PKG_INSTALL_CONF="$WORK/ign.conf" expect_exit 0 "IGNORE_URL from pkg_install.conf" A perl-5.12.2nb1
printf 'garbage line\n' >"$WORK/bad.conf"
expect_exit 2 "a malformed pkg_install.conf is an error" A --config "$WORK/bad.conf" perl-5.12.2nb1

# Machine formats.
expect_exit 1 "--format json" A --format json perl-5.12.2nb1 openssl-0.9.8q
check "...one object per finding" [ "$(grep -c '^{.*}$' "$WORK/out")" -eq "$(A perl-5.12.2nb1 openssl-0.9.8q | wc -l)" ]
contains "...with package, version, class, url, line" "$WORK/out" '"package": ?"perl-5\.12\.2nb1", ?"pkgbase": ?"perl", ?"version": ?"5\.12\.2nb1".*"class": ?"remote-security-bypass".*"line": ?5206'
expect_exit 1 "--format sarif" A --format sarif perl-5.12.2nb1
contains "...SARIF 2.1.0" "$WORK/out" '"version": "2\.1\.0"'
contains "...the result points at the list line" "$WORK/out" '"startLine": 5206'
contains "...rule id is the class" "$WORK/out" '"ruleId": "remote-security-bypass"'
contains "...message is pkg_admin's line" "$WORK/out" '"text": "Package perl-5\.12\.2nb1 has a remote-security-bypass vulnerability, see http://secunia\.com/advisories/43921/"'
if command -v jq >/dev/null 2>&1; then
	A --format json perl-5.12.2nb1 openssl-0.9.8q acroread-5.0.10 -e >"$WORK/j" 2>/dev/null
	check "json: every line parses (jq)" sh -c "jq -e . '$WORK/j' >/dev/null"
	check "json: eol records flagged" [ "$(jq -s '[.[] | select(.eol)] | length' "$WORK/j")" -eq 1 ]
	A --format sarif perl-5.12.2nb1 openssl-0.9.8q >"$WORK/s" 2>/dev/null
	check "sarif: two results, each with a rule that exists (jq)" \
		[ "$(jq '.runs[0] | [.results[] | .ruleIndex as $i | select(.ruleId == $root_rules[$i].id)] | length' \
			--argjson root_rules "$(jq '.runs[0].tool.driver.rules' "$WORK/s")" "$WORK/s")" -eq 2 ]
else
	skip "jq not installed (scripts/deps.sh installs it)"
fi
expect_exit 2 "an unknown format is a usage error" A --format xml perl-5.12.2nb1

# Staleness.
expect_exit 1 "a 2011 list is stale by default" "$HARDEN" audit --vulnerabilities "$L" perl-5.12.2nb1
contains "...warned" "$WORK/err" 'warning: .*days old'
contains "...and described" "$WORK/err" 'revision 1\.3823'
expect_exit 1 "--max-age 0 silences it" "$HARDEN" audit --vulnerabilities "$L" --max-age 0 -q perl-5.12.2nb1
lacks "...no warning" "$WORK/err" 'days old'

# Usage.
expect_exit 0 "--help: usage on stdout, exit 0" "$HARDEN" audit --help
contains "...the synopsis" "$WORK/out" '^usage: harden audit'
expect_exit 2 "an unknown option: exit 2" "$HARDEN" audit --no-such-option
expect_exit 2 "--max-age wants a number" "$HARDEN" audit --max-age soon

# The index must give exactly what trying every pattern gives.
awk -v n=3000 -f "$TOP/tests/vuln/genpkgs.awk" "$L" >"$WORK/names"
A -b "$WORK/names" >"$WORK/fast" 2>/dev/null
A -b "$WORK/names" --naive >"$WORK/slow" 2>/dev/null
check "index and naive loop agree on 3,000 generated packages" cmp -s "$WORK/fast" "$WORK/slow"
check "...which do find vulnerabilities" [ "$(wc -l <"$WORK/fast")" -gt 1000 ]
done_testing
