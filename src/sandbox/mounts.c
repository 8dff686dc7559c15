/*
 * mounts.c — assemble the sandbox's file system and make it the root.
 *
 * Runs in the first process of the new namespaces, which holds every
 * capability of the new user namespace and none of the host's. The new
 * root is a tmpfs holding only: read-only bind mounts of the host's /usr
 * and /bin, /sbin, /lib* (recreated as symlinks on merged-/usr systems), a
 * few /etc files a toolchain needs (not /etc/shadow, not the host's
 * resolv.conf), a tmpfs /tmp, /var/tmp and $HOME, a minimal /dev, a fresh
 * /proc that shows only the sandbox's processes, and the user's mounts
 * (build, out, --ro, --rw, --tmpfs) at their host paths, so that paths
 * compiled into the result are the same inside and outside.
 *
 * The sequence is bubblewrap's, which is proven: a scratch tmpfs becomes
 * the root by pivot_root with the host's root kept at /oldroot as the
 * source of the bind mounts; /oldroot is then detached and a second
 * pivot_root makes /newroot the root. Finally the root tmpfs itself is made
 * read-only: nothing outside the listed writable places can be created.
 */
#include "sandbox/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BASE "/tmp"

static const char *const system_dirs[] = { "usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32" };

/* /etc entries a compiler, make, shell and perl/python need; nothing secret. */
static const char *const etc_entries[] = {
	"alternatives", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "nsswitch.conf", "hosts",
	"localtime", "timezone", "os-release", "debian_version", "dpkg", "protocols", "services",
	"mime.types", "ssl", "perl", "python3", "bash.bashrc", "profile", "shells", "inputrc",
	"magic", "magic.mime", "gai.conf", "host.conf", "locale.alias", "environment",
};

static const char *const devices[] = { "null", "zero", "full", "random", "urandom", "tty" };

/* Errors name the path as the sandbox will see it, not our scratch name. */
static int fail(struct herr *err, const char *what, const char *path)
{
	if (starts_with(path, "/newroot/"))
		path = strchr(path + 1, '/');
	return herr_set(err, "%s %s: %s", what, path, strerror(errno));
}

static int mount_tmpfs(const char *path, const char *mode, struct herr *err)
{
	char opts[64];
	snprintf(opts, sizeof(opts), "mode=%s", mode);
	if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		return fail(err, "cannot mount a tmpfs on", path);
	return 0;
}

/*
 * mkdir -p under the new root; existing directories are fine. The leaf
 * first: its parent nearly always exists already, and then one mkdir is
 * the whole job (start-up is benchmarked, and this runs for every mount).
 */
static int make_dirs(const char *path, struct herr *err)
{
	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return fail(err, "cannot create directory", path);
	char *p = xstrdup(path);
	int rc = 0;
	for (char *s = p + 1; rc == 0; s++) {
		bool end = *s == '\0';
		if (*s == '/' || end) {
			*s = '\0';
			if (mkdir(p, 0755) < 0 && errno != EEXIST)
				rc = fail(err, "cannot create directory", p);
			if (end)
				break;
			*s = '/';
		}
	}
	free(p);
	return rc;
}

/* An empty file (a mount point for a file bind), its parents created. */
static int make_file(const char *path, struct herr *err)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int rc = 0;
	if (slash && slash != dir) {
		*slash = '\0';
		rc = make_dirs(dir, err);
	}
	free(dir);
	if (rc < 0)
		return -1;
	struct stat st;
	if (lstat(path, &st) == 0)
		return 0; /* already there (e.g. inside another bind): mount over it */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 && errno != EEXIST)
		return fail(err, "cannot create mount point", path);
	if (fd >= 0)
		close(fd);
	return 0;
}

/*
 * Remount a bind read-only. The flags the host mount already has (nosuid,
 * nodev, noexec...) must be kept: a user namespace may not clear them
 * ("locked" mount flags), so a remount without them fails with EPERM.
 */
