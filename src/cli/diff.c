/*
 * diff.c — `harden diff OLD NEW`: what changed between two scans of a
 * repository. Each side is a run recorded with `scan --db` (its id, or
 * "latest" / "previous"), or a directory, package or list of paths scanned
 * now. Reported: packages that disappeared (the build-farm failure where a
 * transient error silently drops a package), appeared, changed version
 * (downgrades flagged), and per file each property that went from good to
 * bad (a regression) or back. Exit 1 when anything disappeared, regressed
 * or was downgraded; 2 on bad input.
 */
#include "cli/cli.h"
#include "pkg/pkg.h"
#include "store/store.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct diff_cli {
	struct scan_opts scan;
	const char *format, *output, *db;
	bool quiet, help;
	size_t scan_errors;
};

static const char usage_text[] =
	"usage: harden diff [OPTIONS] OLD NEW\n"
	"Compare two scans: packages gone, new, up- or downgraded, and every\n"
	"hardening regression and improvement, per package and file.\n"
	"OLD and NEW: a run id recorded with 'harden scan --db', 'latest', 'previous',\n"
	"a directory or package archive (scanned now), or a file listing paths.\n"
	"\n"
	"  -f, --format FMT    text (default), json (one change per line), sarif\n"
	"  -o, --output FILE   write the report to FILE\n"
	"      --db FILE       the history database (default $XDG_DATA_HOME/harden/harden.db)\n"
	"  -p, --profile NAME  profile for sides scanned now (default, strict, compat)\n"
	"  -j, --jobs N        parallel workers for sides scanned now\n"
	"  -q, --quiet         text: only what fails (gone, downgraded, regressed)\n"
	"  -h, --help          this help\n"
	"\n"
	"Exit status: 0 nothing bad, 1 a package disappeared or was downgraded or a\n"
	"property regressed, 2 usage or input error.\n";

static void collect(size_t i, struct scan_batch *b, void *ctx)
{
	void **pair = ctx;
	struct diff_cli *c = pair[0];
	struct snapshot *s = pair[1];
	const struct strvec *files = pair[2];
	for (size_t k = 0; k < b->n; k++)
		if (b->recs[k].error) {
			const struct scan_record *r = &b->recs[k];
			cli_error("%s%s%s%s%s: %s", r->warning ? "warning: " : "", r->path, r->member ? "[" : "",
				  r->member ? r->member : "", r->member ? "]" : "", r->error);
			c->scan_errors += !r->warning;
		}
	snapshot_add_batch(s, files->v[i], b);
}

/* A file that is neither ELF nor an archive is a list of paths. */
static bool is_list_file(const char *path)
{
	unsigned char head[512];
	struct stat st;
	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return false;
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	size_t n = fread(head, 1, sizeof(head), f);
	fclose(f);
	return !elf_is_elf(head, n) && !pkg_is_archive(head, n);
}

static int scan_side(struct diff_cli *c, const char *arg, struct snapshot *s, struct herr *err)
{
	struct strvec roots = { 0 }, files = { 0 }, errors = { 0 };
	if (is_list_file(arg)) {
		if (read_lines(arg, &roots, err))
			return -1;
	} else {
		strvec_push(&roots, arg);
	}
	struct walk_opts wo = { .follow = false };
	walk_paths(roots.v, roots.n, &wo, &files, &errors);
	for (size_t i = 0; i < errors.n; i++)
		cli_error("%s", errors.v[i]);
	c->scan_errors += errors.n;
	s->label = xstrdup(arg);
	void *ctx[3] = { c, s, &files };
	scan_files(&files, &c->scan, collect, ctx);
	/* loose files of a directory are matched by their path inside it, so
	 * that old/bin/ls and new/bin/ls are the same file */
	size_t len = strlen(arg);
	while (len > 1 && arg[len - 1] == '/')
		len--;
	for (size_t i = 0; i < s->nfiles; i++) {
		char *name = s->files[i].name;
		if (!*s->files[i].package && !strncmp(name, arg, len) && name[len] == '/')
			memmove(name, name + len + 1, strlen(name + len + 1) + 1);
	}
	strvec_clear(&roots);
	strvec_clear(&files);
	strvec_clear(&errors);
	return 0;
}

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

