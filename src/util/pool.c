/*
 * pool.c — an ordered parallel map on plain pthreads.
 *
 * Scanning is embarrassingly parallel but output must follow input order
 * (so results are reproducible and diffable). The calling thread is one of
 * the workers: with -j N there are N threads on N cores, never a separate
 * emitter thread that has to be woken for every finished item (on a
 * virtual machine a wake-up and the context switch after it cost as much
 * as checking a small ELF, and -j2 used to spend 45% more CPU than two
 * processes doing half the work each).
 *
 * Items are handed out with an atomic counter. A finished result goes into
 * its slot of a ring of `window` slots; whichever worker finds the next
 * result in order ready takes the emit lock (trylock: nobody waits for it)
 * and emits every consecutive ready result. A worker may only store an item
 * less than `window` ahead of the last emitted one: that bounds the memory
 * held by results waiting behind a slow file; only then does a worker sleep.
 *
 * An emitted result is released (freed) by the worker that made it, not by
 * the one that emitted it: glibc's malloc gives each thread its own arena,
 * and a free into another thread's arena takes that arena's lock, which the
 * owner holds for its own allocations. Freeing across threads made the
 * workers sleep on each other hundreds of times a run.
 */
#include "util/util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What one worker made and has not released yet, oldest first. */
struct made {
	size_t *index;
	void **result;
	size_t head, tail, cap;
};

struct pool {
	const struct pool_job *job;
	struct made *made;	/* one per worker */
	size_t chunk, window;
	atomic_size_t next;	/* first index not yet handed out */
	atomic_size_t emitted;	/* results [0, emitted) are emitted; written under emit_lock */
	void **slot;		/* slot[i % window]: result i, owned by its worker until done */
	atomic_bool *done;	/* done[i % window]: result i is in its slot, not yet emitted */
	pthread_mutex_t emit_lock;
	pthread_mutex_t room_lock; /* with room: sleeping until the window moves */
	pthread_cond_t room;
	size_t sleepers;	/* under room_lock */
};

static bool next_ready(struct pool *p)
{
	size_t e = atomic_load(&p->emitted);
	return e < p->job->n && atomic_load(&p->done[e % p->window]);
}

static void wake_sleepers(struct pool *p)
{
	pthread_mutex_lock(&p->room_lock);
	if (p->sleepers)
		pthread_cond_broadcast(&p->room);
	pthread_mutex_unlock(&p->room_lock);
}

/* Emit every ready result in order, unless another worker is already at it. */
static void try_emit(struct pool *p)
{
	atomic_thread_fence(memory_order_seq_cst); /* pairs with the fence below: see there */
	while (pthread_mutex_trylock(&p->emit_lock) == 0) {
		size_t e = atomic_load(&p->emitted), first = e;
		while (e < p->job->n && atomic_load(&p->done[e % p->window])) {
			void *r = p->slot[e % p->window];
			atomic_store(&p->done[e % p->window], false);
			p->job->emit(e, r, p->job->ctx);
			atomic_store(&p->emitted, ++e);
		}
		pthread_mutex_unlock(&p->emit_lock);
		if (e != first)
			wake_sleepers(p);
		/*
		 * A worker that finished result e while we held the lock failed
		 * its trylock and left it to us. It stored done[] and then fenced
		 * before its trylock; we unlocked and fence before loading done[]:
		 * of two sequentially consistent fences one comes first, so either
		 * its trylock saw our unlock or our load sees its result.
		 */
		atomic_thread_fence(memory_order_seq_cst);
		if (!next_ready(p))
			return;
	}
}

/* Wait until item i fits in the window, emitting what is ready meanwhile. */
static void wait_for_room(struct pool *p, size_t i)
{
	while (i >= atomic_load(&p->emitted) + p->window) {
		try_emit(p);
		pthread_mutex_lock(&p->room_lock);
		if (i >= atomic_load(&p->emitted) + p->window && !next_ready(p)) {
			p->sleepers++;
			pthread_cond_wait(&p->room, &p->room_lock);
			p->sleepers--;
		}
		pthread_mutex_unlock(&p->room_lock);
	}
}

