/*
 * sandbox.c — `harden sandbox [OPTIONS] -- COMMAND [ARGS]`: run a build
 * confined (see src/sandbox/sandbox.h for the layers).
 *
 * Settings come from a policy file (--policy, or the distribution's
 * default.policy) and then from flags, which win. Flags are turned into
 * policy lines and go through the same parser, so a flag and a policy key
 * can never disagree on what a value means. Everything is checked (paths
 * exist, the command exists, the kernel offers every layer) before
 * anything runs: exit 2 with one clear error otherwise.
 *
 * Exit status: the command's, 128+N when it was killed by signal N, 124
 * on timeout, 2 when the sandbox could not be set up.
 */
#include "cli/cli.h"
#include "sandbox/sandbox.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_POLICY_DIR "/etc/harden/sandbox.d"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: harden sandbox [OPTIONS] -- COMMAND [ARGS]\n"
		"Run COMMAND confined: namespaces, seccomp, Landlock, no_new_privs, rlimits.\n\n"
		"  --build DIR          read-write working directory (default: the current one)\n"
		"  --out DIR            another read-write directory\n"
		"  --ro PATH, --rw PATH bind a host path read-only / read-write\n"
		"  --tmpfs PATH         an empty tmpfs at PATH\n"
		"  --env K=V            set a variable; --clear-env keeps only PATH HOME TERM LANG SOURCE_DATE_EPOCH\n"
		"  --network none|loopback\n"
		"  --policy FILE|NAME   policy file, or NAME.policy under %s\n"
		"  --timeout SECONDS    kill the sandbox after SECONDS (exit 124)\n"
		"  --rlimit NAME=VALUE  cpu, as, fsize, nproc, nofile (a number or unlimited)\n"
		"  --allow-syscall NAME lift the seccomp rule for NAME\n"
		"  --hostname NAME      hostname inside (default: build)\n"
		"  --die-with-parent    kill the sandbox if harden dies\n"
		"  --root-inside        be uid 0 inside (still without capabilities)\n"
		"  --seccomp-log        log what seccomp would deny instead of denying\n"
		"  --best-effort        run with the layers this kernel offers, naming the missing ones\n"
		"  --explain            print what would be applied and what is missing, then exit\n"
		"  -h, --help           this help\n",
		DEFAULT_POLICY_DIR);
}

enum { OPT_BUILD = 256, OPT_OUT, OPT_RO, OPT_RW, OPT_TMPFS, OPT_ENV, OPT_CLEAR_ENV, OPT_NETWORK,
       OPT_POLICY, OPT_TIMEOUT, OPT_RLIMIT, OPT_ALLOW, OPT_HOSTNAME, OPT_DIE, OPT_ROOT, OPT_LOG,
       OPT_BEST, OPT_EXPLAIN };

static const struct option long_options[] = {
	{ "build", required_argument, NULL, OPT_BUILD },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "ro", required_argument, NULL, OPT_RO },
	{ "rw", required_argument, NULL, OPT_RW },
	{ "tmpfs", required_argument, NULL, OPT_TMPFS },
	{ "env", required_argument, NULL, OPT_ENV },
	{ "clear-env", no_argument, NULL, OPT_CLEAR_ENV },
	{ "network", required_argument, NULL, OPT_NETWORK },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "rlimit", required_argument, NULL, OPT_RLIMIT },
	{ "allow-syscall", required_argument, NULL, OPT_ALLOW },
	{ "hostname", required_argument, NULL, OPT_HOSTNAME },
	{ "die-with-parent", no_argument, NULL, OPT_DIE },
	{ "root-inside", no_argument, NULL, OPT_ROOT },
	{ "seccomp-log", no_argument, NULL, OPT_LOG },
	{ "best-effort", no_argument, NULL, OPT_BEST },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct flags {
	struct strvec lines; /* flags as policy lines, in order */
	const char *policy;
	const char *build, *out;
	bool explain;
};

