/*
 * Unit tests for util/pool.c: results come out in input order whatever the
 * workers' speed, each is released once, on the thread that made it, and
 * no more than the window is ever held behind a slow item.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/util.h"

struct result {
	size_t index;
	pthread_t maker;
};

struct probe {
	size_t n, emitted, released;
	size_t slow_index;      /* this item sleeps: the others run ahead of it */
	long slow_ns;
	atomic_size_t live, peak; /* results made and not yet released */
	atomic_size_t made;
	bool out_of_order, wrong_thread, emitted_twice;
	bool *seen;
};

static void *work(size_t i, void *ctx)
{
	struct probe *p = ctx;
	if (i == p->slow_index && p->slow_ns) {
		struct timespec ts = { 0, p->slow_ns };
		nanosleep(&ts, NULL);
	}
	struct result *r = xmalloc(sizeof(*r));
	r->index = i;
	r->maker = pthread_self();
	atomic_fetch_add(&p->made, 1);
	size_t live = atomic_fetch_add(&p->live, 1) + 1, peak = atomic_load(&p->peak);
	while (live > peak && !atomic_compare_exchange_weak(&p->peak, &peak, live))
		;
	return r;
}

/* emit runs one at a time: plain fields are enough here */
static void emit(size_t i, void *result, void *ctx)
{
	struct probe *p = ctx;
	struct result *r = result;
	if (i != p->emitted || r->index != i)
		p->out_of_order = true;
	if (p->seen[i])
		p->emitted_twice = true;
	p->seen[i] = true;
	p->emitted++;
}

static void release(void *result, void *ctx)
{
	struct probe *p = ctx;
	struct result *r = result;
	/* only the leftovers, once every worker is done, go another way */
	if (!pthread_equal(r->maker, pthread_self()) && atomic_load(&p->made) < p->n)
		p->wrong_thread = true;
	atomic_fetch_sub(&p->live, 1);
	free(r);
}

static void run(struct probe *p, int threads)
{
	p->seen = xcalloc(p->n ? p->n : 1, sizeof(*p->seen));
	struct pool_job job = { .n = p->n, .threads = threads, .ctx = p, .work = work, .emit = emit,
				.release = release };
	pool_run_ordered(&job);
	free(p->seen);
}

static void test_pool_keeps_input_order(void **state)
{
	(void)state;
	for (int threads = 1; threads <= 8; threads *= 2) {
		struct probe p = { .n = 10000, .slow_index = (size_t)-1 };
		run(&p, threads);
		assert_int_equal(p.emitted, p.n);
		assert_false(p.out_of_order);
		assert_false(p.emitted_twice);
		assert_int_equal(atomic_load(&p.live), 0); /* every result released */
	}
}

static void test_pool_releases_on_the_making_thread(void **state)
{
	(void)state;
	struct probe p = { .n = 20000, .slow_index = (size_t)-1 };
	run(&p, 4);
	assert_false(p.wrong_thread);
	assert_int_equal(atomic_load(&p.live), 0);
}

/* A slow first item: the others must wait within the window, not pile up. */
static void test_pool_window_bounds_what_is_held(void **state)
{
	(void)state;
	struct probe p = { .n = 50000, .slow_index = 0, .slow_ns = 50 * 1000 * 1000 };
	run(&p, 2);
	assert_int_equal(p.emitted, p.n);
	assert_false(p.out_of_order);
	/*
	 * At most a window (1,024 per worker) made and not yet emitted, plus
	 * what a worker holds emitted but not yet released: it releases at its
	 * next chunk, and a worker that made a whole window behind the slow
	 * item and is then descheduled (a sanitizer build on a busy machine did
	 * it) holds up to a window more. Far below the 50,000 it would be
	 * without a window.
	 */
	assert_true(atomic_load(&p.peak) <= 3 * 2 * 1024);
	assert_true(atomic_load(&p.peak) > 1024); /* it did run ahead of the slow item */
}

static void test_pool_small_inputs(void **state)
{
	(void)state;
	for (size_t n = 0; n < 5; n++) {
		struct probe p = { .n = n, .slow_index = (size_t)-1 };
		run(&p, 8); /* more workers than items */
		assert_int_equal(p.emitted, n);
		assert_false(p.out_of_order);
		assert_int_equal(atomic_load(&p.live), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_keeps_input_order),
		cmocka_unit_test(test_pool_releases_on_the_making_thread),
		cmocka_unit_test(test_pool_window_bounds_what_is_held),
		cmocka_unit_test(test_pool_small_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
