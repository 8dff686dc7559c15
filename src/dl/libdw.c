/*
 * libdw.c — libdw.so.1 (elfutils), loaded the first time a unit's DWARF is
 * read: a scan whose DWARF results all come from the cache, a scan with
 * --no-dwarf, and every command that reads no DWARF (cc, sandbox, audit)
 * do not load it, nor the decompressors it brings (liblzma, libbz2).
 */
#include "dl/dl.h"

#define LIBDW_SYMBOL(name) DL_SYMBOL(struct libdw, name)
static const struct dl_symbol symbols[] = { LIBDW_FUNCTIONS(LIBDW_SYMBOL) };

DL_ELF_NOTE(dlopen_note, "[{\"feature\":\"dwarf\",\"description\":\"read the compile flags recorded in DWARF\","
			 "\"priority\":\"recommended\",\"soname\":[\"libdw.so.1\"]}]");

static const struct dl_library library = {
	.soname = "libdw.so.1",
	.package = "libdw1",
	.purpose = "to read DWARF",
	.symbols = symbols,
	.nsymbols = ARRAY_SIZE(symbols),
	.table_size = sizeof(struct libdw),
};

static struct dl_lazy lazy = DL_LAZY_INIT;

const struct libdw *libdw_load(struct herr *err)
{
	return dl_load_once(&library, &lazy, err);
}
