/*
 * scan_repo.c — packages in `harden scan` output: a header per package in
 * text, the repository summary at the end (share of binaries per property,
 * the worst packages), and the run recorded with --db.
 *
 * A failed database write does not stop the scan (the report is still
 * worth having) but the run is rolled back, reported, and the exit status
 * says so.
 */
#include "cli/cli.h"
#include "cli/scan_repo.h"

#include <stdlib.h>
#include <string.h>

int parse_size(const char *s, uint64_t *out, struct herr *err)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	int shift = 0;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case '\0': break;
	default: return herr_set(err, "'%s' is not a size (bytes, or with k, M, G)", s);
	}
	if (end == s || *end || v == 0 || v > (UINT64_MAX >> shift))
		return herr_set(err, "'%s' is not a size (bytes, or with k, M, G)", s);
	*out = (uint64_t)v << shift;
	return 0;
}

int scan_repo_open(struct scan_repo *r, const char *db_path, const char *format, FILE *out,
		   const struct strvec *roots, const char *profile, struct herr *err)
{
	memset(r, 0, sizeof(*r));
	r->out = out;
	r->text = !strcmp(format, "text");
	if (!db_path)
		return 0;
	struct buf inputs = { 0 };
	for (size_t i = 0; i < roots->n; i++)
		buf_addf(&inputs, "%s%s", i ? " " : "", roots->v[i]);
	int rc = store_open(db_path, &r->db, err);
	if (rc == 0 && (rc = store_run_begin(r->db, inputs.p ? inputs.p : "", profile, &r->run, err))) {
		store_close(r->db);
		r->db = NULL;
	}
	buf_free(&inputs);
	return rc;
}

void scan_repo_batch(struct scan_repo *r, const char *input, const struct scan_batch *b)
{
	struct herr err;
	if (r->db && !r->failed && store_add_batch(r->db, input, b, &err)) {
		cli_error("%s; this run will not be recorded", err.msg);
		r->failed = true;
	}
	if (!pkg_tally_add(&r->tally, input, b) || !r->text)
		return;
	const struct pkg_stat *s = &r->tally.v[r->tally.n - 1];
	fprintf(r->out, "== %s %s", s->name, s->version ? s->version : "(no version)");
	if (s->arch)
		fprintf(r->out, " %s", s->arch);
	fprintf(r->out, " (%s, %s): %zu ELF, %zu with findings", b->pkg_format ? b->pkg_format : "archive",
		input, s->counts.elf, s->counts.with_findings);
	if (s->setuid)
		fprintf(r->out, ", %zu setuid/setgid", s->setuid);
	if (s->links)
		fprintf(r->out, ", %zu links not followed", s->links);
	if (s->counts.errors)
		fprintf(r->out, ", %zu errors", s->counts.errors);
	if (s->counts.warnings)
		fprintf(r->out, ", %zu warnings", s->counts.warnings);
	fputc('\n', r->out);
}

void scan_repo_summary(struct scan_repo *r)
{
	const struct pkg_tally *t = &r->tally;
	if (!r->text || !t->n)
		return;
	fprintf(r->out, "repository: %zu packages, %zu ELF files\nshare of binaries:", t->n, t->total.elf);
	for (int p = 0; p < PROP_COUNT; p++)
		if (p != PROP_STRIPPED && t->total.applicable[p])
			fprintf(r->out, " %s %.0f%%", prop_name(p), 100.0 * (double)t->total.good[p] / (double)t->total.applicable[p]);
	fputc('\n', r->out);
	size_t worst[10];
	size_t n = pkg_tally_worst(t, worst, ARRAY_SIZE(worst));
	if (n)
		fprintf(r->out, "worst packages:\n");
	for (size_t i = 0; i < n; i++) {
		const struct pkg_stat *s = &t->v[worst[i]];
		fprintf(r->out, "  %-30s %zu/%zu ELF files with findings, %zu findings\n", s->name,
			s->counts.with_findings, s->counts.elf, s->counts.findings);
	}
}

int scan_repo_close(struct scan_repo *r, bool commit, struct herr *err)
{
	int rc = r->failed ? -1 : 0;
	if (r->failed)
		herr_set(err, "the run was not recorded");
	if (r->db && commit && !r->failed) {
		rc = store_run_commit(r->db, err);
		if (rc == 0)
			fprintf(stderr, "harden: recorded as run %lld\n", (long long)r->run);
	}
	store_close(r->db); /* rolls back an uncommitted run */
	pkg_tally_free(&r->tally);
	memset(r, 0, sizeof(*r));
	return rc;
}
