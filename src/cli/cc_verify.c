/*
 * cc_verify.c — `harden cc-verify LOG...`: enforce, then verify.
 *
 * Every output linked in the HARDEN_LOGs is read once by the ELF checker
 * (scan/, check/: the same facts and verdicts as `harden scan`), and every
 * feature the wrapper was asked to give it (wrap/verify.c rebuilds that from
 * the log) is held against the verdicts. A feature the binary does not show
 * is a finding, reported with the reason the log gives, or the usual cause
 * when it gives none.
 */
#include "cli/cli.h"
#include "scan/scan.h"
#include "wrap/wrap.h"

#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
	enum wrap_feature f;
	enum prop props[2];
	size_t nprops;
} evidence[] = {
	{ WF_PIE, { PROP_PIE }, 1 },
	{ WF_RELRO, { PROP_RELRO }, 1 },
	{ WF_BINDNOW, { PROP_BIND_NOW }, 1 },
	{ WF_NOEXECSTACK, { PROP_NX }, 1 },
	{ WF_STACKPROTECTOR, { PROP_CANARY }, 1 },
	{ WF_FORTIFY, { PROP_FORTIFY }, 1 },
	{ WF_STACKCLASH, { PROP_STACK_CLASH }, 1 },
	{ WF_CET, { PROP_IBT, PROP_SHSTK }, 2 },
};

/* When the log has no explanation, what most often causes the gap. */
static const char *usual_cause(enum wrap_feature f)
{
	switch (f) {
	case WF_STACKPROTECTOR:
		return "every object was compiled with it: no function had a local array or an address-taken local";
	case WF_FORTIFY:
		return "compiled with FORTIFY, but no call had a buffer size known at compile time";
	case WF_CET:
		return "an object or library linked in was built without -fcf-protection (the linker keeps the note only if all have it)";
	case WF_STACKCLASH:
		return "a unit built without -fstack-clash-protection was linked in";
	default:
		return "a flag after the wrapper's (LDFLAGS, a linker script) undid it; see the link call";
	}
}

struct verify_opts {
	bool json;
	int findings, errors, system, gone;
	char *cet_blocker; /* a libc start file without the CET note, if any */
};

/*
 * The linker keeps IBT/SHSTK only if every object has them, including the C
 * library's start files. Where those lack the note (Debian 12's glibc is not
 * built with CET) no binary can show it: that is the system's gap, not the
 * package's, and is reported as such rather than as a finding.
 */
static char *find_cet_blocker(const struct scan_opts *so)
{
	static const char *const patterns[] = { "/usr/lib/*/Scrt1.o", "/usr/lib*/Scrt1.o",
						"/usr/lib/*/crti.o", "/usr/lib*/crti.o" };
	char *found = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(patterns) && !found; i++) {
		glob_t g;
		if (glob(patterns[i], 0, NULL, &g) != 0)
			continue;
		for (size_t k = 0; k < g.gl_pathc && !found; k++) {
			struct scan_batch b = { 0 };
			scan_path(g.gl_pathv[k], so, &b);
			if (b.n && !b.recs[0].error && b.recs[0].facts.has_property_note &&
			    !b.recs[0].facts.ibt)
				found = xstrdup(g.gl_pathv[k]);
			scan_batch_free(&b);
		}
		globfree(&g);
	}
	return found;
}

static int read_log(const char *file, struct wrap_call **calls, size_t *n, struct verify_opts *o)
{
	struct buf text = { 0 };
	struct herr err;
	if (read_file(file, &text, &err) < 0) {
		cli_error("cc-verify: %s", err.msg);
		buf_free(&text);
		o->errors++;
		return -1;
	}
	int line = 0;
	for (char *p = text.p; p && p < text.p + text.len;) {
		char *nl = memchr(p, '\n', (size_t)(text.p + text.len - p));
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		line++;
		if (len) {
			struct wrap_call c;
			if (wrap_call_parse(p, len, line, &c, &err) < 0) {
				cli_error("cc-verify: %s: %s", file, err.msg);
				o->errors++;
			} else {
				*calls = xrealloc(*calls, (*n + 1) * sizeof(**calls));
				(*calls)[(*n)++] = c;
			}
		}
		p = nl ? nl + 1 : NULL;
	}
	buf_free(&text);
	return 0;
}

static void report_missing(const struct wrap_expect *e, enum wrap_feature f, const struct verdict *v,
			   enum prop prop, json_t *missing, struct verify_opts *o)
{
	const char *why = e->why[f] ? e->why[f] : usual_cause(f);
	char *sys = NULL;
	bool system = f == WF_CET && !e->why[f] && o->cet_blocker;
	if (system) {
		sys = xasprintf("the C library's start file %s has no CET note, so no binary on this "
				"system can carry it (not counted as a finding)", o->cet_blocker);
		why = sys;
		o->system++;
	} else
		o->findings++;
	if (missing) {
		json_t *m = json_object();
		json_object_set_new(m, "feature", json_string(wrap_feature_name(f)));
		json_object_set_new(m, "property", json_string(prop_name(prop)));
		json_object_set_new(m, "state", json_string(state_name(v->state)));
		json_object_set_new(m, "reason", json_string(v->reason));
		json_object_set_new(m, "cause", json_string(why));
		json_object_set_new(m, "system", json_boolean(system));
		json_array_append_new(missing, m);
	} else if (!system) /* the system's gaps are summed up once, at the end */
		printf("%s: %s wanted by harden cc (log line %d) but %s is %s (%s): %s\n", e->output,
		       wrap_feature_name(f), e->line, prop_name(prop), state_name(v->state), v->reason, why);
	free(sys);
}

