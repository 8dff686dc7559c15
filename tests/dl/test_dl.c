/*
 * Unit tests for dl/: the libraries harden loads on first use. This program
 * is not linked with libarchive, libcrypto nor SQLite (see the Makefile), so
 * every call below goes through the loader, as in harden itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dl/dl.h"

#include <zlib.h>

/* A small table of our own, to drive dl_load() on libraries we choose. */
struct zlib_table {
	typeof(zlibVersion) *zlibVersion;
	typeof(crc32) *crc32;
};
static const struct dl_symbol zlib_symbols[] = {
	DL_SYMBOL(struct zlib_table, zlibVersion)
	DL_SYMBOL(struct zlib_table, crc32)
};
static const struct dl_library zlib_library = {
	.soname = "libz.so.1", .package = "zlib1g", .purpose = "for this test",
	.symbols = zlib_symbols, .nsymbols = ARRAY_SIZE(zlib_symbols),
	.table_size = sizeof(struct zlib_table),
};

/* The permissions of the mapping holding p, from /proc/self/maps ("r--p"). */
static void mapping_perms(const void *p, char perms[5])
{
	FILE *f = fopen("/proc/self/maps", "r");
	assert_non_null(f);
	unsigned long lo, hi, addr = (unsigned long)p;
	char line[512];
	strcpy(perms, "none");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) == 3 && addr >= lo && addr < hi)
			break;
	fclose(f);
}

static void test_libarchive_table_works(void **state)
{
	(void)state;
	struct herr e = { "" };
	const struct libarchive *la = libarchive_load(&e);
	assert_non_null(la);
	assert_string_equal(e.msg, "");
	/* read a real (empty) tar: 1024 zero bytes are its end-of-archive */
	static const char tar_end[1024];
	struct archive *a = la->archive_read_new();
	assert_non_null(a);
	la->archive_read_support_format_tar(a);
	assert_int_equal(la->archive_read_open_memory(a, tar_end, sizeof(tar_end)), ARCHIVE_OK);
	struct archive_entry *entry;
	assert_int_equal(la->archive_read_next_header(a, &entry), ARCHIVE_EOF);
	assert_int_equal(la->archive_read_free(a), ARCHIVE_OK);
	/* loaded once: the same table every time */
	assert_ptr_equal(libarchive_load(NULL), la);
}

static void *load_archive(void *arg)
{
	(void)arg;
	return (void *)libarchive_load(NULL);
}

static void test_libarchive_same_table_from_every_thread(void **state)
{
	(void)state;
	pthread_t t[4];
	void *got[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, load_archive, NULL), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_join(t[i], &got[i]), 0);
	for (int i = 0; i < 4; i++)
		assert_ptr_equal(got[i], libarchive_load(NULL));
}

static void test_libcrypto_hashes(void **state)
{
	(void)state;
	const struct libcrypto *c = libcrypto_load(NULL);
	assert_non_null(c);
	EVP_MD_CTX *ctx = c->EVP_MD_CTX_new();
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	assert_int_equal(c->EVP_DigestInit_ex(ctx, c->EVP_sha1(), NULL), 1);
	assert_int_equal(c->EVP_DigestUpdate(ctx, "abc", 3), 1);
	assert_int_equal(c->EVP_DigestFinal_ex(ctx, d, &n), 1);
	c->EVP_MD_CTX_free(ctx);
	assert_int_equal(n, 20);
	/* FIPS 180 test vector for SHA-1("abc") */
	static const unsigned char want[20] = { 0xa9, 0x99, 0x3e, 0x36, 0x47, 0x06, 0x81, 0x6a, 0xba, 0x3e,
						0x25, 0x71, 0x78, 0x50, 0xc2, 0x6c, 0x9c, 0xd0, 0xd8, 0x9d };
	assert_memory_equal(d, want, 20);
	assert_string_equal(c->EVP_MD_get0_name(c->EVP_sha512()), "SHA512");
}

static int count_row(void *ctx, int n, char **values, char **names)
{
	(void)names;
	*(int *)ctx = n == 1 && values[0] ? atoi(values[0]) : -1;
	return 0;
}

