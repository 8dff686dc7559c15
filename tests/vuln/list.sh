# The pkg-vulnerabilities parser through `harden audit --check-list`: both
# forms, compressed copies, checksums as pkg_install verifies them, and every
# way a list can be damaged (each refused with exit 2 and a clear message).
. "$TOP/tests/lib.sh"
DATA="$TOP/../shared/data/vuln"
L="$DATA/pkg-vulnerabilities"
H="$HARDEN"

expect_exit 0 "the signed 2011 list is accepted" "$H" audit --check-list "$L"
contains "it says which form was read" "$WORK/out" 'distributed \(#FORMAT 1\.1\.0\) list, PGP-signed'
contains "its revision and date" "$WORK/out" 'revision 1\.3823 of 2011-04-08 20:57:53 UTC'
contains "all 5,184 entries" "$WORK/out" '5184 entries'
contains "both checksums verified" "$WORK/out" 'checksums verified: SHA1\+SHA512'
contains "a 2011 list is stale" "$WORK/err" 'days old'
expect_exit 0 "the previous revision too" "$H" audit --check-list "$DATA/pkg-vulnerabilities-1.3817"
contains "revision 1.3817" "$WORK/out" 'revision 1\.3817 of 2011-04-06'

for z in gzip bzip2 xz; do
	$z -c "$L" >"$WORK/list.$z"
	expect_exit 0 "$z-compressed list read" "$H" audit --check-list "$WORK/list.$z"
	contains "$z: same entries, checksums verified" "$WORK/out" "5184 entries, $z-compressed, checksums verified: SHA1\+SHA512"
done
head -c 30000 "$WORK/list.gzip" >"$WORK/cut.gz"
expect_exit 2 "a truncated gzip stream is refused" "$H" audit --check-list "$WORK/cut.gz"
contains "...saying it is truncated" "$WORK/err" 'truncated'

# Tampering: one character of one entry changed.
sed 's/^perl<5\.12\.2nb2/perl<5.12.2nb3/' "$L" >"$WORK/tampered"
check "the tampered copy differs in one line" [ "$(diff "$L" "$WORK/tampered" | grep -c '^>')" -eq 1 ]
expect_exit 2 "a tampered entry is refused" "$H" audit --check-list "$WORK/tampered"
contains "...as a SHA1 checksum mismatch with its line" "$WORK/err" 'line 5222: SHA1 checksum mismatch'
expect_exit 2 "...even with --lenient" "$H" audit --check-list "$WORK/tampered" --lenient
sed 's/^\(#CHECKSUM SHA1 .*\)$//' "$WORK/tampered" >"$WORK/tampered512"
expect_exit 2 "SHA512 alone catches it too" "$H" audit --check-list "$WORK/tampered512"
contains "...as a SHA512 mismatch" "$WORK/err" 'SHA512 checksum mismatch'

# Structural damage.
head -c 100000 "$L" >"$WORK/cut"
expect_exit 2 "a list cut mid-line is refused" "$H" audit --check-list "$WORK/cut"
contains "...no final newline" "$WORK/err" 'no newline at the end'
head -n 3000 "$L" >"$WORK/cutline"
expect_exit 2 "a signed list cut at a line end is refused" "$H" audit --check-list "$WORK/cutline"
contains "...its signature is missing" "$WORK/err" 'signature is missing'
{ head -n 100 "$L"; printf 'foo<1\000\tdenial-of-service\thttp://x/\n'; tail -n +101 "$L"; } >"$WORK/nul"
expect_exit 2 "a NUL byte is refused" "$H" audit --check-list "$WORK/nul"
contains "...with its line" "$WORK/err" 'NUL byte in line 101'
sed 's/^#CHECKSUM SHA1 /#CHECKSUM MD5 /' "$L" >"$WORK/md5"
expect_exit 2 "an unknown checksum algorithm is refused" "$H" audit --check-list "$WORK/md5"
contains "...naming it" "$WORK/err" "unsupported checksum algorithm 'MD5'"
grep -v '^#CHECKSUM' "$L" >"$WORK/nosum"
expect_exit 2 "the signed form without #CHECKSUM is refused" "$H" audit --check-list "$WORK/nosum"
contains "...saying so" "$WORK/err" 'no #CHECKSUM line'
expect_exit 0 "...unless --no-require-checksum" "$H" audit --check-list "$WORK/nosum" --no-require-checksum
printf 'hello world\n' >"$WORK/notalist"
expect_exit 2 "a file that is no list is refused" "$H" audit --check-list "$WORK/notalist"
: >"$WORK/empty"
expect_exit 2 "an empty file is refused" "$H" audit --check-list "$WORK/empty"
expect_exit 2 "a missing file is an error" "$H" audit --check-list "$WORK/missing"

# The in-tree form: #FORMAT 1.0.0, no checksum, no signature.
intree() {
	printf '# $NetBSD: pkg-vulnerabilities,v 1.2000 2024/01/20 10:00:00 leot Exp $\n#\n#FORMAT 1.0.0\n#\n'
	cat "$DATA/pkg-vulnerabilities-2024-tail.txt"
}
intree >"$WORK/intree"
expect_exit 0 "the in-tree form is accepted" "$H" audit --check-list "$WORK/intree"
contains "...as in-tree 1.0.0 with its revision" "$WORK/out" 'in-tree \(#FORMAT 1\.0\.0\) list, revision 1\.2000 of 2024-01-20'
contains "...and says it has no checksum" "$WORK/out" 'no checksum'
expect_exit 2 "--require-checksum refuses it" "$H" audit --check-list "$WORK/intree" --require-checksum
expect_exit 2 "the bare 2024 tail (no header) is no list" "$H" audit --check-list "$DATA/pkg-vulnerabilities-2024-tail.txt"