static void verify_one(const struct wrap_expect *e, const struct scan_opts *so, struct verify_opts *o)
{
	struct scan_batch b = { 0 };
	if (access(e->output, F_OK) < 0 && errno == ENOENT) {
		/* configure's conftest, a temporary: gone by design, nothing to hold to */
		o->gone++;
		return;
	}
	scan_path(e->output, so, &b);
	if (!b.n || b.recs[0].error) {
		cli_error("cc-verify: %s (linked at log line %d): %s", e->output, e->line,
			  b.n ? b.recs[0].error : "not an ELF file");
		o->errors++;
		scan_batch_free(&b);
		return;
	}
	const struct check_result *r = &b.recs[0].res;
	json_t *rec = NULL, *missing = NULL, *verified = json_array();
	if (o->json) {
		rec = json_object();
		missing = json_array();
	}
	int before = o->findings;
	for (size_t i = 0; i < ARRAY_SIZE(evidence); i++) {
		enum wrap_feature f = evidence[i].f;
		if (!(e->wanted & WRAP_BIT(f)))
			continue;
		bool shown = true, unknown = false;
		for (size_t k = 0; k < evidence[i].nprops && shown; k++) {
			enum prop p = evidence[i].props[k];
			const struct verdict *v = &r->v[p];
			if (v->state == ST_NO || v->state == ST_NONE) {
				report_missing(e, f, v, p, missing, o);
				shown = false;
			}
			unknown |= v->state == ST_UNKNOWN;
		}
		/* "unknown" (e.g. stack clash without DWARF) is neither verified nor missing */
		if (shown && !unknown)
			json_array_append_new(verified, json_string(wrap_feature_name(f)));
	}
	if (rec) {
		json_object_set_new(rec, "path", json_string(e->output));
		json_object_set_new(rec, "log_line", json_integer(e->line));
		json_object_set_new(rec, "mode", json_string(wrap_mode_name(e->mode)));
		json_object_set_new(rec, "verified", verified);
		json_object_set_new(rec, "missing", missing);
		char *s = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (s)
			puts(s);
		free(s);
		json_decref(rec);
	} else {
		if (o->findings == before) {
			size_t i;
			json_t *v;
			printf("%s: ok (", e->output);
			json_array_foreach(verified, i, v)
				printf("%s%s", i ? "," : "", json_string_value(v));
			printf("%s)\n", json_array_size(verified) ? "" : "nothing verifiable wanted");
		}
		json_decref(verified);
	}
	scan_batch_free(&b);
}

int cmd_cc_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct verify_opts o = { 0 };
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hf:", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			printf("usage: harden cc-verify [--format text|json] LOG...\n"
			       "For every output linked in a HARDEN_LOG, report each feature the profile\n"
			       "wanted for it (applied by harden cc, or dropped with a reason) that the\n"
			       "binary does not show, with the reason from the log.\n"
			       "Exit: 0 all landed, 1 something missing, 2 unreadable log or binary.\n");
			return EXIT_CLEAN;
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
				cli_error("cc-verify: --format %s: expected text or json", optarg);
				return EXIT_TROUBLE;
			}
			o.json = !strcmp(optarg, "json");
			break;
		default:
			return EXIT_TROUBLE;
		}
	}
	if (optind >= argc) {
		cli_error("cc-verify: no log given; usage: harden cc-verify LOG...");
		return EXIT_TROUBLE;
	}
	struct wrap_call *calls = NULL;
	size_t n = 0;
	for (int i = optind; i < argc; i++)
		read_log(argv[i], &calls, &n, &o);
	struct wrap_expect *ex = NULL;
	size_t nex = 0;
	wrap_expectations(calls, n, &ex, &nex);

	struct scan_opts so = { 0 };
	struct herr err;
	so.elf.dwarf = true;
	if (policy_init(&so.policy, "default", &err) < 0) {
		cli_error("cc-verify: %s", err.msg);
		return EXIT_TROUBLE;
	}
	o.cet_blocker = find_cet_blocker(&so);
	for (size_t i = 0; i < nex; i++)
		verify_one(&ex[i], &so, &o);
	if (!o.json)
		fprintf(stderr, "harden cc-verify: %zu linked output%s checked (%d no longer exist), %d "
			"feature%s missing, %d not possible on this system%s\n", nex - (size_t)o.gone,
			nex - (size_t)o.gone == 1 ? "" : "s", o.gone, o.findings, o.findings == 1 ? "" : "s",
			o.system, o.errors ? ", with errors" : "");
	if (!o.json && o.system)
		fprintf(stderr, "harden cc-verify: note: cet cannot show in any binary here: %s has no "
			"CET note (the C library was built without CET)\n", o.cet_blocker);
	free(o.cet_blocker);
	wrap_expect_free(ex, nex);
	free(ex);
	for (size_t i = 0; i < n; i++)
		wrap_call_free(&calls[i]);
	free(calls);
	return o.errors ? EXIT_TROUBLE : o.findings ? EXIT_FINDINGS : EXIT_CLEAN;
}
