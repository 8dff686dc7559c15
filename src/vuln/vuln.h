/*
 * vuln — pkgsrc vulnerability auditing: the pkg-vulnerabilities list, dewey
 * version comparison, the package pattern language, and matching installed
 * packages against the list quickly.
 *
 * Everything here is pure data in, data out: parsers return errors with a
 * file and line in struct herr and never print; src/cli/audit.c decides what
 * the user sees and the exit status.
 */
#ifndef HARDEN_VULN_H
#define HARDEN_VULN_H

#include "util/util.h"

#include <jansson.h>
#include <time.h>

/* ---- dewey.c: version comparison ---------------------------------------- */

enum dewey_op { DEWEY_LT, DEWEY_LE, DEWEY_EQ, DEWEY_GE, DEWEY_GT, DEWEY_NE };

/* <0, 0, >0 as version a is older than, equal to, newer than b. */
int dewey_cmp(const char *a, const char *b);
int dewey_cmp_n(const char *a, size_t alen, const char *b, size_t blen);
/* Parse "<=", "<", ">=", ">", "==", "!=" at s: its length, or -1. */
int dewey_parse_op(const char *s, enum dewey_op *op);
bool dewey_test(int cmp, enum dewey_op op);

/* A version split into components once, for comparing many times. */
struct dewey_component {
	long long small;    /* modifiers, letters, numbers up to 18 digits */
	const char *digits; /* longer numbers: their significant digits */
	size_t ndigits;
};
struct dewey_version {
	struct dewey_component *c, nb; /* components; the nbN revision */
	size_t n, alloc;
};
/* Parse s[0..len) into v (reusing its storage); v points into s. */
void dewey_parse(const char *s, size_t len, struct dewey_version *v);
int dewey_cmp_parsed(const struct dewey_version *a, const struct dewey_version *b);
void dewey_version_free(struct dewey_version *v);

/* ---- pattern.c: the package pattern language ---------------------------- */

#define PATTERN_MAX_ALTERNATIVES 4096
/*
 * Nodes of the expansion tree (leaves and the partly expanded patterns
 * above them) that expanding or matching one pattern may visit: the same
 * for both, so that a pattern accepted at parse time is matched in full.
 */
#define PATTERN_MAX_NODES (2 * PATTERN_MAX_ALTERNATIVES)
#define PATTERN_MAX_LEN 8192

/* 1 match, 0 no match, -1 malformed pattern (pkg_install would abort). */
int pattern_match(const char *pattern, const char *pkg);
/* The relational part alone ("name<1.0", "name>=1<2"): 1, 0, or -1. */
int pattern_dewey_match(const char *pattern, const char *pkg);
/* Expand {a,b} alternatives into brace-free patterns appended to out. */
int pattern_expand(const char *pattern, struct strvec *out, struct herr *err);
/* Length of the literal text a brace-free pattern starts with: every package
 * it matches starts with these characters. */
size_t pattern_literal_prefix(const char *leaf);
/* Split NAME-VERSION at the last '-'; false when there is none. */
bool pattern_base_name(const char *pkg, const char **version, size_t *base_len);

/* ---- input.c: reading possibly compressed files ------------------------ */

/* Read path ("-" = stdin) into out, decompressing gzip, bzip2, xz... with
 * libarchive; *compression (if non-NULL) names the filter ("none", "gzip"). */
int vuln_read_input(const char *path, struct buf *out, const char **compression, struct herr *err);

/* ---- list.c: the pkg-vulnerabilities file -------------------------------- */

struct vuln_entry {
	char *pattern, *class, *url;
	size_t class_len, url_len; /* for writing many report lines fast */
	size_t line;
	struct strvec leaves; /* the pattern with {a,b} alternatives expanded */
};

/* A line that is wrong, with why; the list keeps going past it. */
struct vuln_problem {
	size_t line;
	char *msg;
};

enum vuln_form {
	VULN_FORM_SIGNED,   /* distributed: PGP clear-signed, #FORMAT 1.1.0, #CHECKSUMs */
	VULN_FORM_INTREE,   /* pkgsrc/doc/pkg-vulnerabilities: #FORMAT 1.0.0 */
	VULN_FORM_FRAGMENT, /* entries only, no header (accepted with allow_fragment) */
};

struct vuln_checksum {
	char algorithm[16];
	bool verified;
	size_t line;
};

struct vuln_list {
	const char *path;
	struct vuln_entry *v;
	size_t n, alloc;
	enum vuln_form form;
	char format[16];          /* "1.1.0" */
	char *revision;           /* "1.3823", from the $NetBSD line, or NULL */
	char *date;               /* "2011-04-08 20:57:53" (UTC), or NULL */
	time_t date_epoch;        /* 0 when unknown */
	bool pgp_signed;
	struct vuln_checksum checksums[4];
	size_t nchecksums;
	struct vuln_problem *problems;
	size_t nproblems, problems_alloc;
	const char *compression;
	struct buf text;          /* the decompressed text, kept for gpgv */
};