static void test_libsqlite3_runs_sql(void **state)
{
	(void)state;
	const struct libsqlite3 *sq = libsqlite3_load(NULL);
	assert_non_null(sq);
	sqlite3 *db = NULL;
	assert_int_equal(sq->sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	int got = 0;
	assert_int_equal(sq->sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (40), (2);"
					  "SELECT sum(x) FROM t", count_row, &got, NULL), SQLITE_OK);
	assert_int_equal(got, 42);
	assert_int_equal(sq->sqlite3_close(db), SQLITE_OK);
}

static void test_tables_are_read_only(void **state)
{
	(void)state;
	char perms[5];
	mapping_perms(libarchive_load(NULL), perms);
	assert_string_equal(perms, "r--p");
	mapping_perms(libcrypto_load(NULL), perms);
	assert_string_equal(perms, "r--p");
	mapping_perms(libsqlite3_load(NULL), perms);
	assert_string_equal(perms, "r--p");
}

static void test_dl_load_fills_a_table(void **state)
{
	(void)state;
	const struct zlib_table *z = dl_load(&zlib_library, NULL);
	assert_non_null(z);
	assert_int_equal(z->zlibVersion()[0], ZLIB_VERSION[0]);   /* the 1.x ABI of the header */
	assert_int_equal(z->crc32(0, (const Bytef *)"abc", 3), 0x352441c2);
}

static void test_missing_library_names_library_and_package(void **state)
{
	(void)state;
	struct dl_library lib = zlib_library;
	lib.soname = "libharden-no-such-library.so.7";
	lib.package = "harden-no-such-package";
	struct herr e;
	assert_null(dl_load(&lib, &e));
	assert_non_null(strstr(e.msg, "libharden-no-such-library.so.7 is needed for this test but cannot be loaded"));
	assert_non_null(strstr(e.msg, "cannot open shared object file"));
	assert_non_null(strstr(e.msg, "(install the Debian package harden-no-such-package)"));
}

static void test_missing_symbol_is_refused(void **state)
{
	(void)state;
	/* libz is there, but it is no libarchive: the first symbol is missing */
	struct dl_symbol one = { "archive_read_new", 0 };
	struct dl_library lib = zlib_library;
	lib.symbols = &one;
	lib.nsymbols = 1;
	struct herr e;
	assert_null(dl_load(&lib, &e));
	assert_non_null(strstr(e.msg, "libz.so.1 is needed for this test but cannot be loaded: no symbol archive_read_new"));
	assert_non_null(strstr(e.msg, "zlib1g"));
}

static void test_test_variable_makes_a_library_missing(void **state)
{
	(void)state;
	struct herr e;
	setenv("HARDEN_TEST_DL_MISSING", "libfoo.so.1,libz.so.1", 1);
	assert_null(dl_load(&zlib_library, &e));
	assert_non_null(strstr(e.msg, "libz.so.1 is needed for this test but cannot be loaded"));
	assert_non_null(strstr(e.msg, "zlib1g"));
	setenv("HARDEN_TEST_DL_MISSING", "libz.so.1", 1);
	assert_null(dl_load(&zlib_library, NULL));
	/* only whole names count: a prefix or a longer name is another library */
	setenv("HARDEN_TEST_DL_MISSING", "libz.so,libz.so.10,xlibz.so.1", 1);
	assert_non_null(dl_load(&zlib_library, NULL));
	unsetenv("HARDEN_TEST_DL_MISSING");
	assert_non_null(dl_load(&zlib_library, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libarchive_table_works),
		cmocka_unit_test(test_libarchive_same_table_from_every_thread),
		cmocka_unit_test(test_libcrypto_hashes),
		cmocka_unit_test(test_libsqlite3_runs_sql),
		cmocka_unit_test(test_tables_are_read_only),
		cmocka_unit_test(test_dl_load_fills_a_table),
		cmocka_unit_test(test_missing_library_names_library_and_package),
		cmocka_unit_test(test_missing_symbol_is_refused),
		cmocka_unit_test(test_test_variable_makes_a_library_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
