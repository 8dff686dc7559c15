/*
 * Unit tests for pkg/: metadata parsers, the ar and rpm parsers' bounds,
 * and whole archives built in memory with libarchive's writer, carrying
 * this test program itself as the ELF member, to drive every bad-input
 * path (traversal, links, bombs, nesting, truncation, missing members).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "pkg/pkg.h"

static struct buf self_elf;     /* /proc/self/exe: a real ELF to pack */

/* A member to put in a test archive. */
struct member {
	const char *name;
	const void *data;           /* NULL: this test's own ELF */
	size_t size;
	unsigned mode;              /* 0: 0755 regular file */
	const char *symlink, *hardlink;
};

/* Build an archive in memory: format "pax" or "zip", filter "gzip" or NULL. */
static struct buf make_archive(const char *format, const char *filter, const struct member *m, size_t n)
{
	struct buf out = { 0 };
	size_t cap = 64 << 20, used = 0;
	out.p = xmalloc(cap);
	struct archive *a = archive_write_new();
	assert_int_equal(archive_write_set_format_by_name(a, format), ARCHIVE_OK);
	if (filter)
		assert_int_equal(archive_write_add_filter_by_name(a, filter), ARCHIVE_OK);
	if (!strcmp(format, "zip")) /* UTF-8 names flagged as such, as zip tools write them */
		assert_int_equal(archive_write_set_format_option(a, "zip", "hdrcharset", "UTF-8"), ARCHIVE_OK);
	assert_int_equal(archive_write_open_memory(a, out.p, cap, &used), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		const void *data = m[i].data ? m[i].data : self_elf.p;
		size_t size = m[i].data ? m[i].size : self_elf.len;
		archive_entry_set_pathname_utf8(e, m[i].name); /* non-ASCII names too, whatever the locale */
		if (m[i].symlink) {
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_symlink(e, m[i].symlink);
			size = 0;
		} else if (m[i].hardlink) {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_hardlink(e, m[i].hardlink);
			size = 0;
		} else {
			archive_entry_set_filetype(e, AE_IFREG);
		}
		archive_entry_set_perm(e, m[i].mode ? m[i].mode : 0755);
		archive_entry_set_size(e, (la_int64_t)size);
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		if (size)
			assert_int_equal(archive_write_data(a, data, size), (la_ssize_t)size);
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	out.len = used;
	return out;
}

static struct scan_opts opts(void)
{
	struct scan_opts o = { .max_nested = 1 };
	assert_int_equal(policy_init(&o.policy, "default", NULL), 0);
	return o;
}

/* The record for member name, or NULL. */
static const struct scan_record *find(const struct scan_batch *b, const char *member)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->recs[i].member && !strcmp(b->recs[i].member, member))
			return &b->recs[i];
	return NULL;
}

static size_t errors(const struct scan_batch *b)
{
	size_t n = 0;
	for (size_t i = 0; i < b->n; i++)
		n += b->recs[i].error != NULL;
	return n;
}

static void test_detect_by_content(void **state)
{
	(void)state;
	assert_int_equal(pkg_detect("!<arch>\ndebian-binary   ", 24), PKG_DEB);
	assert_int_equal(pkg_detect("!<arch>\nfoo.o/          ", 24), PKG_NONE); /* a static library */
	assert_int_equal(pkg_detect("\xed\xab\xee\xdb", 4), PKG_RPM);
	assert_int_equal(pkg_detect("PK\x03\x04", 4), PKG_ZIP);
	assert_int_equal(pkg_detect("\x1f\x8b\x08", 3), PKG_STREAM);
	assert_int_equal(pkg_detect("\x7f" "ELF", 4), PKG_NONE);
	assert_int_equal(pkg_detect("#!/bin/sh\n", 10), PKG_NONE);
	assert_int_equal(pkg_detect("", 0), PKG_NONE);
}

static void test_unsafe_names(void **state)
{
	(void)state;
	assert_true(pkg_name_unsafe("/etc/passwd"));
	assert_true(pkg_name_unsafe("../x"));
	assert_true(pkg_name_unsafe("a/../../x"));
	assert_true(pkg_name_unsafe(".."));
	assert_false(pkg_name_unsafe("a/..b/c"));
	assert_false(pkg_name_unsafe("usr/bin/ls"));
	assert_false(pkg_name_unsafe("a/...")); 
}

