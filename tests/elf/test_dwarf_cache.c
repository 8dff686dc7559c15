/*
 * The DWARF cache's entry codec and store: a result survives the round
 * trip (through the queue and through the database); an entry for another
 * key, a truncated, scribbled or lying entry is a miss and never a crash; a
 * damaged database is replaced; a planted entry is what a cached read returns
 * (so the cache really is read), until the file changes; images in memory
 * are never cached. Entries are copied into exactly-sized heap buffers so
 * that ASan (make check-san) catches any read past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "elf/dwarf_cache.h"

static char tmpdir[256];

static const struct dwarf_cache_key base_key = {
	.kind = DWARF_CACHE_SEPARATE, .path = "/usr/lib/debug/.build-id/ab/cdef.debug",
	.dev = 2049, .ino = 1234567, .size = 4166896,
	.mtime_ns = 1700000000123456789ULL, .ctime_ns = 1700000001987654321ULL, .build_id = "abcdef",
};

static void add_unit(struct elf_facts *f, const char *name, const char *producer)
{
	f->cus = xrealloc(f->cus, (f->cu_count + 1) * sizeof(*f->cus));
	struct cu_flags *cf = &f->cus[f->cu_count++];
	memset(cf, 0, sizeof(*cf));
	cf->name = xstrdup(name);
	cf->producer = xstrdup(producer);
	cu_flags_parse(producer, cf);
	f->has_debug = true;
}

static void sample_facts(struct elf_facts *f)
{
	memset(f, 0, sizeof(*f));
	add_unit(f, "../sysdeps/x86/abi-note.c", "GNU C11 12.2.0 -mtune=generic -O2 -fstack-protector-strong");
	add_unit(f, "malloc.c", "GNU C11 12.2.0 -mtune=generic -O2 -fstack-protector-strong");
	add_unit(f, "start.S", "GNU AS 2.40");
	add_unit(f, "x.c", "GNU C17 12.2.0 -O3 -D_FORTIFY_SOURCE=3 -fcf-protection=branch -fno-stack-clash-protection");
	f->cus[1].fortify = 2; /* as if the macro table said so */
}

static void encode(const struct elf_facts *f, struct buf *b)
{
	buf_reset(b);
	dwarf_cache_encode(&base_key, f, b);
}

/* Decode a private, exactly-sized copy of n bytes. */
static int decode_copy(const void *data, size_t n, const struct dwarf_cache_key *want, struct elf_facts *out)
{
	unsigned char *copy = malloc(n ? n : 1);
	memcpy(copy, data, n);
	memset(out, 0, sizeof(*out));
	int rc = dwarf_cache_decode(copy, n, want, out);
	free(copy);
	return rc;
}

static void assert_same_units(const struct elf_facts *a, const struct elf_facts *b)
{
	assert_int_equal(a->cu_count, b->cu_count);
	assert_int_equal(a->has_debug, b->has_debug);
	for (size_t i = 0; i < a->cu_count; i++) {
		const struct cu_flags *x = &a->cus[i], *y = &b->cus[i];
		assert_string_equal(x->name, y->name);
		assert_string_equal(x->producer, y->producer);
		assert_int_equal(x->is_c, y->is_c);
		assert_string_equal(x->opt, y->opt);
		assert_string_equal(x->ssp, y->ssp);
		assert_string_equal(x->cf, y->cf);
		assert_int_equal(x->fortify, y->fortify);
		assert_int_equal(x->stack_clash, y->stack_clash);
	}
}

static void test_round_trip(void **state)
{
	(void)state;
	struct elf_facts f, g;
	struct buf b = { 0 };
	sample_facts(&f);
	encode(&f, &b);
	assert_int_equal(decode_copy(b.p, b.len, &base_key, &g), 0);
	assert_same_units(&f, &g);
	assert_int_equal(g.cus[1].fortify, 2);
	assert_string_equal(g.cus[3].cf, "branch");
	assert_int_equal(g.cus[3].stack_clash, 0);
	assert_false(g.cus[2].is_c);
	/* the shared producer is written once */
	assert_non_null(memmem(b.p, b.len, "malloc.c", 8));
	const char *p = "-mtune=generic -O2 -fstack-protector-strong";
	char *first = memmem(b.p, b.len, p, strlen(p));
	assert_non_null(first);
	assert_null(memmem(first + 1, b.len - (size_t)(first + 1 - b.p), p, strlen(p)));
	elf_facts_free(&g);

	/* no units is a result too: "no DWARF here" */
	struct elf_facts none = { 0 };
	encode(&none, &b);
	assert_int_equal(decode_copy(b.p, b.len, &base_key, &g), 0);
	assert_int_equal(g.cu_count, 0);
	assert_false(g.has_debug);
	elf_facts_free(&g);
	elf_facts_free(&f);
	buf_free(&b);
}

