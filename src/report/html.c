/*
 * html.c — one self-contained HTML page for a repository: the summary as
 * charts (coverage per property, worst packages) and two sortable,
 * filterable tables (packages, then every ELF file).
 *
 * Self-contained means viewable offline and attachable to a mail: no
 * external script, style sheet, font or image. The charts are inline SVG
 * drawn here, so they are in the page even with scripts disabled; the
 * small inline script only sorts and filters the tables. Every string from
 * the scan (file and member names come from untrusted archives) is
 * HTML-escaped. Records are buffered: the page starts with the summary,
 * which is known only at the end.
 */
#include "report/report.h"

#include <stdlib.h>
#include <string.h>

struct html_pkg {
	char *key, *name, *version, *path;
	struct summary counts;
};

struct html_state {
	struct buf files;               /* <tr> rows of the files table */
	struct html_pkg *pkgs;
	size_t npkgs, apkgs;
};

static void esc(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': buf_adds(b, "&amp;"); break;
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		case '\'': buf_adds(b, "&#39;"); break;
		default: buf_add(b, s, 1);
		}
	}
}

static void html_begin(struct reporter *r)
{
	r->state = xcalloc(1, sizeof(struct html_state));
}

static struct html_pkg *pkg_for(struct html_state *s, const struct scan_record *rec)
{
	const char *key = rec->package ? rec->path : "";
	if (s->npkgs && !strcmp(s->pkgs[s->npkgs - 1].key, key))
		return &s->pkgs[s->npkgs - 1];  /* records of one package arrive together */
	if (s->npkgs == s->apkgs) {
		s->apkgs = s->apkgs ? s->apkgs * 2 : 64;
		s->pkgs = xrealloc(s->pkgs, s->apkgs * sizeof(*s->pkgs));
	}
	struct html_pkg *p = &s->pkgs[s->npkgs++];
	memset(p, 0, sizeof(*p));
	p->key = xstrdup(key);
	p->name = xstrdup(rec->package ? rec->package : "(loose files)");
	p->version = xstrdup(rec->version ? rec->version : "");
	p->path = xstrdup(rec->package ? rec->path : "");
	return p;
}

static const char *state_class(const struct verdict *v, bool finding)
{
	if (finding)
		return "bad";
	if (v->state == ST_NA || v->state == ST_UNKNOWN)
		return "na";
	return v->ok ? "ok" : "warn";
}

static void html_record(struct reporter *r, const struct scan_record *rec)
{
	struct html_state *s = r->state;
	if (rec->link)
		return;
	struct html_pkg *p = pkg_for(s, rec);
	struct buf *b = &s->files;
	summary_add(&p->counts, rec);
	if (rec->error)
		return;
	buf_adds(b, "<tr><td>");
	esc(b, p->name);
	buf_adds(b, "</td><td>");
	esc(b, rec->member ? rec->member : rec->path);
	buf_addf(b, "%s</td><td>%s</td>", rec->setuid || rec->setgid ? " <b class=bad>setuid</b>" : "",
		 elf_kind_name(rec->facts.kind));
	for (int q = 0; q < PROP_COUNT; q++) {
		const struct verdict *v = &rec->res.v[q];
		if (q == PROP_STRIPPED)
			continue;
		buf_addf(b, "<td class=%s title=\"", state_class(v, rec->res.finding[q]));
		esc(b, v->reason);
		buf_addf(b, "\">%s</td>", state_name(v->state));
	}
	buf_addf(b, "<td data-num>%d</td></tr>\n", rec->res.finding_count);
}

/* Horizontal bars: label, value in [0, max], text after the bar. */
static void bar(FILE *out, int y, const char *label, double frac, const char *text, const char *color)
{
	struct buf b = { 0 };
	esc(&b, label);
	fprintf(out, "<g class=bar><text x=0 y=%d>%s</text><rect x=170 y=%d width=%.1f height=16 fill=\"%s\"/>"
		     "<text x=%.1f y=%d>", y + 13, b.p ? b.p : "", y, 400 * frac, color, 176 + 400 * frac, y + 13);
	buf_reset(&b);
	esc(&b, text);
	fprintf(out, "%s</text></g>\n", b.p ? b.p : "");
	buf_free(&b);
}