static void test_metadata_parsers(void **state)
{
	(void)state;
	struct pkg_ident id = { 0 };
	const char contents[] = "@comment x\n@name openssh-9.6p1nb2\n@name other-1.0\n@cwd /usr/pkg\n";
	pkg_parse_contents(contents, sizeof(contents) - 1, &id);
	assert_string_equal(id.name, "openssh");
	assert_string_equal(id.version, "9.6p1nb2");
	const char bi[] = "OPSYS=NetBSD\nMACHINE_ARCH=aarch64\r\nPKGPATH=security/openssh\n";
	pkg_parse_build_info(bi, sizeof(bi) - 1, &id);
	assert_string_equal(id.arch, "aarch64");
	assert_string_equal(id.origin, "security/openssh");
	pkg_ident_free(&id);

	const char control[] = "Package: libssl3\nVersion: 3.0.11-1~deb12u2\nArchitecture: amd64\n"
			       "Description: x\n continued\n\nPackage: second\n";
	pkg_parse_deb_control(control, sizeof(control) - 1, &id);
	assert_string_equal(id.name, "libssl3");
	assert_string_equal(id.version, "3.0.11-1~deb12u2");
	assert_string_equal(id.arch, "amd64");
	pkg_ident_free(&id);

	/* not NUL-terminated, cut in the middle of a value */
	char cut[] = { 'p', 'k', 'g', 'n', 'a', 'm', 'e', ' ', '=', ' ', 'b', 'u' };
	pkg_parse_pkginfo(cut, sizeof(cut), &id);
	assert_string_equal(id.name, "bu");
	pkg_ident_free(&id);

	pkg_ident_from_filename("/r/zlib-1.3.1.tar.gz", &id);
	assert_string_equal(id.name, "zlib");
	assert_string_equal(id.version, "1.3.1");
	pkg_ident_free(&id);
	pkg_ident_from_filename("noversion.tgz", &id);
	assert_string_equal(id.name, "noversion");
	assert_null(id.version);
	pkg_ident_free(&id);
}

static void test_ar_bounds(void **state)
{
	(void)state;
	struct ar_member m;
	struct herr err;
	size_t off = 0;
	char ar[8 + 60 + 4];
	memcpy(ar, "!<arch>\n", 8);
	snprintf(ar + 8, 61, "%-16s%-12s%-6s%-6s%-8s%-10s`\n", "debian-binary", "0", "0", "0", "100644", "4");
	memcpy(ar + 68, "2.0\n", 4);
	assert_int_equal(pkg_ar_next((unsigned char *)ar, sizeof(ar), &off, &m, &err), 1);
	assert_string_equal(m.name, "debian-binary");
	assert_int_equal(m.size, 4);
	assert_int_equal(pkg_ar_next((unsigned char *)ar, sizeof(ar), &off, &m, &err), 0);
	/* a member claiming more than the file holds */
	off = 0;
	snprintf(ar + 8, 61, "%-16s%-12s%-6s%-6s%-8s%-10s`\n", "data.tar.xz", "0", "0", "0", "100644", "99999");
	assert_int_equal(pkg_ar_next((unsigned char *)ar, sizeof(ar), &off, &m, &err), -1);
	assert_non_null(strstr(err.msg, "claims 99999 bytes"));
	/* truncated header */
	off = 0;
	assert_int_equal(pkg_ar_next((unsigned char *)ar, 30, &off, &m, &err), -1);
	assert_non_null(strstr(err.msg, "truncated"));
}

static void test_rpm_bounds(void **state)
{
	(void)state;
	unsigned char rpm[96 + 16];
	struct pkg_ident id = { 0 };
	struct herr err;
	size_t payload;
	memset(rpm, 0, sizeof(rpm));
	memcpy(rpm, "\xed\xab\xee\xdb", 4);
	memcpy(rpm + 96, "\x8e\xad\xe8\x01\0\0\0\0\x7f\xff\xff\xff\0\0\0\x10", 16);
	assert_int_equal(pkg_rpm_parse(rpm, sizeof(rpm), &id, &payload, &err), -1);
	assert_non_null(strstr(err.msg, "implausible"));
	memcpy(rpm + 104, "\0\0\0\x02\0\0\0\x10", 8);
	assert_int_equal(pkg_rpm_parse(rpm, sizeof(rpm), &id, &payload, &err), -1);
	assert_non_null(strstr(err.msg, "claims"));
	assert_int_equal(pkg_rpm_parse(rpm, 50, &id, &payload, &err), -1);
	pkg_ident_free(&id);
}

