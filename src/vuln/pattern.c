/*
 * pattern.c — pkgsrc package patterns, evaluated exactly as pkg_install's
 * pkg_match() does, because the vulnerability list is written in this
 * language and an entry means what pkg_install makes of it, not what its
 * author hoped.
 *
 * Order of evaluation, for a pattern P and a package name N (NAME-VERSION):
 *   0. a quick reject: if P's first (then second) character is alphanumeric
 *      or '-', it must equal N's;
 *   1. csh alternatives: the first {a,b,...} group (nested groups allowed) is
 *      expanded and each alternative matched recursively; an unbalanced group
 *      is an error (pkg_install aborts the whole program; we return -1);
 *   2. relational: if P contains '<' or '>', the text before the first of them
 *      must equal N's base name (N up to its last '-'); the operator (<, <=,
 *      >, >=) compares versions by dewey order; after > or >= a later '<' or
 *      '<=' bounds the range from above. "<" before ">" is no range: the rest
 *      is read as one version (digits and letters, '>' skipped).
 *   3. glob: if P contains any of *?[] and fnmatch(P, N, FNM_PERIOD) succeeds;
 *   4. exact string equality;
 *   5. retry as the glob "P-[0-9]*", so "foo" matches "foo-1.0".
 *
 * Deviations, all on input pkg_install mishandles: no 1024-byte truncation of
 * expanded alternatives or range bounds; a pattern whose alternatives expand
 * to more than PATTERN_MAX_ALTERNATIVES leaves, or longer than PATTERN_MAX_LEN
 * bytes, is refused as malformed (the reference would take exponential time,
 * or overflow its 1024-byte buffers).
 */
#include "vuln/vuln.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

static bool simple_char(char c)
{
	return isalnum((unsigned char)c) || c == '-';
}

/* pkg_install's quick_pkg_match(): can pattern ever match pkg? */
static bool quick_match(const char *pattern, const char *pkg)
{
	if (!simple_char(pattern[0]))
		return true;
	if (pattern[0] != pkg[0])
		return false;
	if (!simple_char(pattern[1]))
		return true;
	return pattern[1] == pkg[1];
}

static bool glob_match(const char *pattern, const char *pkg)
{
	return fnmatch(pattern, pkg, FNM_PERIOD) == 0;
}

static bool glob_match_with_version(const char *pattern, const char *pkg)
{
	char small[256];
	size_t n = strlen(pattern);
	char *buf = n + 8 <= sizeof(small) ? small : xmalloc(n + 8);
	memcpy(buf, pattern, n);
	memcpy(buf + n, "-[0-9]*", 8);
	bool m = glob_match(buf, pkg);
	if (buf != small)
		free(buf);
	return m;
}

int pattern_dewey_match(const char *pattern, const char *pkg)
{
	const char *version = strrchr(pkg, '-');
	if (!version)
		return 0;
	const char *sep = strpbrk(pattern, "<>");
	if (!sep)
		return -1;
	if (sep - pattern != version - pkg || strncmp(pkg, pattern, (size_t)(version - pkg)) != 0)
		return 0;
	version++;
	size_t vlen = strlen(version);

	enum dewey_op op, op2;
	int n = dewey_parse_op(sep, &op);
	if (n < 0)
		return 0;
	const char *lower = sep + n;
	const char *lower_end = lower + strlen(lower);
	if (op == DEWEY_GT || op == DEWEY_GE) {
		const char *sep2 = strchr(lower, '<');
		if (sep2) {
			int n2 = dewey_parse_op(sep2, &op2);
			if (n2 < 0)
				return 0;
			const char *upper = sep2 + n2;
			if (!dewey_test(dewey_cmp_n(version, vlen, upper, strlen(upper)), op2))
				return 0;
			lower_end = sep2;
		}
	}
	return dewey_test(dewey_cmp_n(version, vlen, lower, (size_t)(lower_end - lower)), op);
}

/* Match a pattern without braces: steps 2 to 5 above. */
static int match_leaf(const char *pattern, const char *pkg)
{
	if (strpbrk(pattern, "<>"))
		return pattern_dewey_match(pattern, pkg);
	if (strpbrk(pattern, "*?[]") && glob_match(pattern, pkg))
		return 1;
	if (strcmp(pattern, pkg) == 0)
		return 1;
	return glob_match_with_version(pattern, pkg);
}

/*
 * Find the first {...} group: *open at its '{', *close at its matching '}'.
 * Returns 0 when there is no '{', 1 when found, -1 when unbalanced.
 */
static int find_group(const char *pattern, const char **open, const char **close)
{
	const char *o = strchr(pattern, '{');
	if (!o)
		return 0;
	int depth = 0;
	for (const char *p = o; *p; p++) {
		if (*p == '{')
			depth++;
		else if (*p == '}' && --depth == 0) {
			*open = o;
			*close = p;
			return 1;
		}
	}
	return -1;
}

