/*
 * packages.c — the packages to audit, from wherever an administrator has
 * them: the installed-package database (PKG_DBDIR, one directory per
 * package, named NAME-VERSION), a pkg_summary(5) file from a binary
 * repository (plain or compressed), or a plain list of names.
 *
 * A JSON report of `harden scan` over package archives names the packages
 * its records come from ("package" and "version"), so a repository scanned
 * once can be audited from the report.
 *
 * Binary packages (NAME-VERSION.tgz and friends, or a directory of them: a
 * repository) are read with libarchive: their identity is the "@name" line
 * of +CONTENTS and PKGPATH in +BUILD_INFO, never the file name, which
 * anyone can change.
 *
 * A bad source entry (a dangling or unreadable pkgdb entry, a summary record
 * without PKGNAME, a name without a version) is recorded in set->problems,
 * with where it was found, and the rest is read: one broken package must
 * not hide the vulnerabilities of the others.
 */
#include "vuln/vuln.h"
#include "pkg/pkg.h"
#include "dl/dl.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool valid_pkgname(const char *name)
{
	const char *dash = strrchr(name, '-');
	return dash && dash != name && dash[1] != '\0';
}

void vuln_pkgs_add(struct vuln_pkgset *set, const char *name, const char *pkgpath)
{
	if (set->n == set->alloc) {
		set->alloc = set->alloc ? 2 * set->alloc : 256;
		set->v = xrealloc(set->v, set->alloc * sizeof(*set->v));
	}
	set->v[set->n++] = (struct vuln_pkg){
		.name = xstrdup(name), .pkgpath = pkgpath ? xstrdup(pkgpath) : NULL,
	};
}

/* Add name if it looks like NAME-VERSION, else record why not. */
static void add_checked(struct vuln_pkgset *set, const char *name, const char *pkgpath,
			const char *where, size_t line)
{
	if (valid_pkgname(name)) {
		vuln_pkgs_add(set, name, pkgpath);
		return;
	}
	if (line)
		strvec_pushf(&set->problems, "%s:%zu: '%s' is not a package name (NAME-VERSION)", where, line, name);
	else
		strvec_pushf(&set->problems, "%s: '%s' is not a package name (NAME-VERSION)", where, name);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct vuln_pkg *)a)->name, ((const struct vuln_pkg *)b)->name);
}

/* One pkgdb entry: a directory NAME-VERSION holding +CONTENTS. */
static void read_pkgdb_entry(struct vuln_pkgset *set, const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct stat st;
	if (stat(path, &st) != 0) {
		strvec_pushf(&set->problems, "%s: corrupt pkgdb entry: %s", path, strerror(errno));
	} else if (!S_ISDIR(st.st_mode)) {
		/* pkgdb.byfile.db and friends live here too: not packages */
	} else if (access(path, R_OK | X_OK) != 0) {
		strvec_pushf(&set->problems, "%s: unreadable pkgdb entry: %s", path, strerror(errno));
	} else {
		char *contents = xasprintf("%s/+CONTENTS", path);
		if (access(contents, F_OK) != 0)
			strvec_pushf(&set->problems, "%s: incomplete pkgdb entry (no +CONTENTS); audited by its name",
				     path);
		free(contents);
		add_checked(set, name, NULL, dir, 0);
	}
	free(path);
}

int vuln_pkgs_from_pkgdb(struct vuln_pkgset *set, const char *dir, struct herr *err)
{
	DIR *d = opendir(dir);
	if (!d)
		return herr_set(err, "%s: cannot read the package database: %s", dir, strerror(errno));
	size_t first = set->n;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		read_pkgdb_entry(set, dir, de->d_name);
	}
	closedir(d);
	/* readdir order is arbitrary; pkg_admin's output is by name */
	qsort(set->v + first, set->n - first, sizeof(*set->v), name_cmp);
	return 0;
}

/* Call fn on each line (without its newline); lines are numbered from 1. */
static void for_each_line(char *text, size_t len, void (*fn)(char *line, size_t no, void *ctx), void *ctx)
{
	size_t no = 0;
	for (size_t off = 0; off < len;) {
		char *line = text + off;
		char *nl = memchr(line, '\n', len - off);
		size_t n = nl ? (size_t)(nl - line) : len - off;
		off += n + 1;
		line[n] = '\0';
		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		fn(line, ++no, ctx);
	}
}

