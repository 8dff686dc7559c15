/* Unit tests for vuln/dewey.c and vuln/pattern.c: the edge cases of pkgsrc's
 * version order and pattern language, each written so the opposite verdict
 * would fail. The reference vectors are checked in tests/vuln/vectors.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/vuln.h"

static int sign(int c) { return (c > 0) - (c < 0); }

static void test_dewey_order(void **state)
{
	(void)state;
	static const struct { const char *a, *b; int want; } v[] = {
		{ "1.0", "1.0.0", 0 },         { "1.0alpha1", "1.0beta1", -1 },
		{ "1.0beta1", "1.0pre1", -1 }, { "1.0pre1", "1.0rc1", 0 },
		{ "1.0rc1", "1.0", -1 },       { "1.0pl1", "1.0.1", 0 },
		{ "1.0_1", "1.0.1", 0 },       { "1.0a", "1.0.1", 0 },
		{ "1.0b", "1.0a", 1 },         { "1.0nb1", "1.0", 1 },
		{ "1.0nb2", "1.0.1", -1 },     { "1.0NB1", "1.0nb1", 0 },
		{ "1.0ALPHA", "1.0alpha", 0 }, { "007", "7", 0 },
		{ "1.0+x", "1.0x", 0 },        { "", "0", 0 },
		/* big numbers compare exactly, beyond 32 and 64 bits */
		{ "4294967296", "0", 1 },      { "99999999999999999999", "99999999999999999998", 1 },
		{ "100000000000000000000", "99999999999999999999", 1 },
		{ "1.0nb100000000000000000000", "1.0nb99", 1 },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int got = sign(dewey_cmp(v[i].a, v[i].b));
		if (got != v[i].want)
			fail_msg("dewey_cmp(%s, %s) = %d, want %d", v[i].a, v[i].b, got, v[i].want);
		assert_int_equal(sign(dewey_cmp(v[i].b, v[i].a)), -v[i].want);
	}
}

static void test_dewey_ops(void **state)
{
	(void)state;
	enum dewey_op op;
	assert_int_equal(dewey_parse_op("<=1", &op), 2);
	assert_int_equal(op, DEWEY_LE);
	assert_int_equal(dewey_parse_op("<1", &op), 1);
	assert_int_equal(op, DEWEY_LT);
	assert_int_equal(dewey_parse_op(">=", &op), 2);
	assert_int_equal(op, DEWEY_GE);
	assert_int_equal(dewey_parse_op("=1", &op), -1);
	assert_true(dewey_test(-1, DEWEY_LE));
	assert_false(dewey_test(1, DEWEY_LE));
	assert_true(dewey_test(0, DEWEY_GE));
	assert_false(dewey_test(0, DEWEY_NE));
}

static void test_pattern_language(void **state)
{
	(void)state;
	static const struct { const char *pat, *pkg; int want; } v[] = {
		{ "foo<1.0", "foo-0.9", 1 },           { "foo<1.0", "foo-1.0", 0 },
		{ "foo<=1.0", "foo-1.0", 1 },          { "foo>1.0", "foo-1.0", 0 },
		{ "foo>=1.0<2", "foo-1.5", 1 },        { "foo>=1.0<2", "foo-2.0", 0 },
		{ "foo>=1.0<=2", "foo-2.0", 1 },       { "foo>1<2", "foo-1", 0 },
		/* "<" before ">" is no range: "1>0" reads as 1.0, the ">" skipped */
		{ "foo<1>0", "foo-0.9", 1 },           { "foo<1>0", "foo-1.0", 0 },
		{ "foo<1.0", "foo-bar-0.9", 0 },       { "foo<1.0", "xfoo-0.9", 0 },
		{ "foo-[0-9]*", "foo-1.0", 1 },        { "foo-[0-9]*", "foo-bar-1.0", 0 },
		{ "foo-1.3.1*", "foo-1.3.10", 1 },     { "*", ".hidden-1.0", 0 },
		{ "foo", "foo-2.0", 1 },               { "foo", "foobar-2.0", 0 },
		{ "foo-1.0", "foo-1.0", 1 },           { "foo==1.0", "foo-1.0", 0 },
		{ "{foo,bar}<2", "bar-1", 1 },         { "{foo,bar}<2", "baz-1", 0 },
		{ "py{2{6,7},3{1,2}}-x<1", "py27-x-0", 1 },
		{ "py{2{6,7},3{1,2}}-x<1", "py28-x-0", 0 },
		{ "a{,b}{,c}-[0-9]*", "abc-1", 1 },    { "a{,b}{,c}-[0-9]*", "ac-1", 1 },
		{ "foo{a,b", "fooa-1", -1 },           { "{a,b}{c", "ac-1", -1 },
		/* the quick reject comes first, as in pkg_install: no error */
		{ "xy{a,b", "foo-1", 0 },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int got = pattern_match(v[i].pat, v[i].pkg);
		if (got != v[i].want)
			fail_msg("pattern_match(%s, %s) = %d, want %d", v[i].pat, v[i].pkg, got, v[i].want);
	}
}

