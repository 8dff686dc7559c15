/*
 * sections.c — find the sections the other readers need (symbol tables,
 * dynamic, DWARF, .comment) and, for relocatable objects, the
 * .note.GNU-stack marker that decides whether the linker will make the
 * final stack executable, and a kernel module's .modinfo.
 * Section headers are optional in executables: everything here is a hint
 * that the segment-based readers do not depend on.
 */
#include "elf/internal.h"

#include <string.h>

/*
 * Section names, read only for the sections that can carry a name we look
 * for. A relocatable object can have tens of thousands of sections (one per
 * function and datum) and a megabyte of names: a small table is read whole,
 * a big one a few bytes per name asked.
 */
#define NAMES_WHOLE_MAX 4096

struct section_names {
	struct elf_ctx *c;
	uint64_t off, size;
	bool opened, usable;
	const char *whole;      /* the table, when small */
};

static void names_open(struct section_names *n)
{
	Elf_Scn *scn = n->c->have_shstr ? elf_getscn(n->c->e, n->c->shstrndx) : NULL;
	GElf_Shdr sh;
	n->opened = true;
	if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_type != SHT_STRTAB || !ctx_in_bounds(n->c, sh.sh_offset, sh.sh_size) ||
	    sh.sh_size == 0)
		return;
	n->off = sh.sh_offset;
	n->size = sh.sh_size;
	n->usable = true;
	if (n->size <= NAMES_WHOLE_MAX) {
		Elf_Data *d = elf_getdata(scn, NULL);
		n->whole = d && d->d_buf && d->d_size == n->size ? d->d_buf : NULL;
		n->usable = n->whole != NULL;
	}
}

/* True when the name at `idx` is exactly `want` (NUL included, inside the table). */
static bool name_is(struct section_names *n, uint64_t idx, const char *want, size_t len)
{
	if (!n->opened)
		names_open(n);
	if (!n->usable || idx >= n->size || n->size - idx <= len)
		return false;
	const char *p = n->whole ? n->whole + idx : NULL;
	if (!p) {
		Elf_Data *d = elf_getdata_rawchunk(n->c->e, (int64_t)(n->off + idx), len + 1, ELF_T_BYTE);
		if (!d || d->d_size != len + 1)
			return false;
		p = d->d_buf;
	}
	return !memcmp(p, want, len + 1);
}
#define NAME_IS(n, off, lit) name_is(n, off, lit, sizeof(lit) - 1)

/*
 * The same, only when the table is in memory. A kernel module's .modinfo is
 * looked for among the loaded sections, of which an object built with
 * -ffunction-sections has tens of thousands: asking libelf for each name
 * (elf_getdata_rawchunk searches a list of every chunk asked before) made a
 * scan of Free Pascal's units 25 times slower. Modules have a few dozen
 * sections: Debian's 6.1 kernel's largest name table is 938 bytes.
 */
static bool name_in_memory_is(struct section_names *n, uint64_t idx, const char *want, size_t len)
{
	if (!n->opened)
		names_open(n);
	return n->whole && name_is(n, idx, want, len);
}
#define NAME_IN_MEMORY_IS(n, off, lit) name_in_memory_is(n, off, lit, sizeof(lit) - 1)

static void note_section(struct elf_ctx *c, Elf_Scn *scn)
{
	if (c->note_count == c->note_alloc) {
		c->note_alloc = c->note_alloc ? c->note_alloc * 2 : 8;
		c->notes = xrealloc(c->notes, c->note_alloc * sizeof(*c->notes));
	}
	c->notes[c->note_count++] = scn;
}

int elf_read_sections(struct elf_ctx *c, struct elf_facts *f)
{
	struct section_names names = { .c = c };
	Elf_Scn *scn = NULL;
	bool loaded_bytes = false, loaded_nobits = false; /* SHF_ALLOC sections with and without file bytes */
	while ((scn = elf_nextscn(c->e, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			return herr_set(c->err, "section header %zu unreadable: %s", elf_ndxscn(scn), elf_errmsg(-1));
		if (sh.sh_flags & SHF_ALLOC) {
			loaded_bytes |= sh.sh_type != SHT_NOBITS && sh.sh_type != SHT_NOTE;
			loaded_nobits |= sh.sh_type == SHT_NOBITS;
		}
		if (sh.sh_type != SHT_NOBITS && !ctx_in_bounds(c, sh.sh_offset, sh.sh_size))
			return herr_set(c->err, "section %zu: offset %#llx + size %#llx lies outside the file (%zu bytes)",
					elf_ndxscn(scn), (unsigned long long)sh.sh_offset,
					(unsigned long long)sh.sh_size, c->size);
		switch (sh.sh_type) {
		case SHT_SYMTAB:
			c->symtab = scn;
			f->has_symtab = true;
			continue;
		case SHT_DYNSYM:
			c->dynsym = scn;
			f->has_dynsym = true;
			continue;
		case SHT_DYNAMIC:
			c->dynamic = scn;
			continue;
		case SHT_GNU_HASH:
			c->gnu_hash = scn;
			continue;
		case SHT_NOTE:
			note_section(c, scn);
			break;
		case SHT_PROGBITS:
			break;
		default:
			continue;
		}
		/*
		 * The names we look for are of sections not loaded at run time:
		 * DWARF, and the objects' stack marker (an assembler writes it
		 * with no flags, or only "x"); of loaded ones, only a kernel
		 * module's .modinfo, in objects.
		 */
		if (sh.sh_flags & SHF_ALLOC) {
			if (f->e_type == ET_REL && sh.sh_type == SHT_PROGBITS &&
			    NAME_IN_MEMORY_IS(&names, sh.sh_name, ".modinfo"))
				f->has_modinfo = true;
			continue;
		}
		if (NAME_IS(&names, sh.sh_name, ".debug_info") || NAME_IS(&names, sh.sh_name, ".zdebug_info"))
			c->debug_info = scn;
		else if (NAME_IS(&names, sh.sh_name, ".comment"))
			c->comment = scn;
		if (f->e_type == ET_REL && NAME_IS(&names, sh.sh_name, ".note.GNU-stack")) {
			f->has_gnu_stack = true;
			f->exec_stack = (sh.sh_flags & SHF_EXECINSTR) != 0;
		}
	}
	f->debug_only = loaded_nobits && !loaded_bytes;
	return 0;
}
