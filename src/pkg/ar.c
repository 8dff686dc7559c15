/*
 * ar.c — the ar container of a .deb, walked in place over the mapping.
 *
 * libarchive reads ar too, but a .deb needs random access (control before
 * data whatever their order) and zero copies (data.tar.* is then opened from
 * memory by libarchive), and the format is 60-byte headers: every number in
 * them is checked against the bytes that are really there.
 */
#include "pkg/pkg.h"

#include <string.h>

#define AR_MAGIC "!<arch>\n"
#define AR_HDR 60

static bool parse_decimal(const unsigned char *p, size_t len, size_t *out)
{
	size_t v = 0;
	bool any = false;
	for (size_t i = 0; i < len && p[i] != ' '; i++) {
		if (p[i] < '0' || p[i] > '9' || v > (SIZE_MAX - 9) / 10)
			return false;
		v = v * 10 + (size_t)(p[i] - '0');
		any = true;
	}
	*out = v;
	return any;
}

int pkg_ar_next(const unsigned char *data, size_t size, size_t *off, struct ar_member *m,
		struct herr *err)
{
	if (*off == 0) {
		if (size < 8 || memcmp(data, AR_MAGIC, 8))
			return herr_set(err, "not an ar archive");
		*off = 8;
	}
	if (*off & 1)
		(*off)++;       /* members are 2-byte aligned */
	if (*off >= size)
		return 0;
	if (size - *off < AR_HDR)
		return herr_set(err, "ar header at offset %zu truncated", *off);
	const unsigned char *h = data + *off;
	if (h[58] != '`' || h[59] != '\n')
		return herr_set(err, "bad ar header at offset %zu", *off);
	size_t len;
	if (!parse_decimal(h + 48, 10, &len))
		return herr_set(err, "bad ar member size at offset %zu", *off + 48);
	memcpy(m->name, h, 16);
	m->name[16] = '\0';
	for (int i = 15; i >= 0 && (m->name[i] == ' ' || m->name[i] == '/'); i--)
		m->name[i] = '\0';   /* GNU ar ends names with '/', BSD pads with spaces */
	if (len > size - *off - AR_HDR)
		return herr_set(err, "ar member '%s' claims %zu bytes, only %zu left", m->name, len,
				size - *off - AR_HDR);
	m->data = h + AR_HDR;
	m->size = len;
	*off += AR_HDR + len;
	return 1;
}
