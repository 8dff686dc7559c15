/*
 * policy.c — property names and profiles: which verdicts are required.
 *
 *   default: what every distribution can demand today: PIE, full RELRO,
 *            stack protector, FORTIFY where fortifiable, NX, no RWX segment,
 *            no TEXTREL, no insecure RPATH/RUNPATH.
 *   strict:  default plus CET (IBT and SHSTK) and stack-clash protection.
 *   compat:  default without FORTIFY and canary (old toolchains, odd libcs).
 */
#include "check/check.h"

#include <stdlib.h>
#include <string.h>

static const char *const prop_names[PROP_COUNT] = {
	[PROP_PIE] = "pie", [PROP_RELRO] = "relro", [PROP_BIND_NOW] = "bind_now",
	[PROP_CANARY] = "canary", [PROP_FORTIFY] = "fortify", [PROP_NX] = "nx",
	[PROP_RWX] = "rwx", [PROP_TEXTREL] = "textrel", [PROP_RPATH] = "rpath",
	[PROP_RUNPATH] = "runpath", [PROP_IBT] = "ibt", [PROP_SHSTK] = "shstk",
	[PROP_STACK_CLASH] = "stack_clash", [PROP_STRIPPED] = "stripped",
};

const char *prop_name(enum prop p)
{
	return (unsigned)p < PROP_COUNT ? prop_names[p] : "?";
}

int prop_from_name(const char *name)
{
	for (int i = 0; i < PROP_COUNT; i++)
		if (!strcmp(name, prop_names[i]))
			return i;
	/* friendly aliases, as the peers spell them */
	if (!strcmp(name, "ssp") || !strcmp(name, "stackprotector"))
		return PROP_CANARY;
	if (!strcmp(name, "bindnow"))
		return PROP_BIND_NOW;
	if (!strcmp(name, "stackclash"))
		return PROP_STACK_CLASH;
	return -1;
}

const char *state_name(enum state s)
{
	static const char *const names[] = {
		[ST_YES] = "yes", [ST_NO] = "no", [ST_FULL] = "full", [ST_PARTIAL] = "partial",
		[ST_NONE] = "none", [ST_NA] = "n/a", [ST_UNKNOWN] = "unknown",
	};
	return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "?";
}

int policy_init(struct policy *p, const char *profile, struct herr *err)
{
	static const enum prop base[] = { PROP_PIE, PROP_RELRO, PROP_CANARY, PROP_FORTIFY, PROP_NX,
					  PROP_RWX, PROP_TEXTREL, PROP_RPATH, PROP_RUNPATH };
	memset(p, 0, sizeof(*p));
	if (strcmp(profile, "default") && strcmp(profile, "strict") && strcmp(profile, "compat"))
		return herr_set(err, "unknown profile '%s' (known: default, strict, compat)", profile);
	snprintf(p->name, sizeof(p->name), "%s", profile);
	for (size_t i = 0; i < ARRAY_SIZE(base); i++)
		p->required[base[i]] = true;
	if (!strcmp(profile, "strict"))
		p->required[PROP_IBT] = p->required[PROP_SHSTK] = p->required[PROP_STACK_CLASH] = true;
	if (!strcmp(profile, "compat"))
		p->required[PROP_FORTIFY] = p->required[PROP_CANARY] = false;
	return 0;
}

int policy_require(struct policy *p, const char *list, bool required, struct herr *err)
{
	char *copy = xstrdup(list), *save = NULL;
	int rc = 0;
	for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		if (!strcmp(tok, "all")) {
			for (int i = 0; i < PROP_COUNT; i++)
				p->required[i] = required;
			continue;
		}
		int prop = prop_from_name(tok);
		if (prop < 0) {
			rc = herr_set(err, "unknown property '%s' (known: pie, relro, bind_now, canary, fortify, nx, rwx, "
				      "textrel, rpath, runpath, ibt, shstk, stack_clash, stripped, all)", tok);
			break;
		}
		p->required[prop] = required;
	}
	free(copy);
	return rc;
}

void policy_describe(const struct policy *p, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < PROP_COUNT && used < len; i++)
		if (p->required[i])
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "", prop_names[i]);
}
