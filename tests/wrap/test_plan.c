/*
 * Unit tests for the wrapper's pure flag logic: every edge case of issue 5
 * (modes, -O levels, -shared/-static/-r/-nostdlib, -ffreestanding,
 * sanitizers, user overrides, response files, odd arguments), each checked on
 * the exact argv the real compiler would get.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "wrap/wrap.h"

static const struct wrap_target gcc_x86 = { WRAP_KIND_GCC, WRAP_ARCH_X86, "x86_64", 3, 0 };
#define DEFAULT (WRAP_ALL & ~WRAP_BIT(WF_AUTOVARINIT))

static size_t count(const char *const *args)
{
	size_t n = 0;
	while (args[n])
		n++;
	return n;
}

/* Plan one call: scan (with @file expansion, as the CLI does), then plan. */
static void plan_full(struct wrap_plan *p, const char *const *args, bool cxx, wrap_set f,
		      const struct wrap_target *t)
{
	struct strvec ex = { 0 };
	struct herr err;
	assert_int_equal(wrap_expand_responses((char *const *)args, count(args), &ex, &err), 0);
	struct wrap_args a;
	wrap_args_scan(ex.v, ex.n, &a);
	wrap_plan("gcc", (char *const *)args, count(args), &a, cxx, f, t, p);
	wrap_args_free(&a);
	strvec_clear(&ex);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define PLAN(p, ...) plan_full(p, ARGS(__VA_ARGS__), false, DEFAULT, &gcc_x86)

static int idx(const struct wrap_plan *p, const char *flag)
{
	for (size_t i = 0; i < p->argv.n; i++)
		if (!strcmp(p->argv.v[i], flag))
			return (int)i;
	return -1;
}
#define HAS(p, f) assert_true(idx(p, f) >= 0)
#define LACKS(p, f) assert_int_equal(idx(p, f), -1)
#define DROPPED(p, feat, why)                                      \
	do {                                                       \
		assert_non_null((p)->dropped[feat]);               \
		assert_non_null(strstr((p)->dropped[feat], why));  \
		assert_false((p)->applied & WRAP_BIT(feat));       \
	} while (0)
#define APPLIED(p, feat) assert_true((p)->applied & WRAP_BIT(feat))

/* The result is exactly compiler + the user's args. */
static void assert_untouched(const struct wrap_plan *p, const char *const *args)
{
	size_t n = count(args);
	assert_int_equal(p->argv.n, n + 1);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(p->argv.v[i + 1], args[i]);
}

static void test_compile_c_o(void **s)
{
	(void)s;
	struct wrap_plan p;
	PLAN(&p, "-c", "foo.c", "-o", "foo.o", "-O2");
	assert_int_equal(p.mode, WRAP_COMPILE);
	const char *want[] = { "-fstack-protector-strong", "-fPIE", "-fstack-clash-protection",
			       "-fcf-protection=full", "-fno-strict-overflow", "-Wformat",
			       "-Werror=format-security" };
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		HAS(&p, want[i]);
		assert_true(idx(&p, want[i]) < idx(&p, "-c")); /* before the user's flags */
	}
	LACKS(&p, "-pie");
	LACKS(&p, "-Wl,-z,relro");
	LACKS(&p, "-D_GLIBCXX_ASSERTIONS");
	LACKS(&p, "-ftrivial-auto-var-init=zero");
	/* FORTIFY last, after the user's flags */
	assert_string_equal(p.argv.v[p.argv.n - 2], "-U_FORTIFY_SOURCE");
	assert_string_equal(p.argv.v[p.argv.n - 1], "-D_FORTIFY_SOURCE=3");
	assert_string_equal(p.argv.v[0], "gcc");
	assert_null(p.argv.v[p.argv.n]);
	APPLIED(&p, WF_FORTIFY);
	APPLIED(&p, WF_PIE);
	for (int f = 0; f < WF_COUNT; f++)
		assert_null(p.dropped[f]);
	wrap_plan_free(&p);
}

static void test_dash_S_is_compile(void **s)
{
	(void)s;
	struct wrap_plan p;
	PLAN(&p, "-S", "foo.c", "-O1");
	assert_int_equal(p.mode, WRAP_COMPILE);
	HAS(&p, "-fstack-protector-strong");
	HAS(&p, "-D_FORTIFY_SOURCE=3");
	wrap_plan_free(&p);
}

