/*
 * libjansson.c — libjansson.so.4, loaded the first time a JSON value is
 * made or read, so that `harden sandbox` and `harden cc` (unless it logs)
 * start without it. Like libelf.c, this file defines each jansson function
 * harden calls, under its own name and with the prototype of <jansson.h>,
 * forwarding to the loaded library: call sites, and the header's inline
 * functions and macros (json_decref, json_object_foreach), stay as they are.
 * json_pack(), variadic, goes through json_vpack_ex().
 *
 * Commands that write or read JSON load it up front (main.c, the cc log)
 * and fail with a clear message when it is missing; a call arriving
 * unloaded anyway fails the way jansson does, with NULL or -1.
 */
#include "dl/dl.h"

#include <jansson.h>
#include <stdarg.h>

#define LIBJANSSON_FUNCTIONS(X) \
	X(json_array) \
	X(json_array_append_new) \
	X(json_array_get) \
	X(json_array_size) \
	X(json_delete) \
	X(json_dump_callback) \
	X(json_dumpf) \
	X(json_dumps) \
	X(json_false) \
	X(json_integer) \
	X(json_loadb) \
	X(json_loads) \
	X(json_null) \
	X(json_object) \
	X(json_object_get) \
	X(json_object_iter) \
	X(json_object_iter_key) \
	X(json_object_iter_next) \
	X(json_object_iter_value) \
	X(json_object_key_to_iter) \
	X(json_object_seed) \
	X(json_object_set_new) \
	X(json_object_set_new_nocheck) \
	X(json_real) \
	X(json_string) \
	X(json_string_nocheck) \
	X(json_string_value) \
	X(json_stringn) \
	X(json_true) \
	X(json_vpack_ex)

struct libjansson {
	LIBJANSSON_FUNCTIONS(DL_POINTER)
};

#define LIBJANSSON_SYMBOL(name) DL_SYMBOL(struct libjansson, name)
static const struct dl_symbol symbols[] = { LIBJANSSON_FUNCTIONS(LIBJANSSON_SYMBOL) };

DL_ELF_NOTE(dlopen_note, "[{\"feature\":\"json\",\"description\":\"write and read JSON\","
			 "\"priority\":\"required\",\"soname\":[\"libjansson.so.4\"]}]");

static const struct dl_library library = {
	.soname = "libjansson.so.4",
	.package = "libjansson4",
	.purpose = "to write and read JSON",
	.symbols = symbols,
	.nsymbols = ARRAY_SIZE(symbols),
	.table_size = sizeof(struct libjansson),
};

static struct dl_lazy lazy = DL_LAZY_INIT;

bool libjansson_load(struct herr *err)
{
	return dl_load_once(&library, &lazy, err) != NULL;
}

static const struct libjansson *loaded(void)
{
	struct herr ignored;
	return dl_load_once(&library, &lazy, &ignored);
}

/* name(params): the library's name(args), or fail when it cannot be loaded. */
#define FORWARD(ret, name, params, args, fail) \
	ret name params \
	{ \
		const struct libjansson *l = loaded(); \
		return l ? l->name args : fail; \
	}

FORWARD(json_t *, json_array, (void), (), NULL)
FORWARD(int, json_array_append_new, (json_t *array, json_t *value), (array, value), -1)
FORWARD(json_t *, json_array_get, (const json_t *array, size_t index), (array, index), NULL)
FORWARD(size_t, json_array_size, (const json_t *array), (array), 0)
FORWARD(int, json_dump_callback, (const json_t *json, json_dump_callback_t callback, void *data, size_t flags),
	(json, callback, data, flags), -1)
FORWARD(int, json_dumpf, (const json_t *json, FILE *output, size_t flags), (json, output, flags), -1)
FORWARD(char *, json_dumps, (const json_t *json, size_t flags), (json, flags), NULL)
FORWARD(json_t *, json_false, (void), (), NULL)
FORWARD(json_t *, json_integer, (json_int_t value), (value), NULL)
FORWARD(json_t *, json_loadb, (const char *buffer, size_t buflen, size_t flags, json_error_t *error),
	(buffer, buflen, flags, error), NULL)
FORWARD(json_t *, json_loads, (const char *input, size_t flags, json_error_t *error), (input, flags, error),
	NULL)
FORWARD(json_t *, json_null, (void), (), NULL)
FORWARD(json_t *, json_object, (void), (), NULL)
FORWARD(json_t *, json_object_get, (const json_t *object, const char *key), (object, key), NULL)
FORWARD(void *, json_object_iter, (json_t *object), (object), NULL)
FORWARD(const char *, json_object_iter_key, (void *iter), (iter), NULL)
FORWARD(void *, json_object_iter_next, (json_t *object, void *iter), (object, iter), NULL)
FORWARD(json_t *, json_object_iter_value, (void *iter), (iter), NULL)
FORWARD(void *, json_object_key_to_iter, (const char *key), (key), NULL)
FORWARD(int, json_object_set_new, (json_t *object, const char *key, json_t *value), (object, key, value), -1)
FORWARD(int, json_object_set_new_nocheck, (json_t *object, const char *key, json_t *value),
	(object, key, value), -1)
FORWARD(json_t *, json_real, (double value), (value), NULL)
FORWARD(json_t *, json_string, (const char *value), (value), NULL)
FORWARD(json_t *, json_string_nocheck, (const char *value), (value), NULL)
FORWARD(const char *, json_string_value, (const json_t *string), (string), NULL)
FORWARD(json_t *, json_stringn, (const char *value, size_t len), (value, len), NULL)
FORWARD(json_t *, json_true, (void), (), NULL)
FORWARD(json_t *, json_vpack_ex, (json_error_t *error, size_t flags, const char *fmt, va_list ap),
	(error, flags, fmt, ap), NULL)

/* Values exist only if the library was loaded. */
void json_delete(json_t *json)
{
	const struct libjansson *l = loaded();
	if (l)
		l->json_delete(json);
}

void json_object_seed(size_t seed)
{
	const struct libjansson *l = loaded();
	if (l)
		l->json_object_seed(seed);
}

json_t *json_pack(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	json_t *value = json_vpack_ex(NULL, 0, fmt, ap);
	va_end(ap);
	return value;
}
