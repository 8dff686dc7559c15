/*
 * dwarf_cache_store.c — where scan cache entries live and how they get
 * there: one SQLite database, DIR/cache.sqlite, a row per file whose DWARF
 * was read (and per package archive: pkg/cache.c), keyed by a hash of kind
 * and path.
 *
 * Naming an entry by its path (and keeping the stat key inside) rather than
 * by the whole key means a rebuilt or upgraded file replaces its old entry
 * instead of leaving it behind: the cache stays about one row per file with
 * DWARF ever scanned. Separate debug files are named by build-id, so each
 * package upgrade still adds entries; deleting the directory is always safe.
 *
 * Why a database and not a file per entry (as earlier builds did): a first
 * scan of /usr with libc's debug symbols writes 279 entries, and creating a
 * file is the costliest thing a file system does. On ext4 shortly after
 * many deletions (a build machine, any time) inode allocation searches past
 * the recently deleted ones: the 279 creations and renames took a third of
 * the whole scan's CPU. Entries are queued and written in one transaction
 * at the end of the scan (or every FLUSH_ENTRIES, FLUSH_BYTES or
 * FLUSH_SECONDS); a load looks at the queue first, so a file scanned twice
 * in one run is read once.
 *
 * Transactions keep concurrent harden processes from seeing half an entry;
 * two writers of one entry both write a correct result and the last commit
 * wins. synchronous=OFF: a power cut can tear the database, which is then
 * a miss (a damaged entry fails its checksum; a damaged database is
 * replaced by a new one when it is next opened).
 *
 * Each row carries the day it was last used (written with the next flush,
 * at most once a day per row); rows unused for KEEP_DAYS are deleted when a
 * scan ends, so a build machine's cache does not grow with every package
 * version it ever saw. A table of another layout is replaced like a damaged
 * database.
 *
 * Every failure here (no HOME, no libsqlite3, a read-only directory, a full
 * disk, a damaged entry, a database locked longer than BUSY_MS) is a miss or
 * a skipped write, never an error: the cache only saves time.
 */
#include "elf/dwarf_cache.h"
#include "dl/dl.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Larger entries are not ours: libc's, the largest on a Debian system, is ~70 KiB. */
enum { MAX_ENTRY = 16 << 20 };
enum { FLUSH_ENTRIES = 4096, FLUSH_BYTES = 4 << 20, FLUSH_SECONDS = 2, BUSY_MS = 5000 };
/* Entries not used for this many days are removed when a scan ends. */
enum { KEEP_DAYS = 30 };

#define DB_NAME "cache.sqlite"

/* An entry written by this run, not yet in the database. */
struct pending {
	uint64_t name;
	char *data;
	size_t len;
};

struct dwarf_cache {
	char *dir, *path;       /* the directory, and the database in it */
	pthread_mutex_t lock;   /* everything below, and every SQLite call */
	bool tried;             /* opening was attempted: db is the outcome */
	const struct libsqlite3 *sq;
	sqlite3 *db;            /* NULL: no cache this run, every load a miss */
	sqlite3_stmt *get, *put, *touch;
	int64_t today;          /* days since 1970: each row says on which day it was last used */
	uint64_t *touched;      /* names served from the database, last used before today */
	size_t ntouched, touched_alloc;
	struct pending *pending;
	size_t npending, alloc, pending_bytes;
	time_t first_pending;
	/*
	 * The queue by name: open addressing, 1 + the index of the newest
	 * entry of that name, 0 for an empty slot. A scan of /usr/share looks
	 * up 28,000 gzipped files, each against a queue of thousands.
	 */
	uint32_t slots[2 * FLUSH_ENTRIES];
};

char *dwarf_cache_default_dir(void)
{
	const char *dir = getenv("HARDEN_CACHE_DIR"), *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	if (dir && *dir)
		return xstrdup(dir);
	if (xdg && *xdg)
		return xasprintf("%s/harden", xdg);
	if (home && *home)
		return xasprintf("%s/.cache/harden", home);
	return NULL;
}

uint64_t dwarf_cache_entry_name(const struct dwarf_cache_key *k)
{
	unsigned char kind = (unsigned char)k->kind;
	uint64_t h = dwarf_cache_hash(&kind, 1, DWARF_CACHE_HASH_SEED);
	/* 63 bits: an SQLite integer key is signed */
	return dwarf_cache_hash(k->path, strlen(k->path), h) >> 1;
}

struct dwarf_cache *dwarf_cache_open(const char *dir)
{
	if (!dir)
		return NULL;
	struct dwarf_cache *c = xcalloc(1, sizeof(*c));
	c->dir = xstrdup(dir);
	c->path = xasprintf("%s/" DB_NAME, dir);
	c->today = (int64_t)(time(NULL) / 86400);
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

/* mkdir -p; errors are left for the open that follows to notice. */
static void make_dirs(const char *dir)
{
	if (mkdir(dir, 0777) == 0 || errno != ENOENT)
		return; /* made, there already, or not to be made: the parents are not the question */
	char *p = xstrdup(dir);
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(p, 0777);
		*s = '/';
	}
	mkdir(p, 0777);
	free(p);
}