static void test_pattern_expand(void **state)
{
	(void)state;
	struct strvec sv = { 0 };
	struct herr err;
	assert_int_equal(pattern_expand("py{2{6,7},31}-x<1", &sv, &err), 0);
	assert_int_equal(sv.n, 3);
	assert_string_equal(sv.v[0], "py26-x<1");
	assert_string_equal(sv.v[1], "py27-x<1");
	assert_string_equal(sv.v[2], "py31-x<1");
	strvec_clear(&sv);
	assert_int_equal(pattern_expand("MozillaFirebird{,-gtk2}{,-bin}<0.10", &sv, &err), 0);
	assert_int_equal(sv.n, 4);
	assert_string_equal(sv.v[3], "MozillaFirebird-gtk2-bin<0.10");
	strvec_clear(&sv);
	assert_int_equal(pattern_expand("foo{a,b", &sv, &err), -1);
	assert_non_null(strstr(err.msg, "unbalanced"));
	strvec_clear(&sv);
	assert_int_equal(pattern_expand("foo}<1", &sv, &err), -1);
	strvec_clear(&sv);
	/* deep nesting is fine; absurd length is refused, not a stack overflow */
	char *deep = xmalloc(2 * 2000 + 8);
	memset(deep, '{', 2000);
	strcpy(deep + 2000, "a");
	memset(deep + 2001, '}', 2000);
	strcpy(deep + 4001, "<1");
	assert_int_equal(pattern_expand(deep, &sv, &err), 0);
	assert_int_equal(sv.n, 1);
	assert_string_equal(sv.v[0], "a<1");
	assert_int_equal(pattern_match(deep, "a-0.5"), 1);
	strvec_clear(&sv);
	free(deep);
	char *huge = xmalloc(PATTERN_MAX_LEN + 2);
	memset(huge, 'x', PATTERN_MAX_LEN + 1);
	huge[PATTERN_MAX_LEN + 1] = '\0';
	assert_int_equal(pattern_expand(huge, &sv, &err), -1);
	assert_int_equal(pattern_match(huge, "x-1"), -1);
	free(huge);
	strvec_clear(&sv);
	/* 2^13 leaves: refused rather than exploding */
	assert_int_equal(pattern_expand("{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}", &sv, &err), -1);
	strvec_clear(&sv);
	/*
	 * 2^12 = 4,096 leaves, the most accepted, with 4,095 partly expanded
	 * patterns above them: matching must reach the last leaf, as the
	 * index (which takes the expanded leaves) does. Found by fuzz_vuln_list.
	 */
	static const char most[] = "p{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}-x<2";
	assert_int_equal(pattern_expand(most, &sv, &err), 0);
	assert_int_equal(sv.n, PATTERN_MAX_ALTERNATIVES);
	strvec_clear(&sv);
	assert_int_equal(pattern_match(most, "pbbbbbbbbbbbb-x-1"), 1);
	assert_int_equal(pattern_match(most, "pbbbbbbbbbbbb-x-3"), 0);
}

static void test_literal_prefix(void **state)
{
	(void)state;
	assert_int_equal(pattern_literal_prefix("openssl<1.0"), 7);
	assert_int_equal(pattern_literal_prefix("py*-foo"), 2);
	assert_int_equal(pattern_literal_prefix("foo-1.0"), 7);
	assert_int_equal(pattern_literal_prefix("[a-z]oo"), 0);
	const char *ver;
	size_t n;
	assert_true(pattern_base_name("py27-foo-1.0nb1", &ver, &n));
	assert_int_equal(n, 8);
	assert_string_equal(ver, "1.0nb1");
	assert_false(pattern_base_name("noversion", &ver, &n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dewey_order),
		cmocka_unit_test(test_dewey_ops),
		cmocka_unit_test(test_pattern_language),
		cmocka_unit_test(test_pattern_expand),
		cmocka_unit_test(test_literal_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
