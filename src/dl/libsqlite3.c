/*
 * libsqlite3.c — libsqlite3.so.0, loaded the first time the scan history is
 * opened (`harden scan --db`, `harden diff`, `harden history`).
 */
#include "dl/dl.h"

#define LIBSQLITE3_SYMBOL(name) DL_SYMBOL(struct libsqlite3, name)
static const struct dl_symbol symbols[] = { LIBSQLITE3_FUNCTIONS(LIBSQLITE3_SYMBOL) };

DL_ELF_NOTE(dlopen_note, "[{\"feature\":\"history\",\"description\":\"record and compare scan runs\","
			 "\"priority\":\"recommended\",\"soname\":[\"libsqlite3.so.0\"]}]");

static const struct dl_library library = {
	.soname = "libsqlite3.so.0",
	.package = "libsqlite3-0",
	.purpose = "to record and compare scan runs",
	.symbols = symbols,
	.nsymbols = ARRAY_SIZE(symbols),
	.table_size = sizeof(struct libsqlite3),
};

static struct dl_lazy lazy = DL_LAZY_INIT;

const struct libsqlite3 *libsqlite3_load(struct herr *err)
{
	return dl_load_once(&library, &lazy, err);
}
