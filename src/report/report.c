/*
 * report.c — choosing a writer, the run summary, and the JSON form of a
 * record shared by the JSON-lines and SARIF writers.
 */
#include "report/report.h"

#include <string.h>

int reporter_open(struct reporter *r, const char *format, FILE *out,
		  const struct report_opts *o, struct herr *err)
{
	memset(r, 0, sizeof(*r));
	if (!strcmp(format, "text"))
		r->ops = &report_text_ops;
	else if (!strcmp(format, "json"))
		r->ops = &report_json_ops;
	else if (!strcmp(format, "sarif"))
		r->ops = &report_sarif_ops;
	else if (!strcmp(format, "html"))
		r->ops = &report_html_ops;
	else
		return herr_set(err, "unknown format '%s' (known: text, json, sarif, html)", format);
	r->out = out;
	r->o = *o;
	return 0;
}

void reporter_close(struct reporter *r)
{
	free(r->state);
	r->state = NULL;
}

void reporter_write(struct reporter *r, const struct scan_record *rec)
{
	if (rec->rendered) {
		fputs(rec->rendered, r->out);
	} else if (r->ops->render) {
		struct buf b = { 0 };
		r->ops->render(r, rec, &b);
		if (b.len)
			fwrite(b.p, 1, b.len, r->out);
		buf_free(&b);
	} else {
		r->ops->record(r, rec);
	}
}

static json_t *strvec_json(const struct strvec *sv)
{
	json_t *a = json_array();
	for (size_t i = 0; i < sv->n; i++)
		json_array_append_new(a, json_string(sv->v[i]));
	return a;
}

static json_t *dwarf_json(const struct elf_facts *f)
{
	json_t *units = json_array();
	for (size_t i = 0; i < f->cu_count; i++) {
		const struct cu_flags *cu = &f->cus[i];
		if (!cu->is_c)
			continue;
		json_array_append_new(units, json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:s}",
			"name", cu->name, "optimization", cu->opt[0] ? cu->opt : "unstated",
			"stack_protector", cu->ssp[0] ? cu->ssp : "unstated",
			"cf_protection", cu->cf[0] ? cu->cf : "unstated",
			"fortify_source", cu->fortify, "stack_clash", cu->stack_clash,
			"producer", cu->producer));
	}
	json_t *d = json_pack("{s:o}", "units", units);
	if (f->debug_file)
		json_object_set_new(d, "debug_file", json_string(f->debug_file));
	return d;
}

json_t *report_record_json(const struct scan_record *rec)
{
	json_t *o = json_pack("{s:s}", "path", rec->path);
	if (rec->package) {
		json_object_set_new(o, "package", json_string(rec->package));
		json_object_set_new(o, "version", json_string(rec->version ? rec->version : ""));
		json_object_set_new(o, "member", json_string(rec->member ? rec->member : ""));
	}
	if (rec->error) {
		json_object_set_new(o, "error", json_string(rec->error));
		return o;
	}
	if (rec->link) {
		json_object_set_new(o, "link", json_string(rec->link));
		json_object_set_new(o, "link_type", json_string(rec->hardlink ? "hardlink" : "symlink"));
		return o;
	}
	if (rec->setuid)
		json_object_set_new(o, "setuid", json_true());
	if (rec->setgid)
		json_object_set_new(o, "setgid", json_true());
	const struct elf_facts *f = &rec->facts;
	json_object_set_new(o, "class", json_integer(f->elf_class));
	json_object_set_new(o, "endian", json_string(f->big_endian ? "big" : "little"));
	json_object_set_new(o, "machine", json_string(elf_machine_name(f->machine)));
	json_object_set_new(o, "type", json_string(elf_kind_name(f->kind)));
	if (f->build_id[0])
		json_object_set_new(o, "build_id", json_string(f->build_id));
	json_t *findings = json_array();
	for (int p = 0; p < PROP_COUNT; p++) {
		const struct verdict *v = &rec->res.v[p];
		json_t *pv = json_pack("{s:s, s:s}", "state", state_name(v->state), "reason", v->reason);
		if (p == PROP_FORTIFY) {
			json_object_set_new(pv, "fortified", strvec_json(&f->fortified));
			json_object_set_new(pv, "unfortified", strvec_json(&f->unfortified));
			json_object_set_new(pv, "fortified_count", json_integer((json_int_t)f->fortified.n));
			json_object_set_new(pv, "fortifiable_count",
					    json_integer((json_int_t)(f->fortified.n + f->unfortified.n)));
		}
		json_object_set_new(o, prop_name(p), pv);
		if (rec->res.finding[p])
			json_array_append_new(findings, json_pack("{s:s, s:s, s:s}", "property", prop_name(p),
								   "reason", v->reason, "cause", v->cause));
	}
	if (f->has_debug)
		json_object_set_new(o, "dwarf", dwarf_json(f));
	json_object_set_new(o, "findings", findings);
	return o;
}