static void test_preprocess_only_defines(void **s)
{
	(void)s;
	struct wrap_plan p;
	PLAN(&p, "-E", "foo.c", "-O2");
	assert_int_equal(p.mode, WRAP_PREPROCESS);
	assert_int_equal(p.argv.n, 1 + 3 + 2); /* compiler, args, -U/-D */
	assert_string_equal(p.argv.v[4], "-U_FORTIFY_SOURCE");
	LACKS(&p, "-fstack-protector-strong");
	wrap_plan_free(&p);

	/* configure's `$CC -E conftest.c`: no -O, so nothing at all (glibc would warn) */
	PLAN(&p, "-E", "conftest.c");
	assert_untouched(&p, ARGS("-E", "conftest.c"));
	DROPPED(&p, WF_FORTIFY, "no -O");
	wrap_plan_free(&p);

	PLAN(&p, "-M", "foo.c");
	assert_int_equal(p.mode, WRAP_PREPROCESS);
	assert_untouched(&p, ARGS("-M", "foo.c"));
	wrap_plan_free(&p);
	PLAN(&p, "-MM", "-O2", "foo.c");
	assert_int_equal(p.mode, WRAP_PREPROCESS);
	LACKS(&p, "-fPIE");
	HAS(&p, "-D_FORTIFY_SOURCE=3");
	wrap_plan_free(&p);
}

static void test_md_is_still_compile(void **s)
{
	(void)s;
	struct wrap_plan p;
	PLAN(&p, "-MD", "-MF", "foo.d", "-c", "foo.c", "-O2");
	assert_int_equal(p.mode, WRAP_COMPILE);
	HAS(&p, "-fstack-protector-strong");
	wrap_plan_free(&p);
	PLAN(&p, "-MMD", "-MP", "-c", "foo.c");
	assert_int_equal(p.mode, WRAP_COMPILE);
	HAS(&p, "-fPIE");
	wrap_plan_free(&p);
}

static void test_assembler_input(void **s)
{
	(void)s;
	struct wrap_plan p;
	PLAN(&p, "-x", "assembler", "-c", "start", "-o", "start.o");
	assert_int_equal(p.mode, WRAP_COMPILE);
	assert_untouched(&p, ARGS("-x", "assembler", "-c", "start", "-o", "start.o"));
	DROPPED(&p, WF_STACKPROTECTOR, "assembler");
	wrap_plan_free(&p);
	PLAN(&p, "-c", "crt.S", "-O2");
	LACKS(&p, "-fstack-protector-strong");
	LACKS(&p, "-D_FORTIFY_SOURCE=3");
	wrap_plan_free(&p);
	/* -x none goes back to extensions: the .c file is C again */
	PLAN(&p, "-x", "assembler", "a.s", "-x", "none", "b.c", "-c");
	HAS(&p, "-fstack-protector-strong");
	wrap_plan_free(&p);
}

static void test_c_header(void **s)
{
	(void)s;
	struct wrap_plan p;
	PLAN(&p, "-x", "c-header", "-c", "pch.h", "-o", "pch.h.gch", "-O2");
	assert_int_equal(p.mode, WRAP_COMPILE);
	HAS(&p, "-fstack-protector-strong");
	HAS(&p, "-D_FORTIFY_SOURCE=3");
	wrap_plan_free(&p);
}

static void test_link_exe_from_objects(void **s)
{
	(void)s;
	struct wrap_plan p;
	PLAN(&p, "-o", "prog", "a.o", "b.o", "-lz");
	assert_int_equal(p.mode, WRAP_LINK_EXE);
	HAS(&p, "-pie");
	HAS(&p, "-Wl,-z,relro");
	HAS(&p, "-Wl,-z,now");
	HAS(&p, "-Wl,-z,noexecstack");
	assert_true(idx(&p, "-pie") < idx(&p, "a.o"));
	/* nothing is compiled here: no compile flags (clang would warn they are unused) */
	LACKS(&p, "-fstack-protector-strong");
	LACKS(&p, "-fPIE");
	APPLIED(&p, WF_PIE);
	APPLIED(&p, WF_BINDNOW);
	wrap_plan_free(&p);
}

static void test_compile_and_link(void **s)
{
	(void)s;
	struct wrap_plan p;
	PLAN(&p, "-O2", "hello.c", "-o", "hello");
	assert_int_equal(p.mode, WRAP_LINK_EXE);
	HAS(&p, "-fPIE");
	HAS(&p, "-pie");
	HAS(&p, "-fstack-protector-strong");
	HAS(&p, "-D_FORTIFY_SOURCE=3");
	wrap_plan_free(&p);
}

