/*
 * pkg — package archives read in memory, member by member.
 *
 * A distribution ships packages, not loose files, and unpacking 17,000 of
 * them to disk just to look at their ELF members costs more than the looking.
 * So every archive is mapped once and walked with libarchive from memory; an
 * ELF member is decompressed into a buffer and handed to scan_image(), the
 * same checks a file on disk gets. Nothing is ever written to disk.
 *
 * Formats are told apart by content, never by name: Debian .deb (an ar
 * archive whose control.tar.* and data.tar.* members are themselves opened
 * from memory), .rpm (lead and headers parsed here, the cpio payload by
 * libarchive), pkgsrc binary packages and Alpine .apk (compressed tar with
 * +CONTENTS/+BUILD_INFO or .PKGINFO), plain tar/cpio under any compressor,
 * and zip. The package identity comes from the metadata inside.
 *
 * Archives are untrusted input. Member names that climb out of the archive
 * (absolute, "..") are refused; links are reported, never followed; a member
 * bigger than the configured limit is refused before it is inflated (archive
 * bombs); nested archives are descended at most scan_opts.max_nested levels.
 * Every problem becomes an error record naming the archive and the member,
 * and the walk goes on where the format allows it.
 */
#ifndef HARDEN_PKG_H
#define HARDEN_PKG_H

#include "scan/scan.h"

/* 1 GiB: bigger than any real ELF, small enough to refuse a bomb. */
#define PKG_DEFAULT_MEMBER_LIMIT ((uint64_t)1 << 30)

enum pkg_format {
	PKG_NONE,       /* not an archive we read */
	PKG_DEB,        /* ar starting with debian-binary */
	PKG_RPM,        /* rpm lead magic */
	PKG_ZIP,        /* PK\3\4 */
	PKG_STREAM,     /* tar or cpio, maybe compressed: pkgsrc, apk, tarballs */
};

/* What the metadata says a package is. Fields are NULL when unknown. */
struct pkg_ident {
	char *name, *version, *arch;
	char *origin;           /* pkgsrc PKGPATH, e.g. "security/openssh" */
	const char *format;     /* "deb", "rpm", "pkgsrc", "apk", "tar", "zip" */
};
void pkg_ident_free(struct pkg_ident *id);

/*
 * Which format the first bytes announce. `n` may be short; 512 bytes are
 * enough for every magic we know (tar's "ustar" sits at offset 257).
 */
enum pkg_format pkg_detect(const void *head, size_t n);
bool pkg_is_archive(const void *head, size_t n);

/*
 * Scan every ELF member of the archive at `path` (on disk) or held in memory.
 * Records go to `out` with package/version/member set; out->package etc.
 * get the identity. Returns false when the bytes turned out not to be an
 * archive after all (a compressed man page): the caller counts it skipped.
 */
bool pkg_scan_archive(const char *path, const struct scan_opts *o, struct scan_batch *out);
bool pkg_scan_memory(const char *path, const void *data, size_t size,
		     const struct scan_opts *o, struct scan_batch *out);

/* Metadata parsers (exposed for tests and the fuzzer). They never fail:
 * what they cannot read stays NULL in id. */
void pkg_parse_contents(const char *text, size_t n, struct pkg_ident *id);   /* pkgsrc +CONTENTS */
void pkg_parse_build_info(const char *text, size_t n, struct pkg_ident *id); /* pkgsrc +BUILD_INFO */
void pkg_parse_deb_control(const char *text, size_t n, struct pkg_ident *id);
void pkg_parse_pkginfo(const char *text, size_t n, struct pkg_ident *id);    /* apk .PKGINFO */
/* "name-1.2nb3" -> name, version (split at the last '-' before a digit). */
void pkg_split_name_version(const char *s, struct pkg_ident *id);
/* Identity from a file name when the archive carries none: foo-1.2.tar.gz. */
void pkg_ident_from_filename(const char *path, struct pkg_ident *id);

/*
 * rpm: check the lead and both headers within `size`, fill id from the main
 * header and set *payload to the offset of the compressed cpio payload.
 */
int pkg_rpm_parse(const unsigned char *data, size_t size, struct pkg_ident *id,
		  size_t *payload, struct herr *err);

/* ar (the .deb container): find member `prefix`* and return its bytes. */
struct ar_member {
	char name[17];
	const unsigned char *data;
	size_t size;
};
/* Iterate: *off starts at 0; returns 1 with m filled, 0 at the end, -1 on a bad header. */
int pkg_ar_next(const unsigned char *data, size_t size, size_t *off, struct ar_member *m,
		struct herr *err);

/* True when a member name is absolute or climbs out with "..". */
bool pkg_name_unsafe(const char *name);

/*
 * A repository's summary: one tally per package scanned, in input order,
 * for the closing summary (coverage per property, worst packages), the
 * HTML report and the history store.
 */
struct pkg_stat {
	char *name, *version, *arch, *path;
	struct summary counts;
	size_t links, setuid;
};
struct pkg_tally {
	struct pkg_stat *v;
	size_t n, alloc;
	struct summary total;   /* over packages only */
};
/* Count one input's batch if it was a package; false if it was not. */
bool pkg_tally_add(struct pkg_tally *t, const char *input, const struct scan_batch *b);
/* Indices of the (at most) k worst packages, worst first: most files with
 * findings, then most findings; packages without findings are left out. */
size_t pkg_tally_worst(const struct pkg_tally *t, size_t *idx, size_t k);
void pkg_tally_free(struct pkg_tally *t);

#endif
