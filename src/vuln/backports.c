/*
 * backports.c — what a stable branch could take from trunk. For each package
 * of the branch that is vulnerable, the trunk package built from the same
 * PKGPATH is the back-port candidate if it no longer matches some of the
 * entries the branch package matches; we say which vulnerabilities it
 * fixes, which remain, and whether it is a major version jump (a change of
 * the first version number), which a long-term branch may refuse.
 */
#include "vuln/vuln.h"

#include <stdlib.h>
#include <string.h>

/* The trunk package for branch package b: same PKGPATH, same base name
 * preferred (one PKGPATH may build py311-foo and py312-foo). */
static const struct vuln_pkg *trunk_for(const struct vuln_pkgset *trunk, const struct vuln_pkg *b)
{
	const struct vuln_pkg *any = NULL;
	const char *bv, *tv;
	size_t bl, tl;
	if (!b->pkgpath || !pattern_base_name(b->name, &bv, &bl))
		return NULL;
	for (size_t i = 0; i < trunk->n; i++) {
		const struct vuln_pkg *t = &trunk->v[i];
		if (!t->pkgpath || strcmp(t->pkgpath, b->pkgpath))
			continue;
		if (pattern_base_name(t->name, &tv, &tl) && tl == bl && !strncmp(t->name, b->name, bl))
			return t;
		if (!any)
			any = t;
	}
	return any;
}

/* First number of a version: "2.4.58nb1" -> 2. */
static unsigned long long major_of(const char *name)
{
	const char *v;
	size_t bl;
	if (!pattern_base_name(name, &v, &bl))
		return 0;
	return strtoull(v, NULL, 10);
}

static void matches_selected(struct vuln_index *ix, const struct vuln_list *list, const char *name,
			     const struct vuln_audit_opts *o, struct vuln_matches *m)
{
	vuln_index_match(ix, name, m);
	size_t k = 0;
	for (size_t i = 0; i < m->n; i++) {
		const struct vuln_entry *e = &list->v[m->v[i]];
		if (vuln_entry_selected(e, o) && strcmp(e->class, "eol"))
			m->v[k++] = m->v[i];
	}
	m->n = k;
}

static bool contains(const struct vuln_matches *m, size_t entry)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i] == entry)
			return true;
	return false;
}

static void push(size_t **v, size_t *n, size_t x)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = x;
}

void vuln_backports(const struct vuln_list *list, const struct vuln_pkgset *branch,
		    const struct vuln_pkgset *trunk, const struct vuln_audit_opts *o,
		    struct vuln_backports *out)
{
	struct vuln_index ix;
	vuln_index_build(&ix, list);
	struct vuln_matches bm = { 0 }, tm = { 0 };
	for (size_t i = 0; i < branch->n; i++) {
		const struct vuln_pkg *b = &branch->v[i];
		matches_selected(&ix, list, b->name, o, &bm);
		if (!bm.n)
			continue;
		struct vuln_backport bp = { .branch = b, .trunk = trunk_for(trunk, b) };
		if (bp.trunk) {
			matches_selected(&ix, list, bp.trunk->name, o, &tm);
			for (size_t j = 0; j < bm.n; j++) {
				if (contains(&tm, bm.v[j]))
					push(&bp.remaining, &bp.nremaining, bm.v[j]);
				else
					push(&bp.fixed, &bp.nfixed, bm.v[j]);
			}
			for (size_t j = 0; j < tm.n; j++)
				if (!contains(&bm, tm.v[j]))
					push(&bp.introduced, &bp.nintroduced, tm.v[j]);
			bp.major_jump = major_of(b->name) != major_of(bp.trunk->name);
		} else {
			for (size_t j = 0; j < bm.n; j++)
				push(&bp.remaining, &bp.nremaining, bm.v[j]);
		}
		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		out->v[out->n++] = bp;
	}
	vuln_matches_free(&bm);
	vuln_matches_free(&tm);
	vuln_index_free(&ix);
}

void vuln_backports_free(struct vuln_backports *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->v[i].fixed);
		free(b->v[i].remaining);
		free(b->v[i].introduced);
	}
	free(b->v);
	memset(b, 0, sizeof(*b));
}
