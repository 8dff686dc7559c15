/*
 * libcrypto.c — libcrypto.so.3 (OpenSSL), loaded the first time a
 * "#CHECKSUM" line of a pkg-vulnerabilities file is verified.
 *
 * The table pointer and the failure message are the only state: written
 * once, inside pthread_once (so threads that need it at the same moment
 * load it once and all see the finished table), and only read afterwards. A failure is final too: the library will not appear
 * in the middle of a run, and every caller gets the same message.
 */
#include "dl/dl.h"

#include <pthread.h>

#define LIBCRYPTO_SYMBOL(name) DL_SYMBOL(struct libcrypto, name)
static const struct dl_symbol symbols[] = { LIBCRYPTO_FUNCTIONS(LIBCRYPTO_SYMBOL) };

DL_ELF_NOTE(dlopen_note, "[{\"feature\":\"checksum\",\"description\":\"verify the checksums of a vulnerability list\","
			 "\"priority\":\"recommended\",\"soname\":[\"libcrypto.so.3\"]}]");

static const struct dl_library library = {
	.soname = "libcrypto.so.3",
	.package = "libssl3",
	.purpose = "to verify the checksums of a vulnerability list",
	.symbols = symbols,
	.nsymbols = ARRAY_SIZE(symbols),
	.table_size = sizeof(struct libcrypto),
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const struct libcrypto *table;  /* NULL after a failed load */
static struct herr failure;

static void load(void)
{
	table = dl_load(&library, &failure);
}

const struct libcrypto *libcrypto_load(struct herr *err)
{
	pthread_once(&once, load);
	if (!table)
		herr_set(err, "%s", failure.msg);
	return table;
}
