/*
 * diff.c — what changed between two snapshots: packages that disappeared
 * or appeared, version changes (downgrades flagged), and per file every
 * property that went from good to bad (a regression) or back.
 *
 * Both sides are sorted by key and merged, so a diff of two 17,000-package
 * repositories is O(n log n) and independent of input order. Packages are
 * keyed by name and architecture, files by package and member name.
 */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

static const char *nz(const char *s)
{
	return s ? s : "";
}

static int pkg_cmp(const void *x, const void *y)
{
	const struct snap_pkg *a = *(struct snap_pkg *const *)x, *b = *(struct snap_pkg *const *)y;
	int c = strcmp(a->name, b->name);
	return c ? c : strcmp(nz(a->arch), nz(b->arch));
}

static int file_cmp(const void *x, const void *y)
{
	const struct snap_file *a = *(struct snap_file *const *)x, *b = *(struct snap_file *const *)y;
	int c = strcmp(a->package, b->package);
	return c ? c : strcmp(a->name, b->name);
}

static void **sorted(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	void **v = xmalloc((n ? n : 1) * sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = (char *)base + i * size;
	qsort(v, n, sizeof(*v), cmp);
	return v;
}

static struct change *add(struct diff *d, enum change_kind k, const char *pkg, const char *arch)
{
	if (d->n == d->alloc) {
		d->alloc = d->alloc ? d->alloc * 2 : 64;
		d->v = xrealloc(d->v, d->alloc * sizeof(*d->v));
	}
	struct change *c = &d->v[d->n++];
	*c = (struct change){ .kind = k, .package = pkg, .arch = arch, .prop = -1 };
	d->count[k]++;
	return c;
}

static void diff_packages(const struct snapshot *o, const struct snapshot *n, struct snap_pkg **a,
			  struct snap_pkg **b, struct diff *d)
{
	size_t i = 0, j = 0;
	while (i < o->npkgs || j < n->npkgs) {
		int c = i == o->npkgs ? 1 : j == n->npkgs ? -1 : pkg_cmp(&a[i], &b[j]);
		if (c < 0) {
			struct change *ch = add(d, CH_DISAPPEARED, a[i]->name, a[i]->arch);
			ch->before = a[i]->version;
			i++;
		} else if (c > 0) {
			struct change *ch = add(d, CH_APPEARED, b[j]->name, b[j]->arch);
			ch->after = b[j]->version;
			j++;
		} else {
			if (a[i]->version && b[j]->version) {
				int v = version_compare(a[i]->version, b[j]->version);
				if (v) {
					struct change *ch = add(d, v > 0 ? CH_DOWNGRADE : CH_UPGRADE, b[j]->name, b[j]->arch);
					ch->before = a[i]->version;
					ch->after = b[j]->version;
				}
			}
			i++, j++;
		}
	}
}

static int name_cmp(const void *key, const void *elem)
{
	return strcmp(key, (*(struct snap_pkg *const *)elem)->name);
}

/* Was this package present on both sides? (Files of gone packages are not listed.) */
static bool in_both(struct snap_pkg **a, size_t na, struct snap_pkg **b, size_t nb, const char *pkg)
{
	if (!*pkg)
		return true;    /* loose files */
	return bsearch(pkg, a, na, sizeof(*a), name_cmp) && bsearch(pkg, b, nb, sizeof(*b), name_cmp);
}

static void diff_file(const struct snap_file *a, const struct snap_file *b, struct diff *d)
{
	for (int p = 0; p < PROP_COUNT; p++) {
		if (!a->state[p] || !b->state[p] || a->ok[p] == b->ok[p])
			continue;
		if (!strcmp(a->state[p], "unknown") || !strcmp(b->state[p], "unknown"))
			continue;       /* not knowing is not a change */
		struct change *ch = add(d, a->ok[p] ? CH_REGRESSION : CH_IMPROVEMENT, b->package, NULL);
		ch->file = b->name;
		ch->prop = p;
		ch->before = a->state[p];
		ch->after = b->state[p];
	}
}

static void diff_files(const struct snapshot *o, const struct snapshot *n, struct snap_pkg **pa,
		       struct snap_pkg **pb, struct diff *d)
{
	struct snap_file **a = (struct snap_file **)sorted(o->files, o->nfiles, sizeof(*o->files), file_cmp);
	struct snap_file **b = (struct snap_file **)sorted(n->files, n->nfiles, sizeof(*n->files), file_cmp);
	size_t i = 0, j = 0;
	const char *checked = NULL;
	bool both = false;
	while (i < o->nfiles || j < n->nfiles) {
		int c = i == o->nfiles ? 1 : j == n->nfiles ? -1 : file_cmp(&a[i], &b[j]);
		const struct snap_file *f = c <= 0 ? a[i] : b[j];
		if (!checked || strcmp(checked, f->package)) {
			checked = f->package;
			both = in_both(pa, o->npkgs, pb, n->npkgs, f->package);
		}
		if (c == 0)
			diff_file(a[i], b[j], d);
		else if (both)
			add(d, c < 0 ? CH_FILE_GONE : CH_FILE_NEW, f->package, NULL)->file = f->name;
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	free(a);
	free(b);
}

void diff_snapshots(const struct snapshot *old, const struct snapshot *new, struct diff *d)
{
	memset(d, 0, sizeof(*d));
	struct snap_pkg **a = (struct snap_pkg **)sorted(old->pkgs, old->npkgs, sizeof(*old->pkgs), pkg_cmp);
	struct snap_pkg **b = (struct snap_pkg **)sorted(new->pkgs, new->npkgs, sizeof(*new->pkgs), pkg_cmp);
	diff_packages(old, new, a, b, d);
	diff_files(old, new, a, b, d);
	free(a);
	free(b);
}

void diff_free(struct diff *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

const char *change_kind_name(enum change_kind k)
{
	static const char *const names[] = {
		[CH_DISAPPEARED] = "disappeared", [CH_APPEARED] = "appeared", [CH_UPGRADE] = "upgraded",
		[CH_DOWNGRADE] = "downgraded", [CH_REGRESSION] = "regression", [CH_IMPROVEMENT] = "improvement",
		[CH_FILE_GONE] = "file-removed", [CH_FILE_NEW] = "file-added",
	};
	return names[k];
}

bool change_is_bad(enum change_kind k)
{
	return k == CH_DISAPPEARED || k == CH_REGRESSION || k == CH_DOWNGRADE;
}
