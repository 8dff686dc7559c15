/*
 * config.c — the per-package opt-out file (/etc/harden/cc.conf or
 * $HARDEN_CC_CONF), the wrapper's answer to pkgsrc's *_SUPPORTED=no and Nix's
 * hardeningDisable.
 *
 *     # comment
 *     /usr/pkgsrc/lang/lua54:   stackclash
 *     zlib:                     fortify, pie
 *     glibc*:                   all
 *
 * A pattern with a '/' matches when the build's working directory is that
 * directory or below it. Otherwise it is a name glob matched against
 * $HARDEN_PACKAGE when set, else against each component of the working
 * directory, with or without a "-VERSION" suffix (zlib matches
 * .../zlib-1.2.13.dfsg/). Rules add up: every matching line disables its
 * features. A line we cannot read, or an unknown feature, is an error with
 * the file and line: a silently ignored opt-out is a broken build later.
 */
#include "wrap/wrap.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

static int parse_line(char *line, int lineno, const char *file, struct wrap_conf *out,
		      struct herr *err)
{
	char *hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	char *s = str_trim(line);
	if (!*s)
		return 0;
	char *colon = strchr(s, ':');
	if (!colon)
		return herr_set(err, "%s:%d: expected 'PACKAGE: feature, ...'", file, lineno);
	*colon = '\0';
	char *pattern = str_trim(s);
	if (!*pattern)
		return herr_set(err, "%s:%d: missing package name or path before ':'", file, lineno);
	wrap_set set;
	struct herr e;
	if (wrap_parse_features(colon + 1, &set, &e) < 0)
		return herr_set(err, "%s:%d: %s", file, lineno, e.msg);
	out->rules = xrealloc(out->rules, (out->n + 1) * sizeof(*out->rules));
	out->rules[out->n++] = (struct wrap_conf_rule){ xstrdup(pattern), set, lineno };
	return 0;
}

int wrap_conf_parse(const char *text, size_t len, const char *file, struct wrap_conf *out,
		    struct herr *err)
{
	memset(out, 0, sizeof(*out));
	int lineno = 0;
	size_t i = 0;
	while (i < len) {
		size_t end = i;
		while (end < len && text[end] != '\n')
			end++;
		lineno++;
		char *line = xstrndup(text + i, end - i);
		bool bad = memchr(text + i, '\0', end - i) != NULL;
		int rc = bad ? herr_set(err, "%s:%d: NUL byte in line", file, lineno)
			     : parse_line(line, lineno, file, out, err);
		free(line);
		if (rc < 0) {
			wrap_conf_free(out);
			return -1;
		}
		i = end + 1;
	}
	return 0;
}

/* "zlib" matches "zlib" and "zlib-1.2.13": a name, then optionally -DIGIT... */
static bool name_matches(const char *pattern, const char *name)
{
	if (!fnmatch(pattern, name, 0))
		return true;
	const char *dash = name;
	while ((dash = strchr(dash, '-'))) {
		if (isdigit((unsigned char)dash[1])) {
			char *base = xstrndup(name, (size_t)(dash - name));
			bool m = !fnmatch(pattern, base, 0);
			free(base);
			if (m)
				return true;
		}
		dash++;
	}
	return false;
}

static bool dir_matches(const char *pattern, const char *cwd)
{
	size_t n = strlen(pattern);
	while (n > 1 && pattern[n - 1] == '/')
		n--;
	return !strncmp(cwd, pattern, n) && (cwd[n] == '\0' || cwd[n] == '/');
}

static bool component_matches(const char *pattern, const char *cwd)
{
	char *copy = xstrdup(cwd), *save = NULL;
	bool m = false;
	for (char *c = strtok_r(copy, "/", &save); c && !m; c = strtok_r(NULL, "/", &save))
		m = name_matches(pattern, c);
	free(copy);
	return m;
}

wrap_set wrap_conf_disabled(const struct wrap_conf *c, const char *cwd, const char *pkgname)
{
	wrap_set off = 0;
	for (size_t i = 0; i < c->n; i++) {
		const char *p = c->rules[i].pattern;
		bool m;
		if (strchr(p, '/'))
			m = cwd && dir_matches(p, cwd);
		else if (pkgname && *pkgname)
			m = name_matches(p, pkgname);
		else
			m = cwd && component_matches(p, cwd);
		if (m)
			off |= c->rules[i].disable;
	}
	return off;
}

void wrap_conf_free(struct wrap_conf *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->rules[i].pattern);
	free(c->rules);
	c->rules = NULL;
	c->n = 0;
}
