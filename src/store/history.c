/*
 * history.c — one package across the recorded runs, oldest first: version,
 * ELF count, findings, and per property how many of its files had it.
 * The per-property counts come from the stored JSON of each file, one
 * query per run.
 */
#include "store/internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void count_props(struct history_row *h, const char *props)
{
	json_t *o = props ? json_loads(props, 0, NULL) : NULL;
	if (!o)
		return;
	for (int p = 0; p < PROP_COUNT; p++) {
		json_t *v = json_object_get(o, prop_name(p));
		const char *state = json_string_value(json_object_get(v, "state"));
		if (!state || !strcmp(state, "n/a") || !strcmp(state, "unknown"))
			continue;
		h->applicable[p]++;
		h->good[p] += json_is_true(json_object_get(v, "ok"));
	}
	json_decref(o);
}

int store_history(struct store *s, const char *package, struct history_row **rows, size_t *n,
		  struct herr *err)
{
	const struct libsqlite3 *sq = s->sq;
	sqlite3_stmt *q, *f;
	size_t alloc = 0;
	*rows = NULL;
	*n = 0;
	if (sq->sqlite3_prepare_v2(s->db,
			           "SELECT r.id, r.started, p.version, p.arch, p.elf, p.with_findings, p.findings"
			           " FROM packages p JOIN runs r ON r.id = p.run"
			           " WHERE p.name = ? AND r.complete = 1 ORDER BY r.id, p.rowid", -1, &q, NULL) != SQLITE_OK)
		return store_fail(s, err, "cannot read history");
	if (sq->sqlite3_prepare_v2(s->db, "SELECT props FROM files WHERE run = ? AND package = ? AND"
			           " (arch IS ? OR ? IS NULL) AND error IS NULL", -1, &f, NULL) != SQLITE_OK) {
		sq->sqlite3_finalize(q);
		return store_fail(s, err, "cannot read history");
	}
	sq->sqlite3_bind_text(q, 1, package, -1, SQLITE_TRANSIENT);
	int rc;
	while ((rc = sq->sqlite3_step(q)) == SQLITE_ROW) {
		if (*n == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			*rows = xrealloc(*rows, alloc * sizeof(**rows));
		}
		struct history_row *h = &(*rows)[(*n)++];
		memset(h, 0, sizeof(*h));
		h->run = sq->sqlite3_column_int64(q, 0);
		h->when = xstrdup((const char *)sq->sqlite3_column_text(q, 1));
		const char *v = (const char *)sq->sqlite3_column_text(q, 2), *a = (const char *)sq->sqlite3_column_text(q, 3);
		h->version = v ? xstrdup(v) : NULL;
		h->arch = a ? xstrdup(a) : NULL;
		h->elf = (size_t)sq->sqlite3_column_int64(q, 4);
		h->with_findings = (size_t)sq->sqlite3_column_int64(q, 5);
		h->findings = (size_t)sq->sqlite3_column_int64(q, 6);
		sq->sqlite3_reset(f);
		sq->sqlite3_bind_int64(f, 1, h->run);
		sq->sqlite3_bind_text(f, 2, package, -1, SQLITE_TRANSIENT);
		sq->sqlite3_bind_text(f, 3, a, -1, SQLITE_TRANSIENT);
		sq->sqlite3_bind_text(f, 4, a, -1, SQLITE_TRANSIENT);
		while (sq->sqlite3_step(f) == SQLITE_ROW)
			count_props(h, (const char *)sq->sqlite3_column_text(f, 0));
	}
	sq->sqlite3_finalize(q);
	sq->sqlite3_finalize(f);
	return rc == SQLITE_DONE ? 0 : store_fail(s, err, "cannot read history");
}

void history_free(struct history_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].when);
		free(rows[i].version);
		free(rows[i].arch);
	}
	free(rows);
}