/* Any field of the key that differs makes the entry a miss, leaving f untouched. */
static void test_other_key_misses(void **state)
{
	(void)state;
	struct elf_facts f, g;
	struct buf b = { 0 };
	sample_facts(&f);
	encode(&f, &b);
	struct dwarf_cache_key k[9];
	for (size_t i = 0; i < ARRAY_SIZE(k); i++)
		k[i] = base_key;
	k[0].kind = DWARF_CACHE_IN_FILE;
	k[1].path = "/usr/lib/debug/.build-id/ab/cdef.debuh";
	k[2].dev++;
	k[3].ino++;
	k[4].size--;
	k[5].mtime_ns++;
	k[6].ctime_ns++;
	k[7].build_id = "abcdee";
	k[8].path = "/usr/lib/debug/.build-id/ab/cdef.debug/";
	for (size_t i = 0; i < ARRAY_SIZE(k); i++) {
		assert_int_equal(decode_copy(b.p, b.len, &k[i], &g), -1);
		assert_null(g.cus);
		assert_int_equal(g.cu_count, 0);
	}
	/* without a key to match (the fuzz target's way), the structure alone is checked */
	assert_int_equal(decode_copy(b.p, b.len, NULL, &g), 0);
	elf_facts_free(&g);
	elf_facts_free(&f);
	buf_free(&b);
}

static void test_truncated_and_scribbled(void **state)
{
	(void)state;
	struct elf_facts f, g;
	struct buf b = { 0 };
	sample_facts(&f);
	encode(&f, &b);
	for (size_t n = 0; n < b.len; n++)
		assert_int_equal(decode_copy(b.p, n, &base_key, &g), -1);
	for (size_t i = 0; i < b.len; i++) {
		for (unsigned bit = 0; bit < 8; bit += 3) {
			b.p[i] ^= (char)(1u << bit);
			assert_int_equal(decode_copy(b.p, b.len, &base_key, &g), -1);
			b.p[i] ^= (char)(1u << bit);
		}
	}
	/* a trailing byte is damage too */
	buf_add(&b, "", 1);
	assert_int_equal(decode_copy(b.p, b.len, &base_key, &g), -1);
	elf_facts_free(&f);
	buf_free(&b);
}

/* Recompute the checksum after patching, as a deliberate writer would. */
static void reseal(struct buf *b)
{
	uint64_t h = dwarf_cache_hash(b->p, b->len - 8, DWARF_CACHE_HASH_SEED);
	for (int i = 0; i < 8; i++)
		b->p[b->len - 8 + i] = (char)(h >> (8 * i));
}

static void put_le32(struct buf *b, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b->p[off + i] = (char)(v >> (8 * i));
}

