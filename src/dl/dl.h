/*
 * dl — the heavy optional libraries, loaded the first time they are needed.
 *
 * Why: harden is linked with -z now (full RELRO, the protection `harden scan`
 * demands of others), so the loader binds every symbol of every linked
 * library before main(). libarchive alone drags in libxml2, ICU, libstdc++,
 * nettle, acl, lz4, zstd...; with libcrypto and SQLite that was 21 shared
 * libraries and ~3 ms before the first instruction of ours, paid by every
 * `harden cc` (run thousands of times per build), every `harden sandbox` and
 * every scan. Most calls never read an archive, hash a vulnerability list nor
 * touch the scan history, so these three libraries are dlopen()ed (RTLD_NOW:
 * bound at once, like the rest) by their SONAME on first use, as systemd
 * does for its optional libraries.
 *
 * How: each library is a table of function pointers whose members carry the
 * names and, through typeof(), the exact prototypes of the real header: the
 * compiler checks every call against <archive.h>, <openssl/evp.h> or
 * <sqlite3.h> as if linked directly, and a prototype that changes breaks the
 * build, not a run.
 * A call site reads `la->archive_read_new()`, greppable under its real name.
 * The table is filled once, under a lock, then made read-only (the
 * page is mprotect()ed, as RELRO does for the GOT): a writable table of
 * function pointers would be the very target full RELRO takes away.
 *
 * When a library is missing, the call returns NULL with an error naming the
 * library, what needs it and the Debian package to install; the commands
 * that need nothing from it keep working.
 *
 * Test-only: HARDEN_TEST_DL_MISSING=SONAME[,SONAME...] makes the loader
 * dlopen() a name that does not exist in place of each SONAME listed, so the
 * tests run the real failure path without uninstalling anything. Ignored in
 * a setuid/setgid process (secure_getenv).
 */
#ifndef HARDEN_DL_H
#define HARDEN_DL_H

#include "util/util.h"

#include <pthread.h>

#include <archive.h>
#include <archive_entry.h>
#include <elfutils/libdw.h>
#include <libdeflate.h>
#include <openssl/evp.h>
#include <sqlite3.h>

/* One pointer member named and typed after the real function. */
#define DL_POINTER(name) typeof(name) *name;

/* Every libarchive function harden calls; a new call needs a line here. */
#define LIBARCHIVE_FUNCTIONS(X) \
	X(archive_entry_filetype) \
	X(archive_entry_hardlink) \
	X(archive_entry_mode) \
	X(archive_entry_pathname) \
	X(archive_entry_size) \
	X(archive_entry_size_is_set) \
	X(archive_entry_symlink) \
	X(archive_error_string) \
	X(archive_filter_code) \
	X(archive_format) \
	X(archive_read_data) \
	X(archive_read_free) \
	X(archive_read_new) \
	X(archive_read_next_header) \
	X(archive_read_open_fd) \
	X(archive_read_open_filename) \
	X(archive_read_open_memory) \
	X(archive_read_support_filter_all) \
	X(archive_read_support_filter_bzip2) \
	X(archive_read_support_filter_gzip) \
	X(archive_read_support_filter_lz4) \
	X(archive_read_support_filter_xz) \
	X(archive_read_support_filter_zstd) \
	X(archive_read_support_format_all) \
	X(archive_read_support_format_cpio) \
	X(archive_read_support_format_empty) \
	X(archive_read_support_format_raw) \
	X(archive_read_support_format_tar) \
	X(archive_read_support_format_zip)

struct libarchive {
	LIBARCHIVE_FUNCTIONS(DL_POINTER)
};

/* Every libcrypto function harden calls (the #CHECKSUM lines). */
#define LIBCRYPTO_FUNCTIONS(X) \
	X(EVP_DigestFinal_ex) \
	X(EVP_DigestInit_ex) \
	X(EVP_DigestUpdate) \
	X(EVP_MD_CTX_free) \
	X(EVP_MD_CTX_new) \
	X(EVP_MD_get0_name) \
	X(EVP_sha1) \
	X(EVP_sha512)

