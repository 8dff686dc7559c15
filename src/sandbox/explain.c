/*
 * explain.c — the --explain report: each layer, applied or not, and why.
 *
 * A maintainer reading a build log should see exactly how confined the
 * build was; "never silently less confined" means the missing layers are
 * listed as prominently as the applied ones.
 */
#include "sandbox/sandbox.h"

#include <unistd.h>

static void limit(struct buf *out, const char *name, rlim_t v, const char *unit)
{
	if (v == RLIM_INFINITY)
		buf_addf(out, " %s=unlimited", name);
	else
		buf_addf(out, " %s=%llu%s", name, (unsigned long long)v, unit);
}

static void explain_namespaces(const struct sandbox_opts *o, const struct sandbox_kernel *k,
			       const struct sandbox_plan *p, struct buf *out)
{
	if (!p->namespaces) {
		buf_addf(out, "namespaces: NOT APPLIED: %s\n",
			 k->userns_why[0] ? k->userns_why : "user namespaces unavailable");
		buf_addf(out, "  the host file system is visible (Landlock limits writes), host processes are visible, "
			      "the host network is reachable unless seccomp/Landlock stop it; "
			      "daemons are killed at the end by a subreaper\n");
		return;
	}
	buf_addf(out, "namespaces: applied: user (uid %u gid %u -> %u:%u inside), mount, pid, net, ipc, uts (hostname %s)\n",
		 (unsigned)getuid(), (unsigned)getgid(), o->root_inside ? 0 : SANDBOX_BUILD_UID,
		 o->root_inside ? 0 : SANDBOX_BUILD_GID, o->hostname);
	buf_addf(out, "  root: read-only /usr /bin /sbin /lib*, /etc essentials; tmpfs /tmp /var/tmp %s; "
		      "minimal /dev; fresh /proc\n", SANDBOX_HOME);
}

static void explain_paths(const struct sandbox_opts *o, const struct sandbox_plan *p, struct buf *out)
{
	if (p->namespaces)
		buf_addf(out, "network: %s\n", o->network == SANDBOX_NET_LOOPBACK ? "loopback (own namespace, lo up)"
									: "none (own namespace, only lo)");
	else
		buf_addf(out, "network: %s\n", o->network == SANDBOX_NET_LOOPBACK ? "loopback requested: HOST NETWORK reachable"
									: "none (seccomp and Landlock only)");
	if (o->build_dir)
		buf_addf(out, "  rw %s (build, working directory)\n", o->build_dir);
	if (o->out_dir)
		buf_addf(out, "  rw %s (out)\n", o->out_dir);
	for (size_t i = 0; i < o->n_mounts; i++) {
		enum sandbox_mount_kind kind = o->mounts[i].kind;
		buf_addf(out, "  %s %s%s\n", kind == SANDBOX_RO ? "ro" : kind == SANDBOX_RW ? "rw" : "tmpfs",
			 o->mounts[i].path,
			 p->namespaces || kind == SANDBOX_RW ? ""
			 : kind == SANDBOX_TMPFS ? " (NOT APPLIED without a mount namespace; stays read-only)"
						 : " (read-only through Landlock)");
	}
}

static void explain_filters(const struct sandbox_opts *o, const struct sandbox_plan *p, struct buf *out)
{
	if (p->seccomp) {
		buf_addf(out, "seccomp: applied (%s): %s sockets; setuid/setgid chmod; ptrace; kexec; modules; mount; "
			      "namespaces; keyctl; bpf; perf_event_open; userfaultfd; io_uring; TIOCSTI\n",
			 o->seccomp_log ? "LOG ONLY, nothing denied" : "denied with EPERM",
			 o->network == SANDBOX_NET_LOOPBACK ? "AF_PACKET" : "AF_INET, AF_INET6, AF_NETLINK, AF_PACKET");
		if (o->allow_syscalls.n) {
			buf_adds(out, "  allowed by policy:");
			for (size_t i = 0; i < o->allow_syscalls.n; i++)
				buf_addf(out, " %s", o->allow_syscalls.v[i]);
			buf_adds(out, "\n");
		}
	} else {
		buf_adds(out, "seccomp: NOT APPLIED: this kernel has no seccomp filters\n");
	}
	if (p->landlock) {
		buf_addf(out, "landlock: applied (ABI %d): writes only beneath the build, out, rw and temporary directories",
			 p->landlock_abi);
		if (p->landlock_net)
			buf_adds(out, "; TCP bind and connect denied");
		else if (o->network == SANDBOX_NET_NONE)
			buf_adds(out, "; TCP rules not offered (ABI < 4)");
		if (p->landlock_abi >= 6)
			buf_adds(out, "; signals and abstract sockets scoped");
		buf_adds(out, "\n");
	} else {
		buf_adds(out, "landlock: NOT APPLIED: this kernel has no Landlock (or it is disabled)\n");
	}
}

void sandbox_explain(const struct sandbox_opts *o, const struct sandbox_kernel *k,
		     const struct sandbox_plan *p, struct buf *out)
{
	explain_namespaces(o, k, p, out);
	explain_paths(o, p, out);
	explain_filters(o, p, out);
	buf_adds(out, "privileges: no_new_privs; all capabilities dropped (bounding and ambient sets emptied)\n");
	buf_adds(out, "rlimits:");
	limit(out, "cpu", o->rlim[SANDBOX_RLIM_CPU], "s");
	limit(out, "as", o->rlim[SANDBOX_RLIM_AS], "B");
	limit(out, "fsize", o->rlim[SANDBOX_RLIM_FSIZE], "B");
	limit(out, "nproc", o->rlim[SANDBOX_RLIM_NPROC], "");
	limit(out, "nofile", o->rlim[SANDBOX_RLIM_NOFILE], "");
	buf_adds(out, " core=0 (hard = soft)\n");
	if (p->pid_max)
		buf_addf(out, "  process limit: pid_max %llu in the pid namespace (nproc + %d)%s\n",
			 (unsigned long long)(o->rlim[SANDBOX_RLIM_NPROC] + SANDBOX_PID_MAX_SLACK), SANDBOX_PID_MAX_SLACK,
			 k->is_root ? ", which binds root too" : "");
	if (p->pids_cgroup)
		buf_addf(out, "  process limit for root: pids cgroup under %s\n", k->pids_cgroup);
	else if (k->is_root && !p->pid_max)
		buf_adds(out, "  process limit for root: NONE (RLIMIT_NPROC does not bind root and no writable pids cgroup)\n");
	if (o->timeout > 0)
		buf_addf(out, "timeout: %g s (wall clock)\n", o->timeout);
	else
		buf_adds(out, "timeout: none\n");
	buf_addf(out, "die-with-parent: %s\n", o->die_with_parent ? "yes" : "no");
	buf_addf(out, "environment: %s\n", o->clear_env ? "cleared (PATH, HOME, TERM, LANG, SOURCE_DATE_EPOCH kept)"
							: "inherited (HOME and TMPDIR replaced)");
	if (p->missing) {
		buf_adds(out, "missing: ");
		sandbox_missing_names(p->missing, out);
		buf_adds(out, o->best_effort ? " (running without: --best-effort)\n" : "\n");
	} else {
		buf_adds(out, "missing: nothing\n");
	}
}
