/*
 * dwarf_cache_store.c — where DWARF cache entries live and how they get
 * there: one flat file per source file, DIR/dwarf/<hash of kind and path>.
 *
 * Naming an entry by its path (and keeping the stat key inside) rather than
 * by the whole key means a rebuilt or upgraded file overwrites its old entry
 * instead of leaving it behind: the cache stays about one small file per
 * file with DWARF ever scanned. Separate debug files are named by build-id,
 * so each package upgrade still adds entries; deleting the directory is
 * always safe.
 *
 * Writes go to a temporary file in the same directory and are renamed over
 * the entry: rename is atomic, so another harden process or worker sees the
 * old entry or the new one, never a mix; two writers of one entry both write
 * a correct result and the last rename wins. No fsync: a power cut can leave
 * a torn entry, which the checksum turns into a miss.
 *
 * Every failure here (no HOME, a read-only directory, a full disk, a
 * damaged entry) is a miss or a skipped write, never an error: the cache only
 * saves time.
 */
#include "elf/dwarf_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Larger entries are not ours: libc's, the largest on a Debian system, is ~70 KiB. */
enum { MAX_ENTRY = 16 << 20 };

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

char *dwarf_cache_entry_path(const char *dir, const struct dwarf_cache_key *k)
{
	unsigned char kind = (unsigned char)k->kind;
	uint64_t h = dwarf_cache_hash(&kind, 1, DWARF_CACHE_HASH_SEED);
	h = dwarf_cache_hash(k->path, strlen(k->path), h);
	return xasprintf("%s/dwarf/%016llx", dir, (unsigned long long)h);
}

/* Read the whole entry with one read(): entries are small and this is the hot path. */
static char *read_entry(const char *path, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	char *data = NULL;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && st.st_size <= MAX_ENTRY) {
		*size = (size_t)st.st_size;
		data = xmalloc(*size);
		if (read(fd, data, *size) != (ssize_t)*size) {
			free(data);
			data = NULL;
		}
	}
	close(fd);
	return data;
}

bool dwarf_cache_load(const char *dir, const struct dwarf_cache_key *k, struct elf_facts *f)
{
	char *path = dwarf_cache_entry_path(dir, k);
	size_t size = 0;
	char *data = read_entry(path, &size);
	bool hit = data && dwarf_cache_decode(data, size, k, f) == 0;
	free(data);
	free(path);
	return hit;
}

/* mkdir -p; errors are left for the caller's next step to notice. */
static void make_dirs(const char *dir)
{
	char *p = xstrdup(dir);
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(p, 0777);
		*s = '/';
	}
	mkdir(p, 0777);
	free(p);
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/*
 * A file changed less than a second ago may change again without its
 * timestamps moving (they tick at the kernel's clock granularity, not in
 * nanoseconds): caching it could pin a result the key cannot tell stale.
 */
static bool too_recent(const struct dwarf_cache_key *k)
{
	struct timespec now;
	if (clock_gettime(CLOCK_REALTIME, &now) != 0)
		return true;
	uint64_t now_ns = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
	uint64_t newest = k->mtime_ns > k->ctime_ns ? k->mtime_ns : k->ctime_ns;
	return newest + 1000000000u > now_ns;
}

void dwarf_cache_store(const char *dir, const struct dwarf_cache_key *k, const struct elf_facts *f)
{
	if (too_recent(k))
		return;
	char *path = dwarf_cache_entry_path(dir, k);
	char *sub = xasprintf("%s/dwarf", dir);
	char *tmp = xasprintf("%s/.tmp-XXXXXX", sub);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		make_dirs(sub);
		memcpy(tmp + strlen(tmp) - 6, "XXXXXX", 6); /* a failed mkostemp may have filled it in */
		fd = mkostemp(tmp, O_CLOEXEC);
	}
	if (fd >= 0) {
		struct buf b = { 0 };
		dwarf_cache_encode(k, f, &b);
		bool ok = write_all(fd, b.p, b.len);
		ok = close(fd) == 0 && ok;
		if (!ok || rename(tmp, path) != 0)
			unlink(tmp);
		buf_free(&b);
	}
	free(tmp);
	free(sub);
	free(path);
}
