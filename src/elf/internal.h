/*
 * internal.h — what the readers of elf/ share among themselves; not for
 * other subsystems (they include elf/elf.h only).
 */
#ifndef HARDEN_ELF_INTERNAL_H
#define HARDEN_ELF_INTERNAL_H

#include <gelf.h>
#include <libelf.h>

#include "elf/elf.h"

/* One ELF being read: the image, its libelf handle, and where errors go. */
struct elf_ctx {
	const char *name;
	const unsigned char *data;  /* the image in memory, or NULL when read from fd */
	int fd;
	const unsigned char *ident; /* at least the ELF header's bytes */
	size_t size;
	Elf *e;
	GElf_Ehdr ehdr;
	size_t phnum, shnum, shstrndx;
	bool have_shstr;
	Elf_Scn *dynsym, *symtab, *dynamic, *debug_info, *gnu_hash, *comment;
	Elf_Scn **notes;            /* the SHT_NOTE sections, found by elf_read_sections() */
	size_t note_count, note_alloc;
	size_t imports_from;        /* see elf_read_opts */
	struct herr *err;
};

/* True when [off, off+len) lies inside the image (no overflow). */
static inline bool ctx_in_bounds(const struct elf_ctx *c, uint64_t off, uint64_t len)
{
	return off <= c->size && len <= c->size - off;
}

int elf_read_segments(struct elf_ctx *c, struct elf_facts *f);
int elf_read_sections(struct elf_ctx *c, struct elf_facts *f);
int elf_read_dynamic(struct elf_ctx *c, struct elf_facts *f);
int elf_read_symbols(struct elf_ctx *c, struct elf_facts *f);
int elf_read_notes(struct elf_ctx *c, struct elf_facts *f);
/* Go or Rust, when the file says so (after notes, symbols and DWARF are read). */
void elf_read_lang(struct elf_ctx *c, struct elf_facts *f);
/*
 * The imports of a big symbol table without reading its exports (see
 * imports.c); false when the file does not allow it: walk the whole table.
 */
bool elf_read_imports(struct elf_ctx *c, struct elf_facts *f, Elf_Scn *symtab);
/* Record one symbol's evidence (canary, fortified, unfortified). */
void elf_note_symbol(struct elf_facts *f, const char *name, bool defined, bool versioned);
int elf_read_dwarf(struct elf_ctx *c, const struct elf_read_opts *o, struct elf_facts *f);
/*
 * The DWARF sections a scan reads, inflated, as an ELF image of their own
 * (see dwarf_view.c), to free() after elf_end() of the elf_memory() on it;
 * NULL when e is not one it handles: read e itself then. fd: the file e
 * reads, or -1 (an image in memory).
 */
unsigned char *dwarf_view_build(Elf *e, int fd, size_t *size);
/* False when ROOT/.build-id/xx/yyyy.debug certainly does not exist (ix may be NULL). */
bool debug_index_may_exist(struct debug_index *ix, const char *build_id);

/* Section data with the bounds checked; NULL (and err set) when it lies outside the image. */
Elf_Data *ctx_section_data(struct elf_ctx *c, Elf_Scn *scn, GElf_Shdr *sh);

#endif
