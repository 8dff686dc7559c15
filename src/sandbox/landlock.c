/*
 * landlock.c — restrict writes to the build, output and temporary trees,
 * and (ABI >= 4) forbid TCP bind and connect, with raw Landlock syscalls.
 *
 * Why Landlock when namespaces already hide the host: it is the layer that
 * still works where unprivileged user namespaces are disabled, and inside
 * the namespaces it is a second wall should a bind mount be writable by
 * mistake. Reads and execution are not restricted: a build reads the whole
 * toolchain, and the mount namespace already decides what is visible.
 *
 * We use the best ABI the kernel reports and only the access rights that
 * ABI knows (asking for more makes landlock_create_ruleset fail). Debian
 * 12's <linux/landlock.h> stops at ABI 2, so the later constants and the
 * larger ruleset attribute are declared here, with the kernel's values.
 */
#include "sandbox/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#define LL_NET_BIND_TCP (1ULL << 0)
#define LL_NET_CONNECT_TCP (1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LL_SCOPE_SIGNAL (1ULL << 1)

/* struct landlock_ruleset_attr as of ABI 6; the kernel accepts the larger
 * size from older-ABI callers as long as the unknown fields are zero. */
struct ll_ruleset_attr {
	__u64 handled_access_fs;
	__u64 handled_access_net;
	__u64 scoped;
};

struct ll_path_beneath {
	__u64 allowed_access;
	__s32 parent_fd;
} __attribute__((packed));

#define WRITE_ACCESS_ABI1                                                                      \
	(LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |                       \
	 LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |                       \
	 LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK | \
	 LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM)

int sandbox_landlock_probe_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	return abi < 0 ? 0 : (int)abi;
}

static __u64 write_access(int abi)
{
	__u64 a = WRITE_ACCESS_ABI1;
	if (abi >= 2)
		a |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		a |= LANDLOCK_ACCESS_FS_TRUNCATE;
	return a;
}

/* Allow writes beneath path; a missing path is not an error (e.g. no /dev/tty). */
static int allow_writes(int ruleset, const char *path, int abi, bool files_only, struct herr *err)
{
	int fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return herr_set(err, "Landlock: cannot open %s: %s", path, strerror(errno));
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return herr_set(err, "Landlock: cannot stat %s: %s", path, strerror(errno));
	}
	/* Only file rights may be granted on a non-directory. */
	__u64 file_rights = LANDLOCK_ACCESS_FS_WRITE_FILE | (abi >= 3 ? LANDLOCK_ACCESS_FS_TRUNCATE : 0);
	struct ll_path_beneath rule = {
		.allowed_access = (!S_ISDIR(st.st_mode) || files_only) ? file_rights : write_access(abi),
		.parent_fd = fd,
	};
	long rc = syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
	int saved = errno;
	close(fd);
	if (rc < 0)
		return herr_set(err, "Landlock: cannot allow writes beneath %s: %s", path, strerror(saved));
	return 0;
}

static int add_rules(int ruleset, const struct sandbox_opts *o, int abi, bool namespaced,
		     const char *const *scratch, struct herr *err)
{
	static const char *const devices[] = { "/dev/null", "/dev/zero", "/dev/full", "/dev/tty",
					       "/dev/ptmx", "/dev/random", "/dev/urandom" };
	if (o->build_dir && allow_writes(ruleset, o->build_dir, abi, false, err) < 0)
		return -1;
	if (o->out_dir && allow_writes(ruleset, o->out_dir, abi, false, err) < 0)
		return -1;
	for (size_t i = 0; scratch && scratch[i]; i++)
		if (allow_writes(ruleset, scratch[i], abi, false, err) < 0)
			return -1;
	/* A --tmpfs path is a private tmpfs only with a mount namespace; without
	 * one it would be the host's directory, which stays read-only. */
	for (size_t i = 0; i < o->n_mounts; i++) {
		enum sandbox_mount_kind kind = o->mounts[i].kind;
		if ((kind == SANDBOX_RW || (kind == SANDBOX_TMPFS && namespaced)) &&
		    allow_writes(ruleset, o->mounts[i].path, abi, false, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(devices); i++)
		if (allow_writes(ruleset, devices[i], abi, false, err) < 0)
			return -1;
	/* Terminals: writing to a pty is fine, creating files under /dev/pts is not. */
	return allow_writes(ruleset, "/dev/pts", abi, true, err);
}

int sandbox_landlock_apply(const struct sandbox_opts *o, int abi, bool net, bool namespaced,
			   const char *const *scratch, struct herr *err)
{
	struct ll_ruleset_attr attr = { .handled_access_fs = write_access(abi) };
	if (net && abi >= 4)
		attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
	if (abi >= 6)
		attr.scoped = LL_SCOPE_ABSTRACT_UNIX_SOCKET | LL_SCOPE_SIGNAL;
	size_t size = abi >= 6 ? sizeof(attr) : abi >= 4 ? 2 * sizeof(__u64) : sizeof(__u64);
	int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	if (ruleset < 0)
		return herr_set(err, "Landlock: cannot create a ruleset (ABI %d): %s", abi, strerror(errno));
	int rc = add_rules(ruleset, o, abi, namespaced, scratch, err);
	if (rc == 0 && syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
		rc = herr_set(err, "Landlock: cannot restrict the sandbox: %s", strerror(errno));
	close(ruleset);
	return rc;
}
