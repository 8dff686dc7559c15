/*
 * lang.c — tell a Rust binary (Go ones are told by their note, notes.c).
 *
 * rustc emits no stack canaries (safe Rust is bounds-checked) and its
 * standard library calls memcpy and friends directly, so a Rust program
 * built the only way rustc can build it would be reported as lacking both.
 * The evidence, strongest first:
 *  - a DWARF unit produced by rustc ("clang LLVM (rustc version 1.63.0)");
 *  - "rustc version" in .comment, which rustc writes since about 1.70.
 * Debian's dh_strip removes .comment, so a stripped Debian Rust binary is
 * told only through its separate debug info. .comment is read only when
 * the canary verdict depends on it: a file importing __stack_chk_fail has
 * C parts with a canary, and its verdicts stand as they are.
 */
#include "elf/internal.h"

#include <string.h>

#define COMMENT_MAX 4096 /* .comment holds a line per toolchain: a few hundred bytes */

static bool units_by_rustc(const struct elf_facts *f)
{
	for (size_t i = 0; i < f->cu_count; i++)
		if (f->cus[i].producer && strstr(f->cus[i].producer, "(rustc version "))
			return true;
	return false;
}

static bool comment_by_rustc(struct elf_ctx *c)
{
	GElf_Shdr sh;
	if (!gelf_getshdr(c->comment, &sh) || sh.sh_type != SHT_PROGBITS || sh.sh_size == 0 ||
	    !ctx_in_bounds(c, sh.sh_offset, sh.sh_size))
		return false;
	size_t len = sh.sh_size < COMMENT_MAX ? sh.sh_size : COMMENT_MAX;
	Elf_Data *d = elf_getdata_rawchunk(c->e, (int64_t)sh.sh_offset, len, ELF_T_BYTE);
	static const char mark[] = "rustc version ";
	return d && d->d_size == len && memmem(d->d_buf, len, mark, sizeof(mark) - 1);
}

void elf_read_lang(struct elf_ctx *c, struct elf_facts *f)
{
	bool program = f->kind == KIND_EXEC || f->kind == KIND_PIE || f->kind == KIND_SHARED ||
		       f->kind == KIND_STATIC || f->kind == KIND_STATIC_PIE;
	if (f->lang != LANG_NATIVE || !program)
		return;
	if (units_by_rustc(f) || (!f->canary_ref && c->comment && comment_by_rustc(c)))
		f->lang = LANG_RUST;
}
