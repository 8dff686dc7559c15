/*
 * scan — the engine behind `harden scan` (and whatever else needs verdicts
 * for many files): expand inputs, read each ELF once, check it, and hand
 * the records back in input order.
 *
 * Not in DESIGN.md's original layout: the fan-out (inputs -> workers ->
 * ordered records) is needed by scan, diff and cc-verify alike, and belongs
 * neither to elf/ (no policy), check/ (no I/O) nor cli/ (no argv).
 */
#ifndef HARDEN_SCAN_H
#define HARDEN_SCAN_H

#include "check/check.h"

struct scan_record;

struct scan_opts {
	struct policy policy;
	struct elf_read_opts elf;
	int jobs;               /* 0: all cores */
	/*
	 * Optional: turn a record into its report text on the worker thread,
	 * storing it in rec->rendered, so that formatting (as costly as the
	 * checks themselves) runs in parallel and the ordered writer only writes.
	 */
	void (*render)(struct scan_record *rec, void *ctx);
	void *render_ctx;
	/* package archives (pkg/) */
	uint64_t member_limit;  /* refuse members bigger than this; 0: 1 GiB */
	int max_nested;         /* archives inside archives descended this deep */
	const struct strvec *exclude; /* --exclude globs, for directories met in a --from list */
};

/* One ELF file's result, or one input's error. */
struct scan_record {
	char *path;             /* the file, or the archive holding the member */
	char *package, *version, *member; /* set for archive members */
	char *error;            /* non-NULL: could not be read; facts/res unset */
	/*
	 * The error is about an archive inside a package (a test fixture that
	 * is corrupt on purpose, one nested too deep): reported, as a warning,
	 * but the package itself was read and the scan did not fail.
	 */
	bool warning;
	char *rendered;         /* report text made by scan_opts.render, or NULL */
	struct elf_facts facts;
	struct check_result res;
	/* archive members (pkg/) */
	char *link;             /* a symlink/hard link member: its target, not followed */
	bool hardlink;
	bool setuid, setgid;    /* mode bits of the member: checked under the strict profile too */
};

/* Everything one input produced: 0..n records, and how many non-ELF files it skipped. */
struct scan_batch {
	struct scan_record *recs;
	size_t n, alloc;
	size_t skipped;
	/* set when the input was a package archive (pkg/) */
	char *package, *version, *arch, *origin;
	const char *pkg_format; /* "deb", "rpm", "pkgsrc", "apk", "tar", "zip" */
};

struct scan_record *scan_batch_add(struct scan_batch *b);
void scan_batch_free(struct scan_batch *b);
void scan_record_free(struct scan_record *r); /* what it holds, not the record itself */

/*
 * Counts over records: a run, a package, a report. Links are not counted;
 * errors are counted and nothing else about them.
 */
struct summary {
	size_t elf, skipped, errors, warnings, with_findings, findings;
	size_t good[PROP_COUNT];        /* verdict ok and applicable */
	size_t applicable[PROP_COUNT];  /* state not n/a and not unknown */
};
void summary_add(struct summary *s, const struct scan_record *r);

/* Check one ELF image already in memory (a mapped file, an archive member). */
void scan_image(const char *path, const void *data, size_t size,
		const struct scan_opts *o, struct scan_batch *out);
/* Check one file on disk: skip it if not ELF, else map it and scan_image(). */
void scan_path(const char *path, const struct scan_opts *o, struct scan_batch *out);

/* Run scan_path over every file, in parallel; emit() gets batches in input order. */
void scan_files(const struct strvec *files, const struct scan_opts *o,
		void (*emit)(size_t i, struct scan_batch *b, void *ctx), void *ctx);

#endif
