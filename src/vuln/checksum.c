/*
 * checksum.c — the "#CHECKSUM SHA1 ..." and "#CHECKSUM SHA512 ..." lines of
 * the distributed pkg-vulnerabilities file. They are what pkg_admin trusts
 * when no signature is checked, so we verify them exactly as pkg_install
 * does: the same bytes hashed, the same lowercase hex, a mismatch or an
 * unknown algorithm refusing the list. Hashes come from OpenSSL, never from
 * home-made code; libcrypto is loaded (dl/) only when a list carries such a
 * line, so a list without one is checked without it.
 *
 * What is hashed: the text from its start up to the PGP signature (the line
 * "-----BEGIN PGP SIGNATURE" or pkg_install's stop word "Version:"), minus
 * blank lines and lines starting "-----BEGIN", "Hash:", "# $NetBSD" or
 * "#CHECKSUM" — so the checksum survives the signing and the CVS keyword.
 */
#include "vuln/vuln.h"

#include "dl/dl.h"

#include <ctype.h>
#include <string.h>

static const EVP_MD *sha512(const struct libcrypto *c) { return c->EVP_sha512(); }
static const EVP_MD *sha1(const struct libcrypto *c) { return c->EVP_sha1(); }

static const struct {
	const char *name;
	const EVP_MD *(*md)(const struct libcrypto *c);
} algorithms[] = {
	{ "SHA512", sha512 },
	{ "SHA1", sha1 },
};

static bool skipped_line(const char *p, size_t len)
{
	static const char *const prefixes[] = { "-----BEGIN", "Hash:", "# $NetBSD", "#CHECKSUM" };
	if (len == 0 || *p == '\n')
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
		size_t n = strlen(prefixes[i]);
		if (len >= n && memcmp(p, prefixes[i], n) == 0)
			return true;
	}
	return false;
}

static bool stop_line(const char *p, size_t len)
{
	static const char sig[] = "-----BEGIN PGP SIGNATURE";
	return (len >= sizeof(sig) - 1 && memcmp(p, sig, sizeof(sig) - 1) == 0) ||
	       (len >= 8 && memcmp(p, "Version:", 8) == 0);
}

/* Hash the checked part of text; hex receives lowercase hex digits. */
static int hash_text(const struct libcrypto *c, const EVP_MD *md, const char *text, size_t len,
		     char *hex, size_t hexlen, struct herr *err)
{
	EVP_MD_CTX *ctx = c->EVP_MD_CTX_new();
	if (!ctx || c->EVP_DigestInit_ex(ctx, md, NULL) != 1) {
		c->EVP_MD_CTX_free(ctx);
		return herr_set(err, "cannot initialise %s digest", c->EVP_MD_get0_name(md));
	}
	const char *run = text, *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *next = nl ? nl + 1 : end;
		size_t linelen = (size_t)(next - p);
		if (stop_line(p, linelen))
			break;
		if (skipped_line(p, linelen)) {
			c->EVP_DigestUpdate(ctx, run, (size_t)(p - run));
			run = next;
		}
		p = next;
	}
	c->EVP_DigestUpdate(ctx, run, (size_t)(p - run));
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	c->EVP_DigestFinal_ex(ctx, digest, &dlen);
	c->EVP_MD_CTX_free(ctx);
	if (hexlen < 2 * dlen + 1)
		return herr_set(err, "digest buffer too small");
	for (unsigned int i = 0; i < dlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	return 0;
}

int vuln_checksum_verify(const char *text, size_t len, const char *rest, char *algorithm,
			 size_t algolen, struct herr *err)
{
	while (*rest == ' ' || *rest == '\t')
		rest++;
	size_t namelen = 0;
	while (isalnum((unsigned char)rest[namelen]))
		namelen++;
	snprintf(algorithm, algolen, "%.*s", (int)namelen, rest);
	const EVP_MD *(*md)(const struct libcrypto *c) = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(algorithms); i++)
		if (strlen(algorithms[i].name) == namelen && !strncmp(rest, algorithms[i].name, namelen))
			md = algorithms[i].md;
	if (namelen == 0)
		return herr_set(err, "#CHECKSUM without an algorithm name");
	if (!md)
		return herr_set(err, "unsupported checksum algorithm '%s' (SHA1 and SHA512 are known)",
				algorithm);
	const char *value = rest + namelen;
	if (*value != ' ' && *value != '\t')
		return herr_set(err, "invalid #CHECKSUM line: expected a space after '%s'", algorithm);
	while (*value == ' ' || *value == '\t')
		value++;
	const struct libcrypto *c = libcrypto_load(err);
	if (!c)
		return herr_prefix(err, "cannot verify #CHECKSUM %s", algorithm);
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	if (hash_text(c, md(c), text, len, hex, sizeof(hex), err) < 0)
		return -1;
	size_t hexlen = strlen(hex);
	size_t given = strspn(value, "0123456789abcdefABCDEF");
	const char *after = value + given;
	while (*after == ' ' || *after == '\t' || *after == '\r')
		after++;
	if (given == 0 || (*after != '\n' && *after != '\0'))
		return herr_set(err, "invalid #CHECKSUM %s line: expected one hexadecimal value", algorithm);
	if (given != hexlen || strncmp(value, hex, hexlen) != 0)
		return herr_set(err, "%s checksum mismatch: the list says %.*s..., its content hashes to %.16s... "
				"(the list was altered after it was checksummed)",
				algorithm, (int)(given > 16 ? 16 : given), value, hex);
	return 0;
}
