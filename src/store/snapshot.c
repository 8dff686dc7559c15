/*
 * snapshot.c — one side of a diff, from a run in the database or from
 * batches scanned just now. Both paths produce the same plain arrays, so the
 * diff never cares where its inputs came from.
 */
#include "store/internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static struct snap_pkg *add_pkg(struct snapshot *s)
{
	if (s->npkgs == s->apkgs) {
		s->apkgs = s->apkgs ? s->apkgs * 2 : 64;
		s->pkgs = xrealloc(s->pkgs, s->apkgs * sizeof(*s->pkgs));
	}
	struct snap_pkg *p = &s->pkgs[s->npkgs++];
	memset(p, 0, sizeof(*p));
	return p;
}

static struct snap_file *add_file(struct snapshot *s)
{
	if (s->nfiles == s->afiles) {
		s->afiles = s->afiles ? s->afiles * 2 : 256;
		s->files = xrealloc(s->files, s->afiles * sizeof(*s->files));
	}
	struct snap_file *f = &s->files[s->nfiles++];
	memset(f, 0, sizeof(*f));
	return f;
}

static char *dup_opt(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void snapshot_add_batch(struct snapshot *s, const char *input, const struct scan_batch *b)
{
	if (b->package) {
		struct snap_pkg *p = add_pkg(s);
		p->name = xstrdup(b->package);
		p->version = dup_opt(b->version);
		p->arch = dup_opt(b->arch);
		p->path = xstrdup(input);
	}
	for (size_t i = 0; i < b->n; i++) {
		const struct scan_record *r = &b->recs[i];
		if (r->link)
			continue;
		struct snap_file *f = add_file(s);
		f->package = xstrdup(b->package ? b->package : "");
		f->name = xstrdup(r->member ? r->member : r->path);
		if (r->error)
			continue;
		for (int p = 0; p < PROP_COUNT; p++) {
			f->state[p] = xstrdup(state_name(r->res.v[p].state));
			f->ok[p] = r->res.v[p].ok;
		}
	}
}

static void props_from_json(struct snap_file *f, const char *text)
{
	json_t *o = text ? json_loads(text, 0, NULL) : NULL;
	if (!o)
		return;
	for (int p = 0; p < PROP_COUNT; p++) {
		json_t *v = json_object_get(o, prop_name(p));
		const char *state = json_string_value(json_object_get(v, "state"));
		if (!state)
			continue;       /* a property this run did not know */
		f->state[p] = xstrdup(state);
		f->ok[p] = json_is_true(json_object_get(v, "ok"));
	}
	json_decref(o);
}

static const char *col(const struct libsqlite3 *sq, sqlite3_stmt *q, int i)
{
	return (const char *)sq->sqlite3_column_text(q, i);
}

int store_load_run(struct store *st, int64_t run, struct snapshot *s, struct herr *err)
{
	const struct libsqlite3 *sq = st->sq;
	sqlite3_stmt *q;
	if (sq->sqlite3_prepare_v2(st->db, "SELECT complete FROM runs WHERE id = ?", -1, &q, NULL) != SQLITE_OK)
		return store_fail(st, err, "cannot read runs");
	sq->sqlite3_bind_int64(q, 1, run);
	int rc = sq->sqlite3_step(q);
	bool complete = rc == SQLITE_ROW && sq->sqlite3_column_int(q, 0);
	sq->sqlite3_finalize(q);
	if (rc != SQLITE_ROW)
		return herr_set(err, "%s: no run %lld", st->path, (long long)run);
	if (!complete)
		return herr_set(err, "%s: run %lld is incomplete", st->path, (long long)run);
	s->label = xasprintf("run %lld", (long long)run);

	if (sq->sqlite3_prepare_v2(st->db, "SELECT name, version, arch, path FROM packages WHERE run = ? ORDER BY rowid",
			           -1, &q, NULL) != SQLITE_OK)
		return store_fail(st, err, "cannot read packages");
	sq->sqlite3_bind_int64(q, 1, run);
	while ((rc = sq->sqlite3_step(q)) == SQLITE_ROW) {
		struct snap_pkg *p = add_pkg(s);
		p->name = xstrdup(col(sq, q, 0));
		p->version = dup_opt(col(sq, q, 1));
		p->arch = dup_opt(col(sq, q, 2));
		p->path = xstrdup(col(sq, q, 3));
	}
	sq->sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "cannot read packages");

	if (sq->sqlite3_prepare_v2(st->db, "SELECT package, name, props FROM files WHERE run = ? ORDER BY rowid",
			           -1, &q, NULL) != SQLITE_OK)
		return store_fail(st, err, "cannot read files");
	sq->sqlite3_bind_int64(q, 1, run);
	while ((rc = sq->sqlite3_step(q)) == SQLITE_ROW) {
		struct snap_file *f = add_file(s);
		f->package = xstrdup(col(sq, q, 0));
		f->name = xstrdup(col(sq, q, 1));
		props_from_json(f, col(sq, q, 2));
	}
	sq->sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, "cannot read files");
}

void snapshot_free(struct snapshot *s)
{
	for (size_t i = 0; i < s->npkgs; i++) {
		free(s->pkgs[i].name);
		free(s->pkgs[i].version);
		free(s->pkgs[i].arch);
		free(s->pkgs[i].path);
	}
	for (size_t i = 0; i < s->nfiles; i++) {
		free(s->files[i].package);
		free(s->files[i].name);
		for (int p = 0; p < PROP_COUNT; p++)
			free(s->files[i].state[p]);
	}
	free(s->pkgs);
	free(s->files);
	free(s->label);
	memset(s, 0, sizeof(*s));
}
