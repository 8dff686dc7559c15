/*
 * pool.c — an ordered parallel map on plain pthreads.
 *
 * Scanning is embarrassingly parallel but output must follow input order
 * (so results are reproducible and diffable). Workers take the next chunk
 * of indexes under a mutex, compute, store into slots, and signal; the caller's thread
 * emits slots in order. A window keeps workers from racing ahead of a slow
 * emitter with unbounded memory.
 */
#include "util/util.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

struct pool {
	const struct pool_job *job;
	pthread_mutex_t lock;
	pthread_cond_t ready, room;
	size_t next, emitted, window, chunk;
	void **slot;
	bool *done;
};

static void *worker(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (p->next < p->job->n && p->next >= p->emitted + p->window)
			pthread_cond_wait(&p->room, &p->lock);
		if (p->next >= p->job->n) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		size_t first = p->next, end = first + p->chunk;
		if (end > p->job->n)
			end = p->job->n;
		if (end > p->emitted + p->window)
			end = p->emitted + p->window;
		p->next = end;
		pthread_mutex_unlock(&p->lock);

		/* results go straight into their slots: only this worker owns them until done[] says so */
		for (size_t i = first; i < end; i++)
			p->slot[i % p->window] = p->job->work(i, p->job->ctx);

		pthread_mutex_lock(&p->lock);
		for (size_t i = first; i < end; i++)
			p->done[i % p->window] = true;
		pthread_cond_signal(&p->ready); /* no system call when the emitter is not waiting */
		pthread_mutex_unlock(&p->lock);
	}
}

/*
 * Items are handed out in chunks: one lock round trip and at most one
 * wake-up per chunk instead of per item (per file, a futex pair and a
 * context switch cost as much as checking a small ELF). Chunks stay small
 * enough that the workers end together: at least 8 per worker.
 */
static size_t pool_chunk(size_t n, int threads)
{
	size_t c = n / ((size_t)threads * 8);
	return c < 1 ? 1 : c > 16 ? 16 : c;
}

int pool_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

void pool_run_ordered(const struct pool_job *job)
{
	int threads = job->threads > 0 ? job->threads : pool_default_threads();
	if (threads == 1 || job->n < 2) {
		for (size_t i = 0; i < job->n; i++)
			job->emit(i, job->work(i, job->ctx), job->ctx);
		return;
	}
	struct pool p = { .job = job, .window = (size_t)threads * 64, .chunk = pool_chunk(job->n, threads) };
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.ready, NULL);
	pthread_cond_init(&p.room, NULL);
	p.slot = xcalloc(p.window, sizeof(*p.slot));
	p.done = xcalloc(p.window, sizeof(*p.done));
	pthread_t *tids = xcalloc((size_t)threads, sizeof(*tids));
	int started = 0;
	for (int t = 0; t < threads; t++)
		if (pthread_create(&tids[t], NULL, worker, &p) == 0)
			started++;
		else
			break;
	if (started == 0) {
		/* no threads available: degrade to serial rather than fail */
		for (size_t i = 0; i < job->n; i++)
			job->emit(i, job->work(i, job->ctx), job->ctx);
	} else {
		for (size_t i = 0; i < job->n; i++) {
			pthread_mutex_lock(&p.lock);
			while (!p.done[i % p.window])
				pthread_cond_wait(&p.ready, &p.lock);
			void *r = p.slot[i % p.window];
			p.done[i % p.window] = false;
			p.emitted = i + 1;
			pthread_cond_broadcast(&p.room);
			pthread_mutex_unlock(&p.lock);

			job->emit(i, r, job->ctx);
		}
	}
	for (int t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	free(tids);
	free(p.slot);
	free(p.done);
	pthread_mutex_destroy(&p.lock);
	pthread_cond_destroy(&p.ready);
	pthread_cond_destroy(&p.room);
}
