/*
 * log.c — HARDEN_LOG: one JSON line per compiler call.
 *
 * The log is what `harden cc-verify` later holds the binaries to: for every
 * call it records the argv as the package gave it and as the compiler got
 * it, the mode, the working directory (to resolve relative paths), inputs
 * and output, the features applied and the ones dropped with the reason.
 * Lines are appended with one write() on an O_APPEND descriptor, so a
 * parallel make interleaves whole lines, never halves of them.
 */
#include "wrap/wrap.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* jansson refuses invalid UTF-8; arguments are bytes, so fall back to escaping. */
static json_t *safe_string(const char *s)
{
	json_t *j = json_string(s);
	if (j)
		return j;
	struct buf b = { 0 };
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x80)
			buf_add(&b, p, 1);
		else
			buf_addf(&b, "\\x%02x", *p);
	j = json_string(b.p ? b.p : "");
	buf_free(&b);
	return j;
}

static json_t *safe_array(char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, safe_string(v[i]));
	return a;
}

char *wrap_log_line(const struct wrap_log_entry *e)
{
	const struct wrap_plan *p = e->plan;
	json_t *o = json_object();
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	json_object_set_new(o, "time", json_real((double)ts.tv_sec + ts.tv_nsec / 1e9));
	json_object_set_new(o, "cwd", safe_string(e->cwd ? e->cwd : ""));
	json_object_set_new(o, "compiler", safe_string(e->compiler));
	json_object_set_new(o, "mode", json_string(wrap_mode_name(p->mode)));
	json_object_set_new(o, "argv_in", safe_array(e->argv_in, e->nargv_in));
	json_object_set_new(o, "argv_out", safe_array(p->argv.v, p->argv.n));
	const char *output = e->scan->output;
	if (!output && (p->mode == WRAP_LINK_EXE || p->mode == WRAP_LINK_SHARED))
		output = "a.out";
	json_object_set_new(o, "output", output ? safe_string(output) : json_null());
	json_object_set_new(o, "inputs", safe_array(e->scan->inputs.v, e->scan->inputs.n));
	json_t *requested = json_array(), *applied = json_array(), *dropped = json_object();
	for (int f = 0; f < WF_COUNT; f++) {
		if (p->requested & WRAP_BIT(f))
			json_array_append_new(requested, json_string(wrap_feature_name(f)));
		if (p->applied & WRAP_BIT(f))
			json_array_append_new(applied, json_string(wrap_feature_name(f)));
		if (p->dropped[f])
			json_object_set_new(dropped, wrap_feature_name(f), safe_string(p->dropped[f]));
	}
	json_object_set_new(o, "requested", requested);
	json_object_set_new(o, "applied", applied);
	json_object_set_new(o, "dropped", dropped);
	json_object_set_new(o, "notes", safe_array(p->notes.v, p->notes.n));
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	char *line = xasprintf("%s\n", s ? s : "{}");
	free(s);
	return line;
}

int wrap_log_append(const char *file, const char *line, struct herr *err)
{
	int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return herr_set(err, "HARDEN_LOG=%s: cannot open: %s", file, strerror(errno));
	size_t n = strlen(line);
	ssize_t w = write(fd, line, n);
	int e = errno;
	close(fd);
	if (w != (ssize_t)n)
		return herr_set(err, "HARDEN_LOG=%s: short write: %s", file,
				w < 0 ? strerror(e) : "disk full?");
	return 0;
}
