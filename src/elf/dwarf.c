/*
 * dwarf.c — per compilation unit, the compile flags recorded in
 * DW_AT_producer, from the file's own DWARF or from separate debug info
 * found by build-id under DEBUG_ROOT/.build-id/xx/yyyy.debug (where Debian's
 * -dbgsym packages put it). This is the only way to tell "built without the
 * flag" from "built with it but nothing needed it", so check/ prefers it.
 *
 * It is also by far the costliest part of a scan (inflating libc's 4 MB of
 * compressed .debug_* sections for 1,745 units), and its answer never
 * changes for a file that does not: when opts->cache is set, results
 * are kept in the DWARF cache (dwarf_cache.h), keyed by the stat of the
 * file the DWARF came from. Only results read from an open file are cached:
 * an image in memory (an archive member) has no stat to key on.
 */
#include "elf/internal.h"
#include "elf/dwarf_cache.h"
#include "dl/dl.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* libdw is loaded on first use (dl/dl.h): its calls go through the table `dw`. */
static const char *die_string(const struct libdw *dw, Dwarf_Die *die, int name)
{
	Dwarf_Attribute attr;
	return dw->dwarf_attr_integrate(die, name, &attr) ? dw->dwarf_formstring(&attr) : NULL;
}

/*
 * What a unit DIE says, in one walk of its attributes: each dwarf_attr()
 * looks the DIE's abbreviation up again (under a lock), and libc alone has
 * 1,745 units.
 */
struct unit_attrs {
	Dwarf_Attribute producer, name;
	bool has_producer, has_name;
	bool has_macro_info, has_macros; /* DW_AT_macro_info; DW_AT_macros or DW_AT_GNU_macros */
};

static int note_unit_attr(Dwarf_Attribute *a, void *arg)
{
	struct unit_attrs *u = arg;
	switch (a->code) {
	case DW_AT_producer: u->producer = *a; u->has_producer = true; break;
	case DW_AT_name: u->name = *a; u->has_name = true; break;
	case DW_AT_macros: case DW_AT_GNU_macros: u->has_macros = true; break;
	case DW_AT_macro_info: u->has_macro_info = true; break;
	}
	return DWARF_CB_OK;
}

/*
 * gcc does not record -D options in DW_AT_producer, but with -g3 the macro
 * table has them: command-line definitions are the ones at line 0, kept in
 * a macro unit the CU's table imports. Imports are followed a few levels
 * deep only: a crafted file could make them loop.
 */
struct macro_walk {
	const struct libdw *lib;
	Dwarf *dw;
	struct cu_flags *cf;
	int depth;
};

static int macro_fortify(Dwarf_Macro *m, void *arg)
{
	struct macro_walk *w = arg;
	unsigned int op;
	Dwarf_Word line, word;
	const char *str = NULL;
	if (w->lib->dwarf_macro_opcode(m, &op) != 0 || w->lib->dwarf_macro_param1(m, &line) != 0)
		return DWARF_CB_OK;
	if (op == DW_MACRO_import && w->depth < 4) {
		w->depth++;
		w->lib->dwarf_getmacros_off(w->dw, line, macro_fortify, w, DWARF_GETMACROS_START);
		w->depth--;
		return DWARF_CB_OK;
	}
	if (line != 0 || w->lib->dwarf_macro_param2(m, &word, &str) != 0 || !str ||
	    !starts_with(str, "_FORTIFY_SOURCE"))
		return DWARF_CB_OK;
	if (op == DW_MACRO_define || op == DW_MACRO_define_strp || op == DW_MACRO_define_strx)
		w->cf->fortify = str[15] == ' ' ? atoi(str + 16) : 1;
	else if (op == DW_MACRO_undef || op == DW_MACRO_undef_strp || op == DW_MACRO_undef_strx)
		w->cf->fortify = 0;
	return DWARF_CB_OK;
}

/* Which macro sections the ELF handed to libdw has (non-empty). */
struct macro_sections {
	bool macro, macinfo;
};

static struct macro_sections macro_sections_of(Elf *e)
{
	struct macro_sections ms = { false, false };
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	if (elf_getshdrstrndx(e, &shstrndx) != 0)
		return ms;
	while ((scn = elf_nextscn(e, scn))) {
		const char *name = gelf_getshdr(scn, &sh) && sh.sh_size ? elf_strptr(e, shstrndx, sh.sh_name) : NULL;
		if (name && (!strcmp(name, ".debug_macro") || !strcmp(name, ".zdebug_macro")))
			ms.macro = true;
		else if (name && (!strcmp(name, ".debug_macinfo") || !strcmp(name, ".zdebug_macinfo")))
			ms.macinfo = true;
	}
	return ms;
}

