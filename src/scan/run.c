/*
 * run.c — scan many files on the worker pool, results in input order.
 */
#include "scan/scan.h"

#include <stdlib.h>

struct run_ctx {
	const struct strvec *files;
	const struct scan_opts *o;
	void (*emit)(size_t i, struct scan_batch *b, void *ctx);
	void *ctx;
};

static void *work(size_t i, void *arg)
{
	struct run_ctx *rc = arg;
	struct scan_batch *b = xcalloc(1, sizeof(*b));
	scan_path(rc->files->v[i], rc->o, b);
	if (rc->o->render)
		for (size_t k = 0; k < b->n; k++)
			rc->o->render(&b->recs[k], rc->o->render_ctx);
	return b;
}

static void emit(size_t i, void *result, void *arg)
{
	struct run_ctx *rc = arg;
	struct scan_batch *b = result;
	rc->emit(i, b, rc->ctx);
}

static void release(void *result, void *arg)
{
	(void)arg;
	scan_batch_free(result);
	free(result);
}

void scan_files(const struct strvec *files, const struct scan_opts *o,
		void (*emit_fn)(size_t i, struct scan_batch *b, void *ctx), void *ctx)
{
	struct run_ctx rc = { files, o, emit_fn, ctx };
	struct pool_job job = { .n = files->n, .threads = o->jobs, .ctx = &rc, .work = work, .emit = emit,
				 .release = release };
	pool_run_ordered(&job);
}
