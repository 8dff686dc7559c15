/*
 * libsqlite3.c — libsqlite3.so.0, loaded the first time the scan history is
 * opened (`harden scan --db`, `harden diff`, `harden history`).
 *
 * The table pointer and the failure message are the only state: written
 * once, inside pthread_once (so threads that need it at the same moment
 * load it once and all see the finished table), and only read afterwards.
 * A failure is final too: the library will not appear in the middle of a
 * run, and every caller gets the same message.
 */
#include "dl/dl.h"

#include <pthread.h>

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

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const struct libsqlite3 *table;  /* NULL after a failed load */
static struct herr failure;

static void load(void)
{
	table = dl_load(&library, &failure);
}

const struct libsqlite3 *libsqlite3_load(struct herr *err)
{
	pthread_once(&once, load);
	if (!table)
		herr_set(err, "%s", failure.msg);
	return table;
}
