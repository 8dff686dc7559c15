/*
 * walk.c — expand command-line paths into files, like `find -H`: a path
 * named on the command line is followed even if it is a symlink; links met
 * inside a directory are not, unless asked (they may point out of the tree
 * being scanned, or loop). Directories are identified by (device, inode)
 * so a loop or a bind mount seen twice is skipped with a message.
 * Entries are sorted so that the output order does not depend on the
 * filesystem.
 */
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct dir_id {
	dev_t dev;
	ino_t ino;
};

struct walk {
	const struct walk_opts *o;
	struct strvec *files, *errors;
	struct dir_id *seen;
	size_t nseen, aseen;
};

static bool seen_before(struct walk *w, const struct stat *st)
{
	for (size_t i = 0; i < w->nseen; i++)
		if (w->seen[i].dev == st->st_dev && w->seen[i].ino == st->st_ino)
			return true;
	if (w->nseen == w->aseen) {
		w->aseen = w->aseen ? w->aseen * 2 : 64;
		w->seen = xrealloc(w->seen, w->aseen * sizeof(*w->seen));
	}
	w->seen[w->nseen++] = (struct dir_id){ st->st_dev, st->st_ino };
	return false;
}

/* True when an entry at path, named name, is left out by o's globs. */
static bool walk_excluded(const struct walk_opts *o, const char *path, const char *name)
{
	for (size_t i = 0; o->exclude && i < o->exclude->n; i++) {
		const char *glob = o->exclude->v[i];
		if (fnmatch(glob, strchr(glob, '/') ? path : name, 0) == 0)
			return true;
	}
	return false;
}

static void walk_one(struct walk *w, const char *path, bool top);

static void walk_dir(struct walk *w, const char *path, const struct stat *st)
{
	struct dirent **ents;
	if (seen_before(w, st)) {
		strvec_pushf(w->errors, "%s: directory already visited (a loop?); skipped", path);
		return;
	}
	int n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		strvec_pushf(w->errors, "%s: cannot read directory: %s", path, strerror(errno));
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		if (strcmp(name, ".") && strcmp(name, "..")) {
			char *child = xasprintf("%s%s%s", path, ends_with(path, "/") ? "" : "/", name);
			/* the directory entry's type spares a stat per plain file, the common case */
			if (walk_excluded(w->o, child, name))
				; /* left out, not descended */
			else if (ents[i]->d_type == DT_REG)
				strvec_push(w->files, child);
			else
				walk_one(w, child, false);
			free(child);
		}
		free(ents[i]);
	}
	free(ents);
}

static void walk_one(struct walk *w, const char *path, bool top)
{
	struct stat st;
	bool follow = top || w->o->follow;
	if ((follow ? stat(path, &st) : lstat(path, &st)) != 0) {
		strvec_pushf(w->errors, "%s: %s", path, strerror(errno));
		return;
	}
	if (S_ISDIR(st.st_mode))
		walk_dir(w, path, &st);
	else if (S_ISREG(st.st_mode) || (top && !S_ISLNK(st.st_mode)))
		strvec_push(w->files, path);
	/* symlinks not followed, sockets, fifos, devices: not files to scan */
}

void walk_paths(char *const *roots, size_t n, const struct walk_opts *o,
		struct strvec *files, struct strvec *errors)
{
	struct walk w = { .o = o, .files = files, .errors = errors };
	for (size_t i = 0; i < n; i++)
		walk_one(&w, roots[i], true);
	free(w.seen);
}
