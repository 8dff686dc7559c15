/*
 * cc.c — `harden cc`, `harden c++`, the same binary called as cc/gcc/clang++
 * through a symlink, and `harden cc-verify`.
 *
 * The wrapper path is hot (every compile of every package goes through it),
 * so it does the least work possible: read a few environment variables, find
 * the real compiler, plan the flags, exec. No fork on that path; the
 * compiler is probed only the first time (then cached), and not at all for
 * calls we pass through untouched. It must never break a build, but it must
 * also never run the wrong compiler silently: a bad setting (unknown feature
 * or profile, unreadable config, a wrapper loop, no real compiler) stops with
 * one message naming what and where, exit 2.
 */
#include "cli/cli.h"
#include "scan/scan.h"
#include "wrap/wrap.h"

#include <jansson.h>

#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_WRAPPERS 8 /* more wrappers than this in one chain is a loop */
#define SYSTEM_CONF "/etc/harden/cc.conf"

/* Profile, then cc.conf, then HARDEN_DISABLE, then HARDEN_ENABLE. */
static int resolve_features(wrap_set *out, struct herr *err)
{
	const char *profile = getenv("HARDEN_PROFILE");
	if (wrap_profile(profile && *profile ? profile : "default", out, err) < 0)
		return herr_prefix(err, "HARDEN_PROFILE");

	const char *conf = getenv("HARDEN_CC_CONF");
	bool explicit_conf = conf && *conf;
	if (!explicit_conf)
		conf = SYSTEM_CONF;
	if (explicit_conf || access(conf, F_OK) == 0 || errno != ENOENT) {
		struct buf text = { 0 };
		struct wrap_conf c;
		if (read_file(conf, &text, err) < 0) {
			buf_free(&text);
			return herr_prefix(err, "per-package config");
		}
		int rc = wrap_conf_parse(text.p, text.len, conf, &c, err);
		buf_free(&text);
		if (rc < 0)
			return -1;
		char cwd[PATH_MAX];
		*out &= ~wrap_conf_disabled(&c, getcwd(cwd, sizeof(cwd)) ? cwd : NULL,
					    getenv("HARDEN_PACKAGE"));
		wrap_conf_free(&c);
	}
	wrap_set s;
	const char *dis = getenv("HARDEN_DISABLE"), *en = getenv("HARDEN_ENABLE");
	if (dis) {
		if (wrap_parse_features(dis, &s, err) < 0)
			return herr_prefix(err, "HARDEN_DISABLE=%s", dis);
		*out &= ~s;
	}
	if (en) {
		if (wrap_parse_features(en, &s, err) < 0)
			return herr_prefix(err, "HARDEN_ENABLE=%s", en);
		*out |= s;
	}
	return 0;
}

static size_t count_wrappers(const char *seen)
{
	size_t colons = 0;
	for (const char *p = seen; p && *p; p++)
		colons += *p == ':';
	return seen && *seen ? (colons + 1) / 2 : 0;
}

/* Find the real compiler and mark ourselves as seen for any wrapper after us. */
static int find_real(const char *name, bool cxx, char **real, struct herr *err)
{
	const char *explicit = getenv(cxx ? "HARDEN_CXX" : "HARDEN_CC");
	const char *seen = getenv("HARDEN_CC_SEEN");
	if (count_wrappers(seen) >= MAX_WRAPPERS)
		return herr_set(err, "wrapper loop: %zu harden wrappers in a chain (HARDEN_CC_SEEN=%s)",
				count_wrappers(seen), seen);
	const char *want = explicit && *explicit ? explicit : name;
	if (wrap_find_compiler(want, getenv("PATH"), seen, real, err) < 0)
		return herr_prefix(err, "%s%s", explicit && *explicit ? (cxx ? "HARDEN_CXX=" : "HARDEN_CC=") : "",
				   explicit && *explicit ? explicit : "compiler");
	char self[64];
	if (wrap_self_id(self, sizeof(self), err) < 0)
		return -1;
	char *chain = seen && *seen ? xasprintf("%s:%s", seen, self) : xstrdup(self);
	setenv("HARDEN_CC_SEEN", chain, 1);
	free(chain);
	return 0;
}

