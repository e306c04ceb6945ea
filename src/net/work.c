#include "work.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "../core/err.h"

struct work_job {
	struct work_job *next;
	work_fn run, done;
	void *arg;
};

struct work {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct work_job *queue_head, *queue_tail; /* waiting to run */
	struct work_job *finished;                /* run, waiting for done (LIFO, reversed) */
	bool stopping;
	size_t pending; /* loop thread's count of submitted, not drained */
	size_t nthreads;
	work_wake_fn wake;
	void *wake_ctx;
	pthread_t threads[];
};

static void *work_thread(void *arg)
{
	struct work *w = arg;
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (w->queue_head == NULL && !w->stopping)
			pthread_cond_wait(&w->cond, &w->lock);
		struct work_job *job = w->queue_head;
		if (job == NULL)
			break; /* stopping and nothing left to run */
		w->queue_head = job->next;
		if (w->queue_head == NULL)
			w->queue_tail = NULL;
		pthread_mutex_unlock(&w->lock);
		job->run(job->arg);
		pthread_mutex_lock(&w->lock);
		job->next = w->finished;
		w->finished = job;
		if (w->wake)
			w->wake(w->wake_ctx);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int work_start(size_t threads, work_wake_fn wake, void *wake_ctx, struct work **out)
{
	*out = NULL;
	if (threads == 0)
		return PARTA_EINVAL; /* queued jobs would never run */
	struct work *w = calloc(1, sizeof *w + threads * sizeof(pthread_t));
	if (w == NULL)
		return PARTA_ENOMEM;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->wake = wake;
	w->wake_ctx = wake_ctx;
	for (size_t i = 0; i < threads; i++) {
		if (pthread_create(&w->threads[i], NULL, work_thread, w) != 0) {
			work_stop(w);
			return PARTA_EIO;
		}
		w->nthreads++;
	}
	*out = w;
	return PARTA_OK;
}

int work_submit(struct work *w, work_fn run, work_fn done, void *arg)
{
	struct work_job *job = malloc(sizeof *job);
	if (job == NULL)
		return PARTA_ENOMEM;
	*job = (struct work_job){NULL, run, done, arg};
	pthread_mutex_lock(&w->lock);
	if (w->queue_tail)
		w->queue_tail->next = job;
	else
		w->queue_head = job;
	w->queue_tail = job;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	w->pending++;
	return PARTA_OK;
}

void work_drain(struct work *w)
{
	pthread_mutex_lock(&w->lock);
	struct work_job *list = w->finished;
	w->finished = NULL;
	pthread_mutex_unlock(&w->lock);
	/* Reverse to completion order so that done callbacks run first-finished first. */
	struct work_job *ordered = NULL;
	while (list) {
		struct work_job *next = list->next;
		list->next = ordered;
		ordered = list;
		list = next;
	}
	while (ordered) {
		struct work_job *next = ordered->next;
		ordered->done(ordered->arg);
		free(ordered);
		w->pending--;
		ordered = next;
	}
}

size_t work_pending(struct work *w) { return w->pending; }

void work_stop(struct work *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	w->wake = NULL; /* the loop is no longer listening */
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	for (size_t i = 0; i < w->nthreads; i++)
		pthread_join(w->threads[i], NULL);
	work_drain(w);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
