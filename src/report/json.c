/*
 * json.c — JSON lines: one object per ELF file (or per unreadable input),
 * in input order, compact, one per line, so `jq` and `grep` both work.
 */
#include "report/report.h"

#include <stdlib.h>

static void json_begin(struct reporter *r)
{
	(void)r;
}

static void json_record(struct reporter *r, const struct scan_record *rec)
{
	json_t *o = report_record_json(rec);
	/* one string, one write: json_dumpf writes token by token */
	char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (line) {
		fputs(line, r->out);
		fputc('\n', r->out);
		free(line);
	}
	json_decref(o);
}

static void json_end(struct reporter *r, const struct summary *s)
{
	(void)r;
	(void)s;
}

const struct reporter_ops report_json_ops = { json_begin, json_record, json_end };
