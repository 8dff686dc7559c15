/*
 * probe.c — what the real compiler supports, asked once and remembered.
 *
 * Passing a flag the compiler does not know breaks the build, and old gcc,
 * clang and cross compilers differ (clang 14 has no
 * -ftrivial-auto-var-init=zero without an opt-in, aarch64 has no
 * -fcf-protection). So we ask: one `-E -dM` run tells the compiler family,
 * the architecture and the FORTIFY level libc honours; one compile with every
 * candidate flag tells whether all are accepted, and only if not, one compile
 * per flag finds the culprits. The answer is cached in
 * $XDG_CACHE_HOME/harden (or ~/.cache/harden) keyed by the compiler's real
 * path, size and mtime, so an upgraded compiler is probed again. Package
 * builders often run with HOME pointing nowhere (sbuild, pkgsrc), so when
 * that cache cannot be written we fall back to $TMPDIR/harden-cache-UID,
 * used only if it is a real directory owned by us and closed to others (a
 * planted cache could otherwise switch flags off). The cache is a
 * convenience: if neither works we probe every time and carry on.
 */
#include "wrap/wrap.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define CACHE_VERSION "harden-cc-probe 2"

char *wrap_cache_dir(void)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	if (x && x[0] == '/')
		return xasprintf("%s/harden", x);
	if (home && home[0] == '/')
		return xasprintf("%s/.cache/harden", home);
	return NULL;
}

/* Run argv with stdout to out_path (or /dev/null), stderr and stdin to /dev/null. */
static int run_quiet(char *const *argv, const char *out_path)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out_path ? out_path : "/dev/null",
					 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return -1;
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static const char probe_source[] =
	"#if defined __has_include\n"
	"# if __has_include(<features.h>)\n"
	"#  include <features.h>\n"
	"# endif\n"
	"#endif\n"
	"int harden_probe(int x) { char b[16]; b[x & 15] = 1; return b[0]; }\n";

static bool has_macro(const char *text, const char *name)
{
	char *pat = xasprintf("#define %s ", name);
	bool m = strstr(text, pat) != NULL;
	free(pat);
	return m;
}

/* Family, architecture and FORTIFY level from the predefined macros. */
static int probe_macros(const char *cc, const char *dir, struct wrap_target *t, struct herr *err)
{
	char *src = xasprintf("%s/probe.c", dir), *out = xasprintf("%s/macros", dir);
	char *argv[] = { (char *)cc, "-O2", "-D_FORTIFY_SOURCE=3", "-E", "-dM", src, NULL };
	int rc = run_quiet(argv, out);
	struct buf b = { 0 };
	if (rc != 0 || read_file(out, &b, NULL) < 0) {
		free(src), free(out), buf_free(&b);
		return herr_set(err, "%s: cannot run it to probe its features (exit %d)", cc, rc);
	}
	static const struct {
		const char *macro, *machine;
		enum wrap_arch arch;
	} arches[] = {
		{ "__x86_64__", "x86_64", WRAP_ARCH_X86 },   { "__i386__", "i386", WRAP_ARCH_X86 },
		{ "__aarch64__", "aarch64", WRAP_ARCH_AARCH64 }, { "__arm__", "arm", WRAP_ARCH_OTHER },
		{ "__riscv", "riscv", WRAP_ARCH_OTHER },	     { "__powerpc64__", "ppc64", WRAP_ARCH_OTHER },
		{ "__s390x__", "s390x", WRAP_ARCH_OTHER },      { "__mips__", "mips", WRAP_ARCH_OTHER },
	};
	t->kind = has_macro(b.p, "__clang__") ? WRAP_KIND_CLANG : WRAP_KIND_GCC;
	t->arch = WRAP_ARCH_OTHER;
	snprintf(t->machine, sizeof(t->machine), "unknown");
	for (size_t i = 0; i < ARRAY_SIZE(arches); i++)
		if (has_macro(b.p, arches[i].macro)) {
			t->arch = arches[i].arch;
			snprintf(t->machine, sizeof(t->machine), "%s", arches[i].machine);
			break;
		}
	t->fortify_level = strstr(b.p, "#define __USE_FORTIFY_LEVEL 3") ? 3 : 2;
	free(src), free(out), buf_free(&b);
	return 0;
}

