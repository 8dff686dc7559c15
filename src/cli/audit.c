/*
 * audit.c — `harden audit`: installed packages against pkgsrc's
 * pkg-vulnerabilities list, plus the pattern tools around it.
 *
 * Modes (one per run, chosen by option):
 *   (default)                                      audit packages against the list
 *   --check-list FILE                              read and verify a list only
 *   --lint LIST, --backports BRANCH, --diff OLD NEW  beyond pkg_admin
 *   --match PATTERN PKGNAME, --compare V1 V2      pkg_admin pmatch-like probes
 *   --match-batch FILE, --compare-batch FILE       the same, one line each
 * Everything that decides anything lives in src/vuln/; this file parses
 * options, reads inputs, prints, and turns results into the exit status.
 */
#include "cli/cli.h"
#include "vuln/vuln.h"

#include <getopt.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

enum audit_mode {
	MODE_AUDIT,
	MODE_MATCH,
	MODE_COMPARE,
	MODE_MATCH_BATCH,
	MODE_COMPARE_BATCH,
	MODE_CHECK_LIST,
	MODE_LINT,
	MODE_BACKPORTS,
	MODE_DIFF,
};

enum audit_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_SARIF };

struct audit_opts {
	enum audit_mode mode;
	const char *batch_input;  /* --match-batch / --compare-batch FILE */
	const char *config;       /* --config FILE */
	const char *list_path;    /* --vulnerabilities FILE (or --check-list FILE) */
	const char *pkgdb;        /* -K, --pkgdb DIR */
	const char *keyring;      /* --keyring FILE */
	struct strvec summaries;  /* --summary FILE */
	struct strvec batches;    /* -b, --batch FILE */
	struct strvec archives;   /* -P, --packages FILE|DIR */
	struct strvec scans;      /* --scan-report FILE */
	struct strvec classes;    /* -t CLASS */
	struct strvec ignores;    /* --ignore URL */
	const char *tree;         /* --tree SUMMARY (lint) */
	const char *branch;       /* --backports BRANCH_SUMMARY */
	const char *trunk;        /* --trunk TRUNK_SUMMARY */
	bool check_eol, verify_signature, lenient, quiet, naive, timing;
	int require_checksum;     /* -1: only for the signed form */
	double max_age_days;
	enum audit_format format;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: harden audit [OPTIONS] [PKGNAME...]\n"
		"       harden audit --check-list FILE\n"
		"       harden audit --lint LIST [--tree SUMMARY]\n"
		"       harden audit --backports BRANCH_SUMMARY --trunk TRUNK_SUMMARY\n"
		"       harden audit --diff OLD_LIST NEW_LIST [package sources]\n"
		"       harden audit --match PATTERN PKGNAME\n"
		"       harden audit --compare VERSION1 VERSION2\n"
		"       harden audit --match-batch FILE | --compare-batch FILE   (- = stdin)\n"
		"\n"
		"What to audit (default: the installed packages in PKG_DBDIR):\n"
		"  -K, --pkgdb DIR           installed-package database\n"
		"      --summary FILE        packages of a pkg_summary(5) file (plain or compressed)\n"
		"  -b, --batch FILE          package names, one per line (- = stdin)\n"
		"  -P, --packages PATH       binary packages (.tgz...) or a directory of them\n"
		"      --scan-report FILE    packages named in a `harden scan --format json` report\n"
		"  PKGNAME...                these package names\n"
		"The list and its checks:\n"
		"      --vulnerabilities F   the list (default $PKGVULNDIR/pkg-vulnerabilities)\n"
		"      --check-list FILE     read and verify a list, say what it is, audit nothing\n"
		"  -s, --verify-signature    check the PGP signature with gpgv\n"
		"      --keyring FILE        keyring for gpgv (pkg_install.conf GPG_KEYRING_PKGVULN)\n"
		"      --require-checksum    refuse a list without #CHECKSUM (default: signed form only)\n"
		"      --no-require-checksum\n"
		"      --lenient             report malformed entries and skip them instead of refusing\n"
		"      --max-age DAYS        warn when the list is older (default 7, 0 = never)\n"
		"      --config FILE         pkg_install.conf to read (default $PKG_INSTALL_CONF,\n"
		"                            /usr/pkg/etc/pkg_install.conf)\n"
		"Reporting:\n"
		"  -t, --type CLASS          only these classes (fnmatch pattern, repeatable)\n"
		"      --ignore URL          skip entries with this advisory URL (as IGNORE_URL)\n"
		"  -e, --eol                 also report end-of-life packages\n"
		"      --format FMT          text (pkg_admin's lines), json (one object per line), sarif\n"
		"  -q, --quiet               no note about the list on stderr\n"
		"Beyond pkg_admin:\n"
		"      --lint LIST           malformed and suspicious entries, with fixes\n"
		"      --tree SUMMARY        (lint) the pkg_summary the names must exist in\n"
		"      --backports BRANCH    vulnerable branch packages and their trunk fixes\n"
		"      --trunk TRUNK         (backports) the trunk's pkg_summary\n"
		"      --diff OLD NEW        entries added/changed/removed, packages newly affected\n"
		"Pattern tools:\n"
		"  --match            exit 0 if PATTERN matches PKGNAME, 1 if not, 2 if malformed\n"
		"  --compare          print <, = or > as VERSION1 is older, equal, newer\n"
		"  --match-batch F    lines PATTERN<TAB>PKGNAME; prints 1, 0 or E per line\n"
		"  --compare-batch F  lines V1<TAB>V2; prints <, = or > per line\n"
		"  -h, --help         this help\n"
		"\nExit status: 0 nothing found, 1 vulnerable packages found, 2 error.\n"
		"See harden-audit(1).\n");
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
	OPT_CHECK_LIST,
	OPT_CONFIG,
	OPT_VULNERABILITIES,
	OPT_SUMMARY,
	OPT_KEYRING,
	OPT_REQUIRE_CHECKSUM,
	OPT_NO_REQUIRE_CHECKSUM,
	OPT_LENIENT,
	OPT_MAX_AGE,
	OPT_IGNORE,
	OPT_FORMAT,
	OPT_NAIVE,
	OPT_TIMING,
	OPT_LINT,
	OPT_TREE,
	OPT_BACKPORTS,
	OPT_TRUNK,
	OPT_DIFF,
	OPT_SCAN_REPORT,
};

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "match", no_argument, NULL, OPT_MATCH },
	{ "compare", no_argument, NULL, OPT_COMPARE },
	{ "match-batch", required_argument, NULL, OPT_MATCH_BATCH },
	{ "compare-batch", required_argument, NULL, OPT_COMPARE_BATCH },
	{ "check-list", required_argument, NULL, OPT_CHECK_LIST },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "vulnerabilities", required_argument, NULL, OPT_VULNERABILITIES },
	{ "pkgdb", required_argument, NULL, 'K' },
	{ "summary", required_argument, NULL, OPT_SUMMARY },
	{ "batch", required_argument, NULL, 'b' },
	{ "packages", required_argument, NULL, 'P' },
	{ "scan-report", required_argument, NULL, OPT_SCAN_REPORT },
	{ "verify-signature", no_argument, NULL, 's' },
	{ "keyring", required_argument, NULL, OPT_KEYRING },
	{ "require-checksum", no_argument, NULL, OPT_REQUIRE_CHECKSUM },
	{ "no-require-checksum", no_argument, NULL, OPT_NO_REQUIRE_CHECKSUM },
	{ "lenient", no_argument, NULL, OPT_LENIENT },
	{ "max-age", required_argument, NULL, OPT_MAX_AGE },
	{ "type", required_argument, NULL, 't' },
	{ "ignore", required_argument, NULL, OPT_IGNORE },
	{ "eol", no_argument, NULL, 'e' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "naive", no_argument, NULL, OPT_NAIVE },   /* undocumented: benchmarks */
	{ "timing", no_argument, NULL, OPT_TIMING }, /* undocumented: benchmarks */
	{ "lint", required_argument, NULL, OPT_LINT },
	{ "tree", required_argument, NULL, OPT_TREE },
	{ "backports", required_argument, NULL, OPT_BACKPORTS },
	{ "trunk", required_argument, NULL, OPT_TRUNK },
	{ "diff", no_argument, NULL, OPT_DIFF },
	{ NULL, 0, NULL, 0 },
};

