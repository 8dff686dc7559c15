/*
 * fuzz_pkg_cache.c — libFuzzer target for the package cache entry parser
 * (src/pkg/cache.c): entries live in a database others may be able to
 * write, so any byte string must decode to records or be refused, never
 * crash or read outside the entry.
 *
 * As in fuzz_dwarf_cache.c, each input is tried as is and sealed with its
 * checksum, which takes the fuzzer past the first check into the header,
 * the records and their facts.
 */
#include "pkg/internal.h"
#include "elf/dwarf_cache.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void try_decode(const unsigned char *entry, size_t size)
{
	struct scan_batch b = { 0 };
	if (!pkg_cache_decode(entry, size, NULL, NULL, "/fuzz.deb", &b))
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
	if (size > (1 << 20))
		return 0;
	/* exactly-sized private copies: ASan sees any over-read */
	unsigned char *raw = malloc(size ? size : 1);
	memcpy(raw, data, size);
	try_decode(raw, size);
	free(raw);

	unsigned char *sealed = malloc(size + 8);
	memcpy(sealed, data, size);
	uint64_t h = dwarf_cache_hash(sealed, size, DWARF_CACHE_HASH_SEED);
	for (int i = 0; i < 8; i++)
		sealed[size + i] = (unsigned char)(h >> (8 * i));
	try_decode(sealed, size + 8);
	free(sealed);
	return 0;
}