struct summary_ctx {
	struct vuln_pkgset *set;
	const char *path;
	char *name, *pkgpath;
	size_t start;
};

static void end_record(struct summary_ctx *c, size_t line)
{
	if (c->name)
		add_checked(c->set, c->name, c->pkgpath, c->path, c->start);
	else if (c->start)
		strvec_pushf(&c->set->problems, "%s:%zu: pkg_summary record without PKGNAME (ends line %zu)",
			     c->path, c->start, line);
	free(c->name);
	free(c->pkgpath);
	c->name = c->pkgpath = NULL;
	c->start = 0;
}

static void summary_line(char *line, size_t no, void *ctx)
{
	struct summary_ctx *c = ctx;
	if (*line == '\0') {
		end_record(c, no);
		return;
	}
	if (!c->start)
		c->start = no;
	if (starts_with(line, "PKGNAME=")) {
		free(c->name);
		c->name = xstrdup(line + 8);
	} else if (starts_with(line, "PKGPATH=")) {
		free(c->pkgpath);
		c->pkgpath = xstrdup(line + 8);
	} else if (!strchr(line, '=')) {
		strvec_pushf(&c->set->problems, "%s:%zu: not a VARIABLE=value line", c->path, no);
	}
}

int vuln_pkgs_from_summary(struct vuln_pkgset *set, const char *path, struct herr *err)
{
	struct buf b = { 0 };
	if (vuln_read_input(path, &b, NULL, err) < 0)
		return -1;
	if (memchr(b.p, '\0', b.len)) {
		buf_free(&b);
		return herr_set(err, "%s: NUL byte: not a pkg_summary file", path);
	}
	vuln_pkgs_parse_summary(set, b.p, b.len, path);
	buf_free(&b);
	return 0;
}

void vuln_pkgs_parse_summary(struct vuln_pkgset *set, char *text, size_t len, const char *where)
{
	struct summary_ctx c = { .set = set, .path = where };
	for_each_line(text, len, summary_line, &c);
	end_record(&c, 0);
}

struct names_ctx {
	struct vuln_pkgset *set;
	const char *path;
};

static void name_line(char *line, size_t no, void *ctx)
{
	struct names_ctx *c = ctx;
	line += strspn(line, " \t");
	size_t n = strlen(line);
	while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		line[--n] = '\0';
	if (n == 0 || *line == '#')
		return;
	add_checked(c->set, line, NULL, c->path, no);
}

int vuln_pkgs_from_names(struct vuln_pkgset *set, const char *path, struct herr *err)
{
	struct buf b = { 0 };
	if (read_file(path, &b, err) < 0)
		return -1;
	if (memchr(b.p, '\0', b.len)) {
		buf_free(&b);
		return herr_set(err, "%s: NUL byte: not a list of package names", path);
	}
	struct names_ctx c = { .set = set, .path = strcmp(path, "-") ? path : "(stdin)" };
	for_each_line(b.p, b.len, name_line, &c);
	buf_free(&b);
	return 0;
}

static void read_member(const struct libarchive *la, struct archive *a, struct buf *b)
{
	char chunk[16384];
	la_ssize_t n;
	while ((n = la->archive_read_data(a, chunk, sizeof(chunk))) > 0 && b->len < (1u << 24))
		buf_add(b, chunk, (size_t)n);
	if (!b->p)
		buf_add(b, "", 0);
}

/* One binary package: @name from +CONTENTS, PKGPATH from +BUILD_INFO,
 * read by pkg/'s metadata parsers (the ones `harden scan` uses). */