struct libcrypto {
	LIBCRYPTO_FUNCTIONS(DL_POINTER)
};

/* Every SQLite function harden calls (the scan history: --db, diff, history; the DWARF cache). */
#define LIBSQLITE3_FUNCTIONS(X) \
	X(sqlite3_bind_blob) \
	X(sqlite3_bind_int) \
	X(sqlite3_bind_int64) \
	X(sqlite3_bind_null) \
	X(sqlite3_bind_text) \
	X(sqlite3_busy_timeout) \
	X(sqlite3_close) \
	X(sqlite3_column_blob) \
	X(sqlite3_column_bytes) \
	X(sqlite3_column_int) \
	X(sqlite3_column_int64) \
	X(sqlite3_column_text) \
	X(sqlite3_errmsg) \
	X(sqlite3_exec) \
	X(sqlite3_finalize) \
	X(sqlite3_free) \
	X(sqlite3_last_insert_rowid) \
	X(sqlite3_open_v2) \
	X(sqlite3_prepare_v2) \
	X(sqlite3_reset) \
	X(sqlite3_step)

struct libsqlite3 {
	LIBSQLITE3_FUNCTIONS(DL_POINTER)
};

/*
 * Every libdw function harden calls (DW_AT_producer and the macro table of
 * each unit, src/elf/dwarf.c). libdw shares the process's libelf: the Elf
 * handles we open are the ones it reads.
 */
#define LIBDW_FUNCTIONS(X) \
	X(dwarf_attr_integrate) \
	X(dwarf_begin_elf) \
	X(dwarf_end) \
	X(dwarf_formstring) \
	X(dwarf_get_units) \
	X(dwarf_getattrs) \
	X(dwarf_getmacros) \
	X(dwarf_getmacros_off) \
	X(dwarf_macro_opcode) \
	X(dwarf_macro_param1) \
	X(dwarf_macro_param2)

struct libdw {
	LIBDW_FUNCTIONS(DL_POINTER)
};

/*
 * libdeflate: inflating the compressed DWARF sections a scan reads (see
 * src/elf/dwarf_view.c), 2.6 times as fast as zlib, which libdw uses.
 */
#define LIBDEFLATE_FUNCTIONS(X) \
	X(libdeflate_alloc_decompressor) \
	X(libdeflate_free_decompressor) \
	X(libdeflate_zlib_decompress)

struct libdeflate {
	LIBDEFLATE_FUNCTIONS(DL_POINTER)
};

/*
 * libarchive.so.13 / libcrypto.so.3 / libsqlite3.so.0 / libdw.so.1 / libdeflate.so.0, loaded on the first call from any
 * thread; later calls cost one uncontended lock. NULL with err set
 * (library, purpose, Debian package) when the library cannot be loaded;
 * every later call gives the same answer.
 */
const struct libarchive *libarchive_load(struct herr *err);
const struct libcrypto *libcrypto_load(struct herr *err);
const struct libsqlite3 *libsqlite3_load(struct herr *err);
const struct libdw *libdw_load(struct herr *err);
const struct libdeflate *libdeflate_load(struct herr *err);
/*
 * libelf.so.1 and libjansson.so.4 are called through functions of their own
 * names (libelf.c, libjansson.c); these load them up front, so that a
 * command can fail at once, saying what to install. false with err set.
 */
bool libelf_load(struct herr *err);
bool libjansson_load(struct herr *err);

/*
 * What DT_NEEDED said before: an ELF note, as the dlopen metadata spec
 * (systemd.io/ELF_DLOPEN_METADATA: owner "FDO", type 0x407c0c0a, a JSON
 * array) defines it, so packaging tools (dh-dlopenlibdeps, `readelf -n`)
 * still see which libraries harden may load. json is a string literal.
 */
