/*
 * wrap — the hardening compiler wrapper (`harden cc`, `harden c++`, and the
 * harden binary called through a symlink named cc, gcc, clang++...).
 *
 * Why it is split the way it is: the decision "which flags go where" is a
 * pure function of the user's argv, the enabled features and a few facts
 * about the real compiler (wrap_plan). Everything with side effects — finding
 * the real compiler in PATH, probing what it supports, reading the per-package
 * config, appending to the JSON log — lives in its own file and feeds that
 * function, so the hard part can be tested exhaustively without running
 * anything, and the wrapper's hot path stays: read env, plan, execv.
 *
 * Nothing here prints or exits; errors come back in a struct herr.
 */
#ifndef HARDEN_WRAP_H
#define HARDEN_WRAP_H

#include "util/util.h"

/* Features, each with the name users write in HARDEN_DISABLE and cc.conf. */
enum wrap_feature {
	WF_STACKPROTECTOR,    /* -fstack-protector-strong */
	WF_FORTIFY,           /* -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3|2, after the user's flags */
	WF_PIE,               /* -fPIE when compiling, -pie when linking an executable */
	WF_RELRO,             /* -Wl,-z,relro */
	WF_BINDNOW,           /* -Wl,-z,now */
	WF_NOEXECSTACK,       /* -Wl,-z,noexecstack */
	WF_STACKCLASH,        /* -fstack-clash-protection */
	WF_CET,               /* -fcf-protection=full (x86), -mbranch-protection=standard (aarch64) */
	WF_GLIBCXXASSERTIONS, /* -D_GLIBCXX_ASSERTIONS, C++ only */
	WF_AUTOVARINIT,       /* -ftrivial-auto-var-init=zero */
	WF_STRICTOVERFLOW,    /* -fno-strict-overflow (gcc), -fwrapv (clang) */
	WF_FORMAT,            /* -Wformat -Werror=format-security */
	WF_COUNT
};
typedef unsigned wrap_set; /* bit (1u << feature) */
#define WRAP_ALL ((1u << WF_COUNT) - 1)
#define WRAP_BIT(f) (1u << (f))

const char *wrap_feature_name(enum wrap_feature f);
/* Feature index for a name, or -1. */
int wrap_feature_lookup(const char *name);
/* The features of a named profile: default, strict, compat. */
int wrap_profile(const char *name, wrap_set *out, struct herr *err);
/* Parse "fortify,pie" / "all" / "fortify pie" into a set; an unknown name is an error. */
int wrap_parse_features(const char *list, wrap_set *out, struct herr *err);
/* "fortify,pie" for a set (caller frees). */
char *wrap_format_features(wrap_set s);

/* What one compiler call does. */
enum wrap_mode {
	WRAP_PASSTHROUGH, /* --version, -print-*, -cc1, no input...: untouched */
	WRAP_PREPROCESS,  /* -E, -M, -MM */
	WRAP_COMPILE,     /* -c, -S */
	WRAP_LINK_EXE,    /* links an executable (or -r / -static / -nostdlib output) */
	WRAP_LINK_SHARED, /* -shared */
};
const char *wrap_mode_name(enum wrap_mode m);
int wrap_mode_lookup(const char *name);

enum wrap_arch { WRAP_ARCH_OTHER, WRAP_ARCH_X86, WRAP_ARCH_AARCH64 };
enum wrap_kind { WRAP_KIND_GCC, WRAP_KIND_CLANG };

/* Facts about the real compiler, from probing it once (probe.c). */
struct wrap_target {
	enum wrap_kind kind;
	enum wrap_arch arch;
	char machine[64];     /* e.g. "x86_64", for messages */
	int fortify_level;    /* 3 where the compiler+libc honour it, else 2 */
	wrap_set unsupported; /* features whose flags the compiler rejects */
};

/* What the user's arguments say, after @file expansion (args.c). */
struct wrap_args {
	enum wrap_mode mode;
	const char *passthrough_why; /* the argument that made it a passthrough */
	int opt_level;               /* last -O wins; 0 when absent */
	const char *opt_flag;        /* the -O argument that set it, or NULL */
	bool has_c_family;           /* a C/C++/ObjC source or header is compiled */
	bool has_cxx;                /* a C++ source, or -x c++ */
	bool has_asm;                /* a .s/.S input, or -x assembler */
	const char *shared, *static_, *static_pie, *relocatable, *nostdlib, *nostartfiles,
		*freestanding, *nostdinc, *sanitizer, *no_pie_link;
	const char *output;   /* -o, or NULL */
	struct strvec inputs; /* files the call reads (sources, objects, archives) */
	/* The user's last word on each feature, when it switches it off: e.g.
	 * user_off[WF_STACKPROTECTOR] = "-fno-stack-protector". */
	const char *user_off[WF_COUNT];
	const char *user_fortify; /* last -D_FORTIFY_SOURCE=N / -U_FORTIFY_SOURCE */
};
void wrap_args_scan(char *const *args, size_t n, struct wrap_args *out);
void wrap_args_free(struct wrap_args *a);

