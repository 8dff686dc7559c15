/* Unit tests for util/: vectors, buffers and error messages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

static void test_strvec_is_null_terminated(void **state)
{
	(void)state;
	struct strvec sv = { 0 };
	for (int i = 0; i < 100; i++)
		strvec_pushf(&sv, "arg%d", i);
	assert_int_equal(sv.n, 100);
	assert_null(sv.v[100]);
	assert_string_equal(sv.v[42], "arg42");
	assert_true(strvec_has(&sv, "arg99"));
	assert_false(strvec_has(&sv, "arg100"));
	strvec_clear(&sv);
	assert_int_equal(sv.n, 0);
}

static void test_buf_grows_and_formats(void **state)
{
	(void)state;
	struct buf b = { 0 };
	for (int i = 0; i < 1000; i++)
		buf_addf(&b, "%d,", i);
	assert_true(starts_with(b.p, "0,1,2,"));
	assert_true(ends_with(b.p, "998,999,"));
	assert_int_equal(strlen(b.p), b.len);
	buf_reset(&b);
	assert_string_equal(b.p, "");
	buf_free(&b);
}

static void test_herr_prefix(void **state)
{
	(void)state;
	struct herr e;
	assert_int_equal(herr_set(&e, "bad line %d", 7), -1);
	herr_prefix(&e, "%s", "file.txt");
	assert_string_equal(e.msg, "file.txt: bad line 7");
	assert_int_equal(herr_set(NULL, "ignored"), -1);
}

static void test_read_file_missing(void **state)
{
	(void)state;
	struct buf b = { 0 };
	struct herr e;
	assert_int_equal(read_file("/nonexistent/x", &b, &e), -1);
	assert_non_null(strstr(e.msg, "/nonexistent/x: cannot open"));
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strvec_is_null_terminated),
		cmocka_unit_test(test_buf_grows_and_formats),
		cmocka_unit_test(test_herr_prefix),
		cmocka_unit_test(test_read_file_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
