/*
 * diff.c — what changed between two revisions of the list, entry by entry,
 * and what it means for the packages at hand. Entries are compared as
 * whole (pattern, class, URL) triples; an entry removed and one added with
 * the same URL, or the same pattern and class, are one entry changed (a
 * corrected pattern, a corrected URL), which is how the list is maintained:
 * entries are never meant to disappear.
 */
#include "vuln/vuln.h"

#include <stdlib.h>
#include <string.h>

static char *entry_key(const struct vuln_entry *e)
{
	return xasprintf("%s\t%s\t%s", e->pattern, e->class, e->url);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Entries of a that are not in b (by whole triple), as indexes into a. */
static void missing_from(const struct vuln_list *a, const struct vuln_list *b, size_t **out, size_t *n)
{
	char **keys = xcalloc(b->n ? b->n : 1, sizeof(char *));
	for (size_t i = 0; i < b->n; i++)
		keys[i] = entry_key(&b->v[i]);
	if (b->n)
		qsort(keys, b->n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < a->n; i++) {
		char *k = entry_key(&a->v[i]);
		if (!b->n || !bsearch(&k, keys, b->n, sizeof(char *), cmp_str)) {
			*out = xrealloc(*out, (*n + 1) * sizeof(**out));
			(*out)[(*n)++] = i;
		}
		free(k);
	}
	for (size_t i = 0; i < b->n; i++)
		free(keys[i]);
	free(keys);
}

static bool same_change(const struct vuln_entry *o, const struct vuln_entry *n)
{
	return !strcmp(o->url, n->url) || (!strcmp(o->pattern, n->pattern) && !strcmp(o->class, n->class));
}

void vuln_diff(const struct vuln_list *old, const struct vuln_list *new, struct vuln_diff *d)
{
	size_t *removed = NULL, *added = NULL, nr = 0, na = 0;
	missing_from(old, new, &removed, &nr);
	missing_from(new, old, &added, &na);
	bool *used = xcalloc(na ? na : 1, sizeof(bool));
	for (size_t i = 0; i < nr; i++) {
		const struct vuln_entry *o = &old->v[removed[i]];
		size_t j = 0;
		while (j < na && (used[j] || !same_change(o, &new->v[added[j]])))
			j++;
		if (j < na) {
			used[j] = true;
			d->changed = xrealloc(d->changed, (d->nchanged + 1) * sizeof(*d->changed));
			d->changed[d->nchanged++] = (struct vuln_change){ removed[i], added[j] };
		} else {
			d->removed = xrealloc(d->removed, (d->nremoved + 1) * sizeof(*d->removed));
			d->removed[d->nremoved++] = removed[i];
		}
	}
	for (size_t j = 0; j < na; j++) {
		if (used[j])
			continue;
		d->added = xrealloc(d->added, (d->nadded + 1) * sizeof(*d->added));
		d->added[d->nadded++] = added[j];
	}
	free(used);
	free(removed);
	free(added);
}

void vuln_diff_free(struct vuln_diff *d)
{
	free(d->added);
	free(d->removed);
	free(d->changed);
	memset(d, 0, sizeof(*d));
}
