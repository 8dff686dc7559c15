/*
 * fuzz_pattern.c — libFuzzer target for the pattern matcher and dewey
 * comparison: patterns come from a downloaded list and package names from
 * package metadata, so neither can be trusted. Input: PATTERN '\n' PKGNAME.
 * Also checks two properties: dewey order is antisymmetric, and expanding
 * alternatives agrees with matching the whole pattern.
 */
#include "vuln/vuln.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *s = xstrndup((const char *)data, size);
	char *nl = strchr(s, '\n');
	const char *pkg = nl ? nl + 1 : "";
	if (nl)
		*nl = '\0';
	const char *pattern = s;

	int a = dewey_cmp(pattern, pkg), b = dewey_cmp(pkg, pattern);
	if ((a > 0) != (b < 0) || (a == 0) != (b == 0))
		abort();

	int m = pattern_match(pattern, pkg);
	struct strvec leaves = { 0 };
	struct herr err;
	if (pattern_expand(pattern, &leaves, &err) == 0 && m >= 0) {
		int any = 0;
		for (size_t i = 0; i < leaves.n; i++)
			if (pattern_match(leaves.v[i], pkg) == 1)
				any = 1;
		if (any != m)
			abort();
	}
	strvec_clear(&leaves);
	free(s);
	return 0;
}
