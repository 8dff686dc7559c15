/*
 * producer.c — recover compile flags from a DW_AT_producer string, e.g.
 *   "GNU C17 12.2.0 -mtune=generic -march=x86-64 -g -O2 -fstack-protector-strong"
 * gcc records the options that affect code generation (-grecord-gcc-switches,
 * on by default) but never -D macros, so _FORTIFY_SOURCE is usually not
 * recorded: we say "not recorded" rather than guess. Later options win, as
 * they do on the compiler's command line.
 */
#include "elf/elf.h"

#include <string.h>

/* Copy a flag value, truncating silently: values longer than the field are bogus anyway. */
static void set(char *dst, size_t n, const char *v)
{
	size_t len = strnlen(v, n - 1);
	memcpy(dst, v, len);
	dst[len] = '\0';
}

static void parse_option(const char *opt, struct cu_flags *cf)
{
	if (starts_with(opt, "-O"))
		set(cf->opt, sizeof(cf->opt), opt[2] ? opt + 2 : "1");
	else if (!strcmp(opt, "-fstack-protector"))
		set(cf->ssp, sizeof(cf->ssp), "default");
	else if (starts_with(opt, "-fstack-protector-"))
		set(cf->ssp, sizeof(cf->ssp), opt + strlen("-fstack-protector-"));
	else if (!strcmp(opt, "-fno-stack-protector"))
		set(cf->ssp, sizeof(cf->ssp), "none");
	else if (starts_with(opt, "-D_FORTIFY_SOURCE"))
		cf->fortify = opt[17] == '=' ? opt[18] - '0' : 1;
	else if (!strcmp(opt, "-U_FORTIFY_SOURCE"))
		cf->fortify = 0;
	else if (!strcmp(opt, "-fstack-clash-protection"))
		cf->stack_clash = 1;
	else if (!strcmp(opt, "-fno-stack-clash-protection"))
		cf->stack_clash = 0;
	else if (!strcmp(opt, "-fcf-protection"))
		set(cf->cf, sizeof(cf->cf), "full");
	else if (starts_with(opt, "-fcf-protection="))
		set(cf->cf, sizeof(cf->cf), opt + strlen("-fcf-protection="));
}

void cu_flags_parse(const char *producer, struct cu_flags *cf)
{
	cf->fortify = -1;
	cf->stack_clash = -1;
	cf->opt[0] = cf->ssp[0] = cf->cf[0] = '\0';
	cf->is_c = starts_with(producer, "GNU C") || starts_with(producer, "GNU Fortran") ||
		   strstr(producer, "clang version") != NULL;
	const char *p = producer;
	while (*p) {
		while (*p == ' ')
			p++;
		size_t len = strcspn(p, " ");
		if (len && *p == '-' && len < 128) {
			char opt[128];
			memcpy(opt, p, len);
			opt[len] = '\0';
			parse_option(opt, cf);
		}
		p += len;
	}
}
