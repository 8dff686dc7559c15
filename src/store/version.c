/*
 * version.c — which of two package versions is newer, to flag downgrades.
 *
 * A small comparison in the spirit of pkgsrc's dewey and dpkg's verrevcmp,
 * good enough for both families: an epoch ("2:") first; then numbers
 * compared as numbers (without overflow: by length, then digits), words as
 * text; separators (. - + _) only separate; '~' sorts before everything,
 * even the end (1.0~rc1 < 1.0); pre-release words (alpha, beta, pre, rc)
 * sort before the end (1.0rc1 < 1.0), other words after it (1.0+dfsg > 1.0,
 * 1.0nb1 > 1.0).
 *
 * pkgsrc versions (only letters, digits, '.' and '_': the last '-' of a
 * PKGNAME separates the name) go to vuln/'s dewey_cmp(), the exact pkgsrc
 * rule that `harden audit` relies on; Debian and rpm versions (epochs,
 * revisions, '~', '+') use the comparison here.
 */
#include "store/store.h"
#include "vuln/vuln.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static unsigned long epoch(const char **s)
{
	const char *p = *s;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p != ':' || p == *s)
		return 0;
	unsigned long e = strtoul(*s, NULL, 10);
	*s = p + 1;
	return e;
}

static size_t word_len(const char *s)
{
	size_t n = 0;
	while (isalpha((unsigned char)s[n]))
		n++;
	return n;
}

/* 1 alpha, 2 beta, 3 pre/rc, 4 any other word. */
static int word_rank(const char *s, size_t n)
{
	if (n == 5 && !strncasecmp(s, "alpha", 5))
		return 1;
	if (n == 4 && !strncasecmp(s, "beta", 4))
		return 2;
	if ((n == 3 && !strncasecmp(s, "pre", 3)) || (n == 2 && !strncasecmp(s, "rc", 2)))
		return 3;
	return 4;
}

static bool is_sep(char c)
{
	return c && !isalnum((unsigned char)c) && c != '~';
}

static int compare_numbers(const char **a, const char **b)
{
	while (**a == '0')
		(*a)++;
	while (**b == '0')
		(*b)++;
	size_t la = 0, lb = 0;
	while (isdigit((unsigned char)(*a)[la]))
		la++;
	while (isdigit((unsigned char)(*b)[lb]))
		lb++;
	int c = la != lb ? (la < lb ? -1 : 1) : strncmp(*a, *b, la);
	*a += la;
	*b += lb;
	return c;
}

/* What a version that ends here is against the rest `s` of the other one. */
static int end_against(const char *s)
{
	if (*s == '~')
		return 1;
	if (isalpha((unsigned char)*s) && word_rank(s, word_len(s)) < 4)
		return 1;
	return -1;
}

static bool pkgsrc_style(const char *v)
{
	return *v && strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._") == strlen(v);
}

int version_compare(const char *a, const char *b)
{
	if (pkgsrc_style(a) && pkgsrc_style(b)) {
		int c = dewey_cmp(a, b);
		return (c > 0) - (c < 0);
	}
	unsigned long ea = epoch(&a), eb = epoch(&b);
	if (ea != eb)
		return ea < eb ? -1 : 1;
	for (;;) {
		while (is_sep(*a))
			a++;
		while (is_sep(*b))
			b++;
		if (*a == '~' || *b == '~') {
			if (*a != *b)
				return *a == '~' ? -1 : 1;
			a++, b++;
			continue;
		}
		if (!*a || !*b)
			return !*a && !*b ? 0 : !*a ? end_against(b) : -end_against(a);
		bool da = isdigit((unsigned char)*a), db = isdigit((unsigned char)*b);
		if (da && db) {
			int c = compare_numbers(&a, &b);
			if (c)
				return c;
			continue;
		}
		if (da != db) {
			/* a number against a word: a pre-release word is lower, others too */
			return da ? 1 : -1;
		}
		size_t la = word_len(a), lb = word_len(b);
		int ra = word_rank(a, la), rb = word_rank(b, lb);
		if (ra != rb)
			return ra < rb ? -1 : 1;
		int c = strncmp(a, b, la < lb ? la : lb);
		if (c || la != lb)
			return c ? (c < 0 ? -1 : 1) : (la < lb ? -1 : 1);
		a += la;
		b += lb;
	}
}
