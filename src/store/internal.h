/*
 * internal.h — the store's handle, shared by the files of store/ only.
 */
#ifndef HARDEN_STORE_INTERNAL_H
#define HARDEN_STORE_INTERNAL_H

#include "dl/dl.h"
#include "store/store.h"

struct store {
	const struct libsqlite3 *sq;    /* SQLite, loaded by store_open() */
	sqlite3 *db;
	char *path;
	int64_t run;
	bool in_run;
	sqlite3_stmt *add_pkg, *add_file;
};

int store_fail(struct store *s, struct herr *err, const char *what);
/* {"pie":{"state":"yes","ok":true},...}; free() the result. */
char *store_props_json(const struct check_result *res);

#endif
