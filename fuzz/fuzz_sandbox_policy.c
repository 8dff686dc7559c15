/*
 * fuzz_sandbox_policy.c — the sandbox policy parser on arbitrary bytes.
 *
 * Policy files are shipped by distributions and per-package overrides, so
 * they are input we parse before confining anything. The parser must never
 * crash, leak or read out of bounds; every rejection must carry a message.
 */
#include "sandbox/sandbox.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sandbox_opts o;
	struct herr err;
	struct sandbox_vars vars = { "/tmp", size & 1 ? "/usr" : NULL };
	sandbox_opts_init(&o);
	err.msg[0] = '\0';
	if (sandbox_policy_parse("fuzz.policy", (const char *)data, size, &vars, &o, &err) < 0 &&
	    !starts_with(err.msg, "fuzz.policy:"))
		__builtin_trap();
	sandbox_opts_free(&o);
	return 0;
}
