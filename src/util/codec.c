/*
 * codec.c — the little-endian binary layout of harden's cache entries:
 * writing integers and strings into a buffer, and reading them back through
 * a cursor that never trusts a length. Every overrun, and a string holding
 * a NUL, sets `bad` instead of reading on; callers check it once at the end.
 */
#include "util/util.h"

#include <string.h>

void codec_put_u8(struct buf *b, unsigned v)
{
	unsigned char c = (unsigned char)v;
	buf_add(b, &c, 1);
}

void codec_put_u32(struct buf *b, uint32_t v)
{
	unsigned char le[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
				(unsigned char)(v >> 24) };
	buf_add(b, le, sizeof(le));
}

void codec_put_u64(struct buf *b, uint64_t v)
{
	codec_put_u32(b, (uint32_t)v);
	codec_put_u32(b, (uint32_t)(v >> 32));
}

void codec_put_str(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	codec_put_u32(b, (uint32_t)n);
	buf_add(b, s, n);
}

const unsigned char *codec_take(struct codec_cursor *c, size_t n)
{
	if (c->bad || n > c->left) {
		c->bad = true;
		return NULL;
	}
	const unsigned char *p = c->p;
	c->p += n;
	c->left -= n;
	return p;
}

unsigned codec_get_u8(struct codec_cursor *c)
{
	const unsigned char *p = codec_take(c, 1);
	return p ? p[0] : 0;
}

uint32_t codec_get_u32(struct codec_cursor *c)
{
	const unsigned char *p = codec_take(c, 4);
	return p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24 : 0;
}

uint64_t codec_get_u64(struct codec_cursor *c)
{
	uint64_t lo = codec_get_u32(c);
	return lo | (uint64_t)codec_get_u32(c) << 32;
}

struct codec_span codec_get_str(struct codec_cursor *c)
{
	uint32_t n = codec_get_u32(c);
	const unsigned char *p = codec_take(c, n);
	if (p && memchr(p, '\0', n))
		c->bad = true;
	return c->bad ? (struct codec_span){ "", 0 } : (struct codec_span){ (const char *)p, n };
}

bool codec_span_is(struct codec_span s, const char *want)
{
	return s.n == strlen(want) && !memcmp(s.s, want, s.n);
}

char *codec_span_dup(struct codec_span s)
{
	return xstrndup(s.s, s.n);
}