static void test_tar_members_and_links(void **state)
{
	(void)state;
	const char info[] = "pkgname = demo\npkgver = 1.2-r3\narch = x86_64\n";
	struct member m[] = {
		{ .name = ".PKGINFO", .data = info, .size = sizeof(info) - 1, .mode = 0644 },
		{ .name = "usr/bin/demo" },
		{ .name = "usr/bin/su", .mode = 04755 },
		{ .name = "usr/bin/alias", .symlink = "/etc/shadow" },
		{ .name = "usr/bin/hard", .hardlink = "usr/bin/demo" },
		{ .name = "usr/share/doc/README", .data = "hello", .size = 5, .mode = 0644 },
	};
	struct buf a = make_archive("pax", "gzip", m, ARRAY_SIZE(m));
	struct scan_opts o = opts();
	struct scan_batch b = { 0 };
	assert_true(pkg_scan_memory("demo.apk", a.p, a.len, &o, &b));
	assert_string_equal(b.package, "demo");
	assert_string_equal(b.version, "1.2-r3");
	assert_string_equal(b.pkg_format, "apk");
	const struct scan_record *r = find(&b, "usr/bin/demo");
	assert_non_null(r);
	assert_null(r->error);
	assert_string_equal(r->package, "demo");
	assert_false(r->setuid);
	r = find(&b, "usr/bin/su");
	assert_non_null(r);
	assert_true(r->setuid);
	assert_true(r->res.finding[PROP_IBT] || r->res.v[PROP_IBT].ok); /* strict requires CET */
	r = find(&b, "usr/bin/alias");
	assert_non_null(r);
	assert_string_equal(r->link, "/etc/shadow");
	assert_false(r->hardlink);
	r = find(&b, "usr/bin/hard");
	assert_non_null(r);
	assert_true(r->hardlink);
	assert_int_equal(errors(&b), 0);
	assert_int_equal(b.skipped, 1);     /* the README */
	scan_batch_free(&b);
	buf_free(&a);
}

static void test_zip_top_level(void **state)
{
	(void)state;
	/* a UTF-8 name: libarchive gave NULL for it in the C locale, and the member went unscanned */
	struct member m[] = { { .name = "wheel/lib/_ext.so" }, { .name = "wheel/README", .data = "x", .size = 1 },
			      { .name = "wheel/lib/h\xc3\xa9llo.so" } };
	struct buf a = make_archive("zip", NULL, m, ARRAY_SIZE(m));
	struct scan_opts o = opts();
	struct scan_batch b = { 0 };
	assert_true(pkg_scan_memory("/r/wheel-2.1.zip", a.p, a.len, &o, &b));
	assert_string_equal(b.pkg_format, "zip");
	assert_string_equal(b.package, "wheel");
	assert_string_equal(b.version, "2.1");
	const struct scan_record *r = find(&b, "wheel/lib/_ext.so");
	assert_non_null(r);
	assert_null(r->error);
	r = find(&b, "wheel/lib/h\xc3\xa9llo.so");
	assert_non_null(r);
	assert_null(r->error);
	assert_int_equal(errors(&b), 0);
	assert_int_equal(b.skipped, 1);
	scan_batch_free(&b);
	buf_free(&a);
}

static void test_traversal_refused(void **state)
{
	(void)state;
	struct member m[] = { { .name = "../../etc/evil" }, { .name = "/abs/evil" }, { .name = "ok/bin" } };
	struct buf a = make_archive("pax", NULL, m, ARRAY_SIZE(m));
	struct scan_opts o = opts();
	struct scan_batch b = { 0 };
	assert_true(pkg_scan_memory("t.tar", a.p, a.len, &o, &b));
	const struct scan_record *r = find(&b, "../../etc/evil");
	assert_non_null(r);
	assert_non_null(strstr(r->error, "path traversal"));
	r = find(&b, "/abs/evil");
	assert_non_null(r);
	assert_non_null(strstr(r->error, "path traversal"));
	r = find(&b, "ok/bin");
	assert_non_null(r);
	assert_null(r->error);      /* the rest is still scanned */
	scan_batch_free(&b);
	buf_free(&a);
}