struct vuln_parse_opts {
	bool allow_fragment;       /* accept a list with no header (--lint) */
	int require_checksum;      /* 1 always, 0 never, -1 only for the signed form */
};

/*
 * Parse a list from text (NUL-terminated, len bytes). Fatal problems (no
 * header, NUL byte, missing final newline, checksum mismatch, truncated
 * signature) return -1 with err set; malformed entry lines are recorded in
 * list->problems with their line numbers and skipped, so the caller decides
 * whether to refuse the list (the default) or go on (--lenient).
 */
int vuln_list_parse(struct vuln_list *list, const char *text, size_t len,
		    const struct vuln_parse_opts *opts, struct herr *err);
/* vuln_read_input + vuln_list_parse. */
int vuln_list_load(struct vuln_list *list, const char *path,
		   const struct vuln_parse_opts *opts, struct herr *err);
void vuln_list_free(struct vuln_list *list);
const char *vuln_form_name(enum vuln_form form);

/* ---- checksum.c: #CHECKSUM lines ----------------------------------------- */

/*
 * Verify one "#CHECKSUM ALG HEX" line (the text after "#CHECKSUM") over the
 * list text as pkg_install hashes it: from the start to the PGP signature,
 * leaving out blank lines and lines starting "-----BEGIN", "Hash:",
 * "# $NetBSD" and "#CHECKSUM". *algorithm receives the name read.
 */
int vuln_checksum_verify(const char *text, size_t len, const char *line_rest,
			 char *algorithm, size_t algolen, struct herr *err);

/* ---- signature.c: the PGP signature, checked by the real gpgv ------------ */

/* Run `gpgv --keyring KEYRING` on text; gpgv's own words go into err. */
int vuln_verify_signature(const char *text, size_t len, const char *keyring, struct herr *err);

/* ---- index.c: entries by literal prefix, so auditing is not patterns x packages */

struct index_item;
struct index_slot;
struct index_bound;
struct index_leaf;
struct vuln_index {
	const struct vuln_list *list;
	struct index_item *items;
	size_t nitems;
	struct index_leaf *leaves; /* distinct leaves, grouped by literal prefix */
	size_t nleaves;
	struct index_slot *slots;
	size_t nslots;
	unsigned char *has_len; /* has_len[k]: some prefix is k long */
	size_t maxlen;
	uint32_t *stamp, seq;   /* entries already matched for the current package */
	struct index_bound *bounds; /* distinct version bounds of relational leaves */
	size_t nbounds;
	struct dewey_version version; /* the current package's version, parsed */
	signed char *memo;      /* the current package's version vs each bound */
	uint32_t *memo_stamp;
};

/* Entry numbers (indexes into list->v), ascending. */
struct vuln_matches {
	size_t *v;
	size_t n, alloc;
};

void vuln_index_build(struct vuln_index *ix, const struct vuln_list *list);
/* The entries whose pattern matches pkg, exactly as trying them all would. */
void vuln_index_match(struct vuln_index *ix, const char *pkg, struct vuln_matches *out);
/* The naive loop: every entry's pattern against pkg (benchmarks, tests). */
void vuln_naive_match(const struct vuln_list *list, const char *pkg, struct vuln_matches *out);
void vuln_index_free(struct vuln_index *ix);
void vuln_matches_free(struct vuln_matches *m);

/* ---- packages.c: what to audit ------------------------------------------ */

struct vuln_pkg {
	char *name;    /* NAME-VERSION */
	char *pkgpath; /* category/name from pkg_summary, or NULL */
};

struct vuln_pkgset {
	struct vuln_pkg *v;
	size_t n, alloc;
	struct strvec problems; /* "where: what" for each entry that could not be used */
};

void vuln_pkgs_add(struct vuln_pkgset *set, const char *name, const char *pkgpath);
/* A name given by the user: checked like the others. */
void vuln_pkgs_add_arg(struct vuln_pkgset *set, const char *name);
/* Installed packages: the directories of PKG_DBDIR, sorted by name. */
int vuln_pkgs_from_pkgdb(struct vuln_pkgset *set, const char *dir, struct herr *err);
/* PKGNAME (and PKGPATH) of every record of a pkg_summary(5) file. */
int vuln_pkgs_from_summary(struct vuln_pkgset *set, const char *path, struct herr *err);
/* The same from text (modified in place); where names it in problems. */
void vuln_pkgs_parse_summary(struct vuln_pkgset *set, char *text, size_t len, const char *where);
/* One package name per line ("-" = stdin); blank and # lines skipped. */
int vuln_pkgs_from_names(struct vuln_pkgset *set, const char *path, struct herr *err);
/* The packages named by a `harden scan --format json` report ("-" = stdin). */
int vuln_pkgs_from_scan_report(struct vuln_pkgset *set, const char *path, struct herr *err);
/* Binary packages: one archive, or every package file of a directory. */
int vuln_pkgs_from_archives(struct vuln_pkgset *set, const char *path, struct herr *err);
void vuln_pkgs_free(struct vuln_pkgset *set);