static void read_archive(const struct libarchive *la, struct vuln_pkgset *set, const char *path)
{
	struct archive *a = la->archive_read_new();
	la->archive_read_support_filter_all(a);
	la->archive_read_support_format_all(a);
	struct pkg_ident id = { 0 };
	struct archive_entry *e;
	if (la->archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		strvec_pushf(&set->problems, "%s: cannot open package: %s", path, la->archive_error_string(a));
		la->archive_read_free(a);
		return;
	}
	int r;
	bool contents = false;
	while ((r = la->archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *member = la->archive_entry_pathname(e);
		if (!member || member[0] != '+')
			break; /* metadata comes first in a package */
		struct buf b = { 0 };
		if (!strcmp(member, "+CONTENTS")) {
			read_member(la, a, &b);
			pkg_parse_contents(b.p, b.len, &id);
			contents = true;
		} else if (!strcmp(member, "+BUILD_INFO")) {
			read_member(la, a, &b);
			pkg_parse_build_info(b.p, b.len, &id);
		}
		buf_free(&b);
	}
	if (r != ARCHIVE_OK && r != ARCHIVE_EOF && !contents)
		strvec_pushf(&set->problems, "%s: not a readable package: %s", path, la->archive_error_string(a));
	else if (!id.name || !id.version)
		strvec_pushf(&set->problems, "%s: no @name NAME-VERSION in +CONTENTS: not a pkgsrc binary package",
			     path);
	else {
		char *name = xasprintf("%s-%s", id.name, id.version);
		add_checked(set, name, id.origin, path, 0);
		free(name);
	}
	pkg_ident_free(&id);
	la->archive_read_free(a);
}

static bool package_file_name(const char *n)
{
	static const char *const exts[] = { ".tgz", ".tbz", ".txz", ".tzst", ".tar.gz", ".tar.bz2", ".tar.xz" };
	for (size_t i = 0; i < ARRAY_SIZE(exts); i++)
		if (ends_with(n, exts[i]))
			return true;
	return false;
}

int vuln_pkgs_from_archives(struct vuln_pkgset *set, const char *path, struct herr *err)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return herr_set(err, "%s: %s", path, strerror(errno));
	const struct libarchive *la = libarchive_load(err);
	if (!la)
		return herr_prefix(err, "%s", path);
	if (!S_ISDIR(st.st_mode)) {
		read_archive(la, set, path);
		return 0;
	}
	DIR *d = opendir(path);
	if (!d)
		return herr_set(err, "%s: cannot read the repository: %s", path, strerror(errno));
	struct strvec files = { 0 };
	struct dirent *de;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && package_file_name(de->d_name))
			strvec_pushf(&files, "%s/%s", path, de->d_name);
	closedir(d);
	if (files.n)
		qsort(files.v, files.n, sizeof(char *), str_cmp);
	for (size_t i = 0; i < files.n; i++)
		read_archive(la, set, files.v[i]);
	strvec_clear(&files);
	return 0;
}

struct scan_ctx {
	struct vuln_pkgset *set;
	const char *path;
	struct strvec seen;
};

/* One JSON record of `harden scan --format json`: its package identity. */
static void scan_line(char *line, size_t no, void *ctx)
{
	struct scan_ctx *c = ctx;
	if (!*line)
		return;
	json_error_t jerr;
	json_t *o = json_loads(line, 0, &jerr);
	if (!json_is_object(o)) {
		strvec_pushf(&c->set->problems, "%s:%zu: not a JSON object: %s", c->path, no,
			     o ? "another JSON value" : jerr.text);
		json_decref(o);
		return;
	}
	const char *pkg = json_string_value(json_object_get(o, "package"));
	const char *ver = json_string_value(json_object_get(o, "version"));
	if (pkg && *pkg) {
		char *name = ver && *ver ? xasprintf("%s-%s", pkg, ver) : xstrdup(pkg);
		if (!strvec_has(&c->seen, name)) { /* one record per ELF member: once per package */
			strvec_push(&c->seen, name);
			add_checked(c->set, name, NULL, c->path, no);
		}
		free(name);
	}
	json_decref(o);
}

int vuln_pkgs_from_scan_report(struct vuln_pkgset *set, const char *path, struct herr *err)
{
	struct buf b = { 0 };
	if (read_file(path, &b, err) < 0)
		return -1;
	struct scan_ctx c = { .set = set, .path = strcmp(path, "-") ? path : "(stdin)" };
	for_each_line(b.p, b.len, scan_line, &c);
	strvec_clear(&c.seen);
	buf_free(&b);
	return 0;
}

void vuln_pkgs_add_arg(struct vuln_pkgset *set, const char *name)
{
	add_checked(set, name, NULL, "argument", 0);
}

void vuln_pkgs_free(struct vuln_pkgset *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->v[i].name);
		free(set->v[i].pkgpath);
	}
	free(set->v);
	strvec_clear(&set->problems);
	memset(set, 0, sizeof(*set));
}
