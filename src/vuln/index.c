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
 * Shortcuts that give the same answers, because they decide most leaves:
 *   - a relational leaf ("name<1.2", "name>=1<2") whose name is its whole
 *     literal prefix is compiled once (operators parsed, bounds interned and
 *     parsed) and matches when the package's base name is exactly that
 *     prefix and the version comparisons hold;
 *   - "NAME-[0-9]*" matches when NAME- is followed by a digit;
 *   - identical leaves (lists repeat themselves: one entry per CVE, the
 *     same range each time) are evaluated once per package for all their
 *     entries, and the package's version is parsed once and compared with
 *     each distinct bound at most once.
 * Every other leaf goes through pattern_match(). tests/vuln/test_index.c and
 * the fuzz target check the index against the naive loop.
 */
#include "vuln/vuln.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct index_item {
	uint64_t hash;            /* of the literal prefix */
	uint32_t key_id, leaf_id; /* interned literal prefix and whole leaf */
	const char *key;
	uint32_t keylen, entry, leaf;
	/* relational shortcut: lo (and hi) are bound ids, -1 when absent */
	bool relational;
	bool any_version; /* "NAME-[0-9]*": NAME- then a digit */
	enum dewey_op lo_op, hi_op;
	int32_t lo, hi;
};

struct index_bound {
	const char *s;
	uint32_t len;
	struct dewey_version parsed;
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

/* Items sorted by literal prefix, then leaf text, then list order: ids make
 * every comparison two integer compares, not string compares. */
static int item_cmp(const void *a, const void *b)
{
	const struct index_item *x = a, *y = b;
	if (x->key_id != y->key_id)
		return x->key_id < y->key_id ? -1 : 1;
	if (x->leaf_id != y->leaf_id)
		return x->leaf_id < y->leaf_id ? -1 : 1;
	if (x->entry != y->entry)
		return x->entry < y->entry ? -1 : 1;
	return (x->leaf > y->leaf) - (x->leaf < y->leaf);
}

/* A string interner: the same text always gets the same small id. */
struct interned {
	const char *s;
	uint32_t len;
	uint64_t hash;
};

struct interner {
	struct interned *v;
	size_t n;
	int32_t *slots; /* -1: empty */
	size_t mask;
};

static void interner_init(struct interner *in, size_t capacity)
{
	size_t nslots = 16;
	while (nslots < 2 * capacity)
		nslots *= 2;
	in->v = xcalloc(capacity ? capacity : 1, sizeof(*in->v));
	in->n = 0;
	in->slots = xmalloc(nslots * sizeof(*in->slots));
	memset(in->slots, 0xff, nslots * sizeof(*in->slots));
	in->mask = nslots - 1;
}

/* At most capacity distinct strings may be interned. */
static uint32_t intern(struct interner *in, const char *s, size_t len, uint64_t h)
{
	for (size_t i = h & in->mask;; i = (i + 1) & in->mask) {
		int32_t id = in->slots[i];
		if (id < 0) {
			in->v[in->n] = (struct interned){ s, (uint32_t)len, h };
			in->slots[i] = (int32_t)in->n;
			return (uint32_t)in->n++;
		}
		const struct interned *e = &in->v[id];
		if (e->hash == h && e->len == len && memcmp(e->s, s, len) == 0)
			return (uint32_t)id;
	}
}

static void interner_free(struct interner *in)
{
	free(in->v);
	free(in->slots);
}

/* The id of bound text (s, len), parsing it the first time it is seen. */
static int32_t intern_bound(struct vuln_index *ix, struct interner *bounds, const char *s, size_t len)
{
	size_t before = bounds->n;
	uint32_t id = intern(bounds, s, len, fnv(s, len));
	if (bounds->n > before) {
		ix->bounds[id] = (struct index_bound){ s, (uint32_t)len, { 0 } };
		dewey_parse(s, len, &ix->bounds[id].parsed);
		ix->nbounds = bounds->n;
	}
	return (int32_t)id;
}

/*
 * Compile a relational leaf the way pattern_dewey_match() reads it: name,
 * operator, bound, and after > or >= an optional "<" or "<=" upper bound.
 */
static void compile_leaf(struct vuln_index *ix, struct interner *bounds, struct index_item *it)
{
	const char *leaf = it->key;
	const char *sep = leaf + it->keylen;
	it->relational = false;
	/* fnmatch("NAME-[0-9]*", pkg) holds exactly when pkg is NAME- and a
	 * digit, then anything (the PATTERN-[0-9]* retry adds nothing here) */
	it->any_version = it->keylen >= 2 && sep[-1] == '-' && !strcmp(sep, "[0-9]*");
	if (*sep != '<' && *sep != '>')
		return;
	int n = dewey_parse_op(sep, &it->lo_op);
	const char *lo = sep + n, *lo_end = lo + strlen(lo);
	it->hi = -1;
	if (it->lo_op == DEWEY_GT || it->lo_op == DEWEY_GE) {
		const char *sep2 = strchr(lo, '<');
		if (sep2) {
			int n2 = dewey_parse_op(sep2, &it->hi_op);
			it->hi = intern_bound(ix, bounds, sep2 + n2, strlen(sep2 + n2));
			lo_end = sep2;
		}
	}
	it->lo = intern_bound(ix, bounds, lo, (size_t)(lo_end - lo));
	it->relational = true;
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

/* One item per leaf of every entry, prefixes and leaves interned. */
static void collect_items(struct vuln_index *ix, const struct vuln_list *list, size_t n)
{
	struct interner keys, leaves, bounds;
	interner_init(&keys, n);
	interner_init(&leaves, n);
	interner_init(&bounds, 2 * n);
	ix->bounds = xcalloc(n ? 2 * n : 1, sizeof(*ix->bounds));
	for (size_t i = 0; i < list->n; i++) {
		const struct vuln_entry *e = &list->v[i];
		for (size_t j = 0; j < e->leaves.n; j++) {
			const char *leaf = e->leaves.v[j];
			size_t len = pattern_literal_prefix(leaf), full = len + strlen(leaf + len);
			uint64_t h = fnv(leaf, len);
			struct index_item *it = &ix->items[ix->nitems++];
			*it = (struct index_item){
				.hash = h, .key_id = intern(&keys, leaf, len, h),
				.leaf_id = intern(&leaves, leaf, full, fnv(leaf, full)),
				.key = leaf, .keylen = (uint32_t)len, .entry = (uint32_t)i, .leaf = (uint32_t)j,
			};
			compile_leaf(ix, &bounds, it);
			if (len > ix->maxlen)
				ix->maxlen = len;
		}
	}
	interner_free(&keys);
	interner_free(&leaves);
	interner_free(&bounds);
}

void vuln_index_build(struct vuln_index *ix, const struct vuln_list *list)
{
	memset(ix, 0, sizeof(*ix));
	size_t n = 0;
	for (size_t i = 0; i < list->n; i++)
		n += list->v[i].leaves.n;
	ix->items = xcalloc(n ? n : 1, sizeof(*ix->items));
	collect_items(ix, list, n);
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
		while (j < ix->nitems && ix->items[j].key_id == ix->items[i].key_id) {
			size_t k = j + 1;
			while (k < ix->nitems && ix->items[k].leaf_id == ix->items[j].leaf_id)
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
 * the usual few, qsort for the rest. */
static void sort_matches(struct vuln_matches *m)
{
	if (m->n > 64) {
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

/* The package version (parsed once per package into ix->version) against
 * bound id, compared at most once per package. */
static int bound_cmp(struct vuln_index *ix, int32_t id)
{
	if (ix->memo_stamp[id] != ix->seq) {
		ix->memo_stamp[id] = ix->seq;
		ix->memo[id] = (signed char)dewey_cmp_parsed(&ix->version, &ix->bounds[id].parsed);
	}
	return ix->memo[id];
}

static bool relational_match(struct vuln_index *ix, const struct index_item *it)
{
	if (it->hi >= 0 && !dewey_test(bound_cmp(ix, it->hi), it->hi_op))
		return false;
	return dewey_test(bound_cmp(ix, it->lo), it->lo_op);
}

/* Does the leaf of item it match the package (split at base_len)? */
static bool leaf_matches(struct vuln_index *ix, const struct index_item *it, const char *pkg,
			 size_t base_len)
{
	if (it->relational)
		return it->keylen == base_len && relational_match(ix, it);
	if (it->any_version)
		return isdigit((unsigned char)pkg[it->keylen]);
	return pattern_match(ix->list->v[it->entry].leaves.v[it->leaf], pkg) == 1;
}

/* Try the leaves of one slot on pkg, adding the entries of those that match. */
static void try_slot(struct vuln_index *ix, const struct index_slot *s, const char *pkg, size_t base_len,
		     struct vuln_matches *out)
{
	for (uint32_t l = 0; l < s->count; l++) {
		const struct index_leaf *leaf = &ix->leaves[s->first + l];
		const struct index_item *it = &ix->items[leaf->first];
		if (!leaf_matches(ix, it, pkg, base_len))
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
	dewey_parse(version, dash ? len - base_len - 1 : 0, &ix->version);
	uint64_t h = FNV_OFFSET;
	for (size_t k = 0; k <= len && k <= ix->maxlen; k++) {
		if (ix->has_len[k]) {
			const struct index_slot *s = lookup(ix, h, pkg, k);
			if (s)
				try_slot(ix, s, pkg, base_len, out);
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
	for (size_t i = 0; i < ix->nbounds; i++)
		dewey_version_free(&ix->bounds[i].parsed);
	free(ix->bounds);
	dewey_version_free(&ix->version);
	free(ix->memo);
	free(ix->memo_stamp);
	memset(ix, 0, sizeof(*ix));
}

void vuln_matches_free(struct vuln_matches *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}
