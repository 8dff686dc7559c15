/*
 * dewey.c — pkgsrc version comparison ("dewey decimal"), as pkg_install's
 * dewey_cmp() defines it, because every verdict of `harden audit` rests on
 * it: a wrong answer here silently hides a vulnerable package.
 *
 * A version is read as a sequence of components:
 *   - a run of digits is a number;
 *   - "alpha" = -3, "beta" = -2, "pre" = "rc" = -1, and "pl", "_", "." = 0
 *     are components of their own (matched case-insensitively);
 *   - "nbN" is not a component: it is remembered and compared last, after
 *     every other component is equal (the last "nb" wins, as in the reference);
 *   - any other letter x becomes two components: 0 and x - 'a' + 1;
 *   - anything else is skipped.
 * Missing components compare as 0, so 1.0 = 1.0.0 = 1.
 *
 * The reference accumulates numbers in an int and subtracts them, which
 * overflows (undefined behaviour) for numbers of ten or more digits. We
 * compare numbers of any length exactly, as big decimal numbers: this
 * deviates from pkg_install only where pkg_install's own answer is an
 * accident of 32-bit wrap-around (documented in docs/harden-audit.1).
 *
 * Components are produced one at a time by an iterator over the string, so a
 * comparison allocates nothing and stops at the first difference: auditing
 * compares a great many versions.
 */
#include "vuln/vuln.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define component dewey_component

struct dewey_iter {
	const char *p, *end;
	int pending_letter; /* second half of a letter component, or 0 */
	struct component nb;
};

static const struct {
	const char *s;
	size_t len;
	int value;
} modifiers[] = {
	{ "alpha", 5, -3 }, { "beta", 4, -2 }, { "pre", 3, -1 }, { "rc", 2, -1 },
	{ "pl", 2, 0 },     { "_", 1, 0 },     { ".", 1, 0 },
};

/* Digits longer than this do not fit in a long long: keep them as text. */
#define SMALL_DIGITS 18

static const char *read_number(const char *p, const char *end, struct component *c)
{
	while (p < end && *p == '0')
		p++;
	const char *start = p;
	while (p < end && isdigit((unsigned char)*p))
		p++;
	size_t n = (size_t)(p - start);
	c->digits = NULL;
	c->ndigits = 0;
	c->small = 0;
	if (n > SMALL_DIGITS) {
		c->digits = start;
		c->ndigits = n;
	} else {
		for (const char *q = start; q < p; q++)
			c->small = c->small * 10 + (*q - '0');
	}
	return p;
}

static bool prefix_ci(const char *p, const char *end, const char *word, size_t len)
{
	return (size_t)(end - p) >= len && strncasecmp(p, word, len) == 0;
}

/* The modifier starting at p (index into modifiers[]), or -1. Dispatching on
 * the first letter keeps this off the profile: it runs for every letter. */
static int modifier_at(const char *p, const char *end)
{
	switch (*p) {
	case 'a': case 'A': return prefix_ci(p, end, "alpha", 5) ? 0 : -1;
	case 'b': case 'B': return prefix_ci(p, end, "beta", 4) ? 1 : -1;
	case 'p': case 'P':
		if (prefix_ci(p, end, "pre", 3))
			return 2;
		return prefix_ci(p, end, "pl", 2) ? 4 : -1;
	case 'r': case 'R': return prefix_ci(p, end, "rc", 2) ? 3 : -1;
	case '_': return 5;
	case '.': return 6;
	default: return -1;
	}
}

