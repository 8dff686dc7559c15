/*
 * verify.c — from a HARDEN_LOG back to what each binary should show.
 *
 * The wrapper logs every call; a binary is the product of one link call and
 * the compile calls that made its objects. To hold a binary to what the
 * wrapper did, we rebuild that tree from the log: link features (pie, relro,
 * bindnow, noexecstack) come from the link call itself, compile features
 * (canary, fortify, stack clash, cet) from the compile calls whose outputs
 * are the link's inputs, matched by absolute path. When a feature is missing
 * from the binary, the log usually says why: an object compiled at -O0, a
 * package's -fno-stack-protector, an object from an assembler file, or an
 * object the wrapper never saw. Those explanations are gathered here; the
 * binary itself is read by the checker (check/), never by us.
 *
 * The log is untrusted input (any process can append to it): every field is
 * type-checked and a bad line is an error naming its number.
 */
#include "wrap/wrap.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *absolute(const char *cwd, const char *path)
{
	if (path[0] == '/' || !cwd || !*cwd)
		return xstrdup(path);
	const char *p = path;
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	return xasprintf("%s/%s", cwd, p);
}

/* gcc -c dir/foo.c writes ./foo.o */
static char *default_object(const char *cwd, const char *src)
{
	const char *base = strrchr(src, '/');
	base = base ? base + 1 : src;
	const char *dot = strrchr(base, '.');
	size_t n = dot ? (size_t)(dot - base) : strlen(base);
	char *o = xasprintf("%.*s.o", (int)n, base);
	char *abs = absolute(cwd, o);
	free(o);
	return abs;
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int wrap_call_parse(const char *text, size_t len, int line, struct wrap_call *out,
		    struct herr *err)
{
	memset(out, 0, sizeof(*out));
	out->line = line;
	json_error_t je;
	json_t *o = json_loadb(text, len, 0, &je);
	if (!o)
		return herr_set(err, "line %d, column %d: not JSON: %s", line, je.column, je.text);
	int rc = -1;
	const char *mode = jstr(o, "mode"), *cwd = jstr(o, "cwd"), *output = jstr(o, "output");
	json_t *inputs = json_object_get(o, "inputs"), *applied = json_object_get(o, "applied");
	json_t *dropped = json_object_get(o, "dropped"), *requested = json_object_get(o, "requested");
	int m = mode ? wrap_mode_lookup(mode) : -1;
	if (!json_is_object(o) || m < 0 || !json_is_array(inputs) || !json_is_array(applied) ||
	    (dropped && !json_is_object(dropped)) || (requested && !json_is_array(requested))) {
		herr_set(err, "line %d: not a harden cc log record (needs mode, inputs, applied)", line);
		goto out;
	}
	out->mode = m;
	out->cwd = xstrdup(cwd ? cwd : "");
	size_t i;
	json_t *v;
	json_array_foreach(inputs, i, v) {
		if (!json_is_string(v)) {
			herr_set(err, "line %d: inputs[%zu] is not a string", line, i);
			goto out;
		}
		char *a = absolute(out->cwd, json_string_value(v));
		strvec_push(&out->inputs, a);
		free(a);
	}
	if (output)
		out->output = absolute(out->cwd, output);
	else if (m == WRAP_COMPILE && out->inputs.n == 1)
		out->output = default_object(out->cwd, json_array_get(inputs, 0) ?
				json_string_value(json_array_get(inputs, 0)) : "");
	json_array_foreach(applied, i, v) {
		int f = json_is_string(v) ? wrap_feature_lookup(json_string_value(v)) : -1;
		if (f < 0) {
			herr_set(err, "line %d: applied[%zu] is not a feature name", line, i);
			goto out;
		}
		out->applied |= WRAP_BIT(f);
	}
	json_array_foreach(requested, i, v) {
		int f = json_is_string(v) ? wrap_feature_lookup(json_string_value(v)) : -1;
		if (f < 0) {
			herr_set(err, "line %d: requested[%zu] is not a feature name", line, i);
			goto out;
		}
		out->requested |= WRAP_BIT(f);
	}
	const char *key;
	json_object_foreach(dropped, key, v) {
		int f = wrap_feature_lookup(key);
		if (f < 0 || !json_is_string(v)) {
			herr_set(err, "line %d: dropped.%s: not a feature with a reason", line, key);
			goto out;
		}
		free(out->dropped[f]);
		out->dropped[f] = xstrdup(json_string_value(v));
		if (!requested)
			out->requested |= WRAP_BIT(f);
	}
	if (!requested)
		out->requested |= out->applied;
	rc = 0;
out:
	json_decref(o);
	if (rc < 0)
		wrap_call_free(out);
	return rc;
}

void wrap_call_free(struct wrap_call *c)
{
	free(c->cwd);
	free(c->output);
	strvec_clear(&c->inputs);
	for (int f = 0; f < WF_COUNT; f++)
		free(c->dropped[f]);
	memset(c, 0, sizeof(*c));
}

static const enum wrap_feature link_time[] = { WF_PIE, WF_RELRO, WF_BINDNOW, WF_NOEXECSTACK };
static const enum wrap_feature compile_time[] = { WF_STACKPROTECTOR, WF_FORTIFY, WF_STACKCLASH,
						  WF_CET };

static void add_why(struct wrap_expect *e, enum wrap_feature f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void add_why(struct wrap_expect *e, enum wrap_feature f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	if (!e->why[f]) {
		e->why[f] = s;
		return;
	}
	/* several objects with the same story: keep the message readable */
	if (strlen(e->why[f]) < 600) {
		char *j = xasprintf("%s; %s", e->why[f], s);
		free(e->why[f]);
		e->why[f] = j;
	}
	free(s);
}

static const char *short_name(const char *path, const char *cwd)
{
	size_t n = strlen(cwd);
	if (n && !strncmp(path, cwd, n) && path[n] == '/')
		return path + n + 1;
	return path;
}

static bool is_c_source(const char *p)
{
	static const char *const ext[] = { ".c", ".cc", ".cpp", ".cxx", ".C", ".c++", ".i", ".ii", ".m" };
	for (size_t i = 0; i < ARRAY_SIZE(ext); i++)
		if (ends_with(p, ext[i]))
			return true;
	return false;
}

static bool is_asm_source(const char *p)
{
	return ends_with(p, ".s") || ends_with(p, ".S") || ends_with(p, ".sx");
}

/* The latest compile call before `before` that wrote `path`, or NULL. */
static const struct wrap_call *producer(const struct wrap_call *calls, size_t before,
					const char *path)
{
	for (size_t i = before; i-- > 0;)
		if (calls[i].mode == WRAP_COMPILE && calls[i].output && !strcmp(calls[i].output, path))
			return &calls[i];
	return NULL;
}

/* One contributor (the link call's own sources, or an object's compile call). */
static void contribute(struct wrap_expect *e, const struct wrap_call *c, const char *what,
		       bool asm_only)
{
	for (size_t k = 0; k < ARRAY_SIZE(compile_time); k++) {
		enum wrap_feature f = compile_time[k];
		if (c->applied & WRAP_BIT(f))
			e->wanted |= WRAP_BIT(f);
		else if (c->dropped[f]) {
			e->wanted |= WRAP_BIT(f);
			add_why(e, f, "%s: %s", what, c->dropped[f]);
		}
	}
	if (asm_only)
		add_why(e, WF_NOEXECSTACK, "%s: from an assembler file, check its .note.GNU-stack", what);
}

static void expect_one(const struct wrap_call *calls, size_t idx, struct wrap_expect *e)
{
	const struct wrap_call *l = &calls[idx];
	memset(e, 0, sizeof(*e));
	e->output = xstrdup(l->output ? l->output : "a.out");
	e->line = l->line;
	e->mode = l->mode;
	for (size_t k = 0; k < ARRAY_SIZE(link_time); k++) {
		enum wrap_feature f = link_time[k];
		if (l->applied & WRAP_BIT(f))
			e->wanted |= WRAP_BIT(f);
		else if (l->dropped[f]) {
			e->wanted |= WRAP_BIT(f);
			add_why(e, f, "link: %s", l->dropped[f]);
		}
	}
	bool own_sources = false;
	for (size_t i = 0; i < l->inputs.n; i++) {
		const char *in = l->inputs.v[i];
		const char *name = short_name(in, l->cwd);
		if (is_c_source(in)) {
			own_sources = true;
			continue;
		}
		if (is_asm_source(in)) {
			add_why(e, WF_NOEXECSTACK, "%s: assembler file, check its .note.GNU-stack", name);
			continue;
		}
		if (!ends_with(in, ".o") && !ends_with(in, ".obj"))
			continue; /* libraries: their own link calls are checked on their own */
		const struct wrap_call *c = producer(calls, idx, in);
		if (!c) {
			/* what the package's profile asked for, this object never got */
			for (size_t k = 0; k < ARRAY_SIZE(compile_time); k++)
				if (l->requested & WRAP_BIT(compile_time[k])) {
					e->wanted |= WRAP_BIT(compile_time[k]);
					add_why(e, compile_time[k], "%s: not compiled through harden cc", name);
				}
			continue;
		}
		bool asm_only = c->inputs.n && !is_c_source(c->inputs.v[0]) && is_asm_source(c->inputs.v[0]);
		contribute(e, c, name, asm_only);
	}
	if (own_sources)
		contribute(e, l, "sources compiled in the link call", false);
}

void wrap_expectations(const struct wrap_call *calls, size_t n, struct wrap_expect **out,
		       size_t *nout)
{
	struct wrap_expect *v = NULL;
	size_t nv = 0;
	for (size_t i = 0; i < n; i++) {
		const struct wrap_call *c = &calls[i];
		if (c->mode != WRAP_LINK_EXE && c->mode != WRAP_LINK_SHARED)
			continue;
		const char *path = c->output ? c->output : "a.out";
		size_t j = 0;
		while (j < nv && strcmp(v[j].output, path))
			j++;
		if (j == nv)
			v = xrealloc(v, ++nv * sizeof(*v));
		else
			wrap_expect_free(&v[j], 1); /* relinked: the last link wins */
		expect_one(calls, i, &v[j]);
	}
	*out = v;
	*nout = nv;
}

void wrap_expect_free(struct wrap_expect *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].output);
		for (int f = 0; f < WF_COUNT; f++)
			free(e[i].why[f]);
	}
}
