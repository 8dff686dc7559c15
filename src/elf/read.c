/*
 * read.c — the entry point: validate the image, open it with libelf, run
 * each reader over the one handle, and classify the file.
 *
 * Classification is where the peers disagree; we follow the ELF spec and
 * what the loader does:
 *  - a PIE is ET_DYN with DF_1_PIE, or with an interpreter and no SONAME
 *    (libc.so.6 has an interpreter so it can be run, and is not a PIE);
 *  - a static-pie is ET_DYN without interpreter but DF_1_PIE and no DT_NEEDED:
 *    an executable, not a shared library;
 *  - a static binary is ET_EXEC with no interpreter and no dynamic section;
 *  - a kernel module is ET_REL with .modinfo (modpost writes it into every
 *    .ko): the kernel loads it, and user-space defences do not apply;
 *  - a separate debug file (objcopy --only-keep-debug, eu-strip -f) keeps
 *    the headers of the binary it describes but none of its code or data:
 *    every SHF_ALLOC section is NOBITS (notes stay). Its dynamic section
 *    and symbols are empty, so judging it as the binary would be wrong;
 *  - e_machine EM_NONE is no program whatever its type: Guile writes its
 *    bytecode (.go) as ET_DYN ELF files for no machine.
 */
#include "elf/internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_once_t version_once = PTHREAD_ONCE_INIT;
static void init_libelf(void)
{
	elf_version(EV_CURRENT);
}

bool elf_is_elf(const void *data, size_t size)
{
	return size >= 4 && memcmp(data, ELFMAG, SELFMAG) == 0;
}

static enum elf_kind classify(const struct elf_facts *f)
{
	if (f->debug_only && (f->e_type == ET_EXEC || f->e_type == ET_DYN))
		return KIND_DEBUG;
	if (f->machine == EM_NONE)
		return KIND_OTHER; /* no processor runs it: Guile's compiled .go files, for one */
	switch (f->e_type) {
	case ET_REL:
		return f->has_modinfo ? KIND_KMOD : KIND_REL;
	case ET_EXEC:
		return f->has_interp || f->has_dynamic ? KIND_EXEC : KIND_STATIC;
	case ET_DYN:
		if (f->df_1_pie && !f->has_interp && f->needed_count == 0)
			return KIND_STATIC_PIE;
		if (f->df_1_pie || (f->has_interp && !f->has_soname))
			return KIND_PIE;
		return KIND_SHARED;
	default:
		return KIND_OTHER;
	}
}

static int check_header(struct elf_ctx *c, struct elf_facts *f)
{
	const unsigned char *id = c->ident;
	if (c->size < EI_NIDENT)
		return herr_set(c->err, "truncated ELF identification (%zu bytes)", c->size);
	if (id[EI_CLASS] != ELFCLASS32 && id[EI_CLASS] != ELFCLASS64)
		return herr_set(c->err, "bad ELF class %u at offset %d", id[EI_CLASS], EI_CLASS);
	if (id[EI_DATA] != ELFDATA2LSB && id[EI_DATA] != ELFDATA2MSB)
		return herr_set(c->err, "bad ELF data encoding %u at offset %d", id[EI_DATA], EI_DATA);
	size_t ehsize = id[EI_CLASS] == ELFCLASS32 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr);
	if (c->size < ehsize)
		return herr_set(c->err, "truncated ELF header: %zu of %zu bytes", c->size, ehsize);
	f->elf_class = id[EI_CLASS] == ELFCLASS32 ? 32 : 64;
	f->big_endian = id[EI_DATA] == ELFDATA2MSB;
	return 0;
}

static int open_libelf(struct elf_ctx *c, struct elf_facts *f)
{
	c->e = c->data ? elf_memory((char *)c->data, c->size) : elf_begin(c->fd, ELF_C_READ, NULL);
	if (!c->e || elf_kind(c->e) != ELF_K_ELF)
		return herr_set(c->err, "libelf cannot read it: %s", elf_errmsg(-1));
	if (!gelf_getehdr(c->e, &c->ehdr))
		return herr_set(c->err, "bad ELF header: %s", elf_errmsg(-1));
	f->machine = c->ehdr.e_machine;
	f->e_type = c->ehdr.e_type;
	/*
	 * Take the header's own count: libelf quietly reports 0 program headers
	 * when the table lies outside the image, which would make a broken
	 * file look like one without segments.
	 */
	c->phnum = c->ehdr.e_phnum;
	if (c->phnum == PN_XNUM && elf_getphdrnum(c->e, &c->phnum) != 0)
		return herr_set(c->err, "bad extended program header count: %s", elf_errmsg(-1));
	c->shnum = c->ehdr.e_shnum;
	if (c->shnum == 0 && c->ehdr.e_shoff != 0 && elf_getshdrnum(c->e, &c->shnum) != 0)
		return herr_set(c->err, "bad extended section header count: %s", elf_errmsg(-1));
	if (c->phnum && !ctx_in_bounds(c, c->ehdr.e_phoff, (uint64_t)c->phnum * c->ehdr.e_phentsize))
		return herr_set(c->err, "program headers (e_phoff %#llx, %zu entries) lie outside the file (%zu bytes)",
				(unsigned long long)c->ehdr.e_phoff, c->phnum, c->size);
	if (c->shnum && !ctx_in_bounds(c, c->ehdr.e_shoff, (uint64_t)c->shnum * c->ehdr.e_shentsize))
		return herr_set(c->err, "section headers (e_shoff %#llx, %zu entries) lie outside the file (%zu bytes)",
				(unsigned long long)c->ehdr.e_shoff, c->shnum, c->size);
	c->have_shstr = c->shnum && elf_getshdrstrndx(c->e, &c->shstrndx) == 0;
	return 0;
}

