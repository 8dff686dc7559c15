/*
 * policy.c — the sandbox policy file: the same settings as the flags, in a
 * format a maintainer reads at a glance and a distribution ships:
 *
 *     # default for every package
 *     network = none
 *     rw = ${BUILD}
 *     ro = /opt/toolchain
 *     rlimit-nproc = 2048
 *
 *     # this package's test suite needs loopback TCP
 *     network = loopback
 *
 * One "key = value" per line, '#' starts a comment line, blank lines are
 * ignored. ${BUILD} and ${OUT} expand to the build and output directories.
 * Paths must be absolute after expansion and (except tmpfs) must exist:
 * a typo in a policy is an error before anything runs, not a build that
 * silently lacks a mount. The input is untrusted (fuzzed): every error is
 * "FILE:LINE: reason" and nothing is applied past the first error.
 */
#include "sandbox/sandbox.h"

#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <limits.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct line_ctx {
	const char *file;
	unsigned line;
	const struct sandbox_vars *vars;
	struct sandbox_opts *o;
	struct herr *err;
};

static int line_error(struct line_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int line_error(struct line_ctx *c, const char *fmt, ...)
{
	char why[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return herr_set(c->err, "%s:%u: %s", c->file, c->line, why);
}

/* Expand ${BUILD} and ${OUT}; anything else that looks like ${...} is an error. */
static char *expand_vars(struct line_ctx *c, const char *value)
{
	struct buf b = { 0 };
	buf_adds(&b, "");
	for (const char *p = value; *p;) {
		if (p[0] != '$' || p[1] != '{') {
			buf_add(&b, p, 1);
			p++;
			continue;
		}
		const char *close = strchr(p, '}');
		if (!close) {
			line_error(c, "unterminated '${' in '%s'", value);
			goto fail;
		}
		size_t n = (size_t)(close - p - 2);
		const char *val = NULL;
		if (n == 5 && !strncmp(p + 2, "BUILD", 5))
			val = c->vars ? c->vars->build : NULL;
		else if (n == 3 && !strncmp(p + 2, "OUT", 3))
			val = c->vars ? c->vars->out : NULL;
		else {
			line_error(c, "unknown variable '${%.*s}' (known: ${BUILD}, ${OUT})", (int)(n > 64 ? 64 : n), p + 2);
			goto fail;
		}
		if (!val) {
			line_error(c, "'${%.*s}' is not set here (give --%s)", (int)n, p + 2,
				   n == 5 ? "build" : "out");
			goto fail;
		}
		buf_adds(&b, val);
		p = close + 1;
	}
	return b.p;
fail:
	buf_free(&b);
	return NULL;
}

static int parse_bool(struct line_ctx *c, const char *key, const char *v, bool *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
		*out = true;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
		*out = false;
	else
		return line_error(c, "%s: '%s' is not yes or no", key, v);
	return 0;
}

/* An absolute, existing path, canonicalized so mounts and Landlock agree. */
static char *existing_path(struct line_ctx *c, const char *key, const char *v, bool want_dir)
{
	if (v[0] != '/')
		return line_error(c, "%s: '%s' is not an absolute path (use ${BUILD}/...)", key, v), NULL;
	char *real = realpath(v, NULL);
	if (!real)
		return line_error(c, "%s: %s: %s", key, v, strerror(errno)), NULL;
	struct stat st;
	if (want_dir && (stat(real, &st) < 0 || !S_ISDIR(st.st_mode))) {
		free(real);
		return line_error(c, "%s: %s: not a directory", key, v), NULL;
	}
	return real;
}

/* A writable "/" would be the host's whole file system, not a build tree. */
static int refuse_root(struct line_ctx *c, const char *key, char *real)
{
	if (strcmp(real, "/"))
		return 0;
	free(real);
	return line_error(c, "%s: refusing to make / writable (give the build tree itself)", key);
}

static int set_path(struct line_ctx *c, const char *key, const char *v, char **slot)
{
	char *p = existing_path(c, key, v, true);
	if (!p || refuse_root(c, key, p) < 0)
		return -1;
	free(*slot);
	*slot = p;
	return 0;
}

static int add_mount(struct line_ctx *c, const char *key, const char *v, enum sandbox_mount_kind kind)
{
	if (kind == SANDBOX_TMPFS) {
		if (v[0] != '/')
			return line_error(c, "%s: '%s' is not an absolute path", key, v);
		if (!strcmp(v, "/"))
			return line_error(c, "%s: cannot replace the root", key);
		sandbox_add_mount(c->o, kind, v);
		return 0;
	}
	char *p = existing_path(c, key, v, false);
	if (!p || (kind == SANDBOX_RW && refuse_root(c, key, p) < 0))
		return -1;
	sandbox_add_mount(c->o, kind, p);
	free(p);
	return 0;
}

static int set_env(struct line_ctx *c, const char *v)
{
	const char *eq = strchr(v, '=');
	if (!eq || eq == v)
		return line_error(c, "env: '%s' is not NAME=VALUE", v);
	for (const char *p = v; p < eq; p++)
		if (!(isalnum((unsigned char)*p) || *p == '_') || (p == v && isdigit((unsigned char)*p)))
			return line_error(c, "env: '%.*s' is not a valid variable name", (int)(eq - v), v);
	strvec_push(&c->o->env, v);
	return 0;
}

static int set_hostname(struct line_ctx *c, const char *v)
{
	size_t n = strlen(v);
	if (n == 0 || n > 63)
		return line_error(c, "hostname: must be 1 to 63 characters");
	for (const char *p = v; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
			return line_error(c, "hostname: '%s' has a character other than letters, digits, '-' and '.'", v);
	free(c->o->hostname);
	c->o->hostname = xstrdup(v);
	return 0;
}

static int set_timeout(struct line_ctx *c, const char *v)
{
	if (!strcmp(v, "none")) {
		c->o->timeout = 0;
		return 0;
	}
	char *end;
	errno = 0;
	double t = strtod(v, &end);
	if (errno || *end || end == v || !(t > 0) || t > 1e7)
		return line_error(c, "timeout: '%s' is not a number of seconds (or none)", v);
	c->o->timeout = t;
	return 0;
}

/* allow-syscall = ptrace, keyctl: lifts our rule for each named syscall. */
static int allow_syscalls(struct line_ctx *c, const char *v)
{
	char *copy = xstrdup(v);
	int rc = 0;
	char *save = NULL;
	for (char *tok = strtok_r(copy, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		if (seccomp_syscall_resolve_name(tok) == __NR_SCMP_ERROR) {
			rc = line_error(c, "allow-syscall: '%s' is not a system call this libseccomp knows", tok);
			break;
		}
		if (!strvec_has(&c->o->allow_syscalls, tok))
			strvec_push(&c->o->allow_syscalls, tok);
	}
	free(copy);
	return rc;
}

static int set_rlimit(struct line_ctx *c, const char *key, const char *v)
{
	for (int i = 0; i < SANDBOX_RLIM_COUNT; i++) {
		if (strcmp(key + strlen("rlimit-"), sandbox_rlimit_names[i]))
			continue;
		bool sizes = i == SANDBOX_RLIM_AS || i == SANDBOX_RLIM_FSIZE;
		if (sandbox_parse_limit(v, sizes, &c->o->rlim[i]) < 0)
			return line_error(c, "%s: '%s' is not a number%s or unlimited", key, v,
					  sizes ? " (with an optional K, M, G or T)" : "");
		return 0;
	}
	return line_error(c, "unknown key '%s' (rlimits: cpu, as, fsize, nproc, nofile)", key);
}

static int apply_setting(struct line_ctx *c, const char *key, const char *v)
{
	struct sandbox_opts *o = c->o;
	if (!strcmp(key, "network")) {
		if (!strcmp(v, "none"))
			o->network = SANDBOX_NET_NONE;
		else if (!strcmp(v, "loopback"))
			o->network = SANDBOX_NET_LOOPBACK;
		else
			return line_error(c, "network: '%s' is not none or loopback", v);
		return 0;
	}
	if (!strcmp(key, "build"))
		return set_path(c, key, v, &o->build_dir);
	if (!strcmp(key, "out"))
		return set_path(c, key, v, &o->out_dir);
	if (!strcmp(key, "ro"))
		return add_mount(c, key, v, SANDBOX_RO);
	if (!strcmp(key, "rw"))
		return add_mount(c, key, v, SANDBOX_RW);
	if (!strcmp(key, "tmpfs"))
		return add_mount(c, key, v, SANDBOX_TMPFS);
	if (!strcmp(key, "env"))
		return set_env(c, v);
	if (!strcmp(key, "clear-env"))
		return parse_bool(c, key, v, &o->clear_env);
	if (!strcmp(key, "hostname"))
		return set_hostname(c, v);
	if (!strcmp(key, "timeout"))
		return set_timeout(c, v);
	if (!strcmp(key, "allow-syscall"))
		return allow_syscalls(c, v);
	if (!strcmp(key, "seccomp")) {
		if (!strcmp(v, "deny"))
			o->seccomp_log = false;
		else if (!strcmp(v, "log"))
			o->seccomp_log = true;
		else
			return line_error(c, "seccomp: '%s' is not deny or log", v);
		return 0;
	}
	if (!strcmp(key, "root-inside"))
		return parse_bool(c, key, v, &o->root_inside);
	if (!strcmp(key, "die-with-parent"))
		return parse_bool(c, key, v, &o->die_with_parent);
	if (!strcmp(key, "best-effort"))
		return parse_bool(c, key, v, &o->best_effort);
	if (starts_with(key, "rlimit-"))
		return set_rlimit(c, key, v);
	return line_error(c, "unknown key '%s'", key);
}

static int parse_line(struct line_ctx *c, char *line)
{
	char *s = str_trim(line);
	if (!*s || *s == '#')
		return 0;
	char *eq = strchr(s, '=');
	if (!eq)
		return line_error(c, "expected 'key = value', got '%.80s'", s);
	*eq = '\0';
	char *key = str_trim(s), *raw = str_trim(eq + 1);
	if (!*key)
		return line_error(c, "missing key before '='");
	if (!*raw)
		return line_error(c, "%s: missing value", key);
	char *value = expand_vars(c, raw);
	if (!value)
		return -1;
	int rc = apply_setting(c, key, value);
	free(value);
	return rc;
}

int sandbox_policy_parse(const char *file, const char *text, size_t len,
			 const struct sandbox_vars *vars, struct sandbox_opts *o, struct herr *err)
{
	struct line_ctx c = { .file = file, .line = 0, .vars = vars, .o = o, .err = err };
	size_t pos = 0;
	while (pos < len) {
		c.line++;
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		if (memchr(text + pos, '\0', n))
			return line_error(&c, "NUL byte in line");
		char *line = xstrndup(text + pos, n);
		int rc = parse_line(&c, line);
		free(line);
		if (rc < 0)
			return -1;
		pos += n + 1;
	}
	return 0;
}
