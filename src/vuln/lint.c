/*
 * lint.c — find the entries of a vulnerability list that do not mean what
 * their authors meant. pkg_install accepts all of these silently, and each
 * one hides a vulnerable package or cries wolf:
 *   - "==" and "!=" are no pattern operators: such entries never match;
 *   - "foo<2>1" is no range: pkg_install reads the version "2>1" as 2.1;
 *   - ">=A<B" with A not below B matches nothing;
 *   - "foo-1.3.1*" also matches foo-1.3.10;
 *   - names that are no package of the tree (typos like "qimp", removed
 *     packages), including single alternatives of {a,b} ("py321-...");
 *   - bounds far from every real version of the package ("libssh<0.106"
 *     when the versions are 0.10.x);
 *   - mis-cased or unusual classes, malformed or doubled URLs ("CVE-CVE-"),
 *     duplicate entries, and the malformed lines the parser already found.
 * Each finding has the list line, a severity, a check name and a fix.
 */
#include "vuln/vuln.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

/* Classes in common use (the pkgsrc list's most frequent ones). */
static const char *const common_classes[] = {
	"denial-of-service", "remote-code-execution", "arbitrary-code-execution", "cross-site-scripting",
	"privilege-escalation", "security-bypass", "remote-system-access", "buffer-overflow",
	"multiple-vulnerabilities", "remote-user-shell", "information-disclosure", "eol",
	"local-file-write", "remote-root-shell", "local-code-execution", "memory-corruption",
	"remote-security-bypass", "insecure-temp-files", "sql-injection", "remote-information-exposure",
	"local-user-shell", "sensitive-information-exposure", "sensitive-information-disclosure",
	"remote-denial-of-service", "local-root-shell", "privacy-leak", "cross-site-request-forgery",
	"remote-command-execution", "unknown", "heap-overflow", "directory-traversal", "url-spoofing",
	"remote-spoofing", "local-privilege-escalation", "weak-authentication", "remote-file-write",
	"arbitrary-command-execution", "ssl-cert-spoofing", "remote-user-access", "remote-file-read",
	"integer-overflow", "information-exposure", "authentication-bypass", "signature-spoofing",
	"information-leak", "unknown-impact", "use-after-free", "out-of-bounds-read",
	"out-of-bounds-write", "command-injection", "null-pointer-dereference", "heap-buffer-overflow",
	"stack-overflow", "code-injection", "path-traversal", "infinite-loop", "memory-leak",
	"double-free", "spoofing", "man-in-the-middle",
};

