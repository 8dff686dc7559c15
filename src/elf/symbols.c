/*
 * symbols.c — stack protector and FORTIFY evidence from the symbol tables.
 *
 * What counts is what the file *uses*: undefined (imported) symbols in
 * .dynsym for dynamically linked files, in .symtab for relocatable objects.
 * A library that defines __memcpy_chk (libc itself, sanitizer runtimes) is
 * not thereby fortified. A static binary has no imports: libc's own objects
 * are linked in and define __stack_chk_fail whatever the program was built
 * with, so there we can only record what is defined and let check/ say what
 * that does and does not prove.
 *
 * Names in .symtab may carry a version suffix (memcpy@GLIBC_2.14); we match
 * on the base name.
 */
#include "elf/internal.h"

#include <stdlib.h>
#include <string.h>

static bool is_canary_symbol(const char *n)
{
	return !strcmp(n, "__stack_chk_fail") || !strcmp(n, "__stack_chk_guard") ||
	       !strcmp(n, "__stack_chk_fail_local") || !strcmp(n, "__intel_security_cookie");
}

void elf_note_symbol(struct elf_facts *f, const char *name, bool defined, bool versioned)
{
	char copy[128], chk[128];
	const char *base = name;
	if (versioned) {
		size_t len = strcspn(name, "@");
		if (len == 0 || len >= sizeof(copy))
			return;
		memcpy(copy, name, len);
		copy[len] = '\0';
		base = copy;
	}
	if (base[0] != '_') {
		/* the common case: only a plain fortifiable name can matter */
		if (!defined && fortify_is_fortifiable(base) && !strvec_has(&f->unfortified, base))
			strvec_push(&f->unfortified, base);
		else if (!defined && base[0] == 'f' && !strcmp(base, "fortify_panic"))
			f->kernel_fortify_ref = true; /* Linux up to 6.8 */
		return;
	}
	/* every name we want below starts with "__": skip C++'s _Z... cheaply */
	if (base[1] != '_')
		return;
	if (!defined && base[2] == 'f' && (!strcmp(base, "__fortify_panic") || !strcmp(base, "__fortify_report"))) {
		f->kernel_fortify_ref = true; /* Linux 6.9 on */
		return;
	}
	if (is_canary_symbol(base)) {
		if (defined)
			f->canary_defined = true;
		else
			f->canary_ref = true;
		return;
	}
	if (fortify_base_of_chk(base, chk, sizeof(chk))) {
		if (!strvec_has(&f->fortified, chk))
			strvec_push(&f->fortified, chk);
	} else if (!defined && fortify_is_fortifiable(base)) {
		if (!strvec_has(&f->unfortified, base))
			strvec_push(&f->unfortified, base);
	}
}

/* A symbol table's string table, checked once so that every name in it ends. */
static int symbol_strings(struct elf_ctx *c, const GElf_Shdr *symsh, Elf_Scn *symscn,
			  const char **base, size_t *size)
{
	Elf_Scn *scn = elf_getscn(c->e, symsh->sh_link);
	GElf_Shdr sh;
	Elf_Data *d;
	if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_type != SHT_STRTAB)
		return herr_set(c->err, "symbol table %zu: sh_link %u is not a string table",
				elf_ndxscn(symscn), symsh->sh_link);
	if (!(d = ctx_section_data(c, scn, &sh)))
		return -1;
	*base = d->d_buf;
	*size = d->d_size;
	if (*size == 0 || (*base)[*size - 1] != '\0')
		return herr_set(c->err, "string table %u of symbol table %zu does not end with NUL",
				symsh->sh_link, elf_ndxscn(symscn));
	return 0;
}

/* Symbol i of a table already converted to memory form by libelf. */
static void symbol_at(const struct elf_ctx *c, const Elf_Data *d, size_t i, GElf_Sym *sym)
{
	if (c->ehdr.e_ident[EI_CLASS] == ELFCLASS64) {
		*sym = ((const Elf64_Sym *)d->d_buf)[i];
	} else {
		const Elf32_Sym *s = &((const Elf32_Sym *)d->d_buf)[i];
		sym->st_name = s->st_name;
		sym->st_info = s->st_info;
		sym->st_shndx = s->st_shndx;
	}
}

