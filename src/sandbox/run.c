/*
 * run.c — start the sandbox, wait for it, and say how it ended.
 *
 * Three processes, like bubblewrap and nsjail:
 *   harden (outside)  compiles the seccomp filter (while init works),
 *                     forwards signals, enforces the wall-clock timeout,
 *                     and exits with the status;
 *   init (pid 1)      the first process of the new namespaces: maps its
 *                     ids, builds the file system, the hostname and
 *                     loopback, then starts the command (sharing its
 *                     memory until the exec) and reaps every orphan. Each
 *                     handoff between processes costs a wake-up, so there
 *                     are as few as the job allows. When the command
 *                     ends, init ends, and the kernel kills whatever is left
 *                     in the pid namespace: a daemonized test server cannot
 *                     outlive the build;
 *   the command       confined further (rlimits, no_new_privs, no
 *                     capabilities, Landlock, seccomp) and exec'd.
 * A setup error in init or the command travels back through a close-on-exec
 * pipe, so the caller gets "which step failed and why", and end of file on
 * that pipe means the command was exec'd.
 *
 * Without user namespaces (best effort), the command is a plain child;
 * harden becomes a child subreaper so that daemonized processes come back
 * to it and can be killed at the end.
 */
#include "sandbox/sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <grp.h>

extern char **environ;

#define NS_FLAGS (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)

/* The signals harden and init pass on to the command. */
static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

/*
 * SIGPIPE is blocked too: harden writes to pipes whose reader (init) may
 * have died; EPIPE is handled, and the children get the caller's mask back
 * before exec, so the command sees SIGPIPE as usual.
 */
