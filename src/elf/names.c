/*
 * names.c — fixed tables: machine names, kind names, and glibc's fortifiable
 * functions (those with a __X_chk twin in glibc's debug/ directory).
 */
#include "elf/elf.h"

#include <elf.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

const char *elf_kind_name(enum elf_kind k)
{
	static const char *const names[] = {
		[KIND_EXEC] = "exec", [KIND_PIE] = "pie", [KIND_SHARED] = "shared-lib",
		[KIND_STATIC] = "static", [KIND_STATIC_PIE] = "static-pie",
		[KIND_REL] = "rel", [KIND_KMOD] = "kmod", [KIND_DEBUG] = "debug", [KIND_OTHER] = "other",
	};
	return (unsigned)k < ARRAY_SIZE(names) ? names[k] : "other";
}

const char *elf_lang_name(enum elf_lang l)
{
	return l == LANG_GO ? "go" : l == LANG_RUST ? "rust" : NULL;
}

const char *elf_machine_name(unsigned machine)
{
	switch (machine) {
	case EM_386: return "i386";
	case EM_X86_64: return "x86_64";
	case EM_ARM: return "arm";
	case EM_AARCH64: return "aarch64";
	case EM_PPC: return "ppc";
	case EM_PPC64: return "ppc64";
	case EM_S390: return "s390";
	case EM_MIPS: return "mips";
	case EM_RISCV: return "riscv";
	case EM_SPARC: return "sparc";
	case EM_SPARCV9: return "sparc64";
	case EM_IA_64: return "ia64";
	case EM_LOONGARCH: return "loongarch";
	case EM_BPF: return "bpf";
	case EM_NONE: return "none";
	default: return "unknown";
	}
}

/* glibc 2.36 debug/: the functions with a __X_chk twin. */
static const char *const fortifiable[] = {
	"asprintf", "confstr", "dprintf", "explicit_bzero", "fgets", "fgets_unlocked",
	"fgetws", "fgetws_unlocked", "fprintf", "fread", "fread_unlocked", "fwprintf",
	"getcwd", "getdomainname", "getgroups", "gethostname", "getlogin_r", "gets",
	"getwd", "longjmp", "mbsnrtowcs", "mbsrtowcs", "mbstowcs", "memcpy", "memmove",
	"mempcpy", "memset", "obstack_printf", "obstack_vprintf", "poll", "ppoll",
	"pread", "pread64", "printf", "ptsname_r", "read", "readlink", "readlinkat",
	"realpath", "recv", "recvfrom", "snprintf", "sprintf", "stpcpy", "stpncpy",
	"strcat", "strcpy", "strlcat", "strlcpy", "strncat", "strncpy", "swprintf",
	"syslog", "ttyname_r", "vasprintf", "vdprintf", "vfprintf", "vfwprintf",
	"vprintf", "vsnprintf", "vsprintf", "vswprintf", "vsyslog", "vwprintf",
	"wcpcpy", "wcpncpy", "wcrtomb", "wcscat", "wcscpy", "wcslcat", "wcslcpy",
	"wcsncat", "wcsncpy", "wcsnrtombs", "wcsrtombs", "wcstombs", "wctomb",
	"wmemcpy", "wmemmove", "wmempcpy", "wmemset", "wprintf",
};

/*
 * Every imported symbol of every file is looked up here, so the lookup is
 * a hash set (open addressing, built once) rather than a binary search.
 */
#define FORTIFY_SLOTS 256
static const char *fortify_set[FORTIFY_SLOTS];
static pthread_once_t fortify_once = PTHREAD_ONCE_INIT;

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static void fortify_build(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(fortifiable); i++) {
		uint32_t slot = name_hash(fortifiable[i]) % FORTIFY_SLOTS;
		while (fortify_set[slot])
			slot = (slot + 1) % FORTIFY_SLOTS;
		fortify_set[slot] = fortifiable[i];
	}
}

bool fortify_is_fortifiable(const char *name)
{
	/* the names run from 4 ("gets") to 15 characters, all lower case: reject the rest cheaply */
	size_t len = strnlen(name, 16);
	if (len < 4 || len > 15 || name[0] < 'a' || name[0] > 'w')
		return false;
	pthread_once(&fortify_once, fortify_build);
	for (uint32_t slot = name_hash(name) % FORTIFY_SLOTS; fortify_set[slot]; slot = (slot + 1) % FORTIFY_SLOTS)
		if (!strcmp(fortify_set[slot], name))
			return true;
	return false;
}

const char *const *fortify_names(size_t *n)
{
	*n = ARRAY_SIZE(fortifiable);
	return fortifiable;
}

/*
 * The __X_chk names, for lookups by name (elf/imports.c). Besides one per
 * fortifiable function, glibc has checks without a plain twin of that name:
 * __fdelt_chk guards FD_SET and friends.
 */
static const char *chk_names[ARRAY_SIZE(fortifiable) + 1];
static pthread_once_t chk_once = PTHREAD_ONCE_INIT;

static void chk_build(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(fortifiable); i++)
		chk_names[i] = xasprintf("__%s_chk", fortifiable[i]);
	chk_names[ARRAY_SIZE(fortifiable)] = "__fdelt_chk";
}

const char *const *fortify_chk_names(size_t *n)
{
	pthread_once(&chk_once, chk_build);
	*n = ARRAY_SIZE(chk_names);
	return chk_names;
}

const char *fortify_base_of_chk(const char *sym, char *out, size_t outlen)
{
	size_t n = strlen(sym);
	if (n <= 6 || strncmp(sym, "__", 2) || strcmp(sym + n - 4, "_chk"))
		return NULL;
	size_t blen = n - 6;
	if (blen + 1 > outlen)
		return NULL;
	memcpy(out, sym + 2, blen);
	out[blen] = '\0';
	return out;
}