/* Facts about the compiler; on failure to probe, NULL target means "add nothing". */
static bool probe(const char *real, struct wrap_target *t, struct herr *err)
{
	char *dir = wrap_cache_dir();
	int rc = wrap_probe(real, dir, t, err);
	free(dir);
	return rc == 0;
}

static void log_call(const char *real, char **args, size_t nargs, const struct wrap_plan *plan,
		     const struct wrap_args *scan)
{
	const char *file = getenv("HARDEN_LOG");
	if (!file || !*file)
		return;
	char cwd[PATH_MAX];
	struct wrap_log_entry e = { getcwd(cwd, sizeof(cwd)) ? cwd : NULL, real, args, nargs, plan, scan };
	char *line = wrap_log_line(&e);
	struct herr err;
	if (wrap_log_append(file, line, &err) < 0)
		cli_warn("%s", err.msg);
	free(line);
}

static int run_wrapper(int argc, char **argv, const char *name, bool cxx)
{
	char **args = argv + 1;
	size_t nargs = argc > 0 ? (size_t)argc - 1 : 0;
	struct herr err;
	wrap_set features;
	char *real = NULL;
	if (resolve_features(&features, &err) < 0 || find_real(name, cxx, &real, &err) < 0) {
		cli_error("%s", err.msg);
		return EXIT_TROUBLE;
	}

	struct strvec expanded = { 0 };
	struct wrap_args scan;
	if (wrap_expand_responses(args, nargs, &expanded, &err) == 0)
		wrap_args_scan(expanded.v, expanded.n, &scan);
	else /* the compiler will complain about its @files itself */
		wrap_args_scan(args, nargs, &scan);

	struct wrap_target target = { 0 };
	struct wrap_plan plan;
	if (scan.mode != WRAP_PASSTHROUGH && features && !probe(real, &target, &err)) {
		/* Cannot tell what it supports: add nothing rather than break the build. */
		features = 0;
		wrap_plan(real, args, nargs, &scan, cxx, features, &target, &plan);
		strvec_pushf(&plan.notes, "no hardening: %s", err.msg);
	} else
		wrap_plan(real, args, nargs, &scan, cxx, features, &target, &plan);

	log_call(real, args, nargs, &plan, &scan);
	execv(real, plan.argv.v);
	cli_error("%s: cannot execute: %s", real, strerror(errno));
	wrap_plan_free(&plan);
	wrap_args_free(&scan);
	strvec_clear(&expanded);
	free(real);
	return EXIT_TROUBLE;
}

int cmd_cc_as_compiler(int argc, char **argv)
{
	bool cxx = false;
	if (argc < 1 || !wrap_compiler_name(argv[0], &cxx))
		return -1;
	const char *slash = strrchr(argv[0], '/');
	return run_wrapper(argc, argv, slash ? slash + 1 : argv[0], cxx);
}

static void usage(FILE *out, const char *cmd)
{
	fprintf(out,
		"usage: harden %s COMPILER-ARGS...      compile through the hardening wrapper\n"
		"       harden %s --print-flags [--link] print the flags for CFLAGS / LDFLAGS\n"
		"       harden %s --setup DIR            create cc, gcc, c++... symlinks in DIR\n"
		"       harden cc-verify LOG...          check binaries against a HARDEN_LOG\n"
		"environment: HARDEN_PROFILE=default|strict|compat, HARDEN_DISABLE=f,..,\n"
		"  HARDEN_ENABLE=f,.., HARDEN_CC, HARDEN_CXX, HARDEN_LOG=FILE, HARDEN_CC_CONF=FILE\n"
		"features: stackprotector fortify pie relro bindnow noexecstack stackclash cet\n"
		"  glibcxxassertions autovarinit strictoverflow format (or all)\n",
		cmd, cmd, cmd);
}

static int print_flags(const char *name, bool cxx, bool link)
{
	struct herr err;
	wrap_set features;
	char *real = NULL;
	struct wrap_target t = { 0 };
	if (resolve_features(&features, &err) < 0 || find_real(name, cxx, &real, &err) < 0 ||
	    !probe(real, &t, &err)) {
		cli_error("%s", err.msg);
		free(real);
		return EXIT_TROUBLE;
	}
	struct strvec v = { 0 };
	wrap_print_flags(features, &t, cxx, link, &v);
	for (size_t i = 0; i < v.n; i++)
		printf("%s%s", i ? " " : "", v.v[i]);
	putchar('\n');
	strvec_clear(&v);
	free(real);
	return EXIT_CLEAN;
}

