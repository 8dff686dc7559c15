/*
 * opts.c — the options struct: defaults, mounts, limits, freeing.
 *
 * The defaults are the "sane build defaults" of the issue: generous enough
 * for a large C++ build (hours of CPU per process, GiBs of memory and file
 * size), tight enough that a fork bomb or a runaway test is held.
 */
#include "sandbox/sandbox.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *const sandbox_rlimit_names[SANDBOX_RLIM_COUNT] = {
	[SANDBOX_RLIM_CPU] = "cpu",
	[SANDBOX_RLIM_AS] = "as",
	[SANDBOX_RLIM_FSIZE] = "fsize",
	[SANDBOX_RLIM_NPROC] = "nproc",
	[SANDBOX_RLIM_NOFILE] = "nofile",
};

const int sandbox_rlimit_resources[SANDBOX_RLIM_COUNT] = {
	[SANDBOX_RLIM_CPU] = RLIMIT_CPU,
	[SANDBOX_RLIM_AS] = RLIMIT_AS,
	[SANDBOX_RLIM_FSIZE] = RLIMIT_FSIZE,
	[SANDBOX_RLIM_NPROC] = RLIMIT_NPROC,
	[SANDBOX_RLIM_NOFILE] = RLIMIT_NOFILE,
};

#define GIB ((rlim_t)1 << 30)

void sandbox_opts_init(struct sandbox_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->network = SANDBOX_NET_NONE;
	o->hostname = xstrdup("build");
	o->rlim[SANDBOX_RLIM_CPU] = 4 * 3600;   /* seconds of CPU per process */
	o->rlim[SANDBOX_RLIM_AS] = 16 * GIB;    /* sanitizer builds need unlimited */
	o->rlim[SANDBOX_RLIM_FSIZE] = 16 * GIB;
	o->rlim[SANDBOX_RLIM_NPROC] = 4096;
	o->rlim[SANDBOX_RLIM_NOFILE] = 8192;
}

void sandbox_opts_free(struct sandbox_opts *o)
{
	free(o->build_dir);
	free(o->out_dir);
	for (size_t i = 0; i < o->n_mounts; i++)
		free(o->mounts[i].path);
	free(o->mounts);
	strvec_clear(&o->env);
	strvec_clear(&o->allow_syscalls);
	free(o->hostname);
	memset(o, 0, sizeof(*o));
}

void sandbox_add_mount(struct sandbox_opts *o, enum sandbox_mount_kind kind, const char *path)
{
	o->mounts = xrealloc(o->mounts, (o->n_mounts + 1) * sizeof(*o->mounts));
	o->mounts[o->n_mounts].kind = kind;
	o->mounts[o->n_mounts].path = xstrdup(path);
	o->n_mounts++;
}

int sandbox_parse_limit(const char *s, bool sizes, rlim_t *out)
{
	if (!strcmp(s, "unlimited")) {
		*out = RLIM_INFINITY;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	unsigned shift = 0;
	if (sizes && *end) {
		const char *units = "KMGT";
		const char *u = strchr(units, *end);
		if (!u || end[1])
			return -1;
		shift = 10 * (unsigned)(u - units + 1);
		end++;
	}
	if (*end || (shift && v > (~0ULL >> shift)))
		return -1;
	*out = (rlim_t)(v << shift);
	return 0;
}
