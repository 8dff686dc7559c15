/*
 * probe.c — what this kernel offers, and the plan: which layers apply.
 *
 * Probing is cheap on purpose (sandbox start-up is benchmarked): Landlock
 * and seccomp answer with one syscall each; namespaces are only tried for
 * --explain (a full throw-away setup, since a kernel may allow the clone
 * and still refuse a mount), because sandbox_run's own setup is otherwise
 * the real test and reports the failing step.
 */
#include "sandbox/sandbox.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#define NS_FLAGS (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)

static bool probe_seccomp(void)
{
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0 && errno == EINVAL)
		return false;
	unsigned action = SECCOMP_RET_ERRNO;
	return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
}

/* A cgroup directory we may create children in, with pids.max in them. */
static bool usable_pids_parent(const char *dir, bool v2)
{
	char probe[300];
	struct herr e;
	if (v2) {
		struct buf sc = { 0 };
		snprintf(probe, sizeof(probe), "%s/cgroup.subtree_control", dir);
		bool has = read_file(probe, &sc, &e) == 0 && strstr(sc.p, "pids");
		buf_free(&sc);
		if (!has)
			return false;
	}
	snprintf(probe, sizeof(probe), "%s/cgroup.procs", dir);
	return access(dir, W_OK) == 0 && access(probe, F_OK) == 0;
}

/*
 * Where root can create a pids cgroup: RLIMIT_NPROC never binds a process
 * whose real uid is host root, so for root the process limit needs a cgroup.
 * cgroup v1 "pids" hierarchy first (no delegation rules); on v2, our own
 * cgroup when it delegates pids to its children, else the root of the
 * hierarchy (systemd enables pids there), where root may always create one.
 */
static void probe_pids_cgroup(struct sandbox_kernel *k)
{
	struct buf b = { 0 };
	struct herr e;
	if (read_file("/proc/self/cgroup", &b, &e) < 0)
		return;
	struct stat st;
	const char *v2base = stat("/sys/fs/cgroup/cgroup.controllers", &st) == 0 ? "/sys/fs/cgroup"
										 : "/sys/fs/cgroup/unified";
	char *save = NULL;
	for (char *line = strtok_r(b.p, "\n", &save); line && !k->pids_cgroup[0];
	     line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		const char *ctrls = c1 + 1, *path = c2 + 1;
		char dir[256];
		if (strstr(ctrls, "pids")) {
			snprintf(dir, sizeof(dir), "/sys/fs/cgroup/pids%s", path);
			if (usable_pids_parent(dir, false))
				snprintf(k->pids_cgroup, sizeof(k->pids_cgroup), "%s", dir);
		} else if (!*ctrls && line[0] == '0') {
			snprintf(dir, sizeof(dir), "%s%s", v2base, path);
			if (usable_pids_parent(dir, true))
				snprintf(k->pids_cgroup, sizeof(k->pids_cgroup), "%s", dir);
			else if (usable_pids_parent(v2base, true))
				snprintf(k->pids_cgroup, sizeof(k->pids_cgroup), "%s", v2base);
		}
	}
	buf_free(&b);
}

/* Linux 6.14 made pid_max a property of each pid namespace, settable by
 * the namespace's owner: a process limit that binds root too, for the cost
 * of one write (a cgroup migration costs milliseconds). */
static bool probe_pidns_pid_max(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;
	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return false;
	return major > 6 || (major == 6 && minor >= 14);
}

void sandbox_probe(struct sandbox_kernel *k, const struct sandbox_opts *trial)
{
	memset(k, 0, sizeof(*k));
	k->is_root = geteuid() == 0;
	k->pidns_pid_max = probe_pidns_pid_max();
	k->seccomp = probe_seccomp();
	k->landlock_abi = sandbox_landlock_probe_abi();
	if (k->is_root)
		probe_pids_cgroup(k); /* needed without a pid namespace, or before 6.14 */
	k->userns = true; /* without a trial, clone() in sandbox_run will tell */
	if (trial) {
		struct herr err;
		if (sandbox_try_namespaces(trial, &err) < 0) {
			k->userns = false;
			snprintf(k->userns_why, sizeof(k->userns_why), "%s", err.msg);
		}
	}
}