static int load_side(struct diff_cli *c, struct store **db, const char *arg, int64_t newer,
		     struct snapshot *s, int64_t *run, struct herr *err)
{
	*run = 0;
	bool is_run = all_digits(arg) || !strcmp(arg, "latest") || !strcmp(arg, "previous");
	if (!is_run || access(arg, F_OK) == 0)
		return scan_side(c, arg, s, err);
	if (!*db) {
		char *def = c->db ? NULL : store_default_path();
		const char *path = c->db ? c->db : def;
		int rc = access(path, F_OK) ? herr_set(err, "no history database at %s (runs are recorded with "
						       "'harden scan --db')", path)
					    : store_open(path, db, err);
		free(def);
		if (rc)
			return -1;
	}
	if (all_digits(arg))
		*run = strtoll(arg, NULL, 10);
	else if (!strcmp(arg, "latest"))
		*run = store_latest_run(*db, 0);
	else
		*run = store_latest_run(*db, newer ? newer : store_latest_run(*db, 0));
	if (*run <= 0)
		return herr_set(err, "no recorded run matches '%s'", arg);
	return store_load_run(*db, *run, s, err);
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

static void text_change(FILE *out, const struct change *ch)
{
	fprintf(out, "%-12s %s", change_kind_name(ch->kind), ch->package[0] ? ch->package : "(loose files)");
	if (ch->arch)
		fprintf(out, " (%s)", ch->arch);
	switch (ch->kind) {
	case CH_DISAPPEARED: fprintf(out, " %s\n", nz(ch->before)); break;
	case CH_APPEARED: fprintf(out, " %s\n", nz(ch->after)); break;
	case CH_UPGRADE: case CH_DOWNGRADE: fprintf(out, " %s -> %s\n", ch->before, ch->after); break;
	case CH_REGRESSION: case CH_IMPROVEMENT:
		fprintf(out, " %s: %s %s -> %s\n", ch->file, prop_name(ch->prop), ch->before, ch->after);
		break;
	case CH_FILE_GONE: case CH_FILE_NEW: fprintf(out, " %s\n", ch->file); break;
	}
}

static json_t *change_json(const struct change *ch)
{
	json_t *o = json_pack("{s:s, s:s}", "change", change_kind_name(ch->kind), "package", ch->package);
	if (ch->arch)
		json_object_set_new(o, "arch", json_string(ch->arch));
	if (ch->file)
		json_object_set_new(o, "file", json_string(ch->file));
	if (ch->prop >= 0)
		json_object_set_new(o, "property", json_string(prop_name(ch->prop)));
	if (ch->before)
		json_object_set_new(o, "before", json_string(ch->before));
	if (ch->after)
		json_object_set_new(o, "after", json_string(ch->after));
	json_object_set_new(o, "bad", json_boolean(change_is_bad(ch->kind)));
	return o;
}

static void write_sarif(FILE *out, const struct diff *d, const char *old, const char *new)
{
	json_t *results = json_array(), *rules = json_array();
	static const enum change_kind bad[] = { CH_DISAPPEARED, CH_DOWNGRADE, CH_REGRESSION };
	static const char *const help[] = {
		"A package present in the old scan is missing from the new one.",
		"A package's version went backwards.",
		"A hardening property that held in the old build no longer holds.",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		json_array_append_new(rules, json_pack("{s:s, s:{s:s}}", "id", change_kind_name(bad[i]),
						       "shortDescription", "text", help[i]));
	for (size_t i = 0; i < d->n; i++) {
		const struct change *ch = &d->v[i];
		if (!change_is_bad(ch->kind))
			continue;
		char *msg = ch->kind == CH_REGRESSION
			? xasprintf("%s %s: %s went from %s to %s", ch->package, ch->file, prop_name(ch->prop), ch->before, ch->after)
			: ch->kind == CH_DOWNGRADE
			? xasprintf("%s downgraded from %s to %s", ch->package, ch->before, ch->after)
			: xasprintf("%s %s disappeared", ch->package, nz(ch->before));
		char *where = ch->file ? xasprintf("%s/%s", ch->package, ch->file) : xstrdup(ch->package);
		json_array_append_new(results, json_pack("{s:s, s:s, s:{s:s}, s:[{s:[{s:s, s:s}]}]}",
			"ruleId", change_kind_name(ch->kind), "level", "error", "message", "text", msg,
			"locations", "logicalLocations", "fullyQualifiedName", where, "kind", "module"));
		free(msg);
		free(where);
	}
	json_t *doc = json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:o}}, s:o, s:[{s:b, s:[s, s]}]}]}",
		"$schema", "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs",
		"tool", "driver", "name", "harden-diff", "version", HARDEN_VERSION, "rules", rules,
		"results", results, "invocations", "executionSuccessful", 1, "arguments", old, new);
	json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(doc);
}

