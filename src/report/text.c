/*
 * text.c — an aligned table for people: one row per ELF, the findings
 * indented under their row with the likely cause, then a legend and a
 * summary line with the coverage of each property. Colour only when asked
 * (the cli turns it on for terminals).
 */
#include "report/report.h"

#include <string.h>

#define RED "\033[31m"
#define GREEN "\033[32m"
#define YELLOW "\033[33m"
#define DIM "\033[2m"
#define RESET "\033[0m"

struct column {
	const char *title;
	int width;
	enum prop prop;
};

static const struct column columns[] = {
	{ "PIE", 4, PROP_PIE }, { "RELRO", 8, PROP_RELRO }, { "CANARY", 7, PROP_CANARY },
	{ "FORTIFY", 8, PROP_FORTIFY }, { "NX", 4, PROP_NX }, { "RWX", 4, PROP_RWX },
	{ "TEXTREL", 8, PROP_TEXTREL }, { "RPATH", 8, PROP_RPATH }, { "CET", 10, PROP_IBT },
	{ "CLASH", 6, PROP_STACK_CLASH },
};

/* The cell's text: a constant, or written into buf (FORTIFY's counts). */
static const char *cell_text(const struct scan_record *rec, enum prop p, char *buf, size_t len)
{
	const struct verdict *v = &rec->res.v[p];
	const struct elf_facts *f = &rec->facts;
	if (v->state == ST_NA)
		return "-";
	if (v->state == ST_UNKNOWN)
		return "?";
	if (p == PROP_FORTIFY) {
		if (f->kind == KIND_KMOD) /* the kernel's FORTIFY: no libc counts */
			return state_name(v->state);
		if (f->fortify_static_only)
			snprintf(buf, len, "%zu/?", f->fortified.n);
		else
			snprintf(buf, len, "%zu/%zu", f->fortified.n, f->fortified.n + f->unfortified.n);
		return buf;
	}
	if (p == PROP_RPATH) {
		const struct verdict *run = &rec->res.v[PROP_RUNPATH];
		bool any = v->state == ST_YES || run->state == ST_YES;
		return !any ? "no" : (v->ok && run->ok) ? "ok" : "insecure";
	}
	if (p == PROP_IBT) {
		bool ibt = f->ibt && v->state == ST_YES, sh = rec->res.v[PROP_SHSTK].state == ST_YES;
		return ibt && sh ? "ibt,shstk" : ibt ? "ibt" : sh ? "shstk" : "no";
	}
	return state_name(v->state);
}

/*
 * s padded with spaces to width, as printf's "%-*s" (a table of thousands
 * of rows: formatting each cell through printf was a tenth of a scan's
 * time in user space).
 */
static void add_padded(struct buf *out, const char *s, size_t width)
{
	static const char spaces[] = "                ";
	size_t n = strlen(s);
	buf_add(out, s, n);
	while (n < width) {
		size_t k = width - n < sizeof(spaces) - 1 ? width - n : sizeof(spaces) - 1;
		buf_add(out, spaces, k);
		n += k;
	}
}

static bool cell_ok(const struct scan_record *rec, enum prop p)
{
	if (p == PROP_RPATH)
		return rec->res.v[PROP_RPATH].ok && rec->res.v[PROP_RUNPATH].ok;
	if (p == PROP_IBT)
		return rec->res.v[PROP_IBT].ok && rec->res.v[PROP_SHSTK].ok;
	return rec->res.v[p].ok;
}

static bool cell_finding(const struct scan_record *rec, enum prop p)
{
	if (p == PROP_RPATH)
		return rec->res.finding[PROP_RPATH] || rec->res.finding[PROP_RUNPATH];
	if (p == PROP_IBT)
		return rec->res.finding[PROP_IBT] || rec->res.finding[PROP_SHSTK];
	return rec->res.finding[p];
}

static void text_begin(struct reporter *r)
{
	fprintf(r->out, "%-11s", "TYPE");
	for (size_t i = 0; i < ARRAY_SIZE(columns); i++)
		fprintf(r->out, "%-*s ", columns[i].width, columns[i].title);
	fprintf(r->out, "FILE\n");
}

