/*
 * cache.c — what a package archive held, kept in the scan cache, so that a
 * repository scanned again costs a lookup per unchanged package instead of
 * inflating it again.
 *
 * Reading archives is almost all of a repository scan (xz alone is 90% of
 * it); between two nightly scans of a repository, most packages have not
 * changed. The entry keeps the facts of every record of the archive (not
 * the verdicts: those are checked again under the policy of the scan that
 * reads them), its identity and its count of skipped members, keyed like a
 * DWARF entry on the archive's path and stat, plus the options that change
 * what is read (DWARF or not, the member size limit, nesting depth).
 *
 * Not kept: an archive under PKG_CACHE_MIN_SIZE, one changed less than a
 * second before the scan or while it was read, one with a member whose
 * DWARF came from a separate debug file on this machine (that file can
 * change without the archive changing), and any read while libarchive or
 * libdw could not be loaded.
 * A kept entry is not served either when a separate debug file has since
 * appeared for one of its members' build-ids.
 *
 * Entry layout (codec.c integers and strings; "?str" is a u8 0/1 and, if 1,
 * the string):
 *
 *   "HRDNPKGS"  u32 format  str harden-version  str options
 *   key:        as a DWARF entry's (kind 'p', build-id "")
 *   u8 archive  (0: a compressed file that holds no archive, a gzipped man
 *               page: skipped, and nothing follows but zeros)
 *   batch:      ?str package version arch origin  str format  u64 skipped
 *   records:    u32 n, n x { ?str member error link  u8 flags  [facts] }
 *   facts (a record with neither error nor link): u8 class  u32 machine
 *               e_type kind lang  u32 bits  u64 needed  ?str rpath runpath
 *               debug_file  str build_id  u32 n x str fortified, unfortified
 *               units (dwarf_cache_put_units)
 *   u64 FNV-1a of everything before it
 */
#include "pkg/internal.h"
#include "elf/dwarf_cache.h"

#include <stdlib.h>
#include <string.h>

#define PKG_CACHE_FORMAT 1
/*
 * Smaller files are read again: a lookup and a write cost about 12 us a file,
 * as much as inflating a gzipped man page; the first scan of /usr/share,
 * 28,000 of them, took 30% longer for a cache that saved as little later.
 */
#define PKG_CACHE_MIN_SIZE (16 * 1024)
static const char magic[8] = { 'H', 'R', 'D', 'N', 'P', 'K', 'G', 'S' };

/* record flags */
enum { R_WARNING = 1, R_HARDLINK = 2, R_SETUID = 4, R_SETGID = 8 };

/* the facts' booleans, one bit each, in this order */
#define FACT_BITS(X) \
	X(big_endian) X(has_interp) X(has_dynamic) X(has_relro) X(has_gnu_stack) X(exec_stack) \
	X(rwx_segment) X(has_soname) X(dt_bind_now) X(df_bind_now) X(df_1_now) X(df_1_pie) X(textrel) \
	X(has_symtab) X(has_dynsym) X(canary_ref) X(canary_defined) X(fortify_static_only) \
	X(kernel_fortify_ref) X(has_modinfo) X(debug_only) X(has_property_note) X(ibt) X(shstk) X(has_debug)

static char *options_of(const struct scan_opts *o)
{
	return xasprintf("dwarf=%d member_limit=%llu nested=%d imports_from=%zu", o->elf.dwarf,
			 (unsigned long long)pkg_member_limit(o), o->max_nested, o->elf.imports_from);
}

static void key_of(const char *path, const struct stat *st, struct dwarf_cache_key *k)
{
	*k = (struct dwarf_cache_key){ .kind = DWARF_CACHE_PACKAGE, .path = path, .build_id = "" };
	dwarf_cache_key_stat(k, st);
}

/* --- writing */

static void put_opt(struct buf *b, const char *s)
{
	codec_put_u8(b, s != NULL);
	if (s)
		codec_put_str(b, s);
}

