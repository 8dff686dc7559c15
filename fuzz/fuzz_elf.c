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
	/*
	 * An exactly-sized private copy: ASan sees any over-read. Each input is
	 * read twice: symbol tables whole, and by their imports only (the path
	 * big files take, elf/imports.c).
	 */
	for (size_t imports_from = 0; imports_from < 2; imports_from++) {
		unsigned char *copy = malloc(size ? size : 1);
		memcpy(copy, data, size);
		struct elf_facts f;
		struct herr err;
		struct elf_read_opts o = { .dwarf = true, .debug_root = "/nonexistent", .imports_from = imports_from };
		if (elf_facts_read("fuzz", copy, size, &o, &f, &err) == 0) {
			struct policy p;
			struct check_result r;
			policy_init(&p, "strict", NULL);
			check_elf(&f, &p, &r);
			elf_facts_free(&f);
		}
		free(copy);
	}
	return 0;
}
