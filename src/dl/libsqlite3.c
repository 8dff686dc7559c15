/*
 * libsqlite3.c — libsqlite3.so.0, loaded the first time the scan history is
 * opened (`harden scan --db`, `harden diff`, `harden history`) or the DWARF
 * cache is (which does without it: no cache).
 */
#include "dl/dl.h"

#define DL_TABLE struct libsqlite3
DL_LIBRARY(libsqlite3, LIBSQLITE3_FUNCTIONS, "libsqlite3.so.0", "libsqlite3-0",
	   "to record and compare scan runs", "history",
	   "record and compare scan runs", "recommended")

const struct libsqlite3 *libsqlite3_load(struct herr *err)
{
	return libsqlite3_table(err);
}
