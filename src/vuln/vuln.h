/*
 * vuln — pkgsrc vulnerability auditing: the pkg-vulnerabilities list, dewey
 * version comparison, the package pattern language, and matching installed
 * packages against the list quickly.
 *
 * Everything here is pure data in, data out: parsers return errors with a
 * file and line in struct herr and never print; src/cli/audit.c decides what
 * the user sees and the exit status.
 */
#ifndef HARDEN_VULN_H
#define HARDEN_VULN_H

#include "util/util.h"

#include <time.h>

/* ---- dewey.c: version comparison ---------------------------------------- */

enum dewey_op { DEWEY_LT, DEWEY_LE, DEWEY_EQ, DEWEY_GE, DEWEY_GT, DEWEY_NE };

/* <0, 0, >0 as version a is older than, equal to, newer than b. */
int dewey_cmp(const char *a, const char *b);
int dewey_cmp_n(const char *a, size_t alen, const char *b, size_t blen);
/* Parse "<=", "<", ">=", ">", "==", "!=" at s: its length, or -1. */
int dewey_parse_op(const char *s, enum dewey_op *op);
bool dewey_test(int cmp, enum dewey_op op);

/* ---- pattern.c: the package pattern language ---------------------------- */

#define PATTERN_MAX_ALTERNATIVES 4096

/* 1 match, 0 no match, -1 malformed pattern (pkg_install would abort). */
int pattern_match(const char *pattern, const char *pkg);
/* The relational part alone ("name<1.0", "name>=1<2"): 1, 0, or -1. */
int pattern_dewey_match(const char *pattern, const char *pkg);
/* Expand {a,b} alternatives into brace-free patterns appended to out. */
int pattern_expand(const char *pattern, struct strvec *out, struct herr *err);
/* Length of the literal text a brace-free pattern starts with: every package
 * it matches starts with these characters. */
size_t pattern_literal_prefix(const char *leaf);
/* Split NAME-VERSION at the last '-'; false when there is none. */
bool pattern_base_name(const char *pkg, const char **version, size_t *base_len);

#endif
