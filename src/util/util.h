/*
 * util — small helpers shared by every subsystem.
 *
 * Errors: functions that can fail take a `struct herr *` and return -1 after
 * filling it with a message that names the file, offset or line involved.
 * Nothing here prints or exits; the cli/ layer decides what to tell the user.
 * The one exception is memory exhaustion: like git and redis we treat it as
 * fatal (xmalloc aborts with a message), because no caller can do better.
 */
#ifndef HARDEN_UTIL_H
#define HARDEN_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define HARDEN_VERSION "0.1.0"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit statuses, grep-like, used by every command. */
enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_TROUBLE = 2 };

struct herr {
	char msg[1024];
};
/* Fill err (if non-NULL) and return -1, so callers can `return herr_set(...)`. */
int herr_set(struct herr *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prefix an existing message, e.g. with a file name. */
int herr_prefix(struct herr *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
void *xmemdup(const void *p, size_t n);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* A growable array of owned strings, NULL-terminated for execv(). */
struct strvec {
	char **v;
	size_t n, alloc;
};
void strvec_push(struct strvec *sv, const char *s);
void strvec_pushf(struct strvec *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strvec_clear(struct strvec *sv);
bool strvec_has(const struct strvec *sv, const char *s);

/* A growable byte buffer, always NUL-terminated. */
struct buf {
	char *p;
	size_t len, alloc;
};
void buf_add(struct buf *b, const void *data, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);
void buf_free(struct buf *b);

/*
 * codec.c — binary cache entries: little-endian integers and length-prefixed
 * strings appended to a buf, read back through a cursor that turns any
 * overrun (or a string holding a NUL) into `bad`.
 */
void codec_put_u8(struct buf *b, unsigned v);
void codec_put_u32(struct buf *b, uint32_t v);
void codec_put_u64(struct buf *b, uint64_t v);
void codec_put_str(struct buf *b, const char *s);
struct codec_cursor {
	const unsigned char *p;
	size_t left;
	bool bad;
};
struct codec_span {     /* a string inside the entry: not NUL-terminated */
	const char *s;
	size_t n;
};
const unsigned char *codec_take(struct codec_cursor *c, size_t n);
unsigned codec_get_u8(struct codec_cursor *c);
uint32_t codec_get_u32(struct codec_cursor *c);
uint64_t codec_get_u64(struct codec_cursor *c);
struct codec_span codec_get_str(struct codec_cursor *c);
bool codec_span_is(struct codec_span s, const char *want);
char *codec_span_dup(struct codec_span s);

/* Read a whole file (or "-" for stdin) into b. */
int read_file(const char *path, struct buf *b, struct herr *err);
/* Append the non-empty lines of a file (or "-" for stdin) to out. */
int read_lines(const char *path, struct strvec *out, struct herr *err);

bool starts_with(const char *s, const char *prefix);
/* Strip leading and trailing white space in place; returns the new start. */
char *str_trim(char *s);
bool ends_with(const char *s, const char *suffix);

/* Seconds since the epoch with sub-second precision, monotonic clock. */
double now_monotonic(void);


/*
 * Ordered parallel map: work(i) runs on `threads` workers for i in [0, n);
 * emit(i, result) runs strictly in index order, as soon as result i is
 * ready, on one thread at a time but not always the same one: the calling
 * thread is one of the workers, and whichever worker finds the next result
 * ready emits it. Workers never run more than a window of items ahead of
 * emit, which bounds memory on huge inputs.
 */
struct pool_job {
	size_t n;
	int threads;
	void *ctx;
	void *(*work)(size_t i, void *ctx);
	void (*emit)(size_t i, void *result, void *ctx);
	/* optional: frees a result after its emit, on the thread whose work() made it */
	void (*release)(void *result, void *ctx);
};
void pool_run_ordered(const struct pool_job *job);
int pool_default_threads(void);

/*
 * Expand files and directories into a list of file paths, recursively and in
 * sorted order. Symbolic links met inside a directory are not followed unless
 * `follow`; directories already visited (a loop, a bind mount) are skipped.
 * Problems are appended to `errors` as "path: reason" and the walk goes on.
 */
struct walk_opts {
	bool follow;
	/*
	 * Globs: an entry met inside a directory is left out (a directory not
	 * descended) when one matches it: a glob with a '/' the whole path (as
	 * find -path), one without the entry's name (as find -name). Paths
	 * named as roots are never left out.
	 */
	const struct strvec *exclude;
};
void walk_paths(char *const *roots, size_t n, const struct walk_opts *o,
		struct strvec *files, struct strvec *errors);

/*
 * Read a "key = value" configuration file ('#' starts a comment). A missing
 * file is not an error (returns 0). fn() may reject a key or value by
 * returning -1 with err set; the error is then prefixed with "file:line".
 */
typedef int (*config_fn)(const char *key, const char *value, void *ctx, struct herr *err);
int config_load(const char *path, config_fn fn, void *ctx, struct herr *err);

#endif