static int read_all(struct elf_ctx *c, const struct elf_read_opts *opts, struct elf_facts *f);

int elf_facts_read(const char *name, const void *data, size_t size,
		   const struct elf_read_opts *opts, struct elf_facts *f, struct herr *err)
{
	struct elf_ctx c = { .name = name, .data = data, .ident = data, .fd = -1, .size = size, .err = err };
	memset(f, 0, sizeof(*f));
	if (!elf_is_elf(data, size))
		return herr_set(err, "not an ELF file");
	return read_all(&c, opts, f);
}

int elf_facts_read_fd(const char *name, int fd, size_t size, const void *head, size_t head_len,
		      const struct elf_read_opts *opts, struct elf_facts *f, struct herr *err)
{
	unsigned char header[sizeof(Elf64_Ehdr)];
	size_t want = size < sizeof(header) ? size : sizeof(header);
	struct elf_ctx c = { .name = name, .ident = header, .fd = fd, .size = size, .err = err };
	memset(f, 0, sizeof(*f));
	if (head && head_len >= want)
		memcpy(header, head, want);
	else if (pread(fd, header, want, 0) != (ssize_t)want)
		return herr_set(err, "cannot read the ELF header");
	if (!elf_is_elf(header, want))
		return herr_set(err, "not an ELF file");
	return read_all(&c, opts, f);
}

/* check_header() reads only the first min(size, 64) bytes: all the fd path has in ident. */
static int read_all(struct elf_ctx *c, const struct elf_read_opts *opts, struct elf_facts *f)
{
	static const struct elf_read_opts no_opts;
	int rc;

	pthread_once(&version_once, init_libelf);
	if (!opts)
		opts = &no_opts;
	c->imports_from = opts->imports_from;
	rc = check_header(c, f);
	if (!rc)
		rc = open_libelf(c, f);
	if (!rc)
		rc = elf_read_sections(c, f);
	/*
	 * A separate debug file's program headers, dynamic section and symbol
	 * tables describe bytes it does not have (eu-strip -f leaves PT_DYNAMIC
	 * pointing past its end): only its notes (the build-id) are its own.
	 */
	if (!rc && !f->debug_only)
		rc = elf_read_segments(c, f);
	if (!rc && !f->debug_only)
		rc = elf_read_dynamic(c, f);
	if (!rc && !f->debug_only)
		rc = elf_read_symbols(c, f);
	if (!rc)
		rc = elf_read_notes(c, f);
	if (!rc && opts->dwarf)
		rc = elf_read_dwarf(c, opts, f);
	if (!rc) {
		f->kind = classify(f);
		elf_read_lang(c, f);
	}
	if (c->e)
		elf_end(c->e);
	free(c->notes);
	if (rc)
		elf_facts_free(f);
	return rc;
}

void elf_facts_free(struct elf_facts *f)
{
	free(f->rpath);
	free(f->runpath);
	free(f->debug_file);
	strvec_clear(&f->fortified);
	strvec_clear(&f->unfortified);
	for (size_t i = 0; i < f->cu_count; i++) {
		free(f->cus[i].name);
		free(f->cus[i].producer);
	}
	free(f->cus);
	f->rpath = f->runpath = f->debug_file = NULL;
	f->cus = NULL;
	f->cu_count = 0;
}

Elf_Data *ctx_section_data(struct elf_ctx *c, Elf_Scn *scn, GElf_Shdr *sh)
{
	if (sh->sh_type != SHT_NOBITS && !ctx_in_bounds(c, sh->sh_offset, sh->sh_size)) {
		herr_set(c->err, "section %zu: offset %#llx + size %#llx lies outside the file (%zu bytes)",
			 elf_ndxscn(scn), (unsigned long long)sh->sh_offset,
			 (unsigned long long)sh->sh_size, c->size);
		return NULL;
	}
	Elf_Data *d = elf_getdata(scn, NULL);
	if (!d)
		herr_set(c->err, "section %zu: unreadable data: %s", elf_ndxscn(scn), elf_errmsg(-1));
	return d;
}