static void block_signals(sigset_t *old)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGPIPE);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(&set, forwarded[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

/* Drop a SIGPIPE we provoked, then give the caller its mask back. */
static void restore_signals(const sigset_t *old)
{
	sigset_t pipe_only;
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	struct timespec zero = { 0, 0 };
	if (!sigismember(old, SIGPIPE))
		while (sigtimedwait(&pipe_only, NULL, &zero) == SIGPIPE)
			;
	sigprocmask(SIG_SETMASK, old, NULL);
}

static void noop_handler(int sig)
{
	(void)sig;
}

/*
 * Report a setup failure to the parent and die: used only in children. The
 * first byte says who failed: 'N' the namespace setup in init (best effort
 * may then run without namespaces), 'C' the command's own last steps.
 */
static void __attribute__((noreturn)) fail_as(char who, int errfd, const struct herr *e)
{
	char msg[sizeof(e->msg) + 1];
	msg[0] = who;
	size_t n = strlen(e->msg);
	memcpy(msg + 1, e->msg, n);
	if (write(errfd, msg, n + 1) < 0)
		_exit(126);
	_exit(127);
}

static void __attribute__((noreturn)) child_fail(int errfd, const struct herr *e)
{
	fail_as('C', errfd, e);
}

static void __attribute__((noreturn)) init_fail(int errfd, const struct herr *e)
{
	fail_as('N', errfd, e);
}

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

/*
 * Start fn(arg) in a child that shares our memory while we wait for it to
 * exec or exit (CLONE_VM | CLONE_VFORK, as posix_spawn does): no page
 * tables to copy, and none to tear down when it execs. A fork costs both,
 * and more so in the full harden with its libraries: start-up is
 * benchmarked. The child runs on a stack of its own, below which a guard
 * page stops an overflow, and never returns;
 * what it changes is its own (credentials, signal dispositions, limits,
 * filters, working directory belong to the task without CLONE_THREAD,
 * CLONE_SIGHAND or CLONE_FS), except memory: its allocations stay in our
 * heap, which nobody else uses while we wait. Under AddressSanitizer,
 * whose bookkeeping assumes one stack per thread, a plain fork.
 */
#define SPAWN_STACK (256 * 1024)
#if defined(__SANITIZE_ADDRESS__) /* gcc */
#define SPAWN_BY_FORK 1
#elif defined(__has_feature) /* clang */
#if __has_feature(address_sanitizer)
#define SPAWN_BY_FORK 1
#endif
#endif

static pid_t spawn_sharing_memory(int (*fn)(void *), void *arg)
{
#ifdef SPAWN_BY_FORK
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn(arg));
	return pid;
#else
	size_t guard = (size_t)sysconf(_SC_PAGESIZE);
	char *stack = mmap(NULL, guard + SPAWN_STACK, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return -1;
	pid_t pid = -1;
	if (mprotect(stack + guard, SPAWN_STACK, PROT_READ | PROT_WRITE) == 0)
		pid = clone(fn, stack + guard + SPAWN_STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, arg);
	int saved = errno;
	munmap(stack, guard + SPAWN_STACK);
	errno = saved;
	return pid;
#endif
}

/* The command: last confinement steps, then exec. Never returns. */
static void __attribute__((noreturn)) exec_command(const struct sandbox_opts *o,
						   const struct sandbox_plan *p,
						   const char *const *scratch, const char *home,
						   const char *tmp, const sigset_t *mask, int errfd, int bpffd)
{
	struct herr e;
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		signal(forwarded[i], SIG_DFL);
	sigprocmask(SIG_SETMASK, mask, NULL);
	if (o->build_dir && chdir(o->build_dir) < 0) {
		herr_set(&e, "cannot enter the build directory %s: %s", o->build_dir, strerror(errno));
		child_fail(errfd, &e);
	}
	if (sandbox_drop_privileges(&e) < 0)
		child_fail(errfd, &e);
	if (p->landlock && sandbox_landlock_apply(o, p->landlock_abi, p->landlock_net, p->namespaces, scratch, &e) < 0)
		child_fail(errfd, &e);
	struct strvec env = { 0 };
	sandbox_build_env(o, home, tmp, &env);
	environ = env.v;
	if (p->seccomp && sandbox_seccomp_install(bpffd, &e) < 0)
		child_fail(errfd, &e);
	/* Limits last: nothing of ours allocates after this (an address-space
	 * limit below what a sanitizer runtime has mapped would break us). */
	if (sandbox_apply_rlimits(o, &e) < 0)
		child_fail(errfd, &e);
	execvp(o->argv[0], o->argv);
	herr_set(&e, "cannot run %s: %s", o->argv[0], strerror(errno));
	child_fail(errfd, &e);
}

struct command_start {
	const struct sandbox_opts *o;
	const struct sandbox_plan *p;
	const sigset_t *mask;
	int errfd, bpffd;
};

static int command_main(void *arg)
{
	static const char *const scratch[] = { "/tmp", "/var/tmp", SANDBOX_HOME, "/dev/shm", NULL };
	const struct command_start *c = arg;
	exec_command(c->o, c->p, scratch, SANDBOX_HOME, NULL, c->mask, c->errfd, c->bpffd);
}

/* pid 1: reap everything; end with the command's status. */
static void __attribute__((noreturn)) reap_until(pid_t command)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(&set, forwarded[i]);
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);
		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			kill(command, sig);
			continue;
		}
		int status;
		pid_t pid;
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			if (pid == command)
				_exit(exit_code(status));
	}
}

/* The process limit of the pid namespace (see SANDBOX_PID_MAX_SLACK); the
 * write goes to our own pid namespace's value, whichever /proc it is via. */
static int set_pid_max(const struct sandbox_opts *o, struct herr *err)
{
	unsigned long long max = (unsigned long long)o->rlim[SANDBOX_RLIM_NPROC] + SANDBOX_PID_MAX_SLACK;
	if (max > SANDBOX_PID_MAX_LIMIT)
		max = SANDBOX_PID_MAX_LIMIT;
	char text[32];
	snprintf(text, sizeof(text), "%llu", max);
	int fd = open("/proc/sys/kernel/pid_max", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return herr_set(err, "pid namespace: cannot open /proc/sys/kernel/pid_max: %s", strerror(errno));
	ssize_t n = write(fd, text, strlen(text));
	int saved = errno;
	close(fd);
	if (n != (ssize_t)strlen(text))
		return herr_set(err, "pid namespace: cannot set pid_max to %s: %s", text, strerror(saved));
	return 0;
}

/* Who harden runs as on the host: read before clone, since inside the new
 * user namespace our ids read as the overflow id until the maps exist. */
struct host_ids {
	unsigned uid, gid;
};

static int write_self(const char *file, const char *text, struct herr *err)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/%s", file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return herr_set(err, "user namespace: cannot open %s: %s", path, strerror(errno));
	ssize_t n = write(fd, text, strlen(text));
	int saved = errno;
	close(fd);
	if (n != (ssize_t)strlen(text))
		return herr_set(err, "user namespace: cannot write '%s' to %s: %s", text, path, strerror(saved));
	return 0;
}

