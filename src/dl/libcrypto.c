/*
 * libcrypto.c — libcrypto.so.3 (OpenSSL), loaded the first time a
 * "#CHECKSUM" line of a pkg-vulnerabilities file is verified.
 */
#include "dl/dl.h"

#define DL_TABLE struct libcrypto
DL_LIBRARY(libcrypto, LIBCRYPTO_FUNCTIONS, "libcrypto.so.3", "libssl3",
	   "to verify the checksums of a vulnerability list", "checksum",
	   "verify the checksums of a vulnerability list", "recommended")

const struct libcrypto *libcrypto_load(struct herr *err)
{
	return libcrypto_table(err);
}
