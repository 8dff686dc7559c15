/*
 * seal.h — for the cache entry fuzzers: random bytes almost never carry a
 * valid checksum, which would stop the fuzzer at the first check; so each
 * input is tried twice: as is, and as the body of an entry with its
 * checksum appended, which takes the fuzzer into the header and records.
 * Both are exactly-sized private copies: ASan sees any over-read.
 */
#ifndef HARDEN_FUZZ_SEAL_H
#define HARDEN_FUZZ_SEAL_H

#include "elf/dwarf_cache.h"

#include <stdlib.h>
#include <string.h>

static inline void fuzz_try_sealed(const uint8_t *data, size_t size, void (*try_decode)(const unsigned char *, size_t))
{
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
}

#endif