static void print_name(const struct scan_record *rec, struct buf *out)
{
	buf_adds(out, rec->path);
	if (rec->member) {
		buf_adds(out, "[");
		buf_adds(out, rec->member);
		buf_adds(out, "]");
	}
	buf_adds(out, "\n");
}

/* Under a file with DWARF: the units built without each flag, when any. */
static void print_units(const struct elf_facts *f, struct buf *out)
{
	static const struct { enum unit_flag flag; const char *what; } lacks[] = {
		{ UNIT_SSP, "stack protector" }, { UNIT_STACK_CLASH, "-fstack-clash-protection" },
		{ UNIT_CF_PROTECTION, "-fcf-protection" }, { UNIT_OPTIMIZED, "optimization (-O0)" },
	};
	bool header = false;
	for (size_t i = 0; i < ARRAY_SIZE(lacks); i++) {
		char names[200];
		size_t bad, seen = check_units_without(f, lacks[i].flag, &bad, names, sizeof(names));
		if (!seen || !bad)
			continue;
		if (!header)
			buf_addf(out, "    dwarf: %zu C units%s%s", seen, f->debug_file ? " in " : "",
				f->debug_file ? f->debug_file : "");
		header = true;
		buf_addf(out, "; %zu without %s: %s", bad, lacks[i].what, names);
	}
	if (header)
		buf_adds(out, "\n");
}

static void text_render(const struct reporter *r, const struct scan_record *rec, struct buf *out)
{
	if (rec->error || rec->link)
		return; /* errors go to stderr, from the cli; links are in JSON */
	if (r->o.quiet && rec->res.finding_count == 0)
		return;
	add_padded(out, elf_kind_name(rec->facts.kind), 11);
	for (size_t i = 0; i < ARRAY_SIZE(columns); i++) {
		char counts[32];
		enum prop p = columns[i].prop;
		const char *cell = cell_text(rec, p, counts, sizeof(counts));
		const char *color = !r->o.color ? NULL
				    : cell_finding(rec, p) ? RED
				    : !cell_ok(rec, p) ? YELLOW
				    : (rec->res.v[p].state == ST_NA || rec->res.v[p].state == ST_UNKNOWN) ? DIM
				    : GREEN;
		if (color)
			buf_adds(out, color);
		add_padded(out, cell, (size_t)columns[i].width);
		if (color)
			buf_adds(out, RESET);
		buf_adds(out, " ");
	}
	print_name(rec, out);
	for (int p = 0; p < PROP_COUNT; p++) {
		const struct verdict *v = &rec->res.v[p];
		if (!rec->res.finding[p])
			continue;
		buf_addf(out, "    %s%s: %s%s", r->o.color ? RED : "", prop_name(p), v->reason,
			r->o.color ? RESET : "");
		if (v->cause[0])
			buf_addf(out, " — likely cause: %s", v->cause);
		buf_adds(out, "\n");
	}
	print_units(&rec->facts, out);
}

static void text_end(struct reporter *r, const struct summary *s)
{
	char req[256];
	policy_describe(r->o.policy, req, sizeof(req));
	fprintf(r->out, "\nlegend: - not applicable, ? unknown (see --format json for every reason); "
			"FORTIFY fortified/fortifiable; CLASH needs DWARF\n");
	fprintf(r->out, "summary: %zu ELF files, %zu not ELF (skipped), %zu errors", s->elf, s->skipped, s->errors);
	if (s->warnings)
		fprintf(r->out, ", %zu warnings (nested archives)", s->warnings);
	fprintf(r->out, "; %zu files with %zu findings (profile %s: %s)\n", s->with_findings, s->findings,
		r->o.policy->name, req);
	fprintf(r->out, "coverage (share of applicable files with the protection):");
	for (int p = 0; p < PROP_COUNT; p++) {
		if (p == PROP_STRIPPED || !s->applicable[p])
			continue;
		fprintf(r->out, " %s %.0f%%", prop_name(p), 100.0 * (double)s->good[p] / (double)s->applicable[p]);
		/* a share of a few files (those with DWARF, those with fortifiable calls) says so */
		if (s->applicable[p] < s->elf)
			fprintf(r->out, " of %zu", s->applicable[p]);
	}
	fputc('\n', r->out);
}

const struct reporter_ops report_text_ops = { .render = text_render, .begin = text_begin, .end = text_end };
