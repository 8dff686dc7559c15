/* Unit tests for the sandbox policy parser and limit parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sandbox.h"

static int parse(const char *text, struct sandbox_opts *o, struct herr *e)
{
	struct sandbox_vars vars = { "/usr", NULL };
	return sandbox_policy_parse("p.policy", text, strlen(text), &vars, o, e);
}

static void test_full_policy(void **state)
{
	(void)state;
	struct sandbox_opts o;
	struct herr e;
	sandbox_opts_init(&o);
	const char *text = "# a comment\n\n  network = loopback  \n"
			   "ro = ${BUILD}/bin\nrw=/tmp\ntmpfs = /scratch\nenv = CC=gcc -O2\n"
			   "clear-env = yes\nhostname = pkg-1\ntimeout = 2.5\n"
			   "allow-syscall = ptrace, keyctl\nseccomp = log\n"
			   "rlimit-as = 2G\nrlimit-nproc = unlimited\nroot-inside = no\r\n";
	assert_int_equal(parse(text, &o, &e), 0);
	assert_int_equal(o.network, SANDBOX_NET_LOOPBACK);
	assert_int_equal(o.n_mounts, 3);
	assert_int_equal(o.mounts[0].kind, SANDBOX_RO);
	assert_string_equal(o.mounts[0].path, "/usr/bin");
	assert_int_equal(o.mounts[2].kind, SANDBOX_TMPFS);
	assert_string_equal(o.env.v[0], "CC=gcc -O2");
	assert_true(o.clear_env);
	assert_string_equal(o.hostname, "pkg-1");
	assert_true(o.timeout > 2.4 && o.timeout < 2.6);
	assert_true(strvec_has(&o.allow_syscalls, "keyctl"));
	assert_true(o.seccomp_log);
	assert_int_equal(o.rlim[SANDBOX_RLIM_AS], (rlim_t)2 << 30);
	assert_true(o.rlim[SANDBOX_RLIM_NPROC] == RLIM_INFINITY);
	sandbox_opts_free(&o);
}

static void expect_error(const char *text, const char *msg)
{
	struct sandbox_opts o;
	struct herr e;
	sandbox_opts_init(&o);
	assert_int_equal(parse(text, &o, &e), -1);
	if (!strstr(e.msg, msg))
		fail_msg("'%s' not in '%s'", msg, e.msg);
	sandbox_opts_free(&o);
}

static void test_errors_name_line_and_reason(void **state)
{
	(void)state;
	expect_error("network = none\nnetwork = wifi\n", "p.policy:2: network: 'wifi'");
	expect_error("\n\nbogus = 1\n", "p.policy:3: unknown key 'bogus'");
	expect_error("ro = /no/such/dir\n", "p.policy:1: ro: /no/such/dir: No such file");
	expect_error("rw = ${OUT}\n", "'${OUT}' is not set");
	expect_error("rw = ${BUILD\n", "unterminated");
	expect_error("hostname = a b\n", "hostname:");
	expect_error("timeout = -1\n", "timeout:");
	expect_error("timeout = 1e400\n", "timeout:");
	expect_error("rlimit-cpu = 10K\n", "rlimit-cpu:");
	expect_error("rlimit-stack = 1\n", "unknown key 'rlimit-stack'");
	expect_error("env = =x\n", "env:");
	expect_error("env = 1A=x\n", "not a valid variable name");
	expect_error("tmpfs = /\n", "cannot replace the root");
	expect_error("build = /etc/passwd\n", "not a directory");
	expect_error("build = /\n", "refusing to make / writable");
	expect_error("rw = /usr/..\n", "refusing to make / writable");
}

static void test_nul_in_middle_is_caught(void **state)
{
	(void)state;
	struct sandbox_opts o;
	struct herr e;
	sandbox_opts_init(&o);
	const char text[] = "network = none\nro = /usr\0/etc\n";
	assert_int_equal(sandbox_policy_parse("p", text, sizeof(text) - 1, NULL, &o, &e), -1);
	assert_non_null(strstr(e.msg, "p:2: NUL byte"));
	sandbox_opts_free(&o);
}

static void test_parse_limit(void **state)
{
	(void)state;
	rlim_t v;
	assert_int_equal(sandbox_parse_limit("unlimited", true, &v), 0);
	assert_true(v == RLIM_INFINITY);
	assert_int_equal(sandbox_parse_limit("16G", true, &v), 0);
	assert_true(v == (rlim_t)16 << 30);
	assert_int_equal(sandbox_parse_limit("7", false, &v), 0);
	assert_true(v == 7);
	assert_int_equal(sandbox_parse_limit("7K", false, &v), -1);
	assert_int_equal(sandbox_parse_limit("-1", true, &v), -1);
	assert_int_equal(sandbox_parse_limit("99999999999999999999", true, &v), -1);
	assert_int_equal(sandbox_parse_limit("99999999999T", true, &v), -1);
	assert_int_equal(sandbox_parse_limit("1GB", true, &v), -1);
	assert_int_equal(sandbox_parse_limit("", true, &v), -1);
}

static void test_plan_refuses_missing_layers(void **state)
{
	(void)state;
	struct sandbox_opts o;
	struct sandbox_kernel k = { .userns = true, .seccomp = true, .landlock_abi = 3 };
	struct sandbox_plan p;
	struct herr e;
	sandbox_opts_init(&o);
	/* ABI 3 with namespaces: TCP is held by the netns, nothing missing. */
	assert_int_equal(sandbox_plan(&o, &k, &p, &e), 0);
	assert_false(p.landlock_net);
	k.userns = false;
	assert_int_equal(sandbox_plan(&o, &k, &p, &e), -1);
	assert_non_null(strstr(e.msg, "user namespaces"));
	assert_non_null(strstr(e.msg, "Landlock TCP"));
	o.best_effort = true;
	assert_int_equal(sandbox_plan(&o, &k, &p, &e), 0);
	assert_true(p.missing & SANDBOX_LAYER_USERNS);
	assert_true(p.landlock && !p.namespaces);
	k.seccomp = false;
	o.best_effort = false;
	assert_int_equal(sandbox_plan(&o, &k, &p, &e), -1);
	assert_non_null(strstr(e.msg, "seccomp"));
	sandbox_opts_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_policy),
		cmocka_unit_test(test_errors_name_line_and_reason),
		cmocka_unit_test(test_nul_in_middle_is_caught),
		cmocka_unit_test(test_parse_limit),
		cmocka_unit_test(test_plan_refuses_missing_layers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