/* The flag that stands for a feature in the compile probe, or NULL. */
static const char *probe_flag(enum wrap_feature f, const struct wrap_target *t)
{
	switch (f) {
	case WF_STACKPROTECTOR: return "-fstack-protector-strong";
	case WF_PIE: return "-fPIE";
	case WF_STACKCLASH: return "-fstack-clash-protection";
	case WF_CET:
		return t->arch == WRAP_ARCH_X86	      ? "-fcf-protection=full"
		       : t->arch == WRAP_ARCH_AARCH64 ? "-mbranch-protection=standard"
						      : NULL;
	case WF_AUTOVARINIT: return "-ftrivial-auto-var-init=zero";
	case WF_STRICTOVERFLOW: return t->kind == WRAP_KIND_CLANG ? "-fwrapv" : "-fno-strict-overflow";
	case WF_FORMAT: return "-Werror=format-security";
	default: return NULL;
	}
}

static int compile_with(const char *cc, const char *dir, const char *const *flags, size_t n)
{
	struct strvec v = { 0 };
	strvec_push(&v, cc);
	strvec_push(&v, "-Werror");
	strvec_push(&v, "-Wformat"); /* -Werror=format-security needs it */
	for (size_t i = 0; i < n; i++)
		strvec_push(&v, flags[i]);
	strvec_pushf(&v, "%s/probe.c", dir);
	strvec_push(&v, "-c");
	strvec_push(&v, "-o");
	strvec_pushf(&v, "%s/probe.o", dir);
	int rc = run_quiet(v.v, NULL);
	strvec_clear(&v);
	return rc;
}

