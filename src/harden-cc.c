/*
 * harden-cc.c — the compiler wrapper alone, for the symlinks `harden cc
 * --setup` makes (cc, gcc, c++...). A compiler is started thousands of times
 * per package build: this binary links only what the wrapper needs (libc,
 * jansson), so it starts in a fraction of the time of the full harden,
 * which loads libelf, libdw, libarchive (and through it libxml2 and ICU),
 * SQLite, OpenSSL and libseccomp, all bound at start-up (we link -z now).
 */
#include "cli/cli.h"

#include <string.h>

int main(int argc, char **argv)
{
	int rc = cmd_cc_as_compiler(argc, argv);
	if (rc >= 0)
		return rc;
	cli_error("harden-cc runs only through a symlink named like a compiler (cc, gcc, c++, clang...); "
		  "use 'harden cc' directly, or 'harden cc --setup DIR'");
	return EXIT_TROUBLE;
}
