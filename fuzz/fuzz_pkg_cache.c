/*
 * fuzz_pkg_cache.c — libFuzzer target for the package cache entry parser
 * (src/pkg/cache.c): entries live in a database others may be able to
 * write, so any byte string must decode to records or be refused, never
 * crash or read outside the entry.
 *
 * Each input is tried as is and sealed with its checksum (seal.h), which
 * takes the fuzzer past the first check into the records and their facts.
 */
#include "pkg/internal.h"
#include "elf/dwarf_cache.h"
#include "seal.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void try_decode(const unsigned char *entry, size_t size)
{
	struct scan_batch b = { 0 };
	if (pkg_cache_decode(entry, size, NULL, NULL, "/fuzz.deb", &b) < 0)
		return;
	for (size_t i = 0; i < b.n; i++) {
		const struct scan_record *r = &b.recs[i];
		if (!r->path || (r->facts.elf_class != 0 && r->facts.elf_class != 32 && r->facts.elf_class != 64) ||
		    strlen(r->facts.build_id) >= sizeof(r->facts.build_id))
			abort();
		for (size_t k = 0; k < r->facts.cu_count; k++)
			if (!r->facts.cus[k].name || !r->facts.cus[k].producer)
				abort();
	}
	scan_batch_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size <= (1 << 20))
		fuzz_try_sealed(data, size, try_decode);
	return 0;
}