static void write_report(FILE *out, const struct diff_cli *c, const struct diff *d,
			 const struct snapshot *old, const struct snapshot *new)
{
	if (!strcmp(c->format, "sarif")) {
		write_sarif(out, d, old->label, new->label);
		return;
	}
	bool json = !strcmp(c->format, "json");
	if (!json)
		fprintf(out, "harden diff: %s (%zu packages) -> %s (%zu packages)\n", old->label, old->npkgs,
			new->label, new->npkgs);
	for (size_t i = 0; i < d->n; i++) {
		const struct change *ch = &d->v[i];
		if (c->quiet && !change_is_bad(ch->kind))
			continue;
		if (json) {
			json_t *o = change_json(ch);
			json_dumpf(o, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
			fputc('\n', out);
			json_decref(o);
		} else {
			text_change(out, ch);
		}
	}
	if (!json)
		fprintf(out, "summary: %zu disappeared, %zu appeared, %zu downgraded, %zu upgraded, "
			     "%zu regressions, %zu improvements, %zu files removed, %zu files added\n",
			d->count[CH_DISAPPEARED], d->count[CH_APPEARED], d->count[CH_DOWNGRADE], d->count[CH_UPGRADE],
			d->count[CH_REGRESSION], d->count[CH_IMPROVEMENT], d->count[CH_FILE_GONE], d->count[CH_FILE_NEW]);
}

static int parse_args(int argc, char **argv, struct diff_cli *c, struct herr *err)
{
	enum { OPT_DB = 256 };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' }, { "output", required_argument, NULL, 'o' },
		{ "db", required_argument, NULL, OPT_DB }, { "profile", required_argument, NULL, 'p' },
		{ "jobs", required_argument, NULL, 'j' }, { "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "f:o:p:j:qh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f': c->format = optarg; break;
		case 'o': c->output = optarg; break;
		case OPT_DB: c->db = optarg; break;
		case 'p':
			if (policy_init(&c->scan.policy, optarg, err))
				return -1;
			break;
		case 'j':
			c->scan.jobs = atoi(optarg);
			if (c->scan.jobs < 1)
				return herr_set(err, "--jobs wants a positive number, not '%s'", optarg);
			break;
		case 'q': c->quiet = true; break;
		case 'h': c->help = true; return 0;
		default: return herr_set(err, "see 'harden diff --help'");
		}
	}
	if (strcmp(c->format, "text") && strcmp(c->format, "json") && strcmp(c->format, "sarif"))
		return herr_set(err, "unknown format '%s' (known: text, json, sarif)", c->format);
	if (argc - optind != 2)
		return herr_set(err, "diff wants two arguments, OLD and NEW (see 'harden diff --help')");
	return 0;
}

int cmd_diff(int argc, char **argv)
{
	struct diff_cli c = { .format = "text" };
	struct snapshot old = { 0 }, new = { 0 };
	struct store *db = NULL;
	struct diff d = { 0 };
	struct herr err;
	int64_t old_run, new_run;
	FILE *out = stdout;
	int status = EXIT_TROUBLE;

	c.scan.elf.dwarf = true;
	c.scan.max_nested = 1;
	if (policy_init(&c.scan.policy, "default", &err) || parse_args(argc, argv, &c, &err)) {
		cli_error("%s", err.msg);
		return EXIT_TROUBLE;
	}
	if (c.help) {
		fputs(usage_text, stdout);
		return EXIT_CLEAN;
	}
	/* NEW first, so that "previous" means the run before NEW */
	if (load_side(&c, &db, argv[optind + 1], 0, &new, &new_run, &err) ||
	    load_side(&c, &db, argv[optind], new_run, &old, &old_run, &err)) {
		cli_error("%s", err.msg);
		goto done;
	}
	if (c.output && !(out = fopen(c.output, "we"))) {
		cli_error("cannot write %s: %m", c.output);
		out = stdout;
		goto done;
	}
	diff_snapshots(&old, &new, &d);
	write_report(out, &c, &d, &old, &new);
	if (fflush(out) != 0 || ferror(out)) {
		cli_error("write error on %s", c.output ? c.output : "standard output");
		goto done;
	}
	bool bad = d.count[CH_DISAPPEARED] || d.count[CH_DOWNGRADE] || d.count[CH_REGRESSION];
	status = c.scan_errors ? EXIT_TROUBLE : bad ? EXIT_FINDINGS : EXIT_CLEAN;
done:
	if (out != stdout)
		fclose(out);
	diff_free(&d);
	snapshot_free(&old);
	snapshot_free(&new);
	store_close(db);
	return status;
}
