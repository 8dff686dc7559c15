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

bool dwarf_cache_key_same_stat(const struct dwarf_cache_key *a, const struct dwarf_cache_key *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime_ns == b->mtime_ns &&
	       a->ctime_ns == b->ctime_ns;
}

/* --- writing */

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

void dwarf_cache_put_key(struct buf *b, const struct dwarf_cache_key *k)
{
	codec_put_u8(b, (unsigned)k->kind);
	codec_put_str(b, k->path);
	codec_put_u64(b, k->dev);
	codec_put_u64(b, k->ino);
	codec_put_u64(b, k->size);
	codec_put_u64(b, k->mtime_ns);
	codec_put_u64(b, k->ctime_ns);
	codec_put_str(b, k->build_id);
}

void dwarf_cache_put_units(struct buf *out, const struct elf_facts *f)
{
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
	codec_put_u32(out, n);
	for (uint32_t i = 0; i < n; i++)
		codec_put_str(out, strings[i]);
	codec_put_u32(out, (uint32_t)f->cu_count);
	for (size_t i = 0; i < f->cu_count; i++) {
		const struct cu_flags *cf = &f->cus[i];
		codec_put_u32(out, names[i]);
		codec_put_u32(out, producers[i]);
		codec_put_u8(out, cf->is_c);
		codec_put_u32(out, (uint32_t)cf->fortify);
		codec_put_u32(out, (uint32_t)cf->stack_clash);
		codec_put_str(out, cf->opt);
		codec_put_str(out, cf->ssp);
		codec_put_str(out, cf->cf);
	}
	free(strings);
	free(names);
	free(producers);
}

void dwarf_cache_encode(const struct dwarf_cache_key *k, const struct elf_facts *f, struct buf *out)
{
	size_t start = out->len;
	buf_add(out, magic, sizeof(magic));
	codec_put_u32(out, DWARF_CACHE_FORMAT);
	codec_put_str(out, HARDEN_VERSION);
	dwarf_cache_put_key(out, k);
	dwarf_cache_put_units(out, f);
	codec_put_u64(out, dwarf_cache_hash(out->p + start, out->len - start, DWARF_CACHE_HASH_SEED));
}

/* --- reading */

bool dwarf_cache_get_key(struct codec_cursor *c, const struct dwarf_cache_key *want)
{
	unsigned kind = codec_get_u8(c);
	struct codec_span path = codec_get_str(c);
	uint64_t stat_key[5];
	for (size_t i = 0; i < ARRAY_SIZE(stat_key); i++)
		stat_key[i] = codec_get_u64(c);
	struct codec_span build_id = codec_get_str(c);
	if (c->bad || !want)
		return !c->bad;
	return kind == (unsigned)want->kind && codec_span_is(path, want->path) && stat_key[0] == want->dev &&
	       stat_key[1] == want->ino && stat_key[2] == want->size && stat_key[3] == want->mtime_ns &&
	       stat_key[4] == want->ctime_ns && codec_span_is(build_id, want->build_id);
}

/* Read the header and key; with `want`, they must be this build's and this key. */
static bool check_header(struct codec_cursor *c, const struct dwarf_cache_key *want)
{
	const unsigned char *m = codec_take(c, sizeof(magic));
	if (!m || memcmp(m, magic, sizeof(magic)) || codec_get_u32(c) != DWARF_CACHE_FORMAT)
		return false;
	struct codec_span version = codec_get_str(c);
	return dwarf_cache_get_key(c, want) && (!want || codec_span_is(version, HARDEN_VERSION));
}

/* Copy a short flag string into its fixed field; it must fit with its NUL. */
static bool get_field(struct codec_cursor *c, char *dst, size_t size)
{
	struct codec_span s = codec_get_str(c);
	if (c->bad || s.n >= size)
		return false;
	memcpy(dst, s.s, s.n);
	dst[s.n] = '\0';
	return true;
}

static bool get_unit(struct codec_cursor *c, const struct codec_span *strings, uint32_t nstrings, struct cu_flags *cf)
{
	uint32_t name = codec_get_u32(c), producer = codec_get_u32(c);
	unsigned is_c = codec_get_u8(c);
	cf->fortify = (int32_t)codec_get_u32(c);
	cf->stack_clash = (int32_t)codec_get_u32(c);
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

bool dwarf_cache_get_units(struct codec_cursor *c, struct elf_facts *f)
{
	uint32_t nstrings = codec_get_u32(c);
	if (c->bad || nstrings > c->left / MIN_STR)
		return false;
	struct codec_span *strings = xcalloc(nstrings + 1, sizeof(*strings));
	for (uint32_t i = 0; i < nstrings && !c->bad; i++)
		strings[i] = codec_get_str(c);
	uint32_t nunits = codec_get_u32(c);
	if (c->bad || nunits > c->left / MIN_UNIT) {
		free(strings);
		return false;
	}
	struct cu_flags *cus = xcalloc(nunits + 1, sizeof(*cus));
	size_t done = 0;
	while (done < nunits && get_unit(c, strings, nstrings, &cus[done]))
		done++;
	free(strings);
	if (done < nunits) {
		free_units(cus, done);
		return false;
	}
	f->cus = cus;
	f->cu_count = nunits;
	return true;
}

bool dwarf_cache_checked_body(const void *data, size_t size, struct codec_cursor *body)
{
	const unsigned char *bytes = data;
	if (size < 8)
		return false;
	struct codec_cursor tail = { bytes + size - 8, 8, false };
	if (codec_get_u64(&tail) != dwarf_cache_hash(bytes, size - 8, DWARF_CACHE_HASH_SEED))
		return false;
	*body = (struct codec_cursor){ bytes, size - 8, false };
	return true;
}

int dwarf_cache_decode(const void *data, size_t size, const struct dwarf_cache_key *want,
		       struct elf_facts *f)
{
	struct codec_cursor c;
	if (!dwarf_cache_checked_body(data, size, &c))
		return -1;
	struct elf_facts got = { 0 };
	if (!check_header(&c, want) || !dwarf_cache_get_units(&c, &got))
		return -1;
	if (c.left != 0) {
		free_units(got.cus, got.cu_count);
		return -1;
	}
	f->cus = got.cus;
	f->cu_count = got.cu_count;
	f->has_debug = got.cu_count > 0;
	return 0;
}
