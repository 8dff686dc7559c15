/*
 * ident.c — who a package is, from the metadata it carries.
 *
 * Each format says it differently: pkgsrc "@name openssh-9.6p1nb2" in
 * +CONTENTS with PKGPATH and MACHINE_ARCH in +BUILD_INFO; Debian
 * "Package:"/"Version:"/"Architecture:" in control; Alpine "pkgname = " in
 * .PKGINFO; rpm tags in its header (rpm.c). The texts are untrusted and not
 * NUL-terminated: everything is read by length. The first value wins, so a
 * repeated field cannot override the real one.
 */
#include "pkg/pkg.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void pkg_ident_free(struct pkg_ident *id)
{
	free(id->name);
	free(id->version);
	free(id->arch);
	free(id->origin);
	memset(id, 0, sizeof(*id));
}

/* Call fn(line, len) for each line of text[0..n). */
static void each_line(const char *text, size_t n, void (*fn)(const char *, size_t, struct pkg_ident *),
		      struct pkg_ident *id)
{
	const char *end = text + n;
	while (text < end) {
		const char *nl = memchr(text, '\n', (size_t)(end - text));
		size_t len = nl ? (size_t)(nl - text) : (size_t)(end - text);
		if (len && text[len - 1] == '\r')
			len--;
		fn(text, len, id);
		text += len + 1;
		if (nl && text <= nl)
			text = nl + 1;
	}
}

/* If line starts with key (case-insensitively), set *slot to the trimmed rest. */
static bool take(const char *line, size_t len, const char *key, char **slot)
{
	size_t k = strlen(key);
	if (len < k || strncasecmp(line, key, k))
		return false;
	line += k;
	len -= k;
	while (len && isspace((unsigned char)*line))
		line++, len--;
	while (len && isspace((unsigned char)line[len - 1]))
		len--;
	if (!*slot && len && !memchr(line, '\0', len))
		*slot = xstrndup(line, len);
	return true;
}

void pkg_split_name_version(const char *s, struct pkg_ident *id)
{
	const char *dash = NULL;
	for (const char *p = s; *p; p++)
		if (*p == '-' && isdigit((unsigned char)p[1]))
			dash = p;
	if (!id->name)
		id->name = dash ? xstrndup(s, (size_t)(dash - s)) : xstrdup(s);
	if (!id->version && dash)
		id->version = xstrdup(dash + 1);
}

static void contents_line(const char *line, size_t len, struct pkg_ident *id)
{
	char *full = NULL;
	if (take(line, len, "@name ", &full) && full) {
		pkg_split_name_version(full, id);
		free(full);
	}
}

void pkg_parse_contents(const char *text, size_t n, struct pkg_ident *id)
{
	each_line(text, n, contents_line, id);
}

static void build_info_line(const char *line, size_t len, struct pkg_ident *id)
{
	if (!take(line, len, "PKGPATH=", &id->origin))
		take(line, len, "MACHINE_ARCH=", &id->arch);
}

void pkg_parse_build_info(const char *text, size_t n, struct pkg_ident *id)
{
	each_line(text, n, build_info_line, id);
}

static void control_line(const char *line, size_t len, struct pkg_ident *id)
{
	static const char *const keys[] = { "Package:", "Version:", "Architecture:", "Source:" };
	char **slots[] = { &id->name, &id->version, &id->arch, &id->origin };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (take(line, len, keys[i], slots[i]))
			return;
}

void pkg_parse_deb_control(const char *text, size_t n, struct pkg_ident *id)
{
	/* only the first paragraph: a control file has one, but be strict */
	const char *blank = NULL;
	for (size_t i = 0; i + 1 < n; i++)
		if (text[i] == '\n' && text[i + 1] == '\n') {
			blank = text + i;
			break;
		}
	each_line(text, blank ? (size_t)(blank - text) : n, control_line, id);
}

static void pkginfo_line(const char *line, size_t len, struct pkg_ident *id)
{
	static const char *const keys[] = { "pkgname =", "pkgver =", "arch =", "origin =" };
	char **slots[] = { &id->name, &id->version, &id->arch, &id->origin };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (take(line, len, keys[i], slots[i]))
			return;
}

void pkg_parse_pkginfo(const char *text, size_t n, struct pkg_ident *id)
{
	each_line(text, n, pkginfo_line, id);
}

void pkg_ident_from_filename(const char *path, struct pkg_ident *id)
{
	static const char *const exts[] = {
		".gz", ".bz2", ".xz", ".zst", ".lz4", ".tgz", ".tbz", ".tbz2", ".txz", ".tzst",
		".tar", ".cpio", ".zip", ".deb", ".rpm", ".apk",
	};
	const char *base = strrchr(path, '/');
	char *s = xstrdup(base ? base + 1 : path);
	for (bool again = true; again;) {
		again = false;
		for (size_t i = 0; i < ARRAY_SIZE(exts); i++)
			if (ends_with(s, exts[i]) && strlen(s) > strlen(exts[i])) {
				s[strlen(s) - strlen(exts[i])] = '\0';
				again = true;
			}
	}
	pkg_split_name_version(s, id);
	free(s);
}
