/*
 * json.c — JSON lines: one object per ELF file (or per unreadable input),
 * in input order, compact, one per line, so `jq` and `grep` both work.
 */
#include "report/report.h"

/* jansson writes straight into the record's buffer: no string to copy and free. */
static int append(const char *text, size_t size, void *data)
{
	buf_add(data, text, size);
	return 0;
}

static void json_render(const struct reporter *r, const struct scan_record *rec, struct buf *out)
{
	(void)r;
	json_t *o = report_record_json(rec);
	size_t before = out->len;
	if (json_dump_callback(o, append, out, JSON_COMPACT | JSON_PRESERVE_ORDER) == 0)
		buf_adds(out, "\n");
	else if (out->p) {
		out->len = before; /* nothing half-written: the line is lost whole, as json_dumps did */
		out->p[before] = '\0';
	}
	json_decref(o);
}

static void json_begin(struct reporter *r)
{
	(void)r;
}

static void json_end(struct reporter *r, const struct summary *s)
{
	(void)r;
	(void)s;
}

const struct reporter_ops report_json_ops = { .render = json_render, .begin = json_begin, .end = json_end };