static void test_shared(void **s)
{
	(void)s;
	struct wrap_plan p;
	PLAN(&p, "-shared", "-o", "libx.so", "a.o");
	assert_int_equal(p.mode, WRAP_LINK_SHARED);
	LACKS(&p, "-pie");
	HAS(&p, "-Wl,-z,relro");
	HAS(&p, "-Wl,-z,now");
	DROPPED(&p, WF_PIE, "-shared");
	wrap_plan_free(&p);
	/* compiled and linked in one go: PIC, never PIE, code in a shared object */
	PLAN(&p, "-shared", "-O2", "-o", "libx.so", "x.c");
	HAS(&p, "-fPIC");
	LACKS(&p, "-fPIE");
	HAS(&p, "-fstack-protector-strong");
	wrap_plan_free(&p);
	/* -c wins over -shared */
	PLAN(&p, "-shared", "-c", "x.c");
	assert_int_equal(p.mode, WRAP_COMPILE);
	wrap_plan_free(&p);
}

static void test_no_pie_links(void **s)
{
	(void)s;
	const char *const conds[] = { "-static", "-r", "-nostdlib", "-nostartfiles", "-static-pie",
				      "-no-pie" };
	for (size_t i = 0; i < ARRAY_SIZE(conds); i++) {
		struct wrap_plan p;
		PLAN(&p, conds[i], "-o", "out", "a.o");
		assert_int_equal(p.mode, WRAP_LINK_EXE);
		LACKS(&p, "-pie");
		DROPPED(&p, WF_PIE, conds[i]);
		wrap_plan_free(&p);
	}
	struct wrap_plan p;
	PLAN(&p, "-static", "-o", "out", "a.o");
	HAS(&p, "-Wl,-z,relro");
	wrap_plan_free(&p);
	/* -r: no -z flags at all, the output is an object */
	PLAN(&p, "-r", "-o", "all.o", "a.o", "b.o");
	LACKS(&p, "-Wl,-z,relro");
	LACKS(&p, "-Wl,-z,now");
	DROPPED(&p, WF_RELRO, "-r");
	wrap_plan_free(&p);
	/* -static-pie still compiles PIE code */
	PLAN(&p, "-static-pie", "-O2", "x.c", "-o", "x");
	HAS(&p, "-fPIE");
	LACKS(&p, "-pie");
	wrap_plan_free(&p);
	/* -pie after -no-pie switches it back on */
	PLAN(&p, "-no-pie", "-pie", "-o", "x", "a.o");
	HAS(&p, "-Wl,-z,now");
	APPLIED(&p, WF_PIE);
	wrap_plan_free(&p);
}

static void test_nostdlib_no_canary(void **s)
{
	(void)s;
	struct wrap_plan p;
	PLAN(&p, "-nostdlib", "-O2", "start.c", "-o", "start");
	LACKS(&p, "-fstack-protector-strong");
	DROPPED(&p, WF_STACKPROTECTOR, "-nostdlib");
	LACKS(&p, "-pie");
	wrap_plan_free(&p);
}

static void test_freestanding(void **s)
{
	(void)s;
	struct wrap_plan p;
	PLAN(&p, "-ffreestanding", "-O2", "-c", "k.c");
	LACKS(&p, "-fstack-protector-strong");
	LACKS(&p, "-D_FORTIFY_SOURCE=3");
	DROPPED(&p, WF_STACKPROTECTOR, "-ffreestanding");
	DROPPED(&p, WF_FORTIFY, "-ffreestanding");
	HAS(&p, "-fstack-clash-protection");
	wrap_plan_free(&p);
	PLAN(&p, "-ffreestanding", "-fhosted", "-O2", "-c", "k.c");
	HAS(&p, "-fstack-protector-strong");
	wrap_plan_free(&p);
	/* the kernel: -nostdinc, its own headers and FORTIFY; its -fstack-protector stays its own choice */
	PLAN(&p, "-nostdinc", "-D__KERNEL__", "-O2", "-c", "k.c");
	LACKS(&p, "-D_FORTIFY_SOURCE=3");
	LACKS(&p, "-D_FORTIFY_SOURCE=2");
	DROPPED(&p, WF_FORTIFY, "-nostdinc");
	HAS(&p, "-fstack-protector-strong");
	wrap_plan_free(&p);
}

