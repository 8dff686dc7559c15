/* Unit tests for the sandbox environment: pass-through, --clear-env, --env. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sandbox.h"

static const char *lookup(const struct strvec *env, const char *name)
{
	size_t n = strlen(name);
	const char *found = NULL;
	for (size_t i = 0; i < env->n; i++)
		if (!strncmp(env->v[i], name, n) && env->v[i][n] == '=') {
			if (found)
				fail_msg("%s set twice", name);
			found = env->v[i] + n + 1;
		}
	return found;
}

static void test_passthrough_replaces_home_and_tmpdir(void **state)
{
	(void)state;
	struct sandbox_opts o;
	struct strvec env = { 0 };
	sandbox_opts_init(&o);
	setenv("HARDEN_TEST_VAR", "x", 1);
	setenv("HOME", "/root", 1);
	setenv("TMPDIR", "/var/host-tmp", 1);
	sandbox_build_env(&o, "/home/build", NULL, &env);
	assert_string_equal(lookup(&env, "HARDEN_TEST_VAR"), "x");
	assert_string_equal(lookup(&env, "HOME"), "/home/build");
	assert_null(lookup(&env, "TMPDIR"));
	strvec_clear(&env);
	sandbox_build_env(&o, "/tmp/p", "/tmp/p", &env);
	assert_string_equal(lookup(&env, "TMPDIR"), "/tmp/p");
	strvec_clear(&env);
	sandbox_opts_free(&o);
}

static void test_clear_env_keeps_the_minimum_and_env_wins(void **state)
{
	(void)state;
	struct sandbox_opts o;
	struct strvec env = { 0 };
	sandbox_opts_init(&o);
	o.clear_env = true;
	strvec_push(&o.env, "LANG=C.UTF-8");
	strvec_push(&o.env, "CC=clang");
	setenv("HARDEN_TEST_VAR", "x", 1);
	setenv("LANG", "de_DE.UTF-8", 1);
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	unsetenv("PATH");
	sandbox_build_env(&o, "/home/build", NULL, &env);
	assert_null(lookup(&env, "HARDEN_TEST_VAR"));
	assert_string_equal(lookup(&env, "LANG"), "C.UTF-8");
	assert_string_equal(lookup(&env, "CC"), "clang");
	assert_string_equal(lookup(&env, "SOURCE_DATE_EPOCH"), "1700000000");
	assert_string_equal(lookup(&env, "PATH"), "/usr/local/bin:/usr/bin:/bin");
	assert_null(env.v[env.n]);
	strvec_clear(&env);
	sandbox_opts_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passthrough_replaces_home_and_tmpdir),
		cmocka_unit_test(test_clear_env_keeps_the_minimum_and_env_wins),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
