/*
 * fuzz_archive.c — libFuzzer target for the package-archive path: format
 * detection, the ar and rpm header parsers, metadata parsers, and the
 * libarchive walk with its checks (names, links, limits, nesting), on
 * whatever bytes the fuzzer invents. Members that look like ELF go on to
 * the ELF reader, so this also reaches elf/ through archives.
 */
#include <stdint.h>
#include <stdlib.h>

#include "pkg/pkg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scan_opts o;
	static int ready;
	if (!ready) {
		policy_init(&o.policy, "default", NULL);
		o.member_limit = 16 << 20;  /* keep the fuzzer's memory bounded */
		o.max_nested = 2;
		ready = 1;
	}
	struct scan_batch b = { 0 };
	pkg_scan_memory("fuzz", data, size, &o, &b);
	scan_batch_free(&b);
	struct pkg_ident id = { 0 };
	size_t payload;
	struct herr err;
	pkg_rpm_parse(data, size, &id, &payload, &err);
	pkg_parse_deb_control((const char *)data, size, &id);
	pkg_parse_contents((const char *)data, size, &id);
	pkg_ident_free(&id);
	return 0;
}