static void coverage_chart(FILE *out, const struct summary *sum)
{
	int n = 0;
	for (int p = 0; p < PROP_COUNT; p++)
		n += p != PROP_STRIPPED && sum->applicable[p] > 0;
	fprintf(out, "<figure id=coverage-chart><figcaption>Share of ELF files with each protection</figcaption>"
		     "<svg xmlns=\"http://www.w3.org/2000/svg\" width=820 height=%d role=img>\n", 22 * n + 4);
	int y = 2;
	for (int p = 0; p < PROP_COUNT; p++) {
		if (p == PROP_STRIPPED || !sum->applicable[p])
			continue;
		double f = (double)sum->good[p] / (double)sum->applicable[p];
		char text[64];
		snprintf(text, sizeof(text), "%.0f%% (%zu/%zu)", 100 * f, sum->good[p], sum->applicable[p]);
		bar(out, y, prop_name(p), f, text, f >= 0.99 ? "#2a7" : f >= 0.8 ? "#db3" : "#d43");
		y += 22;
	}
	fprintf(out, "</svg></figure>\n");
}

static int worse(const void *x, const void *y)
{
	const struct html_pkg *a = *(struct html_pkg *const *)x, *b = *(struct html_pkg *const *)y;
	if (a->counts.with_findings != b->counts.with_findings)
		return a->counts.with_findings > b->counts.with_findings ? -1 : 1;
	if (a->counts.findings != b->counts.findings)
		return a->counts.findings > b->counts.findings ? -1 : 1;
	return strcmp(a->name, b->name);
}

static void worst_chart(FILE *out, const struct html_state *s)
{
	struct html_pkg **v = xmalloc((s->npkgs + 1) * sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < s->npkgs; i++)
		if (s->pkgs[i].counts.with_findings)
			v[n++] = &s->pkgs[i];
	qsort(v, n, sizeof(*v), worse);
	if (n > 15)
		n = 15;
	size_t max = n ? v[0]->counts.with_findings : 1;
	fprintf(out, "<figure id=worst-chart><figcaption>Worst packages (ELF files with findings)</figcaption>"
		     "<svg xmlns=\"http://www.w3.org/2000/svg\" width=820 height=%zu role=img>\n", 22 * (n ? n : 1) + 4);
	if (!n)
		fprintf(out, "<text x=0 y=15>no package has findings</text>\n");
	for (size_t i = 0; i < n; i++) {
		char text[64];
		snprintf(text, sizeof(text), "%zu/%zu files, %zu findings", v[i]->counts.with_findings, v[i]->counts.elf, v[i]->counts.findings);
		bar(out, 2 + 22 * (int)i, v[i]->name, (double)v[i]->counts.with_findings / (double)max, text, "#d43");
	}
	fprintf(out, "</svg></figure>\n");
	free(v);
}

static const char style[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}h1{font-size:1.4em}"
	"figure{display:inline-block;vertical-align:top;margin:0 2em 1em 0}figcaption{font-weight:600;margin-bottom:.4em}"
	".bar text{font-size:12px}table{border-collapse:collapse;margin:.5em 0 2em}"
	"th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;white-space:nowrap}"
	"th{background:#eee;cursor:pointer;position:sticky;top:0}th.asc:after{content:' \\25B2'}th.desc:after{content:' \\25BC'}"
	".ok{background:#dfd}.warn{background:#ffd}.bad{background:#fcc;color:#900}.na{color:#999}"
	"input{font:inherit;padding:3px;width:24em;margin:.3em 0}";

/*
 * Sort on header click (numbers when the cells say data-num), filter on
 * input; "#filter=TEXT" in the URL pre-fills the filters (a link to "all
 * setuid files" can be shared). body[data-ready] says the script ran.
 */
static const char script[] =
	"document.querySelectorAll('table.sortable').forEach(function(t){"
	"var hs=t.tHead.rows[0].cells;"
	"Array.prototype.forEach.call(hs,function(h,i){h.addEventListener('click',function(){"
	"var asc=!h.classList.contains('asc');Array.prototype.forEach.call(hs,function(x){x.classList.remove('asc','desc')});"
	"h.classList.add(asc?'asc':'desc');var rows=Array.prototype.slice.call(t.tBodies[0].rows);"
	"rows.sort(function(a,b){var x=a.cells[i],y=b.cells[i];var c=x.hasAttribute('data-num')?"
	"parseFloat(x.textContent)-parseFloat(y.textContent):x.textContent.localeCompare(y.textContent);return asc?c:-c});"
	"rows.forEach(function(r){t.tBodies[0].appendChild(r)})})})});"
	"document.querySelectorAll('input.filter').forEach(function(f){f.addEventListener('input',function(){"
	"var q=f.value.toLowerCase(),t=document.getElementById(f.dataset.table),shown=0;"
	"Array.prototype.forEach.call(t.tBodies[0].rows,function(r){var on=r.textContent.toLowerCase().indexOf(q)>=0;"
	"r.style.display=on?'':'none';shown+=on});document.getElementById(f.dataset.table+'-count').textContent=shown})});"
	"var m=/^#filter=(.*)$/.exec(location.hash);if(m)document.querySelectorAll('input.filter').forEach(function(f){"
	"f.value=decodeURIComponent(m[1]);f.dispatchEvent(new Event('input'))});"
	"document.body.setAttribute('data-ready','1');";

