/*
 * scan_repo.h — the repository side of `harden scan`: per-package grouping
 * and tallies, the closing repository summary, and recording the run in
 * the history database. Kept apart from scan.c so that the file scanner
 * and the package scanner can grow without stepping on each other.
 */
#ifndef HARDEN_CLI_SCAN_REPO_H
#define HARDEN_CLI_SCAN_REPO_H

#include "pkg/pkg.h"
#include "store/store.h"

struct scan_repo {
	struct pkg_tally tally;
	struct store *db;       /* NULL without --db */
	int64_t run;
	FILE *out;
	bool text;              /* group headers and summary only in text */
	bool failed;            /* a database write failed: the run is not kept */
};

int scan_repo_open(struct scan_repo *r, const char *db_path, const char *format, FILE *out,
		   const struct strvec *roots, const char *profile, struct herr *err);
/* One input's batch, before its records are written. */
void scan_repo_batch(struct scan_repo *r, const char *input, const struct scan_batch *b);
/* After the writer's own summary: the repository summary (text). */
void scan_repo_summary(struct scan_repo *r);
/* Commit the run (if commit) and free. Returns -1 if the database failed. */
int scan_repo_close(struct scan_repo *r, bool commit, struct herr *err);

/* "1G", "512M", "64k" or bytes. */
int parse_size(const char *s, uint64_t *out, struct herr *err);

#endif
