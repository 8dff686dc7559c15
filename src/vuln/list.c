/*
 * list.c — the pkg-vulnerabilities file: what pkg_admin audit reads, in its
 * two forms. The distributed file is PGP clear-signed, says "#FORMAT 1.1.0"
 * and carries "#CHECKSUM SHA1/SHA512" lines; the file in the pkgsrc tree
 * (doc/pkg-vulnerabilities) says "#FORMAT 1.0.0" and has no checksum.
 *
 * Layout, as pkg_install reads it: a header of blank lines, the PGP armour
 * ("-----BEGIN PGP SIGNED MESSAGE-----", "Hash:"), the "# $NetBSD" keyword
 * line and bare "#" lines, up to "#FORMAT"; then one entry per line,
 * "PATTERN CLASS URL" separated by white space, with "#" comments and blank
 * lines between; then the "#CHECKSUM" lines and the signature.
 *
 * Two kinds of trouble, kept apart because the caller treats them apart:
 *   - fatal: the file is not a list or cannot be trusted (no #FORMAT, a NUL
 *     byte, no final newline, a checksum that does not verify, a signed list
 *     cut before its signature): return -1, nothing is audited;
 *   - malformed entries (missing URL, unbalanced braces...): recorded with
 *     their line number in list->problems; `harden audit` refuses such a
 *     list unless --lenient, which skips them.
 */
#include "vuln/vuln.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

const char *vuln_form_name(enum vuln_form form)
{
	switch (form) {
	case VULN_FORM_SIGNED: return "distributed (#FORMAT 1.1.0)";
	case VULN_FORM_INTREE: return "in-tree (#FORMAT 1.0.0)";
	case VULN_FORM_FRAGMENT: return "entries without header";
	}
	return "?";
}

