/*
 * fuzz_wrap.c — the wrapper's parsers of untrusted text: the per-package
 * config (cc.conf), @response files, HARDEN_LOG lines read back by
 * cc-verify, and the argv scanner fed with the split response words. The
 * first byte picks the parser so one target covers them all.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "wrap/wrap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	struct herr err;
	switch (data[0] % 3) {
	case 0: {
		struct wrap_conf c;
		if (wrap_conf_parse(text, len, "fuzz.conf", &c, &err) == 0) {
			wrap_conf_disabled(&c, "/build/zlib-1.2.13/src", NULL);
			wrap_conf_disabled(&c, "/x", "pkg-1.0");
			wrap_conf_free(&c);
		}
		break;
	}
	case 1: {
		struct strvec v = { 0 };
		wrap_split_response(text, len, &v);
		struct wrap_args a;
		wrap_args_scan(v.v, v.n, &a);
		struct wrap_target t = { WRAP_KIND_GCC, WRAP_ARCH_X86, "x86_64", 3, 0 };
		struct wrap_plan p;
		wrap_plan("cc", v.v, v.n, &a, false, WRAP_ALL, &t, &p);
		wrap_plan_free(&p);
		wrap_args_free(&a);
		strvec_clear(&v);
		break;
	}
	default: {
		struct wrap_call c;
		if (wrap_call_parse(text, len, 1, &c, &err) == 0) {
			struct wrap_expect *ex;
			size_t n;
			wrap_expectations(&c, 1, &ex, &n);
			wrap_expect_free(ex, n);
			free(ex);
			wrap_call_free(&c);
		}
		break;
	}
	}
	return 0;
}