static void test_opt_levels_last_wins(void **s)
{
	(void)s;
	static const struct {
		const char *a, *b;
		bool fortify;
	} cases[] = {
		{ "-O2", "-O0", false }, { "-O0", "-O2", true }, { "-O0", "-Os", true },
		{ "-O3", "-Og", true },	 { "-Os", "-O0", false }, { "-O0", "-O", true },
		{ "-O2", "-Oz", true },	 { "-O0", "-Ofast", true },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct wrap_plan p;
		PLAN(&p, cases[i].a, "-c", "x.c", cases[i].b);
		if (cases[i].fortify) {
			HAS(&p, "-D_FORTIFY_SOURCE=3");
		} else {
			LACKS(&p, "-D_FORTIFY_SOURCE=3");
			DROPPED(&p, WF_FORTIFY, "-O0");
		}
		HAS(&p, "-fstack-protector-strong"); /* -O0 only affects FORTIFY */
		wrap_plan_free(&p);
	}
	struct wrap_plan p;
	PLAN(&p, "-c", "x.c");
	DROPPED(&p, WF_FORTIFY, "no -O");
	wrap_plan_free(&p);
}

static void test_user_overrides_win(void **s)
{
	(void)s;
	struct wrap_plan p;
	PLAN(&p, "-O2", "-fno-stack-protector", "-c", "x.c");
	LACKS(&p, "-fstack-protector-strong");
	DROPPED(&p, WF_STACKPROTECTOR, "-fno-stack-protector");
	HAS(&p, "-fno-stack-protector");
	wrap_plan_free(&p);
	/* the package's last word counts: re-enabled later */
	PLAN(&p, "-fno-stack-protector", "-fstack-protector-all", "-c", "x.c");
	HAS(&p, "-fstack-protector-strong");
	APPLIED(&p, WF_STACKPROTECTOR);
	wrap_plan_free(&p);
	PLAN(&p, "-fno-PIE", "-c", "x.c");
	LACKS(&p, "-fPIE");
	DROPPED(&p, WF_PIE, "-fno-PIE");
	wrap_plan_free(&p);
	PLAN(&p, "-fPIC", "-c", "x.c");
	APPLIED(&p, WF_PIE);
	wrap_plan_free(&p);
	PLAN(&p, "-fno-stack-clash-protection", "-fcf-protection=none", "-fstrict-overflow",
	     "-Wno-format-security", "-c", "x.c");
	DROPPED(&p, WF_STACKCLASH, "-fno-stack-clash-protection");
	DROPPED(&p, WF_CET, "-fcf-protection=none");
	DROPPED(&p, WF_STRICTOVERFLOW, "-fstrict-overflow");
	DROPPED(&p, WF_FORMAT, "-Wno-format-security");
	LACKS(&p, "-Werror=format-security");
	wrap_plan_free(&p);
}

static void test_sanitizer_no_fortify(void **s)
{
	(void)s;
	struct wrap_plan p;
	PLAN(&p, "-O1", "-fsanitize=address", "-c", "x.c");
	LACKS(&p, "-D_FORTIFY_SOURCE=3");
	DROPPED(&p, WF_FORTIFY, "-fsanitize=address");
	HAS(&p, "-fstack-protector-strong");
	wrap_plan_free(&p);
}

static void test_linker_forms(void **s)
{
	(void)s;
	struct wrap_plan p;
	PLAN(&p, "-Wl,-z,lazy", "-o", "x", "a.o");
	DROPPED(&p, WF_BINDNOW, "-Wl,-z,lazy");
	LACKS(&p, "-Wl,-z,now");
	HAS(&p, "-Wl,-z,relro");
	wrap_plan_free(&p);
	PLAN(&p, "-Wl,--as-needed,-znorelro", "-o", "x", "a.o");
	DROPPED(&p, WF_RELRO, "-znorelro");
	wrap_plan_free(&p);
	PLAN(&p, "-Xlinker", "-z", "-Xlinker", "execstack", "-o", "x", "a.o");
	DROPPED(&p, WF_NOEXECSTACK, "execstack");
	wrap_plan_free(&p);
	PLAN(&p, "-z", "lazy", "-o", "x", "a.o");
	DROPPED(&p, WF_BINDNOW, "lazy");
	wrap_plan_free(&p);
	/* the package asking for what we add changes nothing */
	PLAN(&p, "-Wl,-z,relro,-z,now", "-o", "x", "a.o");
	APPLIED(&p, WF_RELRO);
	APPLIED(&p, WF_BINDNOW);
	wrap_plan_free(&p);
	/* -z lazy then -z now: now wins */
	PLAN(&p, "-Wl,-z,lazy", "-Wl,-z,now", "-o", "x", "a.o");
	APPLIED(&p, WF_BINDNOW);
	wrap_plan_free(&p);
}