static int remount_ro(const char *path, struct herr *err)
{
	struct statvfs sv;
	if (statvfs(path, &sv) < 0)
		return fail(err, "cannot statvfs", path);
	unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY;
	if (sv.f_flag & ST_NOSUID)
		flags |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		flags |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		flags |= MS_NOEXEC;
	if (sv.f_flag & ST_NOATIME)
		flags |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME)
		flags |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME)
		flags |= MS_RELATIME;
	if (mount(NULL, path, NULL, flags, NULL) < 0)
		return fail(err, "cannot make read-only", path);
	return 0;
}

/* Bind /oldroot/SRC on /newroot/DST (same path), read-only unless rw. */
static int bind_host(const char *path, bool rw, struct herr *err)
{
	char *src = xasprintf("/oldroot%s", path);
	char *dst = xasprintf("/newroot%s", path);
	struct stat st;
	int rc = 0;
	if (stat(src, &st) < 0)
		rc = herr_set(err, "cannot bind %s: %s", path, strerror(errno));
	else if (S_ISDIR(st.st_mode) ? make_dirs(dst, err) < 0 : make_file(dst, err) < 0)
		rc = -1;
	else if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
		rc = herr_set(err, "cannot bind %s into the sandbox: %s", path, strerror(errno));
	else if (!rw)
		rc = remount_ro(dst, err);
	free(src);
	free(dst);
	return rc;
}

/* A host entry that is a symlink stays a symlink (merged /usr: /bin -> usr/bin). */
static int copy_symlink(int src_dir, int dst_dir, const char *name, const char *path, struct herr *err)
{
	char target[4096];
	ssize_t n = readlinkat(src_dir, name, target, sizeof(target) - 1);
	if (n < 0)
		return fail(err, "cannot read link", path);
	target[n] = '\0';
	if (symlinkat(target, dst_dir, name) < 0 && errno != EEXIST)
		return fail(err, "cannot create symlink", path);
	return 0;
}

/*
 * Copy a small configuration file into the root tmpfs: a snapshot is all a
 * build needs, and it is just as read-only once the root is remounted. The
 * kernel copies (sendfile): no buffer, one call for the whole file. Larger
 * files (ld.so.cache, mime.types) are bound instead: filling tmpfs pages
 * with them cost more than a bind (perf: page clearing and copying, ~80 us
 * of every start for 140 KiB).
 */
#define COPY_MAX (16 << 10)

static int copy_file(int src_dir, int dst_dir, const char *name, const char *path, off_t size,
		     struct herr *err)
{
	int in = openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return errno == EACCES ? 0 : fail(err, "cannot read", path); /* unreadable: leave it out */
	int out = openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0) {
		close(in);
		return fail(err, "cannot create", path);
	}
	int rc = 0;
	for (off_t done = 0; done < size;) {
		ssize_t n = sendfile(out, in, NULL, (size_t)(size - done));
		if (n < 0) {
			rc = fail(err, "cannot copy", path);
			break;
		}
		if (n == 0)
			break; /* the file shrank since we looked: copy what there is */
		done += n;
	}
	close(in);
	close(out);
	return rc;
}

/*
 * One /etc entry: files are copied, symlinks recreated, directories bound
 * read-only whole. A bind costs two mounts; copying a directory cost a walk
 * and a file per entry (/etc/dpkg alone took more syscalls than every
 * mount of the sandbox together), and a live read-only view is as good.
 */
