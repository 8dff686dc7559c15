/*
 * db.c — the SQLite database: schema, and writing one run.
 *
 * WAL journal so that `harden history` can read while a scan writes; one
 * transaction per run (BEGIN IMMEDIATE at the start, COMMIT once complete),
 * so a killed scan rolls back to the previous state on the next open. The
 * run row carries complete=1 only in that committing transaction: a reader
 * never sees a half run. Statements are prepared once per run.
 */
#include "store/store.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store/internal.h"

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS runs ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT, started TEXT NOT NULL, finished TEXT,"
	"  complete INTEGER NOT NULL DEFAULT 0, inputs TEXT NOT NULL, profile TEXT, harden TEXT);"
	"CREATE TABLE IF NOT EXISTS packages ("
	"  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, name TEXT NOT NULL,"
	"  version TEXT, arch TEXT, origin TEXT, format TEXT, path TEXT NOT NULL,"
	"  elf INTEGER NOT NULL, with_findings INTEGER NOT NULL, findings INTEGER NOT NULL,"
	"  errors INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS files ("
	"  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  package TEXT NOT NULL, arch TEXT, name TEXT NOT NULL, type TEXT, error TEXT,"
	"  findings INTEGER NOT NULL DEFAULT 0, setuid INTEGER NOT NULL DEFAULT 0, props TEXT);"
	"CREATE INDEX IF NOT EXISTS packages_by_name ON packages(name, run);"
	"CREATE INDEX IF NOT EXISTS files_by_run ON files(run, package);";

int store_fail(struct store *s, struct herr *err, const char *what)
{
	const struct libsqlite3 *sq = s->sq;
	return herr_set(err, "%s: %s: %s", s->path, what, sq->sqlite3_errmsg(s->db));
}

static int exec(struct store *s, const char *sql, struct herr *err)
{
	const struct libsqlite3 *sq = s->sq;
	char *msg = NULL;
	if (sq->sqlite3_exec(s->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	herr_set(err, "%s: %s", s->path, msg ? msg : "SQL error");
	sq->sqlite3_free(msg);
	return -1;
}

char *store_default_path(void)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	if (xdg && *xdg)
		return xasprintf("%s/harden/harden.db", xdg);
	return xasprintf("%s/.local/share/harden/harden.db", home && *home ? home : ".");
}

/* mkdir -p of the directory holding path. */
static int make_parent(const char *path, struct herr *err)
{
	char *dir = xstrdup(path);
	for (char *p = dir + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
			herr_set(err, "cannot create %s: %s", dir, strerror(errno));
			free(dir);
			return -1;
		}
		*p = '/';
	}
	free(dir);
	return 0;
}

