/* Unit tests for vuln/index.c and vuln/list.c: the prefix index must give
 * exactly what trying every pattern gives, on the awkward patterns and names
 * (no version, empty base, globs in the name, the NAME-[0-9]* shortcut,
 * ranges, shared bounds, duplicate leaves), and the parser must keep line
 * numbers and refuse what pkg_install would choke on. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/vuln.h"

static const char list_text[] =
	"# $NetBSD: pkg-vulnerabilities,v 1.7 2024/02/03 04:05:06 x Exp $\n"
	"#\n"
	"#FORMAT 1.0.0\n"
	"#\n"
	"foo<1.0\tdenial-of-service\thttp://a/1\n"
	"foo>=1.0<2.0\tdenial-of-service\thttp://a/2\n"
	"foo>=1.0<2.0\tcross-site-scripting\thttp://a/3\n"
	"foo-[0-9]*\teol\thttp://a/4\n"
	"foo-bar<3\tdenial-of-service\thttp://a/5\n"
	"py{27,3{11,12}}-foo>1<=1.5\tdenial-of-service\thttp://a/6\n"
	"py*-foo-1.2*\tdenial-of-service\thttp://a/7\n"
	"*-foo-[0-9]*\tdenial-of-service\thttp://a/8\n"
	"foo\tdenial-of-service\thttp://a/9\n"
	"foo-1.0\tdenial-of-service\thttp://a/10\n"
	"<2\tdenial-of-service\thttp://a/11\n"
	"a<2\tdenial-of-service\thttp://a/12\n"
	"foo<1>0\tdenial-of-service\thttp://a/13\n"
	"foo-1[0-9]\tdenial-of-service\thttp://a/14\n"
	"foo-[0-9]*\tdenial-of-service\thttp://a/15\n"
	"\n"
	"# a comment between entries\n"
	"bar<1.0nb2\tdenial-of-service\thttp://a/16\n";

static const char *const names[] = {
	"foo-0.9", "foo-1.0", "foo-1.5", "foo-2.0", "foo-10", "foo-12", "foo-bar-2", "foo-bar-3",
	"py27-foo-1.2", "py311-foo-1.5", "py312-foo-1.6", "py313-foo-1.2", "py38-foo-1.21",
	"x-foo-1", "-foo-1", "foo", "foo-", "-1", "a-1", "a-3", "-", "", ".foo-1", "foo-1-2",
	"foo-x", "bar-1.0nb1", "bar-1.0nb2", "bar-1.0", "FOO-0.1", "fo-1",
};

static void parse(struct vuln_list *l)
{
	struct vuln_parse_opts o = { .require_checksum = -1 };
	struct herr err;
	if (vuln_list_parse(l, list_text, strlen(list_text), &o, &err) < 0)
		fail_msg("parse: %s", err.msg);
}

static void test_list_parsed(void **state)
{
	(void)state;
	struct vuln_list l = { 0 };
	parse(&l);
	assert_int_equal(l.n, 16);
	assert_int_equal(l.nproblems, 0);
	assert_int_equal(l.form, VULN_FORM_INTREE);
	assert_string_equal(l.revision, "1.7");
	assert_string_equal(l.date, "2024-02-03 04:05:06");
	assert_int_equal(l.v[0].line, 5);
	assert_int_equal(l.v[15].line, 22);
	assert_int_equal(l.v[5].leaves.n, 3);
	assert_string_equal(l.v[5].leaves.v[2], "py312-foo>1<=1.5");
	vuln_list_free(&l);
}

static void test_index_equals_naive(void **state)
{
	(void)state;
	struct vuln_list l = { 0 };
	parse(&l);
	struct vuln_index ix;
	vuln_index_build(&ix, &l);
	struct vuln_matches fast = { 0 }, slow = { 0 };
	size_t total = 0;
	for (int round = 0; round < 2; round++) { /* twice: memo and stamps reset per package */
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			vuln_index_match(&ix, names[i], &fast);
			vuln_naive_match(&l, names[i], &slow);
			if (fast.n != slow.n || (fast.n && memcmp(fast.v, slow.v, fast.n * sizeof(size_t))))
				fail_msg("%s: index found %zu entries, naive %zu", names[i], fast.n, slow.n);
			total += fast.n;
		}
	}
	assert_true(total > 20); /* the names do hit entries */
	vuln_index_match(&ix, "foo-1.5", &fast);
	/* foo>=1.0<2.0 twice, foo-[0-9]* twice, foo, *-foo-[0-9]*? no: "foo-1.5" has no "-foo-" */
	size_t want[] = { 1, 2, 3, 8, 14 };
	assert_int_equal(fast.n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < fast.n; i++)
		assert_int_equal(fast.v[i], want[i]);
	vuln_matches_free(&fast);
	vuln_matches_free(&slow);
	vuln_index_free(&ix);
	vuln_list_free(&l);
}