static void put_names(struct buf *b, const struct strvec *v)
{
	codec_put_u32(b, (uint32_t)v->n);
	for (size_t i = 0; i < v->n; i++)
		codec_put_str(b, v->v[i]);
}

static void put_facts(struct buf *b, const struct elf_facts *f)
{
	uint32_t bits = 0, bit = 1;
#define PUT_BIT(name) bits |= f->name ? bit : 0; bit <<= 1;
	FACT_BITS(PUT_BIT)
#undef PUT_BIT
	codec_put_u8(b, (unsigned)f->elf_class);
	codec_put_u32(b, f->machine);
	codec_put_u32(b, f->e_type);
	codec_put_u32(b, (uint32_t)f->kind);
	codec_put_u32(b, (uint32_t)f->lang);
	codec_put_u32(b, bits);
	codec_put_u64(b, f->needed_count);
	put_opt(b, f->rpath);
	put_opt(b, f->runpath);
	put_opt(b, f->debug_file);
	codec_put_str(b, f->build_id);
	put_names(b, &f->fortified);
	put_names(b, &f->unfortified);
	dwarf_cache_put_units(b, f);
}

static bool has_facts(const struct scan_record *r)
{
	return !r->error && !r->link;
}

static void put_record(struct buf *b, const struct scan_record *r)
{
	put_opt(b, r->member);
	put_opt(b, r->error);
	put_opt(b, r->link);
	codec_put_u8(b, (r->warning ? R_WARNING : 0) | (r->hardlink ? R_HARDLINK : 0) | (r->setuid ? R_SETUID : 0) |
				(r->setgid ? R_SETGID : 0));
	if (has_facts(r))
		put_facts(b, &r->facts);
}

static void encode(const char *options, const struct dwarf_cache_key *k, bool archive,
		   const struct scan_batch *out, size_t first, size_t skipped, struct buf *b)
{
	buf_add(b, magic, sizeof(magic));
	codec_put_u32(b, PKG_CACHE_FORMAT);
	codec_put_str(b, HARDEN_VERSION);
	codec_put_str(b, options);
	dwarf_cache_put_key(b, k);
	codec_put_u8(b, archive);
	static const struct scan_batch none;
	if (!archive) {
		out = &none;
		first = skipped = 0;
	}
	put_opt(b, out->package);
	put_opt(b, out->version);
	put_opt(b, out->arch);
	put_opt(b, out->origin);
	codec_put_str(b, out->pkg_format ? out->pkg_format : "");
	codec_put_u64(b, skipped);
	codec_put_u32(b, (uint32_t)(out->n - first));
	for (size_t i = first; i < out->n; i++)
		put_record(b, &out->recs[i]);
	codec_put_u64(b, dwarf_cache_hash(b->p, b->len, DWARF_CACHE_HASH_SEED));
}

/* --- reading */

/* false when damaged; *s is NULL or a new string */
static bool get_opt(struct codec_cursor *c, char **s)
{
	unsigned present = codec_get_u8(c);
	*s = NULL;
	if (c->bad || present > 1)
		return false;
	if (present) {
		struct codec_span v = codec_get_str(c);
		if (c->bad)
			return false;
		*s = codec_span_dup(v);
	}
	return true;
}

static bool get_names(struct codec_cursor *c, struct strvec *v)
{
	uint32_t n = codec_get_u32(c);
	if (c->bad || n > c->left / 4)
		return false;
	for (uint32_t i = 0; i < n; i++) {
		struct codec_span s = codec_get_str(c);
		if (c->bad)
			return false;
		char *name = codec_span_dup(s);
		strvec_push(v, name); /* which copies it */
		free(name);
	}
	return true;
}

/*
 * One of the format names pkg/ gives ("" for none: NULL), so that the batch
 * points at a constant as a walk's does; false for any other string.
 */