/* Symlinks named like every compiler found in PATH (and always cc, c++). */
static int setup(const char *dir)
{
	static const char *const names[] = { "cc", "c++", "gcc", "g++", "clang", "clang++" };
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0) {
		cli_error("/proc/self/exe: cannot read: %s", strerror(errno));
		return EXIT_TROUBLE;
	}
	self[n] = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		cli_error("%s: cannot create directory: %s", dir, strerror(errno));
		return EXIT_TROUBLE;
	}
	int made = 0;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char *real = NULL;
		struct herr err;
		bool always = i < 2;
		if (!always && wrap_find_compiler(names[i], getenv("PATH"), NULL, &real, &err) < 0)
			continue;
		free(real);
		char *link = xasprintf("%s/%s", dir, names[i]);
		struct stat st;
		if (lstat(link, &st) == 0 && S_ISLNK(st.st_mode))
			unlink(link);
		if (symlink(self, link) < 0) {
			cli_error("%s: cannot create symlink: %s", link, strerror(errno));
			free(link);
			return EXIT_TROUBLE;
		}
		printf("%s -> %s\n", link, self);
		free(link);
		made++;
	}
	printf("put %s first in PATH to build through harden\n", dir);
	return made ? EXIT_CLEAN : EXIT_TROUBLE;
}

/* `harden cc ...` / `harden c++ ...`: our own options only as the first argument. */
int cmd_cc(int argc, char **argv)
{
	bool cxx = !strcmp(argv[0], "c++");
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "print-flags", no_argument, NULL, 'p' },
		{ "link", no_argument, NULL, 'l' },
		{ "setup", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	if (argc < 2 || (strcmp(argv[1], "--help") && strcmp(argv[1], "--print-flags") &&
			 strcmp(argv[1], "--setup") && !starts_with(argv[1], "--setup=")))
		return run_wrapper(argc, argv, argv[0], cxx);
	bool print = false, link = false;
	const char *setup_dir = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'h': usage(stdout, argv[0]); return EXIT_CLEAN;
		case 'p': print = true; break;
		case 'l': link = true; break;
		case 's': setup_dir = optarg; break;
		default: usage(stderr, argv[0]); return EXIT_TROUBLE;
		}
	}
	if (optind < argc) {
		cli_error("%s: unexpected argument '%s'", argv[0], argv[optind]);
		return EXIT_TROUBLE;
	}
	if (setup_dir)
		return setup(setup_dir);
	if (print)
		return print_flags(argv[0], cxx, link);
	usage(stderr, argv[0]);
	return EXIT_TROUBLE;
}

/*
 * `harden cc-verify LOG...`: hold every linked output in the logs to what
 * the wrapper applied. The facts come from the checker (scan/, check/), the
 * explanations from the log (wrap/verify.c).
 */
static const struct {
	enum wrap_feature f;
	enum prop props[2];
	size_t nprops;
} evidence[] = {
	{ WF_PIE, { PROP_PIE }, 1 },
	{ WF_RELRO, { PROP_RELRO }, 1 },
	{ WF_BINDNOW, { PROP_BIND_NOW }, 1 },
	{ WF_NOEXECSTACK, { PROP_NX }, 1 },
	{ WF_STACKPROTECTOR, { PROP_CANARY }, 1 },
	{ WF_FORTIFY, { PROP_FORTIFY }, 1 },
	{ WF_STACKCLASH, { PROP_STACK_CLASH }, 1 },
	{ WF_CET, { PROP_IBT, PROP_SHSTK }, 2 },
};

/* When the log has no explanation, what most often causes the gap. */
static const char *usual_cause(enum wrap_feature f)
{
	switch (f) {
	case WF_STACKPROTECTOR:
		return "every object was compiled with it: no function had a local array or an address-taken local";
	case WF_FORTIFY:
		return "compiled with FORTIFY, but no call had a buffer size known at compile time";
	case WF_CET:
		return "an object or library linked in was built without -fcf-protection (the linker keeps the note only if all have it)";
	case WF_STACKCLASH:
		return "a unit built without -fstack-clash-protection was linked in";
	default:
		return "a flag after the wrapper's (LDFLAGS, a linker script) undid it; see the link call";
	}
}

