/*
 * dynamic.c — the dynamic section: BIND_NOW in its three spellings, PIE and
 * TEXTREL flags, SONAME, NEEDED count, RPATH and RUNPATH.
 *
 * BIND_NOW may be carried by DT_BIND_NOW, by DF_BIND_NOW in DT_FLAGS, or by
 * DF_1_NOW in DT_FLAGS_1 alone (what `ld -z now` writes on some toolchains);
 * the loader honours each, so we record each. scanelf and checksec miss the
 * last one.
 *
 * The section is read through its section header when there is one, else
 * through PT_DYNAMIC (section headers can be stripped); strings then come
 * from DT_STRTAB translated to a file offset through the PT_LOAD segments.
 */
#include "elf/internal.h"

#include <string.h>

struct dyn_strings {
	size_t strndx;          /* section index of the string table, 0 if none */
	uint64_t str_off, str_size; /* raw string table in the image, when no section */
};

static bool vaddr_to_offset(struct elf_ctx *c, uint64_t vaddr, uint64_t *off)
{
	for (size_t i = 0; i < c->phnum; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(c->e, (int)i, &ph) && ph.p_type == PT_LOAD &&
		    vaddr >= ph.p_vaddr && vaddr - ph.p_vaddr < ph.p_filesz) {
			*off = ph.p_offset + (vaddr - ph.p_vaddr);
			return true;
		}
	}
	return false;
}

/*
 * One string of the dynamic string table. Only a window around it is read:
 * the table holds every symbol name too (megabytes in a big library), and
 * RPATH/RUNPATH/SONAME are a few bytes of it.
 */
#define DYN_STRING_WINDOW 4096

static const char *dyn_string(struct elf_ctx *c, const struct dyn_strings *s, uint64_t idx)
{
	uint64_t off = s->str_off, size = s->str_size;
	if (s->strndx) {
		GElf_Shdr sh;
		Elf_Scn *scn = elf_getscn(c->e, s->strndx);
		if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_type != SHT_STRTAB || !ctx_in_bounds(c, sh.sh_offset, sh.sh_size))
			return NULL;
		off = sh.sh_offset;
		size = sh.sh_size;
	}
	if (!size || idx >= size)
		return NULL;
	/* a window first; a longer string (a path list can be) gets the rest of the table */
	for (uint64_t len = size - idx < DYN_STRING_WINDOW ? size - idx : DYN_STRING_WINDOW;; len = size - idx) {
		Elf_Data *d = elf_getdata_rawchunk(c->e, (int64_t)(off + idx), len, ELF_T_BYTE);
		if (!d || d->d_size != len)
			return NULL;
		if (memchr(d->d_buf, '\0', len))
			return d->d_buf;
		if (len == size - idx)
			return NULL;
	}
}

/* Locate the dynamic entries: the section if present, else PT_DYNAMIC. */
static Elf_Data *dynamic_entries(struct elf_ctx *c, size_t *count, size_t *strndx)
{
	GElf_Shdr sh;
	if (c->dynamic && gelf_getshdr(c->dynamic, &sh)) {
		Elf_Data *d = ctx_section_data(c, c->dynamic, &sh);
		if (!d)
			return NULL;
		*strndx = sh.sh_link;
		*count = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
		return d;
	}
	for (size_t i = 0; i < c->phnum; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(c->e, (int)i, &ph) && ph.p_type == PT_DYNAMIC) {
			Elf_Data *d = elf_getdata_rawchunk(c->e, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_DYN);
			if (!d) {
				herr_set(c->err, "PT_DYNAMIC unreadable: %s", elf_errmsg(-1));
				return NULL;
			}
			*strndx = 0;
			*count = ph.p_filesz / gelf_fsize(c->e, ELF_T_DYN, 1, EV_CURRENT);
			return d;
		}
	}
	*count = 0;
	return NULL;
}

static char *path_value(struct elf_ctx *c, const struct dyn_strings *s, uint64_t idx, const char *tag)
{
	const char *v = dyn_string(c, s, idx);
	if (!v) {
		herr_set(c->err, "%s string at index %#llx lies outside the string table", tag,
			 (unsigned long long)idx);
		return NULL;
	}
	return xstrdup(v);
}

int elf_read_dynamic(struct elf_ctx *c, struct elf_facts *f)
{
	size_t count = 0;
	struct dyn_strings s = { 0 };
	Elf_Data *d = dynamic_entries(c, &count, &s.strndx);
	uint64_t rpath_idx = 0, runpath_idx = 0, strtab = 0;
	bool have_rpath = false, have_runpath = false;

	if (!d)
		return (c->dynamic || f->has_dynamic) ? -1 : 0;
	f->has_dynamic = true;
	for (size_t i = 0; i < count; i++) {
		GElf_Dyn dyn;
		if (!gelf_getdyn(d, (int)i, &dyn))
			return herr_set(c->err, "dynamic entry %zu unreadable: %s", i, elf_errmsg(-1));
		switch (dyn.d_tag) {
		case DT_NULL: i = count; break;
		case DT_BIND_NOW: f->dt_bind_now = true; break;
		case DT_FLAGS:
			f->df_bind_now |= (dyn.d_un.d_val & DF_BIND_NOW) != 0;
			f->textrel |= (dyn.d_un.d_val & DF_TEXTREL) != 0;
			break;
		case DT_FLAGS_1:
			f->df_1_now |= (dyn.d_un.d_val & DF_1_NOW) != 0;
			f->df_1_pie |= (dyn.d_un.d_val & DF_1_PIE) != 0;
			break;
		case DT_TEXTREL: f->textrel = true; break;
		case DT_SONAME: f->has_soname = true; break;
		case DT_NEEDED: f->needed_count++; break;
		case DT_RPATH: have_rpath = true; rpath_idx = dyn.d_un.d_val; break;
		case DT_RUNPATH: have_runpath = true; runpath_idx = dyn.d_un.d_val; break;
		case DT_STRTAB: strtab = dyn.d_un.d_ptr; break;
		case DT_STRSZ: s.str_size = dyn.d_un.d_val; break;
		}
	}
	if (!have_rpath && !have_runpath)
		return 0;
	if (!s.strndx) {
		if (!vaddr_to_offset(c, strtab, &s.str_off) || !ctx_in_bounds(c, s.str_off, s.str_size))
			return herr_set(c->err, "DT_STRTAB %#llx (size %#llx) does not map into the file",
					(unsigned long long)strtab, (unsigned long long)s.str_size);
	}
	if (have_rpath && !(f->rpath = path_value(c, &s, rpath_idx, "DT_RPATH")))
		return -1;
	if (have_runpath && !(f->runpath = path_value(c, &s, runpath_idx, "DT_RUNPATH")))
		return -1;
	return 0;
}