static int parse_format(const char *s, enum audit_format *f)
{
	if (!strcmp(s, "text"))
		*f = FORMAT_TEXT;
	else if (!strcmp(s, "json"))
		*f = FORMAT_JSON;
	else if (!strcmp(s, "sarif"))
		*f = FORMAT_SARIF;
	else
		return -1;
	return 0;
}

static int set_option(struct audit_opts *o, int c, const char *arg)
{
	char *end;
	switch (c) {
	case OPT_MATCH: o->mode = MODE_MATCH; break;
	case OPT_COMPARE: o->mode = MODE_COMPARE; break;
	case OPT_MATCH_BATCH: o->mode = MODE_MATCH_BATCH; o->batch_input = arg; break;
	case OPT_COMPARE_BATCH: o->mode = MODE_COMPARE_BATCH; o->batch_input = arg; break;
	case OPT_CHECK_LIST: o->mode = MODE_CHECK_LIST; o->list_path = arg; break;
	case OPT_CONFIG: o->config = arg; break;
	case OPT_VULNERABILITIES: o->list_path = arg; break;
	case 'K': o->pkgdb = arg; break;
	case OPT_SUMMARY: strvec_push(&o->summaries, arg); break;
	case 'b': strvec_push(&o->batches, arg); break;
	case 'P': strvec_push(&o->archives, arg); break;
	case OPT_SCAN_REPORT: strvec_push(&o->scans, arg); break;
	case 's': o->verify_signature = true; break;
	case OPT_KEYRING: o->keyring = arg; break;
	case OPT_REQUIRE_CHECKSUM: o->require_checksum = 1; break;
	case OPT_NO_REQUIRE_CHECKSUM: o->require_checksum = 0; break;
	case OPT_LENIENT: o->lenient = true; break;
	case OPT_MAX_AGE:
		o->max_age_days = strtod(arg, &end);
		if (end == arg || *end || o->max_age_days < 0) {
			cli_error("audit: --max-age wants a number of days, not '%s'", arg);
			return -1;
		}
		break;
	case 't': strvec_push(&o->classes, arg); break;
	case OPT_IGNORE: strvec_push(&o->ignores, arg); break;
	case 'e': o->check_eol = true; break;
	case OPT_FORMAT:
		if (parse_format(arg, &o->format) < 0) {
			cli_error("audit: unknown --format '%s' (text, json or sarif)", arg);
			return -1;
		}
		break;
	case 'q': o->quiet = true; break;
	case OPT_NAIVE: o->naive = true; break;
	case OPT_TIMING: o->timing = true; break;
	case OPT_LINT: o->mode = MODE_LINT; o->list_path = arg; break;
	case OPT_TREE: o->tree = arg; break;
	case OPT_BACKPORTS: o->mode = MODE_BACKPORTS; o->branch = arg; break;
	case OPT_TRUNK: o->trunk = arg; break;
	case OPT_DIFF: o->mode = MODE_DIFF; break;
	default:
		usage(stderr);
		return -1;
	}
	return 0;
}

