/*
 * dwarf_view.c — the few DWARF sections a scan reads, as an ELF image of
 * their own for libdw.
 *
 * libdw's dwarf_begin_elf() takes every .debug_* section of a file at once
 * and inflates the compressed ones then and there: for libc's separate
 * debug file that is 10 MB of zlib streams, two thirds of a cold scan's
 * time, mostly line tables and location lists a scan never looks at. A
 * scan reads each unit's first DIE (.debug_info, .debug_abbrev), the
 * strings it points to (.debug_str, .debug_line_str, .debug_str_offsets)
 * and, in -g3 builds, the macro tables (.debug_macro or .debug_macinfo,
 * with .debug_line, which they refer to). Those sections are copied into a
 * new image, inflated with libdeflate (2.6 times zlib's speed) when
 * compressed, behind section headers of their own, and libdw opens that
 * with elf_memory(): the same library reading the same bytes, minus what
 * is not needed.
 *
 * Anything this does not handle gives NULL, and the caller hands libdw the
 * file itself as before: no libdeflate, a compression other than zlib, a
 * byte order other than the host's, DWARF that refers to another file
 * (.gnu_debugaltlink, .debug_sup: libdw finds that file from the original),
 * sizes that do not add up (libdw then reports what is wrong, as it did).
 */
#include "elf/internal.h"
#include "dl/dl.h"

#include <endian.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* By the name libdw looks for; a GNU-compressed ".zdebug_x" counts as ".debug_x". */
static const char *const always[] = { ".debug_info", ".debug_abbrev", ".debug_str", ".debug_line_str",
				      ".debug_str_offsets" };
static const char *const for_macros[] = { ".debug_macro", ".debug_macinfo", ".debug_line" };

enum { MAX_VIEW_SECTIONS = ARRAY_SIZE(always) + ARRAY_SIZE(for_macros) };
/* deflate cannot expand more than 1032:1; a claim beyond that is a lie */
#define MAX_INFLATE_RATIO 1032
#define MAX_VIEW_SIZE ((uint64_t)1 << 30)

enum packing { PLAIN, ZLIB };

struct piece {
	const char *name;       /* as written into the view */
	GElf_Shdr sh;
	enum packing packing;
	const unsigned char *bytes; /* PLAIN: the section, or NULL: read it from fd; ZLIB: the zlib stream */
	size_t nbytes;
	int fd;
	uint64_t size, align;   /* in the view */
	uint64_t offset;
};

struct plan {
	struct piece v[MAX_VIEW_SECTIONS];
	size_t n;
	bool macros, other_file;
};

static const char *known_name(const char *name, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, names[i]))
			return names[i];
	return NULL;
}

/* The view's name for a section, or NULL when the scan does not read it. */
static const char *wanted_name(const char *name, bool *gnu_zlib, struct plan *pl)
{
	char plain[32];
	*gnu_zlib = starts_with(name, ".zdebug_") && strlen(name) < sizeof(plain);
	if (*gnu_zlib) {
		snprintf(plain, sizeof(plain), ".%s", name + 2);
		name = plain;
	}
	const char *known = known_name(name, always, ARRAY_SIZE(always));
	if (!known && (known = known_name(name, for_macros, ARRAY_SIZE(for_macros))) && strcmp(known, ".debug_line"))
		pl->macros = true;
	return known;
}

static uint64_t read_be64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Where a wanted section's bytes are and how big it is in the view; false: not ours to handle. */
static bool plan_piece(Elf_Scn *scn, const GElf_Shdr *sh, int elfclass, bool gnu_zlib, int fd, struct piece *p)
{
	p->sh = *sh;
	p->align = sh->sh_addralign ? sh->sh_addralign : 1;
	if (fd >= 0 && !gnu_zlib && !(sh->sh_flags & SHF_COMPRESSED)) {
		/* read straight into the view later: one copy, not two through libelf's buffer */
		p->fd = fd;
		p->size = p->nbytes = sh->sh_size;
		return true;
	}
	/* a compressed section's data is its header (in memory form) and the stream, as in the file */
	Elf_Data *raw = elf_getdata(scn, NULL);
	if (!raw || raw->d_size != sh->sh_size || (!raw->d_buf && raw->d_size))
		return false;
	p->bytes = raw->d_buf;
	p->nbytes = raw->d_size;
	p->size = raw->d_size;
	if (sh->sh_flags & SHF_COMPRESSED) {
		GElf_Chdr ch;
		size_t head = elfclass == ELFCLASS64 ? sizeof(Elf64_Chdr) : sizeof(Elf32_Chdr);
		if (!gelf_getchdr(scn, &ch) || ch.ch_type != ELFCOMPRESS_ZLIB || p->nbytes < head)
			return false;
		p->packing = ZLIB;
		p->bytes += head;
		p->nbytes -= head;
		p->size = ch.ch_size;
		p->align = ch.ch_addralign ? ch.ch_addralign : 1;
	} else if (gnu_zlib) {
		/* "ZLIB", the size as 8 big-endian bytes, the stream */
		if (p->nbytes < 12 || memcmp(p->bytes, "ZLIB", 4))
			return false;
		p->packing = ZLIB;
		p->size = read_be64(p->bytes + 4);
		p->bytes += 12;
		p->nbytes -= 12;
	}
	return p->packing == PLAIN || p->size / MAX_INFLATE_RATIO <= p->nbytes;
}

