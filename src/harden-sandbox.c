/*
 * harden-sandbox.c — `harden sandbox` alone, for build farms that start
 * thousands of confined steps: it links libc and libseccomp only, so it
 * starts without relocating the libraries the full harden carries (libelf,
 * libdw, libarchive with libxml2 and ICU, SQLite, OpenSSL), all bound at
 * start-up since we link with -z now.
 */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return cmd_sandbox(argc, argv);
}