/* Parse argv into o; returns -1 on a usage error, 1 after --help. */
static int parse_options(int argc, char **argv, struct audit_opts *o)
{
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hK:b:P:st:eq", long_options, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 1;
		}
		if (set_option(o, c, optarg) < 0)
			return -1;
	}
	return 0;
}

static void free_options(struct audit_opts *o)
{
	strvec_clear(&o->summaries);
	strvec_clear(&o->batches);
	strvec_clear(&o->archives);
	strvec_clear(&o->scans);
	strvec_clear(&o->classes);
	strvec_clear(&o->ignores);
}

/* pkg_install.conf, then the environment, then options; defaults last. */
static int load_config(const struct audit_opts *o, struct vuln_config *cfg)
{
	struct herr err;
	const char *path = o->config ? o->config : getenv("PKG_INSTALL_CONF");
	bool must = path && *path;
	if (!must)
		path = "/usr/pkg/etc/pkg_install.conf";
	if (vuln_config_load(cfg, path, must, &err) < 0) {
		cli_error("audit: %s", err.msg);
		return -1;
	}
	vuln_config_environment(cfg);
	if (o->pkgdb) {
		free(cfg->pkg_dbdir);
		cfg->pkg_dbdir = xstrdup(o->pkgdb);
	}
	if (o->keyring) {
		free(cfg->gpg_keyring);
		cfg->gpg_keyring = xstrdup(o->keyring);
	}
	if (o->check_eol)
		cfg->check_eol = true;
	for (size_t i = 0; i < o->ignores.n; i++)
		strvec_push(&cfg->ignore_urls, o->ignores.v[i]);
	vuln_config_defaults(cfg);
	return 0;
}

static void describe_list(FILE *out, const struct vuln_list *l)
{
	fprintf(out, "%s: %s list", l->path, vuln_form_name(l->form));
	if (l->pgp_signed)
		fprintf(out, ", PGP-signed");
	if (l->revision)
		fprintf(out, ", revision %s", l->revision);
	if (l->date)
		fprintf(out, " of %s UTC", l->date);
	fprintf(out, ", %zu entries", l->n);
	if (strcmp(l->compression, "none"))
		fprintf(out, ", %s-compressed", l->compression);
	for (size_t i = 0; i < l->nchecksums; i++)
		fprintf(out, "%s%s", i ? "+" : ", checksums verified: ", l->checksums[i].algorithm);
	if (l->nchecksums == 0)
		fprintf(out, ", no checksum");
	fputc('\n', out);
}