/*
 * Walk one symbol table. want_defined selects defined function symbols
 * (static binaries) instead of undefined ones (imports). Every file's
 * every import passes through here, so the entries are read in place
 * (libelf has converted them) rather than copied one by one.
 */
static int walk_symbols(struct elf_ctx *c, struct elf_facts *f, Elf_Scn *scn, bool want_defined)
{
	GElf_Shdr sh;
	const char *strings = NULL;
	size_t strsize = 0;
	if (!gelf_getshdr(scn, &sh))
		return herr_set(c->err, "symbol table header unreadable: %s", elf_errmsg(-1));
	Elf_Data *d = ctx_section_data(c, scn, &sh);
	if (!d)
		return -1;
	if (d->d_type != ELF_T_SYM)
		return herr_set(c->err, "symbol table %zu: unexpected data type", elf_ndxscn(scn));
	if (symbol_strings(c, &sh, scn, &strings, &strsize))
		return -1;
	size_t entsize = c->ehdr.e_ident[EI_CLASS] == ELFCLASS64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
	size_t count = d->d_size / entsize;
	for (size_t i = 1; i < count; i++) {
		GElf_Sym sym;
		symbol_at(c, d, i, &sym);
		bool defined = sym.st_shndx != SHN_UNDEF;
		if (defined != want_defined || sym.st_name == 0)
			continue;
		if (defined && GELF_ST_TYPE(sym.st_info) != STT_FUNC &&
		    GELF_ST_TYPE(sym.st_info) != STT_GNU_IFUNC && GELF_ST_TYPE(sym.st_info) != STT_OBJECT)
			continue;
		if (sym.st_name >= strsize)
			return herr_set(c->err, "symbol %zu of section %zu: name offset %#x outside its string table",
					i, elf_ndxscn(scn), sym.st_name);
		/* .dynsym names are bare (versions live in .gnu.version); .symtab ones may say memcpy@GLIBC_2.14 */
		elf_note_symbol(f, strings + sym.st_name, defined, sh.sh_type == SHT_SYMTAB);
	}
	return 0;
}

/*
 * Below this many bytes of symbols and names, reading a table whole is one
 * read each and cheaper than reading its imports piece by piece.
 */
#define SMALL_TABLE (64 * 1024)

static bool is_big(struct elf_ctx *c, Elf_Scn *scn)
{
	GElf_Shdr sh, str;
	Elf_Scn *strscn;
	return gelf_getshdr(scn, &sh) && (strscn = elf_getscn(c->e, sh.sh_link)) && gelf_getshdr(strscn, &str) &&
	       sh.sh_size + str.sh_size > (c->imports_from ? c->imports_from : SMALL_TABLE);
}

/* The imports of a table: only them when it is big and allows it, else every symbol. */
static int walk_imports(struct elf_ctx *c, struct elf_facts *f, Elf_Scn *scn)
{
	if (is_big(c, scn) && elf_read_imports(c, f, scn))
		return 0;
	return walk_symbols(c, f, scn, false);
}

static int read_evidence(struct elf_ctx *c, struct elf_facts *f)
{
	if (f->e_type == ET_REL)
		return c->symtab ? walk_imports(c, f, c->symtab) : 0;
	/* static and static-pie: nothing is imported, libc is inside */
	bool self_contained = (f->e_type == ET_EXEC && !f->has_dynamic) ||
			      (f->e_type == ET_DYN && f->df_1_pie && !f->has_interp && f->needed_count == 0);
	if (c->dynsym && f->has_dynamic && !self_contained)
		return walk_imports(c, f, c->dynsym);
	if (c->symtab && self_contained) {
		f->fortify_static_only = true;
		return walk_symbols(c, f, c->symtab, true);
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int elf_read_symbols(struct elf_ctx *c, struct elf_facts *f)
{
	int rc = read_evidence(c, f);
	/* sorted: the lists must not depend on the order the table was read in */
	if (f->fortified.n > 1)
		qsort(f->fortified.v, f->fortified.n, sizeof(*f->fortified.v), by_name);
	if (f->unfortified.n > 1)
		qsort(f->unfortified.v, f->unfortified.n, sizeof(*f->unfortified.v), by_name);
	return rc;
}