/* Flag -> policy line; the parser gives both the same meaning. */
static int collect_flag(struct flags *f, int opt, const char *arg)
{
	switch (opt) {
	case OPT_BUILD: f->build = arg; strvec_pushf(&f->lines, "build = %s", arg); break;
	case OPT_OUT: f->out = arg; strvec_pushf(&f->lines, "out = %s", arg); break;
	case OPT_RO: strvec_pushf(&f->lines, "ro = %s", arg); break;
	case OPT_RW: strvec_pushf(&f->lines, "rw = %s", arg); break;
	case OPT_TMPFS: strvec_pushf(&f->lines, "tmpfs = %s", arg); break;
	case OPT_ENV: strvec_pushf(&f->lines, "env = %s", arg); break;
	case OPT_CLEAR_ENV: strvec_push(&f->lines, "clear-env = yes"); break;
	case OPT_NETWORK: strvec_pushf(&f->lines, "network = %s", arg); break;
	case OPT_TIMEOUT: strvec_pushf(&f->lines, "timeout = %s", arg); break;
	case OPT_ALLOW: strvec_pushf(&f->lines, "allow-syscall = %s", arg); break;
	case OPT_HOSTNAME: strvec_pushf(&f->lines, "hostname = %s", arg); break;
	case OPT_DIE: strvec_push(&f->lines, "die-with-parent = yes"); break;
	case OPT_ROOT: strvec_push(&f->lines, "root-inside = yes"); break;
	case OPT_LOG: strvec_push(&f->lines, "seccomp = log"); break;
	case OPT_BEST: strvec_push(&f->lines, "best-effort = yes"); break;
	case OPT_RLIMIT: {
		const char *eq = strchr(arg, '=');
		if (!eq) {
			cli_error("sandbox: --rlimit %s: expected NAME=VALUE", arg);
			return -1;
		}
		strvec_pushf(&f->lines, "rlimit-%.*s = %s", (int)(eq - arg), arg, eq + 1);
		break;
	}
	case OPT_POLICY: f->policy = arg; break;
	case OPT_EXPLAIN: f->explain = true; break;
	default: return -1;
	}
	return 0;
}

/* A policy NAME is looked up in the policy directory; a path is used as is. */
static char *policy_path(const char *name)
{
	const char *dir = getenv("HARDEN_SANDBOX_DIR");
	if (!dir || !*dir)
		dir = DEFAULT_POLICY_DIR;
	if (!name) {
		char *def = xasprintf("%s/default.policy", dir);
		if (access(def, F_OK) == 0)
			return def;
		free(def);
		return NULL;
	}
	if (strchr(name, '/') || access(name, F_OK) == 0)
		return xstrdup(name);
	return xasprintf("%s/%s.policy", dir, name);
}

static int load_policy(const char *name, const struct sandbox_vars *vars, struct sandbox_opts *o)
{
	char *path = policy_path(name);
	if (!path)
		return 0;
	struct buf text = { 0 };
	struct herr err;
	int rc = read_file(path, &text, &err);
	if (rc < 0)
		cli_error("sandbox: policy %s", err.msg);
	else if ((rc = sandbox_policy_parse(path, text.p, text.len, vars, o, &err)) < 0)
		cli_error("sandbox: %s", err.msg);
	buf_free(&text);
	free(path);
	return rc;
}

static int apply_flags(const struct flags *f, const struct sandbox_vars *vars, struct sandbox_opts *o)
{
	for (size_t i = 0; i < f->lines.n; i++) {
		struct herr err;
		const char *l = f->lines.v[i];
		if (sandbox_policy_parse("command line", l, strlen(l), vars, o, &err) < 0) {
			/* "command line:1: ro: ..." -> "--ro: ..." reads better for a flag. */
			const char *why = strstr(err.msg, ":1: ");
			cli_error("sandbox: --%s", why ? why + 4 : err.msg);
			return -1;
		}
	}
	return 0;
}

static const char *env_value(const struct sandbox_opts *o, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = o->env.n; i-- > 0;)
		if (!strncmp(o->env.v[i], name, n) && o->env.v[i][n] == '=')
			return o->env.v[i] + n + 1;
	return o->clear_env && !getenv(name) ? NULL : getenv(name);
}

/* The command must exist before anything runs (exit 2, not a failed build). */
static int check_command(const struct sandbox_opts *o)
{
	const char *cmd = o->argv[0];
	if (strchr(cmd, '/')) {
		char *path = cmd[0] == '/' ? xstrdup(cmd) : xasprintf("%s/%s", o->build_dir, cmd);
		int ok = access(path, X_OK) == 0;
		int e = errno;
		free(path);
		if (!ok)
			cli_error("sandbox: %s: %s", cmd, strerror(e));
		return ok ? 0 : -1;
	}
	const char *path = env_value(o, "PATH");
	char *copy = xstrdup(path ? path : "/usr/local/bin:/usr/bin:/bin");
	char *save = NULL;
	int found = 0;
	for (char *dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *full = xasprintf("%s/%s", *dir ? dir : ".", cmd);
		struct stat st;
		found = stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0;
		free(full);
	}
	free(copy);
	if (!found)
		cli_error("sandbox: %s: command not found", cmd);
	return found ? 0 : -1;
}