static void add_problem(struct vuln_list *l, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void add_problem(struct vuln_list *l, size_t line, const char *fmt, ...)
{
	if (l->nproblems == l->problems_alloc) {
		l->problems_alloc = l->problems_alloc ? 2 * l->problems_alloc : 16;
		l->problems = xrealloc(l->problems, l->problems_alloc * sizeof(*l->problems));
	}
	va_list ap;
	va_start(ap, fmt);
	char *msg;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = xstrdup("(out of memory formatting a message)");
	va_end(ap);
	l->problems[l->nproblems++] = (struct vuln_problem){ .line = line, .msg = msg };
}

static bool line_starts(const char *p, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && memcmp(p, prefix, n) == 0;
}

/* "# $NetBSD: pkg-vulnerabilities,v 1.3823 2011/04/08 20:57:53 tez Exp $" */
static void read_keyword_line(struct vuln_list *l, const char *line)
{
	char rev[32];
	struct tm tm = { 0 };
	if (sscanf(line, "# $NetBSD: %*s %31s %d/%d/%d %d:%d:%d", rev, &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 7)
		return;
	free(l->revision);
	free(l->date);
	l->revision = xstrdup(rev);
	l->date = xasprintf("%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year, tm.tm_mon, tm.tm_mday,
			    tm.tm_hour, tm.tm_min, tm.tm_sec);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	l->date_epoch = timegm(&tm);
}

/* "#FORMAT 1.1.0": sets the form, or returns -1. */
static int read_format_line(struct vuln_list *l, const char *line, size_t lineno, struct herr *err)
{
	int a, b, c, n = 0;
	if (!isspace((unsigned char)line[7]) || sscanf(line + 7, " %d.%d.%d%n", &a, &b, &c, &n) != 3)
		return herr_set(err, "line %zu: malformed #FORMAT line", lineno);
	for (const char *p = line + 7 + n; *p; p++)
		if (!isspace((unsigned char)*p))
			return herr_set(err, "line %zu: trailing text after #FORMAT %d.%d.%d", lineno, a, b, c);
	if (a == 1 && b == 1 && c == 0)
		l->form = VULN_FORM_SIGNED;
	else if (a == 1 && b == 0 && c == 0)
		l->form = VULN_FORM_INTREE;
	else
		return herr_set(err, "line %zu: unsupported #FORMAT %d.%d.%d (1.0.0 and 1.1.0 are known)",
				lineno, a, b, c);
	snprintf(l->format, sizeof(l->format), "%d.%d.%d", a, b, c);
	return 0;
}

/* Split white-space separated fields of line (modified in place). */
static size_t split_words(char *line, char **words, size_t max)
{
	size_t n = 0;
	char *p = line;
	while (*p) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		if (n < max)
			words[n] = p;
		n++;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
	return n;
}

static void add_entry(struct vuln_list *l, char *line, size_t lineno)
{
	if (isspace((unsigned char)line[0])) {
		add_problem(l, lineno, "line starts with white space: no pattern");
		return;
	}
	char *w[3];
	size_t n = split_words(line, w, 3);
	if (n < 2) {
		add_problem(l, lineno, "missing classification and URL after '%s'", w[0]);
		return;
	}
	if (n < 3) {
		add_problem(l, lineno, "missing URL after '%s %s'", w[0], w[1]);
		return;
	}
	if (n > 3) {
		add_problem(l, lineno, "unexpected text after the URL of '%s'", w[0]);
		return;
	}
	struct strvec leaves = { 0 };
	struct herr perr;
	if (pattern_expand(w[0], &leaves, &perr) < 0) {
		strvec_clear(&leaves);
		add_problem(l, lineno, "%s", perr.msg);
		return;
	}
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 1024;
		l->v = xrealloc(l->v, l->alloc * sizeof(*l->v));
	}
	/* one allocation for the three fields: lists have tens of thousands */
	size_t lp = strlen(w[0]) + 1, lc = strlen(w[1]) + 1, lu = strlen(w[2]) + 1;
	char *fields = xmalloc(lp + lc + lu);
	memcpy(fields, w[0], lp);
	memcpy(fields + lp, w[1], lc);
	memcpy(fields + lp + lc, w[2], lu);
	l->v[l->n++] = (struct vuln_entry){
		.pattern = fields, .class = fields + lp, .url = fields + lp + lc,
		.class_len = lc - 1, .url_len = lu - 1, .line = lineno, .leaves = leaves,
	};
}

static int read_checksum(struct vuln_list *l, const char *text, size_t len, const char *line,
			 size_t lineno, struct herr *err)
{
	if (!isspace((unsigned char)line[9]))
		return herr_set(err, "line %zu: malformed #CHECKSUM line", lineno);
	char algo[16];
	if (vuln_checksum_verify(text, len, line + 9, algo, sizeof(algo), err) < 0)
		return herr_prefix(err, "line %zu", lineno);
	if (l->nchecksums < ARRAY_SIZE(l->checksums)) {
		struct vuln_checksum *c = &l->checksums[l->nchecksums++];
		snprintf(c->algorithm, sizeof(c->algorithm), "%s", algo);
		c->verified = true;
		c->line = lineno;
	}
	return 0;
}

enum section { HEADER, BODY, SIGNATURE };

/* One line (NUL-terminated copy in line) in its section; -1 on fatal trouble. */
static int parse_line(struct vuln_list *l, enum section *sec, char *line, size_t len, size_t lineno,
		      const char *text, size_t textlen, const struct vuln_parse_opts *o, struct herr *err)
{
	if (*sec == SIGNATURE)
		return 0;
	if (len == 0)
		return 0;
	if (*sec == HEADER) {
		if (line_starts(line, len, "-----BEGIN PGP SIGNED MESSAGE")) {
			l->pgp_signed = true;
			return 0;
		}
		if (line_starts(line, len, "-----BEGIN") || line_starts(line, len, "Hash:"))
			return 0;
		if (line_starts(line, len, "# $NetBSD")) {
			read_keyword_line(l, line);
			return 0;
		}
		if (line[0] == '#' && isspace((unsigned char)line[1])) {
			/* as pkg_install: only empty comment lines before #FORMAT */
			for (const char *p = line + 1; *p; p++)
				if (!isspace((unsigned char)*p))
					return herr_set(err, "line %zu: comment text before #FORMAT: "
							"not a pkg-vulnerabilities header", lineno);
			return 0;
		}
		if (line[0] == '#' && len == 1)
			return 0;
		if (line_starts(line, len, "#FORMAT")) {
			*sec = BODY;
			return read_format_line(l, line, lineno, err);
		}
		if (!o->allow_fragment)
			return herr_set(err, "line %zu: expected the #FORMAT header before any entry", lineno);
		l->form = VULN_FORM_FRAGMENT;
		*sec = BODY;
	}
	if (line_starts(line, len, "-----BEGIN PGP SIGNATURE") || line_starts(line, len, "Version:")) {
		/* where pkg_install stops; in an unsigned list it would silently
		 * drop every entry after it, so there it is a malformed line */
		if (l->pgp_signed) {
			*sec = SIGNATURE;
			return 0;
		}
		add_problem(l, lineno, "'%.24s' in a list that is not PGP-signed", line);
		return 0;
	}
	if (line_starts(line, len, "#CHECKSUM"))
		return read_checksum(l, text, textlen, line, lineno, err);
	if (line[0] == '#')
		return 0;
	add_entry(l, line, lineno);
	return 0;
}

static int check_structure(struct vuln_list *l, const char *text, size_t len, size_t *lines)
{
	(void)l;
	const char *nul = memchr(text, '\0', len);
	if (nul) {
		size_t line = 1;
		for (const char *p = text; p < nul; p++)
			line += *p == '\n';
		*lines = line;
		return -2;
	}
	if (len == 0)
		return -3;
	if (text[len - 1] != '\n')
		return -4;
	return 0;
}

static int check_end(struct vuln_list *l, enum section sec, const char *text, size_t len,
		     const struct vuln_parse_opts *o, struct herr *err)
{
	if (sec == HEADER)
		return herr_set(err, "no #FORMAT line: not a pkg-vulnerabilities file");
	if (l->pgp_signed && sec != SIGNATURE)
		return herr_set(err, "the list is PGP-signed but its signature is missing: truncated?");
	if (l->pgp_signed && !memmem(text, len, "-----END PGP SIGNATURE", 22))
		return herr_set(err, "the PGP signature block is not terminated: truncated?");
	bool need = o->require_checksum > 0 ||
		    (o->require_checksum < 0 && l->form == VULN_FORM_SIGNED);
	if (need && l->nchecksums == 0)
		return herr_set(err, "no #CHECKSUM line: the list cannot be verified%s",
				o->require_checksum > 0 ? "" : " (the distributed #FORMAT 1.1.0 form must carry one)");
	return 0;
}

int vuln_list_parse(struct vuln_list *l, const char *text, size_t len,
		    const struct vuln_parse_opts *o, struct herr *err)
{
	size_t at = 0;
	switch (check_structure(l, text, len, &at)) {
	case -2: return herr_set(err, "NUL byte in line %zu: not a text file", at);
	case -3: return herr_set(err, "the list is empty");
	case -4: return herr_set(err, "no newline at the end of the list: truncated?");
	}
	enum section sec = HEADER;
	char *copy = xmalloc(len + 1);
	size_t lineno = 0;
	int rc = 0;
	for (size_t off = 0; off < len && rc == 0;) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = (size_t)(nl - (text + off));
		memcpy(copy, text + off, n);
		if (n && copy[n - 1] == '\r')
			n--;
		copy[n] = '\0';
		lineno++;
		rc = parse_line(l, &sec, copy, n, lineno, text, len, o, err);
		off = (size_t)(nl - text) + 1;
	}
	free(copy);
	if (rc < 0)
		return -1;
	return check_end(l, sec, text, len, o, err);
}

int vuln_list_load(struct vuln_list *l, const char *path, const struct vuln_parse_opts *o,
		   struct herr *err)
{
	l->path = path;
	if (vuln_read_input(path, &l->text, &l->compression, err) < 0)
		return -1;
	if (vuln_list_parse(l, l->text.p, l->text.len, o, err) < 0)
		return herr_prefix(err, "%s", path);
	return 0;
}

void vuln_list_free(struct vuln_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].pattern); /* class and url share its allocation */
		strvec_clear(&l->v[i].leaves);
	}
	free(l->v);
	for (size_t i = 0; i < l->nproblems; i++)
		free(l->problems[i].msg);
	free(l->problems);
	free(l->revision);
	free(l->date);
	buf_free(&l->text);
	memset(l, 0, sizeof(*l));
}
