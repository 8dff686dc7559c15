/*
 * Unit tests for reading a HARDEN_LOG back (wrap/verify.c): strict parsing
 * of untrusted lines, and the tree from a linked output back to the compile
 * calls of its objects, with the reasons a feature may be missing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "wrap/wrap.h"

static int parse(const char *line, int n, struct wrap_call *c, struct herr *err)
{
	return wrap_call_parse(line, strlen(line), n, c, err);
}

static void test_parse_good_line(void **s)
{
	(void)s;
	struct wrap_call c;
	struct herr err;
	const char *l = "{\"cwd\":\"/b\",\"mode\":\"compile\",\"output\":null,\"inputs\":[\"src/x.c\"],"
			"\"requested\":[\"fortify\",\"pie\"],\"applied\":[\"pie\"],"
			"\"dropped\":{\"fortify\":\"-O0: FORTIFY needs optimisation\"}}";
	assert_int_equal(parse(l, 3, &c, &err), 0);
	assert_int_equal(c.mode, WRAP_COMPILE);
	assert_int_equal(c.line, 3);
	assert_string_equal(c.inputs.v[0], "/b/src/x.c");
	assert_string_equal(c.output, "/b/x.o"); /* gcc -c src/x.c writes ./x.o */
	assert_int_equal(c.applied, WRAP_BIT(WF_PIE));
	assert_int_equal(c.requested, WRAP_BIT(WF_PIE) | WRAP_BIT(WF_FORTIFY));
	assert_string_equal(c.dropped[WF_FORTIFY], "-O0: FORTIFY needs optimisation");
	wrap_call_free(&c);
}

static void test_parse_bad_lines(void **s)
{
	(void)s;
	static const char *const bad[] = {
		"not json",
		"[]",
		"{\"mode\":\"compile\"}",
		"{\"mode\":\"bake\",\"inputs\":[],\"applied\":[]}",
		"{\"mode\":\"compile\",\"inputs\":[1],\"applied\":[]}",
		"{\"mode\":\"compile\",\"inputs\":[],\"applied\":[\"fortfy\"]}",
		"{\"mode\":\"compile\",\"inputs\":[],\"applied\":[],\"dropped\":{\"pie\":3}}",
		"{\"mode\":\"compile\",\"inputs\":[],\"applied\":[],\"dropped\":[]}",
		"{\"mode\":\"compile\",\"inputs\":[],\"applied\":[],\"requested\":{}}",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct wrap_call c;
		struct herr err;
		assert_int_equal(parse(bad[i], 7, &c, &err), -1);
		assert_non_null(strstr(err.msg, "line 7"));
	}
}

/* A small build: a.o good, b.o at -O0, asm.o from assembler, ext.o unknown. */
static const char *const build_log[] = {
	"{\"cwd\":\"/w\",\"mode\":\"compile\",\"output\":\"a.o\",\"inputs\":[\"a.c\"],\"requested\":[\"stackprotector\",\"fortify\",\"pie\",\"relro\",\"bindnow\"],\"applied\":[\"stackprotector\",\"fortify\",\"pie\"],\"dropped\":{}}",
	"{\"cwd\":\"/w\",\"mode\":\"compile\",\"output\":\"b.o\",\"inputs\":[\"b.c\"],\"requested\":[\"stackprotector\",\"fortify\",\"pie\",\"relro\",\"bindnow\"],\"applied\":[\"stackprotector\",\"pie\"],\"dropped\":{\"fortify\":\"-O0: FORTIFY needs optimisation\"}}",
	"{\"cwd\":\"/w\",\"mode\":\"compile\",\"output\":\"asm.o\",\"inputs\":[\"asm.s\"],\"requested\":[\"stackprotector\"],\"applied\":[],\"dropped\":{\"stackprotector\":\"assembler input only, no C to harden\"}}",
	"{\"cwd\":\"/w\",\"mode\":\"link-exe\",\"output\":\"prog\",\"inputs\":[\"a.o\",\"./b.o\",\"asm.o\",\"/lib/ext.o\",\"libfoo.a\"],\"requested\":[\"stackprotector\",\"fortify\",\"pie\",\"relro\",\"bindnow\"],\"applied\":[\"pie\",\"relro\"],\"dropped\":{\"bindnow\":\"overridden by the package's -Wl,-z,lazy\"}}",
	"{\"cwd\":\"/w\",\"mode\":\"link-shared\",\"output\":\"libx.so\",\"inputs\":[\"a.o\"],\"requested\":[\"pie\",\"relro\"],\"applied\":[\"relro\"],\"dropped\":{\"pie\":\"-shared: a shared library is position-independent\"}}",
	"{\"cwd\":\"/w\",\"mode\":\"link-exe\",\"output\":\"libx.so\",\"inputs\":[\"a.o\"],\"requested\":[\"relro\"],\"applied\":[\"relro\"],\"dropped\":{}}",
};

