/*
 * segments.c — what the program headers say: interpreter, dynamic section,
 * RELRO, the stack's permissions and any writable+executable load segment.
 * These are what the kernel and the loader act on, so they are the truth
 * for NX and RELRO, whatever the sections claim.
 */
#include "elf/internal.h"

int elf_read_segments(struct elf_ctx *c, struct elf_facts *f)
{
	for (size_t i = 0; i < c->phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(c->e, (int)i, &ph))
			return herr_set(c->err, "program header %zu unreadable: %s", i, elf_errmsg(-1));
		switch (ph.p_type) {
		case PT_INTERP:
			if (!ctx_in_bounds(c, ph.p_offset, ph.p_filesz))
				return herr_set(c->err, "PT_INTERP (header %zu) lies outside the file", i);
			f->has_interp = true;
			break;
		case PT_DYNAMIC:
			if (!ctx_in_bounds(c, ph.p_offset, ph.p_filesz))
				return herr_set(c->err, "PT_DYNAMIC (header %zu, offset %#llx, size %#llx) lies outside the file (%zu bytes)",
						i, (unsigned long long)ph.p_offset, (unsigned long long)ph.p_filesz, c->size);
			f->has_dynamic = true;
			break;
		case PT_GNU_RELRO:
			f->has_relro = true;
			break;
		case PT_GNU_STACK:
			f->has_gnu_stack = true;
			f->exec_stack = (ph.p_flags & PF_X) != 0;
			break;
		case PT_LOAD:
			if ((ph.p_flags & (PF_W | PF_X)) == (PF_W | PF_X))
				f->rwx_segment = true;
			break;
		}
	}
	return 0;
}