static int probe_flags(const char *cc, const char *dir, struct wrap_target *t, struct herr *err)
{
	const char *flags[WF_COUNT];
	int feat[WF_COUNT];
	size_t n = 0;
	for (int f = 0; f < WF_COUNT; f++)
		if ((flags[n] = probe_flag(f, t)))
			feat[n++] = f;
	t->unsupported = 0;
	if (compile_with(cc, dir, NULL, 0) != 0)
		return herr_set(err, "%s: cannot compile a trivial C file to probe it", cc);
	if (compile_with(cc, dir, flags, n) == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (compile_with(cc, dir, &flags[i], 1) != 0)
			t->unsupported |= WRAP_BIT(feat[i]);
	return 0;
}

static int probe_now(const char *cc, struct wrap_target *t, struct herr *err)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/harden-probe-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		herr_set(err, "%s: cannot create a probe directory: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	char *src = xasprintf("%s/probe.c", dir);
	FILE *f = fopen(src, "w");
	int rc = -1;
	if (!f)
		herr_set(err, "%s: cannot write: %s", src, strerror(errno));
	else {
		fputs(probe_source, f);
		fclose(f);
		rc = probe_macros(cc, dir, t, err);
		if (rc == 0)
			rc = probe_flags(cc, dir, t, err);
	}
	const char *leftovers[] = { "probe.c", "probe.o", "macros" };
	for (size_t i = 0; i < ARRAY_SIZE(leftovers); i++) {
		char *p = xasprintf("%s/%s", dir, leftovers[i]);
		unlink(p);
		free(p);
	}
	rmdir(dir);
	free(src);
	free(dir);
	return rc;
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static char *cache_key(const char *cc)
{
	struct stat st;
	char real[PATH_MAX];
	if (!realpath(cc, real) || stat(real, &st) < 0)
		return NULL;
	return xasprintf("%s %s %lld.%09ld %lld", CACHE_VERSION, real, (long long)st.st_mtim.tv_sec,
			 st.st_mtim.tv_nsec, (long long)st.st_size);
}

static bool cache_read(const char *file, const char *key, struct wrap_target *t)
{
	struct buf b = { 0 };
	if (read_file(file, &b, NULL) < 0) {
		buf_free(&b);
		return false;
	}
	char *nl = strchr(b.p, '\n');
	bool ok = nl && (size_t)(nl - b.p) == strlen(key) && !strncmp(b.p, key, strlen(key));
	int kind, arch, level;
	unsigned unsup;
	char machine[64];
	ok = ok && sscanf(nl + 1, "kind %d arch %d machine %63s fortify %d unsupported %u", &kind,
			  &arch, machine, &level, &unsup) == 5;
	if (ok) {
		t->kind = kind == WRAP_KIND_CLANG ? WRAP_KIND_CLANG : WRAP_KIND_GCC;
		t->arch = arch == WRAP_ARCH_X86 || arch == WRAP_ARCH_AARCH64 ? arch : WRAP_ARCH_OTHER;
		snprintf(t->machine, sizeof(t->machine), "%s", machine);
		t->fortify_level = level == 3 ? 3 : 2;
		t->unsupported = unsup & WRAP_ALL;
	}
	buf_free(&b);
	return ok;
}

/* Best effort: write to a temporary name, then rename, so readers never see half. */
static bool cache_write(const char *dir, const char *file, const char *key,
			const struct wrap_target *t)
{
	/* Create the cache dir and its parent at most (~/.cache), never more:
	 * a HOME that does not exist stays that way. */
	char *parent = xstrdup(dir);
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		mkdir(parent, 0700);
	}
	mkdir(dir, 0700);
	free(parent);
	char *tmp = xasprintf("%s.%ld.tmp", file, (long)getpid());
	FILE *f = fopen(tmp, "w");
	if (f) {
		fprintf(f, "%s\nkind %d arch %d machine %s fortify %d unsupported %u\n", key, t->kind,
			t->arch, t->machine, t->fortify_level, t->unsupported);
		if (fclose(f) == 0 && rename(tmp, file) == 0) {
			free(tmp);
			return true;
		}
	}
	unlink(tmp);
	free(tmp);
	return false;
}

/* $TMPDIR/harden-cache-UID, if it is (or can be made) ours alone; else NULL. */
static char *fallback_dir(bool create)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/harden-cache-%u", tmp && *tmp ? tmp : "/tmp", (unsigned)geteuid());
	struct stat st;
	if (create)
		mkdir(dir, 0700);
	if (lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
	    (st.st_mode & 077) == 0)
		return dir;
	free(dir);
	return NULL;
}

static char *cache_file(const char *dir, const char *key)
{
	return xasprintf("%s/probe-%016llx", dir, (unsigned long long)fnv1a(key));
}

int wrap_probe(const char *cc, const char *cache_dir, struct wrap_target *out, struct herr *err)
{
	char *key = cache_key(cc);
	if (!key)
		return herr_set(err, "%s: cannot stat: %s", cc, strerror(errno));
	char *file = cache_dir ? cache_file(cache_dir, key) : NULL;
	if (file && cache_read(file, key, out)) {
		free(file), free(key);
		return 0;
	}
	/* the primary cache missed or is unusable: the fallback may have it */
	char *fb = fallback_dir(false), *fbfile = fb ? cache_file(fb, key) : NULL;
	int rc = 0;
	if (!fbfile || !cache_read(fbfile, key, out)) {
		rc = probe_now(cc, out, err);
		if (rc == 0 && !(file && cache_write(cache_dir, file, key, out))) {
			free(fbfile), free(fb);
			fb = fallback_dir(true);
			fbfile = fb ? cache_file(fb, key) : NULL;
			if (fbfile)
				cache_write(fb, fbfile, key, out);
		}
	}
	free(fbfile), free(fb), free(file), free(key);
	return rc;
}