static bool known_format(struct codec_span s, const char **format)
{
	static const char *const formats[] = { "deb", "rpm", "pkgsrc", "apk", "tar", "zip" };
	*format = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		if (codec_span_is(s, formats[i]))
			*format = formats[i];
	return *format || s.n == 0;
}

static bool get_facts(struct codec_cursor *c, struct elf_facts *f)
{
	unsigned elf_class = codec_get_u8(c);
	f->machine = codec_get_u32(c);
	f->e_type = codec_get_u32(c);
	uint32_t kind = codec_get_u32(c), lang = codec_get_u32(c), bits = codec_get_u32(c), bit = 1;
	f->needed_count = (size_t)codec_get_u64(c);
	if (c->bad || (elf_class != 32 && elf_class != 64) || kind > KIND_OTHER || lang > LANG_RUST)
		return false;
	f->elf_class = (int)elf_class;
	f->kind = (enum elf_kind)kind;
	f->lang = (enum elf_lang)lang;
#define GET_BIT(name) f->name = (bits & bit) != 0; bit <<= 1;
	FACT_BITS(GET_BIT)
#undef GET_BIT
	if (!get_opt(c, &f->rpath) || !get_opt(c, &f->runpath) || !get_opt(c, &f->debug_file))
		return false;
	struct codec_span id = codec_get_str(c);
	if (c->bad || id.n >= sizeof(f->build_id))
		return false;
	memcpy(f->build_id, id.s, id.n);
	f->build_id[id.n] = '\0';
	return get_names(c, &f->fortified) && get_names(c, &f->unfortified) && dwarf_cache_get_units(c, f);
}

static bool get_record(struct codec_cursor *c, struct scan_record *r)
{
	if (!get_opt(c, &r->member) || !get_opt(c, &r->error) || !get_opt(c, &r->link))
		return false;
	unsigned flags = codec_get_u8(c);
	if (c->bad || flags > (R_WARNING | R_HARDLINK | R_SETUID | R_SETGID))
		return false;
	r->warning = flags & R_WARNING;
	r->hardlink = flags & R_HARDLINK;
	r->setuid = flags & R_SETUID;
	r->setgid = flags & R_SETGID;
	return !has_facts(r) || get_facts(c, &r->facts);
}

/* Read the header; with k, it must be this build's, these options' and this key's. */
static bool get_header(struct codec_cursor *c, const char *options, const struct dwarf_cache_key *k)
{
	const unsigned char *m = codec_take(c, sizeof(magic));
	if (!m || memcmp(m, magic, sizeof(magic)) || codec_get_u32(c) != PKG_CACHE_FORMAT)
		return false;
	struct codec_span version = codec_get_str(c), opts = codec_get_str(c);
	return dwarf_cache_get_key(c, k) &&
	       (!k || (codec_span_is(version, HARDEN_VERSION) && codec_span_is(opts, options)));
}

int pkg_cache_decode(const void *data, size_t size, const char *options, const struct dwarf_cache_key *k,
		     const char *path, struct scan_batch *out)
{
	struct codec_cursor c;
	if (!dwarf_cache_checked_body(data, size, &c))
		return -1;
	struct scan_batch got = { 0 };
	bool ok = get_header(&c, options, k);
	unsigned archive = codec_get_u8(&c);
	ok = ok && archive <= 1 && get_opt(&c, &got.package) && get_opt(&c, &got.version) &&
	     get_opt(&c, &got.arch) && get_opt(&c, &got.origin);
	ok = ok && known_format(codec_get_str(&c), &got.pkg_format);
	got.skipped = (size_t)codec_get_u64(&c);
	uint32_t n = codec_get_u32(&c);
	ok = ok && !c.bad && n <= c.left / 4 &&
	     (archive || (n == 0 && !got.package && !got.version && !got.arch && !got.origin && !got.pkg_format &&
			  !got.skipped));
	for (uint32_t i = 0; ok && i < n; i++) {
		struct scan_record *r = scan_batch_add(&got);
		r->path = xstrdup(path);
		ok = get_record(&c, r);
	}
	if (!ok || c.left != 0) {
		scan_batch_free(&got);
		return -1;
	}
	if (!archive) {
		scan_batch_free(&got); /* holds nothing but what an entry could still claim */
		return 0;
	}
	size_t first = out->n;
	for (size_t i = 0; i < got.n; i++)
		*scan_batch_add(out) = got.recs[i]; /* moved: got.recs is freed alone */
	free(got.recs);
	out->skipped += got.skipped;
	struct pkg_ident id = { got.package, got.version, got.arch, got.origin, got.pkg_format };
	pkg_stamp_identity(out, first, &id);
	return 1;
}

