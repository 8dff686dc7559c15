/*
 * sarif.c — SARIF 2.1.0: one run, one rule per property, one result per
 * finding, inputs that could not be read as tool execution notifications.
 * Code-scanning services (GitHub, GitLab) ingest this as is.
 */
#include "report/report.h"

#include <ctype.h>
#include <string.h>

struct sarif_state {
	json_t *results, *notes;
};

static const char *const rule_text[PROP_COUNT] = {
	[PROP_PIE] = "Executables should be position-independent (PIE) so ASLR applies to their code.",
	[PROP_RELRO] = "Relocations should be read-only after start-up (full RELRO: -z relro -z now).",
	[PROP_BIND_NOW] = "Symbols should be bound at start-up (BIND_NOW) so the GOT can be made read-only.",
	[PROP_CANARY] = "Functions with stack buffers should be built with a stack protector.",
	[PROP_FORTIFY] = "Fortifiable libc calls should use their checked __*_chk variants (_FORTIFY_SOURCE).",
	[PROP_NX] = "The stack should not be executable (PT_GNU_STACK without PF_X).",
	[PROP_RWX] = "No segment should be both writable and executable.",
	[PROP_TEXTREL] = "Code should not need text relocations.",
	[PROP_RPATH] = "RPATH entries should not let others choose the libraries loaded.",
	[PROP_RUNPATH] = "RUNPATH entries should not let others choose the libraries loaded.",
	[PROP_IBT] = "Indirect branch tracking (CET IBT / BTI) should be enabled.",
	[PROP_SHSTK] = "Shadow stack (CET SHSTK / PAC) should be enabled.",
	[PROP_STACK_CLASH] = "Stack allocations should be probed (-fstack-clash-protection).",
	[PROP_STRIPPED] = "Whether the symbol table was stripped (information only).",
};

/* A URI reference for a path: absolute paths become file:// URIs; unsafe bytes are %-encoded. */
static char *path_uri(const char *path)
{
	struct buf b = { 0 };
	if (path[0] == '/')
		buf_adds(&b, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (isalnum(*p) || strchr("/-._~+,=@:", *p))
			buf_add(&b, p, 1);
		else
			buf_addf(&b, "%%%02X", *p);
	}
	return b.p ? b.p : xstrdup("");
}

static json_t *location(const struct scan_record *rec)
{
	char *uri = path_uri(rec->path);
	json_t *loc = json_pack("{s:{s:{s:s}}}", "physicalLocation", "artifactLocation", "uri", uri);
	free(uri);
	if (rec->member)
		json_object_set_new(loc, "logicalLocations",
				    json_pack("[{s:s, s:s}]", "name", rec->member, "kind", "member"));
	return json_pack("[o]", loc);
}

static void sarif_begin(struct reporter *r)
{
	struct sarif_state *s = xcalloc(1, sizeof(*s));
	s->results = json_array();
	s->notes = json_array();
	r->state = s;
}

static void sarif_record(struct reporter *r, const struct scan_record *rec)
{
	struct sarif_state *s = r->state;
	if (rec->link)
		return; /* an archive's link member: no verdicts */
	if (rec->error) {
		json_array_append_new(s->notes, json_pack("{s:s, s:{s:s}, s:o}", "level", rec->warning ? "warning" : "error", "message",
							  "text", rec->error, "locations", location(rec)));
		return;
	}
	for (int p = 0; p < PROP_COUNT; p++) {
		const struct verdict *v = &rec->res.v[p];
		if (!rec->res.finding[p])
			continue;
		char *text = xasprintf("%s: %s%s%s", prop_name(p), v->reason, v->cause[0] ? "; likely cause: " : "",
				       v->cause);
		json_array_append_new(s->results, json_pack("{s:s, s:i, s:s, s:{s:s}, s:o, s:{s:s, s:s}}",
			"ruleId", prop_name(p), "ruleIndex", p, "level", "error", "message", "text", text,
			"locations", location(rec), "properties", "state", state_name(v->state),
			"type", elf_kind_name(rec->facts.kind)));
		free(text);
	}
}

static json_t *rules(void)
{
	json_t *a = json_array();
	for (int p = 0; p < PROP_COUNT; p++)
		json_array_append_new(a, json_pack("{s:s, s:{s:s}, s:{s:s}}", "id", prop_name(p),
						   "shortDescription", "text", rule_text[p],
						   "defaultConfiguration", "level",
						   p == PROP_STRIPPED ? "note" : "error"));
	return a;
}

static void sarif_end(struct reporter *r, const struct summary *sum)
{
	struct sarif_state *s = r->state;
	json_t *doc = json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:o}}, s:o, s:[{s:b, s:o}]}]}",
		"$schema", "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs",
		"tool", "driver", "name", "harden", "version", HARDEN_VERSION,
		"rules", rules(),
		"results", s->results,
		"invocations", "executionSuccessful", sum->errors == 0, "toolExecutionNotifications", s->notes);
	json_dumpf(doc, r->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', r->out);
	json_decref(doc);
	free(s);
	r->state = NULL;
}

const struct reporter_ops report_sarif_ops = { .begin = sarif_begin, .record = sarif_record, .end = sarif_end };
