/*
 * main.c — command dispatch only.
 *
 * `harden CMD ARGS...` runs the command CMD; each lives in src/cli/CMD.c.
 */
#include "cli/cli.h"
#include "dl/dl.h"

#include <string.h>

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
	bool reads_elf_and_json; /* loads libelf and jansson first (src/dl/) */
};

static const struct command commands[] = {
	{ "scan", cmd_scan, "check the hardening of ELF files, directories and packages", true },
	{ "audit", cmd_audit, "audit installed packages against pkgsrc's pkg-vulnerabilities list", true },
	{ "cc", cmd_cc, "compile with hardening flags (or call harden through a symlink named gcc...)", false },
	{ "c++", cmd_cc, "compile C++ with hardening flags", false },
	{ "cc-verify", cmd_cc_verify, "check binaries against a harden cc log", true },
	{ "sandbox", cmd_sandbox, "run a build confined: namespaces, seccomp, Landlock, rlimits", false },
	{ "diff", cmd_diff, "compare two scans: packages gone, downgraded, hardening regressed", true },
	{ "history", cmd_history, "one package's hardening across recorded scans", true },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: harden COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n`harden COMMAND --help` for a command's options; man harden-COMMAND for details.\n");
}

int main(int argc, char **argv)
{
	/* Called through a symlink named cc, gcc, clang++...: be the compiler wrapper. */
	int as_compiler = cmd_cc_as_compiler(argc, argv);
	if (as_compiler >= 0)
		return as_compiler;
	if (argc < 2) {
		usage(stderr);
		return EXIT_TROUBLE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		usage(stdout);
		return EXIT_CLEAN;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("harden %s\n", HARDEN_VERSION);
		return EXIT_CLEAN;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(name, commands[i].name))
			continue;
		struct herr err;
		if (commands[i].reads_elf_and_json && (!libelf_load(&err) || !libjansson_load(&err))) {
			cli_error("%s", err.msg);
			return EXIT_TROUBLE;
		}
		return commands[i].run(argc - 1, argv + 1);
	}
	cli_error("'%s' is not a harden command; see 'harden --help'", name);
	return EXIT_TROUBLE;
}
