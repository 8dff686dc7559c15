/*
 * libdeflate.c — libdeflate.so.0, loaded the first time a compressed DWARF
 * section is read. Optional: without it, libdw inflates the sections itself
 * (with zlib, all of them): the same answers, more slowly.
 */
#include "dl/dl.h"

#define DL_TABLE struct libdeflate
DL_LIBRARY(libdeflate, LIBDEFLATE_FUNCTIONS, "libdeflate.so.0", "libdeflate0",
	   "to inflate compressed DWARF", "inflate",
	   "inflate compressed DWARF sections quickly", "suggested")

const struct libdeflate *libdeflate_load(struct herr *err)
{
	return libdeflate_table(err);
}
