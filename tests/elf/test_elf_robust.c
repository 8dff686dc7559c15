/*
 * Bad input never crashes the ELF reader: truncation at every length, lying
 * header fields, sections and string references out of bounds, random byte
 * flips. Each either reads cleanly or returns one error naming the problem.
 * Images are copied into exactly-sized heap buffers so that ASan (make
 * check-san) catches any read past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "elf/elf.h"

struct image {
	unsigned char *p;
	size_t n;
};

static char tmpdir[256];

static struct image compile(const char *name, const char *flags)
{
	const char *src = "#include <stdio.h>\n#include <string.h>\n"
			  "int main(int c, char **v) { char b[32]; strcpy(b, v[0]); puts(b); return c; }\n";
	char path[512], cmd[1024];
	snprintf(path, sizeof(path), "%s/p.c", tmpdir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(src, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "gcc -O2 %s %s/p.c -o %s/%s", flags, tmpdir, tmpdir, name);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	struct buf b = { 0 };
	assert_int_equal(read_file(path, &b, NULL), 0);
	struct image img = { (unsigned char *)b.p, b.len };
	return img;
}

/*
 * Parse a private, exactly-sized copy of the first n bytes, twice: the way
 * a small file is read (symbol tables whole), and with every table read by
 * its imports (elf/imports.c), which the two must survive alike.
 */
static int parse_prefix(const struct image *img, size_t n, struct herr *err)
{
	int rc = 0;
	for (int pass = 0; pass < 2; pass++) {
		unsigned char *copy = malloc(n ? n : 1);
		memcpy(copy, img->p, n);
		struct elf_facts f;
		struct elf_read_opts o = { .dwarf = true, .debug_root = "/nonexistent", .imports_from = pass };
		rc = elf_facts_read("test", copy, n, &o, &f, err);
		if (rc == 0)
			elf_facts_free(&f);
		free(copy);
	}
	return rc;
}

static void test_truncated_at_every_length(void **state)
{
	(void)state;
	struct image img = compile("trunc", "-Wl,-rpath,/x");
	size_t errors = 0;
	for (size_t n = 0; n < img.n; n++) {
		struct herr err = { "" };
		if (parse_prefix(&img, n, &err) != 0) {
			errors++;
			assert_true(err.msg[0] != '\0');
		}
	}
	/* cutting off the section headers at the end must be noticed */
	assert_true(errors > img.n / 2);
	struct herr err;
	assert_int_equal(parse_prefix(&img, img.n, &err), 0);
	free(img.p);
}

/* The file path (elf_facts_read_fd, what scan uses for files): every length too. */
static void test_truncated_file_at_every_length(void **state)
{
	(void)state;
	struct image img = compile("trunc_fd", "-Wl,-rpath,/x");
	char path[512];
	snprintf(path, sizeof(path), "%s/trunc_fd.cut", tmpdir);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, img.p, img.n), (ssize_t)img.n);
	size_t errors = 0;
	struct elf_read_opts o = { .dwarf = true, .debug_root = "/nonexistent" };
	for (size_t n = img.n; n-- > 0;) {
		assert_int_equal(ftruncate(fd, (off_t)n), 0);
		struct elf_facts f;
		struct herr err = { "" };
		if (elf_facts_read_fd("cut", fd, n, NULL, 0, &o, &f, &err) != 0) {
			errors++;
			assert_true(err.msg[0] != '\0');
		} else {
			elf_facts_free(&f);
		}
	}
	assert_true(errors > img.n / 2);
	close(fd);
	free(img.p);
}

static Elf64_Ehdr *ehdr(struct image *img)
{
	return (Elf64_Ehdr *)img->p;
}

static void expect_error(struct image *img, const char *needle)
{
	struct herr err = { "" };
	assert_int_equal(parse_prefix(img, img->n, &err), -1);
	if (!strstr(err.msg, needle))
		fail_msg("error '%s' does not mention '%s'", err.msg, needle);
}

static void test_lying_header_fields(void **state)
{
	(void)state;
	struct image img = compile("lying", "");
	Elf64_Ehdr saved = *ehdr(&img);

	ehdr(&img)->e_phoff = img.n + 100;
	expect_error(&img, "program header");
	*ehdr(&img) = saved;

	ehdr(&img)->e_shoff = img.n - 8;
	expect_error(&img, "section header");
	*ehdr(&img) = saved;

	ehdr(&img)->e_phnum = 0xfff0;
	expect_error(&img, "program header");
	*ehdr(&img) = saved;

	ehdr(&img)->e_shnum = 0xfff0;
	expect_error(&img, "section header");
	*ehdr(&img) = saved;

	img.p[EI_CLASS] = 7;
	expect_error(&img, "class");
	*ehdr(&img) = saved;

	img.p[EI_DATA] = 9;
	expect_error(&img, "encoding");
	*ehdr(&img) = saved;
	free(img.p);
}

static Elf64_Shdr *find_section(struct image *img, uint32_t type)
{
	Elf64_Shdr *sh = (Elf64_Shdr *)(img->p + ehdr(img)->e_shoff);
	for (int i = 0; i < ehdr(img)->e_shnum; i++)
		if (sh[i].sh_type == type)
			return &sh[i];
	return NULL;
}

static void test_section_larger_than_file(void **state)
{
	(void)state;
	struct image img = compile("bigsec", "");
	Elf64_Shdr *dynsym = find_section(&img, SHT_DYNSYM);
	assert_non_null(dynsym);
	dynsym->sh_size = img.n * 4;
	expect_error(&img, "outside the file");
	free(img.p);
}