/* Entries with a valid checksum but lying counts, indexes or values. */
static void test_lying_entries(void **state)
{
	(void)state;
	struct elf_facts f, g;
	struct buf b = { 0 };
	memset(&f, 0, sizeof(f));
	add_unit(&f, "a.c", "GNU C17 12.2.0 -O2");
	size_t key_end = 8 + 4 + (4 + strlen(HARDEN_VERSION)) + 1 + (4 + strlen(base_key.path)) + 5 * 8 +
			 (4 + strlen(base_key.build_id));
	size_t nstrings = key_end, units = key_end + 4 + (4 + 3) + (4 + strlen(f.cus[0].producer));
	size_t unit = units + 4;
	struct { size_t off; uint32_t value; const char *what; } lies[] = {
		{ nstrings, 0xffffffffu, "string count beyond the entry" },
		{ nstrings, 3, "string count one too many" },
		{ nstrings, 1, "string count one too few" },
		{ nstrings + 4, 0x7fffffffu, "string length beyond the entry" },
		{ units, 0xffffffffu, "unit count beyond the entry" },
		{ units, 2, "unit count one too many" },
		{ units, 0, "unit count too few: bytes left over" },
		{ unit, 2, "name index out of range" },
		{ unit + 4, 0xffffffffu, "producer index out of range" },
		{ unit + 8, 2, "is_c neither 0 nor 1" },
		{ unit + 17, 8, "-O field longer than its slot" },
		{ 8, DWARF_CACHE_FORMAT + 1, "another format" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(lies); i++) {
		encode(&f, &b);
		assert_int_equal(decode_copy(b.p, b.len, &base_key, &g), 0);
		elf_facts_free(&g);
		if (lies[i].off == unit + 8)
			b.p[unit + 8] = (char)lies[i].value;
		else
			put_le32(&b, lies[i].off, lies[i].value);
		reseal(&b);
		if (decode_copy(b.p, b.len, &base_key, &g) != -1)
			fail_msg("accepted an entry with %s", lies[i].what);
		assert_null(g.cus);
	}
	/* a NUL inside a string would cut it short: refused */
	encode(&f, &b);
	char *name = memmem(b.p, b.len, "a.c", 3);
	assert_non_null(name);
	name[1] = '\0';
	reseal(&b);
	assert_int_equal(decode_copy(b.p, b.len, &base_key, &g), -1);
	elf_facts_free(&f);
	buf_free(&b);
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static void test_store_and_load(void **state)
{
	(void)state;
	struct elf_facts f, g;
	char dir[300], db[340];
	snprintf(dir, sizeof(dir), "%s/cache/deeper", tmpdir);
	snprintf(db, sizeof(db), "%s/cache.sqlite", dir);
	sample_facts(&f);
	memset(&g, 0, sizeof(g));
	struct dwarf_cache *c = dwarf_cache_open(dir);
	assert_false(dwarf_cache_load(c, &base_key, &g));
	dwarf_cache_store(c, &base_key, &f); /* queued */
	assert_true(dwarf_cache_load(c, &base_key, &g)); /* served from the queue */
	assert_same_units(&f, &g);
	elf_facts_free(&g);

	/* a file changed less than a second ago is not cached */
	struct dwarf_cache_key fresh = base_key;
	fresh.path = "/fresh";
	fresh.ctime_ns = (uint64_t)time(NULL) * 1000000000u;
	dwarf_cache_store(c, &fresh, &f);
	dwarf_cache_close(c); /* writes the queue; created the directories */
	assert_true(exists(db));

	c = dwarf_cache_open(dir);
	assert_true(dwarf_cache_load(c, &base_key, &g)); /* from the database */
	assert_same_units(&f, &g);
	elf_facts_free(&g);
	struct dwarf_cache_key other = base_key;
	other.ctime_ns++;
	assert_false(dwarf_cache_load(c, &other, &g));
	assert_false(dwarf_cache_load(c, &fresh, &g));
	dwarf_cache_close(c);

	/* a directory that cannot exist: silently nothing */
	c = dwarf_cache_open("/dev/null/cache");
	dwarf_cache_store(c, &base_key, &f);
	dwarf_cache_close(c);
	c = dwarf_cache_open("/dev/null/cache");
	assert_false(dwarf_cache_load(c, &base_key, &g));
	dwarf_cache_close(c);
	assert_null(dwarf_cache_open(NULL));
	dwarf_cache_close(NULL);
	elf_facts_free(&f);
}

/* A file where the database should be is replaced by a database. */
static void test_damaged_database_is_replaced(void **state)
{
	(void)state;
	char dir[300], db[340];
	snprintf(dir, sizeof(dir), "%s/damaged", tmpdir);
	snprintf(db, sizeof(db), "%s/cache.sqlite", dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	FILE *fp = fopen(db, "w");
	assert_non_null(fp);
	for (int i = 0; i < 1000; i++)
		fputs("not a database ", fp);
	fclose(fp);
	struct elf_facts f, g;
	sample_facts(&f);
	memset(&g, 0, sizeof(g));
	struct dwarf_cache *c = dwarf_cache_open(dir);
	assert_false(dwarf_cache_load(c, &base_key, &g));
	dwarf_cache_store(c, &base_key, &f);
	dwarf_cache_close(c);
	c = dwarf_cache_open(dir);
	assert_true(dwarf_cache_load(c, &base_key, &g));
	assert_same_units(&f, &g);
	dwarf_cache_close(c);
	elf_facts_free(&f);
	elf_facts_free(&g);
}

/* Damaged entries in a sound database: planted bytes are a miss, then rewritten. */
static void test_damaged_entry_is_a_miss(void **state)
{
	(void)state;
	char dir[300];
	snprintf(dir, sizeof(dir), "%s/entry", tmpdir);
	struct elf_facts f, g;
	sample_facts(&f);
	memset(&g, 0, sizeof(g));
	struct buf b = { 0 };
	encode(&f, &b);
	struct dwarf_cache *c = dwarf_cache_open(dir);
	dwarf_cache_put(c, &base_key, b.p, b.len / 2);
	dwarf_cache_close(c);
	c = dwarf_cache_open(dir);
	assert_false(dwarf_cache_load(c, &base_key, &g));
	dwarf_cache_store(c, &base_key, &f);
	dwarf_cache_close(c);
	c = dwarf_cache_open(dir);
	assert_true(dwarf_cache_load(c, &base_key, &g));
	dwarf_cache_close(c);
	buf_free(&b);
	elf_facts_free(&f);
	elf_facts_free(&g);
}

/*
 * A cached read returns what the entry says: plant an entry with a unit the
 * file does not have, for the file's exact key, and read the file. Then
 * touch the file: the planted entry no longer matches and the real DWARF is
 * read (and written back).
 */
static void test_planted_entry_is_served(void **state)
{
	(void)state;
	char src[300], bin[300], cmd[800], dir[300];
	snprintf(src, sizeof(src), "%s/g.c", tmpdir);
	snprintf(bin, sizeof(bin), "%s/g", tmpdir);
	snprintf(dir, sizeof(dir), "%s/planted", tmpdir);
	FILE *fp = fopen(src, "w");
	assert_non_null(fp);
	fputs("int main(void) { return 0; }\n", fp);
	fclose(fp);
	snprintf(cmd, sizeof(cmd), "gcc -g -O1 -o %s %s", bin, src);
	assert_int_equal(system(cmd), 0);

	struct dwarf_cache *cache = dwarf_cache_open(dir);
	struct elf_read_opts o = { .dwarf = true, .debug_root = "/nonexistent", .cache = cache };
	struct elf_facts real, got, planted;
	struct herr err;
	struct stat st;
	int fd = open(bin, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0 && fstat(fd, &st) == 0);
	assert_int_equal(elf_facts_read_fd(bin, fd, (size_t)st.st_size, NULL, 0, &o, &real, &err), 0);
	assert_true(real.has_debug);
	assert_string_equal(real.cus[0].opt, "1");

	struct dwarf_cache_key k = { .kind = DWARF_CACHE_IN_FILE, .path = bin, .build_id = real.build_id };
	dwarf_cache_key_stat(&k, &st);
	memset(&planted, 0, sizeof(planted));
	add_unit(&planted, "planted.c", "GNU C17 12.2.0 -O3");
	struct buf b = { 0 };
	dwarf_cache_encode(&k, &planted, &b);
	dwarf_cache_put(cache, &k, b.p, b.len);

	assert_int_equal(elf_facts_read_fd(bin, fd, (size_t)st.st_size, NULL, 0, &o, &got, &err), 0);
	assert_int_equal(got.cu_count, 1);
	assert_string_equal(got.cus[0].name, "planted.c");
	elf_facts_free(&got);

	/* without the cache, the truth */
	o.cache = NULL;
	assert_int_equal(elf_facts_read_fd(bin, fd, (size_t)st.st_size, NULL, 0, &o, &got, &err), 0);
	assert_string_equal(got.cus[0].opt, "1");
	elf_facts_free(&got);

	/* a changed file (ctime moves) is never served the planted entry */
	o.cache = cache;
	assert_int_equal(fchmod(fd, 0700), 0);
	assert_int_equal(elf_facts_read_fd(bin, fd, (size_t)st.st_size, NULL, 0, &o, &got, &err), 0);
	assert_string_equal(got.cus[0].opt, "1");
	assert_string_not_equal(got.cus[0].name, "planted.c");
	elf_facts_free(&got);

	/* an image in memory has no stat key: read, never cached */
	char memdir[300];
	snprintf(memdir, sizeof(memdir), "%s/memory", tmpdir);
	struct dwarf_cache *memcache = dwarf_cache_open(memdir);
	o.cache = memcache;
	struct buf img = { 0 };
	assert_int_equal(read_file(bin, &img, NULL), 0);
	assert_int_equal(elf_facts_read("mem", img.p, img.len, &o, &got, &err), 0);
	assert_true(got.has_debug);
	dwarf_cache_close(memcache);
	assert_false(exists(memdir));
	elf_facts_free(&got);

	buf_free(&img);
	buf_free(&b);
	dwarf_cache_close(cache);
	close(fd);
	elf_facts_free(&real);
	elf_facts_free(&planted);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/harden-dwc.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_other_key_misses),
		cmocka_unit_test(test_truncated_and_scribbled),
		cmocka_unit_test(test_lying_entries),
		cmocka_unit_test(test_store_and_load),
		cmocka_unit_test(test_damaged_database_is_replaced),
		cmocka_unit_test(test_damaged_entry_is_a_miss),
		cmocka_unit_test(test_planted_entry_is_served),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