static void remember(struct made *m, size_t i, void *r)
{
	if (m->tail == m->cap) {
		/* slide the live part down before growing: the queue is short-lived */
		if (m->head > 0) {
			memmove(m->index, m->index + m->head, (m->tail - m->head) * sizeof(*m->index));
			memmove(m->result, m->result + m->head, (m->tail - m->head) * sizeof(*m->result));
			m->tail -= m->head;
			m->head = 0;
		}
		if (m->tail == m->cap) {
			m->cap = m->cap ? 2 * m->cap : 64;
			m->index = xrealloc(m->index, m->cap * sizeof(*m->index));
			m->result = xrealloc(m->result, m->cap * sizeof(*m->result));
		}
	}
	m->index[m->tail] = i;
	m->result[m->tail++] = r;
}

/* Release this worker's results that have been emitted (all of them at the end). */
static void release_emitted(struct pool *p, struct made *m, bool all)
{
	size_t emitted = atomic_load(&p->emitted);
	while (m->head < m->tail && (all || m->index[m->head] < emitted))
		p->job->release(m->result[m->head++], p->job->ctx);
}

static void work_items(struct pool *p, struct made *m)
{
	size_t n = p->job->n;
	for (;;) {
		release_emitted(p, m, false);
		size_t first = atomic_fetch_add(&p->next, p->chunk);
		if (first >= n)
			return;
		size_t end = first + p->chunk < n ? first + p->chunk : n;
		for (size_t i = first; i < end; i++) {
			wait_for_room(p, i);
			void *r = p->job->work(i, p->job->ctx);
			if (p->job->release)
				remember(m, i, r);
			p->slot[i % p->window] = r;
			atomic_store(&p->done[i % p->window], true);
			if (i == atomic_load(&p->emitted))
				try_emit(p);
		}
		try_emit(p);
	}
}

struct worker_arg {
	struct pool *p;
	struct made *m;
};

static void *worker(void *arg)
{
	struct worker_arg *w = arg;
	work_items(w->p, w->m);
	return NULL;
}

/*
 * Small chunks keep the workers ending together; handing one out is a
 * single atomic add, so there is little to save by making them larger.
 */
static size_t pool_chunk(size_t n, int threads)
{
	size_t c = n / ((size_t)threads * 64);
	return c < 1 ? 1 : c > 4 ? 4 : c;
}

int pool_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

static void run_serial(const struct pool_job *job)
{
	for (size_t i = 0; i < job->n; i++) {
		void *r = job->work(i, job->ctx);
		job->emit(i, r, job->ctx);
		if (job->release)
			job->release(r, job->ctx);
	}
}

void pool_run_ordered(const struct pool_job *job)
{
	int threads = job->threads > 0 ? job->threads : pool_default_threads();
	if (threads == 1 || job->n < 2) {
		run_serial(job);
		return;
	}
	/*
	 * A window of 1,024 results per worker: a worker keeps going for a few
	 * hundred milliseconds behind a file that is slow to read (a big
	 * library's DWARF) while results stay a few MiB.
	 */
	struct pool p = { .job = job, .window = (size_t)threads * 1024, .chunk = pool_chunk(job->n, threads) };
	pthread_mutex_init(&p.emit_lock, NULL);
	pthread_mutex_init(&p.room_lock, NULL);
	pthread_cond_init(&p.room, NULL);
	p.slot = xcalloc(p.window, sizeof(*p.slot));
	p.done = xcalloc(p.window, sizeof(*p.done));
	p.made = xcalloc((size_t)threads, sizeof(*p.made));
	pthread_t *tids = xcalloc((size_t)threads, sizeof(*tids));
	struct worker_arg *args = xcalloc((size_t)threads, sizeof(*args));
	int started = 0;
	for (; started < threads - 1; started++) {
		args[started] = (struct worker_arg){ &p, &p.made[started + 1] };
		if (pthread_create(&tids[started], NULL, worker, &args[started]) != 0)
			break;
	}
	/* This thread works too; with no threads to be had it simply works alone. */
	work_items(&p, &p.made[0]);
	for (int t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	/* Everything is done now; emit what the last trylocks left behind. */
	try_emit(&p);
	for (int t = 0; t < threads; t++) {
		if (job->release)
			release_emitted(&p, &p.made[t], true);
		free(p.made[t].index);
		free(p.made[t].result);
	}
	free(p.made);
	free(args);
	free(tids);
	free(p.slot);
	free(p.done);
	pthread_mutex_destroy(&p.emit_lock);
	pthread_mutex_destroy(&p.room_lock);
	pthread_cond_destroy(&p.room);
}