/*
 * Whether dwarf_getmacros() can be asked about this unit: libdw 0.188
 * dereferences a NULL section when a unit names a macro table in a section
 * the file lacks (found by fuzzing). It reads DW_AT_macro_info first.
 */
static bool macros_readable(const struct unit_attrs *ua, const struct macro_sections *ms)
{
	return ua->has_macro_info ? ms->macinfo : ua->has_macros && ms->macro;
}

/*
 * Returns false when the result also depends on files other than the one
 * read: split-DWARF skeleton units whose producer lives in a .dwo file.
 */
static bool collect_units(const struct libdw *lib, Dwarf *dw, const struct macro_sections *ms, struct elf_facts *f)
{
	bool self_contained = true;
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	size_t alloc = 0;
	uint8_t unit_type;
	Dwarf_Half version;
	while (lib->dwarf_get_units(dw, cu, &cu, &version, &unit_type, &cudie, NULL) == 0) {
		if (unit_type == DW_UT_skeleton)
			self_contained = false;
		struct unit_attrs ua = { 0 };
		lib->dwarf_getattrs(&cudie, note_unit_attr, &ua, 0);
		/* a split unit's producer is in its skeleton: dwarf_attr_integrate finds it */
		const char *producer = ua.has_producer ? lib->dwarf_formstring(&ua.producer)
						       : die_string(lib, &cudie, DW_AT_producer);
		if (!producer)
			continue;
		if (f->cu_count == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			f->cus = xrealloc(f->cus, alloc * sizeof(*f->cus));
		}
		struct cu_flags *cf = &f->cus[f->cu_count++];
		memset(cf, 0, sizeof(*cf));
		const char *name = ua.has_name ? lib->dwarf_formstring(&ua.name) : die_string(lib, &cudie, DW_AT_name);
		cf->name = xstrdup(name ? name : "?");
		cf->producer = xstrdup(producer);
		cu_flags_parse(producer, cf);
		if (cf->fortify < 0 && macros_readable(&ua, ms)) {
			cf->fortify = 0; /* the table is there: no definition means not defined */
			lib->dwarf_getmacros(&cudie, macro_fortify, &(struct macro_walk){ lib, dw, cf, 0 },
					     DWARF_GETMACROS_START);
		}
	}
	f->has_debug = f->cu_count > 0;
	return self_contained;
}

/*
 * dwz and DWARF 5 supplementary files move shared strings and macros into a
 * second file named by a link section: a result read through one depends on
 * that file too, which the key does not cover.
 */
static bool links_other_file(Elf *e)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	if (elf_getshdrstrndx(e, &shstrndx) != 0)
		return true;
	while ((scn = elf_nextscn(e, scn))) {
		const char *name = gelf_getshdr(scn, &sh) ? elf_strptr(e, shstrndx, sh.sh_name) : NULL;
		if (name && (!strcmp(name, ".gnu_debugaltlink") || !strcmp(name, ".debug_sup")))
			return true;
	}
	return false;
}

/* Read the units of e's DWARF; true when the result may be cached. */
static bool read_units(const struct libdw *lib, Elf *e, int fd, struct elf_facts *f)
{
	size_t size = 0;
	unsigned char *image = dwarf_view_build(e, fd, &size);
	Elf *view = image ? elf_memory((char *)image, size) : NULL;
	Dwarf *dw = lib->dwarf_begin_elf(view ? view : e, DWARF_C_READ, NULL);
	bool cacheable = true; /* no usable DWARF is a result too */
	if (dw) {
		struct macro_sections ms = macro_sections_of(view ? view : e);
		cacheable = collect_units(lib, dw, &ms, f);
		lib->dwarf_end(dw);
	}
	if (view)
		elf_end(view);
	free(image);
	return cacheable && !links_other_file(e);
}

/*
 * libdw, or an error for this file: DWARF the scan was asked to read and
 * cannot is not skipped quietly (the verdicts would silently lose their
 * best evidence).
 */
static const struct libdw *need_libdw(struct herr *err)
{
	struct herr why;
	const struct libdw *lib = libdw_load(&why);
	if (!lib)
		herr_set(err, "%s; or scan with --no-dwarf", why.msg);
	return lib;
}