/* End of the alternative starting at p: the next ',' or '}' at depth 0. */
static const char *alternative_end(const char *p)
{
	int depth = 0;
	for (; *p; p++) {
		if (*p == '{')
			depth++;
		else if (*p == '}') {
			if (depth == 0)
				return p;
			depth--;
		} else if (*p == ',' && depth == 0)
			return p;
	}
	return p;
}

/*
 * Call fn on every alternative of the first group, spelled out in full
 * (prefix + alternative + suffix). Stops early when fn returns non-zero.
 */
static int for_each_alternative(const char *pattern, const char *open, const char *close,
				int (*fn)(const char *alt, void *ctx), void *ctx)
{
	size_t prefix = (size_t)(open - pattern);
	const char *suffix = close + 1;
	size_t slen = strlen(suffix);
	struct buf b = { 0 };
	int rc = 0;
	for (const char *p = open + 1;; ) {
		const char *e = alternative_end(p);
		buf_reset(&b);
		buf_add(&b, pattern, prefix);
		buf_add(&b, p, (size_t)(e - p));
		buf_add(&b, suffix, slen);
		rc = fn(b.p, ctx);
		if (rc || e >= close)
			break;
		p = e + 1;
	}
	buf_free(&b);
	return rc;
}

struct match_ctx {
	const char *pkg;
	bool found, error;
	size_t budget;
};

static void match_rec(const char *pattern, struct match_ctx *m);

static int match_alternative(const char *alt, void *ctx)
{
	struct match_ctx *m = ctx;
	match_rec(alt, m);
	return m->error; /* an error anywhere aborts, as in pkg_install */
}

static void match_rec(const char *pattern, struct match_ctx *m)
{
	if (m->budget == 0) {
		m->error = true;
		return;
	}
	m->budget--;
	if (!quick_match(pattern, m->pkg))
		return;
	const char *open, *close;
	switch (find_group(pattern, &open, &close)) {
	case -1:
		m->error = true;
		return;
	case 1:
		for_each_alternative(pattern, open, close, match_alternative, m);
		return;
	}
	int r = match_leaf(pattern, m->pkg);
	if (r < 0)
		m->error = true;
	else if (r)
		m->found = true;
}

int pattern_match(const char *pattern, const char *pkg)
{
	if (strlen(pattern) > PATTERN_MAX_LEN)
		return -1;
	/* matching visits a subset of what expanding does (quick_match prunes): the same budget never runs out first */
	struct match_ctx m = { .pkg = pkg, .budget = PATTERN_MAX_NODES };
	match_rec(pattern, &m);
	if (m.error)
		return -1;
	return m.found;
}

struct expand_ctx {
	struct strvec *out;
	struct herr *err;
	const char *whole;
	size_t budget; /* nodes left to visit: bounds depth and work */
};

static int expand_rec(const char *pattern, struct expand_ctx *x);

static int expand_alternative(const char *alt, void *ctx)
{
	return expand_rec(alt, ctx);
}

static int expand_rec(const char *pattern, struct expand_ctx *x)
{
	const char *open, *close;
	if (x->budget == 0)
		return herr_set(x->err, "pattern '%.64s...' expands to more than %d alternatives", x->whole,
				PATTERN_MAX_ALTERNATIVES);
	x->budget--;
	switch (find_group(pattern, &open, &close)) {
	case -1:
		return herr_set(x->err, "unbalanced '{' in pattern '%s'", x->whole);
	case 0:
		if (strchr(pattern, '}'))
			return herr_set(x->err, "unbalanced '}' in pattern '%s'", x->whole);
		if (x->out->n >= PATTERN_MAX_ALTERNATIVES)
			return herr_set(x->err, "pattern '%s' expands to more than %d alternatives",
					x->whole, PATTERN_MAX_ALTERNATIVES);
		strvec_push(x->out, pattern);
		return 0;
	}
	return for_each_alternative(pattern, open, close, expand_alternative, x);
}

int pattern_expand(const char *pattern, struct strvec *out, struct herr *err)
{
	if (strlen(pattern) > PATTERN_MAX_LEN)
		return herr_set(err, "pattern of %zu bytes: longer than %d", strlen(pattern), PATTERN_MAX_LEN);
	if (!strpbrk(pattern, "{}")) { /* most entries: nothing to expand */
		strvec_push(out, pattern);
		return 0;
	}
	struct expand_ctx x = { .out = out, .err = err, .whole = pattern, .budget = PATTERN_MAX_NODES };
	return expand_rec(pattern, &x) ? -1 : 0;
}

size_t pattern_literal_prefix(const char *leaf)
{
	return strcspn(leaf, "<>*?[]\\");
}

bool pattern_base_name(const char *pkg, const char **version, size_t *base_len)
{
	const char *dash = strrchr(pkg, '-');
	if (!dash)
		return false;
	*base_len = (size_t)(dash - pkg);
	*version = dash + 1;
	return true;
}
