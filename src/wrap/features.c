/*
 * features.c — feature names, profiles and feature lists.
 *
 * The names are the user interface (HARDEN_DISABLE=fortify,pie, cc.conf,
 * the JSON log), so they are spelled once, here. An unknown name is always an
 * error: a typo in HARDEN_DISABLE that silently left a feature on (or off)
 * would defeat the point of naming them.
 */
#include "wrap/wrap.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const feature_names[WF_COUNT] = {
	[WF_STACKPROTECTOR] = "stackprotector",
	[WF_FORTIFY] = "fortify",
	[WF_PIE] = "pie",
	[WF_RELRO] = "relro",
	[WF_BINDNOW] = "bindnow",
	[WF_NOEXECSTACK] = "noexecstack",
	[WF_STACKCLASH] = "stackclash",
	[WF_CET] = "cet",
	[WF_GLIBCXXASSERTIONS] = "glibcxxassertions",
	[WF_AUTOVARINIT] = "autovarinit",
	[WF_STRICTOVERFLOW] = "strictoverflow",
	[WF_FORMAT] = "format",
};

/*
 * default: everything with no behaviour change for correct programs except
 * zero-initialising automatic variables, which hides bugs the sanitizers
 * would find and costs a little; strict: everything; compat: also without
 * stack clash probing, for code that plays tricks with its stack.
 */
static const struct {
	const char *name;
	wrap_set set;
} profiles[] = {
	{ "default", WRAP_ALL & ~WRAP_BIT(WF_AUTOVARINIT) },
	{ "strict", WRAP_ALL },
	{ "compat", WRAP_ALL & ~WRAP_BIT(WF_AUTOVARINIT) & ~WRAP_BIT(WF_STACKCLASH) },
};

static const char *const mode_names[] = {
	[WRAP_PASSTHROUGH] = "passthrough",
	[WRAP_PREPROCESS] = "preprocess",
	[WRAP_COMPILE] = "compile",
	[WRAP_LINK_EXE] = "link-exe",
	[WRAP_LINK_SHARED] = "link-shared",
};

const char *wrap_feature_name(enum wrap_feature f)
{
	return (unsigned)f < WF_COUNT ? feature_names[f] : "?";
}

int wrap_feature_lookup(const char *name)
{
	for (int i = 0; i < WF_COUNT; i++)
		if (!strcmp(name, feature_names[i]))
			return i;
	return -1;
}

const char *wrap_mode_name(enum wrap_mode m)
{
	return (unsigned)m < ARRAY_SIZE(mode_names) ? mode_names[m] : "?";
}

int wrap_mode_lookup(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(mode_names); i++)
		if (!strcmp(name, mode_names[i]))
			return (int)i;
	return -1;
}

int wrap_profile(const char *name, wrap_set *out, struct herr *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(profiles); i++)
		if (!strcmp(name, profiles[i].name)) {
			*out = profiles[i].set;
			return 0;
		}
	return herr_set(err, "unknown profile '%s' (known: default, strict, compat)", name);
}

int wrap_parse_features(const char *list, wrap_set *out, struct herr *err)
{
	wrap_set s = 0;
	const char *p = list;
	while (*p) {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		size_t n = strcspn(p, ", \t\n\r");
		if (!n)
			break;
		char *word = xstrndup(p, n);
		int f = wrap_feature_lookup(word);
		if (!strcmp(word, "all"))
			s |= WRAP_ALL;
		else if (f >= 0)
			s |= WRAP_BIT(f);
		else {
			struct buf known = { 0 };
			for (int i = 0; i < WF_COUNT; i++)
				buf_addf(&known, "%s, ", feature_names[i]);
			herr_set(err, "unknown feature '%s' (known: %sall)", word, known.p);
			buf_free(&known);
			free(word);
			return -1;
		}
		free(word);
		p += n;
	}
	*out = s;
	return 0;
}

char *wrap_format_features(wrap_set s)
{
	struct buf b = { 0 };
	buf_adds(&b, "");
	for (int i = 0; i < WF_COUNT; i++)
		if (s & WRAP_BIT(i))
			buf_addf(&b, "%s%s", b.len ? "," : "", feature_names[i]);
	return b.p;
}