static void test_bomb_refused(void **state)
{
	(void)state;
	size_t big = 4 << 20;
	char *zeros = xcalloc(1, big);
	memcpy(zeros, "\x7f" "ELF", 4);
	/* data.bin: as big, not ELF: skipped from its head, not refused (a game's data, a test fixture) */
	char *data = xcalloc(1, big);
	struct member m[] = { { .name = "bomb", .data = zeros, .size = big }, { .name = "bin/ok" },
			      { .name = "data.bin", .data = data, .size = big } };
	struct buf a = make_archive("pax", "gzip", m, ARRAY_SIZE(m));
	assert_true(a.len < big / 8);    /* it really is a small file */
	struct scan_opts o = opts();
	/* between the bomb and the real member (this test program, which a sanitizer build makes big) */
	o.member_limit = 2 << 20;
	assert_true(self_elf.len < o.member_limit);
	struct scan_batch b = { 0 };
	assert_true(pkg_scan_memory("bomb.tgz", a.p, a.len, &o, &b));
	const struct scan_record *r = find(&b, "bomb");
	assert_non_null(r);
	assert_non_null(strstr(r->error, "over the 2097152-byte limit"));
	assert_non_null(find(&b, "bin/ok"));
	assert_null(find(&b, "bin/ok")->error);
	assert_null(find(&b, "data.bin"));
	assert_int_equal(errors(&b), 1);
	assert_int_equal(b.skipped, 1);
	scan_batch_free(&b);
	/* the same archive under the default limit: read and checked (not an ELF inside) */
	o.member_limit = 0;
	assert_true(pkg_scan_memory("bomb.tgz", a.p, a.len, &o, &b));
	assert_null(strstr(find(&b, "bomb")->error ? find(&b, "bomb")->error : "", "limit"));
	scan_batch_free(&b);
	buf_free(&a);
	free(zeros);
	free(data);
}

static void test_nesting_limited(void **state)
{
	(void)state;
	struct member inner_m[] = { { .name = "lib/inner.so" } };
	struct buf inner = make_archive("pax", "gzip", inner_m, 1);
	struct member mid_m[] = { { .name = "inner.tgz", .data = inner.p, .size = inner.len } };
	struct buf mid = make_archive("zip", NULL, mid_m, 1);
	struct member outer_m[] = { { .name = "mid.zip", .data = mid.p, .size = mid.len }, { .name = "bin/x" } };
	struct buf outer = make_archive("pax", "xz", outer_m, 2);
	struct scan_opts o = opts();
	struct scan_batch b = { 0 };
	assert_true(pkg_scan_memory("outer-1.0.tar.xz", outer.p, outer.len, &o, &b));
	/* one level: mid.zip is read, the tgz inside it is not */
	const struct scan_record *r = find(&b, "mid.zip!/inner.tgz");
	assert_non_null(r);
	assert_non_null(strstr(r->error, "nesting limit 1"));
	assert_true(r->warning); /* the package itself was read */
	assert_null(find(&b, "mid.zip!/inner.tgz!/lib/inner.so"));
	scan_batch_free(&b);
	o.max_nested = 2;
	assert_true(pkg_scan_memory("outer-1.0.tar.xz", outer.p, outer.len, &o, &b));
	r = find(&b, "mid.zip!/inner.tgz!/lib/inner.so");
	assert_non_null(r);
	assert_null(r->error);
	assert_string_equal(r->package, "outer");
	assert_int_equal(errors(&b), 0);
	scan_batch_free(&b);
	buf_free(&inner);
	buf_free(&mid);
	buf_free(&outer);
}

static void test_truncated_and_corrupt(void **state)
{
	(void)state;
	struct member m[] = { { .name = "bin/a" }, { .name = "bin/b" } };
	struct buf a = make_archive("pax", "gzip", m, 2);
	struct scan_opts o = opts();
	struct scan_batch b = { 0 };
	assert_true(pkg_scan_memory("cut.tgz", a.p, a.len / 2, &o, &b));
	assert_true(errors(&b) >= 1);
	size_t e = 0;
	for (size_t i = 0; i < b.n; i++)
		if (b.recs[i].error) {
			e = i;
			break;
		}
	assert_string_equal(b.recs[e].path, "cut.tgz");
	assert_false(b.recs[e].warning); /* the package itself is cut: an error */
	scan_batch_free(&b);

	/* garbage after a gzip magic */
	char junk[600];
	memset(junk, 'J', sizeof(junk));
	memcpy(junk, "\x1f\x8b\x08\x00", 4);
	assert_true(pkg_scan_memory("junk.gz", junk, sizeof(junk), &o, &b));
	assert_int_equal(errors(&b), 1);
	assert_non_null(strstr(b.recs[0].error, "corrupt or truncated"));
	scan_batch_free(&b);
	buf_free(&a);
}

static void test_compressed_text_is_not_an_archive(void **state)
{
	(void)state;
	struct archive *a = archive_write_new();
	char out[4096];
	size_t used = 0;
	archive_write_set_format_raw(a);
	archive_write_add_filter_gzip(a);
	archive_write_open_memory(a, out, sizeof(out), &used);
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_filetype(e, AE_IFREG);
	archive_write_header(a, e);
	archive_write_data(a, "a man page\n", 11);
	archive_entry_free(e);
	archive_write_close(a);
	archive_write_free(a);
	struct scan_opts o = opts();
	struct scan_batch b = { 0 };
	assert_false(pkg_scan_memory("ls.1.gz", out, used, &o, &b));
	assert_int_equal(b.n, 0);
	scan_batch_free(&b);
}

