/*
 * response.c — @file arguments, read the way gcc reads them.
 *
 * Build systems put long command lines in response files (@objs.rsp). The
 * flags that decide our plan (-c, -shared, -O0...) may hide inside, so we
 * expand them for the analysis only; the compiler still gets the @file
 * untouched. The splitting follows libiberty's buildargv: whitespace
 * separates, '...' and "..." group, a backslash quotes the next character
 * anywhere. A file that cannot be read stays a literal argument, as in gcc.
 * This parses untrusted text, so it is fuzzed (fuzz/fuzz_wrap_config.c).
 */
#include "wrap/wrap.h"

#include <ctype.h>
#include <string.h>

#define MAX_DEPTH 16   /* @a containing @b containing ... */
#define MAX_FILES 2000 /* the same bound as libiberty's expandargv */

void wrap_split_response(const char *text, size_t len, struct strvec *out)
{
	struct buf arg = { 0 };
	bool in_arg = false, squote = false, dquote = false, backslash = false;
	for (size_t i = 0; i < len; i++) {
		char ch = text[i];
		if (backslash) {
			backslash = false;
			buf_add(&arg, &ch, 1);
		} else if (ch == '\\') {
			backslash = in_arg = true;
		} else if (squote) {
			if (ch == '\'')
				squote = false;
			else
				buf_add(&arg, &ch, 1);
		} else if (dquote) {
			if (ch == '"')
				dquote = false;
			else
				buf_add(&arg, &ch, 1);
		} else if (isspace((unsigned char)ch)) {
			if (in_arg)
				strvec_push(out, arg.p ? arg.p : "");
			buf_reset(&arg);
			in_arg = false;
		} else {
			in_arg = true;
			if (ch == '\'')
				squote = true;
			else if (ch == '"')
				dquote = true;
			else
				buf_add(&arg, &ch, 1);
		}
	}
	if (in_arg)
		strvec_push(out, arg.p ? arg.p : "");
	buf_free(&arg);
}

static int expand(char *const *args, size_t n, struct strvec *out, int depth, int *files,
		  struct herr *err)
{
	for (size_t i = 0; i < n; i++) {
		struct buf text = { 0 };
		if (args[i][0] != '@' || read_file(args[i] + 1, &text, NULL) < 0) {
			strvec_push(out, args[i]);
			buf_free(&text);
			continue;
		}
		if (depth >= MAX_DEPTH || ++*files > MAX_FILES) {
			buf_free(&text);
			return herr_set(err, "%s: response files nested too deeply (a loop?)", args[i]);
		}
		struct strvec inner = { 0 };
		wrap_split_response(text.p, text.len, &inner);
		buf_free(&text);
		int rc = expand(inner.v, inner.n, out, depth + 1, files, err);
		strvec_clear(&inner);
		if (rc < 0)
			return herr_prefix(err, "in %s", args[i]);
	}
	return 0;
}

int wrap_expand_responses(char *const *args, size_t n, struct strvec *out, struct herr *err)
{
	int files = 0;
	return expand(args, n, out, 0, &files, err);
}
