/*
 * dwarf_cache.h — a persistent cache of what dwarf.c reads from DWARF (the
 * units, their producers and the flags parsed from them), so that a file
 * whose DWARF was read before costs one small file read instead of
 * inflating megabytes of compressed .debug_* sections again.
 *
 * Private to elf/ (and to its fuzz target and tests), except that pkg/
 * keeps package scan results in the same store (kind DWARF_CACHE_PACKAGE,
 * pkg/cache.c): other subsystems see only elf_read_opts.cache and
 * dwarf_cache_open(), _close() and _default_dir() in elf/elf.h.
 */
#ifndef HARDEN_ELF_DWARF_CACHE_H
#define HARDEN_ELF_DWARF_CACHE_H

#include <sys/stat.h>

#include "elf/elf.h"

/*
 * Bump whenever collect_units(), the macro walk or cu_flags_parse() would
 * produce a different result from the same DWARF, or the entry layout
 * changes: every entry written by another format is then a miss. Entries
 * also carry HARDEN_VERSION, so a new release never trusts an old cache.
 */
#define DWARF_CACHE_FORMAT 1

/* Where the DWARF came from. */
enum dwarf_cache_kind {
	DWARF_CACHE_IN_FILE = 'f',  /* the scanned file's own .debug_* sections */
	DWARF_CACHE_SEPARATE = 's', /* a separate debug file found by build-id */
	DWARF_CACHE_PACKAGE = 'p',  /* not DWARF: a package archive's scan records (pkg/cache.c) */
};

/*
 * What a cached result depends on: the file the DWARF was read from, named
 * and identified by its stat (device, inode, size, and the modification and
 * change times in nanoseconds: any write, rename over, chmod or touch
 * changes one of them), plus the build-id. An entry is served only when
 * every field matches.
 */
struct dwarf_cache_key {
	enum dwarf_cache_kind kind;
	const char *path;
	uint64_t dev, ino, size, mtime_ns, ctime_ns;
	const char *build_id;       /* hex, "" when none */
};

/* Fill the stat part of a key; same_stat(): do two keys' stat parts match (the file did not change)? */
void dwarf_cache_key_stat(struct dwarf_cache_key *k, const struct stat *st);
bool dwarf_cache_key_same_stat(const struct dwarf_cache_key *a, const struct dwarf_cache_key *b);

/*
 * The entry codec. encode() appends an entry for f's units to out.
 * decode() checks the entry (layout, bounds, checksum) and, when `want` is
 * non-NULL, that it was written by this format and version for exactly
 * this key; on success it sets f->cus, cu_count and has_debug (nothing
 * else) and returns 0. Any damage or mismatch returns -1 and leaves f
 * untouched. The entry is a file anyone able to write the cache directory
 * could have written: every length and count is checked before use.
 */
void dwarf_cache_encode(const struct dwarf_cache_key *k, const struct elf_facts *f, struct buf *out);
int dwarf_cache_decode(const void *data, size_t size, const struct dwarf_cache_key *want,
		       struct elf_facts *f);

/*
 * The units part of an entry (a string table, then one record per unit),
 * for other entries that carry facts: put() appends f's units; get() reads
 * them into f->cus and cu_count (nothing else), false when damaged.
 */
void dwarf_cache_put_units(struct buf *out, const struct elf_facts *f);
bool dwarf_cache_get_units(struct codec_cursor *c, struct elf_facts *f);

/* An entry's bytes before its checksum, when the checksum (its last 8 bytes) is right. */
bool dwarf_cache_checked_body(const void *data, size_t size, struct codec_cursor *body);

/* The key part of an entry; get() reads one, and with `want` is true only for that very key. */
void dwarf_cache_put_key(struct buf *b, const struct dwarf_cache_key *k);
bool dwarf_cache_get_key(struct codec_cursor *c, const struct dwarf_cache_key *want);

/*
 * The store (struct dwarf_cache, opened by dwarf_cache_open() in elf/elf.h;
 * one per scan, shared by its workers). load() returns true and fills f (as
 * decode()) on a hit. store() queues the entry; the queue is written in one
 * transaction when it grows, and at dwarf_cache_close(). It declines files
 * changed within the last second, whose timestamps could still be equal
 * after a further change (git's "racy" files). put() queues entry bytes as
 * they are, unchecked: store() after encoding, and tests planting entries.
 * Nothing here ever fails loudly: a cache is an optimisation.
 */
bool dwarf_cache_load(struct dwarf_cache *c, const struct dwarf_cache_key *k, struct elf_facts *f);
void dwarf_cache_store(struct dwarf_cache *c, const struct dwarf_cache_key *k, const struct elf_facts *f);
void dwarf_cache_put(struct dwarf_cache *c, const struct dwarf_cache_key *k, const void *entry, size_t len);
/* The entry stored under k's name (kind and path), unchecked, as a malloc()ed copy; NULL when none. */
char *dwarf_cache_get(struct dwarf_cache *c, const struct dwarf_cache_key *k, size_t *size);
/*
 * False for a file changed less than a second ago: its timestamps could
 * stay equal through a further change (git's "racy" files), so a result
 * keyed on them must not be kept.
 */
bool dwarf_cache_key_settled(const struct dwarf_cache_key *k);

/* FNV-1a, 64 bits: entry names and the entry checksum (damage, not attack). */
uint64_t dwarf_cache_hash(const void *data, size_t n, uint64_t h);
#define DWARF_CACHE_HASH_SEED 0xcbf29ce484222325ULL

/* The entry's name (its key in the database): a 63-bit hash of kind and path. */
uint64_t dwarf_cache_entry_name(const struct dwarf_cache_key *k);

#endif
