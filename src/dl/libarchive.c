/*
 * libarchive.c — libarchive.so.13, loaded the first time an archive or a
 * compressed file is read (scan of a package, audit of a compressed list).
 */
#include "dl/dl.h"

#define LIBARCHIVE_SYMBOL(name) DL_SYMBOL(struct libarchive, name)
static const struct dl_symbol symbols[] = { LIBARCHIVE_FUNCTIONS(LIBARCHIVE_SYMBOL) };

DL_ELF_NOTE(dlopen_note, "[{\"feature\":\"archive\",\"description\":\"read package archives and compressed files\","
			 "\"priority\":\"recommended\",\"soname\":[\"libarchive.so.13\"]}]");

static const struct dl_library library = {
	.soname = "libarchive.so.13",
	.package = "libarchive13",
	.purpose = "to read package archives and compressed files",
	.symbols = symbols,
	.nsymbols = ARRAY_SIZE(symbols),
	.table_size = sizeof(struct libarchive),
};

static struct dl_lazy lazy = DL_LAZY_INIT;

const struct libarchive *libarchive_load(struct herr *err)
{
	return dl_load_once(&library, &lazy, err);
}