static void packages_table(FILE *out, const struct html_state *s)
{
	fprintf(out, "<h2>Packages</h2><input class=filter data-table=packages placeholder=\"filter packages\"> "
		     "<span id=packages-count>%zu</span> shown\n<table id=packages class=sortable><thead><tr>"
		     "<th>package</th><th>version</th><th>ELF</th><th>with findings</th><th>findings</th><th>errors</th>",
		s->npkgs);
	for (int p = 0; p < PROP_COUNT; p++)
		if (p != PROP_STRIPPED)
			fprintf(out, "<th>%s</th>", prop_name(p));
	fprintf(out, "</tr></thead><tbody>\n");
	for (size_t i = 0; i < s->npkgs; i++) {
		const struct html_pkg *p = &s->pkgs[i];
		struct buf b = { 0 };
		buf_adds(&b, "<tr><td title=\"");
		esc(&b, p->path);
		buf_adds(&b, "\">");
		esc(&b, p->name);
		buf_adds(&b, "</td><td>");
		esc(&b, p->version);
		buf_addf(&b, "</td><td data-num>%zu</td><td data-num class=%s>%zu</td><td data-num>%zu</td>"
			     "<td data-num>%zu</td>", p->counts.elf, p->counts.with_findings ? "bad" : "ok", p->counts.with_findings,
			 p->counts.findings, p->counts.errors);
		for (int q = 0; q < PROP_COUNT; q++) {
			if (q == PROP_STRIPPED)
				continue;
			if (!p->counts.applicable[q])
				buf_adds(&b, "<td data-num class=na>-</td>");
			else
				buf_addf(&b, "<td data-num class=%s>%.0f%%</td>", p->counts.good[q] == p->counts.applicable[q] ? "ok" : "warn",
					 100.0 * (double)p->counts.good[q] / (double)p->counts.applicable[q]);
		}
		fprintf(out, "%s</tr>\n", b.p);
		buf_free(&b);
	}
	fprintf(out, "</tbody></table>\n");
}

static void files_table(FILE *out, const struct html_state *s, const struct summary *sum)
{
	fprintf(out, "<h2>ELF files</h2><input class=filter data-table=files placeholder=\"filter files\"> "
		     "<span id=files-count>%zu</span> shown\n<table id=files class=sortable><thead><tr>"
		     "<th>package</th><th>file</th><th>type</th>", sum->elf);
	for (int p = 0; p < PROP_COUNT; p++)
		if (p != PROP_STRIPPED)
			fprintf(out, "<th>%s</th>", prop_name(p));
	fprintf(out, "<th>findings</th></tr></thead><tbody>\n%s</tbody></table>\n", s->files.p ? s->files.p : "");
}

static void html_end(struct reporter *r, const struct summary *sum)
{
	struct html_state *s = r->state;
	char req[256];
	policy_describe(r->o.policy, req, sizeof(req));
	fprintf(r->out, "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
			"<meta name=viewport content=\"width=device-width\"><title>harden scan report</title>"
			"<style>%s</style></head><body>\n<h1>harden scan report</h1>\n", style);
	size_t pk = 0;
	for (size_t i = 0; i < s->npkgs; i++)
		pk += s->pkgs[i].path[0] != '\0';
	fprintf(r->out, "<p id=summary>%zu packages, %zu ELF files, %zu with findings (%zu findings), %zu not ELF, "
			"%zu errors, %zu warnings (nested archives). Profile <b>%s</b> requires: %s.</p>\n",
		pk, sum->elf, sum->with_findings, sum->findings, sum->skipped, sum->errors, sum->warnings,
		r->o.policy->name, req);
	coverage_chart(r->out, sum);
	worst_chart(r->out, s);
	packages_table(r->out, s);
	files_table(r->out, s, sum);
	fprintf(r->out, "<p>harden %s</p><script>%s</script></body></html>\n", HARDEN_VERSION, script);
	for (size_t i = 0; i < s->npkgs; i++) {
		free(s->pkgs[i].key);
		free(s->pkgs[i].name);
		free(s->pkgs[i].version);
		free(s->pkgs[i].path);
	}
	free(s->pkgs);
	buf_free(&s->files);
}

const struct reporter_ops report_html_ops = { .begin = html_begin, .record = html_record, .end = html_end };
