/*
 * libarchive.c — libarchive.so.13, loaded the first time an archive or a
 * compressed file is read (scan of a package, audit of a compressed list).
 */
#include "dl/dl.h"

#define DL_TABLE struct libarchive
DL_LIBRARY(libarchive, LIBARCHIVE_FUNCTIONS, "libarchive.so.13", "libarchive13",
	   "to read package archives and compressed files", "archive",
	   "read package archives and compressed files", "recommended")

const struct libarchive *libarchive_load(struct herr *err)
{
	return libarchive_table(err);
}
