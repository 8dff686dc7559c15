/*
 * history.c — `harden history PACKAGE`: one package's hardening across the
 * runs recorded with `harden scan --db`, oldest first, so a property that
 * slipped between two builds stands out (marked with '!' where a coverage
 * dropped since the previous run).
 */
#include "cli/cli.h"
#include "store/store.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
	"usage: harden history [OPTIONS] PACKAGE\n"
	"Show a package's hardening across the runs recorded with 'harden scan --db'.\n"
	"\n"
	"  -f, --format FMT  text (default) or json (one run per line)\n"
	"      --db FILE     the history database (default $XDG_DATA_HOME/harden/harden.db)\n"
	"  -h, --help        this help\n"
	"\n"
	"Exit status: 0 shown, 1 a property's coverage dropped in the latest run,\n"
	"2 no such package recorded, or a usage or database error.\n";

static const enum prop shown[] = { PROP_PIE, PROP_RELRO, PROP_BIND_NOW, PROP_CANARY, PROP_FORTIFY,
				   PROP_NX, PROP_RWX, PROP_TEXTREL, PROP_RPATH, PROP_IBT, PROP_STACK_CLASH };

/* Share of files with the property, -1 when none applies. */
static double share(const struct history_row *h, int p)
{
	return h->applicable[p] ? (double)h->good[p] / (double)h->applicable[p] : -1;
}

static bool dropped(const struct history_row *prev, const struct history_row *h, int p)
{
	return prev && share(prev, p) >= 0 && share(h, p) >= 0 && share(h, p) < share(prev, p);
}

static void text_rows(FILE *out, const char *package, const struct history_row *rows, size_t n)
{
	fprintf(out, "history of %s: %zu runs\n%-5s %-20s %-22s %-4s %-5s", package, n, "RUN", "DATE", "VERSION",
		"ELF", "FIND");
	for (size_t i = 0; i < ARRAY_SIZE(shown); i++)
		fprintf(out, " %-8.8s", prop_name(shown[i]));
	fputc('\n', out);
	for (size_t r = 0; r < n; r++) {
		const struct history_row *h = &rows[r], *prev = r ? &rows[r - 1] : NULL;
		fprintf(out, "%-5lld %-20s %-22s %-4zu %-5zu", (long long)h->run, h->when,
			h->version ? h->version : "-", h->elf, h->findings);
		for (size_t i = 0; i < ARRAY_SIZE(shown); i++) {
			char cell[24];
			int p = shown[i];
			if (!h->applicable[p])
				snprintf(cell, sizeof(cell), "-");
			else
				snprintf(cell, sizeof(cell), "%zu/%zu%s", h->good[p], h->applicable[p],
					 dropped(prev, h, p) ? "!" : "");
			fprintf(out, " %-8s", cell);
		}
		fputc('\n', out);
	}
}

static void json_rows(FILE *out, const char *package, const struct history_row *rows, size_t n)
{
	for (size_t r = 0; r < n; r++) {
		const struct history_row *h = &rows[r];
		json_t *props = json_object();
		for (int p = 0; p < PROP_COUNT; p++)
			if (h->applicable[p])
				json_object_set_new(props, prop_name(p), json_pack("{s:I, s:I}", "good", (json_int_t)h->good[p],
										   "applicable", (json_int_t)h->applicable[p]));
		json_t *o = json_pack("{s:s, s:I, s:s, s:s?, s:s?, s:I, s:I, s:I, s:o}", "package", package,
				      "run", (json_int_t)h->run, "time", h->when, "version", h->version, "arch", h->arch,
				      "elf", (json_int_t)h->elf, "with_findings", (json_int_t)h->with_findings,
				      "findings", (json_int_t)h->findings, "properties", props);
		json_dumpf(o, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fputc('\n', out);
		json_decref(o);
	}
}

int cmd_history(int argc, char **argv)
{
	enum { OPT_DB = 256 };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' }, { "db", required_argument, NULL, OPT_DB },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *format = "text", *db_path = NULL;
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "f:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f': format = optarg; break;
		case OPT_DB: db_path = optarg; break;
		case 'h': fputs(usage_text, stdout); return EXIT_CLEAN;
		default: cli_error("see 'harden history --help'"); return EXIT_TROUBLE;
		}
	}
	if (strcmp(format, "text") && strcmp(format, "json")) {
		cli_error("unknown format '%s' (known: text, json)", format);
		return EXIT_TROUBLE;
	}
	if (argc - optind != 1) {
		cli_error("history wants one PACKAGE (see 'harden history --help')");
		return EXIT_TROUBLE;
	}
	const char *package = argv[optind];
	char *def = db_path ? NULL : store_default_path();
	struct store *db = NULL;
	struct history_row *rows = NULL;
	size_t n = 0;
	struct herr err;
	int status = EXIT_TROUBLE;
	const char *path = db_path ? db_path : def;
	if (access(path, F_OK)) {
		cli_error("no history database at %s (runs are recorded with 'harden scan --db')", path);
	} else if (store_open(path, &db, &err) || store_history(db, package, &rows, &n, &err)) {
		cli_error("%s", err.msg);
	} else if (n == 0) {
		cli_error("no recorded run has a package named '%s'", package);
	} else {
		if (!strcmp(format, "json"))
			json_rows(stdout, package, rows, n);
		else
			text_rows(stdout, package, rows, n);
		status = EXIT_CLEAN;
		for (int p = 0; p < PROP_COUNT && n > 1; p++)
			if (dropped(&rows[n - 2], &rows[n - 1], p))
				status = EXIT_FINDINGS;
	}
	history_free(rows, n);
	store_close(db);
	free(def);
	return status;
}
