/*
 * index.c — find the entries that can match a package without trying every
 * pattern: pkg_admin tries all 5,000+ patterns on every installed package;
 * with 25,000 entries and 10,000 packages that is 250 million matches.
 *
 * Every brace-free pattern starts with literal text (up to its first '<',
 * '>', '*', '?', '[', ']' or '\'), and every package it matches starts with
 * that text: a relational pattern needs the base name equal to its name, a
 * glob matches literal characters literally, and the exact and
 * "PATTERN-[0-9]*" steps start with the whole pattern. So the entries worth
 * trying for a package are those whose literal prefix is a prefix of the
 * package name. We hash every distinct literal prefix and, for a package,
 * look up each of its prefixes (one incremental hash per character, only
 * at lengths some prefix has). The candidates then go through the real
 * matcher, so the result is exactly the naive loop's.
 *
 * The common case gets a shortcut that gives the same answer: a relational
 * leaf ("name<1.2", "name>=1<2") whose name is its whole literal prefix is
 * compiled once — operators parsed, bounds interned — and matches when the
 * package's base name is exactly that prefix and the version comparisons
 * hold. A package's version is compared with each distinct bound at most
 * once (memoised per package): lists repeat bounds a great deal (one entry
 * per CVE, the same range each time). Every other leaf goes through
 * pattern_match().
 */
#include "vuln/vuln.h"

#include <stdlib.h>
#include <string.h>

struct index_item {
	uint64_t hash;
	const char *key;
	uint32_t keylen, entry, leaf;
	/* relational shortcut: lo (and hi) are bound ids, -1 when absent */
	bool relational;
	enum dewey_op lo_op, hi_op;
	int32_t lo, hi;
};

struct index_bound {
	const char *s;
	uint32_t len;
};

/* A distinct leaf: items[first .. first+count) are the entries sharing it. */
struct index_leaf {
	uint32_t first, count;
};

/* A distinct literal prefix: leaves[first .. first+count) start with it. */
struct index_slot {
	uint64_t hash;
	const char *key;
	uint32_t keylen, first, count; /* count 0: empty slot */
};

#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL

static uint64_t fnv_step(uint64_t h, unsigned char c)
{
	return (h ^ c) * FNV_PRIME;
}

static uint64_t fnv(const char *s, size_t n)
{
	uint64_t h = FNV_OFFSET;
	for (size_t i = 0; i < n; i++)
		h = fnv_step(h, (unsigned char)s[i]);
	return h;
}

static int item_cmp(const void *a, const void *b)
{
	const struct index_item *x = a, *y = b;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	if (x->keylen != y->keylen)
		return x->keylen < y->keylen ? -1 : 1;
	int c = memcmp(x->key, y->key, x->keylen);
	if (c)
		return c;
	/* the same leaf text together: it is evaluated once for all its entries */
	c = strcmp(x->key + x->keylen, y->key + y->keylen);
	if (c)
		return c;
	if (x->entry != y->entry)
		return x->entry < y->entry ? -1 : 1;
	return (x->leaf > y->leaf) - (x->leaf < y->leaf);
}

/* Intern bound text (s, len): the same text always gets the same id. */
static int32_t intern_bound(struct vuln_index *ix, const char *s, size_t len)
{
	uint64_t h = fnv(s, len);
	size_t mask = ix->nbslots - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		int32_t id = ix->bslots[i];
		if (id < 0) {
			if (ix->nbounds == ix->bounds_alloc) {
				ix->bounds_alloc = ix->bounds_alloc ? 2 * ix->bounds_alloc : 256;
				ix->bounds = xrealloc(ix->bounds, ix->bounds_alloc * sizeof(*ix->bounds));
			}
			ix->bounds[ix->nbounds] = (struct index_bound){ s, (uint32_t)len };
			ix->bslots[i] = (int32_t)ix->nbounds;
			return (int32_t)ix->nbounds++;
		}
		if (ix->bounds[id].len == len && memcmp(ix->bounds[id].s, s, len) == 0)
			return id;
	}
}

/*
 * Compile a relational leaf the way pattern_dewey_match() reads it: name,
 * operator, bound, and after > or >= an optional "<" or "<=" upper bound.
 */
