/*
 * config.c — the settings pkgsrc users already have: pkg_install.conf(5)
 * (PKG_DBDIR, PKGVULNDIR, IGNORE_URL, CHECK_END_OF_LIFE,
 * GPG_KEYRING_PKGVULN) and the PKG_DBDIR / PKGVULNDIR environment
 * variables, so `harden audit` finds the same list and database as
 * pkg_admin on the same machine. Options given on the command line win;
 * cli/audit.c applies them on top.
 */
#include "vuln/vuln.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void set_string(char **slot, const char *value)
{
	free(*slot);
	*slot = xstrdup(value);
}

static void apply(struct vuln_config *c, const char *key, const char *value)
{
	if (!strcmp(key, "PKG_DBDIR"))
		set_string(&c->pkg_dbdir, value);
	else if (!strcmp(key, "PKGVULNDIR"))
		set_string(&c->pkgvulndir, value);
	else if (!strcmp(key, "GPG_KEYRING_PKGVULN"))
		set_string(&c->gpg_keyring, value);
	else if (!strcmp(key, "CHECK_END_OF_LIFE"))
		c->check_eol = !strcasecmp(value, "yes");
	else if (!strcmp(key, "IGNORE_URL"))
		strvec_push(&c->ignore_urls, value); /* one URL per line, repeatable */
	/* other pkg_install.conf keys concern other tools */
}

int vuln_config_load(struct vuln_config *c, const char *path, bool must_exist, struct herr *err)
{
	struct buf b = { 0 };
	if (!must_exist && access(path, F_OK) != 0)
		return 0;
	if (read_file(path, &b, err) < 0)
		return -1;
	size_t no = 0;
	for (char *line = b.p, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		no++;
		char *s = str_trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			buf_free(&b);
			return herr_set(err, "%s:%zu: expected VARIABLE=value", path, no);
		}
		*eq = '\0';
		apply(c, str_trim(s), str_trim(eq + 1));
	}
	buf_free(&b);
	return 0;
}

void vuln_config_environment(struct vuln_config *c)
{
	const char *v;
	if ((v = getenv("PKG_DBDIR")) && *v)
		set_string(&c->pkg_dbdir, v);
	if ((v = getenv("PKGVULNDIR")) && *v)
		set_string(&c->pkgvulndir, v);
}

void vuln_config_defaults(struct vuln_config *c)
{
	if (!c->pkg_dbdir)
		c->pkg_dbdir = xstrdup(access("/usr/pkg/pkgdb", F_OK) == 0 ? "/usr/pkg/pkgdb" : "/var/db/pkg");
	if (!c->pkgvulndir)
		c->pkgvulndir = xstrdup(c->pkg_dbdir);
}

void vuln_config_free(struct vuln_config *c)
{
	free(c->pkg_dbdir);
	free(c->pkgvulndir);
	free(c->gpg_keyring);
	strvec_clear(&c->ignore_urls);
	memset(c, 0, sizeof(*c));
}