struct verify_opts {
	bool json;
	int findings, errors, system, gone;
	char *cet_blocker; /* a libc start file without the CET note, if any */
};

/*
 * The linker keeps IBT/SHSTK only if every object has them, including the C
 * library's start files. Where those lack the note (Debian 12's glibc is not
 * built with CET) no binary can show it: that is the system's gap, not the
 * package's, and is reported as such rather than as a finding.
 */
static char *find_cet_blocker(const struct scan_opts *so)
{
	static const char *const patterns[] = { "/usr/lib/*/Scrt1.o", "/usr/lib*/Scrt1.o",
						"/usr/lib/*/crti.o", "/usr/lib*/crti.o" };
	char *found = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(patterns) && !found; i++) {
		glob_t g;
		if (glob(patterns[i], 0, NULL, &g) != 0)
			continue;
		for (size_t k = 0; k < g.gl_pathc && !found; k++) {
			struct scan_batch b = { 0 };
			scan_path(g.gl_pathv[k], so, &b);
			if (b.n && !b.recs[0].error && b.recs[0].facts.has_property_note &&
			    !b.recs[0].facts.ibt)
				found = xstrdup(g.gl_pathv[k]);
			scan_batch_free(&b);
		}
		globfree(&g);
	}
	return found;
}

static int read_log(const char *file, struct wrap_call **calls, size_t *n, struct verify_opts *o)
{
	struct buf text = { 0 };
	struct herr err;
	if (read_file(file, &text, &err) < 0) {
		cli_error("cc-verify: %s", err.msg);
		buf_free(&text);
		o->errors++;
		return -1;
	}
	int line = 0;
	for (char *p = text.p; p && p < text.p + text.len;) {
		char *nl = memchr(p, '\n', (size_t)(text.p + text.len - p));
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		line++;
		if (len) {
			struct wrap_call c;
			if (wrap_call_parse(p, len, line, &c, &err) < 0) {
				cli_error("cc-verify: %s: %s", file, err.msg);
				o->errors++;
			} else {
				*calls = xrealloc(*calls, (*n + 1) * sizeof(**calls));
				(*calls)[(*n)++] = c;
			}
		}
		p = nl ? nl + 1 : NULL;
	}
	buf_free(&text);
	return 0;
}

static void report_missing(const struct wrap_expect *e, enum wrap_feature f, const struct verdict *v,
			   enum prop prop, json_t *missing, struct verify_opts *o)
{
	const char *why = e->why[f] ? e->why[f] : usual_cause(f);
	char *sys = NULL;
	bool system = f == WF_CET && !e->why[f] && o->cet_blocker;
	if (system) {
		sys = xasprintf("the C library's start file %s has no CET note, so no binary on this "
				"system can carry it (not counted as a finding)", o->cet_blocker);
		why = sys;
		o->system++;
	} else
		o->findings++;
	if (missing) {
		json_t *m = json_object();
		json_object_set_new(m, "feature", json_string(wrap_feature_name(f)));
		json_object_set_new(m, "property", json_string(prop_name(prop)));
		json_object_set_new(m, "state", json_string(state_name(v->state)));
		json_object_set_new(m, "reason", json_string(v->reason));
		json_object_set_new(m, "cause", json_string(why));
		json_object_set_new(m, "system", json_boolean(system));
		json_array_append_new(missing, m);
	} else if (!system) /* the system's gaps are summed up once, at the end */
		printf("%s: %s wanted by harden cc (log line %d) but %s is %s (%s): %s\n", e->output,
		       wrap_feature_name(f), e->line, prop_name(prop), state_name(v->state), v->reason, why);
	free(sys);
}