/*
 * The cache key of the file open on fd, or false when it has none (no
 * cache asked for, or fstat failed).
 */
static bool cache_key(const struct elf_read_opts *o, int fd, struct dwarf_cache_key *k)
{
	struct stat st;
	if (!o->cache || fd < 0 || fstat(fd, &st) != 0)
		return false;
	dwarf_cache_key_stat(k, &st);
	return true;
}

/* Store the result unless the file changed while it was read. */
static void cache_store(const struct elf_read_opts *o, int fd, const struct dwarf_cache_key *k,
			const struct elf_facts *f)
{
	struct dwarf_cache_key now;
	if (cache_key(o, fd, &now) && dwarf_cache_key_same_stat(&now, k))
		dwarf_cache_store(o->cache, k, f);
}

/* Read the units of the separate debug file at key->path and cache them; -1 with err set when libdw is missing. */
static int read_debug_file(const struct elf_read_opts *o, struct dwarf_cache_key *key, struct elf_facts *f,
			   struct herr *err)
{
	int fd = open(key->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	/* keyed again on what was opened: it may have been replaced since it was stat'ed */
	bool cached = cache_key(o, fd, key);
	const struct libdw *lib = need_libdw(err);
	/* read, not mapped: the view copies what it needs anyway, and in a
	 * threaded scan every munmap interrupts the other workers */
	Elf *e = lib ? elf_begin(fd, ELF_C_READ, NULL) : NULL;
	bool cacheable = e && read_units(lib, e, fd, f);
	if (e)
		elf_end(e);
	if (cached && cacheable)
		cache_store(o, fd, key, f);
	close(fd);
	return lib ? 0 : -1;
}

/* Where the separate debug file for build_id would be, or NULL when none can be there. */
static char *separate_debug_path(const struct elf_read_opts *o, const char *build_id)
{
	const char *root = o->debug_root ? o->debug_root : "/usr/lib/debug";
	if (strlen(build_id) < 4 || !debug_index_may_exist(o->debug_index, build_id))
		return NULL;
	return xasprintf("%s/.build-id/%.2s/%s.debug", root, build_id, build_id + 2);
}

bool elf_separate_debug_exists(const struct elf_read_opts *o, const char *build_id)
{
	char *path = separate_debug_path(o, build_id);
	struct stat st;
	bool there = path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
	free(path);
	return there;
}

/* Read DWARF from a separate debug file named by build-id, if one exists; -1 with err set when libdw is missing. */
static int read_separate(const struct elf_read_opts *o, struct elf_facts *f, struct herr *err)
{
	char *path = separate_debug_path(o, f->build_id);
	if (!path)
		return 0;
	struct dwarf_cache_key key = { .kind = DWARF_CACHE_SEPARATE, .path = path, .build_id = f->build_id };
	struct stat st;
	int rc = 0;
	/* a cached result needs only the debug file's stat: it is opened on a miss only */
	bool hit = false;
	if (o->cache && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
		dwarf_cache_key_stat(&key, &st);
		hit = dwarf_cache_load(o->cache, &key, f);
	}
	if (!hit)
		rc = read_debug_file(o, &key, f, err);
	if (f->has_debug)
		f->debug_file = path;
	else
		free(path);
	return rc;
}

int elf_read_dwarf(struct elf_ctx *c, const struct elf_read_opts *o, struct elf_facts *f)
{
	/*
	 * Relocatable objects keep their DWARF string offsets in relocations,
	 * which plain libdw does not apply: every DW_FORM_strp would read as
	 * offset 0. Rather than report wrong unit names and flags, skip them;
	 * their symbols and notes still tell canary, FORTIFY, NX and CET.
	 */
	if (f->e_type == ET_REL || f->debug_only)
		return 0; /* a debug file's units are read when the binary it describes is scanned */
	if (!c->debug_info)
		return read_separate(o, f, c->err);
	struct dwarf_cache_key key = { .kind = DWARF_CACHE_IN_FILE, .path = c->name, .build_id = f->build_id };
	bool cached = !c->data && cache_key(o, c->fd, &key);
	if (cached && dwarf_cache_load(o->cache, &key, f))
		return 0;
	const struct libdw *lib = need_libdw(c->err);
	if (!lib)
		return -1;
	if (read_units(lib, c->e, c->data ? -1 : c->fd, f) && cached)
		cache_store(o, c->fd, &key, f);
	return 0;
}
