/*
 * imports.c — the imports of a big symbol table, without reading the rest.
 *
 * A library that exports 40,000 symbols imports a few hundred, and only
 * imports (undefined symbols) tell canary and FORTIFY. Reading the whole
 * .dynsym and .dynstr of every such file was most of the bytes a scan
 * read. Instead:
 *  - .dynsym with a GNU hash table: symbols below its symoffset are not
 *    hashed and are walked one by one; above it, undefined symbols can
 *    still appear (an executable's functions whose address is taken keep a
 *    hashed PLT entry), so each name we care about is looked up in the
 *    table, the way the loader does;
 *  - .symtab of a relocatable object: undefined symbols are global, and
 *    globals follow the locals (sh_info is the first global);
 *  - names are read only where those symbols point, in a few runs of the
 *    string table's pages. Only names shorter than NAME_WINDOW can be of
 *    interest (elf_note_symbol ignores longer ones), so a name is read that
 *    far at most.
 * Anything unexpected (no hash table, sizes that do not add up) returns
 * "not handled" and the caller walks the whole table as before, which is
 * also where malformed tables are reported.
 */
#include "elf/internal.h"

#include <stdlib.h>
#include <string.h>

#define NAME_WINDOW 128  /* elf_note_symbol ignores names this long */
#define RUN_GAP 4096     /* names closer than this are read in one piece */

/* One undefined symbol whose name is still to be read. */
struct wanted {
	uint32_t name;          /* offset in the string table */
	const char *expect;     /* found by hash lookup: must be exactly this, or NULL */
};

struct wanted_list {
	struct wanted *v;
	size_t n, alloc;
};

static void want(struct wanted_list *w, uint32_t name, const char *expect)
{
	if (w->n == w->alloc) {
		w->alloc = w->alloc ? w->alloc * 2 : 64;
		w->v = xrealloc(w->v, w->alloc * sizeof(*w->v));
	}
	w->v[w->n++] = (struct wanted){ name, expect };
}

/* Symbols [first, first+count) of a table, converted to memory form by libelf. */
static Elf_Data *symbol_slice(struct elf_ctx *c, const GElf_Shdr *sh, size_t first, size_t count)
{
	return elf_getdata_rawchunk(c->e, (int64_t)(sh->sh_offset + first * sh->sh_entsize),
				    count * sh->sh_entsize, ELF_T_SYM);
}

static void symbol_in(const struct elf_ctx *c, const Elf_Data *d, size_t i, uint32_t *name, uint16_t *shndx)
{
	if (c->ehdr.e_ident[EI_CLASS] == ELFCLASS64) {
		const Elf64_Sym *s = &((const Elf64_Sym *)d->d_buf)[i];
		*name = s->st_name;
		*shndx = s->st_shndx;
	} else {
		const Elf32_Sym *s = &((const Elf32_Sym *)d->d_buf)[i];
		*name = s->st_name;
		*shndx = s->st_shndx;
	}
}

/* Queue the undefined symbols of [first, first+count). */
static bool want_undefined(struct elf_ctx *c, const GElf_Shdr *sh, size_t first, size_t count,
			   uint64_t strsize, struct wanted_list *w)
{
	if (count == 0)
		return true;
	Elf_Data *d = symbol_slice(c, sh, first, count);
	if (!d || d->d_size < count * (c->ehdr.e_ident[EI_CLASS] == ELFCLASS64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym)))
		return false;
	for (size_t i = 0; i < count; i++) {
		uint32_t name;
		uint16_t shndx;
		symbol_in(c, d, i, &name, &shndx);
		if (shndx != SHN_UNDEF || name == 0)
			continue;
		if (name >= strsize)
			return false; /* the full walk reports it, with the symbol's number */
		want(w, name, NULL);
	}
	return true;
}

/*
 * The GNU hash table, read the way the loader uses it: the header and the
 * Bloom filter (which rejects most names outright), then one bucket word
 * and a few chain words per name that passes. The chains alone are four
 * bytes per exported symbol; they are not read whole.
 */
struct gnu_hash {
	struct elf_ctx *c;
	uint64_t off, size;     /* of the section in the file */
	const unsigned char *whole; /* the section, when small enough to read at once */
	const unsigned char *bloom;
	bool big_endian, wide;  /* bloom words are 64-bit in ELFCLASS64 */
	uint32_t nbuckets, symoffset, bloom_size, bloom_shift;
	size_t nsyms;
};