/* Warn when the list is older than the configured age. */
static void check_staleness(const struct vuln_list *l, double max_days)
{
	if (max_days <= 0)
		return;
	time_t when = l->date_epoch;
	struct stat st;
	if (!when && stat(l->path, &st) == 0)
		when = st.st_mtime;
	if (!when)
		return;
	double days = difftime(time(NULL), when) / 86400.0;
	if (days < 0)
		cli_warn("%s is dated in the future", l->path);
	else if (days > max_days)
		cli_warn("%s is %.0f days old (more than %g): fetch a fresh list, recent "
			 "vulnerabilities are missing", l->path, days, max_days);
}

/*
 * Load, verify and report on the list. Fatal trouble and (unless lenient)
 * malformed entries give -1; malformed entries under --lenient are warned
 * about and skipped.
 */
static int load_list(const struct audit_opts *o, const struct vuln_config *cfg, const char *path,
		     struct vuln_list *list)
{
	struct herr err;
	struct vuln_parse_opts po = { .require_checksum = o->require_checksum };
	if (vuln_list_load(list, path, &po, &err) < 0) {
		cli_error("audit: refusing the vulnerability list: %s", err.msg);
		if (!o->list_path && access(path, F_OK) != 0)
			cli_error("audit: fetch it (pkg_admin fetch-pkg-vulnerabilities) or name one "
				  "with --vulnerabilities");
		return -1;
	}
	for (size_t i = 0; i < list->nproblems; i++) {
		if (o->lenient)
			cli_warn("%s:%zu: skipped: %s", path, list->problems[i].line, list->problems[i].msg);
		else
			cli_error("%s:%zu: %s", path, list->problems[i].line, list->problems[i].msg);
	}
	if (list->nproblems && !o->lenient) {
		cli_error("audit: refusing %s: %zu malformed entr%s (--lenient skips them)", path,
			  list->nproblems, list->nproblems == 1 ? "y" : "ies");
		return -1;
	}
	if (o->verify_signature) {
		if (!list->pgp_signed) {
			cli_error("audit: %s is not PGP-signed: nothing to verify", path);
			return -1;
		}
		if (vuln_verify_signature(list->text.p, list->text.len, cfg->gpg_keyring, &err) < 0) {
			cli_error("audit: %s: %s", path, err.msg);
			return -1;
		}
	}
	return 0;
}

static char *default_list_path(const struct vuln_config *cfg)
{
	return xasprintf("%s/pkg-vulnerabilities", cfg->pkgvulndir);
}

static int run_check_list(const struct audit_opts *o, const struct vuln_config *cfg)
{
	struct vuln_list list = { 0 };
	int rc = load_list(o, cfg, o->list_path, &list);
	if (rc == 0) {
		describe_list(stdout, &list);
		if (o->verify_signature)
			printf("%s: PGP signature verified by gpgv\n", o->list_path);
		check_staleness(&list, o->max_age_days);
	}
	vuln_list_free(&list);
	return rc < 0 ? EXIT_TROUBLE : EXIT_CLEAN;
}

/* Gather the packages to audit; problems are reported, -1 if nothing usable. */
static int gather_packages(const struct audit_opts *o, const struct vuln_config *cfg, char **args,
			   int nargs, struct vuln_pkgset *set)
{
	struct herr err;
	int rc = 0;
	for (int i = 0; i < nargs; i++)
		vuln_pkgs_add_arg(set, args[i]);
	for (size_t i = 0; i < o->batches.n; i++)
		if (vuln_pkgs_from_names(set, o->batches.v[i], &err) < 0)
			cli_error("audit: %s", err.msg), rc = -1;
	for (size_t i = 0; i < o->summaries.n; i++)
		if (vuln_pkgs_from_summary(set, o->summaries.v[i], &err) < 0)
			cli_error("audit: %s", err.msg), rc = -1;
	for (size_t i = 0; i < o->archives.n; i++)
		if (vuln_pkgs_from_archives(set, o->archives.v[i], &err) < 0)
			cli_error("audit: %s", err.msg), rc = -1;
	for (size_t i = 0; i < o->scans.n; i++)
		if (vuln_pkgs_from_scan_report(set, o->scans.v[i], &err) < 0)
			cli_error("audit: %s", err.msg), rc = -1;
	if (nargs == 0 && o->batches.n == 0 && o->summaries.n == 0 && o->archives.n == 0 && o->scans.n == 0)
		if (vuln_pkgs_from_pkgdb(set, cfg->pkg_dbdir, &err) < 0)
			cli_error("audit: %s", err.msg), rc = -1;
	for (size_t i = 0; i < set->problems.n; i++)
		cli_error("audit: %s", set->problems.v[i]);
	return rc < 0 || set->problems.n ? -1 : 0;
}

/* pkg_admin's line, assembled with known lengths and written at once: a
 * big audit prints hundreds of thousands of them. */