static void test_expectations(void **s)
{
	(void)s;
	size_t n = ARRAY_SIZE(build_log);
	struct wrap_call calls[ARRAY_SIZE(build_log)];
	struct herr err;
	for (size_t i = 0; i < n; i++)
		assert_int_equal(parse(build_log[i], (int)i + 1, &calls[i], &err), 0);
	struct wrap_expect *ex;
	size_t nex;
	wrap_expectations(calls, n, &ex, &nex);
	assert_int_equal(nex, 2); /* prog, and libx.so once: the last link wins */
	assert_string_equal(ex[0].output, "/w/prog");
	assert_int_equal(ex[0].line, 4);
	wrap_set want = WRAP_BIT(WF_PIE) | WRAP_BIT(WF_RELRO) | WRAP_BIT(WF_BINDNOW) |
			WRAP_BIT(WF_STACKPROTECTOR) | WRAP_BIT(WF_FORTIFY);
	assert_int_equal(ex[0].wanted, want);
	/* why fortify may be missing: b.o at -O0, ext.o never seen */
	assert_non_null(strstr(ex[0].why[WF_FORTIFY], "b.o: -O0"));
	assert_non_null(strstr(ex[0].why[WF_FORTIFY], "/lib/ext.o: not compiled through harden cc"));
	assert_null(strstr(ex[0].why[WF_FORTIFY], "a.o"));
	assert_non_null(strstr(ex[0].why[WF_BINDNOW], "-Wl,-z,lazy"));
	assert_non_null(strstr(ex[0].why[WF_STACKPROTECTOR], "asm.o: assembler input only"));
	assert_non_null(strstr(ex[0].why[WF_NOEXECSTACK], "asm.o: from an assembler file"));
	assert_null(ex[0].why[WF_PIE]);
	/* the relinked libx.so: the second link call (line 6) */
	assert_string_equal(ex[1].output, "/w/libx.so");
	assert_int_equal(ex[1].line, 6);
	assert_int_equal(ex[1].wanted & WRAP_BIT(WF_PIE), 0);
	wrap_expect_free(ex, nex);
	free(ex);
	for (size_t i = 0; i < n; i++)
		wrap_call_free(&calls[i]);
}

static void test_log_round_trip(void **s)
{
	(void)s;
	/* what the wrapper writes, the verifier reads */
	char *args[] = { "-O0", "-c", "dir/x.c" };
	struct wrap_args a;
	wrap_args_scan(args, 3, &a);
	struct wrap_target t = { WRAP_KIND_GCC, WRAP_ARCH_X86, "x86_64", 3, 0 };
	struct wrap_plan p;
	wrap_plan("/usr/bin/gcc", args, 3, &a, false, WRAP_ALL, &t, &p);
	struct wrap_log_entry e = { "/src", "/usr/bin/gcc", args, 3, &p, &a };
	char *line = wrap_log_line(&e);
	assert_non_null(strchr(line, '\n'));
	struct wrap_call c;
	struct herr err;
	assert_int_equal(wrap_call_parse(line, strlen(line) - 1, 1, &c, &err), 0);
	assert_int_equal(c.mode, WRAP_COMPILE);
	assert_string_equal(c.output, "/src/x.o");
	assert_int_equal(c.applied, p.applied);
	assert_int_equal(c.requested, WRAP_ALL);
	assert_non_null(strstr(c.dropped[WF_FORTIFY], "-O0"));
	wrap_call_free(&c);
	free(line);
	wrap_plan_free(&p);
	wrap_args_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good_line),
		cmocka_unit_test(test_parse_bad_lines),
		cmocka_unit_test(test_expectations),
		cmocka_unit_test(test_log_round_trip),
	};
	return cmocka_run_group_tests_name("wrap-verify", tests, NULL, NULL);
}
