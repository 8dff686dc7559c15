/*
 * input.c — read a file that may be compressed (pkg-vulnerabilities.gz,
 * pkg_summary.bz2, pkg_summary.xz...). pkgsrc distributes both files in
 * every one of these forms; libarchive's "raw" format with every filter
 * enabled reads them all without us guessing from file names, and reports
 * a truncated stream instead of silently handing back half a list.
 */
#include "vuln/vuln.h"

#include "dl/dl.h"

#include <errno.h>
#include <string.h>

static int fail(const struct libarchive *la, struct archive *a, const char *path, const char *what,
		struct herr *err)
{
	const char *why = la->archive_error_string(a);
	herr_set(err, "%s: %s: %s", path, what, why ? why : "unknown error");
	la->archive_read_free(a);
	return -1;
}

static const char *filter_name(const struct libarchive *la, struct archive *a)
{
	/* filter 0 is the outermost; with no compression it is "none" */
	int code = la->archive_filter_code(a, 0);
	switch (code) {
	case ARCHIVE_FILTER_NONE: return "none";
	case ARCHIVE_FILTER_GZIP: return "gzip";
	case ARCHIVE_FILTER_BZIP2: return "bzip2";
	case ARCHIVE_FILTER_XZ: return "xz";
	case ARCHIVE_FILTER_LZMA: return "lzma";
	case ARCHIVE_FILTER_ZSTD: return "zstd";
	default: return "other";
	}
}

int vuln_read_input(const char *path, struct buf *out, const char **compression, struct herr *err)
{
	const struct libarchive *la = libarchive_load(err);
	if (!la)
		return herr_prefix(err, "%s", path);
	struct archive *a = la->archive_read_new();
	la->archive_read_support_filter_all(a);
	la->archive_read_support_format_raw(a);
	la->archive_read_support_format_empty(a);
	int r = strcmp(path, "-") == 0 ? la->archive_read_open_fd(a, 0, 65536)
				       : la->archive_read_open_filename(a, path, 65536);
	if (r != ARCHIVE_OK)
		return fail(la, a, path, "cannot open", err);
	struct archive_entry *entry;
	r = la->archive_read_next_header(a, &entry);
	if (r == ARCHIVE_EOF) {
		/* an empty file: nothing to decompress */
		if (compression)
			*compression = "none";
		la->archive_read_free(a);
		buf_add(out, "", 0);
		return 0;
	}
	if (r != ARCHIVE_OK)
		return fail(la, a, path, "cannot read", err);
	char chunk[65536];
	for (;;) {
		la_ssize_t n = la->archive_read_data(a, chunk, sizeof(chunk));
		if (n < 0)
			return fail(la, a, path, "read error (truncated or corrupt?)", err);
		if (n == 0)
			break;
		buf_add(out, chunk, (size_t)n);
	}
	if (compression)
		*compression = filter_name(la, a);
	la->archive_read_free(a);
	if (!out->p)
		buf_add(out, "", 0);
	return 0;
}
