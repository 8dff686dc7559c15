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

#define DL_TABLE struct libjansson
DL_LIBRARY(libjansson, LIBJANSSON_FUNCTIONS, "libjansson.so.4", "libjansson4",
	   "to write and read JSON", "json",
	   "write and read JSON", "required")

bool libjansson_load(struct herr *err)
{
	return libjansson_table(err) != NULL;
}

DL_FORWARD(libjansson, json_t *, json_array, (void), (), NULL)
DL_FORWARD(libjansson, int, json_array_append_new, (json_t *array, json_t *value), (array, value), -1)
DL_FORWARD(libjansson, json_t *, json_array_get, (const json_t *array, size_t index), (array, index), NULL)
DL_FORWARD(libjansson, size_t, json_array_size, (const json_t *array), (array), 0)
DL_FORWARD(libjansson, int, json_dump_callback, (const json_t *json, json_dump_callback_t callback, void *data, size_t flags),
	(json, callback, data, flags), -1)
DL_FORWARD(libjansson, int, json_dumpf, (const json_t *json, FILE *output, size_t flags), (json, output, flags), -1)
DL_FORWARD(libjansson, char *, json_dumps, (const json_t *json, size_t flags), (json, flags), NULL)
DL_FORWARD(libjansson, json_t *, json_false, (void), (), NULL)
DL_FORWARD(libjansson, json_t *, json_integer, (json_int_t value), (value), NULL)
DL_FORWARD(libjansson, json_t *, json_loadb, (const char *buffer, size_t buflen, size_t flags, json_error_t *error),
	(buffer, buflen, flags, error), NULL)
DL_FORWARD(libjansson, json_t *, json_loads, (const char *input, size_t flags, json_error_t *error), (input, flags, error),
	NULL)
DL_FORWARD(libjansson, json_t *, json_null, (void), (), NULL)
DL_FORWARD(libjansson, json_t *, json_object, (void), (), NULL)
DL_FORWARD(libjansson, json_t *, json_object_get, (const json_t *object, const char *key), (object, key), NULL)
DL_FORWARD(libjansson, void *, json_object_iter, (json_t *object), (object), NULL)
DL_FORWARD(libjansson, const char *, json_object_iter_key, (void *iter), (iter), NULL)
DL_FORWARD(libjansson, void *, json_object_iter_next, (json_t *object, void *iter), (object, iter), NULL)
DL_FORWARD(libjansson, json_t *, json_object_iter_value, (void *iter), (iter), NULL)
DL_FORWARD(libjansson, void *, json_object_key_to_iter, (const char *key), (key), NULL)
DL_FORWARD(libjansson, int, json_object_set_new, (json_t *object, const char *key, json_t *value), (object, key, value), -1)
DL_FORWARD(libjansson, int, json_object_set_new_nocheck, (json_t *object, const char *key, json_t *value),
	(object, key, value), -1)
DL_FORWARD(libjansson, json_t *, json_real, (double value), (value), NULL)
DL_FORWARD(libjansson, json_t *, json_string, (const char *value), (value), NULL)
DL_FORWARD(libjansson, json_t *, json_string_nocheck, (const char *value), (value), NULL)
DL_FORWARD(libjansson, const char *, json_string_value, (const json_t *string), (string), NULL)
DL_FORWARD(libjansson, json_t *, json_stringn, (const char *value, size_t len), (value, len), NULL)
DL_FORWARD(libjansson, json_t *, json_true, (void), (), NULL)
DL_FORWARD(libjansson, json_t *, json_vpack_ex, (json_error_t *error, size_t flags, const char *fmt, va_list ap),
	(error, flags, fmt, ap), NULL)

/* Values exist only if the library was loaded. */
void json_delete(json_t *json)
{
	const struct libjansson *l = libjansson_table(NULL);
	if (l)
		l->json_delete(json);
}

void json_object_seed(size_t seed)
{
	const struct libjansson *l = libjansson_table(NULL);
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