static void add(struct vuln_lint *out, size_t line, enum vuln_lint_severity sev, const char *check,
		char *msg, char *fix)
{
	if (out->n == out->alloc) {
		out->alloc = out->alloc ? 2 * out->alloc : 32;
		out->v = xrealloc(out->v, out->alloc * sizeof(*out->v));
	}
	out->v[out->n++] = (struct vuln_lint_finding){ line, sev, check, msg, fix };
	if (sev == LINT_ERROR)
		out->errors++;
	else if (sev == LINT_WARNING)
		out->warnings++;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 99;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* The package-name part of a brace-free pattern: before a relational
 * operator, before "-[0-9]*", or before a "-VERSION" suffix. */
static char *leaf_name(const char *leaf)
{
	size_t rel = strcspn(leaf, "<>");
	if (leaf[rel])
		return xstrndup(leaf, rel);
	if (ends_with(leaf, "-[0-9]*"))
		return xstrndup(leaf, strlen(leaf) - 7);
	for (const char *p = leaf + strlen(leaf); p > leaf; p--)
		if (p[-1] == '-' && isdigit((unsigned char)p[0]))
			return xstrndup(leaf, (size_t)(p - 1 - leaf));
	return xstrdup(leaf);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool in_sorted(const struct strvec *sv, const char *s)
{
	return sv->n && bsearch(&s, sv->v, sv->n, sizeof(char *), str_cmp) != NULL;
}

/* The tree's base name closest to name, within 2 edits, or NULL. */
static const char *closest(const struct strvec *names, const char *name)
{
	const char *best = NULL;
	size_t bestd = 3;
	for (size_t i = 0; i < names->n; i++) {
		size_t d = edit_distance(name, names->v[i]);
		if (d < bestd) {
			bestd = d;
			best = names->v[i];
		}
	}
	return best;
}

static void check_tree_name(struct vuln_lint *out, const struct vuln_entry *e, const char *leaf,
			    const struct strvec *tree_names)
{
	char *name = leaf_name(leaf);
	bool found;
	if (strpbrk(name, "*?[")) {
		found = false;
		for (size_t i = 0; i < tree_names->n && !found; i++)
			found = fnmatch(name, tree_names->v[i], 0) == 0;
	} else {
		found = in_sorted(tree_names, name);
	}
	if (!found) {
		const char *near = closest(tree_names, name);
		bool alt = e->leaves.n > 1;
		add(out, e->line, LINT_ERROR, "unknown-package",
		    xasprintf("%s'%s' names no package of the tree%s", alt ? "the alternative " : "", name,
			      alt ? " (it can never match)" : ": a typo or a removed package?"),
		    near ? xasprintf("did you mean '%s'?", near)
			 : xstrdup(alt ? "remove this alternative" : "check the package name"));
	}
	free(name);
}

/* "foo<2>1": not a range. The fix spells the range the author meant. */
static void check_operators(struct vuln_lint *out, const struct vuln_entry *e, const char *leaf)
{
	if (strstr(leaf, "==") || strstr(leaf, "!=")) {
		add(out, e->line, LINT_ERROR, "never-matches",
		    xasprintf("'%s': == and != are not pattern operators, the entry never matches", leaf),
		    xstrdup("use NAME-VERSION for one version, or <, <=, >, >="));
		return;
	}
	const char *op = strpbrk(leaf, "<>");
	if (!op || *op != '<' || !strchr(op, '>'))
		return;
	const char *gt = strchr(op, '>');
	const char *hi = op + (op[1] == '=' ? 2 : 1);
	add(out, e->line, LINT_ERROR, "not-a-range",
	    xasprintf("'%s': '<' before '>' is no range; pkg_install reads the version '%s' as one", leaf, hi),
	    xasprintf("%.*s%s%.*s", (int)(op - leaf), leaf, gt, (int)(gt - op), op));
}

static void check_range(struct vuln_lint *out, const struct vuln_entry *e, const char *leaf)
{
	const char *op = strpbrk(leaf, "<>");
	enum dewey_op lo_op, hi_op;
	if (!op || *op != '>')
		return;
	int n = dewey_parse_op(op, &lo_op);
	const char *lo = op + n, *sep2 = strchr(lo, '<');
	if (!sep2)
		return;
	int n2 = dewey_parse_op(sep2, &hi_op);
	const char *hi = sep2 + n2;
	int c = dewey_cmp_n(lo, (size_t)(sep2 - lo), hi, strlen(hi));
	bool empty = c > 0 || (c == 0 && (lo_op == DEWEY_GT || hi_op == DEWEY_LT));
	if (empty)
		add(out, e->line, LINT_ERROR, "empty-range",
		    xasprintf("'%s': no version is %s %.*s and %s %s", leaf, lo_op == DEWEY_GE ? ">=" : ">",
			      (int)(sep2 - lo), lo, hi_op == DEWEY_LE ? "<=" : "<", hi),
		    xasprintf("%s", c > 0 ? "swap the bounds" : "use NAME-VERSION for a single version"));
}

/* Next version after v at its last number: 1.3.1 -> 1.3.2. */
static char *next_version(const char *v, size_t len)
{
	size_t end = len;
	while (end && !isdigit((unsigned char)v[end - 1]))
		end--;
	size_t start = end;
	while (start && isdigit((unsigned char)v[start - 1]))
		start--;
	if (start == end)
		return xstrndup(v, len);
	return xasprintf("%.*s%llu", (int)start, v, strtoull(v + start, NULL, 10) + 1);
}

static void check_version_glob(struct vuln_lint *out, const struct vuln_entry *e, const char *leaf)
{
	const char *star = strchr(leaf, '*');
	if (!star || star == leaf || ends_with(leaf, "-[0-9]*") || strpbrk(leaf, "<>"))
		return;
	if (!isdigit((unsigned char)star[-1]))
		return;
	const char *dash = star;
	while (dash > leaf && dash[-1] != '-')
		dash--;
	if (dash == leaf || !isdigit((unsigned char)*dash))
		return;
	size_t vlen = (size_t)(star - dash);
	char *next = next_version(dash, vlen);
	add(out, e->line, LINT_WARNING, "version-glob",
	    xasprintf("'%s' also matches %.*s%c and other longer versions", leaf, (int)(star - leaf), leaf,
		      star[-1] == '0' ? '1' : '0'),
	    xasprintf("%.*s>=%.*s<%s", (int)(dash - 1 - leaf), leaf, (int)vlen, dash, next));
	free(next);
}

static void check_class(struct vuln_lint *out, const struct vuln_entry *e, const struct vuln_list *list)
{
	bool upper = false, odd = false;
	for (const char *p = e->class; *p; p++) {
		upper |= isupper((unsigned char)*p) != 0;
		odd |= !isalnum((unsigned char)*p) && *p != '-';
	}
	if (upper || odd) {
		char *lower = xstrdup(e->class);
		for (char *p = lower; *p; p++)
			*p = (char)(isalnum((unsigned char)*p) ? tolower((unsigned char)*p) : '-');
		add(out, e->line, LINT_WARNING, "class-case",
		    xasprintf("class '%s' is %s", e->class, upper ? "mis-cased (classes are lower case)"
								   : "not made of letters, digits and '-'"),
		    xasprintf("'%s'", lower));
		free(lower);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(common_classes); i++)
		if (!strcmp(e->class, common_classes[i]))
			return;
	size_t uses = 0;
	for (size_t i = 0; i < list->n && uses < 2; i++)
		uses += !strcmp(list->v[i].class, e->class);
	if (uses > 1)
		return;
	const char *best = NULL;
	size_t bestd = 4;
	for (size_t i = 0; i < ARRAY_SIZE(common_classes); i++) {
		size_t d = edit_distance(e->class, common_classes[i]);
		if (d < bestd)
			bestd = d, best = common_classes[i];
	}
	add(out, e->line, LINT_NOTE, "unusual-class",
	    xasprintf("class '%s' is used nowhere else and is not a common class", e->class),
	    best ? xasprintf("'%s'?", best) : xstrdup("use a common class if one fits"));
}

static void check_url(struct vuln_lint *out, const struct vuln_entry *e)
{
	const char *u = e->url;
	const char *scheme_end = strstr(u, "://");
	bool scheme_ok = starts_with(u, "http://") || starts_with(u, "https://") || starts_with(u, "ftp://");
	if (!scheme_ok || !scheme_end || !scheme_end[3] || scheme_end[3] == '/') {
		add(out, e->line, LINT_ERROR, "bad-url", xasprintf("'%s' is not an http, https or ftp URL", u),
		    xstrdup("give the advisory's full URL"));
		return;
	}
	const char *second = strstr(scheme_end + 3, "://");
	if (second) {
		while (second > scheme_end + 3 && isalpha((unsigned char)second[-1]))
			second--;
		add(out, e->line, LINT_ERROR, "doubled-url", xasprintf("'%s' holds two URLs", u),
		    xasprintf("'%s'", second));
		return;
	}
	const char *dup = strstr(u, "CVE-CVE-");
	if (dup)
		add(out, e->line, LINT_ERROR, "doubled-url",
		    xasprintf("'%s': doubled 'CVE-' prefix, the advisory page does not exist", u),
		    xasprintf("'%.*s%s'", (int)(dup - u), u, dup + 4));
}

struct keyed {
	char *key;
	size_t index;
};

static int keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->index > y->index) - (x->index < y->index);
}

