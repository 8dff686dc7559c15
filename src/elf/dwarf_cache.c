/*
 * dwarf_cache.c — the layout of one DWARF cache entry: writing it, and
 * reading it back without trusting a byte of it.
 *
 * The entry is a flat binary file, all integers little-endian, strings as
 * a u32 length and the bytes (no NUL inside):
 *
 *   "HRDNDWRF"  u32 format  str harden-version
 *   key:        u8 kind  str path  u64 dev ino size mtime_ns ctime_ns  str build-id
 *   strings:    u32 n, n x str      (producers are shared: libc has 1,745
 *                                    units and a dozen distinct producers)
 *   units:      u32 n, n x { u32 name-index  u32 producer-index  u8 is_c
 *                            i32 fortify  i32 stack_clash  str opt ssp cf }
 *   u64 FNV-1a of everything before it
 *
 * The key is stored whole, not only hashed into the file name, so that two
 * paths whose names collide can never be served each other's result. The
 * checksum catches a truncated or scribbled entry; anything that fails a
 * check is simply a miss, and the caller rewrites the entry.
 */
#include "elf/dwarf_cache.h"

#include <stdlib.h>
#include <string.h>

static const char magic[8] = { 'H', 'R', 'D', 'N', 'D', 'W', 'R', 'F' };

/* The smallest encoding of a string and of a unit record: bounds for counts. */
enum { MIN_STR = 4, MIN_UNIT = 4 + 4 + 1 + 4 + 4 + 3 * MIN_STR };

uint64_t dwarf_cache_hash(const void *data, size_t n, uint64_t h)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

void dwarf_cache_key_stat(struct dwarf_cache_key *k, const struct stat *st)
{
	k->dev = (uint64_t)st->st_dev;
	k->ino = (uint64_t)st->st_ino;
	k->size = (uint64_t)st->st_size;
	k->mtime_ns = (uint64_t)st->st_mtim.tv_sec * 1000000000u + (uint64_t)st->st_mtim.tv_nsec;
	k->ctime_ns = (uint64_t)st->st_ctim.tv_sec * 1000000000u + (uint64_t)st->st_ctim.tv_nsec;
}

/* --- writing */

static void put_u8(struct buf *b, unsigned v)
{
	unsigned char c = (unsigned char)v;
	buf_add(b, &c, 1);
}

static void put_u32(struct buf *b, uint32_t v)
{
	unsigned char le[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
				(unsigned char)(v >> 24) };
	buf_add(b, le, sizeof(le));
}

static void put_u64(struct buf *b, uint64_t v)
{
	put_u32(b, (uint32_t)v);
	put_u32(b, (uint32_t)(v >> 32));
}

static void put_str(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	put_u32(b, (uint32_t)n);
	buf_add(b, s, n);
}

/*
 * Index of cf's producer among the strings written so far, looking back at
 * the last few distinct producers only: units come in runs of one compiler,
 * and a bounded look-back keeps a file with every producer different linear.
 */
enum { LOOK_BACK = 16 };
struct producer_table {
	const char *text[LOOK_BACK];
	uint32_t index[LOOK_BACK];
	size_t next;
};

static bool producer_known(const struct producer_table *t, const char *producer, uint32_t *index)
{
	for (size_t i = 0; i < LOOK_BACK; i++)
		if (t->text[i] && !strcmp(t->text[i], producer)) {
			*index = t->index[i];
			return true;
		}
	return false;
}

static void put_key(struct buf *b, const struct dwarf_cache_key *k)
{
	put_u8(b, (unsigned)k->kind);
	put_str(b, k->path);
	put_u64(b, k->dev);
	put_u64(b, k->ino);
	put_u64(b, k->size);
	put_u64(b, k->mtime_ns);
	put_u64(b, k->ctime_ns);
	put_str(b, k->build_id);
}

void dwarf_cache_encode(const struct dwarf_cache_key *k, const struct elf_facts *f, struct buf *out)
{
	size_t start = out->len;
	const char **strings = xcalloc(2 * f->cu_count + 1, sizeof(*strings));
	uint32_t *names = xcalloc(f->cu_count + 1, sizeof(*names));
	uint32_t *producers = xcalloc(f->cu_count + 1, sizeof(*producers));
	struct producer_table seen = { 0 };
	uint32_t n = 0;

	for (size_t i = 0; i < f->cu_count; i++) {
		names[i] = n;
		strings[n++] = f->cus[i].name;
		if (!producer_known(&seen, f->cus[i].producer, &producers[i])) {
			producers[i] = n;
			seen.text[seen.next] = f->cus[i].producer;
			seen.index[seen.next] = n;
			seen.next = (seen.next + 1) % LOOK_BACK;
			strings[n++] = f->cus[i].producer;
		}
	}
	buf_add(out, magic, sizeof(magic));
	put_u32(out, DWARF_CACHE_FORMAT);
	put_str(out, HARDEN_VERSION);
	put_key(out, k);
	put_u32(out, n);
	for (uint32_t i = 0; i < n; i++)
		put_str(out, strings[i]);
	put_u32(out, (uint32_t)f->cu_count);
	for (size_t i = 0; i < f->cu_count; i++) {
		const struct cu_flags *cf = &f->cus[i];
		put_u32(out, names[i]);
		put_u32(out, producers[i]);
		put_u8(out, cf->is_c);
		put_u32(out, (uint32_t)cf->fortify);
		put_u32(out, (uint32_t)cf->stack_clash);
		put_str(out, cf->opt);
		put_str(out, cf->ssp);
		put_str(out, cf->cf);
	}
	put_u64(out, dwarf_cache_hash(out->p + start, out->len - start, DWARF_CACHE_HASH_SEED));
	free(strings);
	free(names);
	free(producers);
}