static void test_response_file(void **s)
{
	(void)s;
	char path[] = "/tmp/harden-rsp-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *text = "-c 'my file.c'\n-O0 \"-DMSG=a b\"\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	char *at = xasprintf("@%s", path);
	struct wrap_plan p;
	PLAN(&p, at, "-o", "x.o");
	assert_int_equal(p.mode, WRAP_COMPILE);
	DROPPED(&p, WF_FORTIFY, "-O0");
	HAS(&p, at); /* the compiler still gets the @file */
	HAS(&p, "-fstack-protector-strong");
	wrap_plan_free(&p);

	struct strvec ex = { 0 };
	struct herr err;
	assert_int_equal(wrap_expand_responses((char *[]){ at }, 1, &ex, &err), 0);
	assert_int_equal(ex.n, 4);
	assert_string_equal(ex.v[1], "my file.c");
	assert_string_equal(ex.v[3], "-DMSG=a b");
	strvec_clear(&ex);

	/* a file that includes itself: an error, not a hang */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	char *self = xasprintf("-c @%s\n", path);
	assert_int_equal(write(fd, self, strlen(self)), (ssize_t)strlen(self));
	close(fd);
	assert_int_equal(wrap_expand_responses((char *[]){ at }, 1, &ex, &err), -1);
	assert_non_null(strstr(err.msg, "nested too deeply"));
	strvec_clear(&ex);
	/* unreadable: stays literal, like gcc */
	unlink(path);
	assert_int_equal(wrap_expand_responses((char *[]){ at }, 1, &ex, &err), 0);
	assert_string_equal(ex.v[0], at);
	strvec_clear(&ex);
	free(self);
	free(at);
}

static void test_split_response_quoting(void **s)
{
	(void)s;
	struct strvec v = { 0 };
	const char *t = "a\\ b 'c d' \"e'f\" '' g\\\"h  \n\t i";
	wrap_split_response(t, strlen(t), &v);
	assert_int_equal(v.n, 6);
	assert_string_equal(v.v[0], "a b");
	assert_string_equal(v.v[1], "c d");
	assert_string_equal(v.v[2], "e'f");
	assert_string_equal(v.v[3], "");
	assert_string_equal(v.v[4], "g\"h");
	assert_string_equal(v.v[5], "i");
	strvec_clear(&v);
}

static void test_empty_and_spaced_args(void **s)
{
	(void)s;
	struct wrap_plan p;
	PLAN(&p, "", "-c", "my file.c", "-DGREETING=\"hello world\"", "-O2");
	assert_int_equal(p.mode, WRAP_COMPILE);
	HAS(&p, "");
	HAS(&p, "my file.c");
	HAS(&p, "-DGREETING=\"hello world\"");
	HAS(&p, "-fstack-protector-strong");
	wrap_plan_free(&p);
	struct wrap_args a;
	wrap_args_scan((char *[]){ "", "-c", "my file.c", "-o", "out put.o" }, 5, &a);
	assert_int_equal(a.inputs.n, 1);
	assert_string_equal(a.inputs.v[0], "my file.c");
	assert_string_equal(a.output, "out put.o");
	wrap_args_free(&a);
}

static void test_values_are_not_inputs(void **s)
{
	(void)s;
	struct wrap_args a;
	wrap_args_scan((char *[]){ "-I", "inc.c", "-include", "cfg.h", "-MF", "x.d", "-o",
				   "y.c", "-Xlinker", "z.o", "-c", "real.c" },
		       12, &a);
	assert_int_equal(a.inputs.n, 1);
	assert_string_equal(a.inputs.v[0], "real.c");
	assert_string_equal(a.output, "y.c");
	wrap_args_free(&a);
}

