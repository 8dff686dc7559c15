/*
 * libarchive.c — libarchive.so.13, loaded the first time an archive or a
 * compressed file is read (scan of a package, audit of a compressed list).
 *
 * The table pointer and the failure message are the only state: written
 * once, inside pthread_once (so scan workers that meet their first archive
 * at the same moment load it once and all see the finished table), and
 * only read afterwards. A failure is final too: the library will not appear
 * in the middle of a run, and every caller gets the same message.
 */
#include "dl/dl.h"

#include <pthread.h>

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

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const struct libarchive *table;  /* NULL after a failed load */
static struct herr failure;

static void load(void)
{
	table = dl_load(&library, &failure);
}

const struct libarchive *libarchive_load(struct herr *err)
{
	pthread_once(&once, load);
	if (!table)
		herr_set(err, "%s", failure.msg);
	return table;
}