static void test_dynamic_string_out_of_bounds(void **state)
{
	(void)state;
	struct image img = compile("badstr", "-Wl,--enable-new-dtags,-rpath,/opt/lib");
	Elf64_Shdr *dyn = find_section(&img, SHT_DYNAMIC);
	assert_non_null(dyn);
	Elf64_Dyn *d = (Elf64_Dyn *)(img.p + dyn->sh_offset);
	bool patched = false;
	for (size_t i = 0; i < dyn->sh_size / sizeof(*d); i++)
		if (d[i].d_tag == DT_RUNPATH) {
			d[i].d_un.d_val = 0x7ffffff0;
			patched = true;
		}
	assert_true(patched);
	expect_error(&img, "DT_RUNPATH");
	free(img.p);
}

static void test_string_table_without_nul(void **state)
{
	(void)state;
	struct image img = compile("nonul", "-Wl,--enable-new-dtags,-rpath,/opt/lib");
	Elf64_Shdr *dynstr = find_section(&img, SHT_DYNAMIC);
	assert_non_null(dynstr);
	Elf64_Shdr *shdrs = (Elf64_Shdr *)(img.p + ehdr(&img)->e_shoff);
	Elf64_Shdr *str = &shdrs[dynstr->sh_link];
	/* overwrite every NUL of .dynstr: no string is terminated any more */
	for (size_t i = 0; i < str->sh_size; i++)
		if (!img.p[str->sh_offset + i])
			img.p[str->sh_offset + i] = 'A';
	struct herr err = { "" };
	assert_int_equal(parse_prefix(&img, img.n, &err), -1);
	free(img.p);
}

static void test_random_flips(void **state)
{
	(void)state;
	struct image img = compile("flips", "-g");
	unsigned seed = 12345;
	for (int round = 0; round < 3000; round++) {
		unsigned char *copy = malloc(img.n);
		memcpy(copy, img.p, img.n);
		for (int k = 0; k < 8; k++) {
			seed = seed * 1103515245u + 12345u;
			/* bias flips towards the headers, where the offsets live */
			size_t pos = (round % 2) ? (seed >> 8) % 256 : (seed >> 8) % img.n;
			copy[pos] ^= (unsigned char)(seed >> 3);
		}
		struct elf_facts f;
		struct herr err;
		struct elf_read_opts o = { .dwarf = true, .debug_root = "/nonexistent", .imports_from = round % 3 == 0 };
		if (elf_facts_read("flip", copy, img.n, &o, &f, &err) == 0)
			elf_facts_free(&f);
		free(copy);
	}
	free(img.p);
}

static void test_not_elf(void **state)
{
	(void)state;
	struct elf_facts f;
	struct herr err;
	assert_int_equal(elf_facts_read("empty", "", 0, NULL, &f, &err), -1);
	assert_int_equal(elf_facts_read("text", "#!/bin/sh\n", 10, NULL, &f, &err), -1);
	assert_string_equal(err.msg, "not an ELF file");
	assert_false(elf_is_elf("\177EL", 3));
	assert_true(elf_is_elf("\177ELF", 4));
}

static void test_producer_parsing(void **state)
{
	(void)state;
	struct cu_flags cf;
	cu_flags_parse("GNU C17 12.2.0 -mtune=generic -O2 -fstack-protector-strong -fstack-clash-protection "
		       "-fcf-protection -O0 -fno-stack-protector", &cf);
	assert_true(cf.is_c);
	assert_string_equal(cf.opt, "0");
	assert_string_equal(cf.ssp, "none");
	assert_int_equal(cf.stack_clash, 1);
	assert_string_equal(cf.cf, "full");
	assert_int_equal(cf.fortify, -1);
	cu_flags_parse("GNU AS 2.40", &cf);
	assert_false(cf.is_c);
	cu_flags_parse("GNU C11 -Os -D_FORTIFY_SOURCE=3 -fcf-protection=branch -fno-stack-clash-protection", &cf);
	assert_string_equal(cf.opt, "s");
	assert_int_equal(cf.fortify, 3);
	assert_string_equal(cf.cf, "branch");
	assert_int_equal(cf.stack_clash, 0);
}

static void test_fortify_names(void **state)
{
	(void)state;
	char base[64];
	assert_string_equal(fortify_base_of_chk("__memcpy_chk", base, sizeof(base)), "memcpy");
	assert_null(fortify_base_of_chk("__chk", base, sizeof(base)));
	assert_null(fortify_base_of_chk("memcpy", base, sizeof(base)));
	assert_true(fortify_is_fortifiable("strcpy"));
	assert_true(fortify_is_fortifiable("wprintf"));
	assert_true(fortify_is_fortifiable("asprintf"));
	assert_false(fortify_is_fortifiable("strlen"));
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/harden-elf-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_truncated_at_every_length),
		cmocka_unit_test(test_truncated_file_at_every_length),
		cmocka_unit_test(test_lying_header_fields),
		cmocka_unit_test(test_section_larger_than_file),
		cmocka_unit_test(test_dynamic_string_out_of_bounds),
		cmocka_unit_test(test_string_table_without_nul),
		cmocka_unit_test(test_random_flips),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_producer_parsing),
		cmocka_unit_test(test_fortify_names),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