/*
 * The invoking user becomes the build user (or root) inside; nobody else
 * exists. Written by init itself: the kernel lets a namespace's first
 * process map the effective uid and gid that created the namespace, and
 * nothing else, once setgroups() is denied in it (so that dropping a group
 * cannot grant access). harden dropped root's supplementary groups before
 * the clone; an unprivileged user cannot drop theirs (as with bubblewrap).
 */
static int map_own_ids(const struct sandbox_opts *o, const struct host_ids *ids, struct herr *err)
{
	char map[64];
	snprintf(map, sizeof(map), "%u %u 1\n", o->root_inside ? 0 : SANDBOX_BUILD_UID, ids->uid);
	if (write_self("uid_map", map, err) < 0 || write_self("setgroups", "deny", err) < 0)
		return -1;
	snprintf(map, sizeof(map), "%u %u 1\n", o->root_inside ? 0 : SANDBOX_BUILD_GID, ids->gid);
	return write_self("gid_map", map, err);
}

/*
 * pid 1. It writes its own uid/gid maps (a user namespace's first process
 * may map the one id that created it), brings up loopback, builds the file
 * system, and starts the command. It waits for harden only when there is a
 * pids cgroup: for one byte saying that init is in it, so that the command
 * is started inside it.
 * The seccomp filter, which harden compiles while we mount, is awaited by
 * the command itself, as late as possible, by reading it to end of file.
 * Each wait for another process costs a wake-up, a tenth of a millisecond
 * on a VM: start-up is benchmarked.
 */
static void __attribute__((noreturn)) run_init(const struct sandbox_opts *o, const struct sandbox_plan *p,
					       const struct host_ids *ids, bool wait_cgroup, int syncfd, int errfd,
					       int bpffd, const sigset_t *mask, bool trial)
{
	struct herr e;
	char byte;
	if (o->die_with_parent && prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) {
		herr_set(&e, "prctl(PR_SET_PDEATHSIG): %s", strerror(errno));
		init_fail(errfd, &e);
	}
	if (map_own_ids(o, ids, &e) < 0)
		init_fail(errfd, &e);
	if (sethostname(o->hostname, strlen(o->hostname)) < 0) {
		herr_set(&e, "uts namespace: sethostname(%s): %s", o->hostname, strerror(errno));
		init_fail(errfd, &e);
	}
	if (p->pid_max && set_pid_max(o, &e) < 0)
		init_fail(errfd, &e);
	if (sandbox_loopback_up(&e) < 0 || sandbox_setup_mounts(o, &e) < 0)
		init_fail(errfd, &e);
	if (trial)
		_exit(0);
	/* End of file instead of the byte: harden died or gave up. */
	if (wait_cgroup && read(syncfd, &byte, 1) != 1)
		_exit(127);
	close(syncfd);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); /* the command may not read our memory */
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		signal(forwarded[i], noop_handler); /* pid 1 ignores signals it has no handler for */
	struct command_start start = { o, p, mask, errfd, bpffd };
	pid_t cmd = spawn_sharing_memory(command_main, &start); /* returns once it has exec'd */
	if (cmd < 0) {
		herr_set(&e, "cannot start the command: %s", strerror(errno));
		init_fail(errfd, &e);
	}
	close(errfd);
	close(bpffd);
	reap_until(cmd);
}

/* Read a setup error, if any; end of file (no bytes) means the command runs.
 * Returns 0, or the tag of the failed side ('N' namespaces, 'C' command). */
static char read_child_error(int fd, struct herr *err)
{
	char msg[sizeof(err->msg)];
	size_t len = 0;
	ssize_t n;
	while (len < sizeof(msg) - 1 && ((n = read(fd, msg + len, sizeof(msg) - 1 - len)) > 0 ||
					 (n < 0 && errno == EINTR)))
		if (n > 0)
			len += (size_t)n;
	if (len == 0)
		return 0;
	msg[len] = '\0';
	herr_set(err, "%s", msg + 1);
	return msg[0];
}

