/* sync.c — chat sync figures on a generated region, as "name value unit" lines.
 *
 *   bench-sync DB        DB holds a region made by `parta demo --generate-only`
 *
 *   sync.initialize.school.ms         median over the schools of one school's Initialize
 *                                     from no chats at all
 *   sync.initialize.region100.s       every organisation from no chats
 *   sync.initialize.noop.region100.s  the same again (nothing to do)
 *   sync.order.enrol.p99_us           one enrolment order applied, synced and committed (WAL
 *                                     checkpoints on another thread, as the server runs them)
 *   sync.initialize.region100.peak_rss_mib
 *
 * It drives the app layer directly (what the API and the CLI call), on the release build. */
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "app/app.h"
#include "app/chatsync.h"
#include "app/orders.h"
#include "core/err.h"
#include "store/db.h"
#include "util/log.h"

struct checkpointer {
	const char *path;
	struct db *db;
	pthread_t thread;
	atomic_bool stop;
};

static void *checkpointer_run(void *arg)
{
	struct checkpointer *ck = arg;
	while (!atomic_load(&ck->stop)) {
		(void)db_checkpoint(ck->db);
		struct timespec second = {1, 0};
		nanosleep(&second, NULL); /* the server's pace: once a second */
	}
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench-sync: %s: %s\n", what, parta_strerror(rc));
	exit(1);
}

/* The ids of the organisations, and of the first open class of the first school. */
static size_t orgs_of(struct db *db, int64_t *orgs, size_t max)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id FROM orgs ORDER BY id");
	size_t n = 0;
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		orgs[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

static double initialize_all(struct app *app, const int64_t *orgs, size_t n, double *each)
{
	double start = now_s();
	for (size_t i = 0; i < n; i++) {
		double t = now_s();
		json_t *summary;
		int rc = chatsync_initialize(app, orgs[i], (1u << CHAT_KINDS) - 1, false, NULL, NULL,
					     &summary, NULL);
		if (rc != PARTA_OK)
			die("initialize", rc);
		json_decref(summary);
		if (each)
			each[i] = now_s() - t;
	}
	return now_s() - start;
}

/* Enrols `n` new students into the open classes of `org`, timing each order. */
static void enrolments(struct app *app, int64_t org, size_t n, double *lat)
{
	sqlite3_stmt *st = db_stmt(app->db, "SELECT id FROM classes WHERE org_id = ? AND open = 1 "
					    "ORDER BY id");
	sqlite3_bind_int64(st, 1, org);
	int64_t classes[64];
	size_t nclasses = 0;
	while (nclasses < 64 && sqlite3_step(st) == SQLITE_ROW)
		classes[nclasses++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (nclasses == 0)
		die("no open class", PARTA_ENOTFOUND);
	for (size_t i = 0; i < n; i++) {
		struct orders_result res;
		json_t *p = json_pack("{s:s,s:s}", "surname", "Новиков", "first_name", "Иван");
		int rc = orders_add_person(app, org, p, &res);
		json_decref(p);
		if (rc != PARTA_OK)
			die("person", rc);
		int64_t person = res.id;
		orders_result_free(&res);
		char number[32];
		snprintf(number, sizeof number, "Б-%zu", i + 1);
		json_t *body = json_pack("{s:s,s:s,s:s,s:I,s:I}", "kind", "enrol", "number", number,
					 "date", "2026-11-23", "person_id", (json_int_t)person,
					 "class_id", (json_int_t)classes[i % nclasses]);
		double t = now_s();
		rc = orders_issue(app, org, 0, body, &res);
		lat[i] = now_s() - t;
		json_decref(body);
		orders_result_free(&res);
		if (rc != PARTA_OK)
			die("enrol", rc);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: bench-sync DB\n", stderr);
		return 2;
	}
	log_set_level(LOG_WARN);
	struct db *db;
	char err[256];
	if (db_open(argv[1], &db, err, sizeof err) != PARTA_OK) {
		fprintf(stderr, "bench-sync: %s\n", err);
		return 1;
	}
	struct app app;
	if (app_init(&app, db, app_limits_default(), false) != PARTA_OK)
		die("app", PARTA_EIO);
	if (sqlite3_exec(db_handle(db), "DELETE FROM chat_members; DELETE FROM chats;", NULL, NULL,
			 NULL) != SQLITE_OK)
		die("clear chats", PARTA_EIO);
	int64_t orgs[2048];
	size_t n = orgs_of(db, orgs, 2048);
	double *each = calloc(n, sizeof *each);
	double region = initialize_all(&app, orgs, n, each);
	qsort(each, n, sizeof *each, cmp_double);
	double noop = initialize_all(&app, orgs, n, NULL);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	/* As the server runs: checkpoints on another thread and connection, not at commit. */
	struct checkpointer ck = {.path = argv[1]};
	if (db_open(argv[1], &ck.db, err, sizeof err) != PARTA_OK ||
	    db_autocheckpoint(db, 0) != PARTA_OK || pthread_create(&ck.thread, NULL, checkpointer_run, &ck) != 0)
		die("checkpointer", PARTA_EIO);
	enum { ENROLMENTS = 400 };
	double lat[ENROLMENTS];
	enrolments(&app, orgs[0], ENROLMENTS, lat);
	atomic_store(&ck.stop, true);
	pthread_join(ck.thread, NULL);
	db_close(ck.db);
	qsort(lat, ENROLMENTS, sizeof *lat, cmp_double);
	printf("sync.initialize.school.ms %.1f ms\n", each[n / 2] * 1e3);
	printf("sync.initialize.region100.s %.2f s\n", region);
	printf("sync.initialize.noop.region100.s %.2f s\n", noop);
	printf("sync.order.enrol.p99_us %.0f us\n", lat[ENROLMENTS * 99 / 100] * 1e6);
	printf("sync.order.enrol.p50_us %.0f us\n", lat[ENROLMENTS / 2] * 1e6);
	printf("sync.initialize.region100.peak_rss_mib %.0f MiB\n", (double)ru.ru_maxrss / 1024.0);
	free(each);
	app_close(&app);
	db_close(db);
	return 0;
}
