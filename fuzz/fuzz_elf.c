/*
 * fuzz_elf.c — libFuzzer target for the ELF reader and the verdicts built on
 * it: any byte string must give facts or one error, never a crash or a read
 * outside the buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exactly-sized private copy: ASan sees any over-read */
	unsigned char *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	struct elf_facts f;
	struct herr err;
	struct elf_read_opts o = { .dwarf = true, .debug_root = "/nonexistent" };
	if (elf_facts_read("fuzz", copy, size, &o, &f, &err) == 0) {
		struct policy p;
		struct check_result r;
		policy_init(&p, "strict", NULL);
		check_elf(&f, &p, &r);
		elf_facts_free(&f);
	}
	free(copy);
	return 0;
}
