/* chatjob.h — «Инициализировать список чатов» as a background job with progress.
 *
 * A job runs chatsync_initialize on a worker thread over its own database connection (the
 * event loop's connection is never shared), one transaction per organisation; the loop reads
 * its progress at any time. One job per organisation at a time. Jobs are kept in app->chat_jobs
 * (the most recent CHATJOB_KEEP) until chatjob_free_all.
 *
 * Threads: chatjob_start, chatjob_done, chatjob_status, chatjob_free_all on the loop thread;
 * chatjob_run on a worker. */
#ifndef PARTA_APP_CHATJOB_H
#define PARTA_APP_CHATJOB_H

#include <jansson.h>
#include <stdint.h>

#include "app.h"

#define CHATJOB_KEEP 32

struct chatjob;

/* A new job for `org` and `kinds`, registered in the app; the caller hands it to a worker
 * (chatjob_run, then chatjob_done on the loop) or gives it back with chatjob_abandon.
 *   PARTA_ECONFLICT  a job of that organisation is still running;
 *   PARTA_EIO        the app has no database file to open on another thread;
 *   PARTA_ENOMEM. */
int chatjob_start(struct app *app, int64_t org, unsigned kinds, struct chatjob **out);
void chatjob_run(void *job);
void chatjob_done(void *job);
/* The job could not be queued: it is marked failed. */
void chatjob_abandon(struct chatjob *job);

/* The job's id (32 hex digits). */
const char *chatjob_id(const struct chatjob *job);

/* {"id","state":"running"|"done"|"failed","done","total","summary"?} of the organisation's job
 * `id`; NULL when there is none. */
json_t *chatjob_status(struct app *app, int64_t org, const char *id);

void chatjob_free_all(struct app *app);

#endif
