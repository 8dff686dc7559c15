/*
 * config.c — the one configuration syntax of harden: "key = value" lines,
 * '#' comments, blank lines ignored, surrounding blanks trimmed. Every
 * problem names file and line. /etc/harden.conf, then $HARDEN_CONF, then
 * flags: each later source overrides the earlier.
 */
#include "util/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int config_load(const char *path, config_fn fn, void *ctx, struct herr *err)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : herr_set(err, "%s: cannot open: %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, rc = 0;
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		line[strcspn(line, "\n")] = '\0';
		char *s = str_trim(line);
		if (!*s)
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			rc = herr_set(err, "%s:%d: expected 'key = value'", path, lineno);
			break;
		}
		*eq = '\0';
		char *key = str_trim(s), *value = str_trim(eq + 1);
		if (!*key) {
			rc = herr_set(err, "%s:%d: empty key", path, lineno);
			break;
		}
		if (fn(key, value, ctx, err) != 0) {
			rc = herr_prefix(err, "%s:%d", path, lineno);
			break;
		}
	}
	free(line);
	fclose(f);
	return rc;
}
