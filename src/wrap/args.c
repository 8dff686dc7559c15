/*
 * args.c — what a compiler command line means for hardening.
 *
 * We read the user's arguments the way the gcc driver does, just far enough
 * to know: which phase runs (preprocess, compile, link), what kind of output
 * a link makes, the optimisation level (the last -O wins, as in gcc), which
 * conditions make a flag wrong (-ffreestanding, -nostdlib, a sanitizer...),
 * and the user's last word on each feature (-fno-stack-protector after ours
 * wins, and we say so in the log). Options that take their value in the next
 * argument are listed so that value is never mistaken for an input file.
 */
#include "wrap/wrap.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Options whose value is the next argument when written alone. */
static const char *const separate_value_opts[] = {
	"-o", "-x", "-I", "-L", "-l", "-D", "-U", "-include", "-imacros", "-idirafter",
	"-iprefix", "-iwithprefix", "-iwithprefixbefore", "-isystem", "-isysroot", "-iquote",
	"-imultilib", "-MF", "-MT", "-MQ", "-Xlinker", "-Xassembler", "-Xpreprocessor",
	"-Xclang", "-aux-info", "-T", "-u", "-z", "-e", "-A", "-B", "--param", "-arch",
	"-target", "-mllvm", "-dumpbase", "-dumpdir", "-wrapper", "--sysroot",
	"-install_name", "-framework", "-ivfsoverlay", "--serialize-diagnostics",
};

enum lang { LANG_NONE, LANG_C, LANG_CXX, LANG_ASM, LANG_OTHER, LANG_LINKER };

static bool takes_separate_value(const char *a)
{
	for (size_t i = 0; i < ARRAY_SIZE(separate_value_opts); i++)
		if (!strcmp(a, separate_value_opts[i]))
			return true;
	return false;
}

static enum lang lang_of_x(const char *x)
{
	if (!strcmp(x, "none"))
		return LANG_NONE;
	if (!strcmp(x, "c") || !strcmp(x, "c-header") || !strcmp(x, "cpp-output") ||
	    !strcmp(x, "objective-c") || !strcmp(x, "objective-c-header"))
		return LANG_C;
	if (starts_with(x, "c++") || starts_with(x, "objective-c++"))
		return LANG_CXX;
	if (starts_with(x, "assembler"))
		return LANG_ASM;
	return LANG_OTHER;
}

static enum lang lang_of_file(const char *f)
{
	static const char *const c[] = { ".c", ".i", ".h", ".m", ".mi" };
	static const char *const cxx[] = { ".cc", ".cp", ".cxx", ".cpp", ".CPP", ".c++", ".C",
					   ".ii", ".hh", ".hpp", ".hxx", ".H", ".HPP", ".tcc",
					   ".mm", ".M", ".mii" };
	static const char *const as[] = { ".s", ".S", ".sx", ".asm" };
	for (size_t i = 0; i < ARRAY_SIZE(c); i++)
		if (ends_with(f, c[i]))
			return LANG_C;
	for (size_t i = 0; i < ARRAY_SIZE(cxx); i++)
		if (ends_with(f, cxx[i]))
			return LANG_CXX;
	for (size_t i = 0; i < ARRAY_SIZE(as); i++)
		if (ends_with(f, as[i]))
			return LANG_ASM;
	return LANG_LINKER; /* .o, .a, .so, scripts: the linker's business */
}

/* Options after which gcc does nothing but answer a question. */
static bool is_query(const char *a)
{
	static const char *const exact[] = { "-cc1", "-cc1as", "--version", "-dumpversion",
					     "-dumpfullversion", "-dumpmachine", "-dumpspecs",
					     "--target-help", "-qversion" };
	for (size_t i = 0; i < ARRAY_SIZE(exact); i++)
		if (!strcmp(a, exact[i]))
			return true;
	return starts_with(a, "-print-") || starts_with(a, "--print-") || starts_with(a, "--help");
}

static int opt_level_of(const char *a)
{
	const char *v = a + 2;
	if (!*v || !strcmp(v, "g"))
		return 1;
	if (!strcmp(v, "s") || !strcmp(v, "z") || !strcmp(v, "fast"))
		return 2;
	if (*v >= '0' && *v <= '9')
		return atoi(v);
	return 1;
}