static void compile_leaf(struct vuln_index *ix, struct index_item *it)
{
	const char *leaf = it->key;
	const char *sep = leaf + it->keylen;
	it->relational = false;
	if (*sep != '<' && *sep != '>')
		return;
	int n = dewey_parse_op(sep, &it->lo_op);
	const char *lo = sep + n, *lo_end = lo + strlen(lo);
	it->hi = -1;
	if (it->lo_op == DEWEY_GT || it->lo_op == DEWEY_GE) {
		const char *sep2 = strchr(lo, '<');
		if (sep2) {
			int n2 = dewey_parse_op(sep2, &it->hi_op);
			it->hi = intern_bound(ix, sep2 + n2, strlen(sep2 + n2));
			lo_end = sep2;
		}
	}
	it->lo = intern_bound(ix, lo, (size_t)(lo_end - lo));
	it->relational = true;
}

static bool same_key(const struct index_item *a, const struct index_item *b)
{
	return a->hash == b->hash && a->keylen == b->keylen && memcmp(a->key, b->key, a->keylen) == 0;
}

static void insert_slot(struct vuln_index *ix, const struct index_item *it, uint32_t first, uint32_t count)
{
	size_t mask = ix->nslots - 1;
	for (size_t i = it->hash & mask;; i = (i + 1) & mask) {
		if (ix->slots[i].count == 0) {
			ix->slots[i] = (struct index_slot){ it->hash, it->key, it->keylen, first, count };
			return;
		}
	}
}

void vuln_index_build(struct vuln_index *ix, const struct vuln_list *list)
{
	memset(ix, 0, sizeof(*ix));
	size_t n = 0;
	for (size_t i = 0; i < list->n; i++)
		n += list->v[i].leaves.n;
	ix->items = xcalloc(n ? n : 1, sizeof(*ix->items));
	ix->nbslots = 16;
	while (ix->nbslots < 4 * n)
		ix->nbslots *= 2;
	ix->bslots = xmalloc(ix->nbslots * sizeof(*ix->bslots));
	memset(ix->bslots, 0xff, ix->nbslots * sizeof(*ix->bslots));
	for (size_t i = 0; i < list->n; i++) {
		const struct vuln_entry *e = &list->v[i];
		for (size_t j = 0; j < e->leaves.n; j++) {
			const char *leaf = e->leaves.v[j];
			size_t len = pattern_literal_prefix(leaf);
			struct index_item *it = &ix->items[ix->nitems++];
			*it = (struct index_item){
				.hash = fnv(leaf, len), .key = leaf, .keylen = (uint32_t)len,
				.entry = (uint32_t)i, .leaf = (uint32_t)j,
			};
			compile_leaf(ix, it);
			if (len > ix->maxlen)
				ix->maxlen = len;
		}
	}
	if (ix->nitems)
		qsort(ix->items, ix->nitems, sizeof(*ix->items), item_cmp);
	ix->memo = xcalloc(ix->nbounds ? ix->nbounds : 1, sizeof(*ix->memo));
	ix->memo_stamp = xcalloc(ix->nbounds ? ix->nbounds : 1, sizeof(*ix->memo_stamp));
	ix->has_len = xcalloc(ix->maxlen + 1, 1);
	/* at most one slot per item: a load factor under 1/2 */
	ix->nslots = 16;
	while (ix->nslots < 2 * ix->nitems)
		ix->nslots *= 2;
	ix->slots = xcalloc(ix->nslots, sizeof(*ix->slots));
	ix->leaves = xcalloc(ix->nitems ? ix->nitems : 1, sizeof(*ix->leaves));
	for (size_t i = 0; i < ix->nitems;) {
		size_t first_leaf = ix->nleaves;
		size_t j = i;
		while (j < ix->nitems && same_key(&ix->items[i], &ix->items[j])) {
			size_t k = j + 1;
			while (k < ix->nitems && same_key(&ix->items[j], &ix->items[k]) &&
			       !strcmp(ix->items[j].key, ix->items[k].key))
				k++;
			ix->leaves[ix->nleaves++] = (struct index_leaf){ (uint32_t)j, (uint32_t)(k - j) };
			j = k;
		}
		insert_slot(ix, &ix->items[i], (uint32_t)first_leaf, (uint32_t)(ix->nleaves - first_leaf));
		ix->has_len[ix->items[i].keylen] = 1;
		i = j;
	}
	ix->stamp = xcalloc(list->n ? list->n : 1, sizeof(*ix->stamp));
	ix->list = list;
}

static const struct index_slot *lookup(const struct vuln_index *ix, uint64_t h, const char *key, size_t len)
{
	size_t mask = ix->nslots - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		const struct index_slot *s = &ix->slots[i];
		if (s->count == 0)
			return NULL;
		if (s->hash == h && s->keylen == len && memcmp(s->key, key, len) == 0)
			return s;
	}
}

