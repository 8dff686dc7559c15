/*
 * libdw.c — libdw.so.1 (elfutils), loaded the first time a unit's DWARF is
 * read: a scan whose DWARF results all come from the cache, a scan with
 * --no-dwarf, and every command that reads no DWARF (cc, sandbox, audit)
 * do not load it, nor the decompressors it brings (liblzma, libbz2).
 *
 * The table pointer and the failure message are the only state: written
 * once, inside pthread_once (so threads that need it at the same moment
 * load it once and all see the finished table), and only read afterwards.
 * A failure is final too: the library will not appear in the middle of a
 * run, and every caller gets the same message.
 */
#include "dl/dl.h"

#include <pthread.h>

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

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const struct libdw *table;  /* NULL after a failed load */
static struct herr failure;

static void load(void)
{
	table = dl_load(&library, &failure);
}

const struct libdw *libdw_load(struct herr *err)
{
	pthread_once(&once, load);
	if (!table)
		herr_set(err, "%s", failure.msg);
	return table;
}
