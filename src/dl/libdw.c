/*
 * libdw.c — libdw.so.1 (elfutils), loaded the first time a unit's DWARF is
 * read: a scan whose DWARF results all come from the cache, a scan with
 * --no-dwarf, and every command that reads no DWARF (cc, sandbox, audit)
 * do not load it, nor the decompressors it brings (liblzma, libbz2).
 */
#include "dl/dl.h"

#define DL_TABLE struct libdw
DL_LIBRARY(libdw, LIBDW_FUNCTIONS, "libdw.so.1", "libdw1",
	   "to read DWARF", "dwarf",
	   "read the compile flags recorded in DWARF", "recommended")

const struct libdw *libdw_load(struct herr *err)
{
	return libdw_table(err);
}