/* --- reading: a cursor that turns every overrun into `bad` */

struct cursor {
	const unsigned char *p;
	size_t left;
	bool bad;
};

static const unsigned char *take(struct cursor *c, size_t n)
{
	if (c->bad || n > c->left) {
		c->bad = true;
		return NULL;
	}
	const unsigned char *p = c->p;
	c->p += n;
	c->left -= n;
	return p;
}

static unsigned get_u8(struct cursor *c)
{
	const unsigned char *p = take(c, 1);
	return p ? p[0] : 0;
}

static uint32_t get_u32(struct cursor *c)
{
	const unsigned char *p = take(c, 4);
	return p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24 : 0;
}

static uint64_t get_u64(struct cursor *c)
{
	uint64_t lo = get_u32(c);
	return lo | (uint64_t)get_u32(c) << 32;
}

/* A string lies inside the entry and holds no NUL (it becomes a C string). */
struct span {
	const char *s;
	size_t n;
};

static struct span get_str(struct cursor *c)
{
	uint32_t n = get_u32(c);
	const unsigned char *p = take(c, n);
	if (p && memchr(p, '\0', n))
		c->bad = true;
	return c->bad ? (struct span){ "", 0 } : (struct span){ (const char *)p, n };
}

static bool span_is(struct span s, const char *want)
{
	return s.n == strlen(want) && !memcmp(s.s, want, s.n);
}

/* Read the header and key; with `want`, they must be this build's and this key. */
static bool check_header(struct cursor *c, const struct dwarf_cache_key *want)
{
	const unsigned char *m = take(c, sizeof(magic));
	if (!m || memcmp(m, magic, sizeof(magic)) || get_u32(c) != DWARF_CACHE_FORMAT)
		return false;
	struct span version = get_str(c);
	unsigned kind = get_u8(c);
	struct span path = get_str(c);
	uint64_t stat_key[5];
	for (size_t i = 0; i < ARRAY_SIZE(stat_key); i++)
		stat_key[i] = get_u64(c);
	struct span build_id = get_str(c);
	if (c->bad)
		return false;
	if (!want)
		return true;
	return span_is(version, HARDEN_VERSION) && kind == (unsigned)want->kind && span_is(path, want->path) &&
	       stat_key[0] == want->dev && stat_key[1] == want->ino && stat_key[2] == want->size &&
	       stat_key[3] == want->mtime_ns && stat_key[4] == want->ctime_ns && span_is(build_id, want->build_id);
}

/* Copy a short flag string into its fixed field; it must fit with its NUL. */
static bool get_field(struct cursor *c, char *dst, size_t size)
{
	struct span s = get_str(c);
	if (c->bad || s.n >= size)
		return false;
	memcpy(dst, s.s, s.n);
	dst[s.n] = '\0';
	return true;
}

static bool get_unit(struct cursor *c, const struct span *strings, uint32_t nstrings, struct cu_flags *cf)
{
	uint32_t name = get_u32(c), producer = get_u32(c);
	unsigned is_c = get_u8(c);
	cf->fortify = (int32_t)get_u32(c);
	cf->stack_clash = (int32_t)get_u32(c);
	if (c->bad || name >= nstrings || producer >= nstrings || is_c > 1)
		return false;
	cf->is_c = is_c;
	if (!get_field(c, cf->opt, sizeof(cf->opt)) || !get_field(c, cf->ssp, sizeof(cf->ssp)) ||
	    !get_field(c, cf->cf, sizeof(cf->cf)))
		return false;
	cf->name = xstrndup(strings[name].s, strings[name].n);
	cf->producer = xstrndup(strings[producer].s, strings[producer].n);
	return true;
}

static void free_units(struct cu_flags *cus, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(cus[i].name);
		free(cus[i].producer);
	}
	free(cus);
}

int dwarf_cache_decode(const void *data, size_t size, const struct dwarf_cache_key *want,
		       struct elf_facts *f)
{
	const unsigned char *bytes = data;
	if (size < sizeof(magic) + 8)
		return -1;
	struct cursor tail = { bytes + size - 8, 8, false };
	if (get_u64(&tail) != dwarf_cache_hash(bytes, size - 8, DWARF_CACHE_HASH_SEED))
		return -1;
	struct cursor c = { bytes, size - 8, false };
	if (!check_header(&c, want))
		return -1;

	uint32_t nstrings = get_u32(&c);
	if (c.bad || nstrings > c.left / MIN_STR)
		return -1;
	struct span *strings = xcalloc(nstrings + 1, sizeof(*strings));
	for (uint32_t i = 0; i < nstrings && !c.bad; i++)
		strings[i] = get_str(&c);
	uint32_t nunits = get_u32(&c);
	if (c.bad || nunits > c.left / MIN_UNIT) {
		free(strings);
		return -1;
	}
	struct cu_flags *cus = xcalloc(nunits + 1, sizeof(*cus));
	size_t done = 0;
	while (done < nunits && get_unit(&c, strings, nstrings, &cus[done]))
		done++;
	free(strings);
	if (done < nunits || c.left != 0) {
		free_units(cus, done);
		return -1;
	}
	f->cus = cus;
	f->cu_count = nunits;
	f->has_debug = nunits > 0;
	return 0;
}
