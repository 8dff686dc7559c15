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

/*
 * Building records: a scan of a repository makes millions of these values.
 * Keys and the names of states, properties, kinds and machines are our own
 * ASCII constants: they skip jansson's UTF-8 check (the _nocheck calls).
 * Paths, reasons and anything read from the file are checked. No
 * json_pack(): parsing its format string for every value cost more than
 * the values themselves.
 */
static void put(json_t *o, const char *key, json_t *v)
{
	json_object_set_new_nocheck(o, key, v);
}

static void put_str(json_t *o, const char *key, const char *v)
{
	put(o, key, json_string(v));
}

static void put_name(json_t *o, const char *key, const char *ours)
{
	put(o, key, json_string_nocheck(ours));
}

static json_t *strvec_json(const struct strvec *sv)
{
	json_t *a = json_array();
	for (size_t i = 0; i < sv->n; i++)
		json_array_append_new(a, json_string(sv->v[i]));
	return a;
}

static json_t *unit_json(const struct cu_flags *cu)
{
	json_t *u = json_object();
	put_str(u, "name", cu->name);
	put_str(u, "optimization", cu->opt[0] ? cu->opt : "unstated");
	put_str(u, "stack_protector", cu->ssp[0] ? cu->ssp : "unstated");
	put_str(u, "cf_protection", cu->cf[0] ? cu->cf : "unstated");
	put(u, "fortify_source", json_integer(cu->fortify));
	put(u, "stack_clash", json_integer(cu->stack_clash));
	put_str(u, "producer", cu->producer);
	return u;
}

static json_t *dwarf_json(const struct elf_facts *f)
{
	json_t *units = json_array();
	for (size_t i = 0; i < f->cu_count; i++)
		if (f->cus[i].is_c)
			json_array_append_new(units, unit_json(&f->cus[i]));
	json_t *d = json_object();
	put(d, "units", units);
	if (f->debug_file)
		put_str(d, "debug_file", f->debug_file);
	return d;
}

static json_t *verdict_json(const struct verdict *v, enum prop p, const struct elf_facts *f)
{
	json_t *pv = json_object();
	put_name(pv, "state", state_name(v->state));
	put_str(pv, "reason", v->reason);
	if (p == PROP_FORTIFY) {
		put(pv, "fortified", strvec_json(&f->fortified));
		put(pv, "unfortified", strvec_json(&f->unfortified));
		put(pv, "fortified_count", json_integer((json_int_t)f->fortified.n));
		put(pv, "fortifiable_count", json_integer((json_int_t)(f->fortified.n + f->unfortified.n)));
	}
	return pv;
}

static json_t *finding_json(const struct verdict *v, enum prop p)
{
	json_t *fj = json_object();
	put_name(fj, "property", prop_name(p));
	put_str(fj, "reason", v->reason);
	put_str(fj, "cause", v->cause);
	return fj;
}

json_t *report_record_json(const struct scan_record *rec)
{
	json_t *o = json_object();
	put_str(o, "path", rec->path);
	if (rec->package) {
		put_str(o, "package", rec->package);
		put_str(o, "version", rec->version ? rec->version : "");
		put_str(o, "member", rec->member ? rec->member : "");
	}
	if (rec->error) {
		put_str(o, rec->warning ? "warning" : "error", rec->error);
		return o;
	}
	if (rec->link) {
		put_str(o, "link", rec->link);
		put_name(o, "link_type", rec->hardlink ? "hardlink" : "symlink");
		return o;
	}
	if (rec->setuid)
		put(o, "setuid", json_true());
	if (rec->setgid)
		put(o, "setgid", json_true());
	const struct elf_facts *f = &rec->facts;
	put(o, "class", json_integer(f->elf_class));
	put_name(o, "endian", f->big_endian ? "big" : "little");
	put_name(o, "machine", elf_machine_name(f->machine));
	put_name(o, "type", elf_kind_name(f->kind));
	if (f->build_id[0])
		put_name(o, "build_id", f->build_id); /* hex digits we wrote */
	if (elf_lang_name(f->lang))
		put_name(o, "language", elf_lang_name(f->lang));
	json_t *findings = json_array();
	for (int p = 0; p < PROP_COUNT; p++) {
		const struct verdict *v = &rec->res.v[p];
		put(o, prop_name(p), verdict_json(v, p, f));
		if (rec->res.finding[p])
			json_array_append_new(findings, finding_json(v, p));
	}
	if (f->has_debug)
		put(o, "dwarf", dwarf_json(f));
	put(o, "findings", findings);
	return o;
}
