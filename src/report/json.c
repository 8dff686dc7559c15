/*
 * json.c — JSON lines: one object per ELF file (or per unreadable input),
 * in input order, compact, one per line, so `jq` and `grep` both work.
 */
#include "report/report.h"

#include <stdlib.h>

static void json_render(const struct reporter *r, const struct scan_record *rec, struct buf *out)
{
	(void)r;
	json_t *o = report_record_json(rec);
	char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (line) {
		buf_adds(out, line);
		buf_adds(out, "\n");
		free(line);
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