void sandbox_missing_names(unsigned missing, struct buf *b)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ SANDBOX_LAYER_USERNS, "user namespaces (and with them mount, pid, net, ipc, uts)" },
		{ SANDBOX_LAYER_SECCOMP, "seccomp filters" },
		{ SANDBOX_LAYER_LANDLOCK, "Landlock" },
		{ SANDBOX_LAYER_LANDLOCK_NET, "Landlock TCP rules (ABI >= 4)" },
		{ SANDBOX_LAYER_PIDS_LIMIT, "a process limit for root (per-namespace pid_max or a pids cgroup)" },
	};
	bool first = true;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (!(missing & names[i].bit))
			continue;
		buf_addf(b, "%s%s", first ? "" : ", ", names[i].name);
		first = false;
	}
}

int sandbox_plan(const struct sandbox_opts *o, const struct sandbox_kernel *k,
		 struct sandbox_plan *p, struct herr *err)
{
	memset(p, 0, sizeof(*p));
	unsigned sim = o->simulate_missing;
	p->namespaces = k->userns && !(sim & SANDBOX_LAYER_USERNS);
	p->seccomp = k->seccomp && !(sim & SANDBOX_LAYER_SECCOMP);
	p->landlock_abi = (sim & SANDBOX_LAYER_LANDLOCK) ? 0 : k->landlock_abi;
	if ((sim & SANDBOX_LAYER_LANDLOCK_NET) && p->landlock_abi >= 4)
		p->landlock_abi = 3;
	p->landlock = p->landlock_abi > 0;
	/* With network = loopback the net namespace is the boundary, not Landlock. */
	p->landlock_net = p->landlock_abi >= 4 && o->network == SANDBOX_NET_NONE;
	bool limited = o->rlim[SANDBOX_RLIM_NPROC] != RLIM_INFINITY;
	p->pid_max = limited && p->namespaces && k->pidns_pid_max && !(sim & SANDBOX_LAYER_PIDS_LIMIT);
	p->pids_cgroup = limited && k->is_root && !p->pid_max && k->pids_cgroup[0] &&
			 !(sim & SANDBOX_LAYER_PIDS_LIMIT);
	p->nproc_rlimit = !k->is_root;

	if (!p->namespaces)
		p->missing |= SANDBOX_LAYER_USERNS;
	if (!p->seccomp)
		p->missing |= SANDBOX_LAYER_SECCOMP;
	if (!p->landlock)
		p->missing |= SANDBOX_LAYER_LANDLOCK;
	/* Without a network namespace, Landlock is what stops TCP. */
	if (p->landlock_abi < 4 && o->network == SANDBOX_NET_NONE && !p->namespaces)
		p->missing |= SANDBOX_LAYER_LANDLOCK_NET;
	if (k->is_root && limited && !p->pid_max && !p->pids_cgroup)
		p->missing |= SANDBOX_LAYER_PIDS_LIMIT;

	if (!p->namespaces && o->network == SANDBOX_NET_LOOPBACK && !o->best_effort)
		return herr_set(err, "network = loopback needs a network namespace, and user namespaces are not available%s%s",
				k->userns_why[0] ? ": " : "", k->userns_why);
	if (p->missing && !o->best_effort) {
		struct buf b = { 0 };
		sandbox_missing_names(p->missing, &b);
		herr_set(err, "this kernel does not offer: %s%s%s; refusing to run less confined (--best-effort runs without)",
			 b.p, k->userns_why[0] ? "; " : "", k->userns_why);
		buf_free(&b);
		return -1;
	}
	return 0;
}
