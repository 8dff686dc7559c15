/*
 * fuzz_vuln_list.c — libFuzzer target for the pkg-vulnerabilities parser,
 * which reads a file fetched from the network before anything has vouched
 * for it. Parses the input (strictly, then as a header-less fragment),
 * indexes whatever entries came out and audits a few names against them,
 * checking the index agrees with the naive loop.
 */
#include "vuln/vuln.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void audit_some(const struct vuln_list *l)
{
	static const char *const names[] = { "openssl-1.0.0d", "py27-foo-1.0", "foo-1.0nb1", "a-1" };
	struct vuln_index ix;
	vuln_index_build(&ix, l);
	struct vuln_matches fast = { 0 }, slow = { 0 };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		vuln_index_match(&ix, names[i], &fast);
		vuln_naive_match(l, names[i], &slow);
		if (fast.n != slow.n || (fast.n && memcmp(fast.v, slow.v, fast.n * sizeof(*fast.v))))
			abort();
	}
	vuln_matches_free(&fast);
	vuln_matches_free(&slow);
	vuln_index_free(&ix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	for (int fragment = 0; fragment < 2; fragment++) {
		struct vuln_list l = { 0 };
		struct vuln_parse_opts o = { .allow_fragment = fragment, .require_checksum = -1 };
		struct herr err;
		if (vuln_list_parse(&l, text, size, &o, &err) == 0)
			audit_some(&l);
		vuln_list_free(&l);
	}
	free(text);
	return 0;
}
