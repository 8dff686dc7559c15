/*
 * summary.c — counting records: ELF files, errors, files with findings, and
 * for each property how many files it applies to and how many have it.
 * One definition for the run's closing line, the per-package tallies of a
 * repository and the HTML report.
 */
#include "scan/scan.h"

void summary_add(struct summary *s, const struct scan_record *r)
{
	if (r->link)
		return; /* an archive's link member: reported, not an ELF */
	if (r->error) {
		if (r->warning)
			s->warnings++;
		else
			s->errors++;
		return;
	}
	s->elf++;
	if (r->res.finding_count) {
		s->with_findings++;
		s->findings += (size_t)r->res.finding_count;
	}
	for (int p = 0; p < PROP_COUNT; p++) {
		enum state st = r->res.v[p].state;
		if (st == ST_NA || st == ST_UNKNOWN)
			continue;
		s->applicable[p]++;
		s->good[p] += r->res.v[p].ok;
	}
}