/* Next component into *c; false when the string is exhausted. */
static bool next_component(struct dewey_iter *it, struct component *c)
{
	if (it->pending_letter) {
		*c = (struct component){ .small = it->pending_letter };
		it->pending_letter = 0;
		return true;
	}
	while (it->p < it->end) {
		const char *p = it->p;
		if (isdigit((unsigned char)*p)) {
			/* leading zeros are digits too: "007" is one component */
			it->p = read_number(p, it->end, c);
			return true;
		}
		int m = modifier_at(p, it->end);
		if (m >= 0) {
			it->p = p + modifiers[m].len;
			*c = (struct component){ .small = modifiers[m].value };
			return true;
		}
		if ((*p == 'n' || *p == 'N') && prefix_ci(p, it->end, "nb", 2)) {
			it->p = read_number(p + 2, it->end, &it->nb);
			continue;
		}
		it->p = p + 1;
		if (isalpha((unsigned char)*p)) {
			it->pending_letter = tolower((unsigned char)*p) - 'a' + 1;
			*c = (struct component){ .small = 0 };
			return true;
		}
		/* any other character is skipped */
	}
	return false;
}

static int compare_components(const struct component *a, const struct component *b)
{
	if (a->digits && b->digits) {
		if (a->ndigits != b->ndigits)
			return a->ndigits < b->ndigits ? -1 : 1;
		int c = memcmp(a->digits, b->digits, a->ndigits);
		return (c > 0) - (c < 0);
	}
	if (a->digits)
		return 1; /* at least 10^18: larger than any small value */
	if (b->digits)
		return -1;
	return (a->small > b->small) - (a->small < b->small);
}

int dewey_cmp_n(const char *a, size_t alen, const char *b, size_t blen)
{
	struct dewey_iter ia = { .p = a, .end = a + alen };
	struct dewey_iter ib = { .p = b, .end = b + blen };
	for (;;) {
		struct component ca = { 0 }, cb = { 0 };
		bool ha = next_component(&ia, &ca);
		bool hb = next_component(&ib, &cb);
		if (!ha && !hb)
			break;
		int c = compare_components(&ca, &cb);
		if (c)
			return c;
	}
	return compare_components(&ia.nb, &ib.nb);
}

void dewey_parse(const char *s, size_t len, struct dewey_version *v)
{
	struct dewey_iter it = { .p = s, .end = s + len };
	struct component c;
	v->n = 0;
	while (next_component(&it, &c)) {
		if (v->n == v->alloc) {
			v->alloc = v->alloc ? 2 * v->alloc : 16;
			v->c = xrealloc(v->c, v->alloc * sizeof(*v->c));
		}
		v->c[v->n++] = c;
	}
	v->nb = it.nb;
}

int dewey_cmp_parsed(const struct dewey_version *a, const struct dewey_version *b)
{
	static const struct component zero;
	size_t n = a->n > b->n ? a->n : b->n;
	for (size_t i = 0; i < n; i++) {
		int c = compare_components(i < a->n ? &a->c[i] : &zero, i < b->n ? &b->c[i] : &zero);
		if (c)
			return c;
	}
	return compare_components(&a->nb, &b->nb);
}

void dewey_version_free(struct dewey_version *v)
{
	free(v->c);
	memset(v, 0, sizeof(*v));
}

int dewey_cmp(const char *a, const char *b)
{
	return dewey_cmp_n(a, strlen(a), b, strlen(b));
}

int dewey_parse_op(const char *s, enum dewey_op *op)
{
	static const struct {
		const char *s;
		int len;
		enum dewey_op op;
	} ops[] = {
		{ "<=", 2, DEWEY_LE }, { "<", 1, DEWEY_LT },  { ">=", 2, DEWEY_GE },
		{ ">", 1, DEWEY_GT },  { "==", 2, DEWEY_EQ }, { "!=", 2, DEWEY_NE },
	};
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		if (strncmp(s, ops[i].s, (size_t)ops[i].len) == 0) {
			*op = ops[i].op;
			return ops[i].len;
		}
	}
	return -1;
}

bool dewey_test(int cmp, enum dewey_op op)
{
	switch (op) {
	case DEWEY_LT: return cmp < 0;
	case DEWEY_LE: return cmp <= 0;
	case DEWEY_EQ: return cmp == 0;
	case DEWEY_GE: return cmp >= 0;
	case DEWEY_GT: return cmp > 0;
	case DEWEY_NE: return cmp != 0;
	}
	return false;
}
