/*
 * internal.h — what the files of pkg/ share and nobody else needs: the
 * state of one walk over an archive held in memory.
 */
#ifndef HARDEN_PKG_INTERNAL_H
#define HARDEN_PKG_INTERNAL_H

#include "dl/dl.h"
#include "pkg/pkg.h"

#include <sys/stat.h>

/* Which libarchive readers a walk enables. */
enum walk_kind {
	WALK_STREAM,    /* tar or cpio under any compressor; raw = "not an archive" */
	WALK_TAR,       /* a .deb's control.tar.* / data.tar.* */
	WALK_CPIO,      /* an rpm payload */
	WALK_ZIP,
};

struct walk {
	const struct libarchive *la;    /* loaded before any walk starts */
	const char *path;       /* the archive on disk: every record names it */
	const char *prefix;     /* "" at the top, "inner.tgz!/" inside a nested archive */
	const struct scan_opts *o;
	struct scan_batch *out;
	struct pkg_ident *id;   /* filled from metadata members met on the way */
	int depth;              /* 0 for the archive itself */
	bool metadata;          /* look for +CONTENTS, +BUILD_INFO, .PKGINFO */
	bool saw_pkgsrc, saw_apk;
};

/*
 * Walk every member of the archive in data[0..size). Returns 1 when walked
 * (problems became error records), 0 when a WALK_STREAM turned out to be a
 * compressed non-archive, -1 when the archive could not be opened at all
 * (an error record was added).
 */
int pkg_walk(struct walk *w, const void *data, size_t size, enum walk_kind kind);

/*
 * Add an error record for the archive (member NULL) or one of its members;
 * a warning when the walk is inside a nested archive (scan_record.warning).
 */
void pkg_error(struct walk *w, const char *member, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same, always a warning: a nested archive left unread on purpose. */
void pkg_warning(struct walk *w, const char *member, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* libarchive's last error, never NULL (it may have none to give). */
const char *pkg_archive_error(const struct libarchive *la, struct archive *a);

/* The limit in force for one member's inflated size. */
uint64_t pkg_member_limit(const struct scan_opts *o);

/*
 * Name records [first, out->n) after the package, and make id the batch's
 * identity: its strings move into out (whose old ones are freed).
 */
void pkg_stamp_identity(struct scan_batch *out, size_t first, struct pkg_ident *id);

/* Check an ELF member's facts under the scan's policy, and a setuid/setgid one's under the strict profile too. */
void pkg_check_member(struct scan_record *r, const struct scan_opts *o);

/*
 * The scan cache's entry for an archive on disk (cache.c). load() on a hit
 * appends the archive's records to out and sets its identity, as a walk
 * would, and checks them; or says the file holds no archive (a gzipped
 * text). store() keeps that, or records [first, out->n) and the `skipped`
 * members of this archive, unless it changed since `before` was taken or
 * its results depend on more than its bytes.
 */
enum pkg_cache_hit { PKG_CACHE_MISS, PKG_CACHE_ARCHIVE, PKG_CACHE_NOT_ARCHIVE };
enum pkg_cache_hit pkg_cache_load(const char *path, const struct stat *st, const struct scan_opts *o,
				  struct scan_batch *out);
void pkg_cache_store(const char *path, const struct stat *before, const struct scan_opts *o, bool archive,
		     const struct scan_batch *out, size_t first, size_t skipped);
/*
 * The entry codec's reader, for load() and the fuzzer: 1 with the entry's
 * records (named `path`) appended to out, 0 for a file that holds no
 * archive, -1 (out untouched) for anything damaged or foreign; with k, only
 * an entry for these options and this key counts.
 */
struct dwarf_cache_key;
int pkg_cache_decode(const void *data, size_t size, const char *options, const struct dwarf_cache_key *k,
		     const char *path, struct scan_batch *out);

#endif