static int add_etc_entry(int src_dir, int dst_dir, const char *name, struct herr *err)
{
	char path[256];
	snprintf(path, sizeof(path), "/etc/%s", name);
	struct stat st;
	if (fstatat(src_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : fail(err, "cannot stat", path);
	if (S_ISLNK(st.st_mode))
		return copy_symlink(src_dir, dst_dir, name, path, err);
	if (S_ISREG(st.st_mode) && st.st_size <= COPY_MAX)
		return copy_file(src_dir, dst_dir, name, path, st.st_size, err);
	return bind_host(path, false, err);
}

static int write_file(const char *path, const char *text, struct herr *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail(err, "cannot create", path);
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	if (n != (ssize_t)strlen(text))
		return fail(err, "cannot write", path);
	return 0;
}

/* passwd and group naming only root, the build user and nobody: the host's
 * list of accounts is none of the build's business, but `id` should work. */
static int write_identity(const struct sandbox_opts *o, struct herr *err)
{
	char text[512];
	unsigned uid = o->root_inside ? 0 : SANDBOX_BUILD_UID, gid = o->root_inside ? 0 : SANDBOX_BUILD_GID;
	snprintf(text, sizeof(text),
		 "root:x:0:0:root:/root:/bin/sh\n%s"
		 "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
		 uid ? "build:x:1000:1000:build:" SANDBOX_HOME ":/bin/sh\n" : "");
	if (write_file("/newroot/etc/passwd", text, err) < 0)
		return -1;
	snprintf(text, sizeof(text), "root:x:0:\n%snogroup:x:65534:\n", gid ? "build:x:1000:\n" : "");
	return write_file("/newroot/etc/group", text, err);
}

static int setup_etc(struct herr *err)
{
	if (make_dirs("/newroot/etc", err) < 0)
		return -1;
	int src = open("/oldroot/etc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (src < 0)
		return fail(err, "cannot open", "/etc");
	int dst = open("/newroot/etc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dst < 0) {
		close(src);
		return fail(err, "cannot open", "/newroot/etc");
	}
	int rc = 0;
	for (size_t i = 0; i < ARRAY_SIZE(etc_entries) && rc == 0; i++)
		rc = add_etc_entry(src, dst, etc_entries[i], err);
	close(src);
	close(dst);
	return rc;
}

/* /usr is bound; /bin, /sbin, /lib* are bound too, or recreated as the
 * symlinks into usr/ that they are on merged-/usr systems. */
static int setup_system_dirs(struct herr *err)
{
	int src = open("/oldroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int dst = open("/newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int rc = src < 0 || dst < 0 ? fail(err, "cannot open", src < 0 ? "/oldroot" : "/newroot") : 0;
	for (size_t i = 0; i < ARRAY_SIZE(system_dirs) && rc == 0; i++) {
		char path[64];
		struct stat st;
		snprintf(path, sizeof(path), "/%s", system_dirs[i]);
		if (fstatat(src, system_dirs[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
			rc = errno == ENOENT ? 0 : fail(err, "cannot stat", path);
		else if (S_ISLNK(st.st_mode))
			rc = copy_symlink(src, dst, system_dirs[i], path, err);
		else
			rc = bind_host(path, false, err);
	}
	if (src >= 0)
		close(src);
	if (dst >= 0)
		close(dst);
	return rc;
}

static int setup_system(const struct sandbox_opts *o, struct herr *err)
{
	if (setup_system_dirs(err) < 0 || setup_etc(err) < 0 || write_identity(o, err) < 0)
		return -1;
	if (make_dirs("/newroot/tmp", err) < 0 || mount_tmpfs("/newroot/tmp", "1777", err) < 0 ||
	    make_dirs("/newroot/var/tmp", err) < 0 || mount_tmpfs("/newroot/var/tmp", "1777", err) < 0 ||
	    make_dirs("/newroot" SANDBOX_HOME, err) < 0 || mount_tmpfs("/newroot" SANDBOX_HOME, "0755", err) < 0)
		return -1;
	return 0;
}

static int setup_dev(struct herr *err)
{
	if (make_dirs("/newroot/dev", err) < 0 || mount_tmpfs("/newroot/dev", "0755", err) < 0)
		return -1;
	char path[64];
	for (size_t i = 0; i < ARRAY_SIZE(devices); i++) {
		snprintf(path, sizeof(path), "/dev/%s", devices[i]);
		if (bind_host(path, true, err) < 0)
			return -1;
	}
	if (make_dirs("/newroot/dev/pts", err) < 0)
		return -1;
	if (mount("devpts", "/newroot/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=620") < 0)
		return fail(err, "cannot mount devpts on", "/dev/pts");
	if (make_dirs("/newroot/dev/shm", err) < 0 || mount_tmpfs("/newroot/dev/shm", "1777", err) < 0)
		return -1;
	static const char *const links[][2] = {
		{ "pts/ptmx", "/newroot/dev/ptmx" }, { "/proc/self/fd", "/newroot/dev/fd" },
		{ "/proc/self/fd/0", "/newroot/dev/stdin" }, { "/proc/self/fd/1", "/newroot/dev/stdout" },
		{ "/proc/self/fd/2", "/newroot/dev/stderr" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (symlink(links[i][0], links[i][1]) < 0)
			return fail(err, "cannot create symlink", links[i][1]);
	return 0;
}

/* A fresh /proc for the new pid namespace; /proc/sys read-only on top. */
static int setup_proc(struct herr *err)
{
	if (make_dirs("/newroot/proc", err) < 0)
		return -1;
	if (mount("proc", "/newroot/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return fail(err, "cannot mount proc on", "/proc");
	if (mount("/newroot/proc/sys", "/newroot/proc/sys", NULL, MS_BIND | MS_REC, NULL) < 0)
		return fail(err, "cannot bind", "/proc/sys");
	return remount_ro("/newroot/proc/sys", err);
}

static int cmp_mount_depth(const void *a, const void *b)
{
	const struct sandbox_mount *x = a, *y = b;
	size_t lx = strlen(x->path), ly = strlen(y->path);
	return lx < ly ? -1 : lx > ly;
}

static int setup_user_mounts(const struct sandbox_opts *o, struct herr *err)
{
	/* Parents before children: a --ro tree with a --rw subdirectory works. */
	size_t n = o->n_mounts + 2;
	struct sandbox_mount *m = xcalloc(n, sizeof(*m));
	size_t k = 0;
	if (o->build_dir)
		m[k++] = (struct sandbox_mount){ SANDBOX_RW, o->build_dir };
	if (o->out_dir)
		m[k++] = (struct sandbox_mount){ SANDBOX_RW, o->out_dir };
	for (size_t i = 0; i < o->n_mounts; i++)
		m[k++] = o->mounts[i];
	qsort(m, k, sizeof(*m), cmp_mount_depth);
	int rc = 0;
	for (size_t i = 0; i < k && rc == 0; i++) {
		if (m[i].kind == SANDBOX_TMPFS) {
			char *dst = xasprintf("/newroot%s", m[i].path);
			rc = make_dirs(dst, err) < 0 ? -1 : mount_tmpfs(dst, "0755", err);
			free(dst);
		} else {
			rc = bind_host(m[i].path, m[i].kind == SANDBOX_RW, err);
		}
	}
	free(m);
	return rc;
}

static int enter_scratch_root(struct herr *err)
{
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return fail(err, "cannot make mounts private:", "/");
	if (mount("tmpfs", BASE, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		return fail(err, "cannot mount the scratch tmpfs on", BASE);
	if (chdir(BASE) < 0 || mkdir("newroot", 0755) < 0 || mkdir("oldroot", 0755) < 0)
		return fail(err, "cannot prepare", BASE);
	if (mount("tmpfs", "newroot", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		return fail(err, "cannot mount the root tmpfs on", "newroot");
	if (syscall(SYS_pivot_root, BASE, "oldroot") < 0)
		return fail(err, "cannot pivot_root to", BASE);
	if (chdir("/") < 0)
		return fail(err, "cannot chdir to", "/");
	return 0;
}

/*
 * pivot_root(".", ".") stacks the scratch root, with the host's tree at
 * /oldroot beneath it, on top of the new root; one lazy unmount detaches
 * all of it. (Detaching /oldroot first, as bubblewrap does, costs a second
 * unmount, and each one waits for an RCU grace period.)
 */
static int enter_new_root(struct herr *err)
{
	if (chdir("/newroot") < 0)
		return fail(err, "cannot chdir to", "/newroot");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return fail(err, "cannot pivot_root to", "/newroot");
	if (umount2(".", MNT_DETACH) < 0)
		return fail(err, "cannot detach", "the scratch root and the host's");
	if (chdir("/") < 0)
		return fail(err, "cannot chdir to", "/");
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0)
		return fail(err, "cannot make read-only", "/");
	return 0;
}

int sandbox_setup_mounts(const struct sandbox_opts *o, struct herr *err)
{
	if (enter_scratch_root(err) < 0 || setup_system(o, err) < 0 || setup_dev(err) < 0 ||
	    setup_proc(err) < 0 || setup_user_mounts(o, err) < 0 || enter_new_root(err) < 0)
		return herr_prefix(err, "mount namespace");
	return 0;
}