/*
 * Wait for pid, forwarding signals and enforcing the timeout. On timeout
 * pid is killed (with init, the kernel kills the whole pid namespace).
 */
static int wait_child(pid_t pid, double timeout, bool *timed_out)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(&set, forwarded[i]);
	double deadline = timeout > 0 ? now_monotonic() + timeout : 0;
	*timed_out = false;
	for (;;) {
		int status;
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -1;
		int sig;
		if (deadline > 0) {
			double left = deadline - now_monotonic();
			if (left <= 0) {
				*timed_out = true;
				kill(pid, SIGKILL);
				while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
					;
				return status;
			}
			struct timespec ts = { (time_t)left, (long)((left - (double)(time_t)left) * 1e9) };
			sig = sigtimedwait(&set, NULL, &ts);
		} else {
			sig = sigwaitinfo(&set, NULL);
		}
		if (sig > 0 && sig != SIGCHLD)
			kill(pid, sig);
	}
}

static int finish(int status, bool timed_out, const struct sandbox_opts *o, struct herr *err)
{
	if (status == -1)
		return herr_set(err, "lost the sandbox: waitpid: %s", strerror(errno));
	if (timed_out) {
		herr_set(err, "timed out after %g s; the sandbox was killed", o->timeout);
		return 124;
	}
	return exit_code(status);
}

static void close_pair(int fds[2])
{
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	fds[0] = fds[1] = -1;
}

/*
 * harden's side of the start, while init maps itself and mounts: put it in
 * the pids cgroup (then let init start the command), and compile the
 * seccomp filter for the command to read. A write to a pipe whose reader
 * already died (init failed its setup) is EPIPE, not SIGPIPE: the caller
 * ignores SIGPIPE. A filter that cannot be compiled is an error, and init
 * is killed: the command, blocked reading the filter, never runs.
 */
static int start_init(pid_t pid, const struct sandbox_opts *o, const struct sandbox_plan *p,
		      const char *cgroup, int syncfd, int bpffd, struct herr *err)
{
	/* Into the pids cgroup before the command exists: it inherits it. */
	if (cgroup) {
		if (sandbox_cgroup_add(cgroup, pid, err) < 0)
			return -1;
		if (write(syncfd, "g", 1) != 1)
			return 0; /* init is gone; its error message tells why */
	}
	if (p->seccomp && sandbox_seccomp_compile(o, bpffd, err) < 0)
		return -1;
	return 0;
}

