/*
 * audit.c — packages x vulnerability list -> findings, with pkg_admin
 * audit's rules: an entry whose URL is in IGNORE_URL is skipped, -t limits
 * the classes looked at, "eol" entries are end-of-life notices (reported only
 * when asked for, and not vulnerabilities), and findings come out per
 * package in list order, so the text output is pkg_admin's, line for line.
 */
#include "vuln/vuln.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

bool vuln_entry_selected(const struct vuln_entry *e, const struct vuln_audit_opts *o)
{
	if (o->ignore_urls && strvec_has(o->ignore_urls, e->url))
		return false;
	if (o->class_globs && o->class_globs->n) {
		bool any = false;
		for (size_t i = 0; i < o->class_globs->n && !any; i++)
			any = fnmatch(o->class_globs->v[i], e->class, 0) == 0;
		if (!any)
			return false;
	}
	if (!strcmp(e->class, "eol") && !o->check_eol)
		return false;
	return true;
}

static void push_finding(struct vuln_findings *f, struct vuln_finding x)
{
	if (f->n == f->alloc) {
		f->alloc = f->alloc ? 2 * f->alloc : 64;
		f->v = xrealloc(f->v, f->alloc * sizeof(*f->v));
	}
	f->v[f->n++] = x;
}

void vuln_audit(const struct vuln_list *list, struct vuln_index *ix, const struct vuln_pkgset *pkgs,
		const struct vuln_audit_opts *o, struct vuln_findings *out)
{
	enum { SKIP, VULNERABILITY, END_OF_LIFE };
	struct vuln_matches m = { 0 };
	/* decided once per entry, not once per finding */
	unsigned char *kind = xmalloc(list->n ? list->n : 1);
	for (size_t i = 0; i < list->n; i++)
		kind[i] = !vuln_entry_selected(&list->v[i], o) ? SKIP
			  : strcmp(list->v[i].class, "eol") ? VULNERABILITY : END_OF_LIFE;
	for (size_t p = 0; p < pkgs->n; p++) {
		if (o->naive)
			vuln_naive_match(list, pkgs->v[p].name, &m);
		else
			vuln_index_match(ix, pkgs->v[p].name, &m);
		bool vulnerable = false;
		for (size_t i = 0; i < m.n; i++) {
			if (kind[m.v[i]] == SKIP)
				continue;
			bool eol = kind[m.v[i]] == END_OF_LIFE;
			push_finding(out, (struct vuln_finding){ .pkg = p, .entry = m.v[i], .eol = eol });
			vulnerable |= !eol;
		}
		out->vulnerable_pkgs += vulnerable;
	}
	vuln_matches_free(&m);
	free(kind);
}

void vuln_findings_free(struct vuln_findings *f)
{
	free(f->v);
	memset(f, 0, sizeof(*f));
}
