/*
 * cgroup.c — a pids cgroup to hold the process count when the caller is
 * root.
 *
 * Why: the kernel exempts processes whose real uid is host root from
 * RLIMIT_NPROC (copy_process checks INIT_USER), and a user namespace does
 * not change the real uid on the host. So for root, the fork-bomb limit is
 * a cgroup of our own with pids.max; for everyone else RLIMIT_NPROC, which
 * is counted per user namespace, already binds.
 */
#include "sandbox/sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_text(const char *path, const char *text, struct herr *err)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return herr_set(err, "cannot open %s: %s", path, strerror(errno));
	ssize_t n = write(fd, text, strlen(text));
	int saved = errno;
	close(fd);
	if (n != (ssize_t)strlen(text))
		return herr_set(err, "cannot write '%s' to %s: %s", text, path, strerror(saved));
	return 0;
}

/* A harden killed by SIGKILL cannot remove its cgroup; the next run
 * removes those whose harden is gone (rmdir refuses a populated one). */
static void remove_stale(const char *root)
{
	DIR *d = opendir(root);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (!starts_with(de->d_name, "harden-sandbox."))
			continue;
		int pid = atoi(de->d_name + strlen("harden-sandbox."));
		if (pid > 0 && kill(pid, 0) < 0 && errno == ESRCH) {
			char path[512];
			snprintf(path, sizeof(path), "%s/%s", root, de->d_name);
			rmdir(path);
		}
	}
	if (d)
		closedir(d);
}

int sandbox_cgroup_create(const char *root, rlim_t max, char *path, size_t pathlen,
			  struct herr *err)
{
	remove_stale(root);
	snprintf(path, pathlen, "%s/harden-sandbox.%d", root, (int)getpid());
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return herr_set(err, "pids cgroup: cannot create %s: %s", path, strerror(errno));
	char file[512], value[32];
	snprintf(file, sizeof(file), "%s/pids.max", path);
	if (max == RLIM_INFINITY)
		snprintf(value, sizeof(value), "max");
	else
		snprintf(value, sizeof(value), "%llu", (unsigned long long)max);
	if (write_text(file, value, err) < 0) {
		rmdir(path);
		return herr_prefix(err, "pids cgroup");
	}
	return 0;
}

int sandbox_cgroup_add(const char *path, int pid, struct herr *err)
{
	char file[512], value[32];
	snprintf(file, sizeof(file), "%s/cgroup.procs", path);
	snprintf(value, sizeof(value), "%d", pid);
	if (write_text(file, value, err) < 0)
		return herr_prefix(err, "pids cgroup");
	return 0;
}

void sandbox_cgroup_remove(const char *path)
{
	/* The processes are gone by now; a busy cgroup is retried briefly
	 * because the kernel frees exiting tasks asynchronously. */
	for (int i = 0; i < 100 && rmdir(path) < 0 && errno == EBUSY; i++)
		usleep(1000);
}