static void check_duplicates(struct vuln_lint *out, const struct vuln_list *list)
{
	if (!list->n)
		return;
	struct keyed *k = xcalloc(list->n, sizeof(*k));
	for (size_t i = 0; i < list->n; i++)
		k[i] = (struct keyed){ xasprintf("%s\t%s\t%s", list->v[i].pattern, list->v[i].class, list->v[i].url), i };
	qsort(k, list->n, sizeof(*k), keyed_cmp);
	for (size_t i = 1; i < list->n; i++) {
		size_t first = i;
		while (first > 0 && !strcmp(k[first - 1].key, k[i].key))
			first--;
		if (first != i) {
			const struct vuln_entry *e = &list->v[k[i].index];
			add(out, e->line, LINT_WARNING, "duplicate",
			    xasprintf("'%s %s %s' repeats line %zu", e->pattern, e->class, e->url,
				      list->v[k[first].index].line),
			    xstrdup("delete this line"));
		}
	}
	for (size_t i = 0; i < list->n; i++)
		free(k[i].key);
	free(k);
}

/* (base name, version) pairs: every version the tree or the list mentions. */
struct known_version {
	char *base;
	const char *version;
};

static int known_cmp(const void *a, const void *b)
{
	return strcmp(((const struct known_version *)a)->base, ((const struct known_version *)b)->base);
}