/* A linker keyword (from -Wl, -Xlinker or -z) that speaks for a feature. */
static void linker_keyword(struct wrap_args *a, const char *kw, const char *origin)
{
	static const struct {
		const char *kw;
		enum wrap_feature f;
		bool off;
	} table[] = {
		{ "relro", WF_RELRO, false },		{ "norelro", WF_RELRO, true },
		{ "now", WF_BINDNOW, false },		{ "lazy", WF_BINDNOW, true },
		{ "noexecstack", WF_NOEXECSTACK, false }, { "execstack", WF_NOEXECSTACK, true },
	};
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (!strcmp(kw, table[i].kw))
			a->user_off[table[i].f] = table[i].off ? origin : NULL;
}

/* -Wl,a,b,c: split on commas and follow "-z KEYWORD" / "-zKEYWORD". */
static void linker_words(struct wrap_args *a, const char *list, const char *origin,
			 bool *pending_z)
{
	char *copy = xstrdup(list), *save = NULL;
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (*pending_z) {
			linker_keyword(a, w, origin);
			*pending_z = false;
		} else if (!strcmp(w, "-z"))
			*pending_z = true;
		else if (starts_with(w, "-z"))
			linker_keyword(a, w + 2, origin);
	}
	free(copy);
}

/* Flags that switch a compile-time feature off (set) or back on (clear). */
static void feature_switch(struct wrap_args *a, const char *arg)
{
	static const struct {
		const char *flag;
		enum wrap_feature f;
		bool off, prefix;
	} table[] = {
		{ "-fno-stack-protector", WF_STACKPROTECTOR, true, false },
		{ "-fstack-protector", WF_STACKPROTECTOR, false, true },
		{ "-fno-pie", WF_PIE, true, false },
		{ "-fno-PIE", WF_PIE, true, false },
		{ "-fno-pic", WF_PIE, true, false },
		{ "-fno-PIC", WF_PIE, true, false },
		{ "-fpie", WF_PIE, false, false },
		{ "-fPIE", WF_PIE, false, false },
		{ "-fpic", WF_PIE, false, false },
		{ "-fPIC", WF_PIE, false, false },
		{ "-fno-stack-clash-protection", WF_STACKCLASH, true, false },
		{ "-fstack-clash-protection", WF_STACKCLASH, false, false },
		{ "-fcf-protection=none", WF_CET, true, false },
		{ "-fcf-protection", WF_CET, false, true },
		{ "-mbranch-protection=none", WF_CET, true, false },
		{ "-mbranch-protection", WF_CET, false, true },
		{ "-ftrivial-auto-var-init=uninitialized", WF_AUTOVARINIT, true, false },
		{ "-ftrivial-auto-var-init", WF_AUTOVARINIT, false, true },
		{ "-fstrict-overflow", WF_STRICTOVERFLOW, true, false },
		{ "-fno-strict-overflow", WF_STRICTOVERFLOW, false, false },
		{ "-fwrapv", WF_STRICTOVERFLOW, false, false },
		{ "-Wno-format", WF_FORMAT, true, false },
		{ "-Wformat=0", WF_FORMAT, true, false },
		{ "-Wno-format-security", WF_FORMAT, true, false },
		{ "-Wno-error=format-security", WF_FORMAT, true, false },
		{ "-Werror=format-security", WF_FORMAT, false, false },
		{ "-U_GLIBCXX_ASSERTIONS", WF_GLIBCXXASSERTIONS, true, false },
		{ "-D_GLIBCXX_ASSERTIONS", WF_GLIBCXXASSERTIONS, false, true },
	};
	for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
		bool hit = table[i].prefix ? starts_with(arg, table[i].flag)
					   : !strcmp(arg, table[i].flag);
		if (hit) {
			a->user_off[table[i].f] = table[i].off ? arg : NULL;
			return;
		}
	}
}

/* -D_FORTIFY_SOURCE[=N] / -U_FORTIFY_SOURCE, joined or separate (def is "D" or "U"). */
static void fortify_define(struct wrap_args *a, char def, const char *value, const char *arg)
{
	if (!starts_with(value, "_FORTIFY_SOURCE") ||
	    (value[15] != '\0' && value[15] != '='))
		return;
	a->user_fortify = arg;
	bool off = def == 'U' || !strcmp(value + 15, "=0");
	a->user_off[WF_FORTIFY] = off ? arg : NULL;
}