static void print_finding_line(const struct vuln_list *list, const char *pkg, size_t pkglen,
			       const struct vuln_finding *f)
{
	static const char eol[] = " has reached end-of-life (eol), see " VULN_EOL_BASE "/eol-packages\n";
	const struct vuln_entry *e = &list->v[f->entry];
	const char *piece[6] = { "Package ", pkg, " has a ", e->class, " vulnerability, see ", e->url };
	size_t len[6] = { 8, pkglen, 7, e->class_len, 20, e->url_len };
	size_t npieces = 6;
	if (f->eol) {
		piece[2] = eol;
		len[2] = sizeof(eol) - 1;
		npieces = 3;
	}
	char line[1024];
	size_t total = 0;
	for (size_t i = 0; i < npieces; i++)
		total += len[i];
	if (total + 1 > sizeof(line)) { /* an unusually long URL: piece by piece */
		for (size_t i = 0; i < npieces; i++)
			fwrite_unlocked(piece[i], 1, len[i], stdout);
		if (!f->eol)
			putc_unlocked('\n', stdout);
		return;
	}
	char *p = line;
	for (size_t i = 0; i < npieces; i++) {
		memcpy(p, piece[i], len[i]);
		p += len[i];
	}
	if (!f->eol)
		*p++ = '\n';
	fwrite_unlocked(line, 1, (size_t)(p - line), stdout);
}

static void print_findings(const struct audit_opts *o, const struct vuln_list *list,
			   const struct vuln_pkgset *pkgs, const struct vuln_findings *fs)
{
	/* a big audit writes megabytes: fewer, larger writes (a terminal
	 * keeps its line buffering) */
	static char outbuf[1 << 16];
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if (o->format == FORMAT_SARIF) {
		json_t *doc = vuln_findings_sarif(list, pkgs, fs, HARDEN_VERSION);
		json_dumpf(doc, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(doc);
		return;
	}
	const char *pkg = NULL;
	size_t pkglen = 0;
	for (size_t i = 0; i < fs->n; i++) {
		if (o->format == FORMAT_JSON) {
			json_t *j = vuln_finding_json(list, pkgs, &fs->v[i]);
			json_dumpf(j, stdout, JSON_COMPACT);
			fputc('\n', stdout);
			json_decref(j);
		} else {
			if (i == 0 || fs->v[i].pkg != fs->v[i - 1].pkg) {
				pkg = pkgs->v[fs->v[i].pkg].name;
				pkglen = strlen(pkg);
			}
			print_finding_line(list, pkg, pkglen, &fs->v[i]);
		}
	}
}

/* CPU time of this process: benchmark figures that other jobs on the
 * machine do not inflate. */
static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int run_audit(const struct audit_opts *o, const struct vuln_config *cfg, char **args, int nargs)
{
	char *path = o->list_path ? xstrdup(o->list_path) : default_list_path(cfg);
	struct vuln_list list = { 0 };
	struct vuln_pkgset pkgs = { 0 };
	struct vuln_findings fs = { 0 };
	int status = EXIT_CLEAN;
	double t0 = now_monotonic();
	if (load_list(o, cfg, path, &list) < 0) {
		status = EXIT_TROUBLE;
		goto out;
	}
	if (!o->quiet)
		describe_list(stderr, &list);
	check_staleness(&list, o->max_age_days);
	bool input_trouble = gather_packages(o, cfg, args, nargs, &pkgs) < 0;
	double t1 = now_monotonic();
	struct vuln_index ix;
	vuln_index_build(&ix, &list);
	double t2 = now_monotonic();
	struct vuln_audit_opts ao = {
		.class_globs = &o->classes, .ignore_urls = &cfg->ignore_urls,
		.check_eol = cfg->check_eol, .naive = o->naive,
	};
	double c2 = cpu_seconds();
	vuln_audit(&list, &ix, &pkgs, &ao, &fs);
	double t3 = now_monotonic(), c3 = cpu_seconds();
	vuln_index_free(&ix);
	if (o->timing)
		fprintf(stderr, "timing: load %.3f ms, index %.3f ms, match %.3f ms, match cpu %.3f ms "
			"(%zu packages x %zu entries, %s)\n",
			(t1 - t0) * 1e3, (t2 - t1) * 1e3, (t3 - t2) * 1e3, (c3 - c2) * 1e3, pkgs.n, list.n,
			o->naive ? "naive loop" : "index");
	print_findings(o, &list, &pkgs, &fs);
	if (fflush(stdout) != 0) {
		cli_error("audit: writing the report failed");
		input_trouble = true;
	}
	status = input_trouble ? EXIT_TROUBLE : fs.vulnerable_pkgs ? EXIT_FINDINGS : EXIT_CLEAN;
out:
	vuln_findings_free(&fs);
	vuln_pkgs_free(&pkgs);
	vuln_list_free(&list);
	free(path);
	return status;
}

static void print_lint(const struct audit_opts *o, const char *path, const struct vuln_lint *lint)
{
	if (o->format == FORMAT_SARIF) {
		json_t *doc = vuln_lint_sarif(path, lint, HARDEN_VERSION);
		json_dumpf(doc, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(doc);
		return;
	}
	for (size_t i = 0; i < lint->n; i++) {
		const struct vuln_lint_finding *f = &lint->v[i];
		const char *sev = vuln_lint_severity_name(f->severity);
		if (o->format == FORMAT_JSON) {
			json_t *j = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s}", "list", path, "line", (json_int_t)f->line,
					      "severity", sev, "check", f->check, "message", f->msg, "fix", f->fix);
			json_dumpf(j, stdout, JSON_COMPACT);
			fputc('\n', stdout);
			json_decref(j);
		} else {
			printf("%s:%zu: %s: %s: %s\n    fix: %s\n", path, f->line, sev, f->check, f->msg, f->fix);
		}
	}
}