static void test_passthrough(void **s)
{
	(void)s;
	const char *const *cases[] = {
		ARGS("--version"), ARGS("-v"), ARGS("-print-prog-name=ld"), ARGS("-dumpversion"),
		ARGS("-dumpmachine"), ARGS("-cc1", "-triple", "x86_64", "x.c"),
		ARGS("-print-search-dirs"), ARGS("--help"), ARGS("-O2"),
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct wrap_plan p;
		plan_full(&p, cases[i], false, DEFAULT, &gcc_x86);
		assert_int_equal(p.mode, WRAP_PASSTHROUGH);
		assert_untouched(&p, cases[i]);
		assert_int_equal(p.applied, 0);
		wrap_plan_free(&p);
	}
	/* -v with an input is a verbose compile, hardened as usual */
	struct wrap_plan p;
	PLAN(&p, "-v", "-c", "x.c");
	assert_int_equal(p.mode, WRAP_COMPILE);
	wrap_plan_free(&p);
}

static void test_cxx(void **s)
{
	(void)s;
	struct wrap_plan p;
	plan_full(&p, ARGS("-c", "x.c"), true, DEFAULT, &gcc_x86);
	HAS(&p, "-D_GLIBCXX_ASSERTIONS");
	wrap_plan_free(&p);
	PLAN(&p, "-c", "x.cpp");
	HAS(&p, "-D_GLIBCXX_ASSERTIONS");
	wrap_plan_free(&p);
	PLAN(&p, "-x", "c++", "-c", "x.inc");
	HAS(&p, "-D_GLIBCXX_ASSERTIONS");
	wrap_plan_free(&p);
	PLAN(&p, "-c", "x.c");
	LACKS(&p, "-D_GLIBCXX_ASSERTIONS");
	wrap_plan_free(&p);
	/* -x applies to the files after it only */
	PLAN(&p, "-c", "x.c", "-x", "c++");
	LACKS(&p, "-D_GLIBCXX_ASSERTIONS");
	wrap_plan_free(&p);
	PLAN(&p, "-x", "c++", "-c", "-");
	HAS(&p, "-D_GLIBCXX_ASSERTIONS");
	wrap_plan_free(&p);
	plan_full(&p, ARGS("-c", "x.cc", "-U_GLIBCXX_ASSERTIONS"), true, DEFAULT, &gcc_x86);
	DROPPED(&p, WF_GLIBCXXASSERTIONS, "-U_GLIBCXX_ASSERTIONS");
	wrap_plan_free(&p);
}

static void test_architectures_and_compilers(void **s)
{
	(void)s;
	struct wrap_target arm = { WRAP_KIND_GCC, WRAP_ARCH_AARCH64, "aarch64", 3, 0 };
	struct wrap_target rv = { WRAP_KIND_GCC, WRAP_ARCH_OTHER, "riscv64", 3, 0 };
	struct wrap_target clang = { WRAP_KIND_CLANG, WRAP_ARCH_X86, "x86_64", 2,
				     WRAP_BIT(WF_AUTOVARINIT) };
	struct wrap_plan p;
	plan_full(&p, ARGS("-c", "x.c"), false, DEFAULT, &arm);
	HAS(&p, "-mbranch-protection=standard");
	LACKS(&p, "-fcf-protection=full");
	wrap_plan_free(&p);
	plan_full(&p, ARGS("-c", "x.c"), false, DEFAULT, &rv);
	LACKS(&p, "-mbranch-protection=standard");
	LACKS(&p, "-fcf-protection=full");
	DROPPED(&p, WF_CET, "riscv64");
	wrap_plan_free(&p);
	plan_full(&p, ARGS("-c", "x.c", "-O2"), false, WRAP_ALL, &clang);
	HAS(&p, "-fwrapv");
	LACKS(&p, "-fno-strict-overflow");
	LACKS(&p, "-ftrivial-auto-var-init=zero");
	DROPPED(&p, WF_AUTOVARINIT, "not supported");
	HAS(&p, "-D_FORTIFY_SOURCE=2");
	wrap_plan_free(&p);
}

