/*
 * report.c — findings as data for machines: one JSON object per finding
 * (JSON lines) and a SARIF 2.1.0 log, whose results point at the line of
 * the vulnerability list that matched, so code-scanning tools can show it.
 * Built with jansson; the caller decides where they are written.
 */
#include "vuln/vuln.h"

#include <stdlib.h>
#include <string.h>

json_t *vuln_finding_json(const struct vuln_list *list, const struct vuln_pkgset *pkgs,
			  const struct vuln_finding *f)
{
	const struct vuln_pkg *p = &pkgs->v[f->pkg];
	const struct vuln_entry *e = &list->v[f->entry];
	const char *version;
	size_t baselen = 0;
	json_t *o = json_object();
	json_object_set_new(o, "package", json_string(p->name));
	if (pattern_base_name(p->name, &version, &baselen)) {
		json_object_set_new(o, "pkgbase", json_stringn(p->name, baselen));
		json_object_set_new(o, "version", json_string(version));
	}
	if (p->pkgpath)
		json_object_set_new(o, "pkgpath", json_string(p->pkgpath));
	json_object_set_new(o, "pattern", json_string(e->pattern));
	json_object_set_new(o, "class", json_string(e->class));
	json_object_set_new(o, "url", json_string(e->url));
	json_object_set_new(o, "eol", json_boolean(f->eol));
	if (list->path)
		json_object_set_new(o, "list", json_string(list->path));
	json_object_set_new(o, "line", json_integer((json_int_t)e->line));
	return o;
}

static char *finding_message(const struct vuln_list *list, const struct vuln_pkgset *pkgs,
			     const struct vuln_finding *f)
{
	const struct vuln_entry *e = &list->v[f->entry];
	if (f->eol)
		return xasprintf("Package %s has reached end-of-life (eol), see %s/eol-packages",
				 pkgs->v[f->pkg].name, VULN_EOL_BASE);
	return xasprintf("Package %s has a %s vulnerability, see %s", pkgs->v[f->pkg].name, e->class, e->url);
}

/* The rule index of class in rules, adding it when new. */
static size_t rule_index(json_t *rules, const char *class)
{
	size_t i;
	json_t *r;
	json_array_foreach(rules, i, r)
		if (!strcmp(json_string_value(json_object_get(r, "id")), class))
			return i;
	r = json_object();
	json_object_set_new(r, "id", json_string(class));
	json_t *d = json_object();
	json_object_set_new(d, "text", json_string(class));
	json_object_set_new(r, "shortDescription", d);
	json_array_append_new(rules, r);
	return json_array_size(rules) - 1;
}

static json_t *sarif_result(const struct vuln_list *list, const struct vuln_pkgset *pkgs,
			    const struct vuln_finding *f, json_t *rules)
{
	const struct vuln_entry *e = &list->v[f->entry];
	json_t *res = json_object();
	json_object_set_new(res, "ruleId", json_string(e->class));
	json_object_set_new(res, "ruleIndex", json_integer((json_int_t)rule_index(rules, e->class)));
	json_object_set_new(res, "level", json_string(f->eol ? "note" : "error"));
	char *text = finding_message(list, pkgs, f);
	json_object_set_new(res, "message", json_pack("{s:s}", "text", text));
	free(text);
	json_t *phys = json_pack("{s:{s:s},s:{s:I}}", "artifactLocation", "uri",
				 list->path ? list->path : "pkg-vulnerabilities", "region", "startLine",
				 (json_int_t)e->line);
	json_t *logical = json_pack("[{s:s,s:s}]", "name", pkgs->v[f->pkg].name, "kind", "package");
	json_object_set_new(res, "locations",
			    json_pack("[{s:o,s:o}]", "physicalLocation", phys, "logicalLocations", logical));
	json_object_set_new(res, "properties", json_pack("{s:s,s:s,s:s}", "package", pkgs->v[f->pkg].name,
							 "pattern", e->pattern, "url", e->url));
	return res;
}

json_t *vuln_findings_sarif(const struct vuln_list *list, const struct vuln_pkgset *pkgs,
			    const struct vuln_findings *fs, const char *tool_version)
{
	json_t *rules = json_array();
	json_t *results = json_array();
	for (size_t i = 0; i < fs->n; i++)
		json_array_append_new(results, sarif_result(list, pkgs, &fs->v[i], rules));
	json_t *driver = json_pack("{s:s,s:s,s:s,s:o}", "name", "harden-audit", "version", tool_version,
				   "informationUri", "https://www.pkgsrc.org/", "rules", rules);
	json_t *run = json_pack("{s:{s:o},s:o}", "tool", "driver", driver, "results", results);
	return json_pack("{s:s,s:s,s:[o]}", "$schema", "https://json.schemastore.org/sarif-2.1.0.json",
			 "version", "2.1.0", "runs", run);
}

/* Lint findings as SARIF: each result on its line of the list, so a CI job
 * linting doc/pkg-vulnerabilities gets annotations in place. */
json_t *vuln_lint_sarif(const char *path, const struct vuln_lint *lint, const char *tool_version)
{
	json_t *rules = json_array();
	json_t *results = json_array();
	for (size_t i = 0; i < lint->n; i++) {
		const struct vuln_lint_finding *f = &lint->v[i];
		const char *level = f->severity == LINT_ERROR ? "error" : f->severity == LINT_WARNING ? "warning" : "note";
		char *text = xasprintf("%s; fix: %s", f->msg, f->fix);
		json_t *phys = json_pack("{s:{s:s},s:{s:I}}", "artifactLocation", "uri", path, "region",
					 "startLine", (json_int_t)f->line);
		json_array_append_new(results,
				      json_pack("{s:s,s:I,s:s,s:{s:s},s:[{s:o}]}", "ruleId", f->check, "ruleIndex",
						(json_int_t)rule_index(rules, f->check), "level", level, "message",
						"text", text, "locations", "physicalLocation", phys));
		free(text);
	}
	json_t *driver = json_pack("{s:s,s:s,s:s,s:o}", "name", "harden-audit-lint", "version", tool_version,
				   "informationUri", "https://www.pkgsrc.org/", "rules", rules);
	json_t *run = json_pack("{s:{s:o},s:o}", "tool", "driver", driver, "results", results);
	return json_pack("{s:s,s:s,s:[o]}", "$schema", "https://json.schemastore.org/sarif-2.1.0.json",
			 "version", "2.1.0", "runs", run);
}