{ intree; printf 'Version: 1\nfoo<1\tdenial-of-service\thttp://x/\n'; } >"$WORK/version"
expect_exit 2 "a signature line in an unsigned list does not end it silently" "$H" audit --check-list "$WORK/version"
contains "...reported with its line" "$WORK/err" "version:$(( $(intree | wc -l) + 1 )): 'Version: 1' in a list that is not PGP-signed"

# Malformed entries: refused with line numbers, unless --lenient.
{ intree; printf 'foo<1.0\tdenial-of-service\n'; printf 'py{27,31-bar<2\tdenial-of-service\thttp://x/\n'; } >"$WORK/bad"
n=$(wc -l <"$WORK/bad")
expect_exit 2 "malformed entries refuse the list" "$H" audit --check-list "$WORK/bad"
contains "missing URL reported with its line" "$WORK/err" "bad:$((n - 1)): missing URL"
contains "unbalanced brace reported with its line" "$WORK/err" "bad:$n: unbalanced"
contains "...and the count" "$WORK/err" '2 malformed entries'
expect_exit 0 "--lenient skips them" "$H" audit --check-list "$WORK/bad" --lenient
contains "...warning about each" "$WORK/err" 'warning: .*skipped: missing URL'
contains "...keeping the good entries" "$WORK/out" "$(grep -c . "$DATA/pkg-vulnerabilities-2024-tail.txt") entries"

# The PGP signature, checked by the real gpgv against a keyring we make.
if ! command -v gpg >/dev/null 2>&1 || ! command -v gpgv >/dev/null 2>&1; then
	skip "gpg/gpgv not installed (scripts/deps.sh installs them)"
else
	export GNUPGHOME="$WORK/gnupg"
	mkdir -m 700 "$GNUPGHOME"
	gpg --batch --quiet --passphrase '' --quick-gen-key 'harden test <test@example.org>' ed25519 sign never 2>/dev/null
	gpg --batch --quiet --export >"$WORK/keyring.gpg"
	# A 1.1.0 list checksummed as pkg-vulnerabilities is, then clear-signed.
	make_signed() {
		{ printf '# $NetBSD: pkg-vulnerabilities,v 1.9 2024/01/20 10:00:00 x Exp $\n#\n#FORMAT 1.1.0\n#\n'
		  cat "$DATA/pkg-vulnerabilities-2024-tail.txt"; } >"$WORK/body"
		sum=$(grep -v -e '^$' -e '^# \$NetBSD' -e '^#CHECKSUM' "$WORK/body" | sha512sum | cut -d' ' -f1)
		printf '#CHECKSUM SHA512 %s\n' "$sum" >>"$WORK/body"
		gpg --batch --quiet --yes --clearsign -o "$1" "$WORK/body" 2>/dev/null
	}
	make_signed "$WORK/signed"
	expect_exit 0 "a list signed by a key in the keyring verifies" \
		"$H" audit --check-list "$WORK/signed" --verify-signature --keyring "$WORK/keyring.gpg"
	contains "...and says so" "$WORK/out" 'PGP signature verified by gpgv'
	contains "...with its checksum verified (computed by sha512sum)" "$WORK/out" 'checksums verified: SHA512'
	# change the signature itself: checksums still fine, gpgv must say no
	awk '/^-----BEGIN PGP SIGNATURE/{s=1} s && /^[A-Za-z0-9+\/]{20,}/ && !done {sub(/^./, substr($0,1,1)=="A" ? "B" : "A"); done=1} {print}' \
		"$WORK/signed" >"$WORK/badsig"
	expect_exit 2 "a damaged signature is refused by gpgv" \
		"$H" audit --check-list "$WORK/badsig" --verify-signature --keyring "$WORK/keyring.gpg"
	contains "...quoting gpgv" "$WORK/err" 'not verified by gpgv'
	expect_exit 0 "the damaged signature goes unnoticed without -s (checksums only)" \
		"$H" audit --check-list "$WORK/badsig"
	expect_exit 2 "the 2011 list is not signed by our key" \
		"$H" audit --check-list "$L" --verify-signature --keyring "$WORK/keyring.gpg"
	expect_exit 2 "an unsigned list cannot be signature-checked" \
		"$H" audit --check-list "$WORK/intree" -s --keyring "$WORK/keyring.gpg"
	printf 'GPG_KEYRING_PKGVULN=%s\n' "$WORK/keyring.gpg" >"$WORK/pkg_install.conf"
	expect_exit 0 "the keyring named by GPG_KEYRING_PKGVULN in pkg_install.conf" \
		"$H" audit --check-list "$WORK/signed" -s --config "$WORK/pkg_install.conf"
	expect_exit 2 "no keyring is an error" "$H" audit --check-list "$WORK/signed" -s --keyring "$WORK/nokeyring"
	gpgconf --kill gpg-agent 2>/dev/null
fi
done_testing
