/*
 * cc.c — `harden cc`, `harden c++`, and the same binary called as cc/gcc/clang++
 * through a symlink (cc-verify is in cc_verify.c).
 *
 * The wrapper path is hot (every compile of every package goes through it),
 * so it does the least work possible: read a few environment variables, find
 * the real compiler, plan the flags, exec. No fork on that path; the
 * compiler is probed only the first time (then cached), and not at all for
 * calls we pass through untouched. It must never break a build, but it must
 * also never run the wrong compiler silently: a bad setting (unknown feature
 * or profile, unreadable config, a wrapper loop, no real compiler) stops with
 * one message naming what and where, exit 2.
 *
 * This file needs nothing but libc and wrap/, so a wrapper-only binary can be
 * linked from it; `harden cc-verify`, which needs the ELF checker, lives in
 * cc_verify.c.
 */
#include "cli/cli.h"
#include "dl/dl.h"
#include "wrap/wrap.h"

#include <errno.h>
#include <getopt.h>
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
		return explicit && *explicit ? herr_prefix(err, cxx ? "HARDEN_CXX" : "HARDEN_CC") : -1;
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
	struct herr err;
	if (!libjansson_load(&err)) { /* log lines are JSON */
		cli_warn("not logging to %s: %s", file, err.msg);
		return;
	}
	struct wrap_log_entry e = { getcwd(cwd, sizeof(cwd)) ? cwd : NULL, real, args, nargs, plan, scan };
	char *line = wrap_log_line(&e);
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

/*
 * The file the symlinks point at: a wrapper-only build "harden-cc" installed
 * next to harden if there is one (the same code without the ELF, archive and
 * crypto libraries the full binary loads at every start, which dominate the
 * per-call cost), else harden itself.
 */
static int link_target(char *out, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", out, len - 1);
	if (n < 0) {
		cli_error("/proc/self/exe: cannot read: %s", strerror(errno));
		return -1;
	}
	out[n] = '\0';
	char *slash = strrchr(out, '/');
	if (slash && (size_t)(slash - out) + sizeof("/harden-cc") <= len) {
		char *lite = xasprintf("%.*s/harden-cc", (int)(slash - out), out);
		struct stat st;
		if (stat(lite, &st) == 0 && S_ISREG(st.st_mode) && access(lite, X_OK) == 0)
			snprintf(out, len, "%s", lite);
		free(lite);
	}
	return 0;
}

/* Symlinks named like every compiler found in PATH (and always cc, c++). */
static int setup(const char *dir)
{
	static const char *const names[] = { "cc", "c++", "gcc", "g++", "clang", "clang++" };
	char self[PATH_MAX];
	if (link_target(self, sizeof(self)) < 0)
		return EXIT_TROUBLE;
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