static void verify_one(const struct wrap_expect *e, const struct scan_opts *so, struct verify_opts *o)
{
	struct scan_batch b = { 0 };
	if (access(e->output, F_OK) < 0 && errno == ENOENT) {
		/* configure's conftest, a temporary: gone by design, nothing to hold to */
		o->gone++;
		return;
	}
	scan_path(e->output, so, &b);
	if (!b.n || b.recs[0].error) {
		cli_error("cc-verify: %s (linked at log line %d): %s", e->output, e->line,
			  b.n ? b.recs[0].error : "not an ELF file");
		o->errors++;
		scan_batch_free(&b);
		return;
	}
	const struct check_result *r = &b.recs[0].res;
	json_t *rec = NULL, *missing = NULL, *verified = json_array();
	if (o->json) {
		rec = json_object();
		missing = json_array();
	}
	int before = o->findings;
	for (size_t i = 0; i < ARRAY_SIZE(evidence); i++) {
		enum wrap_feature f = evidence[i].f;
		if (!(e->wanted & WRAP_BIT(f)))
			continue;
		bool shown = true, unknown = false;
		for (size_t k = 0; k < evidence[i].nprops && shown; k++) {
			enum prop p = evidence[i].props[k];
			const struct verdict *v = &r->v[p];
			if (v->state == ST_NO || v->state == ST_NONE) {
				report_missing(e, f, v, p, missing, o);
				shown = false;
			}
			unknown |= v->state == ST_UNKNOWN;
		}
		/* "unknown" (e.g. stack clash without DWARF) is neither verified nor missing */
		if (shown && !unknown)
			json_array_append_new(verified, json_string(wrap_feature_name(f)));
	}
	if (rec) {
		json_object_set_new(rec, "path", json_string(e->output));
		json_object_set_new(rec, "log_line", json_integer(e->line));
		json_object_set_new(rec, "mode", json_string(wrap_mode_name(e->mode)));
		json_object_set_new(rec, "verified", verified);
		json_object_set_new(rec, "missing", missing);
		char *s = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (s)
			puts(s);
		free(s);
		json_decref(rec);
	} else {
		if (o->findings == before) {
			size_t i;
			json_t *v;
			printf("%s: ok (", e->output);
			json_array_foreach(verified, i, v)
				printf("%s%s", i ? "," : "", json_string_value(v));
			printf("%s)\n", json_array_size(verified) ? "" : "nothing verifiable wanted");
		}
		json_decref(verified);
	}
	scan_batch_free(&b);
}

int cmd_cc_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct verify_opts o = { 0 };
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hf:", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			printf("usage: harden cc-verify [--format text|json] LOG...\n"
			       "For every output linked in a HARDEN_LOG, report each feature harden cc\n"
			       "applied that the binary does not show, with the reason.\n"
			       "Exit: 0 all landed, 1 something missing, 2 unreadable log or binary.\n");
			return EXIT_CLEAN;
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
				cli_error("cc-verify: --format %s: expected text or json", optarg);
				return EXIT_TROUBLE;
			}
			o.json = !strcmp(optarg, "json");
			break;
		default:
			return EXIT_TROUBLE;
		}
	}
	if (optind >= argc) {
		cli_error("cc-verify: no log given; usage: harden cc-verify LOG...");
		return EXIT_TROUBLE;
	}
	struct wrap_call *calls = NULL;
	size_t n = 0;
	for (int i = optind; i < argc; i++)
		read_log(argv[i], &calls, &n, &o);
	struct wrap_expect *ex = NULL;
	size_t nex = 0;
	wrap_expectations(calls, n, &ex, &nex);

	struct scan_opts so = { 0 };
	struct herr err;
	so.elf.dwarf = true;
	if (policy_init(&so.policy, "default", &err) < 0) {
		cli_error("cc-verify: %s", err.msg);
		return EXIT_TROUBLE;
	}
	o.cet_blocker = find_cet_blocker(&so);
	for (size_t i = 0; i < nex; i++)
		verify_one(&ex[i], &so, &o);
	if (!o.json)
		fprintf(stderr, "harden cc-verify: %zu linked output%s checked (%d no longer exist), %d "
			"feature%s missing, %d not possible on this system%s\n", nex - (size_t)o.gone,
			nex - (size_t)o.gone == 1 ? "" : "s", o.gone, o.findings, o.findings == 1 ? "" : "s",
			o.system, o.errors ? ", with errors" : "");
	if (!o.json && o.system)
		fprintf(stderr, "harden cc-verify: note: cet cannot show in any binary here: %s has no "
			"CET note (the C library was built without CET)\n", o.cet_blocker);
	free(o.cet_blocker);
	wrap_expect_free(ex, nex);
	free(ex);
	for (size_t i = 0; i < n; i++)
		wrap_call_free(&calls[i]);
	free(calls);
	return o.errors ? EXIT_TROUBLE : o.findings ? EXIT_FINDINGS : EXIT_CLEAN;
}