int store_open(const char *path, struct store **out, struct herr *err)
{
	const struct libsqlite3 *sq = libsqlite3_load(err);
	if (!sq)
		return herr_prefix(err, "%s", path);
	if (make_parent(path, err))
		return -1;
	struct store *s = xcalloc(1, sizeof(*s));
	s->sq = sq;
	s->path = xstrdup(path);
	if (sq->sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		store_fail(s, err, "cannot open database");
		store_close(s);
		return -1;
	}
	sq->sqlite3_busy_timeout(s->db, 10000);
	if (exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", err) ||
	    exec(s, schema, err)) {
		store_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	const struct libsqlite3 *sq = s->sq;
	sq->sqlite3_finalize(s->add_pkg);
	sq->sqlite3_finalize(s->add_file);
	if (s->in_run)
		sq->sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	sq->sqlite3_close(s->db);
	free(s->path);
	free(s);
}

static void utc_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int store_run_begin(struct store *s, const char *inputs, const char *profile, int64_t *run,
		    struct herr *err)
{
	const struct libsqlite3 *sq = s->sq;
	char now[32];
	sqlite3_stmt *st = NULL;
	utc_now(now, sizeof(now));
	if (exec(s, "BEGIN IMMEDIATE", err))
		return -1;
	s->in_run = true;
	if (sq->sqlite3_prepare_v2(s->db, "INSERT INTO runs(started, inputs, profile, harden) VALUES (?,?,?,?)",
			           -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, err, "cannot record the run");
	sq->sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
	sq->sqlite3_bind_text(st, 2, inputs, -1, SQLITE_TRANSIENT);
	sq->sqlite3_bind_text(st, 3, profile, -1, SQLITE_TRANSIENT);
	sq->sqlite3_bind_text(st, 4, HARDEN_VERSION, -1, SQLITE_STATIC);
	int rc = sq->sqlite3_step(st);
	sq->sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, err, "cannot record the run");
	s->run = sq->sqlite3_last_insert_rowid(s->db);
	*run = s->run;
	if (sq->sqlite3_prepare_v2(s->db, "INSERT INTO packages(run, name, version, arch, origin, format, path, elf,"
			           " with_findings, findings, errors) VALUES (?,?,?,?,?,?,?,?,?,?,?)", -1,
			           &s->add_pkg, NULL) != SQLITE_OK ||
	    sq->sqlite3_prepare_v2(s->db, "INSERT INTO files(run, package, arch, name, type, error, findings, setuid, props)"
			           " VALUES (?,?,?,?,?,?,?,?,?)", -1, &s->add_file, NULL) != SQLITE_OK)
		return store_fail(s, err, "cannot prepare statements");
	return 0;
}

static void bind_opt(const struct libsqlite3 *sq, sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sq->sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sq->sqlite3_bind_null(st, i);
}

char *store_props_json(const struct check_result *res)
{
	json_t *o = json_object();
	for (int p = 0; p < PROP_COUNT; p++)
		json_object_set_new(o, prop_name(p), json_pack("{s:s, s:b}", "state", state_name(res->v[p].state),
								"ok", res->v[p].ok));
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}

static int add_file(struct store *s, const struct scan_batch *b, const struct scan_record *r, struct herr *err)
{
	const struct libsqlite3 *sq = s->sq;
	sqlite3_stmt *st = s->add_file;
	char *props = r->error ? NULL : store_props_json(&r->res);
	sq->sqlite3_reset(st);
	sq->sqlite3_bind_int64(st, 1, s->run);
	sq->sqlite3_bind_text(st, 2, b->package ? b->package : "", -1, SQLITE_TRANSIENT);
	bind_opt(sq, st, 3, b->arch);
	sq->sqlite3_bind_text(st, 4, r->member ? r->member : r->path, -1, SQLITE_TRANSIENT);
	bind_opt(sq, st, 5, r->error ? NULL : elf_kind_name(r->facts.kind));
	bind_opt(sq, st, 6, r->error);
	sq->sqlite3_bind_int(st, 7, r->error ? 0 : r->res.finding_count);
	sq->sqlite3_bind_int(st, 8, r->setuid || r->setgid);
	bind_opt(sq, st, 9, props);
	int rc = sq->sqlite3_step(st);
	free(props);
	return rc == SQLITE_DONE ? 0 : store_fail(s, err, "cannot record a file");
}

int store_add_batch(struct store *s, const char *input, const struct scan_batch *b, struct herr *err)
{
	const struct libsqlite3 *sq = s->sq;
	size_t elf = 0, with = 0, findings = 0, errors = 0;
	for (size_t i = 0; i < b->n; i++) {
		const struct scan_record *r = &b->recs[i];
		if (r->link)
			continue;
		if (add_file(s, b, r, err))
			return -1;
		if (r->error) {
			errors += !r->warning; /* a warning's text is kept in files.error all the same */
			continue;
		}
		elf++;
		with += r->res.finding_count > 0;
		findings += (size_t)r->res.finding_count;
	}
	if (!b->package)
		return 0;
	sqlite3_stmt *st = s->add_pkg;
	sq->sqlite3_reset(st);
	sq->sqlite3_bind_int64(st, 1, s->run);
	sq->sqlite3_bind_text(st, 2, b->package, -1, SQLITE_TRANSIENT);
	bind_opt(sq, st, 3, b->version);
	bind_opt(sq, st, 4, b->arch);
	bind_opt(sq, st, 5, b->origin);
	bind_opt(sq, st, 6, b->pkg_format);
	sq->sqlite3_bind_text(st, 7, input, -1, SQLITE_TRANSIENT);
	sq->sqlite3_bind_int64(st, 8, (sqlite3_int64)elf);
	sq->sqlite3_bind_int64(st, 9, (sqlite3_int64)with);
	sq->sqlite3_bind_int64(st, 10, (sqlite3_int64)findings);
	sq->sqlite3_bind_int64(st, 11, (sqlite3_int64)errors);
	return sq->sqlite3_step(st) == SQLITE_DONE ? 0 : store_fail(s, err, "cannot record a package");
}

int store_run_commit(struct store *s, struct herr *err)
{
	char now[32], sql[128];
	utc_now(now, sizeof(now));
	snprintf(sql, sizeof(sql), "UPDATE runs SET complete = 1, finished = '%s' WHERE id = %lld;", now,
		 (long long)s->run);
	if (exec(s, sql, err) || exec(s, "COMMIT", err))
		return -1;
	s->in_run = false;
	return 0;
}

int64_t store_latest_run(struct store *s, int64_t before)
{
	const struct libsqlite3 *sq = s->sq;
	sqlite3_stmt *st;
	int64_t id = 0;
	if (sq->sqlite3_prepare_v2(s->db, "SELECT max(id) FROM runs WHERE complete = 1 AND id < ?", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sq->sqlite3_bind_int64(st, 1, before > 0 ? before : INT64_MAX);
	if (sq->sqlite3_step(st) == SQLITE_ROW)
		id = sq->sqlite3_column_int64(st, 0);
	sq->sqlite3_finalize(st);
	return id;
}
