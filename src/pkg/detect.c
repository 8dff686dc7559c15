/*
 * detect.c — tell a package archive from any other file by its first bytes.
 *
 * Names lie (a .tgz may be a pkgsrc package, a tarball or a gzipped text),
 * so only content counts. Compressed streams are claimed here on the
 * compressor's magic alone; whether a tar or cpio is inside is settled when
 * libarchive reads it (archive.c), and a compressed non-archive (a gzipped
 * man page) is then handed back as "not an archive".
 */
#include "pkg/pkg.h"

#include <string.h>

static bool has(const unsigned char *h, size_t n, size_t off, const void *magic, size_t len)
{
	return n >= off + len && memcmp(h + off, magic, len) == 0;
}

enum pkg_format pkg_detect(const void *head, size_t n)
{
	const unsigned char *h = head;
	if (has(h, n, 0, "!<arch>\ndebian-binary", 21))
		return PKG_DEB;
	if (has(h, n, 0, "\xed\xab\xee\xdb", 4))
		return PKG_RPM;
	if (has(h, n, 0, "PK\x03\x04", 4))
		return PKG_ZIP;
	if (has(h, n, 0, "\x1f\x8b", 2) ||              /* gzip */
	    has(h, n, 0, "BZh", 3) ||                   /* bzip2 */
	    has(h, n, 0, "\xfd" "7zXZ\0", 6) ||         /* xz */
	    has(h, n, 0, "\x28\xb5\x2f\xfd", 4) ||      /* zstd */
	    has(h, n, 0, "\x04\x22\x4d\x18", 4) ||      /* lz4 */
	    has(h, n, 257, "ustar", 5) ||               /* POSIX/GNU tar */
	    has(h, n, 0, "070701", 6) || has(h, n, 0, "070707", 6)) /* cpio */
		return PKG_STREAM;
	return PKG_NONE;
}

bool pkg_is_archive(const void *head, size_t n)
{
	return pkg_detect(head, n) != PKG_NONE;
}

bool pkg_name_unsafe(const char *name)
{
	if (name[0] == '/')
		return true;
	for (const char *p = name; *p;) {
		size_t len = strcspn(p, "/");
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return true;
		p += len;
		p += *p == '/';
	}
	return false;
}