static void test_fortify_user_defines(void **s)
{
	(void)s;
	struct wrap_plan p;
	PLAN(&p, "-O2", "-D_FORTIFY_SOURCE=2", "-c", "x.c");
	assert_true(idx(&p, "-D_FORTIFY_SOURCE=3") > idx(&p, "-D_FORTIFY_SOURCE=2"));
	assert_int_equal(p.notes.n, 1);
	assert_non_null(strstr(p.notes.v[0], "-D_FORTIFY_SOURCE=2"));
	wrap_plan_free(&p);
	PLAN(&p, "-O2", "-D_FORTIFY_SOURCE=0", "-c", "x.c");
	LACKS(&p, "-D_FORTIFY_SOURCE=3");
	DROPPED(&p, WF_FORTIFY, "-D_FORTIFY_SOURCE=0");
	wrap_plan_free(&p);
	PLAN(&p, "-O2", "-U_FORTIFY_SOURCE", "-c", "x.c");
	LACKS(&p, "-D_FORTIFY_SOURCE=3");
	wrap_plan_free(&p);
	PLAN(&p, "-O2", "-D", "_FORTIFY_SOURCE=0", "-c", "x.c");
	DROPPED(&p, WF_FORTIFY, "_FORTIFY_SOURCE=0");
	wrap_plan_free(&p);
	PLAN(&p, "-O2", "-D_FORTIFY_SOURCES_X=0", "-c", "x.c");
	HAS(&p, "-D_FORTIFY_SOURCE=3");
	wrap_plan_free(&p);
}

static void test_profiles_and_lists(void **s)
{
	(void)s;
	wrap_set d, st, co, f;
	struct herr err;
	assert_int_equal(wrap_profile("default", &d, &err), 0);
	assert_int_equal(wrap_profile("strict", &st, &err), 0);
	assert_int_equal(wrap_profile("compat", &co, &err), 0);
	assert_int_equal(st, WRAP_ALL);
	assert_false(d & WRAP_BIT(WF_AUTOVARINIT));
	assert_false(co & WRAP_BIT(WF_STACKCLASH));
	assert_true(d & WRAP_BIT(WF_STACKCLASH));
	assert_int_equal(wrap_profile("paranoid", &d, &err), -1);
	assert_non_null(strstr(err.msg, "paranoid"));

	assert_int_equal(wrap_parse_features("fortify,pie", &f, &err), 0);
	assert_int_equal(f, WRAP_BIT(WF_FORTIFY) | WRAP_BIT(WF_PIE));
	assert_int_equal(wrap_parse_features(" all ", &f, &err), 0);
	assert_int_equal(f, WRAP_ALL);
	assert_int_equal(wrap_parse_features("", &f, &err), 0);
	assert_int_equal(f, 0);
	assert_int_equal(wrap_parse_features("fortify,pei", &f, &err), -1);
	assert_non_null(strstr(err.msg, "unknown feature 'pei'"));
	char *s2 = wrap_format_features(WRAP_BIT(WF_RELRO) | WRAP_BIT(WF_FORMAT));
	assert_string_equal(s2, "relro,format");
	free(s2);

	struct wrap_plan p;
	plan_full(&p, ARGS("-c", "x.c"), false, st, &gcc_x86);
	HAS(&p, "-ftrivial-auto-var-init=zero");
	wrap_plan_free(&p);
	plan_full(&p, ARGS("-c", "x.c"), false, co, &gcc_x86);
	LACKS(&p, "-fstack-clash-protection");
	HAS(&p, "-fstack-protector-strong");
	wrap_plan_free(&p);
	/* everything disabled: the call is untouched */
	plan_full(&p, ARGS("-O2", "x.c", "-o", "x"), false, 0, &gcc_x86);
	assert_untouched(&p, ARGS("-O2", "x.c", "-o", "x"));
	wrap_plan_free(&p);
}

static void test_print_flags(void **s)
{
	(void)s;
	struct strvec v = { 0 };
	wrap_print_flags(DEFAULT, &gcc_x86, false, false, &v);
	assert_true(strvec_has(&v, "-fstack-protector-strong"));
	assert_true(strvec_has(&v, "-D_FORTIFY_SOURCE=3"));
	assert_false(strvec_has(&v, "-pie"));
	strvec_clear(&v);
	wrap_print_flags(DEFAULT, &gcc_x86, false, true, &v);
	assert_true(strvec_has(&v, "-pie"));
	assert_true(strvec_has(&v, "-Wl,-z,now"));
	assert_false(strvec_has(&v, "-fstack-protector-strong"));
	strvec_clear(&v);
}