static unsigned simulated_missing(void)
{
	/* Testing aid: behave as on a kernel without these layers. */
	const char *s = getenv("HARDEN_SANDBOX_SIMULATE_MISSING");
	unsigned bits = 0;
	if (!s)
		return 0;
	if (strstr(s, "userns"))
		bits |= SANDBOX_LAYER_USERNS;
	if (strstr(s, "seccomp"))
		bits |= SANDBOX_LAYER_SECCOMP;
	if (strstr(s, "landlock-net"))
		bits |= SANDBOX_LAYER_LANDLOCK_NET;
	else if (strstr(s, "landlock"))
		bits |= SANDBOX_LAYER_LANDLOCK;
	if (strstr(s, "pids"))
		bits |= SANDBOX_LAYER_PIDS_LIMIT;
	return bits;
}

static int parse_args(int argc, char **argv, struct flags *f)
{
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+h", long_options, NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return 1;
		}
		if (opt == '?' || collect_flag(f, opt, optarg) < 0) {
			usage(stderr);
			return -1;
		}
	}
	return 0;
}

static int configure(int argc, char **argv, struct flags *f, struct sandbox_opts *o)
{
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd))) {
		cli_error("sandbox: cannot get the current directory: %s", strerror(errno));
		return -1;
	}
	char *build = realpath(f->build ? f->build : cwd, NULL);
	char *out = f->out ? realpath(f->out, NULL) : NULL;
	struct sandbox_vars vars = { build ? build : (f->build ? f->build : cwd), out ? out : f->out };
	int rc = load_policy(f->policy, &vars, o);
	if (rc == 0)
		rc = apply_flags(f, &vars, o);
	if (rc == 0 && !o->build_dir) {
		/* The default build tree is the current directory: it gets the
		 * same checks as one given explicitly (exists, is not /). */
		char *line = xasprintf("build = %s", vars.build);
		struct herr err;
		if (sandbox_policy_parse("current directory", line, strlen(line), NULL, o, &err) < 0) {
			cli_error("sandbox: %s (use --build DIR)", err.msg);
			rc = -1;
		}
		free(line);
	}
	free(build);
	free(out);
	if (rc < 0)
		return -1;
	o->argv = argv + optind;
	o->simulate_missing = simulated_missing();
	if (!o->argv[0] && !f->explain) {
		cli_error("sandbox: no command given");
		usage(stderr);
		return -1;
	}
	(void)argc;
	return o->argv[0] ? check_command(o) : 0;
}

int cmd_sandbox(int argc, char **argv)
{
	struct flags f = { 0 };
	struct sandbox_opts o;
	sandbox_opts_init(&o);
	int rc = parse_args(argc, argv, &f);
	if (rc == 0 && configure(argc, argv, &f, &o) < 0)
		rc = -1;
	if (rc != 0) {
		strvec_clear(&f.lines);
		sandbox_opts_free(&o);
		return rc > 0 ? EXIT_CLEAN : EXIT_TROUBLE;
	}
	struct sandbox_kernel k;
	struct sandbox_plan plan;
	struct herr err = { "" };
	sandbox_probe(&k, f.explain ? &o : NULL);
	bool planned = sandbox_plan(&o, &k, &plan, &err) == 0;
	if (f.explain) {
		struct buf b = { 0 };
		sandbox_explain(&o, &k, &plan, &b);
		fputs(b.p, stdout);
		buf_free(&b);
		if (!planned)
			cli_error("sandbox: %s", err.msg);
		rc = planned ? EXIT_CLEAN : EXIT_TROUBLE;
	} else if (!planned) {
		cli_error("sandbox: %s", err.msg);
		rc = EXIT_TROUBLE;
	} else {
		if (plan.missing) {
			struct buf b = { 0 };
			sandbox_missing_names(plan.missing, &b);
			cli_warn("sandbox: best effort: running without %s", b.p);
			buf_free(&b);
		}
		unsigned before = plan.missing;
		rc = sandbox_run(&o, &k, &plan, &err);
		if (rc < 0) {
			cli_error("sandbox: %s", err.msg);
			rc = EXIT_TROUBLE;
		} else if (err.msg[0]) {
			cli_error("sandbox: %s", err.msg);
		}
		if (plan.missing != before)
			cli_warn("sandbox: best effort: ran without namespaces: %s", plan.namespaces_why);
	}
	strvec_clear(&f.lines);
	sandbox_opts_free(&o);
	return rc;
}
