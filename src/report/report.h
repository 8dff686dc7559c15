/*
 * report — writers for scan records: text for people, JSON lines and SARIF
 * for machines. One interface: begin, one call per record in input order,
 * end with the run's summary. Writers only format; they decide nothing.
 */
#ifndef HARDEN_REPORT_H
#define HARDEN_REPORT_H

#include <jansson.h>

#include "scan/scan.h"

struct report_opts {
	bool color;             /* ANSI colour (text, only on a terminal) */
	bool quiet;             /* text: only files with findings */
	const struct policy *policy;
};


struct reporter {
	const struct reporter_ops *ops;
	FILE *out;
	struct report_opts o;
	void *state;
};
struct reporter_ops {
	/*
	 * render: the record's text into out, without side effects, so that
	 * it can run on worker threads; NULL for writers that must see every
	 * record first (SARIF). record: write one record (in input order).
	 */
	void (*render)(const struct reporter *r, const struct scan_record *rec, struct buf *out);
	void (*begin)(struct reporter *r);
	void (*record)(struct reporter *r, const struct scan_record *rec);
	void (*end)(struct reporter *r, const struct summary *s);
};

/* format: "text", "json" or "sarif". */
int reporter_open(struct reporter *r, const char *format, FILE *out,
		  const struct report_opts *o, struct herr *err);
void reporter_close(struct reporter *r);
/* Write one record: its pre-rendered text if it has one, else through the writer. */
void reporter_write(struct reporter *r, const struct scan_record *rec);

/* The stable JSON object for one record (documented in docs/scan-json.md). */
json_t *report_record_json(const struct scan_record *rec);

extern const struct reporter_ops report_text_ops, report_json_ops, report_sarif_ops;
extern const struct reporter_ops report_html_ops;

#endif
