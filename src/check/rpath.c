/*
 * rpath.c — which RPATH/RUNPATH entries let someone else choose the
 * libraries a program loads: relative paths (resolved against the current
 * directory), empty entries (same), and directories under /tmp-like trees
 * or world-writable on this host. $ORIGIN-relative entries are fine: they
 * stay inside the package.
 */
#include "check/check.h"

#include <string.h>
#include <sys/stat.h>

static bool is_tmp_like(const char *dir)
{
	static const char *const tmps[] = { "/tmp", "/var/tmp", "/dev/shm", "/run/shm" };
	for (size_t i = 0; i < ARRAY_SIZE(tmps); i++) {
		size_t n = strlen(tmps[i]);
		if (!strncmp(dir, tmps[i], n) && (dir[n] == '\0' || dir[n] == '/'))
			return true;
	}
	return false;
}

static const char *entry_problem(const char *dir)
{
	struct stat st;
	if (!*dir)
		return "empty (current directory)";
	if (starts_with(dir, "$ORIGIN") || starts_with(dir, "${ORIGIN}"))
		return NULL;
	if (dir[0] != '/')
		return "relative";
	if (is_tmp_like(dir))
		return "temporary directory";
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & S_IWOTH))
		return "world-writable";
	return NULL;
}

bool rpath_insecure_entries(const char *value, char *out, size_t outlen)
{
	size_t used = 0;
	bool any = false;
	const char *p = value;
	out[0] = '\0';
	for (;;) {
		size_t len = strcspn(p, ":");
		char dir[4096];
		if (len < sizeof(dir)) {
			memcpy(dir, p, len);
			dir[len] = '\0';
			const char *why = entry_problem(dir);
			if (why && used < outlen) {
				used += (size_t)snprintf(out + used, outlen - used, "%s'%s' (%s)", any ? ", " : "", dir, why);
				any = true;
			}
		}
		if (!p[len])
			break;
		p += len + 1;
	}
	return any;
}
