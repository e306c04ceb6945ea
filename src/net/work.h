/* work.h — a small pool of worker threads for work that must not block the event loop
 * (password hashing now; imports and chat initialization later).
 *
 * A job's `run` executes on a worker; its `done` executes later on the loop thread, inside
 * work_drain(). `run` must touch only its own argument. After work_submit succeeds the pool
 * owns the job until `done` is called, which happens exactly once — also at shutdown, where
 * work_stop() lets queued jobs run and then calls their `done`. */
#ifndef PARTA_NET_WORK_H
#define PARTA_NET_WORK_H

#include <stddef.h>

struct work;

typedef void (*work_fn)(void *arg);
/* Called from a worker after a job finished, to wake the loop (lws_cancel_service). */
typedef void (*work_wake_fn)(void *ctx);

/* Starts `threads` (at least 1) workers. PARTA_EINVAL for 0, PARTA_ENOMEM / PARTA_EIO on
 * failure (*out is NULL then). */
int work_start(size_t threads, work_wake_fn wake, void *wake_ctx, struct work **out);

/* Queues a job. PARTA_ENOMEM when it cannot (run and done are then not called). */
int work_submit(struct work *w, work_fn run, work_fn done, void *arg);

/* On the loop thread: calls `done` for every finished job. */
void work_drain(struct work *w);

/* Jobs queued or running, not yet drained. Loop thread only. */
size_t work_pending(struct work *w);

/* Finishes queued jobs, joins the threads, drains, frees. NULL is a no-op. */
void work_stop(struct work *w);

#endif
