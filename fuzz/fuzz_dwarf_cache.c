/*
 * fuzz_dwarf_cache.c — libFuzzer target for the DWARF cache entry parser:
 * entries are files in a directory others may be able to write, so any byte
 * string must decode to units or be refused, never crash or read outside
 * the entry.
 * Each input is tried as is and sealed with its checksum (seal.h).
 */
#include "elf/dwarf_cache.h"
#include "seal.h"

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
	if (size <= (1 << 20))
		fuzz_try_sealed(data, size, try_decode);
	return 0;
}
