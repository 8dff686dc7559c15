/*
 * scan.c — `harden scan PATH...` (being written; see issue 2).
 */
#include "cli/cli.h"

int cmd_scan(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("scan: not done yet");
	return EXIT_TROUBLE;
}
