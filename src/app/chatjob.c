#include "chatjob.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../util/log.h"
#include "chatsync.h"

enum chatjob_state { CHATJOB_RUNNING, CHATJOB_DONE, CHATJOB_FAILED };

struct chatjob {
	char id[33];
	int64_t org;
	unsigned kinds;
	struct app *app;       /* the loop's: for publishing when done */
	struct app worker_app; /* a copy taken on the loop: the worker never reads the loop's */
	struct chatsync_notes notes; /* collected by the worker, published by chatjob_done */
	atomic_size_t done, total;
	atomic_int state;
	int rc;          /* written by the worker, read after chatjob_done */
	json_t *summary; /* handed over from the worker in chatjob_done */
	bool finished;   /* chatjob_done ran (loop thread) */
	struct chatjob *next;
};

const char *chatjob_id(const struct chatjob *job) { return job->id; }

static void chatjob_free(struct chatjob *job)
{
	json_decref(job->summary);
	chatsync_notes_free(&job->notes);
	free(job);
}

/* Keeps the most recent finished jobs; running ones always stay. */
static void chatjob_prune(struct app *app)
{
	size_t kept = 0;
	for (struct chatjob **p = &app->chat_jobs; *p != NULL;) {
		struct chatjob *j = *p;
		if (j->finished && ++kept > CHATJOB_KEEP) {
			*p = j->next;
			chatjob_free(j);
		} else {
			p = &j->next;
		}
	}
}

int chatjob_start(struct app *app, int64_t org, unsigned kinds, struct chatjob **out)
{
	*out = NULL;
	if (app->db_path == NULL)
		return PARTA_EIO;
	for (struct chatjob *j = app->chat_jobs; j != NULL; j = j->next)
		if (j->org == org && !j->finished)
			return PARTA_ECONFLICT;
	struct chatjob *job = calloc(1, sizeof *job);
	if (job == NULL)
		return PARTA_ENOMEM;
	unsigned char raw[16];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(job->id, sizeof job->id, raw, sizeof raw);
	job->app = app;
	job->org = org;
	job->kinds = kinds;
	job->worker_app = *app;
	job->worker_app.db = NULL;
	job->worker_app.publish = NULL;
	job->worker_app.chat_jobs = NULL;
	job->worker_app.rosters = NULL;
	atomic_init(&job->done, 0);
	atomic_init(&job->total, 0);
	atomic_init(&job->state, CHATJOB_RUNNING);
	job->next = app->chat_jobs;
	app->chat_jobs = job;
	chatjob_prune(app);
	*out = job;
	return PARTA_OK;
}

static void chatjob_progress(size_t done, size_t total, void *ctx)
{
	struct chatjob *job = ctx;
	atomic_store(&job->total, total);
	atomic_store(&job->done, done);
}

void chatjob_run(void *arg)
{
	struct chatjob *job = arg;
	struct db *db = NULL;
	char err[256];
	job->rc = db_open(job->worker_app.db_path, &db, err, sizeof err);
	if (job->rc == PARTA_OK) {
		job->worker_app.db = db;
		job->rc = chatsync_initialize(&job->worker_app, job->org, job->kinds, false,
					      chatjob_progress, job, &job->summary, &job->notes);
		db_close(db);
	} else {
		log_msg(LOG_ERROR, "chats", "init_job_db org=%" PRId64 " err=%s", job->org, err);
	}
	job->worker_app.db = NULL;
	atomic_store(&job->state, job->rc == PARTA_OK ? CHATJOB_DONE : CHATJOB_FAILED);
}

void chatjob_done(void *arg)
{
	struct chatjob *job = arg;
	job->finished = true;
	if (job->rc == PARTA_OK)
		chatsync_publish(job->app, &job->notes);
	chatsync_notes_free(&job->notes);
}

void chatjob_abandon(struct chatjob *job)
{
	job->rc = PARTA_ENOMEM;
	atomic_store(&job->state, CHATJOB_FAILED);
	job->finished = true;
}

json_t *chatjob_status(struct app *app, int64_t org, const char *id)
{
	for (struct chatjob *j = app->chat_jobs; j != NULL; j = j->next) {
		if (j->org != org || strcmp(j->id, id) != 0)
			continue;
		static const char *const states[] = {"running", "done", "failed"};
		/* The summary is read only once the loop knows the worker let go of it. */
		int state = j->finished ? atomic_load(&j->state) : CHATJOB_RUNNING;
		json_t *st = json_pack("{s:s,s:s,s:I,s:I}", "id", j->id, "state", states[state],
				       "done", (json_int_t)atomic_load(&j->done), "total",
				       (json_int_t)atomic_load(&j->total));
		if (state == CHATJOB_DONE && j->summary != NULL)
			json_object_set(st, "summary", j->summary);
		if (state == CHATJOB_FAILED)
			json_object_set_new(st, "error", json_string(parta_strerror(j->rc)));
		return st;
	}
	return NULL;
}

void chatjob_free_all(struct app *app)
{
	while (app->chat_jobs != NULL) {
		struct chatjob *j = app->chat_jobs;
		app->chat_jobs = j->next;
		chatjob_free(j);
	}
}
