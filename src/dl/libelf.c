/*
 * libelf.c — libelf.so.1 (elfutils), loaded the first time an ELF file is
 * read, so that `harden sandbox` and `harden cc`, which read none, start
 * without it (and the zlib it brings): two shared libraries fewer to map
 * and relocate before main(), and fewer mappings for the sandbox's init to
 * copy when it is cloned. Measured in bench/bench_sandbox.sh.
 *
 * Unlike the other libraries of dl/, libelf is called from every file of
 * src/elf/, often: instead of a table at each call site, this file defines
 * each libelf function harden calls, under its own name and with the
 * prototype of <libelf.h>/<gelf.h> (the compiler checks them against the
 * header), forwarding to the loaded library. A call costs one atomic load
 * more. Nothing of ours is exported: libdw, dlopen()ed later, binds to the
 * real libelf, the same loaded copy our calls reach.
 *
 * Commands that read ELF load it up front (main.c) and fail with a clear
 * message when it is missing; should a call arrive unloaded anyway, it
 * fails the way libelf reports failures (NULL, -1), and elf_errmsg() says
 * why.
 */
#include "dl/dl.h"

#include <gelf.h>
#include <libelf.h>

#define LIBELF_FUNCTIONS(X) \
	X(elf_begin) \
	X(elf_end) \
	X(elf_errmsg) \
	X(elf_getdata) \
	X(elf_getdata_rawchunk) \
	X(elf_getphdrnum) \
	X(elf_getscn) \
	X(elf_getshdrnum) \
	X(elf_getshdrstrndx) \
	X(elf_kind) \
	X(elf_memory) \
	X(elf_ndxscn) \
	X(elf_nextscn) \
	X(elf_strptr) \
	X(elf_version) \
	X(gelf_fsize) \
	X(gelf_getchdr) \
	X(gelf_getdyn) \
	X(gelf_getehdr) \
	X(gelf_getnote) \
	X(gelf_getphdr) \
	X(gelf_getshdr)

struct libelf {
	LIBELF_FUNCTIONS(DL_POINTER)
};

#define DL_TABLE struct libelf
DL_LIBRARY(libelf, LIBELF_FUNCTIONS, "libelf.so.1", "libelf1",
	   "to read ELF files", "elf",
	   "read ELF files", "required")

bool libelf_load(struct herr *err)
{
	return libelf_table(err) != NULL;
}

DL_FORWARD(libelf, Elf *, elf_begin, (int fd, Elf_Cmd cmd, Elf *ref), (fd, cmd, ref), NULL)
DL_FORWARD(libelf, int, elf_end, (Elf *e), (e), 0)
DL_FORWARD(libelf, Elf_Data *, elf_getdata, (Elf_Scn *scn, Elf_Data *data), (scn, data), NULL)
DL_FORWARD(libelf, Elf_Data *, elf_getdata_rawchunk, (Elf *e, int64_t offset, size_t size, Elf_Type type),
	(e, offset, size, type), NULL)
DL_FORWARD(libelf, int, elf_getphdrnum, (Elf *e, size_t *n), (e, n), -1)
DL_FORWARD(libelf, Elf_Scn *, elf_getscn, (Elf *e, size_t index), (e, index), NULL)
DL_FORWARD(libelf, int, elf_getshdrnum, (Elf *e, size_t *n), (e, n), -1)
DL_FORWARD(libelf, int, elf_getshdrstrndx, (Elf *e, size_t *n), (e, n), -1)
DL_FORWARD(libelf, Elf_Kind, elf_kind, (Elf *e), (e), ELF_K_NONE)
DL_FORWARD(libelf, Elf *, elf_memory, (char *image, size_t size), (image, size), NULL)
DL_FORWARD(libelf, size_t, elf_ndxscn, (Elf_Scn *scn), (scn), SHN_UNDEF)
DL_FORWARD(libelf, Elf_Scn *, elf_nextscn, (Elf *e, Elf_Scn *scn), (e, scn), NULL)
DL_FORWARD(libelf, char *, elf_strptr, (Elf *e, size_t section, size_t offset), (e, section, offset), NULL)
DL_FORWARD(libelf, unsigned int, elf_version, (unsigned int version), (version), EV_NONE)
DL_FORWARD(libelf, size_t, gelf_fsize, (Elf *e, Elf_Type type, size_t count, unsigned int version),
	(e, type, count, version), 0)
DL_FORWARD(libelf, GElf_Chdr *, gelf_getchdr, (Elf_Scn *scn, GElf_Chdr *dst), (scn, dst), NULL)
DL_FORWARD(libelf, GElf_Dyn *, gelf_getdyn, (Elf_Data *data, int index, GElf_Dyn *dst), (data, index, dst), NULL)
DL_FORWARD(libelf, GElf_Ehdr *, gelf_getehdr, (Elf *e, GElf_Ehdr *dst), (e, dst), NULL)
DL_FORWARD(libelf, size_t, gelf_getnote,
	(Elf_Data *data, size_t offset, GElf_Nhdr *result, size_t *name_offset, size_t *desc_offset),
	(data, offset, result, name_offset, desc_offset), 0)
DL_FORWARD(libelf, GElf_Phdr *, gelf_getphdr, (Elf *e, int index, GElf_Phdr *dst), (e, index, dst), NULL)
DL_FORWARD(libelf, GElf_Shdr *, gelf_getshdr, (Elf_Scn *scn, GElf_Shdr *dst), (scn, dst), NULL)

/* Unloaded, the message says which library is missing and how to get it. */
const char *elf_errmsg(int error)
{
	const struct libelf *l = libelf_table(NULL);
	return l ? l->elf_errmsg(error) : libelf_lazy.failure.msg;
}