static int run_lint(const struct audit_opts *o)
{
	struct vuln_list list = { 0 };
	struct vuln_pkgset tree = { 0 };
	struct vuln_lint lint = { 0 };
	struct herr err;
	int status = EXIT_TROUBLE;
	struct vuln_parse_opts po = { .allow_fragment = true,
				      .require_checksum = o->require_checksum > 0 ? 1 : 0 };
	if (vuln_list_load(&list, o->list_path, &po, &err) < 0) {
		cli_error("audit: lint: %s", err.msg);
		goto out;
	}
	if (o->tree && vuln_pkgs_from_summary(&tree, o->tree, &err) < 0) {
		cli_error("audit: lint: %s", err.msg);
		goto out;
	}
	for (size_t i = 0; i < tree.problems.n; i++)
		cli_warn("%s", tree.problems.v[i]);
	vuln_lint_run(&list, o->tree ? &tree : NULL, &lint);
	print_lint(o, o->list_path, &lint);
	if (!o->quiet)
		fprintf(stderr, "%s: %zu entries, %zu errors, %zu warnings, %zu notes\n", o->list_path, list.n,
			lint.errors, lint.warnings, lint.n - lint.errors - lint.warnings);
	status = lint.errors || lint.warnings ? EXIT_FINDINGS : EXIT_CLEAN;
out:
	vuln_lint_free(&lint);
	vuln_pkgs_free(&tree);
	vuln_list_free(&list);
	return status;
}

static json_t *entries_json(const struct vuln_list *list, const size_t *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct vuln_entry *e = &list->v[v[i]];
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:I}", "pattern", e->pattern, "class", e->class,
						   "url", e->url, "line", (json_int_t)e->line));
	}
	return a;
}

static void print_backport(const struct audit_opts *o, const struct vuln_list *list, const struct vuln_backport *b)
{
	if (o->format == FORMAT_JSON) {
		json_t *j = json_pack("{s:s?,s:s,s:s?,s:b,s:o,s:o,s:o}", "pkgpath", b->branch->pkgpath, "branch",
				      b->branch->name, "trunk", b->trunk ? b->trunk->name : NULL, "major_jump",
				      b->major_jump, "fixes", entries_json(list, b->fixed, b->nfixed), "remaining",
				      entries_json(list, b->remaining, b->nremaining), "introduced",
				      entries_json(list, b->introduced, b->nintroduced));
		json_dumpf(j, stdout, JSON_COMPACT);
		fputc('\n', stdout);
		json_decref(j);
		return;
	}
	printf("%-28s %-28s -> %-28s fixes %zu of %zu%s%s\n", b->branch->pkgpath ? b->branch->pkgpath : "?",
	       b->branch->name, b->trunk ? b->trunk->name : "(not in trunk)", b->nfixed, b->nfixed + b->nremaining,
	       b->major_jump ? ", MAJOR version jump" : "",
	       b->trunk && !b->nfixed ? ", trunk is no fix" : "");
	for (size_t i = 0; i < b->nfixed; i++)
		printf("    fixed:     %s %s\n", list->v[b->fixed[i]].class, list->v[b->fixed[i]].url);
	for (size_t i = 0; i < b->nremaining; i++)
		printf("    remaining: %s %s\n", list->v[b->remaining[i]].class, list->v[b->remaining[i]].url);
	for (size_t i = 0; i < b->nintroduced; i++)
		printf("    new in trunk: %s %s\n", list->v[b->introduced[i]].class, list->v[b->introduced[i]].url);
}

static int load_summary(const char *path, struct vuln_pkgset *set)
{
	struct herr err;
	if (vuln_pkgs_from_summary(set, path, &err) < 0) {
		cli_error("audit: %s", err.msg);
		return -1;
	}
	for (size_t i = 0; i < set->problems.n; i++)
		cli_error("audit: %s", set->problems.v[i]);
	return set->problems.n ? -1 : 0;
}