/* The plan for one call (plan.c). */
struct wrap_plan {
	enum wrap_mode mode;
	struct strvec argv;          /* compiler, hardening flags, user args, fortify */
	wrap_set requested;          /* features asked for (profile, config, environment) */
	wrap_set applied;            /* flags emitted and not overridden */
	char *dropped[WF_COUNT];     /* why a requested feature was not applied */
	struct strvec notes;         /* overrides worth logging that do not drop a feature */
};
/*
 * compiler: argv[0] of the result. args/nargs: the user's arguments exactly as
 * given (passed through unchanged, @files included); scan: what they mean
 * after expansion. cxx: invoked as a C++ driver.
 */
void wrap_plan(const char *compiler, char *const *args, size_t nargs,
	       const struct wrap_args *scan, bool cxx, wrap_set features,
	       const struct wrap_target *target, struct wrap_plan *out);
void wrap_plan_free(struct wrap_plan *p);
/* The flags of a profile, as for CFLAGS (link=false) or LDFLAGS (link=true). */
void wrap_print_flags(wrap_set features, const struct wrap_target *target, bool cxx,
		      bool link, struct strvec *out);

/* @file response files, expanded as gcc does (response.c). Unreadable
 * files stay literal, as in gcc; nesting is bounded. */
int wrap_expand_responses(char *const *args, size_t n, struct strvec *out, struct herr *err);
/* Split one response file's text into arguments (quotes, backslashes). */
void wrap_split_response(const char *text, size_t len, struct strvec *out);

/* Per-package config: /etc/harden/cc.conf or $HARDEN_CC_CONF (config.c). */
struct wrap_conf_rule {
	char *pattern; /* "/abs/dir" (prefix of cwd) or a name glob */
	wrap_set disable;
	int line;
};
struct wrap_conf {
	struct wrap_conf_rule *rules;
	size_t n;
};
int wrap_conf_parse(const char *text, size_t len, const char *file, struct wrap_conf *out,
		    struct herr *err);
/* Disabled features for a package at cwd, named pkgname (may be NULL). */
wrap_set wrap_conf_disabled(const struct wrap_conf *c, const char *cwd, const char *pkgname);
void wrap_conf_free(struct wrap_conf *c);

/* Finding the real compiler (discover.c). */
/* True when argv0's basename names a compiler: cc, gcc, clang++, x86_64-linux-gnu-gcc-12... */
bool wrap_compiler_name(const char *argv0, bool *cxx);
/*
 * Find `name` (or the path it names) down PATH, skipping the running harden
 * binary and every wrapper listed in `seen` ("dev:ino:dev:ino..."), so two
 * wrapper directories in PATH cannot loop. Fills out with the path.
 */
int wrap_find_compiler(const char *name, const char *path_env, const char *seen,
		       char **out, struct herr *err);
/* "dev:ino" of the running binary, for the seen list. */
int wrap_self_id(char *buf, size_t len, struct herr *err);

/* Probing the compiler once, cached by path+mtime (probe.c). */
int wrap_probe(const char *compiler, const char *cache_dir, struct wrap_target *out,
	       struct herr *err);
/* $XDG_CACHE_HOME/harden or ~/.cache/harden (caller frees), NULL if neither. */
char *wrap_cache_dir(void);

/* The JSON log (log.c). */
struct wrap_log_entry {
	const char *cwd;
	const char *compiler;
	char *const *argv_in;
	size_t nargv_in;
	const struct wrap_plan *plan;
	const struct wrap_args *scan;
};
/* One JSON line (with '\n'), caller frees. */
char *wrap_log_line(const struct wrap_log_entry *e);
/* Append one line with a single O_APPEND write, so parallel builds interleave whole lines. */
int wrap_log_append(const char *file, const char *line, struct herr *err);

/* Reading the log back, and what each linked output should show (verify.c). */
struct wrap_call {
	int line;
	char *cwd;
	enum wrap_mode mode;
	char *output;         /* absolute; for -c without -o, the .o gcc writes */
	struct strvec inputs; /* absolute */
	wrap_set requested; /* when the log has it; else applied + dropped */
	wrap_set applied;
	char *dropped[WF_COUNT];
};
/* Parse one JSON line of a HARDEN_LOG; errors name the line. */
int wrap_call_parse(const char *text, size_t len, int line, struct wrap_call *out,
		    struct herr *err);
void wrap_call_free(struct wrap_call *c);

/* Features whose presence a binary can show. */
#define WRAP_VERIFIABLE                                                               \
	(WRAP_BIT(WF_PIE) | WRAP_BIT(WF_RELRO) | WRAP_BIT(WF_BINDNOW) |               \
	 WRAP_BIT(WF_NOEXECSTACK) | WRAP_BIT(WF_STACKPROTECTOR) | WRAP_BIT(WF_FORTIFY) | \
	 WRAP_BIT(WF_STACKCLASH) | WRAP_BIT(WF_CET))

struct wrap_expect {
	char *output;            /* the linked file */
	int line;                /* its link call in the log */
	enum wrap_mode mode;
	wrap_set wanted;         /* verifiable features the profile asked for it */
	char *why[WF_COUNT];     /* what in the log explains a feature missing, or NULL */
};
/*
 * For every linked output (the last link of each path wins), the features
 * asked for: link-time ones from the link call, compile-time ones from the
 * compile calls that produced its objects (matched by path), whether the
 * wrapper could apply them or had to drop them. Objects the log does not
 * know, and objects where a feature was dropped, are noted in why[].
 */
void wrap_expectations(const struct wrap_call *calls, size_t n, struct wrap_expect **out,
		       size_t *nout);
void wrap_expect_free(struct wrap_expect *e, size_t n);

#endif
