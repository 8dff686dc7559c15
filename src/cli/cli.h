/*
 * cli — one file per command: option parsing, wiring, exit status.
 *
 * This is the only layer that knows about argv, stdout/stderr and exit codes.
 * Every command has the signature of main() and returns EXIT_CLEAN (0),
 * EXIT_FINDINGS (1) or EXIT_TROUBLE (2).
 */
#ifndef HARDEN_CLI_H
#define HARDEN_CLI_H

#include "util/util.h"

int cmd_scan(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_cc(int argc, char **argv);
int cmd_cc_verify(int argc, char **argv);
int cmd_cc_as_compiler(int argc, char **argv); /* -1 unless argv[0] names a compiler */
int cmd_sandbox(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_history(int argc, char **argv);

/* Print "harden: <msg>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));


#endif