static int run_backports(const struct audit_opts *o, const struct vuln_config *cfg)
{
	if (!o->trunk) {
		cli_error("audit: --backports needs --trunk TRUNK_SUMMARY");
		return EXIT_TROUBLE;
	}
	char *path = o->list_path ? xstrdup(o->list_path) : default_list_path(cfg);
	struct vuln_list list = { 0 };
	struct vuln_pkgset branch = { 0 }, trunk = { 0 };
	struct vuln_backports bps = { 0 };
	int status = EXIT_TROUBLE;
	if (load_list(o, cfg, path, &list) < 0)
		goto out;
	check_staleness(&list, o->max_age_days);
	bool trouble = load_summary(o->branch, &branch) < 0;
	trouble |= load_summary(o->trunk, &trunk) < 0;
	struct vuln_audit_opts ao = { .class_globs = &o->classes, .ignore_urls = &cfg->ignore_urls };
	vuln_backports(&list, &branch, &trunk, &ao, &bps);
	for (size_t i = 0; i < bps.n; i++)
		print_backport(o, &list, &bps.v[i]);
	status = trouble ? EXIT_TROUBLE : bps.n ? EXIT_FINDINGS : EXIT_CLEAN;
out:
	vuln_backports_free(&bps);
	vuln_pkgs_free(&branch);
	vuln_pkgs_free(&trunk);
	vuln_list_free(&list);
	free(path);
	return status;
}

static json_t *entry_json(const struct vuln_entry *e)
{
	return json_pack("{s:s,s:s,s:s,s:I}", "pattern", e->pattern, "class", e->class, "url", e->url, "line",
			 (json_int_t)e->line);
}

static void print_json_line(json_t *j)
{
	json_dumpf(j, stdout, JSON_COMPACT);
	fputc('\n', stdout);
	json_decref(j);
}

static void print_entry_change(bool json, char tag, const struct vuln_entry *e)
{
	if (json) {
		const char *what = tag == '+' ? "added" : tag == '-' ? "removed" : tag == '<' ? "changed-from" : "changed-to";
		print_json_line(json_pack("{s:s,s:o}", "change", what, "entry", entry_json(e)));
		return;
	}
	printf("%c %zu: %s %s %s\n", tag, e->line, e->pattern, e->class, e->url);
}

static void print_diff(bool json, const struct vuln_list *old, const struct vuln_list *new, const struct vuln_diff *d)
{
	if (json)
		print_json_line(json_pack("{s:s,s:s,s:I,s:I,s:I}", "old", old->revision ? old->revision : old->path,
					  "new", new->revision ? new->revision : new->path, "added",
					  (json_int_t)d->nadded, "changed", (json_int_t)d->nchanged, "removed",
					  (json_int_t)d->nremoved));
	else
		printf("%s -> %s: %zu added, %zu changed, %zu removed\n", old->revision ? old->revision : old->path,
	       new->revision ? new->revision : new->path, d->nadded, d->nchanged, d->nremoved);
	for (size_t i = 0; i < d->nadded; i++)
		print_entry_change(json, '+', &new->v[d->added[i]]);
	for (size_t i = 0; i < d->nchanged; i++) {
		print_entry_change(json, '<', &old->v[d->changed[i].old_entry]);
		print_entry_change(json, '>', &new->v[d->changed[i].new_entry]);
	}
	for (size_t i = 0; i < d->nremoved; i++)
		print_entry_change(json, '-', &old->v[d->removed[i]]);
}

/* "pkg\tclass\turl" for every finding: a corrected pattern that still
 * catches the package is the same finding. */
static void finding_keys(const struct vuln_list *list, const struct vuln_pkgset *pkgs,
			 const struct vuln_audit_opts *ao, struct strvec *keys)
{
	struct vuln_index ix;
	struct vuln_findings fs = { 0 };
	vuln_index_build(&ix, list);
	vuln_audit(list, &ix, pkgs, ao, &fs);
	for (size_t i = 0; i < fs.n; i++) {
		const struct vuln_entry *e = &list->v[fs.v[i].entry];
		strvec_pushf(keys, "%s\t%s\t%s", pkgs->v[fs.v[i].pkg].name, e->class, e->url);
	}
	vuln_findings_free(&fs);
	vuln_index_free(&ix);
}

