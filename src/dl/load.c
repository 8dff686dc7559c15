/*
 * load.c — dlopen() one library by SONAME and fill a table of its functions.
 *
 * RTLD_NOW binds the library (and what it pulls in) completely at load, as
 * -z now does at start: a missing symbol is found here, with a message, not
 * later as a crash in the middle of a scan. RTLD_LOCAL keeps its symbols out
 * of the global scope: nothing else in the process should bind to them.
 *
 * The table lives in its own anonymous mapping, filled, then mprotect()ed
 * read-only: function pointers reached through a writable page are what an
 * attacker with a write primitive looks for, and what full RELRO denies him
 * in the GOT. The handle is never closed: the table outlives every caller.
 */
#include "dl/dl.h"

#include <stdatomic.h>

#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define TEST_MISSING_ENV "HARDEN_TEST_DL_MISSING"
#define TEST_MISSING_SUFFIX ".harden-test-missing"

/* Is soname listed in HARDEN_TEST_DL_MISSING (comma-separated)? Test-only. */
static bool test_says_missing(const char *soname)
{
	const char *list = secure_getenv(TEST_MISSING_ENV);
	size_t n = strlen(soname);
	for (const char *p = list; p && *p; p += strcspn(p, ",")) {
		p += *p == ',';
		if (!strncmp(p, soname, n) && (p[n] == ',' || p[n] == '\0'))
			return true;
	}
	return false;
}

static int cannot_load(const struct dl_library *lib, const char *why, struct herr *err)
{
	return herr_set(err, "%s is needed %s but cannot be loaded: %s (install the Debian package %s)",
			lib->soname, lib->purpose, why, lib->package);
}

/* A zeroed, page-aligned, writable region of at least size bytes. */
static void *table_pages(size_t size, size_t *mapped)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	*mapped = (size + page - 1) / page * page;
	void *p = mmap(NULL, *mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static int resolve(void *handle, const struct dl_library *lib, char *table, struct herr *err)
{
	for (size_t i = 0; i < lib->nsymbols; i++) {
		dlerror();      /* clear: a NULL symbol is only an error if dlerror() says so */
		void *sym = dlsym(handle, lib->symbols[i].name);
		const char *why = dlerror();
		if (why || !sym) {
			char what[512];
			snprintf(what, sizeof(what), "no symbol %s in it (%s)", lib->symbols[i].name,
				 why ? why : "resolved to NULL");
			return cannot_load(lib, what, err);
		}
		/* POSIX (dlsym) guarantees a data pointer can hold a function's address */
		memcpy(table + lib->symbols[i].offset, &sym, sizeof(sym));
	}
	return 0;
}

const void *dl_load(const struct dl_library *lib, struct herr *err)
{
	char name[256];
	snprintf(name, sizeof(name), "%s%s", lib->soname,
		 test_says_missing(lib->soname) ? TEST_MISSING_SUFFIX : "");
	void *handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		const char *why = dlerror();
		cannot_load(lib, why ? why : "dlopen failed", err);
		return NULL;
	}
	size_t mapped;
	char *table = table_pages(lib->table_size, &mapped);
	if (!table) {
		char why[128];
		snprintf(why, sizeof(why), "no memory for its table: %s", strerror(errno));
		cannot_load(lib, why, err);
		dlclose(handle);
		return NULL;
	}
	if (resolve(handle, lib, table, err) < 0)
		goto fail;
	if (mprotect(table, mapped, PROT_READ) != 0) {
		char why[128];
		snprintf(why, sizeof(why), "cannot make its table read-only: %s", strerror(errno));
		cannot_load(lib, why, err);
		goto fail;
	}
	return table;
fail:
	munmap(table, mapped);
	dlclose(handle);
	return NULL;
}

const void *dl_load_once(const struct dl_library *lib, struct dl_lazy *lazy, struct herr *err)
{
	/* the fast path of every call through a shim (libelf.c, libjansson.c) */
	const void *table = atomic_load_explicit(&lazy->table, memory_order_acquire);
	if (table)
		return table;
	pthread_mutex_lock(&lazy->lock);
	if (!lazy->tried) {
		atomic_store_explicit(&lazy->table, dl_load(lib, &lazy->failure), memory_order_release);
		lazy->tried = true;
	}
	table = lazy->table;
	pthread_mutex_unlock(&lazy->lock);
	if (!table && err)
		herr_set(err, "%s", lazy->failure.msg);
	return table;
}
