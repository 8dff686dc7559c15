/*
 * seccomp.c — the system-call filter (libseccomp): the kernel interfaces a
 * build never needs, denied with EPERM so that programs see an ordinary
 * "Operation not permitted" and fail or fall back gracefully.
 *
 * Denied: inet, packet and netlink sockets (AF_UNIX stays: make -j's
 * jobserver and many test suites use it; network = loopback allows inet and
 * netlink, the network namespace then being the boundary); chmod to setuid
 * or setgid; ptrace and process_vm_*; kexec; module loading; mount and the
 * new mount API, pivot_root, unshare/setns and namespace flags to clone
 * (a nested user namespace would hand back every capability); keyctl;
 * bpf; perf_event_open; userfaultfd; io_uring (whose IORING_OP_SOCKET would
 * bypass the socket rule); the TIOCSTI terminal injection ioctl.
 * clone3 gets ENOSYS: its flags live in memory a filter cannot read, and
 * glibc falls back to clone, whose flags we can check.
 *
 * The filter is the default-allow kind: a build uses hundreds of syscalls
 * and an allow-list would break the next compiler release. Syscalls of a
 * foreign architecture (i386 via int 0x80 on x86_64) are killed, which is
 * libseccomp's default for architectures not added to the filter.
 * `allow-syscall = NAME` lifts our rule for NAME; --seccomp-log logs
 * instead of denying, to find out what a failing build needs.
 */
#include "sandbox/sandbox.h"

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* fchmodat2 (Linux 6.6) postdates libseccomp 2.5; same number on these arches. */
#if defined(__x86_64__) || defined(__aarch64__)
#define NR_FCHMODAT2 452
#endif

struct filter {
	scmp_filter_ctx ctx;
	const struct sandbox_opts *o;
	uint32_t deny;
};

static bool allowed(const struct filter *f, const char *name)
{
	return strvec_has(&f->o->allow_syscalls, name);
}

static int rule(struct filter *f, uint32_t action, const char *name, unsigned n,
		const struct scmp_arg_cmp *args, struct herr *err)
{
	if (allowed(f, name))
		return 0;
	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR)
		return 0; /* not on this architecture */
	int rc = seccomp_rule_add_array(f->ctx, action, nr, n, args);
	if (rc < 0)
		return herr_set(err, "seccomp: cannot add the rule for %s: %s", name, strerror(-rc));
	return 0;
}

static int deny(struct filter *f, const char *name, struct herr *err)
{
	return rule(f, f->deny, name, 0, NULL, err);
}

static int deny_arg(struct filter *f, const char *name, struct scmp_arg_cmp cmp, struct herr *err)
{
	return rule(f, f->deny, name, 1, &cmp, err);
}

/*
 * The domain is an int: the kernel reads the low 32 bits of the register
 * and ignores the rest, so the rule compares only those (an SCMP_CMP_EQ
 * on all 64 bits let socket(AF_INET | garbage << 32) through).
 */
static int deny_sockets(struct filter *f, struct herr *err)
{
	int families[] = { AF_INET, AF_INET6, AF_NETLINK, AF_PACKET };
	size_t n = f->o->network == SANDBOX_NET_LOOPBACK ? 1 : ARRAY_SIZE(families);
	const int *fam = f->o->network == SANDBOX_NET_LOOPBACK ? &families[3] : families;
	for (size_t i = 0; i < n; i++)
		if (deny_arg(f, "socket", SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, (scmp_datum_t)fam[i]), err) < 0)
			return -1;
	return 0;
}

static int deny_setid_chmod(struct filter *f, struct herr *err)
{
	const scmp_datum_t bits[] = { S_ISUID, S_ISGID };
	for (size_t i = 0; i < ARRAY_SIZE(bits); i++) {
		if (deny_arg(f, "chmod", SCMP_A1(SCMP_CMP_MASKED_EQ, bits[i], bits[i]), err) < 0 ||
		    deny_arg(f, "fchmod", SCMP_A1(SCMP_CMP_MASKED_EQ, bits[i], bits[i]), err) < 0 ||
		    deny_arg(f, "fchmodat", SCMP_A2(SCMP_CMP_MASKED_EQ, bits[i], bits[i]), err) < 0)
			return -1;
#ifdef NR_FCHMODAT2
		if (!allowed(f, "fchmodat2")) {
			struct scmp_arg_cmp cmp = SCMP_A2(SCMP_CMP_MASKED_EQ, bits[i], bits[i]);
			int rc = seccomp_rule_add_array(f->ctx, f->deny, NR_FCHMODAT2, 1, &cmp);
			if (rc < 0)
				return herr_set(err, "seccomp: cannot add the rule for fchmodat2: %s", strerror(-rc));
		}
#endif
	}
	return 0;
}

