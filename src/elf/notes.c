/*
 * notes.c — ELF notes: the GNU property note (x86 IBT/SHSTK, aarch64
 * BTI/PAC), the build-id used to find separate debug info, and Go's
 * build-id note, which tells a Go binary.
 *
 * The property note is what the loader reads to enable CET, and it is an AND
 * over every object linked in: one object without IBT clears the bit for
 * the whole binary. We read notes from SHT_NOTE sections when present, else
 * from PT_NOTE segments (section headers may be stripped).
 */
#include "elf/internal.h"

#include <string.h>

#ifndef GNU_PROPERTY_X86_FEATURE_1_AND
#define GNU_PROPERTY_X86_FEATURE_1_AND 0xc0000002
#endif
#ifndef GNU_PROPERTY_AARCH64_FEATURE_1_AND
#define GNU_PROPERTY_AARCH64_FEATURE_1_AND 0xc0000000
#endif
#define NT_GO_BUILDID 4
#define FEATURE_1_BIT0 1u  /* x86 IBT / aarch64 BTI */
#define FEATURE_1_BIT1 2u  /* x86 SHSTK / aarch64 PAC */

static uint32_t read_u32(const struct elf_facts *f, const unsigned char *p)
{
	if (f->big_endian)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static void parse_properties(struct elf_facts *f, const unsigned char *p, size_t len)
{
	size_t align = f->elf_class == 64 ? 8 : 4;
	f->has_property_note = true;
	while (len >= 8) {
		uint32_t type = read_u32(f, p), size = read_u32(f, p + 4);
		if (size > len - 8)
			return;
		if ((type == GNU_PROPERTY_X86_FEATURE_1_AND && (f->machine == EM_X86_64 || f->machine == EM_386)) ||
		    (type == GNU_PROPERTY_AARCH64_FEATURE_1_AND && f->machine == EM_AARCH64)) {
			if (size >= 4) {
				uint32_t bits = read_u32(f, p + 8);
				f->ibt = bits & FEATURE_1_BIT0;
				f->shstk = bits & FEATURE_1_BIT1;
			}
		}
		size_t step = 8 + ((size + align - 1) & ~(align - 1));
		if (step > len)
			return;
		p += step;
		len -= step;
	}
}

static void walk_notes(struct elf_facts *f, Elf_Data *d)
{
	size_t off = 0, next;
	GElf_Nhdr nh;
	size_t name_off, desc_off;
	while (off < d->d_size && (next = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
		const unsigned char *base = d->d_buf;
		bool gnu = nh.n_namesz == 4 && !memcmp(base + name_off, "GNU", 4);
		/* what Go's linker writes into every binary (.note.go.buildid), name "Go" padded to 4 */
		if (nh.n_namesz == 4 && !memcmp(base + name_off, "Go\0\0", 4) && nh.n_type == NT_GO_BUILDID)
			f->lang = LANG_GO;
		if (gnu && nh.n_type == NT_GNU_PROPERTY_TYPE_0)
			parse_properties(f, base + desc_off, nh.n_descsz);
		if (gnu && nh.n_type == NT_GNU_BUILD_ID && nh.n_descsz > 0 &&
		    nh.n_descsz * 2 < sizeof(f->build_id)) {
			static const char hex[] = "0123456789abcdef";
			for (size_t i = 0; i < nh.n_descsz; i++) {
				f->build_id[2 * i] = hex[base[desc_off + i] >> 4];
				f->build_id[2 * i + 1] = hex[base[desc_off + i] & 15];
			}
			f->build_id[2 * nh.n_descsz] = '\0';
		}
		off = next;
	}
}

int elf_read_notes(struct elf_ctx *c, struct elf_facts *f)
{
	for (size_t i = 0; i < c->note_count; i++) {
		GElf_Shdr sh;
		if (!gelf_getshdr(c->notes[i], &sh))
			continue;
		Elf_Data *d = ctx_section_data(c, c->notes[i], &sh);
		if (!d)
			return -1;
		walk_notes(f, d);
	}
	if (c->note_count)
		return 0;
	for (size_t i = 0; i < c->phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(c->e, (int)i, &ph) || ph.p_type != PT_NOTE)
			continue;
		if (!ctx_in_bounds(c, ph.p_offset, ph.p_filesz))
			return herr_set(c->err, "PT_NOTE (header %zu) lies outside the file", i);
		Elf_Data *d = elf_getdata_rawchunk(c->e, (int64_t)ph.p_offset, ph.p_filesz,
						   ph.p_align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR);
		if (d)
			walk_notes(f, d);
	}
	return 0;
}