#define DL_ELF_NOTE(var, json) \
	__attribute__((used, section(".note.dlopen"), aligned(4))) static const struct { \
		struct { uint32_t namesz, descsz, type; } hdr; \
		char name[4]; \
		char desc[(sizeof(json) + 3) & ~(size_t)3]; \
	} var = { { 4, sizeof(json), 0x407c0c0a }, "FDO", json }

/* --- the generic loader behind them (load.c) --- */

struct dl_symbol {
	const char *name;
	size_t offset;          /* of its pointer in the table */
};
#define DL_SYMBOL(type, name) { #name, offsetof(type, name) },

struct dl_library {
	const char *soname;     /* "libarchive.so.13": the ABI we were compiled against */
	const char *package;    /* "libarchive13": what to apt-get install */
	const char *purpose;    /* "to read package archives and compressed files" */
	const struct dl_symbol *symbols;
	size_t nsymbols;
	size_t table_size;      /* sizeof the table struct */
};

/*
 * dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL) and resolve every symbol into
 * a fresh table, made read-only before it is returned. The library stays
 * loaded for the life of the process. NULL with err set on any failure (the
 * library missing, or one symbol missing: an older or foreign build).
 */
const void *dl_load(const struct dl_library *lib, struct herr *err);

/*
 * One library's load state, the only state of dl/: written once, under the
 * lock (so scan workers that need the library at the same moment load it
 * once and all see the finished table), and only read afterwards. A failure
 * is final too: the library will not appear in the middle of a run, and
 * every caller gets the same message.
 */
struct dl_lazy {
	pthread_mutex_t lock;
	bool tried;
	const void *_Atomic table; /* NULL until loaded, and after a failed load */
	struct herr failure;
};
#define DL_LAZY_INIT { PTHREAD_MUTEX_INITIALIZER, false, NULL, { "" } }

/* dl_load() the first time, the same answer every later time; once loaded, one atomic load. err may be NULL. */
const void *dl_load_once(const struct dl_library *lib, struct dl_lazy *lazy, struct herr *err);


/*
 * One library, defined in its own file of dl/: with DL_TABLE defined as
 * its table's type, DL_LIBRARY(prefix, FUNCTIONS, soname, package,
 * purpose, feature, description, priority) makes the symbol list from
 * FUNCTIONS, the .note.dlopen entry (feature, description, priority), and
 * `static const DL_TABLE *prefix_table(struct herr *err)`: the table,
 * loaded by the first call, the same answer for every later one; purpose
 * ends "... is needed PURPOSE" in the error when it cannot be loaded.
 */
#define DL_TABLE_SYMBOL(name) DL_SYMBOL(DL_TABLE, name)
#define DL_LIBRARY(prefix, functions, soname_, package_, purpose_, feature, description, priority) \
	static const struct dl_symbol prefix##_symbols[] = { functions(DL_TABLE_SYMBOL) }; \
	DL_ELF_NOTE(prefix##_note, "[{\"feature\":\"" feature "\",\"description\":\"" description "\"," \
				   "\"priority\":\"" priority "\",\"soname\":[\"" soname_ "\"]}]"); \
	static const struct dl_library prefix##_library = { \
		.soname = soname_, \
		.package = package_, \
		.purpose = purpose_, \
		.symbols = prefix##_symbols, \
		.nsymbols = ARRAY_SIZE(prefix##_symbols), \
		.table_size = sizeof(DL_TABLE), \
	}; \
	static struct dl_lazy prefix##_lazy = DL_LAZY_INIT; \
	static const DL_TABLE *prefix##_table(struct herr *err) \
	{ \
		return dl_load_once(&prefix##_library, &prefix##_lazy, err); \
	}

/*
 * For the libraries reached through functions of their own names (libelf.c,
 * libjansson.c), after DL_LIBRARY: `ret name params`, calling the loaded
 * library's function, or returning fail when it cannot be loaded (the
 * library's own way of failing: its callers handle that already).
 */
#define DL_FORWARD(prefix, ret, name, params, args, fail) \
	ret name params \
	{ \
		const DL_TABLE *t = prefix##_table(NULL); \
		return t ? t->name args : fail; \
	}

#endif
