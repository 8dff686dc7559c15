/*
 * sections.c — find the sections the other readers need (symbol tables,
 * dynamic, DWARF) and, for relocatable objects, the .note.GNU-stack marker
 * that decides whether the linker will make the final stack executable.
 * Section headers are optional in executables: everything here is a hint
 * that the segment-based readers do not depend on.
 */
#include "elf/internal.h"

#include <string.h>

/*
 * The section name table, taken once: a relocatable object can have tens
 * of thousands of sections (one per function and datum), and looking each
 * name up through elf_strptr() was a good part of reading one.
 */
static void section_names(struct elf_ctx *c, const char **names, size_t *size)
{
	Elf_Scn *scn = c->have_shstr ? elf_getscn(c->e, c->shstrndx) : NULL;
	GElf_Shdr sh;
	Elf_Data *d = NULL;
	*names = NULL;
	*size = 0;
	if (scn && gelf_getshdr(scn, &sh) && sh.sh_type == SHT_STRTAB && ctx_in_bounds(c, sh.sh_offset, sh.sh_size))
		d = elf_getdata(scn, NULL);
	if (d && d->d_buf && d->d_size) {
		*names = d->d_buf;
		*size = d->d_size;
	}
}

/* True when the name at `off` is exactly `want` (NUL included, inside the table). */
static bool name_is(const char *names, size_t size, uint64_t off, const char *want, size_t len)
{
	return names && off < size && size - off > len && !memcmp(names + off, want, len + 1);
}
#define NAME_IS(names, size, off, lit) name_is(names, size, off, lit, sizeof(lit) - 1)

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
	const char *names = NULL;
	size_t names_size = 0;
	bool names_read = false;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(c->e, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			return herr_set(c->err, "section header %zu unreadable: %s", elf_ndxscn(scn), elf_errmsg(-1));
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
		/* the names we look for are PROGBITS (or notes): DWARF, and the objects' stack marker */
		if (!names_read) {
			section_names(c, &names, &names_size);
			names_read = true;
		}
		if (NAME_IS(names, names_size, sh.sh_name, ".debug_info") ||
		    NAME_IS(names, names_size, sh.sh_name, ".zdebug_info"))
			c->debug_info = scn;
		if (f->e_type == ET_REL && NAME_IS(names, names_size, sh.sh_name, ".note.GNU-stack")) {
			f->has_gnu_stack = true;
			f->exec_stack = (sh.sh_flags & SHF_EXECINSTR) != 0;
		}
	}
	return 0;
}