/* -2: clone refused; -3: namespace setup failed (err says where); -1: other. */
static int run_namespaced(const struct sandbox_opts *o, struct sandbox_plan *p, const sigset_t *mask,
			  const char *cgroup, bool trial, struct herr *err)
{
	int syncp[2] = { -1, -1 }, errp[2] = { -1, -1 }, bpfp[2] = { -1, -1 };
	if (pipe2(syncp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 || pipe2(bpfp, O_CLOEXEC) < 0) {
		int e = errno;
		close_pair(syncp);
		close_pair(errp);
		close_pair(bpfp);
		return herr_set(err, "pipe: %s", strerror(e));
	}
	struct host_ids ids = { (unsigned)geteuid(), (unsigned)getegid() };
	/* Root's supplementary groups would follow it in, and setgroups() is
	 * denied there: drop them here (harden needs none of them). EPERM:
	 * we are "root" of a user namespace that denies setgroups already
	 * (nested in another sandbox), where nobody can drop them. */
	if (ids.uid == 0 && setgroups(0, NULL) < 0 && errno != EPERM) {
		int e = errno;
		close_pair(syncp);
		close_pair(errp);
		close_pair(bpfp);
		return herr_set(err, "setgroups (dropping root's supplementary groups): %s", strerror(e));
	}
	pid_t pid = (pid_t)syscall(SYS_clone, NS_FLAGS | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0) {
		close(syncp[1]);
		close(errp[0]);
		close(bpfp[1]);
		run_init(o, p, &ids, cgroup != NULL, syncp[0], errp[1], bpfp[0], mask, trial);
	}
	int saved = errno;
	close(syncp[0]);
	close(errp[1]);
	close(bpfp[0]);
	syncp[0] = errp[1] = bpfp[0] = -1;
	if (pid < 0) {
		close_pair(syncp);
		close_pair(errp);
		close_pair(bpfp);
		errno = saved;
		return -2; /* the caller decides: refuse or fall back */
	}
	struct herr ours;
	int rc = 0;
	if (!trial)
		rc = start_init(pid, o, p, cgroup, syncp[1], bpfp[1], &ours);
	close_pair(bpfp);
	close_pair(syncp); /* init, waiting for its go, now reads end of file and exits */
	if (rc < 0) {
		/* If init failed first, its reason is the real one (ours would be
		 * a broken pipe); otherwise report ours. */
		char failed = read_child_error(errp[0], err);
		close_pair(errp);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		if (failed == 'N')
			return -3;
		herr_set(err, "%s", ours.msg);
		return -1;
	}
	/* Wait for init first, then read its or the command's setup error, if
	 * any: the pipe holds far more than one message, and harden sleeps
	 * through the command's exec instead of waking up for it. When init
	 * is gone, so is every process that could write. */
	bool timed_out;
	int status = wait_child(pid, trial ? 0 : o->timeout, &timed_out);
	char failed = read_child_error(errp[0], err);
	close_pair(errp);
	if (failed)
		return failed == 'N' ? -3 : -1;
	if (trial)
		return status == 0 ? 0 : herr_set(err, "namespace setup trial ended with status %d", status);
	return finish(status, timed_out, o, err);
}

/* Kill whatever the command left behind: orphans come back to us, a
 * subreaper; killing one reparents its children to us, so loop. */
static void kill_leftovers(void)
{
	for (int round = 0; round < 1000; round++) {
		bool found = false;
		DIR *d = opendir("/proc");
		struct dirent *de;
		while (d && (de = readdir(d))) {
			int pid = atoi(de->d_name);
			if (pid <= 0)
				continue;
			char path[64];
			struct buf b = { 0 };
			struct herr e;
			snprintf(path, sizeof(path), "/proc/%d/stat", pid);
			if (read_file(path, &b, &e) == 0) {
				const char *rp = strrchr(b.p, ')');
				int ppid = 0;
				if (rp && sscanf(rp + 1, " %*c %d", &ppid) == 1 && ppid == getpid()) {
					kill(pid, SIGKILL);
					found = true;
				}
			}
			buf_free(&b);
		}
		if (d)
			closedir(d);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			found = true;
		if (!found)
			break;
		usleep(1000);
	}
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/*
 * A harden killed by SIGKILL leaves its private TMPDIR behind; the next run
 * removes ours whose harden is gone (the pid is in the name). Only our own:
 * /tmp is shared, and we never delete what another user made.
 */
static void remove_stale_tmp(void)
{
	DIR *d = opendir("/tmp");
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (!starts_with(de->d_name, "harden-sandbox."))
			continue;
		int pid = atoi(de->d_name + strlen("harden-sandbox."));
		char path[300];
		struct stat st;
		snprintf(path, sizeof(path), "/tmp/%s", de->d_name);
		if (pid > 0 && kill(pid, 0) < 0 && errno == ESRCH && lstat(path, &st) == 0 &&
		    S_ISDIR(st.st_mode) && st.st_uid == geteuid())
			nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	}
	if (d)
		closedir(d);
}

/* Best effort without namespaces: Landlock, seccomp, limits; a private TMPDIR. */
static int run_plain(const struct sandbox_opts *o, struct sandbox_plan *p, const sigset_t *mask,
		     const char *cgroup, struct herr *err)
{
	remove_stale_tmp();
	char tmp[64];
	snprintf(tmp, sizeof(tmp), "/tmp/harden-sandbox.%d.XXXXXX", (int)getpid());
	if (!mkdtemp(tmp))
		return herr_set(err, "cannot create a private temporary directory: %s", strerror(errno));
	int errp[2] = { -1, -1 }, bpfp[2] = { -1, -1 };
	if (pipe2(errp, O_CLOEXEC) < 0 || pipe2(bpfp, O_CLOEXEC) < 0) {
		int e = errno;
		close_pair(errp);
		rmdir(tmp);
		return herr_set(err, "pipe: %s", strerror(e));
	}
	/* The filter is small (a few KiB at most): it fits in the pipe now. */
	if (p->seccomp && sandbox_seccomp_compile(o, bpfp[1], err) < 0) {
		close_pair(errp);
		close_pair(bpfp);
		rmdir(tmp);
		return -1;
	}
	close(bpfp[1]);
	bpfp[1] = -1;
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	const char *scratch[] = { tmp, NULL };
	pid_t pid = fork();
	if (pid == 0) {
		close(errp[0]);
		if (o->die_with_parent)
			prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		struct herr e;
		if (cgroup && sandbox_cgroup_add(cgroup, getpid(), &e) < 0)
			child_fail(errp[1], &e);
		exec_command(o, p, scratch, tmp, tmp, mask, errp[1], bpfp[0]);
	}
	close_pair(bpfp);
	close(errp[1]);
	int rc;
	if (pid < 0) {
		rc = herr_set(err, "fork: %s", strerror(errno));
	} else {
		bool failed = read_child_error(errp[0], err) != 0;
		bool timed_out;
		int status = wait_child(pid, o->timeout, &timed_out);
		rc = failed ? -1 : finish(status, timed_out, o, err);
	}
	close(errp[0]);
	kill_leftovers();
	prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
	nftw(tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}

int sandbox_run(const struct sandbox_opts *o, const struct sandbox_kernel *k,
		struct sandbox_plan *p, struct herr *err)
{
	sigset_t mask;
	block_signals(&mask);
	char cgroup[512] = "";
	int rc = 0;
	if (p->pids_cgroup &&
	    sandbox_cgroup_create(k->pids_cgroup, o->rlim[SANDBOX_RLIM_NPROC], cgroup, sizeof(cgroup), err) < 0)
		rc = -1;
	if (rc == 0 && p->namespaces) {
		rc = run_namespaced(o, p, &mask, cgroup[0] ? cgroup : NULL, false, err);
		if (rc == -3 && o->best_effort) {
			/* The kernel let us create namespaces but not set them up
			 * (e.g. a container masking /proc): run without, saying why. */
			snprintf(p->namespaces_why, sizeof(p->namespaces_why), "%s", err->msg);
			err->msg[0] = '\0'; /* said as the reason, not as an error */
			rc = 0;
			p->namespaces = false;
			p->missing |= SANDBOX_LAYER_USERNS;
		} else if (rc == -3) {
			rc = -1;
		} else if (rc == -2) {
			int e = errno;
			if (!o->best_effort)
				rc = herr_set(err, "user namespaces: clone(CLONE_NEWUSER|CLONE_NEWNS|CLONE_NEWPID|CLONE_NEWNET|...) refused: %s "
					      "(see sysctl user.max_user_namespaces); refusing to run less confined (--best-effort runs without)",
					      strerror(e));
			else {
				snprintf(p->namespaces_why, sizeof(p->namespaces_why), "clone: %s", strerror(e));
				rc = 0;
				p->namespaces = false;
				p->missing |= SANDBOX_LAYER_USERNS;
			}
		}
	}
	if (rc == 0 && !p->namespaces) {
		/* Without a pid namespace, root's process limit can only be a cgroup. */
		if (p->pid_max) {
			p->pid_max = false;
			if (k->is_root && k->pids_cgroup[0] && !(o->simulate_missing & SANDBOX_LAYER_PIDS_LIMIT)) {
				p->pids_cgroup = true;
				if (sandbox_cgroup_create(k->pids_cgroup, o->rlim[SANDBOX_RLIM_NPROC], cgroup,
							  sizeof(cgroup), err) < 0)
					rc = -1;
			} else if (k->is_root) {
				p->missing |= SANDBOX_LAYER_PIDS_LIMIT;
			}
		}
		if (rc == 0)
			rc = run_plain(o, p, &mask, cgroup[0] ? cgroup : NULL, err);
	}
	if (cgroup[0])
		sandbox_cgroup_remove(cgroup);
	restore_signals(&mask);
	return rc;
}

int sandbox_try_namespaces(const struct sandbox_opts *o, struct herr *err)
{
	struct sandbox_plan p = { .namespaces = true };
	sigset_t mask;
	block_signals(&mask);
	int rc = run_namespaced(o, &p, &mask, NULL, true, err);
	if (rc == -2)
		rc = herr_set(err, "clone(CLONE_NEWUSER|...): %s (see user.max_user_namespaces)", strerror(errno));
	restore_signals(&mask);
	return rc < 0 ? -1 : 0;
}
