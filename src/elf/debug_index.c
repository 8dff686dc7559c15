/*
 * debug_index.c — which separate debug files exist under a debug root,
 * listed once per scan instead of asked for file by file.
 *
 * Every file with a build-id has its DWARF looked for at
 * ROOT/.build-id/xx/yyyy.debug. On a system with few -dbgsym packages
 * nearly every lookup fails, and each failed open walks six path
 * components: two thousand of them in a scan of /usr/lib, a tenth of a
 * warm scan's time. After the first LIST_AFTER lookups (so that a scan of
 * a few files never pays for it), the directories ROOT/.build-id/xx are
 * read once; a build-id not listed there is not opened. A directory that
 * cannot be read leaves its build-ids to be opened as before, and a debug
 * file installed while the scan runs may be missed by it: the index is
 * a snapshot taken when it is built.
 */
#include "elf/internal.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define LIST_AFTER 64

enum prefix_state { UNLISTED, LISTED, ABSENT };

struct debug_index {
	char *build_id_dir;     /* ROOT/.build-id */
	atomic_uint lookups;
	atomic_bool ready;      /* the lists below are built and never change again */
	pthread_mutex_t lock;
	unsigned char prefix[256]; /* enum prefix_state of ROOT/.build-id/xx */
	struct strvec ids;      /* "xxyyyy" of every xx/yyyy.debug, sorted */
};

struct debug_index *debug_index_new(const char *root)
{
	struct debug_index *ix = xcalloc(1, sizeof(*ix));
	ix->build_id_dir = xasprintf("%s/.build-id", root ? root : "/usr/lib/debug");
	pthread_mutex_init(&ix->lock, NULL);
	return ix;
}

void debug_index_free(struct debug_index *ix)
{
	if (!ix)
		return;
	strvec_clear(&ix->ids);
	pthread_mutex_destroy(&ix->lock);
	free(ix->build_id_dir);
	free(ix);
}

static int hex_value(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* 0-255 for two lower-case hex digits, else -1 */
static int prefix_of(const char *s)
{
	int hi = hex_value(s[0]), lo = hi < 0 ? -1 : hex_value(s[1]);
	return lo < 0 || s[2] != '\0' ? -1 : hi << 4 | lo;
}

/* List ROOT/.build-id/xx: its yyyy.debug names, as xxyyyy. */
static enum prefix_state list_prefix(struct debug_index *ix, const char *xx)
{
	char *path = xasprintf("%s/%s", ix->build_id_dir, xx);
	DIR *d = opendir(path);
	free(path);
	if (!d)
		return UNLISTED;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len > 6 && !strcmp(de->d_name + len - 6, ".debug"))
			strvec_pushf(&ix->ids, "%s%.*s", xx, (int)(len - 6), de->d_name);
	}
	closedir(d);
	return LISTED;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void build(struct debug_index *ix)
{
	DIR *d = opendir(ix->build_id_dir);
	/* no such directory: nothing can be found below it; unreadable: ask each time */
	memset(ix->prefix, d || errno == ENOENT ? ABSENT : UNLISTED, sizeof(ix->prefix));
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		int p = prefix_of(de->d_name);
		if (p >= 0)
			ix->prefix[p] = (unsigned char)list_prefix(ix, de->d_name);
	}
	closedir(d);
	if (ix->ids.n > 1)
		qsort(ix->ids.v, ix->ids.n, sizeof(*ix->ids.v), by_name);
}

bool debug_index_may_exist(struct debug_index *ix, const char *build_id)
{
	if (!ix || atomic_fetch_add(&ix->lookups, 1) < LIST_AFTER)
		return true;
	if (!atomic_load(&ix->ready)) {
		pthread_mutex_lock(&ix->lock);
		if (!atomic_load(&ix->ready)) {
			build(ix);
			atomic_store(&ix->ready, true);
		}
		pthread_mutex_unlock(&ix->lock);
	}
	char xx[3] = { build_id[0], build_id[0] ? build_id[1] : '\0', '\0' };
	int p = prefix_of(xx);
	if (p < 0 || ix->prefix[p] == UNLISTED)
		return true;
	if (ix->prefix[p] == ABSENT || ix->ids.n == 0)
		return false;
	return bsearch(&build_id, ix->ids.v, ix->ids.n, sizeof(*ix->ids.v), by_name) != NULL;
}