static uint32_t u32_at(bool big_endian, const unsigned char *p)
{
	if (big_endian)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static const unsigned char *bytes_at(struct elf_ctx *c, uint64_t off, size_t len)
{
	Elf_Data *d = elf_getdata_rawchunk(c->e, (int64_t)off, len, ELF_T_BYTE);
	return d && d->d_size == len ? d->d_buf : NULL;
}

/* Bytes of the hash table: from the whole section when it was read, else read now. */
static const unsigned char *hash_bytes(const struct gnu_hash *h, uint64_t off, size_t len)
{
	if (h->whole)
		return off >= h->off && off - h->off <= h->size && len <= h->size - (off - h->off) ? h->whole + (off - h->off)
														: NULL;
	return bytes_at(h->c, off, len);
}

/*
 * A table this small is read at once: in a library of a few thousand
 * symbols, the Bloom filter lets a good share of our names through, and
 * two reads per name cost more than the whole table.
 */
#define HASH_WHOLE_MAX (64 * 1024)

static uint64_t bloom_at(const struct gnu_hash *h, size_t i)
{
	const unsigned char *p = h->bloom + i * (h->wide ? 8 : 4);
	if (!h->wide)
		return u32_at(h->big_endian, p);
	uint64_t first = u32_at(h->big_endian, p), second = u32_at(h->big_endian, p + 4);
	return h->big_endian ? first << 32 | second : second << 32 | first;
}

static uint64_t buckets_off(const struct gnu_hash *h)
{
	return h->off + 16 + (uint64_t)h->bloom_size * (h->wide ? 8 : 4);
}

static bool gnu_hash_open(struct elf_ctx *c, Elf_Scn *scn, size_t nsyms, struct gnu_hash *h)
{
	GElf_Shdr sh;
	const unsigned char *head;
	if (!gelf_getshdr(scn, &sh) || !ctx_in_bounds(c, sh.sh_offset, sh.sh_size) || sh.sh_size < 16 ||
	    !(head = bytes_at(c, sh.sh_offset, 16)))
		return false;
	*h = (struct gnu_hash){ .c = c, .off = sh.sh_offset, .size = sh.sh_size, .nsyms = nsyms,
				.big_endian = c->ehdr.e_ident[EI_DATA] == ELFDATA2MSB,
				.wide = c->ehdr.e_ident[EI_CLASS] == ELFCLASS64 };
	h->nbuckets = u32_at(h->big_endian, head);
	h->symoffset = u32_at(h->big_endian, head + 4);
	h->bloom_size = u32_at(h->big_endian, head + 8);
	h->bloom_shift = u32_at(h->big_endian, head + 12);
	/* every part must lie inside the section: bloom, buckets, one chain word per hashed symbol */
	if (h->nbuckets == 0 || h->bloom_size == 0 || h->symoffset == 0 || h->symoffset > nsyms ||
	    h->bloom_size > sh.sh_size)
		return false;
	uint64_t need = buckets_off(h) - h->off + (uint64_t)h->nbuckets * 4 + (uint64_t)(nsyms - h->symoffset) * 4;
	if (need > sh.sh_size)
		return false;
	if (sh.sh_size <= HASH_WHOLE_MAX && !(h->whole = bytes_at(c, h->off, sh.sh_size)))
		return false;
	h->bloom = hash_bytes(h, h->off + 16, (size_t)h->bloom_size * (h->wide ? 8 : 4));
	return h->bloom != NULL;
}

static uint32_t gnu_hash_of(const char *s)
{
	uint32_t h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

/* A hashed symbol whose hash matches a name we look for. */
struct candidate {
	uint32_t index;
	const char *name;
};

struct candidate_list {
	struct candidate *v;
	size_t n, alloc;
};

static void add_candidate(struct candidate_list *out, uint32_t index, const char *name)
{
	if (out->n == out->alloc) {
		out->alloc = out->alloc ? out->alloc * 2 : 32;
		out->v = xrealloc(out->v, out->alloc * sizeof(*out->v));
	}
	out->v[out->n++] = (struct candidate){ index, name };
}

#define CHAIN_READ 16   /* chain words read at a time: chains are short */

/* Note every hashed symbol whose hash matches `name`: the name itself is compared later. */
static bool lookup(const struct gnu_hash *h, const char *name, struct candidate_list *out)
{
	uint32_t hash = gnu_hash_of(name), bits = h->wide ? 64 : 32;
	uint64_t word = bloom_at(h, (hash / bits) % h->bloom_size);
	uint64_t mask = (uint64_t)1 << (hash % bits) | (uint64_t)1 << ((hash >> (h->bloom_shift % 32)) % bits);
	if ((word & mask) != mask)
		return true;
	const unsigned char *bucket = hash_bytes(h, buckets_off(h) + (uint64_t)(hash % h->nbuckets) * 4, 4);
	if (!bucket)
		return false;
	uint32_t i = u32_at(h->big_endian, bucket);
	if (i < h->symoffset)
		return i == 0; /* 0: empty bucket; anything else below symoffset is corrupt */
	uint64_t chains = buckets_off(h) + (uint64_t)h->nbuckets * 4;
	while (i < h->nsyms) {
		size_t n = h->nsyms - i < CHAIN_READ ? h->nsyms - i : CHAIN_READ;
		const unsigned char *words = hash_bytes(h, chains + (uint64_t)(i - h->symoffset) * 4, n * 4);
		if (!words)
			return false;
		for (size_t k = 0; k < n; k++, i++) {
			uint32_t chain = u32_at(h->big_endian, words + k * 4);
			if ((chain | 1) == (hash | 1))
				add_candidate(out, i, name);
			if (chain & 1)
				return true;
		}
	}
	return false; /* the chain ran off the table without its end mark */
}

/*
 * Queue the candidates that are imports. A few are read one by one; a
 * library that defines many of the names (libc, sanitizer runtimes) has its
 * hashed symbols read in one piece instead.
 */
static bool want_candidates(struct elf_ctx *c, const struct gnu_hash *h, const GElf_Shdr *symsh,
			    uint64_t strsize, const struct candidate_list *cands, struct wanted_list *w)
{
	Elf_Data *all = NULL;
	if (cands->n > 8 && !(all = symbol_slice(c, symsh, h->symoffset, h->nsyms - h->symoffset)))
		return false;
	for (size_t k = 0; k < cands->n; k++) {
		size_t i = cands->v[k].index;
		Elf_Data *d = all ? all : symbol_slice(c, symsh, i, 1);
		size_t at = all ? i - h->symoffset : 0;
		uint32_t st_name;
		uint16_t shndx;
		if (!d || d->d_size < (at + 1) * symsh->sh_entsize)
			return false;
		symbol_in(c, d, at, &st_name, &shndx);
		if (shndx == SHN_UNDEF && st_name != 0 && st_name < strsize)
			want(w, st_name, cands->v[k].name);
	}
	return true;
}

/* Every name an import can have that elf_note_symbol() records, looked up in the hash table. */
static bool want_interesting(struct elf_ctx *c, const struct gnu_hash *h, const GElf_Shdr *symsh,
			     uint64_t strsize, struct wanted_list *w)
{
	static const char *const canary[] = { "__stack_chk_fail", "__stack_chk_guard",
					      "__stack_chk_fail_local", "__intel_security_cookie" };
	struct candidate_list cands = { 0 };
	bool ok = true;
	for (size_t i = 0; ok && i < ARRAY_SIZE(canary); i++)
		ok = lookup(h, canary[i], &cands);
	size_t nplain, nchk;
	const char *const *plain = fortify_names(&nplain), *const *chk = fortify_chk_names(&nchk);
	for (size_t i = 0; ok && i < nplain; i++)
		ok = lookup(h, plain[i], &cands);
	for (size_t i = 0; ok && i < nchk; i++)
		ok = lookup(h, chk[i], &cands);
	ok = ok && want_candidates(c, h, symsh, strsize, &cands, w);
	free(cands.v);
	return ok;
}

/*
 * Read the queued names in runs and record each. Lookups queued exact
 * names (their strings live in our tables, so they can be kept), the
 * walk queued whatever is there.
 *
 * Runs are found without sorting the names: a bitmap marks the pages of
 * the string table that hold a name's first NAME_WINDOW bytes, neighbouring
 * marked pages make one run, and each name finds its run by bisection.
 */
#define STR_PAGE 4096

struct run {
	uint64_t start, end;    /* in the string table */
	const char *bytes;
};

static size_t find_run(const struct run *runs, size_t n, uint64_t off)
{
	size_t lo = 0, hi = n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (runs[mid].start <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static size_t plan_runs(const struct wanted_list *w, uint64_t strsize, struct run **out)
{
	size_t pages = (size_t)((strsize + STR_PAGE - 1) / STR_PAGE), nruns = 0;
	uint64_t *marked = xcalloc((pages + 63) / 64, sizeof(*marked));
	for (size_t i = 0; i < w->n; i++) {
		uint64_t last = w->v[i].name + NAME_WINDOW - 1;
		if (last >= strsize)
			last = strsize - 1;
		for (uint64_t p = w->v[i].name / STR_PAGE; p <= last / STR_PAGE; p++)
			marked[p / 64] |= (uint64_t)1 << (p % 64);
	}
	struct run *runs = NULL;
	size_t alloc = 0;
	for (size_t p = 0; p < pages; p++) {
		if (!(marked[p / 64] & (uint64_t)1 << (p % 64)))
			continue;
		uint64_t start = (uint64_t)p * STR_PAGE, end = start + STR_PAGE;
		if (nruns && runs[nruns - 1].end + RUN_GAP >= start) {
			runs[nruns - 1].end = end; /* close enough: one read */
			continue;
		}
		if (nruns == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			runs = xrealloc(runs, alloc * sizeof(*runs));
		}
		runs[nruns++] = (struct run){ start, end, NULL };
	}
	free(marked);
	if (nruns && runs[nruns - 1].end > strsize)
		runs[nruns - 1].end = strsize;
	*out = runs;
	return nruns;
}

static bool record_names(struct elf_ctx *c, struct elf_facts *f, const GElf_Shdr *strsh,
			 struct wanted_list *w, bool versioned)
{
	if (w->n == 0)
		return true;
	struct run *runs;
	size_t nruns = plan_runs(w, strsh->sh_size, &runs);
	bool ok = true;
	for (size_t r = 0; ok && r < nruns; r++) {
		Elf_Data *d = elf_getdata_rawchunk(c->e, (int64_t)(strsh->sh_offset + runs[r].start),
						   runs[r].end - runs[r].start, ELF_T_BYTE);
		ok = d && d->d_size == runs[r].end - runs[r].start;
		if (ok)
			runs[r].bytes = d->d_buf;
	}
	for (size_t i = 0; ok && i < w->n; i++) {
		const struct run *run = &runs[find_run(runs, nruns, w->v[i].name)];
		const char *name = run->bytes + (w->v[i].name - run->start);
		uint64_t room = run->end - w->v[i].name;
		if (!memchr(name, '\0', room < NAME_WINDOW ? room : NAME_WINDOW))
			continue; /* too long to matter, or runs off the table: not a name we know */
		if (!w->v[i].expect || !strcmp(name, w->v[i].expect))
			elf_note_symbol(f, name, false, versioned);
	}
	free(runs);
	return ok;
}

/*
 * The symbols' string table, which must end with a NUL like any string
 * table (else the full walk reports it): then every name ends inside it.
 */
static bool string_table(struct elf_ctx *c, const GElf_Shdr *symsh, GElf_Shdr *strsh)
{
	Elf_Scn *scn = elf_getscn(c->e, symsh->sh_link);
	const unsigned char *last;
	return scn && gelf_getshdr(scn, strsh) && strsh->sh_type == SHT_STRTAB && strsh->sh_size > 0 &&
	       ctx_in_bounds(c, strsh->sh_offset, strsh->sh_size) &&
	       (last = bytes_at(c, strsh->sh_offset + strsh->sh_size - 1, 1)) && *last == '\0';
}

bool elf_read_imports(struct elf_ctx *c, struct elf_facts *f, Elf_Scn *symscn)
{
	GElf_Shdr sh, strsh;
	size_t entsize = c->ehdr.e_ident[EI_CLASS] == ELFCLASS64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
	if (!gelf_getshdr(symscn, &sh) || sh.sh_entsize != entsize || !ctx_in_bounds(c, sh.sh_offset, sh.sh_size) ||
	    !string_table(c, &sh, &strsh))
		return false;
	size_t nsyms = sh.sh_size / entsize;
	struct wanted_list w = { 0 };
	bool ok;
	if (sh.sh_type == SHT_SYMTAB) {
		/* relocatable object: undefined symbols are global, globals come after the locals */
		size_t first = sh.sh_info ? sh.sh_info : 1;
		ok = first <= nsyms && want_undefined(c, &sh, first, nsyms - first, strsh.sh_size, &w);
	} else {
		struct gnu_hash h;
		ok = c->gnu_hash && gnu_hash_open(c, c->gnu_hash, nsyms, &h) &&
		     want_undefined(c, &sh, 1, h.symoffset - 1, strsh.sh_size, &w);
		ok = ok && want_interesting(c, &h, &sh, strsh.sh_size, &w);
	}
	ok = ok && record_names(c, f, &strsh, &w, sh.sh_type == SHT_SYMTAB);
	free(w.v);
	return ok;
}