struct known {
	struct known_version *v;
	size_t n, alloc;
};

static void known_add(struct known *k, const char *base, size_t baselen, const char *version)
{
	if (k->n == k->alloc) {
		k->alloc = k->alloc ? 2 * k->alloc : 256;
		k->v = xrealloc(k->v, k->alloc * sizeof(*k->v));
	}
	k->v[k->n++] = (struct known_version){ xstrndup(base, baselen), version };
}

/* The upper bounds of relational leaves, and the tree's package versions. */
static void collect_known(struct known *k, const struct vuln_list *list, const struct vuln_pkgset *tree)
{
	for (size_t i = 0; i < list->n; i++) {
		const struct vuln_entry *e = &list->v[i];
		for (size_t j = 0; j < e->leaves.n; j++) {
			const char *leaf = e->leaves.v[j];
			const char *op = strpbrk(leaf, "<>");
			if (op && *op == '<' && !strchr(op, '>'))
				known_add(k, leaf, (size_t)(op - leaf), op + (op[1] == '=' ? 2 : 1));
		}
	}
	for (size_t i = 0; tree && i < tree->n; i++) {
		const char *version;
		size_t baselen;
		if (pattern_base_name(tree->v[i].name, &version, &baselen))
			known_add(k, tree->v[i].name, baselen, version);
	}
	if (k->n)
		qsort(k->v, k->n, sizeof(*k->v), known_cmp);
}

/* Digit runs of a version: "0.10.6" -> 0, 10, 6 (as text). */
static size_t digit_runs(const char *v, const char **runs, size_t *lens, size_t max)
{
	size_t n = 0;
	for (const char *p = v; *p && n < max;) {
		if (!isdigit((unsigned char)*p)) {
			p++;
			continue;
		}
		runs[n] = p;
		while (isdigit((unsigned char)*p))
			p++;
		lens[n] = (size_t)(p - runs[n]);
		n++;
	}
	return n;
}

/*
 * Does bound look like version near with a dot left out ("0.106" for
 * 0.10.6)? Then *at and *split say where the dot belongs.
 */
static bool missing_dot(const char *bound, const char *near, const char **at, size_t *split)
{
	const char *br[16], *nr[16];
	size_t bl[16], nl[16];
	size_t nb = digit_runs(bound, br, bl, 16), nn = digit_runs(near, nr, nl, 16);
	for (size_t i = 0; i < nb && i < nn; i++) {
		if (bl[i] == nl[i] && !memcmp(br[i], nr[i], bl[i]))
			continue;
		/* "106" for 10.6: three digits where the real versions have two,
		 * so 4.3.11 against 4.3.1 (a real next version) stays quiet */
		if (i == 0 || bl[i] < 3 || bl[i] != nl[i] + 1 || memcmp(br[i], nr[i], nl[i]) != 0)
			return false;
		*at = br[i];
		*split = nl[i];
		return true;
	}
	return false;
}

/* Does any known version have a number as long as bound's at run index i? */
static bool long_run_known(const struct known_version *first, const struct known_version *end,
			   const char *bound, size_t i, size_t len)
{
	for (const struct known_version *k = first; k < end; k++) {
		const char *r[16];
		size_t l[16];
		if (!strcmp(k->version, bound))
			continue;
		if (digit_runs(k->version, r, l, 16) > i && l[i] >= len)
			return true;
	}
	return false;
}

