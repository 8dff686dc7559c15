/*
 * env.c — the environment the command sees.
 *
 * By default the caller's environment passes through (a build's CC, CFLAGS
 * and MAKEFLAGS matter), except HOME and TMPDIR, which would name host
 * paths that are not there or not writable inside. --clear-env keeps only
 * what a build needs to behave: PATH, HOME, TERM, LANG and
 * SOURCE_DATE_EPOCH (reproducible builds read it). --env K=V comes last
 * and wins.
 */
#include "sandbox/sandbox.h"

#include <stdlib.h>
#include <string.h>

extern char **environ;

static void set_var(struct strvec *env, const char *kv)
{
	size_t klen = strcspn(kv, "=");
	for (size_t i = 0; i < env->n; i++) {
		if (!strncmp(env->v[i], kv, klen) && env->v[i][klen] == '=') {
			free(env->v[i]);
			env->v[i] = xstrdup(kv);
			return;
		}
	}
	strvec_push(env, kv);
}

void sandbox_build_env(const struct sandbox_opts *o, const char *home, const char *tmp,
		       struct strvec *env)
{
	static const char *const kept[] = { "PATH", "TERM", "LANG", "SOURCE_DATE_EPOCH" };
	if (o->clear_env) {
		for (size_t i = 0; i < ARRAY_SIZE(kept); i++) {
			const char *v = getenv(kept[i]);
			if (v)
				strvec_pushf(env, "%s=%s", kept[i], v);
		}
		if (!getenv("PATH"))
			strvec_push(env, "PATH=/usr/local/bin:/usr/bin:/bin");
	} else {
		for (char **e = environ; e && *e; e++)
			if (!starts_with(*e, "HOME=") && !starts_with(*e, "TMPDIR="))
				strvec_push(env, *e);
	}
	strvec_pushf(env, "HOME=%s", home);
	if (tmp)
		strvec_pushf(env, "TMPDIR=%s", tmp);
	for (size_t i = 0; i < o->env.n; i++)
		set_var(env, o->env.v[i]);
}
