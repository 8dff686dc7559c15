/*
 * libdeflate.c — libdeflate.so.0, loaded the first time a compressed DWARF
 * section is read. Optional: without it, libdw inflates the sections itself
 * (with zlib, all of them): the same answers, more slowly.
 */
#include "dl/dl.h"

#define LIBDEFLATE_SYMBOL(name) DL_SYMBOL(struct libdeflate, name)
static const struct dl_symbol symbols[] = { LIBDEFLATE_FUNCTIONS(LIBDEFLATE_SYMBOL) };

DL_ELF_NOTE(dlopen_note, "[{\"feature\":\"inflate\",\"description\":\"inflate compressed DWARF sections quickly\","
			 "\"priority\":\"suggested\",\"soname\":[\"libdeflate.so.0\"]}]");

static const struct dl_library library = {
	.soname = "libdeflate.so.0",
	.package = "libdeflate0",
	.purpose = "to inflate compressed DWARF",
	.symbols = symbols,
	.nsymbols = ARRAY_SIZE(symbols),
	.table_size = sizeof(struct libdeflate),
};

static struct dl_lazy lazy = DL_LAZY_INIT;

const struct libdeflate *libdeflate_load(struct herr *err)
{
	return dl_load_once(&library, &lazy, err);
}