static void test_audit_filters(void **state)
{
	(void)state;
	struct vuln_list l = { 0 };
	parse(&l);
	struct vuln_index ix;
	vuln_index_build(&ix, &l);
	struct vuln_pkgset pkgs = { 0 };
	vuln_pkgs_add(&pkgs, "foo-1.5", NULL);
	struct strvec classes = { 0 }, ignores = { 0 };
	struct vuln_audit_opts o = { .class_globs = &classes, .ignore_urls = &ignores };
	struct vuln_findings f = { 0 };
	vuln_audit(&l, &ix, &pkgs, &o, &f);
	assert_int_equal(f.n, 4); /* eol hidden */
	assert_int_equal(f.vulnerable_pkgs, 1);
	vuln_findings_free(&f);
	o.check_eol = true;
	vuln_audit(&l, &ix, &pkgs, &o, &f);
	assert_int_equal(f.n, 5);
	vuln_findings_free(&f);
	strvec_push(&classes, "cross-*");
	vuln_audit(&l, &ix, &pkgs, &o, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.v[0].entry, 2);
	vuln_findings_free(&f);
	strvec_push(&ignores, "http://a/3");
	vuln_audit(&l, &ix, &pkgs, &o, &f);
	assert_int_equal(f.n, 0);
	assert_int_equal(f.vulnerable_pkgs, 0);
	vuln_findings_free(&f);
	strvec_clear(&classes);
	strvec_clear(&ignores);
	vuln_pkgs_free(&pkgs);
	vuln_index_free(&ix);
	vuln_list_free(&l);
}

static void test_parse_refusals(void **state)
{
	(void)state;
	static const struct { const char *text; const char *why; } bad[] = {
		{ "foo<1\tdos\thttp://x/\n", "expected the #FORMAT header" },
		{ "#FORMAT 2.0.0\n", "unsupported #FORMAT 2.0.0" },
		{ "#FORMAT 1.0.0\nfoo<1\tdos\thttp://x/", "no newline at the end" },
		{ "# text before the header\n#FORMAT 1.0.0\n", "comment text before #FORMAT" },
		{ "#FORMAT 1.1.0\nfoo<1\tdos\thttp://x/\n", "no #CHECKSUM line" },
		{ "#FORMAT 1.0.0\n#CHECKSUM SHA1 00\n", "SHA1 checksum mismatch" },
		{ "#FORMAT 1.0.0\n#CHECKSUM SHA256 00\n", "unsupported checksum algorithm 'SHA256'" },
		{ "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA1\n\n#FORMAT 1.0.0\n", "signature is missing" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vuln_list l = { 0 };
		struct vuln_parse_opts o = { .require_checksum = -1 };
		struct herr err = { "" };
		int rc = vuln_list_parse(&l, bad[i].text, strlen(bad[i].text), &o, &err);
		if (rc != -1 || !strstr(err.msg, bad[i].why))
			fail_msg("case %zu: rc %d, message '%s', want '%s'", i, rc, err.msg, bad[i].why);
		vuln_list_free(&l);
	}
	/* the fragment form is for --lint only */
	struct vuln_list l = { 0 };
	struct vuln_parse_opts o = { .allow_fragment = true, .require_checksum = 0 };
	struct herr err;
	assert_int_equal(vuln_list_parse(&l, bad[0].text, strlen(bad[0].text), &o, &err), 0);
	assert_int_equal(l.form, VULN_FORM_FRAGMENT);
	assert_int_equal(l.n, 1);
	vuln_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_parsed),
		cmocka_unit_test(test_index_equals_naive),
		cmocka_unit_test(test_audit_filters),
		cmocka_unit_test(test_parse_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