/* A .deb assembled by hand: ar with debian-binary, control, and maybe data. */
static struct buf make_deb(bool with_data)
{
	const char control[] = "Package: handmade\nVersion: 1\nArchitecture: all\n";
	struct member cm[] = { { .name = "./control", .data = control, .size = sizeof(control) - 1, .mode = 0644 } };
	struct member dm[] = { { .name = "./usr/bin/hm" } };
	struct buf ctl = make_archive("gnutar", "gzip", cm, 1), data = make_archive("gnutar", "xz", dm, 1);
	struct buf deb = { 0 };
	buf_adds(&deb, "!<arch>\n");
	const struct { const char *name; const void *p; size_t n; } parts[] = {
		{ "debian-binary", "2.0\n", 4 }, { "control.tar.gz", ctl.p, ctl.len }, { "data.tar.xz", data.p, data.len },
	};
	for (size_t i = 0; i < (with_data ? 3u : 2u); i++) {
		buf_addf(&deb, "%-16s%-12s%-6s%-6s%-8s%-10zu`\n", parts[i].name, "0", "0", "0", "100644", parts[i].n);
		buf_add(&deb, parts[i].p, parts[i].n);
		if (parts[i].n & 1)
			buf_add(&deb, "\n", 1);
	}
	buf_free(&ctl);
	buf_free(&data);
	return deb;
}

static void test_deb_by_hand(void **state)
{
	(void)state;
	struct scan_opts o = opts();
	struct scan_batch b = { 0 };
	struct buf deb = make_deb(true);
	assert_true(pkg_scan_memory("x.deb", deb.p, deb.len, &o, &b));
	assert_string_equal(b.package, "handmade");
	assert_string_equal(b.pkg_format, "deb");
	assert_non_null(find(&b, "usr/bin/hm"));
	assert_int_equal(errors(&b), 0);
	scan_batch_free(&b);
	buf_free(&deb);

	deb = make_deb(false);
	assert_true(pkg_scan_memory("x.deb", deb.p, deb.len, &o, &b));
	assert_int_equal(errors(&b), 1);
	assert_non_null(strstr(b.recs[0].error, "no data.tar member"));
	assert_string_equal(b.recs[0].path, "x.deb");
	scan_batch_free(&b);
	buf_free(&deb);
}

static void test_tally_worst(void **state)
{
	(void)state;
	struct pkg_tally t = { 0 };
	const char *names[] = { "a", "b", "c", "d" };
	size_t bad[] = { 0, 3, 1, 3 };
	for (size_t i = 0; i < 4; i++) {
		struct scan_batch b = { 0 };
		b.package = xstrdup(names[i]);
		for (size_t k = 0; k < 4; k++) {
			struct scan_record *r = scan_batch_add(&b);
			r->path = xstrdup("p");
			r->res.finding_count = k < bad[i] ? 1 + (i == 3) : 0;
		}
		assert_true(pkg_tally_add(&t, names[i], &b));
		scan_batch_free(&b);
	}
	size_t idx[2];
	assert_int_equal(pkg_tally_worst(&t, idx, 2), 2);
	assert_string_equal(t.v[idx[0]].name, "d");    /* same files as b, more findings */
	assert_string_equal(t.v[idx[1]].name, "b");
	size_t all[10];
	assert_int_equal(pkg_tally_worst(&t, all, 10), 3); /* "a" has none */
	pkg_tally_free(&t);
}

int main(void)
{
	struct herr err;
	if (read_file("/proc/self/exe", &self_elf, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect_by_content),
		cmocka_unit_test(test_unsafe_names),
		cmocka_unit_test(test_metadata_parsers),
		cmocka_unit_test(test_ar_bounds),
		cmocka_unit_test(test_rpm_bounds),
		cmocka_unit_test(test_tar_members_and_links),
		cmocka_unit_test(test_zip_top_level),
		cmocka_unit_test(test_traversal_refused),
		cmocka_unit_test(test_bomb_refused),
		cmocka_unit_test(test_nesting_limited),
		cmocka_unit_test(test_truncated_and_corrupt),
		cmocka_unit_test(test_compressed_text_is_not_an_archive),
		cmocka_unit_test(test_deb_by_hand),
		cmocka_unit_test(test_tally_worst),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	buf_free(&self_elf);
	return rc;
}