/* ---- config.c: pkg_install.conf and the environment ---------------------- */

struct vuln_config {
	char *pkg_dbdir, *pkgvulndir, *gpg_keyring;
	bool check_eol;
	struct strvec ignore_urls;
};

/* Read KEY=value lines; a missing file is fine unless must_exist. */
int vuln_config_load(struct vuln_config *c, const char *path, bool must_exist, struct herr *err);
/* PKG_DBDIR and PKGVULNDIR from the environment override the file. */
void vuln_config_environment(struct vuln_config *c);
/* PKG_DBDIR: /usr/pkg/pkgdb, else /var/db/pkg; PKGVULNDIR: PKG_DBDIR. */
void vuln_config_defaults(struct vuln_config *c);
void vuln_config_free(struct vuln_config *c);

/* ---- audit.c: packages against the list ---------------------------------- */

#define VULN_EOL_BASE "http://cdn.NetBSD.org/pub/NetBSD/packages/vulns"

struct vuln_audit_opts {
	const struct strvec *class_globs; /* -t: fnmatch patterns on the class */
	const struct strvec *ignore_urls; /* IGNORE_URL, --ignore: exact URLs */
	bool check_eol;                   /* -e: report "eol" entries */
	bool naive;                       /* try every entry (benchmarks) */
};

struct vuln_finding {
	size_t pkg, entry; /* indexes into the package set and the list */
	bool eol;          /* an end-of-life notice, not a vulnerability */
};

struct vuln_findings {
	struct vuln_finding *v;
	size_t n, alloc;
	size_t vulnerable_pkgs;
};

bool vuln_entry_selected(const struct vuln_entry *e, const struct vuln_audit_opts *o);
/* Findings per package (in set order), entries in list order. */
void vuln_audit(const struct vuln_list *list, struct vuln_index *ix, const struct vuln_pkgset *pkgs,
		const struct vuln_audit_opts *o, struct vuln_findings *out);
void vuln_findings_free(struct vuln_findings *f);

/* ---- report.c: findings for machines ------------------------------------ */

json_t *vuln_finding_json(const struct vuln_list *list, const struct vuln_pkgset *pkgs,
			  const struct vuln_finding *f);
json_t *vuln_findings_sarif(const struct vuln_list *list, const struct vuln_pkgset *pkgs,
			    const struct vuln_findings *fs, const char *tool_version);

/* ---- lint.c: entries that do not mean what they say ---------------------- */

enum vuln_lint_severity { LINT_ERROR, LINT_WARNING, LINT_NOTE };

struct vuln_lint_finding {
	size_t line;
	enum vuln_lint_severity severity;
	const char *check; /* "not-a-range", "unknown-package", ... */
	char *msg, *fix;
};

struct vuln_lint {
	struct vuln_lint_finding *v;
	size_t n, alloc;
	size_t errors, warnings;
};

/* Lint a list parsed with allow_fragment (its problems included); tree, if
 * non-NULL, is the package collection the names are checked against. */
void vuln_lint_run(const struct vuln_list *list, const struct vuln_pkgset *tree, struct vuln_lint *out);
const char *vuln_lint_severity_name(enum vuln_lint_severity s);
void vuln_lint_free(struct vuln_lint *l);
/* SARIF 2.1.0 log of lint findings, located at their lines of path. */
json_t *vuln_lint_sarif(const char *path, const struct vuln_lint *lint, const char *tool_version);

/* ---- backports.c: what a branch could take from trunk -------------------- */

struct vuln_backport {
	const struct vuln_pkg *branch, *trunk; /* trunk NULL: no package at that PKGPATH */
	size_t *fixed, nfixed;                 /* entries the trunk version no longer matches */
	size_t *remaining, nremaining;         /* entries it still matches */
	size_t *introduced, nintroduced;       /* entries only the trunk version matches */
	bool major_jump;                       /* the first version number changes */
};

struct vuln_backports {
	struct vuln_backport *v;
	size_t n;
};

/* One record per vulnerable branch package, in branch order. */
void vuln_backports(const struct vuln_list *list, const struct vuln_pkgset *branch,
		    const struct vuln_pkgset *trunk, const struct vuln_audit_opts *o,
		    struct vuln_backports *out);
void vuln_backports_free(struct vuln_backports *b);

/* ---- diff.c: two revisions of the list ----------------------------------- */

struct vuln_change {
	size_t old_entry, new_entry;
};

struct vuln_diff {
	size_t *added, nadded;     /* entries of the new list */
	size_t *removed, nremoved; /* entries of the old list */
	struct vuln_change *changed;
	size_t nchanged;
};

void vuln_diff(const struct vuln_list *old, const struct vuln_list *new, struct vuln_diff *d);
void vuln_diff_free(struct vuln_diff *d);

#endif