static void test_config(void **s)
{
	(void)s;
	const char *text = "# opt-outs\n"
			   "/usr/pkgsrc/lang/lua54: stackclash\n"
			   "zlib: fortify, pie   # inline comment\n"
			   "glibc*: all\n"
			   "\n";
	struct wrap_conf c;
	struct herr err;
	assert_int_equal(wrap_conf_parse(text, strlen(text), "cc.conf", &c, &err), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(wrap_conf_disabled(&c, "/usr/pkgsrc/lang/lua54/work/lua-5.4.6", NULL),
			 WRAP_BIT(WF_STACKCLASH));
	assert_int_equal(wrap_conf_disabled(&c, "/usr/pkgsrc/lang/lua540", NULL), 0);
	assert_int_equal(wrap_conf_disabled(&c, "/build/zlib-1.2.13.dfsg/contrib", NULL),
			 WRAP_BIT(WF_FORTIFY) | WRAP_BIT(WF_PIE));
	assert_int_equal(wrap_conf_disabled(&c, "/build/zlibx", NULL), 0);
	assert_int_equal(wrap_conf_disabled(&c, "/anywhere", "glibc-2.36"), WRAP_ALL);
	assert_int_equal(wrap_conf_disabled(&c, "/build/zlib", "other"), 0);
	wrap_conf_free(&c);

	const char *bad = "zlib: fortify\nlua: stackclsh\n";
	assert_int_equal(wrap_conf_parse(bad, strlen(bad), "cc.conf", &c, &err), -1);
	assert_non_null(strstr(err.msg, "cc.conf:2: unknown feature 'stackclsh'"));
	const char *nocolon = "zlib fortify\n";
	assert_int_equal(wrap_conf_parse(nocolon, strlen(nocolon), "f", &c, &err), -1);
	assert_non_null(strstr(err.msg, "f:1: expected"));
	const char *noname = " : pie\n";
	assert_int_equal(wrap_conf_parse(noname, strlen(noname), "f", &c, &err), -1);
}

static void test_compiler_names(void **s)
{
	(void)s;
	static const struct {
		const char *name;
		bool is, cxx;
	} cases[] = {
		{ "cc", true, false },
		{ "gcc", true, false },
		{ "/usr/local/harden/bin/gcc", true, false },
		{ "gcc-12", true, false },
		{ "x86_64-linux-gnu-gcc", true, false },
		{ "x86_64-linux-gnu-gcc-12", true, false },
		{ "aarch64-linux-gnu-g++", true, true },
		{ "c++", true, true },
		{ "g++", true, true },
		{ "clang", true, false },
		{ "clang++-14", true, true },
		{ "harden", false, false },
		{ "./harden", false, false },
		{ "cc-verify", false, false },
		{ "gccgo", false, false },
		{ "xgcc", false, false },
		{ "-gcc", false, false },
		{ "", false, false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		bool cxx = !cases[i].cxx;
		bool is = wrap_compiler_name(cases[i].name, &cxx);
		if (is != cases[i].is)
			fail_msg("%s: compiler name %d, want %d", cases[i].name, is, cases[i].is);
		if (is)
			assert_int_equal(cxx, cases[i].cxx);
	}
	assert_false(wrap_compiler_name(NULL, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compile_c_o),
		cmocka_unit_test(test_dash_S_is_compile),
		cmocka_unit_test(test_preprocess_only_defines),
		cmocka_unit_test(test_md_is_still_compile),
		cmocka_unit_test(test_assembler_input),
		cmocka_unit_test(test_c_header),
		cmocka_unit_test(test_link_exe_from_objects),
		cmocka_unit_test(test_compile_and_link),
		cmocka_unit_test(test_shared),
		cmocka_unit_test(test_no_pie_links),
		cmocka_unit_test(test_nostdlib_no_canary),
		cmocka_unit_test(test_freestanding),
		cmocka_unit_test(test_opt_levels_last_wins),
		cmocka_unit_test(test_user_overrides_win),
		cmocka_unit_test(test_sanitizer_no_fortify),
		cmocka_unit_test(test_linker_forms),
		cmocka_unit_test(test_response_file),
		cmocka_unit_test(test_split_response_quoting),
		cmocka_unit_test(test_empty_and_spaced_args),
		cmocka_unit_test(test_values_are_not_inputs),
		cmocka_unit_test(test_passthrough),
		cmocka_unit_test(test_cxx),
		cmocka_unit_test(test_architectures_and_compilers),
		cmocka_unit_test(test_fortify_user_defines),
		cmocka_unit_test(test_profiles_and_lists),
		cmocka_unit_test(test_print_flags),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_compiler_names),
	};
	return cmocka_run_group_tests_name("wrap", tests, NULL, NULL);
}