static void close_db(struct dwarf_cache *c)
{
	if (c->db) {
		c->sq->sqlite3_finalize(c->get);
		c->sq->sqlite3_finalize(c->put);
		c->sq->sqlite3_finalize(c->touch);
		c->sq->sqlite3_close(c->db);
	}
	c->db = NULL;
	c->get = c->put = c->touch = NULL;
}

/* A damaged database is only a cache: remove it (and its journal) for a new one. */
static void remove_db(struct dwarf_cache *c)
{
	char *journal = xasprintf("%s-journal", c->path);
	unlink(journal);
	unlink(c->path);
	free(journal);
}

static bool is_damage(int rc)
{
	return rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT;
}

/* SQLITE_OK, or the code of the first step that failed. */
static int try_open(struct dwarf_cache *c, int flags)
{
	const struct libsqlite3 *sq = c->sq;
	int rc = sq->sqlite3_open_v2(c->path, &c->db, flags, NULL);
	if (rc == SQLITE_OK) {
		sq->sqlite3_busy_timeout(c->db, BUSY_MS);
		rc = sq->sqlite3_exec(c->db,
				      "PRAGMA synchronous=OFF;"
				      "CREATE TABLE IF NOT EXISTS entry"
				      " (name INTEGER PRIMARY KEY, data BLOB NOT NULL, used INTEGER NOT NULL)",
				      NULL, NULL, NULL);
	}
	int prepared = rc;
	if (prepared == SQLITE_OK)
		prepared = sq->sqlite3_prepare_v2(c->db, "SELECT data, used FROM entry WHERE name = ?1", -1, &c->get, NULL);
	if (prepared == SQLITE_OK)
		prepared = sq->sqlite3_prepare_v2(c->db, "INSERT OR REPLACE INTO entry (name, data, used) VALUES (?1, ?2, ?3)",
						  -1, &c->put, NULL);
	if (prepared == SQLITE_OK)
		prepared = sq->sqlite3_prepare_v2(c->db, "UPDATE entry SET used = ?2 WHERE name = ?1", -1, &c->touch, NULL);
	if (prepared != SQLITE_OK)
		close_db(c);
	/* the table is there but not as ours (an earlier layout, "no such column"): as damaged, replaced */
	return rc == SQLITE_OK && prepared == SQLITE_ERROR ? SQLITE_NOTADB : prepared;
}

/*
 * Open the database on first use. A file that is not a database, or a
 * damaged one, is replaced (it is only a cache); a directory that cannot be
 * written is still read.
 */
