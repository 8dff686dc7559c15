/*
 * Unit tests for store/: the version compare, the diff of two snapshots,
 * and the database: a run round-trips, and a run killed before its commit
 * leaves no trace and no corruption.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"

static void test_version_compare(void **state)
{
	(void)state;
	static const char *const ascending[] = {
		"0.9", "1.0~rc1", "1.0alpha", "1.0beta2", "1.0rc1", "1.0", "1.0nb1", "1.0nb2", "1.0nb10",
		"1.0.1", "1.2", "1.10", "2:0.1",
	};
	for (size_t i = 0; i < ARRAY_SIZE(ascending); i++)
		for (size_t j = 0; j < ARRAY_SIZE(ascending); j++) {
			int c = version_compare(ascending[i], ascending[j]);
			int want = i < j ? -1 : i > j ? 1 : 0;
			if ((c > 0) - (c < 0) != want)
				fail_msg("version_compare(%s, %s) = %d, want %d", ascending[i], ascending[j], c, want);
		}
	assert_true(version_compare("1.0+dfsg", "1.0") > 0);
	assert_true(version_compare("1.0+dfsg", "1.0.1") < 0);
	assert_int_equal(version_compare("1.2-3", "1.2.3"), 0);
	assert_int_equal(version_compare("007", "7"), 0);
	assert_true(version_compare("99999999999999999999999", "99999999999999999999998") > 0);
	assert_true(version_compare("9.2p1-2+deb12u10", "9.2p1-2+deb12u9") > 0);
}

/* A batch for package name/version with one file whose RELRO is ok or not. */
static void add_pkg(struct snapshot *s, const char *name, const char *version, bool relro_ok)
{
	struct scan_batch b = { 0 };
	b.package = xstrdup(name);
	b.version = xstrdup(version);
	struct scan_record *r = scan_batch_add(&b);
	r->path = xstrdup("repo/x.deb");
	r->member = xasprintf("usr/bin/%s", name);
	for (int p = 0; p < PROP_COUNT; p++)
		r->res.v[p] = (struct verdict){ .state = ST_YES, .ok = true };
	r->res.v[PROP_RELRO] = (struct verdict){ .state = relro_ok ? ST_FULL : ST_NONE, .ok = relro_ok };
	snapshot_add_batch(s, "repo/x.deb", &b);
	scan_batch_free(&b);
}

static const struct change *find(const struct diff *d, enum change_kind k, const char *pkg)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].kind == k && !strcmp(d->v[i].package, pkg))
			return &d->v[i];
	return NULL;
}

static void test_diff_snapshots(void **state)
{
	(void)state;
	struct snapshot a = { 0 }, b = { 0 };
	add_pkg(&a, "gone", "1.0", true);
	add_pkg(&a, "down", "2.0", true);
	add_pkg(&a, "relro", "1.0", true);
	add_pkg(&a, "fixed", "1.0", false);
	add_pkg(&a, "same", "1.0", true);
	add_pkg(&b, "same", "1.0", true);
	add_pkg(&b, "fixed", "1.1", true);
	add_pkg(&b, "relro", "1.0", false);
	add_pkg(&b, "down", "1.9", true);
	add_pkg(&b, "new", "0.1", true);
	struct diff d;
	diff_snapshots(&a, &b, &d);
	assert_non_null(find(&d, CH_DISAPPEARED, "gone"));
	assert_non_null(find(&d, CH_APPEARED, "new"));
	const struct change *c = find(&d, CH_DOWNGRADE, "down");
	assert_non_null(c);
	assert_string_equal(c->before, "2.0");
	assert_string_equal(c->after, "1.9");
	assert_non_null(find(&d, CH_UPGRADE, "fixed"));
	c = find(&d, CH_REGRESSION, "relro");
	assert_non_null(c);
	assert_int_equal(c->prop, PROP_RELRO);
	assert_string_equal(c->before, "full");
	assert_string_equal(c->after, "none");
	assert_string_equal(c->file, "usr/bin/relro");
	assert_non_null(find(&d, CH_IMPROVEMENT, "fixed"));
	assert_null(find(&d, CH_REGRESSION, "same"));
	assert_int_equal(d.count[CH_REGRESSION], 1);
	assert_int_equal(d.count[CH_FILE_GONE], 0);   /* files of a gone package are not listed again */
	diff_free(&d);
	/* the other way round: regressions become improvements, gone becomes appeared */
	diff_snapshots(&b, &a, &d);
	assert_non_null(find(&d, CH_APPEARED, "gone"));
	assert_non_null(find(&d, CH_IMPROVEMENT, "relro"));
	assert_non_null(find(&d, CH_UPGRADE, "down"));
	diff_free(&d);
	snapshot_free(&a);
	snapshot_free(&b);
}

