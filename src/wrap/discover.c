/*
 * discover.c — which name we were called by, and where the real compiler is.
 *
 * The wrapper sits first in PATH as cc, gcc, clang++... and must find the
 * compiler of the same name further down, never itself. "Itself" is decided
 * by device and inode (stat follows symlinks), so any symlink or hard link to
 * the harden binary is skipped, whatever it is called. Copies of harden are
 * a different inode; for them each wrapper adds its own dev:ino to
 * $HARDEN_CC_SEEN before exec'ing, and the next one skips all the wrappers
 * already seen: two wrapper directories in PATH resolve to the real compiler
 * instead of bouncing between each other.
 */
#include "wrap/wrap.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

bool wrap_compiler_name(const char *argv0, bool *cxx)
{
	static const char *const names[] = { "cc", "gcc", "c++", "g++", "clang", "clang++" };
	if (!argv0)
		return false;
	char *name = xstrdup(base_name(argv0));
	/* gcc-12, clang-14, x86_64-linux-gnu-gcc-12: drop a trailing -VERSION */
	char *dash = strrchr(name, '-');
	if (dash && dash[1] && strspn(dash + 1, "0123456789.") == strlen(dash + 1))
		*dash = '\0';
	bool hit = false;
	for (size_t i = 0; i < ARRAY_SIZE(names) && !hit; i++) {
		size_t n = strlen(name), m = strlen(names[i]);
		hit = !strcmp(name, names[i]) ||
		      (n > m + 1 && name[n - m - 1] == '-' && !strcmp(name + n - m, names[i]));
	}
	if (hit && cxx)
		*cxx = ends_with(name, "++");
	free(name);
	return hit;
}

int wrap_self_id(char *buf, size_t len, struct herr *err)
{
	struct stat st;
	if (stat("/proc/self/exe", &st) < 0)
		return herr_set(err, "/proc/self/exe: cannot stat: %s", strerror(errno));
	snprintf(buf, len, "%llx:%llx", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	return 0;
}

/* Is dev:ino of st in the ':'-separated list of dev:ino pairs? */
static bool listed(const char *list, const struct stat *st)
{
	char id[64];
	snprintf(id, sizeof(id), "%llx:%llx", (unsigned long long)st->st_dev,
		 (unsigned long long)st->st_ino);
	size_t n = strlen(id);
	for (const char *p = list; p && *p;) {
		if (!strncmp(p, id, n) && (p[n] == ':' || p[n] == '\0'))
			return true;
		/* skip one "dev:ino" pair */
		const char *c = strchr(p, ':');
		if (!c)
			break;
		c = strchr(c + 1, ':');
		if (!c)
			break;
		p = c + 1;
	}
	return false;
}

/* An executable regular file that is not a wrapper. 1 yes, 0 no, -1 a wrapper. */
static int usable_compiler(const char *path, const char *self, const char *seen)
{
	struct stat st;
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || access(path, X_OK) < 0)
		return 0;
	if (listed(self, &st) || listed(seen, &st))
		return -1;
	return 1;
}

int wrap_find_compiler(const char *name, const char *path_env, const char *seen,
		       char **out, struct herr *err)
{
	char self[64];
	if (wrap_self_id(self, sizeof(self), err) < 0)
		return -1;
	if (strchr(name, '/')) {
		int u = usable_compiler(name, self, seen);
		if (u == 1) {
			*out = xstrdup(name);
			return 0;
		}
		return herr_set(err, "%s: %s", name,
				u < 0 ? "is the harden wrapper itself, not a compiler (loop)"
				      : "not an executable file");
	}
	int skipped = 0;
	const char *p = path_env && *path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
	while (1) {
		size_t n = strcspn(p, ":");
		char *cand = n ? xasprintf("%.*s/%s", (int)n, p, name) : xasprintf("./%s", name);
		int u = usable_compiler(cand, self, seen);
		if (u == 1) {
			*out = cand;
			return 0;
		}
		skipped += u < 0;
		free(cand);
		if (!p[n])
			break;
		p += n + 1;
	}
	if (skipped)
		return herr_set(err, "no real compiler '%s' in PATH after the harden wrapper "
				     "(%d wrapper%s skipped); set HARDEN_CC or HARDEN_CXX",
				name, skipped, skipped == 1 ? "" : "s");
	return herr_set(err, "no compiler '%s' found in PATH", name);
}
