/*
 * libcrypto.c — libcrypto.so.3 (OpenSSL), loaded the first time a
 * "#CHECKSUM" line of a pkg-vulnerabilities file is verified.
 */
#include "dl/dl.h"

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

static struct dl_lazy lazy = DL_LAZY_INIT;

const struct libcrypto *libcrypto_load(struct herr *err)
{
	return dl_load_once(&library, &lazy, err);
}