static void check_far_bound(struct vuln_lint *out, const struct vuln_entry *e, const char *leaf,
			    const struct known *k)
{
	const char *op = strpbrk(leaf, "<>");
	if (!op || *op != '<' || strchr(op, '>') || !k->n)
		return;
	const char *bound = op + (op[1] == '=' ? 2 : 1);
	char *base = xstrndup(leaf, (size_t)(op - leaf));
	struct known_version key = { base, NULL };
	const struct known_version *hit = bsearch(&key, k->v, k->n, sizeof(*k->v), known_cmp);
	const char *maxv = NULL;
	const struct known_version *first = hit, *end = hit;
	if (hit) {
		while (first > k->v && !strcmp(first[-1].base, base))
			first--;
		while (end < k->v + k->n && !strcmp(end->base, base))
			end++;
		for (hit = first; hit < end; hit++)
			if (strcmp(hit->version, bound) && (!maxv || dewey_cmp(hit->version, maxv) > 0))
				maxv = hit->version;
	}
	const char *at;
	size_t split;
	const char *runs[16];
	size_t lens[16];
	size_t nruns = digit_runs(bound, runs, lens, 16);
	size_t run = 0;
	if (maxv && dewey_cmp(bound, maxv) > 0 && missing_dot(bound, maxv, &at, &split)) {
		while (run < nruns && runs[run] != at)
			run++;
		/* pan<0.133 is real when pan-0.132 is known: long numbers are its style */
		if (run < nruns && long_run_known(first, end, bound, run, lens[run]))
			maxv = NULL;
	} else {
		maxv = NULL;
	}
	if (maxv)
		add(out, e->line, LINT_WARNING, "far-bound",
		    xasprintf("'%s': %s is far above every known version of %s (the newest is %s)", leaf, bound,
			      base, maxv),
		    xasprintf("%.*s.%s (a dot left out?)", (int)(at - leaf + split), leaf, at + split));
	free(base);
}

static int finding_cmp(const void *a, const void *b)
{
	const struct vuln_lint_finding *x = a, *y = b;
	return (x->line > y->line) - (x->line < y->line);
}

void vuln_lint_run(const struct vuln_list *list, const struct vuln_pkgset *tree, struct vuln_lint *out)
{
	for (size_t i = 0; i < list->nproblems; i++)
		add(out, list->problems[i].line, LINT_ERROR, "malformed", xstrdup(list->problems[i].msg),
		    xstrdup(strstr(list->problems[i].msg, "unbalanced") ? "balance the braces"
									  : "write PATTERN CLASS URL"));
	struct strvec names = { 0 };
	for (size_t i = 0; tree && i < tree->n; i++) {
		const char *version;
		size_t baselen;
		if (pattern_base_name(tree->v[i].name, &version, &baselen))
			strvec_pushf(&names, "%.*s", (int)baselen, tree->v[i].name);
	}
	if (names.n)
		qsort(names.v, names.n, sizeof(char *), str_cmp);
	struct known k = { 0 };
	collect_known(&k, list, tree);
	check_duplicates(out, list);
	for (size_t i = 0; i < list->n; i++) {
		const struct vuln_entry *e = &list->v[i];
		check_class(out, e, list);
		check_url(out, e);
		for (size_t j = 0; j < e->leaves.n; j++) {
			const char *leaf = e->leaves.v[j];
			check_operators(out, e, leaf);
			check_range(out, e, leaf);
			check_version_glob(out, e, leaf);
			check_far_bound(out, e, leaf, &k);
			if (tree)
				check_tree_name(out, e, leaf, &names);
		}
	}
	for (size_t i = 0; i < k.n; i++)
		free(k.v[i].base);
	free(k.v);
	strvec_clear(&names);
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), finding_cmp);
}

const char *vuln_lint_severity_name(enum vuln_lint_severity s)
{
	return s == LINT_ERROR ? "error" : s == LINT_WARNING ? "warning" : "note";
}

void vuln_lint_free(struct vuln_lint *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].msg);
		free(l->v[i].fix);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}