/* Every section the view needs, or false when the file is not ours to handle. */
static bool plan_view(Elf *e, int elfclass, int fd, struct plan *pl)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	struct piece macro_pieces[ARRAY_SIZE(for_macros)];
	size_t nmacro = 0;
	bool have_info = false;
	if (elf_getshdrstrndx(e, &shstrndx) != 0)
		return false;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *name;
		bool gnu_zlib;
		if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(e, shstrndx, sh.sh_name)))
			return false;
		if (!strcmp(name, ".gnu_debugaltlink") || !strcmp(name, ".debug_sup"))
			return false;
		const char *as = wanted_name(name, &gnu_zlib, pl);
		if (!as || sh.sh_type == SHT_NOBITS)
			continue;
		bool for_macro = !known_name(as, always, ARRAY_SIZE(always));
		if ((for_macro ? nmacro : pl->n) >= (for_macro ? ARRAY_SIZE(for_macros) : ARRAY_SIZE(always)))
			return false; /* more than one of a name: leave the file to libdw */
		struct piece *p = for_macro ? &macro_pieces[nmacro] : &pl->v[pl->n];
		*p = (struct piece){ .name = as };
		if (!plan_piece(scn, &sh, elfclass, gnu_zlib, fd, p))
			return false;
		have_info |= !strcmp(as, ".debug_info");
		if (for_macro)
			nmacro++;
		else
			pl->n++;
	}
	for (size_t i = 0; pl->macros && i < nmacro; i++)
		pl->v[pl->n++] = macro_pieces[i];
	return have_info;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return a > 1 ? (v + a - 1) / a * a : v;
}

/* Offsets of everything in the view; its size, or 0 when too big. */
static uint64_t lay_out(struct plan *pl, size_t ehdr_size, uint64_t *names_at, uint64_t *names_size,
			uint64_t *shdrs_at, size_t shdr_size)
{
	uint64_t at = ehdr_size;
	*names_size = 1 + sizeof(".shstrtab");
	for (size_t i = 0; i < pl->n; i++) {
		if (pl->v[i].align > 4096 || pl->v[i].size > MAX_VIEW_SIZE)
			return 0;
		pl->v[i].offset = at = align_up(at, pl->v[i].align);
		at += pl->v[i].size;
		*names_size += strlen(pl->v[i].name) + 1;
	}
	*names_at = at;
	*shdrs_at = align_up(at + *names_size, 8);
	uint64_t total = *shdrs_at + (pl->n + 2) * shdr_size;
	return total <= MAX_VIEW_SIZE ? total : 0;
}

/* Fill one section of the view; false when its stream is damaged. */
static bool fill_piece(const struct libdeflate *ld, struct libdeflate_decompressor *d, const struct piece *p,
		       unsigned char *to)
{
	if (p->packing == PLAIN && p->bytes) {
		memcpy(to, p->bytes, p->size);
		return true;
	}
	if (p->packing == PLAIN) {
		for (uint64_t done = 0; done < p->size;) {
			ssize_t n = pread(p->fd, to + done, (size_t)(p->size - done), (off_t)(p->sh.sh_offset + done));
			if (n <= 0)
				return false; /* past the end of the file: libdw will say so */
			done += (uint64_t)n;
		}
		return true;
	}
	size_t got = 0;
	return ld->libdeflate_zlib_decompress(d, p->bytes, p->nbytes, to, p->size, &got) == LIBDEFLATE_SUCCESS &&
	       got == p->size;
}

/* The section header of piece i (or of the names, i == n) in the view's class. */
static void put_shdr(unsigned char *at, int elfclass, uint32_t name, const GElf_Shdr *from, uint32_t type,
		     uint64_t offset, uint64_t size, uint64_t align)
{
	uint64_t flags = from ? from->sh_flags & ~(uint64_t)SHF_COMPRESSED : 0;
	uint64_t entsize = from ? from->sh_entsize : 0;
	if (elfclass == ELFCLASS64) {
		Elf64_Shdr s = { .sh_name = name, .sh_type = type, .sh_flags = flags, .sh_offset = offset,
				 .sh_size = size, .sh_addralign = align, .sh_entsize = entsize };
		memcpy(at, &s, sizeof(s));
	} else {
		Elf32_Shdr s = { .sh_name = name, .sh_type = type, .sh_flags = (uint32_t)flags,
				 .sh_offset = (uint32_t)offset, .sh_size = (uint32_t)size,
				 .sh_addralign = (uint32_t)align, .sh_entsize = (uint32_t)entsize };
		memcpy(at, &s, sizeof(s));
	}
}