static int strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Print the keys of a that b lacks; returns how many. */
static size_t print_missing(bool json, const char *what, struct strvec *a, struct strvec *b)
{
	size_t n = 0;
	if (a->n)
		qsort(a->v, a->n, sizeof(char *), strp_cmp);
	if (b->n)
		qsort(b->v, b->n, sizeof(char *), strp_cmp);
	for (size_t i = 0; i < a->n; i++) {
		if (b->n && bsearch(&a->v[i], b->v, b->n, sizeof(char *), strp_cmp))
			continue;
		if (i > 0 && !strcmp(a->v[i], a->v[i - 1]))
			continue; /* two entries, same advisory */
		char *f[3], *p = a->v[i];
		for (int k = 0; k < 3; k++)
			f[k] = strsep(&p, "\t");
		if (json)
			print_json_line(json_pack("{s:s,s:s,s:s,s:s}", "package", f[0], "status", what, "class", f[1],
						  "url", f[2]));
		else
			printf("Package %s is %s: %s vulnerability, see %s\n", f[0], what, f[1], f[2]);
		n++;
	}
	return n;
}

static int run_diff(const struct audit_opts *o, const struct vuln_config *cfg, char **args, int nargs)
{
	if (nargs < 2) {
		cli_error("audit: --diff takes OLD_LIST NEW_LIST");
		return EXIT_TROUBLE;
	}
	struct vuln_list old = { 0 }, new = { 0 };
	struct vuln_pkgset pkgs = { 0 };
	struct vuln_diff d = { 0 };
	struct strvec before = { 0 }, after = { 0 };
	int status = EXIT_TROUBLE;
	if (load_list(o, cfg, args[0], &old) < 0 || load_list(o, cfg, args[1], &new) < 0)
		goto out;
	bool json = o->format != FORMAT_TEXT;
	vuln_diff(&old, &new, &d);
	print_diff(json, &old, &new, &d);
	bool explicit = nargs > 2 || o->batches.n || o->summaries.n || o->archives.n || o->scans.n || o->pkgdb;
	if (!explicit && access(cfg->pkg_dbdir, F_OK) != 0) {
		if (!o->quiet)
			fprintf(stderr, "harden: no package database at %s: no packages to check\n", cfg->pkg_dbdir);
		status = EXIT_CLEAN;
		goto out;
	}
	bool trouble = gather_packages(o, cfg, args + 2, nargs - 2, &pkgs) < 0;
	struct vuln_audit_opts ao = { .class_globs = &o->classes, .ignore_urls = &cfg->ignore_urls,
				      .check_eol = cfg->check_eol };
	finding_keys(&old, &pkgs, &ao, &before);
	finding_keys(&new, &pkgs, &ao, &after);
	size_t newly = print_missing(json, "newly affected", &after, &before);
	print_missing(json, "no longer affected", &before, &after);
	status = trouble ? EXIT_TROUBLE : newly ? EXIT_FINDINGS : EXIT_CLEAN;
out:
	strvec_clear(&before);
	strvec_clear(&after);
	vuln_diff_free(&d);
	vuln_pkgs_free(&pkgs);
	vuln_list_free(&old);
	vuln_list_free(&new);
	return status;
}

static int run_mode(struct audit_opts *o, char **args, int nargs)
{
	switch (o->mode) {
	case MODE_MATCH:
	case MODE_COMPARE:
		if (nargs != 2) {
			cli_error("audit: %s takes exactly two arguments",
				  o->mode == MODE_MATCH ? "--match" : "--compare");
			return EXIT_TROUBLE;
		}
		if (o->mode == MODE_MATCH)
			return run_match(args[0], args[1]);
		printf("%c\n", cmp_char(dewey_cmp(args[0], args[1])));
		return EXIT_CLEAN;
	case MODE_MATCH_BATCH:
	case MODE_COMPARE_BATCH:
		return run_batch(o->batch_input, o->mode == MODE_MATCH_BATCH);
	case MODE_LINT:
		return run_lint(o);
	default:
		break;
	}
	struct vuln_config cfg = { 0 };
	int status = EXIT_TROUBLE;
	if (load_config(o, &cfg) == 0) {
		if (o->mode == MODE_CHECK_LIST)
			status = run_check_list(o, &cfg);
		else if (o->mode == MODE_BACKPORTS)
			status = run_backports(o, &cfg);
		else if (o->mode == MODE_DIFF)
			status = run_diff(o, &cfg, args, nargs);
		else
			status = run_audit(o, &cfg, args, nargs);
	}
	vuln_config_free(&cfg);
	return status;
}

int cmd_audit(int argc, char **argv)
{
	struct audit_opts o = { .require_checksum = -1, .max_age_days = 7 };
	int rc = parse_options(argc, argv, &o);
	if (rc) {
		free_options(&o);
		return rc > 0 ? EXIT_CLEAN : EXIT_TROUBLE;
	}
	int status = run_mode(&o, argv + optind, argc - optind);
	free_options(&o);
	return status;
}
