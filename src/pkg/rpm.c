/*
 * rpm.c — the rpm lead and headers, parsed with a bounds check on every
 * offset, to find the package identity and where the payload starts.
 *
 * Layout (rpm's lib/rpmlead.c and header.c tell the same story): a 96-byte
 * lead, a signature header padded to 8 bytes, the main header, then the
 * compressed cpio payload that libarchive reads from memory. A header is
 * magic (8e ad e8 01), 4 reserved bytes, the entry count and the data size
 * (big-endian), the 16-byte entries (tag, type, offset, count), the data.
 */
#include "pkg/pkg.h"

#include <stdlib.h>
#include <string.h>

enum {
	LEAD_SIZE = 96,
	TAG_NAME = 1000, TAG_VERSION = 1001, TAG_RELEASE = 1002, TAG_EPOCH = 1003, TAG_ARCH = 1022,
	TYPE_INT32 = 4, TYPE_STRING = 6,
	MAX_ENTRIES = 1 << 16, MAX_DATA = 1 << 28,
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

struct rpm_header {
	const unsigned char *index, *store;
	uint32_t entries, data_size;
	size_t total;           /* bytes taken by the header */
};

static int header_at(const unsigned char *d, size_t size, size_t off, const char *what,
		     struct rpm_header *h, struct herr *err)
{
	if (off > size || size - off < 16)
		return herr_set(err, "rpm %s header at offset %zu truncated", what, off);
	if (memcmp(d + off, "\x8e\xad\xe8\x01", 4))
		return herr_set(err, "rpm %s header at offset %zu: bad magic", what, off);
	h->entries = be32(d + off + 8);
	h->data_size = be32(d + off + 12);
	if (h->entries > MAX_ENTRIES || h->data_size > MAX_DATA)
		return herr_set(err, "rpm %s header at offset %zu: implausible sizes (%u entries, %u bytes)",
				what, off, h->entries, h->data_size);
	h->total = 16 + (size_t)h->entries * 16 + h->data_size;
	if (h->total > size - off)
		return herr_set(err, "rpm %s header at offset %zu claims %zu bytes, only %zu left",
				what, off, h->total, size - off);
	h->index = d + off + 16;
	h->store = h->index + (size_t)h->entries * 16;
	return 0;
}

/* The string value of tag, or NULL; a string must end inside the store. */
static char *header_string(const struct rpm_header *h, uint32_t tag)
{
	for (uint32_t i = 0; i < h->entries; i++) {
		const unsigned char *e = h->index + (size_t)i * 16;
		if (be32(e) != tag)
			continue;
		uint32_t type = be32(e + 4), off = be32(e + 8);
		if (off >= h->data_size)
			return NULL;
		if (type == TYPE_INT32) {
			if (h->data_size - off < 4)
				return NULL;
			return xasprintf("%u", be32(h->store + off));
		}
		if (type != TYPE_STRING)
			return NULL;
		const unsigned char *nul = memchr(h->store + off, '\0', h->data_size - off);
		return nul ? xstrndup((const char *)h->store + off, (size_t)(nul - (h->store + off))) : NULL;
	}
	return NULL;
}

int pkg_rpm_parse(const unsigned char *data, size_t size, struct pkg_ident *id,
		  size_t *payload, struct herr *err)
{
	struct rpm_header sig, main;
	if (size < LEAD_SIZE || memcmp(data, "\xed\xab\xee\xdb", 4))
		return herr_set(err, "rpm lead truncated or bad magic");
	if (header_at(data, size, LEAD_SIZE, "signature", &sig, err))
		return -1;
	size_t off = LEAD_SIZE + sig.total;
	off = (off + 7) & ~(size_t)7;   /* the signature is padded to 8 bytes */
	if (header_at(data, size, off, "main", &main, err))
		return -1;
	*payload = off + main.total;

	char *name = header_string(&main, TAG_NAME), *ver = header_string(&main, TAG_VERSION);
	char *rel = header_string(&main, TAG_RELEASE), *epoch = header_string(&main, TAG_EPOCH);
	if (!id->name)
		id->name = name, name = NULL;
	if (!id->version && ver)
		id->version = xasprintf("%s%s%s%s%s", epoch ? epoch : "", epoch ? ":" : "", ver,
					rel ? "-" : "", rel ? rel : "");
	if (!id->arch)
		id->arch = header_string(&main, TAG_ARCH);
	free(name);
	free(ver);
	free(rel);
	free(epoch);
	if (!id->name)
		return herr_set(err, "rpm main header has no name");
	return 0;
}
