/*
 * sandbox — run one command (a build) confined by every layer the kernel
 * offers: user/mount/pid/net/ipc/uts namespaces, a seccomp filter, Landlock,
 * no_new_privs, no capabilities, rlimits and a wall-clock timeout.
 *
 * Why layers and not one mechanism: each closes what the others leave open.
 * Namespaces hide the host (files, processes, network) but need unprivileged
 * user namespaces, which some kernels disable; Landlock restricts writes and
 * TCP even without namespaces; seccomp removes kernel interfaces a build never
 * needs (inet sockets, ptrace, mount, bpf...). A layer the kernel does not
 * offer is an error unless the caller asked for best effort: never silently
 * less confined.
 *
 * The flow: the cli fills a struct sandbox_opts (from a policy file, then
 * flags), sandbox_probe() asks the kernel what it offers, sandbox_plan()
 * decides which layers apply (or fails naming the missing one),
 * sandbox_explain() describes the plan, sandbox_run() executes it.
 * Nothing here prints; errors come back in struct herr.
 */
#ifndef HARDEN_SANDBOX_H
#define HARDEN_SANDBOX_H

#include "util/util.h"

#include <sys/resource.h>

/* pid_max = nproc + this: after the first wrap, pids are allocated from 300
 * (the kernel's RESERVED_PIDS), so a pid namespace then holds between
 * nproc and nproc + 300 processes. */
#define SANDBOX_PID_MAX_SLACK 300
#define SANDBOX_PID_MAX_LIMIT 4194304

/* The uid and gid the invoking user becomes inside (0 with root_inside). */
#define SANDBOX_BUILD_UID 1000
#define SANDBOX_BUILD_GID 1000
#define SANDBOX_HOME "/home/build"

enum sandbox_network { SANDBOX_NET_NONE, SANDBOX_NET_LOOPBACK };

enum sandbox_mount_kind { SANDBOX_RO, SANDBOX_RW, SANDBOX_TMPFS };

struct sandbox_mount {
	enum sandbox_mount_kind kind;
	char *path; /* absolute, canonical (tmpfs: as given, absolute) */
};

/* The resource limits we set, in the order of sandbox_rlimit_names[]. */
enum { SANDBOX_RLIM_CPU, SANDBOX_RLIM_AS, SANDBOX_RLIM_FSIZE, SANDBOX_RLIM_NPROC,
       SANDBOX_RLIM_NOFILE, SANDBOX_RLIM_COUNT };
extern const char *const sandbox_rlimit_names[SANDBOX_RLIM_COUNT];
extern const int sandbox_rlimit_resources[SANDBOX_RLIM_COUNT];

/* Layers, as bits, for "missing" and "simulate missing" sets. */
enum {
	SANDBOX_LAYER_USERNS = 1 << 0,   /* and with it mount/pid/net/ipc/uts */
	SANDBOX_LAYER_SECCOMP = 1 << 1,
	SANDBOX_LAYER_LANDLOCK = 1 << 2,
	SANDBOX_LAYER_LANDLOCK_NET = 1 << 3, /* Landlock ABI >= 4 */
	SANDBOX_LAYER_PIDS_LIMIT = 1 << 4,   /* a process limit that binds */
};

struct sandbox_opts {
	char *build_dir;  /* read-write, the working directory */
	char *out_dir;    /* read-write, optional */
	struct sandbox_mount *mounts;
	size_t n_mounts;
	struct strvec env;   /* K=V to set inside */
	bool clear_env;
	enum sandbox_network network;
	char *hostname;
	double timeout;      /* seconds, 0 = none */
	bool die_with_parent;
	bool root_inside;
	bool best_effort;
	bool seccomp_log;    /* log instead of deny */
	struct strvec allow_syscalls;
	rlim_t rlim[SANDBOX_RLIM_COUNT];
	unsigned simulate_missing; /* SANDBOX_LAYER_* bits: testing aid */
	char **argv;         /* the command, NULL-terminated */
};

/* What this kernel offers. */
struct sandbox_kernel {
	bool userns;
	char userns_why[1024]; /* why not, when !userns */
	bool seccomp;
	int landlock_abi;     /* 0 when Landlock is absent or disabled */
	bool is_root;         /* euid 0: RLIMIT_NPROC does not bind root */
	char pids_cgroup[256];/* writable pids cgroup root, "" if none */
	bool pidns_pid_max;   /* pid_max is per pid namespace (Linux >= 6.14) */
};

