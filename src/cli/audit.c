/*
 * audit.c — `harden audit`: installed packages against pkgsrc's
 * pkg-vulnerabilities list, plus the pattern tools around it.
 *
 * Modes (one per run, chosen by option):
 *   --match PATTERN PKGNAME, --compare V1 V2      pkg_admin pmatch-like probes
 *   --match-batch FILE, --compare-batch FILE       the same, one line each
 * Everything that decides anything lives in src/vuln/; this file parses
 * options, reads inputs, prints, and turns results into the exit status.
 */
#include "cli/cli.h"
#include "vuln/vuln.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

enum audit_mode { MODE_AUDIT, MODE_MATCH, MODE_COMPARE, MODE_MATCH_BATCH, MODE_COMPARE_BATCH };

struct audit_opts {
	enum audit_mode mode;
	const char *batch_input; /* --match-batch / --compare-batch FILE */
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: harden audit [OPTIONS] [PKGNAME...]\n"
		"       harden audit --match PATTERN PKGNAME\n"
		"       harden audit --compare VERSION1 VERSION2\n"
		"       harden audit --match-batch FILE | --compare-batch FILE   (- = stdin)\n"
		"\n"
		"  --match            exit 0 if PATTERN matches PKGNAME, 1 if not, 2 if malformed\n"
		"  --compare          print <, = or > as VERSION1 is older, equal, newer\n"
		"  --match-batch F    lines PATTERN<TAB>PKGNAME; prints 1, 0 or E per line\n"
		"  --compare-batch F  lines V1<TAB>V2; prints <, = or > per line\n"
		"  -h, --help         this help\n"
		"\nSee harden-audit(1).\n");
}

static char cmp_char(int c)
{
	return c < 0 ? '<' : c > 0 ? '>' : '=';
}

/*
 * Split one batch line at its first TAB into two fields; a second TAB ends
 * the second field (so the vector files, with their expected third column,
 * can be fed as they are). Returns false when there is no TAB.
 */
static bool split_fields(char *line, char **a, char **b)
{
	char *tab = strchr(line, '\t');
	if (!tab)
		return false;
	*tab = '\0';
	*a = line;
	*b = tab + 1;
	char *tab2 = strchr(*b, '\t');
	if (tab2)
		*tab2 = '\0';
	return true;
}

/* Run fn on every line of path ("-" = stdin); lines with a NUL are errors. */
static int run_batch(const char *path, bool matching)
{
	struct buf in = { 0 };
	struct herr err;
	if (read_file(path, &in, &err) < 0) {
		cli_error("%s", err.msg);
		return EXIT_TROUBLE;
	}
	int status = EXIT_CLEAN;
	size_t lineno = 0;
	for (size_t off = 0; off < in.len;) {
		char *line = in.p + off;
		char *nl = memchr(line, '\n', in.len - off);
		size_t len = nl ? (size_t)(nl - line) : in.len - off;
		off += len + (nl ? 1 : 0);
		lineno++;
		line[len] = '\0';
		if (len && line[len - 1] == '\r')
			line[len - 1] = '\0';
		char *a, *b;
		if (strlen(line) != len) {
			cli_error("%s:%zu: NUL byte in line", path, lineno);
			puts("E");
			status = EXIT_TROUBLE;
		} else if (!split_fields(line, &a, &b)) {
			cli_error("%s:%zu: expected two fields separated by a TAB", path, lineno);
			puts("E");
			status = EXIT_TROUBLE;
		} else if (matching) {
			int m = pattern_match(a, b);
			puts(m < 0 ? "E" : m ? "1" : "0");
			if (m < 0) {
				cli_error("%s:%zu: malformed pattern '%s'", path, lineno, a);
				status = EXIT_TROUBLE;
			}
		} else {
			printf("%c\n", cmp_char(dewey_cmp(a, b)));
		}
	}
	buf_free(&in);
	if (fflush(stdout) != 0) {
		cli_error("writing output failed");
		return EXIT_TROUBLE;
	}
	return status;
}

static int run_match(const char *pattern, const char *pkg)
{
	int m = pattern_match(pattern, pkg);
	if (m < 0) {
		cli_error("malformed pattern '%s' (unbalanced braces)", pattern);
		return EXIT_TROUBLE;
	}
	return m ? EXIT_CLEAN : EXIT_FINDINGS;
}

enum {
	OPT_MATCH = 256,
	OPT_COMPARE,
	OPT_MATCH_BATCH,
	OPT_COMPARE_BATCH,
};

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "match", no_argument, NULL, OPT_MATCH },
	{ "compare", no_argument, NULL, OPT_COMPARE },
	{ "match-batch", required_argument, NULL, OPT_MATCH_BATCH },
	{ "compare-batch", required_argument, NULL, OPT_COMPARE_BATCH },
	{ NULL, 0, NULL, 0 },
};

/* Parse argv into o; returns -1 on a usage error, 1 after --help. */
static int parse_options(int argc, char **argv, struct audit_opts *o)
{
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 1;
		case OPT_MATCH: o->mode = MODE_MATCH; break;
		case OPT_COMPARE: o->mode = MODE_COMPARE; break;
		case OPT_MATCH_BATCH: o->mode = MODE_MATCH_BATCH; o->batch_input = optarg; break;
		case OPT_COMPARE_BATCH: o->mode = MODE_COMPARE_BATCH; o->batch_input = optarg; break;
		default:
			usage(stderr);
			return -1;
		}
	}
	return 0;
}

int cmd_audit(int argc, char **argv)
{
	struct audit_opts o = { 0 };
	int rc = parse_options(argc, argv, &o);
	if (rc)
		return rc > 0 ? EXIT_CLEAN : EXIT_TROUBLE;
	int nargs = argc - optind;
	char **args = argv + optind;
	switch (o.mode) {
	case MODE_MATCH:
	case MODE_COMPARE:
		if (nargs != 2) {
			cli_error("audit: %s takes exactly two arguments",
				  o.mode == MODE_MATCH ? "--match" : "--compare");
			return EXIT_TROUBLE;
		}
		if (o.mode == MODE_MATCH)
			return run_match(args[0], args[1]);
		printf("%c\n", cmp_char(dewey_cmp(args[0], args[1])));
		return EXIT_CLEAN;
	case MODE_MATCH_BATCH:
	case MODE_COMPARE_BATCH:
		return run_batch(o.batch_input, o.mode == MODE_MATCH_BATCH);
	case MODE_AUDIT:
		break;
	}
	cli_error("audit: auditing is not done yet");
	return EXIT_TROUBLE;
}
