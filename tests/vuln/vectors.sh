# The reference vectors: every line of match-vectors.tsv and dewey-vectors.tsv
# (generated with pkg_install's own pkg_match() and dewey_cmp()) run through
# the batch forms and compared one by one. The only accepted differences are
# the documented 32-bit-overflow deviations listed below, and those must give
# our documented answer.
. "$TOP/tests/lib.sh"
DATA="$TOP/../shared/data/vuln"

# pattern-or-v1 TAB pkg-or-v2 TAB our answer (pkg_install's differs only
# because its int overflows: it reads 4294967296 as 0).
cat >"$WORK/deviations" <<'DEV'
foo<4294967296	foo-1	1
0	4294967296	<
DEV

# compare_vectors NAME OPTION FILE: feed FILE (minus its header) to OPTION and
# check every output line against the expected column.
compare_vectors() {
	name=$1 opt=$2 file=$3
	if [ ! -f "$file" ]; then
		notok "$name: test data $file is missing"
		return
	fi
	tail -n +2 "$file" >"$WORK/in"
	"$HARDEN" audit "$opt" - <"$WORK/in" >"$WORK/got" 2>"$WORK/err"
	rc=$?
	check "$name: batch run exits 0" [ "$rc" -eq 0 ]
	check "$name: one answer per vector" [ "$(wc -l <"$WORK/got")" -eq "$(wc -l <"$WORK/in")" ]
	paste "$WORK/in" "$WORK/got" | awk -F'\t' '$3 != $4' >"$WORK/diff"
	# every difference must be a listed deviation answered our way
	bad=0
	while IFS='	' read -r a b want got; do
		if grep -qxF "$a	$b	$got" "$WORK/deviations"; then
			ok "$name: documented overflow deviation '$a' '$b': pkg_install $want, harden $got"
		else
			notok "$name: '$a' vs '$b': expected $want, got $got"
			bad=$((bad + 1))
		fi
	done <"$WORK/diff"
	check "$name: no vector differs except the documented ones" [ "$bad" -eq 0 ]
	n=$(wc -l <"$WORK/in")
	ok "$name: $n vectors checked"
}

compare_vectors "match vectors" --match-batch "$DATA/match-vectors.tsv"
compare_vectors "dewey vectors" --compare-batch "$DATA/dewey-vectors.tsv"

# The batch forms themselves: files as well as stdin, E for malformed lines.
printf 'foo{a,b-1\tfooa-1\nfoo-[0-9]*\tfoo-1.0\nfoo\tfoo-1.0\nno tab here\n' >"$WORK/batch"
expect_exit 2 "match-batch: malformed lines make exit 2" "$HARDEN" audit --match-batch "$WORK/batch"
check "match-batch: E, 1, 1, E" [ "$(tr '\n' ' ' <"$WORK/out")" = "E 1 1 E " ]
contains "match-batch: the malformed pattern is named with its line" "$WORK/err" "batch:1: malformed pattern"
contains "match-batch: the line without a TAB is named" "$WORK/err" "batch:4: expected two fields"
expect_exit 2 "match-batch: unreadable file is an error" "$HARDEN" audit --match-batch "$WORK/nonexistent"

# --match and --compare: exit status and output.
expect_exit 0 "--match: a range that holds" "$HARDEN" audit --match 'ap{,2,22}-auth-mysql>=4<4.3.9nb1' ap22-auth-mysql-4.3.9
expect_exit 1 "--match: the upper bound excludes" "$HARDEN" audit --match 'ap{,2,22}-auth-mysql>=4<4.3.9nb1' ap22-auth-mysql-4.3.9nb1
expect_exit 2 "--match: unbalanced brace is an error" "$HARDEN" audit --match 'py{27,31-foo<1' py27-foo-0.1
expect_exit 0 "--match: bare name retried as NAME-[0-9]*" "$HARDEN" audit --match openssl openssl-1.0.0d
expect_exit 1 "--match: retry does not cross into longer names" "$HARDEN" audit --match openssl openssl-devel-1.0
expect_exit 2 "--match: wrong argument count" "$HARDEN" audit --match onlyone
"$HARDEN" audit --compare 1.0nb1 1.0 >"$WORK/out"
check "--compare: nb is compared last" [ "$(cat "$WORK/out")" = ">" ]
"$HARDEN" audit --compare 1.0rc1 1.0alpha2 >"$WORK/out"
check "--compare: rc is newer than alpha" [ "$(cat "$WORK/out")" = ">" ]
"$HARDEN" audit --compare 1.0 1.0.0.0 >"$WORK/out"
check "--compare: trailing zeros are equal" [ "$(cat "$WORK/out")" = "=" ]
done_testing