static int size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

/* List order; matches come in sorted runs, so insertion sort is fast for
 * the usual few dozen, qsort for the rest. */
static void sort_matches(struct vuln_matches *m)
{
	if (m->n > 256) {
		qsort(m->v, m->n, sizeof(*m->v), size_cmp);
		return;
	}
	for (size_t i = 1; i < m->n; i++) {
		size_t x = m->v[i], j = i;
		for (; j > 0 && m->v[j - 1] > x; j--)
			m->v[j] = m->v[j - 1];
		m->v[j] = x;
	}
}

static void push_match(struct vuln_matches *m, size_t entry)
{
	if (m->n == m->alloc) {
		m->alloc = m->alloc ? 2 * m->alloc : 16;
		m->v = xrealloc(m->v, m->alloc * sizeof(*m->v));
	}
	m->v[m->n++] = entry;
}

/* The package version against bound id, compared at most once per package. */
static int bound_cmp(struct vuln_index *ix, const char *version, size_t vlen, int32_t id)
{
	if (ix->memo_stamp[id] != ix->seq) {
		ix->memo_stamp[id] = ix->seq;
		ix->memo[id] = (signed char)dewey_cmp_n(version, vlen, ix->bounds[id].s, ix->bounds[id].len);
	}
	return ix->memo[id];
}

static bool relational_match(struct vuln_index *ix, const struct index_item *it, const char *version,
			     size_t vlen)
{
	if (it->hi >= 0 && !dewey_test(bound_cmp(ix, version, vlen, it->hi), it->hi_op))
		return false;
	return dewey_test(bound_cmp(ix, version, vlen, it->lo), it->lo_op);
}

/* Does the leaf of item it match the package (split at base_len)? */
static bool leaf_matches(struct vuln_index *ix, const struct index_item *it, const char *pkg,
			 size_t base_len, const char *version, size_t vlen)
{
	if (it->relational)
		return it->keylen == base_len && relational_match(ix, it, version, vlen);
	return pattern_match(ix->list->v[it->entry].leaves.v[it->leaf], pkg) == 1;
}

/* Try the leaves of one slot on pkg, adding the entries of those that match. */
static void try_slot(struct vuln_index *ix, const struct index_slot *s, const char *pkg, size_t base_len,
		     const char *version, size_t vlen, struct vuln_matches *out)
{
	for (uint32_t l = 0; l < s->count; l++) {
		const struct index_leaf *leaf = &ix->leaves[s->first + l];
		const struct index_item *it = &ix->items[leaf->first];
		if (!leaf_matches(ix, it, pkg, base_len, version, vlen))
			continue;
		for (uint32_t i = 0; i < leaf->count; i++, it++) {
			if (ix->stamp[it->entry] == ix->seq)
				continue;
			ix->stamp[it->entry] = ix->seq;
			push_match(out, it->entry);
		}
	}
}

void vuln_index_match(struct vuln_index *ix, const char *pkg, struct vuln_matches *out)
{
	out->n = 0;
	ix->seq++;
	size_t len = strlen(pkg);
	const char *dash = strrchr(pkg, '-');
	/* no '-': no base name, so no relational leaf can match (keylen <= len) */
	size_t base_len = dash ? (size_t)(dash - pkg) : len + 1;
	const char *version = dash ? dash + 1 : "";
	size_t vlen = dash ? len - base_len - 1 : 0;
	uint64_t h = FNV_OFFSET;
	for (size_t k = 0; k <= len && k <= ix->maxlen; k++) {
		if (ix->has_len[k]) {
			const struct index_slot *s = lookup(ix, h, pkg, k);
			if (s)
				try_slot(ix, s, pkg, base_len, version, vlen, out);
		}
		if (k < len)
			h = fnv_step(h, (unsigned char)pkg[k]);
	}
	sort_matches(out);
}

void vuln_naive_match(const struct vuln_list *list, const char *pkg, struct vuln_matches *out)
{
	out->n = 0;
	for (size_t i = 0; i < list->n; i++)
		if (pattern_match(list->v[i].pattern, pkg) == 1)
			push_match(out, i);
}

void vuln_index_free(struct vuln_index *ix)
{
	free(ix->items);
	free(ix->slots);
	free(ix->leaves);
	free(ix->has_len);
	free(ix->stamp);
	free(ix->bounds);
	free(ix->bslots);
	free(ix->memo);
	free(ix->memo_stamp);
	memset(ix, 0, sizeof(*ix));
}

void vuln_matches_free(struct vuln_matches *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}
