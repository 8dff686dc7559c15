/*
 * store — the history of scan runs in SQLite, and what changed between two.
 *
 * A build farm that silently drops a package, or rebuilds one without RELRO
 * because a Makefile changed, is only caught by comparing with last time.
 * So `harden scan --db` records every run (inputs, packages, and for every
 * ELF file its verdicts), and `harden diff` compares two runs — or a run and
 * a directory scanned now — as two snapshots.
 *
 * A run is written inside one transaction that commits only when the run is
 * complete: a scan that is killed leaves nothing behind (SQLite rolls the
 * journal back on the next open), and the database is never half-written.
 * Properties are stored as a JSON object per file ({"pie":{"state":"yes",
 * "ok":true},...}) so that properties added later need no schema change.
 */
#ifndef HARDEN_STORE_H
#define HARDEN_STORE_H

#include "scan/scan.h"

struct store;

/* Open (creating it and its directory if needed) the database at path.
 * SQLite itself is loaded here, on first use (dl/): a clear error if missing. */
int store_open(const char *path, struct store **out, struct herr *err);
void store_close(struct store *s);
/* $XDG_DATA_HOME/harden/harden.db, or ~/.local/share/harden/harden.db. */
char *store_default_path(void);

/* Start a run (opens the transaction); inputs is a human description. */
int store_run_begin(struct store *s, const char *inputs, const char *profile, int64_t *run,
		    struct herr *err);
/* Record one input's batch (a package, or loose files). */
int store_add_batch(struct store *s, const char *input, const struct scan_batch *b, struct herr *err);
/* Mark the run complete and commit. Without this call nothing is kept. */
int store_run_commit(struct store *s, struct herr *err);
/* Latest complete run id, or 0 when there is none. */
int64_t store_latest_run(struct store *s, int64_t before);

/* One side of a diff: packages and files with their verdicts. */
struct snap_pkg {
	char *name, *version, *arch, *path;
};
struct snap_file {
	char *package;          /* "" for loose files */
	char *name;             /* the member, or the path of a loose file */
	char *state[PROP_COUNT];/* NULL when absent (an unreadable file) */
	bool ok[PROP_COUNT];
};
struct snapshot {
	char *label;            /* "run 12" or the directory scanned */
	struct snap_pkg *pkgs;
	size_t npkgs, apkgs;
	struct snap_file *files;
	size_t nfiles, afiles;
};
void snapshot_add_batch(struct snapshot *s, const char *input, const struct scan_batch *b);
int store_load_run(struct store *st, int64_t run, struct snapshot *s, struct herr *err);
void snapshot_free(struct snapshot *s);

/* What changed from old to new. */
enum change_kind {
	CH_DISAPPEARED, CH_APPEARED, CH_UPGRADE, CH_DOWNGRADE, CH_REGRESSION, CH_IMPROVEMENT,
	CH_FILE_GONE, CH_FILE_NEW,
};
struct change {
	enum change_kind kind;
	const char *package, *arch;     /* borrowed from the snapshots */
	const char *file;               /* regressions, improvements, file changes */
	int prop;                       /* regressions, improvements; -1 otherwise */
	const char *before, *after;     /* versions or states */
};
struct diff {
	struct change *v;
	size_t n, alloc;
	size_t count[CH_FILE_NEW + 1];
};
void diff_snapshots(const struct snapshot *old, const struct snapshot *new, struct diff *d);
void diff_free(struct diff *d);
const char *change_kind_name(enum change_kind k);
/* True when the change should fail a build (exit 1): gone, downgrade... */
bool change_is_bad(enum change_kind k);

/*
 * Compare two package versions: <0, 0, >0. Debian-style epoch ("1:"),
 * numeric runs compared as numbers, letters as text, '~' before anything
 * (1.0~rc1 < 1.0), "-release" suffixes in order. Pure pkgsrc versions
 * ([A-Za-z0-9._] only) are compared by vuln/'s dewey_cmp().
 */
int version_compare(const char *a, const char *b);

/* One package across runs, for `harden history`. */
struct history_row {
	int64_t run;
	char *when, *version, *arch;
	size_t elf, with_findings, findings;
	size_t good[PROP_COUNT], applicable[PROP_COUNT];
};
int store_history(struct store *s, const char *package, struct history_row **rows, size_t *n,
		  struct herr *err);
void history_free(struct history_row *rows, size_t n);

#endif