/* What will be applied: the layers the kernel offers that were asked for. */
struct sandbox_plan {
	bool namespaces, seccomp, landlock, landlock_net, nproc_rlimit;
	bool pid_max;         /* process limit through the pid namespace's pid_max */
	bool pids_cgroup;     /* process limit for root through a pids cgroup */
	int landlock_abi;
	unsigned missing;     /* SANDBOX_LAYER_* the kernel does not offer */
	char namespaces_why[1024]; /* set when sandbox_run fell back without them */
};

void sandbox_opts_init(struct sandbox_opts *o);
void sandbox_opts_free(struct sandbox_opts *o);
void sandbox_add_mount(struct sandbox_opts *o, enum sandbox_mount_kind kind, const char *path);

/*
 * Policy files: "key = value" lines, '#' comments, ${BUILD} and ${OUT}
 * expanded from vars (NULL values mean "not set"). Settings are applied to o
 * in file order. On error returns -1 with "FILE:LINE: reason" in err.
 */
struct sandbox_vars {
	const char *build, *out;
};
int sandbox_policy_parse(const char *file, const char *text, size_t len,
			 const struct sandbox_vars *vars, struct sandbox_opts *o, struct herr *err);
/* Parse "unlimited", N, or N with a K/M/G/T suffix (powers of 1024). */
int sandbox_parse_limit(const char *s, bool sizes, rlim_t *out);

/*
 * Kernel probe. Cheap unless trial is given: then the namespaces are
 * really created and set up for trial's mounts (a throw-away process), so
 * --explain reports what would fail, e.g. a container masking /proc.
 */
void sandbox_probe(struct sandbox_kernel *k, const struct sandbox_opts *trial);
/* run.c: that trial; -1 with the failing step in err. */
int sandbox_try_namespaces(const struct sandbox_opts *o, struct herr *err);

/* Decide the plan; -1 with the missing layer named, unless best_effort. */
int sandbox_plan(const struct sandbox_opts *o, const struct sandbox_kernel *k,
		 struct sandbox_plan *p, struct herr *err);
/* Names of the missing layers, comma separated, into b. */
void sandbox_missing_names(unsigned missing, struct buf *b);

/* A human report of what is applied and what the kernel does not offer. */
void sandbox_explain(const struct sandbox_opts *o, const struct sandbox_kernel *k,
		     const struct sandbox_plan *p, struct buf *out);

/*
 * Run o->argv confined according to the plan. Returns the command's exit
 * status (128+N when killed by signal N, 124 on timeout) or -1 when the
 * sandbox could not be set up (err says which step failed and why).
 * When userns is planned but clone() refuses and best_effort is set,
 * falls back to the layers that need no namespace and adds
 * SANDBOX_LAYER_USERNS to p->missing.
 */
int sandbox_run(const struct sandbox_opts *o, const struct sandbox_kernel *k,
		struct sandbox_plan *p, struct herr *err);

/* --- internal steps, one file each, shared between the files of sandbox/ --- */

/* mounts.c: assemble the new root and pivot into it (inside the namespaces). */
int sandbox_setup_mounts(const struct sandbox_opts *o, struct herr *err);
/* netns.c: bring the loopback interface up. */
int sandbox_loopback_up(struct herr *err);
/* seccomp.c: compile the filter (BPF written to fd), and install one read
 * from fd (until end of file) into the calling thread; no_new_privs first. */
int sandbox_seccomp_compile(const struct sandbox_opts *o, int fd, struct herr *err);
int sandbox_seccomp_install(int fd, struct herr *err);
/* landlock.c: restrict writes (and TCP when net) for the calling thread;
 * scratch is a NULL-terminated list of writable temporary directories. */
int sandbox_landlock_probe_abi(void);
int sandbox_landlock_apply(const struct sandbox_opts *o, int abi, bool net, bool namespaced,
			   const char *const *scratch, struct herr *err);
/* limits.c: rlimits, no_new_privs, capabilities. */
int sandbox_apply_rlimits(const struct sandbox_opts *o, struct herr *err);
int sandbox_drop_privileges(struct herr *err);
/* cgroup.c: a pids cgroup for root, whom RLIMIT_NPROC does not bind. */
int sandbox_cgroup_create(const char *root, rlim_t max, char *path, size_t pathlen,
			  struct herr *err);
int sandbox_cgroup_add(const char *path, int pid, struct herr *err);
void sandbox_cgroup_remove(const char *path);
/* env.c: the environment of the command. */
void sandbox_build_env(const struct sandbox_opts *o, const char *home, const char *tmp,
		       struct strvec *env);

#endif