static int deny_namespaces(struct filter *f, struct herr *err)
{
	const scmp_datum_t flags[] = { CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET,
				       CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWCGROUP, CLONE_NEWTIME };
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
		if (deny_arg(f, "clone", SCMP_A0(SCMP_CMP_MASKED_EQ, flags[i], flags[i]), err) < 0)
			return -1;
	if (deny(f, "unshare", err) < 0 || deny(f, "setns", err) < 0)
		return -1;
	return f->o->seccomp_log ? deny(f, "clone3", err)
				 : rule(f, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL, err);
}

static const char *const denied_outright[] = {
	"ptrace", "process_vm_readv", "process_vm_writev",
	"kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
	"mount", "umount", "umount2", "pivot_root", "move_mount", "open_tree", "fsopen",
	"fsconfig", "fsmount", "fspick", "mount_setattr",
	"keyctl", "add_key", "request_key",
	"bpf", "perf_event_open", "userfaultfd",
	"open_by_handle_at", "reboot", "swapon", "swapoff", "acct", "iopl", "ioperm",
	/* io_uring can open sockets (IORING_OP_SOCKET) without socket(2),
	 * out of this filter's sight. */
	"io_uring_setup", "io_uring_enter", "io_uring_register",
};

static int build_filter(struct filter *f, struct herr *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(denied_outright); i++)
		if (deny(f, denied_outright[i], err) < 0)
			return -1;
	if (deny_sockets(f, err) < 0 || deny_setid_chmod(f, err) < 0 || deny_namespaces(f, err) < 0)
		return -1;
	return deny_arg(f, "ioctl", SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCSTI), err);
}

/*
 * Compiling (libseccomp) and installing are split so that harden compiles
 * the filter while the sandbox's first process is busy with its mounts: the
 * two run in parallel and start-up is shorter by the compile time.
 */
int sandbox_seccomp_compile(const struct sandbox_opts *o, int fd, struct herr *err)
{
	struct filter f = { .o = o, .deny = o->seccomp_log ? SCMP_ACT_LOG : SCMP_ACT_ERRNO(EPERM) };
	f.ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!f.ctx)
		return herr_set(err, "seccomp: cannot initialise libseccomp");
	/* A binary tree over syscall numbers instead of a linear chain: every
	 * syscall of the build runs the filter, so its length is build time. */
	seccomp_attr_set(f.ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	int rc = build_filter(&f, err);
	if (rc == 0) {
		int xrc = seccomp_export_bpf(f.ctx, fd);
		if (xrc < 0)
			rc = herr_set(err, "seccomp: cannot export the filter: %s", strerror(-xrc));
	}
	seccomp_release(f.ctx);
	return rc;
}

int sandbox_seccomp_install(int fd, struct herr *err)
{
	struct buf prog = { 0 };
	char chunk[4096];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			buf_add(&prog, chunk, (size_t)n);
	int rc = 0;
	if (n < 0)
		rc = herr_set(err, "seccomp: cannot read the filter: %s", strerror(errno));
	else if (prog.len == 0 || prog.len % sizeof(struct sock_filter) ||
		 prog.len / sizeof(struct sock_filter) > BPF_MAXINSNS)
		rc = herr_set(err, "seccomp: no valid filter was compiled (%zu bytes)", prog.len);
	else {
		struct sock_fprog fprog = { .len = (unsigned short)(prog.len / sizeof(struct sock_filter)),
					    .filter = (struct sock_filter *)(void *)prog.p };
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0)
			rc = herr_set(err, "seccomp: cannot install the filter: %s", strerror(errno));
	}
	buf_free(&prog);
	return rc;
}
