/* test_work.c — the worker pool: every submitted job runs once on a worker and has its `done`
 * called exactly once, after its `run`, on the loop thread — through work_drain() or, at the
 * latest, work_stop(). No sleeping: completion is awaited through the wake callback. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "net/work.h"

#define NJOBS 100

struct wake_ctx {
	atomic_int calls;
	sem_t finished; /* posted once per wake: one job has finished running */
};

/* The wake hook: counts, and lets the test wait for finished jobs. Tolerates a NULL ctx. */
static void wake(void *ctx)
{
	struct wake_ctx *w = ctx;
	if (w == NULL)
		return;
	atomic_fetch_add(&w->calls, 1);
	sem_post(&w->finished);
}

struct job {
	atomic_int runs;      /* set on the worker */
	int dones;            /* loop thread only */
	int runs_seen_by_done;
	int done_seq;         /* position among all done calls */
	pthread_t done_thread;
	int *seq;             /* shared done counter (loop thread only) */
};

static void job_run(void *arg)
{
	struct job *j = arg;
	atomic_fetch_add(&j->runs, 1);
}

static void job_done(void *arg)
{
	struct job *j = arg;
	j->runs_seen_by_done = atomic_load(&j->runs);
	j->dones++;
	j->done_seq = (*j->seq)++;
	j->done_thread = pthread_self();
}

static void jobs_init(struct job *jobs, size_t n, int *seq)
{
	memset(jobs, 0, n * sizeof *jobs);
	for (size_t i = 0; i < n; i++) {
		atomic_init(&jobs[i].runs, 0);
		jobs[i].seq = seq;
	}
}

/* Every job ran once, then had done called once, on this (the loop) thread. */
static void assert_all_done(const struct job *jobs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (atomic_load(&jobs[i].runs) != 1)
			fail_msg("job %zu ran %d times", i, atomic_load(&jobs[i].runs));
		if (jobs[i].dones != 1)
			fail_msg("job %zu: done called %d times", i, jobs[i].dones);
		if (jobs[i].runs_seen_by_done != 1)
			fail_msg("job %zu: done called before run", i);
		if (!pthread_equal(jobs[i].done_thread, pthread_self()))
			fail_msg("job %zu: done called off the loop thread", i);
	}
}

/* Waits (without sleeping) until `n` more jobs have signalled completion; fails after 30 s
 * instead of hanging. */
static void await_finished(struct wake_ctx *w, int n)
{
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 30;
	for (int i = 0; i < n; i++) {
		int rc;
		while ((rc = sem_timedwait(&w->finished, &deadline)) != 0 && errno == EINTR)
			;
		if (rc != 0)
			fail_msg("only %d of %d jobs finished within 30 s", i, n);
	}
}

static void wake_init(struct wake_ctx *w)
{
	atomic_init(&w->calls, 0);
	assert_int_equal(sem_init(&w->finished, 0, 0), 0);
}

/* work_stop lets every queued job run and calls every done exactly once. */
static void test_stop_drains_everything(void **state)
{
	(void)state;
	static struct job jobs[NJOBS];
	int seq = 0;
	jobs_init(jobs, NJOBS, &seq);
	struct wake_ctx w;
	wake_init(&w);
	struct work *pool = NULL;
	assert_int_equal(work_start(2, wake, &w, &pool), PARTA_OK);
	assert_non_null(pool);
	assert_int_equal(work_pending(pool), 0);
	for (size_t i = 0; i < NJOBS; i++) {
		assert_int_equal(work_submit(pool, job_run, job_done, &jobs[i]), PARTA_OK);
		assert_int_equal(work_pending(pool), i + 1);
	}
	/* No done runs before the loop drains, whatever the workers have finished meanwhile. */
	for (size_t i = 0; i < NJOBS; i++)
		assert_int_equal(jobs[i].dones, 0);
	work_stop(pool);
	assert_int_equal(seq, NJOBS);
	assert_all_done(jobs, NJOBS);
	/* One wake per job finished while the loop was listening, none after work_stop began. */
	assert_true(atomic_load(&w.calls) <= NJOBS);
	sem_destroy(&w.finished);
}

/* work_drain calls done for exactly the finished jobs; work_pending counts the rest. */
static void test_drain_and_pending(void **state)
{
	(void)state;
	static struct job jobs[NJOBS];
	int seq = 0;
	jobs_init(jobs, NJOBS, &seq);
	struct wake_ctx w;
	wake_init(&w);
	struct work *pool = NULL;
	assert_int_equal(work_start(2, wake, &w, &pool), PARTA_OK);

	work_drain(pool); /* nothing to drain: harmless */
	assert_int_equal(seq, 0);

	for (size_t i = 0; i < NJOBS / 2; i++)
		assert_int_equal(work_submit(pool, job_run, job_done, &jobs[i]), PARTA_OK);
	assert_int_equal(work_pending(pool), NJOBS / 2);
	await_finished(&w, NJOBS / 2);
	assert_int_equal(atomic_load(&w.calls), NJOBS / 2);
	assert_int_equal(work_pending(pool), NJOBS / 2); /* finished, but not drained yet */
	work_drain(pool);
	assert_int_equal(seq, NJOBS / 2);
	assert_int_equal(work_pending(pool), 0);
	assert_all_done(jobs, NJOBS / 2);

	/* A second batch, drained by work_stop. */
	for (size_t i = NJOBS / 2; i < NJOBS; i++)
		assert_int_equal(work_submit(pool, job_run, job_done, &jobs[i]), PARTA_OK);
	assert_int_equal(work_pending(pool), NJOBS / 2);
	work_stop(pool);
	assert_int_equal(seq, NJOBS);
	assert_all_done(jobs, NJOBS);
	sem_destroy(&w.finished);
}

/* With one worker, jobs run in submission order and done follows completion order (work.c:
 * "done callbacks run first-finished first"). */
static void test_single_worker_order(void **state)
{
	(void)state;
	static struct job jobs[20];
	int seq = 0;
	jobs_init(jobs, 20, &seq);
	struct work *pool = NULL;
	assert_int_equal(work_start(1, NULL, NULL, &pool), PARTA_OK); /* no wake hook */
	for (size_t i = 0; i < 20; i++)
		assert_int_equal(work_submit(pool, job_run, job_done, &jobs[i]), PARTA_OK);
	work_stop(pool);
	assert_all_done(jobs, 20);
	for (int i = 0; i < 20; i++)
		if (jobs[i].done_seq != i)
			fail_msg("job %d: done called at position %d", i, jobs[i].done_seq);
}

/* A pool stopped without any job, and work_stop(NULL), are harmless. */
static void test_stop_idle_and_null(void **state)
{
	(void)state;
	struct work *pool = NULL;
	assert_int_equal(work_start(3, wake, NULL, &pool), PARTA_OK);
	assert_int_equal(work_pending(pool), 0);
	work_stop(pool);
	work_stop(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stop_drains_everything),
		cmocka_unit_test(test_drain_and_pending),
		cmocka_unit_test(test_single_worker_order),
		cmocka_unit_test(test_stop_idle_and_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
