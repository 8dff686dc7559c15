/*
 * sections.c — find the sections the other readers need (symbol tables,
 * dynamic, DWARF) and, for relocatable objects, the .note.GNU-stack marker
 * that decides whether the linker will make the final stack executable.
 * Section headers are optional in executables: everything here is a hint
 * that the segment-based readers do not depend on.
 */
#include "elf/internal.h"

#include <string.h>

int elf_read_sections(struct elf_ctx *c, struct elf_facts *f)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(c->e, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			return herr_set(c->err, "section header %zu unreadable: %s", elf_ndxscn(scn), elf_errmsg(-1));
		if (sh.sh_type != SHT_NOBITS && !ctx_in_bounds(c, sh.sh_offset, sh.sh_size))
			return herr_set(c->err, "section %zu: offset %#llx + size %#llx lies outside the file (%zu bytes)",
					elf_ndxscn(scn), (unsigned long long)sh.sh_offset,
					(unsigned long long)sh.sh_size, c->size);
		const char *name = c->have_shstr ? elf_strptr(c->e, c->shstrndx, sh.sh_name) : NULL;
		switch (sh.sh_type) {
		case SHT_SYMTAB:
			c->symtab = scn;
			f->has_symtab = true;
			break;
		case SHT_DYNSYM:
			c->dynsym = scn;
			f->has_dynsym = true;
			break;
		case SHT_DYNAMIC:
			c->dynamic = scn;
			break;
		}
		if (!name)
			continue;
		if (!strcmp(name, ".debug_info") || !strcmp(name, ".zdebug_info"))
			c->debug_info = scn;
		if (f->e_type == ET_REL && !strcmp(name, ".note.GNU-stack")) {
			f->has_gnu_stack = true;
			f->exec_stack = (sh.sh_flags & SHF_EXECINSTR) != 0;
		}
	}
	return 0;
}
