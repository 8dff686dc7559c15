/*
 * limits.c — resource limits, no_new_privs and capabilities: the layers
 * that need nothing from the kernel beyond what every Linux has.
 *
 * Limits are set hard = soft, so the build cannot raise them back (raising
 * a hard limit needs CAP_SYS_RESOURCE in the initial user namespace, which
 * nothing in the sandbox has). A limit above the caller's own hard limit is
 * clamped to it: we confine, we never try to grant.
 *
 * no_new_privs makes setuid binaries and file capabilities inert, and is
 * what lets an unprivileged process install seccomp and Landlock filters.
 * Capabilities: inside the user namespace the setup process holds them all
 * (scoped to that namespace); the command gets none, and the bounding set
 * is emptied so that even exec of a root-owned file (with --root-inside)
 * cannot bring them back.
 */
#include "sandbox/sandbox.h"

#include <errno.h>
#include <stdlib.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

int sandbox_apply_rlimits(const struct sandbox_opts *o, struct herr *err)
{
	struct rlimit core = { 0, 0 };
	setrlimit(RLIMIT_CORE, &core); /* no core dumps of build tools in the tree */
	for (int i = 0; i < SANDBOX_RLIM_COUNT; i++) {
		struct rlimit cur;
		int res = sandbox_rlimit_resources[i];
		if (getrlimit(res, &cur) < 0)
			return herr_set(err, "getrlimit(%s): %s", sandbox_rlimit_names[i], strerror(errno));
		rlim_t v = o->rlim[i];
		if (cur.rlim_max != RLIM_INFINITY && (v == RLIM_INFINITY || v > cur.rlim_max))
			v = cur.rlim_max;
		struct rlimit want = { v, v };
		if (setrlimit(res, &want) < 0)
			return herr_set(err, "setrlimit(%s, %llu): %s", sandbox_rlimit_names[i],
					(unsigned long long)v, strerror(errno));
	}
	return 0;
}

static int last_cap(void)
{
	struct buf b = { 0 };
	struct herr e;
	int last = CAP_LAST_CAP;
	if (read_file("/proc/sys/kernel/cap_last_cap", &b, &e) == 0)
		last = atoi(b.p);
	buf_free(&b);
	return last > 0 && last < 64 ? last : CAP_LAST_CAP;
}

int sandbox_drop_privileges(struct herr *err)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return herr_set(err, "prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
	/* Dropping from the bounding set needs CAP_SETPCAP; without it (the
	 * fallback without namespaces, as a normal user) the set is moot since
	 * no_new_privs already forbids gaining what is not held. */
	int last = last_cap();
	for (int cap = 0; cap <= last; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL && errno != EPERM)
			return herr_set(err, "prctl(PR_CAPBSET_DROP, %d): %s", cap, strerror(errno));
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return herr_set(err, "prctl(PR_CAP_AMBIENT_CLEAR_ALL): %s", strerror(errno));
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data) < 0)
		return herr_set(err, "capset (dropping every capability): %s", strerror(errno));
	return 0;
}