static bool db_ready(struct dwarf_cache *c)
{
	if (c->tried)
		return c->db != NULL;
	c->tried = true;
	struct herr err;
	if (!(c->sq = libsqlite3_load(&err)))
		return false;
	make_dirs(c->dir);
	const int rw = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	int rc = try_open(c, rw);
	if (is_damage(rc)) {
		remove_db(c);
		rc = try_open(c, rw);
	}
	if (rc != SQLITE_OK)
		try_open(c, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
	return c->db != NULL;
}

static uint32_t *slot_of(struct dwarf_cache *c, uint64_t name)
{
	size_t i = (size_t)(name % ARRAY_SIZE(c->slots));
	while (c->slots[i] && c->pending[c->slots[i] - 1].name != name)
		i = (i + 1) % ARRAY_SIZE(c->slots);
	return &c->slots[i];
}

/* Forget the queue: the entries to write and the uses to note. */
static void clear_queue(struct dwarf_cache *c)
{
	c->ntouched = 0;
	for (size_t i = 0; i < c->npending; i++)
		free(c->pending[i].data);
	c->npending = c->pending_bytes = 0;
	memset(c->slots, 0, sizeof(c->slots));
}

/* Run a prepared statement on (name, blob or NULL, day); true when it is done. */
static bool run(const struct libsqlite3 *sq, sqlite3_stmt *st, uint64_t name, const char *data, size_t len,
		int64_t day)
{
	sq->sqlite3_bind_int64(st, 1, (sqlite3_int64)name);
	if (data) {
		sq->sqlite3_bind_blob(st, 2, data, (int)len, SQLITE_STATIC);
		sq->sqlite3_bind_int64(st, 3, day);
	} else {
		sq->sqlite3_bind_int64(st, 2, day);
	}
	bool ok = sq->sqlite3_step(st) == SQLITE_DONE;
	sq->sqlite3_reset(st);
	return ok;
}

/*
 * Write the queue, and today's date on the entries served since the last
 * flush, in one transaction; on any failure none of it (a cache may forget).
 */
static void flush_locked(struct dwarf_cache *c)
{
	if ((c->npending || c->ntouched) && db_ready(c)) {
		const struct libsqlite3 *sq = c->sq;
		bool ok = sq->sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
		for (size_t i = 0; ok && i < c->npending; i++)
			ok = run(sq, c->put, c->pending[i].name, c->pending[i].data, c->pending[i].len, c->today);
		for (size_t i = 0; ok && i < c->ntouched; i++)
			ok = run(sq, c->touch, c->touched[i], NULL, 0, c->today);
		if (!ok || sq->sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			sq->sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	}
	clear_queue(c);
}

void dwarf_cache_close(struct dwarf_cache *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	flush_locked(c);
	if (c->db) {
		/* what no scan has used for KEEP_DAYS: packages and debug files long gone */
		char *sql = xasprintf("DELETE FROM entry WHERE used < %lld", (long long)(c->today - KEEP_DAYS));
		c->sq->sqlite3_exec(c->db, sql, NULL, NULL, NULL);
		free(sql);
	}
	close_db(c);
	pthread_mutex_unlock(&c->lock);
	pthread_mutex_destroy(&c->lock);
	free(c->pending);
	free(c->touched);
	free(c->dir);
	free(c->path);
	free(c);
}

/* Note that an entry was used today: written with the queue, at most once a day. */
static void remember_use(struct dwarf_cache *c, uint64_t name)
{
	if (c->ntouched == c->touched_alloc) {
		c->touched_alloc = c->touched_alloc ? 2 * c->touched_alloc : 64;
		c->touched = xrealloc(c->touched, c->touched_alloc * sizeof(*c->touched));
	}
	c->touched[c->ntouched++] = name;
}

/* A copy of the entry named `name`, from the queue or the database; NULL when there is none. */
static char *find_entry(struct dwarf_cache *c, uint64_t name, size_t *size)
{
	uint32_t queued = *slot_of(c, name);
	if (queued) {
		*size = c->pending[queued - 1].len;
		return xmemdup(c->pending[queued - 1].data, *size);
	}
	if (!db_ready(c))
		return NULL;
	const struct libsqlite3 *sq = c->sq;
	char *data = NULL;
	sq->sqlite3_bind_int64(c->get, 1, (sqlite3_int64)name);
	int rc = sq->sqlite3_step(c->get);
	if (rc == SQLITE_ROW) {
		const void *blob = sq->sqlite3_column_blob(c->get, 0);
		int n = sq->sqlite3_column_bytes(c->get, 0);
		if (blob && n > 0 && n <= MAX_ENTRY) {
			*size = (size_t)n;
			data = xmemdup(blob, *size);
		}
		if (sq->sqlite3_column_int64(c->get, 1) < c->today)
			remember_use(c, name);
	}
	sq->sqlite3_reset(c->get);
	if (is_damage(rc)) {
		/* torn pages (synchronous=OFF and a power cut): start a new database */
		close_db(c);
		remove_db(c);
		c->tried = false;
	}
	return data;
}

char *dwarf_cache_get(struct dwarf_cache *c, const struct dwarf_cache_key *k, size_t *size)
{
	pthread_mutex_lock(&c->lock);
	char *data = find_entry(c, dwarf_cache_entry_name(k), size);
	pthread_mutex_unlock(&c->lock);
	return data;
}

bool dwarf_cache_load(struct dwarf_cache *c, const struct dwarf_cache_key *k, struct elf_facts *f)
{
	size_t size = 0;
	char *data = dwarf_cache_get(c, k, &size);
	/* checked outside the lock: the entry is our own copy */
	bool hit = data && dwarf_cache_decode(data, size, k, f) == 0;
	free(data);
	return hit;
}

void dwarf_cache_put(struct dwarf_cache *c, const struct dwarf_cache_key *k, const void *entry, size_t len)
{
	if (len == 0 || len > MAX_ENTRY)
		return;
	time_t now = time(NULL);
	pthread_mutex_lock(&c->lock);
	if (c->npending == c->alloc) {
		c->alloc = c->alloc ? 2 * c->alloc : 64;
		c->pending = xrealloc(c->pending, c->alloc * sizeof(*c->pending));
	}
	if (c->npending == 0)
		c->first_pending = now;
	uint64_t name = dwarf_cache_entry_name(k);
	c->pending[c->npending++] = (struct pending){ name, xmemdup(entry, len), len };
	*slot_of(c, name) = (uint32_t)c->npending; /* the newest of that name wins */
	c->pending_bytes += len;
	if (c->npending >= FLUSH_ENTRIES || c->pending_bytes >= FLUSH_BYTES || now - c->first_pending >= FLUSH_SECONDS)
		flush_locked(c);
	pthread_mutex_unlock(&c->lock);
}

/*
 * A file changed less than a second ago may change again without its
 * timestamps moving (they tick at the kernel's clock granularity, not in
 * nanoseconds): caching it could pin a result the key cannot tell stale.
 */
bool dwarf_cache_key_settled(const struct dwarf_cache_key *k)
{
	struct timespec now;
	if (clock_gettime(CLOCK_REALTIME, &now) != 0)
		return false;
	uint64_t now_ns = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
	uint64_t newest = k->mtime_ns > k->ctime_ns ? k->mtime_ns : k->ctime_ns;
	return newest + 1000000000u <= now_ns;
}

void dwarf_cache_store(struct dwarf_cache *c, const struct dwarf_cache_key *k, const struct elf_facts *f)
{
	if (!dwarf_cache_key_settled(k))
		return;
	struct buf b = { 0 };
	dwarf_cache_encode(k, f, &b);
	dwarf_cache_put(c, k, b.p, b.len);
	buf_free(&b);
}