static char dbpath[256];

static void record_run(struct store *s, bool relro_ok, bool commit)
{
	struct herr err;
	int64_t run;
	assert_int_equal(store_run_begin(s, "repo", "default", &run, &err), 0);
	for (int i = 0; i < 50; i++) {
		struct scan_batch b = { 0 };
		b.package = xasprintf("pkg%d", i);
		b.version = xstrdup("1.0");
		struct scan_record *r = scan_batch_add(&b);
		r->path = xstrdup("repo/x.deb");
		r->member = xstrdup("usr/bin/x");
		for (int p = 0; p < PROP_COUNT; p++)
			r->res.v[p] = (struct verdict){ .state = ST_YES, .ok = true };
		r->res.v[PROP_RELRO] = (struct verdict){ .state = relro_ok ? ST_FULL : ST_NONE, .ok = relro_ok };
		assert_int_equal(store_add_batch(s, "repo/x.deb", &b, &err), 0);
		scan_batch_free(&b);
	}
	if (commit)
		assert_int_equal(store_run_commit(s, &err), 0);
}

static void test_store_round_trip_and_kill(void **state)
{
	(void)state;
	struct store *s;
	struct herr err;
	snprintf(dbpath, sizeof(dbpath), "%s/harden-store-%d/sub/h.db", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
		 (int)getpid());
	assert_int_equal(store_open(dbpath, &s, &err), 0);
	record_run(s, true, true);
	assert_int_equal(store_latest_run(s, 0), 1);
	store_close(s);

	/* a scan killed in the middle of its run */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct store *c;
		if (store_open(dbpath, &c, &err))
			_exit(3);
		record_run(c, false, false);
		raise(SIGKILL);
		_exit(4);
	}
	int ws;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_true(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL);

	assert_int_equal(store_open(dbpath, &s, &err), 0);
	assert_int_equal(store_latest_run(s, 0), 1);   /* nothing of the killed run */
	record_run(s, false, true);
	int64_t latest = store_latest_run(s, 0);
	assert_true(latest > 1);
	struct snapshot a = { 0 }, b = { 0 };
	assert_int_equal(store_load_run(s, 1, &a, &err), 0);
	assert_int_equal(store_load_run(s, latest, &b, &err), 0);
	assert_int_equal(a.npkgs, 50);
	assert_int_equal(b.nfiles, 50);
	struct diff d;
	diff_snapshots(&a, &b, &d);
	assert_int_equal(d.count[CH_REGRESSION], 50);
	assert_int_equal(d.count[CH_DISAPPEARED], 0);
	diff_free(&d);
	snapshot_free(&a);
	snapshot_free(&b);
	assert_int_equal(store_load_run(s, 999, &a, &err), -1);
	assert_non_null(strstr(err.msg, "no run 999"));
	snapshot_free(&a);

	struct history_row *rows;
	size_t n;
	assert_int_equal(store_history(s, "pkg7", &rows, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].good[PROP_RELRO], 1);
	assert_int_equal(rows[1].good[PROP_RELRO], 0);
	assert_int_equal(rows[1].applicable[PROP_RELRO], 1);
	history_free(rows, n);
	store_close(s);

	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	sqlite3_close(db);
	char *cmd = xasprintf("rm -rf '%.*s'", (int)(strstr(dbpath, "/sub/") - dbpath), dbpath);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_compare),
		cmocka_unit_test(test_diff_snapshots),
		cmocka_unit_test(test_store_round_trip_and_kill),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
