/*
 * fuzz_pkg_summary.c — libFuzzer target for the pkg_summary(5) reader: a
 * summary comes from a binary repository over the network. Every package it
 * yields must look like NAME-VERSION; everything else must be a problem.
 */
#include "vuln/vuln.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	if (!memchr(text, '\0', size)) {
		struct vuln_pkgset set = { 0 };
		vuln_pkgs_parse_summary(&set, text, size, "fuzz");
		for (size_t i = 0; i < set.n; i++) {
			const char *v;
			size_t n;
			if (!pattern_base_name(set.v[i].name, &v, &n) || n == 0 || !*v)
				abort();
		}
		vuln_pkgs_free(&set);
	}
	free(text);
	return 0;
}
