/*
 * fuzz_dwarf_cache.c — libFuzzer target for the DWARF cache entry parser:
 * entries are files in a directory others may be able to write, so any byte
 * string must decode to units or be refused, never crash or read outside
 * the entry.
 *
 * Random bytes almost never carry a valid checksum, which would stop the
 * fuzzer at the first check; so each input is tried twice: as is, and as the
 * body of an entry with its checksum appended, which takes the fuzzer into
 * the header, string table and unit records.
 */
#include "elf/dwarf_cache.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void try_decode(const unsigned char *entry, size_t size)
{
	struct elf_facts f;
	memset(&f, 0, sizeof(f));
	if (dwarf_cache_decode(entry, size, NULL, &f) != 0)
		return;
	for (size_t i = 0; i < f.cu_count; i++)
		if (!f.cus[i].name || !f.cus[i].producer || strlen(f.cus[i].opt) >= sizeof(f.cus[i].opt))
			abort();
	elf_facts_free(&f);
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