/* Has a separate debug file appeared for a member that had none? Then its result is stale. */
static bool debug_file_appeared(const struct scan_opts *o, const struct scan_batch *out, size_t first)
{
	if (!o->elf.dwarf)
		return false;
	for (size_t i = first; i < out->n; i++) {
		const struct scan_record *r = &out->recs[i];
		if (has_facts(r) && !r->facts.has_debug && elf_separate_debug_exists(&o->elf, r->facts.build_id))
			return true;
	}
	return false;
}

enum pkg_cache_hit pkg_cache_load(const char *path, const struct stat *st, const struct scan_opts *o,
				  struct scan_batch *out)
{
	if (!o->elf.cache || st->st_size < PKG_CACHE_MIN_SIZE)
		return PKG_CACHE_MISS;
	struct dwarf_cache_key k;
	key_of(path, st, &k);
	size_t size = 0, first = out->n, skipped = out->skipped;
	char *data = dwarf_cache_get(o->elf.cache, &k, &size);
	char *options = options_of(o);
	int got = data ? pkg_cache_decode(data, size, options, &k, path, out) : -1;
	free(options);
	free(data);
	if (got < 0)
		return PKG_CACHE_MISS;
	if (got == 0)
		return PKG_CACHE_NOT_ARCHIVE;
	if (debug_file_appeared(o, out, first)) {
		for (size_t i = first; i < out->n; i++)
			scan_record_free(&out->recs[i]);
		out->n = first;
		out->skipped = skipped;
		return PKG_CACHE_MISS;
	}
	for (size_t i = first; i < out->n; i++)
		if (has_facts(&out->recs[i]))
			pkg_check_member(&out->recs[i], o);
	return PKG_CACHE_ARCHIVE;
}

/*
 * A missing libarchive (or libdw, when DWARF is read) turns the archive (or
 * its members) into error records: true of this machine today, not of the
 * archive. Both loads are remembered by dl/, so asking again costs nothing.
 */
static bool libraries_present(const struct scan_opts *o)
{
	struct herr err;
	return libarchive_load(&err) && (!o->elf.dwarf || libdw_load(&err));
}

void pkg_cache_store(const char *path, const struct stat *before, const struct scan_opts *o, bool archive,
		     const struct scan_batch *out, size_t first, size_t skipped)
{
	struct stat st;
	struct dwarf_cache_key k, now;
	if (!o->elf.cache || before->st_size < PKG_CACHE_MIN_SIZE || stat(path, &st) != 0)
		return;
	key_of(path, before, &k);
	key_of(path, &st, &now);
	if (!dwarf_cache_key_same_stat(&k, &now) || !dwarf_cache_key_settled(&k))
		return; /* changed while it was read, or may change unseen */
	for (size_t i = first; i < out->n; i++)
		if (has_facts(&out->recs[i]) && out->recs[i].facts.debug_file)
			return; /* DWARF from a file of this machine: not the archive's alone */
	if (!libraries_present(o))
		return; /* its errors say a library is missing, not what the archive holds */
	char *options = options_of(o);
	struct buf b = { 0 };
	encode(options, &k, archive, out, first, skipped, &b);
	dwarf_cache_put(o->elf.cache, &k, b.p, b.len);
	buf_free(&b);
	free(options);
}
