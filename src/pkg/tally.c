/*
 * tally.c — per-package counts for a repository summary.
 *
 * A distribution asks "which share of our binaries is PIE" and "which
 * packages are worst", not "what is file 81,212". The tallies are kept as
 * batches arrive (in input order), so the summary costs one pass and no
 * second look at the records.
 */
#include "pkg/pkg.h"

#include <stdlib.h>
#include <string.h>

bool pkg_tally_add(struct pkg_tally *t, const char *input, const struct scan_batch *b)
{
	if (!b->package)
		return false;
	if (t->n == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 64;
		t->v = xrealloc(t->v, t->alloc * sizeof(*t->v));
	}
	struct pkg_stat *s = &t->v[t->n++];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(b->package);
	s->version = b->version ? xstrdup(b->version) : NULL;
	s->arch = b->arch ? xstrdup(b->arch) : NULL;
	s->path = xstrdup(input);
	for (size_t i = 0; i < b->n; i++) {
		const struct scan_record *r = &b->recs[i];
		s->links += r->link != NULL;
		s->setuid += !r->link && !r->error && (r->setuid || r->setgid);
		summary_add(&s->counts, r);
		summary_add(&t->total, r);
	}
	return true;
}

static int worse(const struct pkg_stat *a, const struct pkg_stat *b)
{
	if (a->counts.with_findings != b->counts.with_findings)
		return a->counts.with_findings > b->counts.with_findings ? -1 : 1;
	if (a->counts.findings != b->counts.findings)
		return a->counts.findings > b->counts.findings ? -1 : 1;
	return strcmp(a->name, b->name);
}

size_t pkg_tally_worst(const struct pkg_tally *t, size_t *idx, size_t k)
{
	size_t n = 0;
	/* insertion into a k-long list: k is small (10), repositories are not */
	for (size_t i = 0; i < t->n; i++) {
		if (!t->v[i].counts.with_findings)
			continue;
		size_t pos = n;
		while (pos > 0 && worse(&t->v[i], &t->v[idx[pos - 1]]) < 0)
			pos--;
		if (pos >= k)
			continue;
		if (n < k)
			n++;
		memmove(idx + pos + 1, idx + pos, (n - 1 - pos) * sizeof(*idx));
		idx[pos] = i;
	}
	return n;
}

void pkg_tally_free(struct pkg_tally *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].name);
		free(t->v[i].version);
		free(t->v[i].arch);
		free(t->v[i].path);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}