static void put_ehdr(unsigned char *image, int elfclass, const GElf_Ehdr *from, uint64_t shoff, size_t shnum)
{
	if (elfclass == ELFCLASS64) {
		Elf64_Ehdr h = { .e_type = from->e_type, .e_machine = from->e_machine, .e_version = EV_CURRENT,
				 .e_shoff = shoff, .e_ehsize = sizeof(h), .e_shentsize = sizeof(Elf64_Shdr),
				 .e_shnum = (uint16_t)shnum, .e_shstrndx = (uint16_t)(shnum - 1) };
		memcpy(h.e_ident, from->e_ident, EI_NIDENT);
		memcpy(image, &h, sizeof(h));
	} else {
		Elf32_Ehdr h = { .e_type = from->e_type, .e_machine = from->e_machine, .e_version = EV_CURRENT,
				 .e_shoff = (uint32_t)shoff, .e_ehsize = sizeof(h), .e_shentsize = sizeof(Elf32_Shdr),
				 .e_shnum = (uint16_t)shnum, .e_shstrndx = (uint16_t)(shnum - 1) };
		memcpy(h.e_ident, from->e_ident, EI_NIDENT);
		memcpy(image, &h, sizeof(h));
	}
}

/* The image: header, sections, their names, section headers. */
static unsigned char *build(struct plan *pl, const GElf_Ehdr *eh, int elfclass, size_t *size)
{
	size_t ehdr_size = elfclass == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	size_t shdr_size = elfclass == ELFCLASS64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	uint64_t names_at, names_size, shdrs_at;
	uint64_t total = lay_out(pl, ehdr_size, &names_at, &names_size, &shdrs_at, shdr_size);
	struct herr why;
	const struct libdeflate *ld = libdeflate_load(&why);
	if (!total || !ld || (elfclass == ELFCLASS32 && total > UINT32_MAX))
		return NULL;
	struct libdeflate_decompressor *d = ld->libdeflate_alloc_decompressor();
	/* not calloc: the sections, most of the image, are written over at once */
	unsigned char *image = d ? malloc((size_t)total) : NULL;
	bool ok = image != NULL;
	for (size_t i = 0, at = 0; ok && i < pl->n; at = pl->v[i].offset + pl->v[i].size, i++) {
		memset(image + at, 0, pl->v[i].offset - at); /* the header's room, alignment padding */
		ok = fill_piece(ld, d, &pl->v[i], image + pl->v[i].offset);
	}
	if (ok)
		memset(image + names_at, 0, total - names_at);
	if (d)
		ld->libdeflate_free_decompressor(d);
	if (!ok) {
		free(image);
		return NULL;
	}
	/* names: "\0" for the null section, then each piece's, then ".shstrtab" */
	char *names = (char *)image + names_at;
	uint32_t name_at = 1;
	for (size_t i = 0; i < pl->n; i++) {
		size_t len = strlen(pl->v[i].name) + 1;
		memcpy(names + name_at, pl->v[i].name, len);
		put_shdr(image + shdrs_at + (i + 1) * shdr_size, elfclass, name_at, &pl->v[i].sh, SHT_PROGBITS,
			 pl->v[i].offset, pl->v[i].size, pl->v[i].align);
		name_at += (uint32_t)len;
	}
	memcpy(names + name_at, ".shstrtab", sizeof(".shstrtab"));
	put_shdr(image + shdrs_at + (pl->n + 1) * shdr_size, elfclass, name_at, NULL, SHT_STRTAB, names_at,
		 names_size, 1);
	put_ehdr(image, elfclass, eh, shdrs_at, pl->n + 2);
	*size = (size_t)total;
	return image;
}

unsigned char *dwarf_view_build(Elf *e, int fd, size_t *size)
{
	GElf_Ehdr eh;
	struct plan pl = { .n = 0 };
	if (!gelf_getehdr(e, &eh))
		return NULL;
	int elfclass = eh.e_ident[EI_CLASS];
	bool native = eh.e_ident[EI_DATA] == (__BYTE_ORDER == __LITTLE_ENDIAN ? ELFDATA2LSB : ELFDATA2MSB);
	if (!native || (elfclass != ELFCLASS32 && elfclass != ELFCLASS64) || !plan_view(e, elfclass, fd, &pl))
		return NULL;
	return build(&pl, &eh, elfclass, size);
}