/* Conditions: a flag that, when present, rules something out. */
static bool condition(struct wrap_args *a, const char *arg)
{
	static const struct {
		const char *flag;
		size_t off;
	} table[] = {
		{ "-shared", offsetof(struct wrap_args, shared) },
		{ "-static", offsetof(struct wrap_args, static_) },
		{ "-static-pie", offsetof(struct wrap_args, static_pie) },
		{ "-r", offsetof(struct wrap_args, relocatable) },
		{ "-nostdlib", offsetof(struct wrap_args, nostdlib) },
		{ "-nostartfiles", offsetof(struct wrap_args, nostartfiles) },
		{ "-ffreestanding", offsetof(struct wrap_args, freestanding) },
		{ "-fno-hosted", offsetof(struct wrap_args, freestanding) },
		{ "-nostdinc", offsetof(struct wrap_args, nostdinc) },
		{ "-no-pie", offsetof(struct wrap_args, no_pie_link) },
		{ "-nopie", offsetof(struct wrap_args, no_pie_link) },
	};
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (!strcmp(arg, table[i].flag)) {
			*(const char **)((char *)a + table[i].off) = arg;
			return true;
		}
	if (!strcmp(arg, "-fhosted")) {
		a->freestanding = NULL;
		return true;
	}
	if (!strcmp(arg, "-pie")) {
		a->no_pie_link = NULL;
		return true;
	}
	if (starts_with(arg, "-fsanitize=")) {
		a->sanitizer = arg;
		return true;
	}
	return false;
}

static void add_input(struct wrap_args *a, const char *file, enum lang x)
{
	enum lang l = x != LANG_NONE ? x : lang_of_file(file);
	strvec_push(&a->inputs, file);
	if (l == LANG_C || l == LANG_CXX)
		a->has_c_family = true;
	if (l == LANG_CXX)
		a->has_cxx = true;
	if (l == LANG_ASM)
		a->has_asm = true;
}

void wrap_args_scan(char *const *args, size_t n, struct wrap_args *a)
{
	memset(a, 0, sizeof(*a));
	bool preprocess = false, compile = false, verbose = false, pending_z = false;
	enum lang x = LANG_NONE;

	for (size_t i = 0; i < n; i++) {
		const char *arg = args[i];
		const char *next = i + 1 < n ? args[i + 1] : NULL;
		if (arg[0] != '-' || !arg[1]) {
			if (*arg) /* gcc ignores empty arguments */
				add_input(a, arg, x);
			continue;
		}
		if (is_query(arg)) {
			a->passthrough_why = arg;
			continue;
		}
		if (!strcmp(arg, "-v"))
			verbose = true;
		else if (!strcmp(arg, "-E") || !strcmp(arg, "-M") || !strcmp(arg, "-MM"))
			preprocess = true;
		else if (!strcmp(arg, "-c") || !strcmp(arg, "-S") || !strcmp(arg, "-fsyntax-only"))
			compile = true;
		else if (arg[1] == 'O')
			a->opt_level = opt_level_of(arg), a->opt_flag = arg;
		else if (starts_with(arg, "-Wl,"))
			linker_words(a, arg + 4, arg, &pending_z);
		else if (condition(a, arg))
			;
		else if ((arg[1] == 'D' || arg[1] == 'U') && arg[2]) {
			feature_switch(a, arg);
			fortify_define(a, arg[1], arg + 2, arg);
		} else if (arg[1] == 'f' || arg[1] == 'W' || arg[1] == 'm')
			feature_switch(a, arg);
		else if (starts_with(arg, "-x") && arg[2])
			x = lang_of_x(arg + 2);
		else if (starts_with(arg, "-o") && arg[2])
			a->output = arg + 2;
		else if (takes_separate_value(arg) && next) {
			i++;
			if (!strcmp(arg, "-o"))
				a->output = next;
			else if (!strcmp(arg, "-x"))
				x = lang_of_x(next);
			else if (!strcmp(arg, "-D") || !strcmp(arg, "-U"))
				fortify_define(a, arg[1], next, next);
			else if (!strcmp(arg, "-Xlinker"))
				linker_words(a, next, next, &pending_z);
			else if (!strcmp(arg, "-z"))
				linker_keyword(a, next, next);
		}
	}
	if (a->passthrough_why)
		a->mode = WRAP_PASSTHROUGH;
	else if (!a->inputs.n) {
		a->mode = WRAP_PASSTHROUGH;
		a->passthrough_why = verbose ? "-v" : "no input files";
	} else if (preprocess)
		a->mode = WRAP_PREPROCESS;
	else if (compile)
		a->mode = WRAP_COMPILE;
	else if (a->shared)
		a->mode = WRAP_LINK_SHARED;
	else
		a->mode = WRAP_LINK_EXE;
}

void wrap_args_free(struct wrap_args *a)
{
	strvec_clear(&a->inputs);
}
