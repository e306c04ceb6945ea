/* msgload.c — the messenger's load generator (a libwebsockets client), for `make bench`.
 *
 *   bench-msgload setup DB USERS          a region-less organisation with USERS linked
 *                                          profiles in chats of 30 members; prints
 *                                          "token chat_id" per user
 *   bench-msgload run PORT TOKENS RATE SECONDS SERVER_PID [SUFFIX]
 *                                          connects every user to 127.0.0.1:PORT, offers RATE
 *                                          messages/s for SECONDS and prints
 *   msg.fanout.deliveries_per_s, msg.send_to_deliver.p50_ms, msg.send_to_deliver.p99_ms and
 *   the CPU time one delivery cost the server and this generator
 *   (msg.fanout.server_cpu_us_per_delivery, msg.fanout.generator_cpu_us_per_delivery), each
 *   name followed by SUFFIX when given. The memory of idle connections and the reconnect
 *   storm are bench/wsstorm.c's.
 *
 * Client ids carry the generator's pid, so that runs on one database never repeat one (a
 * repeated id is answered from the store and delivers nothing). A message's text carries the
 * monotonic time it was sent; every member (the sender too) receives it, and the time to that
 * delivery is recorded. Loopback only; everything stops by itself. */
#include <ev.h>
#include <jansson.h>
#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "app/auth.h"
#include "core/err.h"
#include "store/account.h"
#include "store/db.h"
#include "util/log.h"

#define CHAT_SIZE 30
#define MAX_LATENCIES (8u << 20)

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- setup ---- */

static int exec(struct db *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db_handle(db), sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "bench-msgload: %s\n", err ? err : "?");
		sqlite3_free(err);
		return 1;
	}
	return 0;
}

static int setup(const char *path, int users)
{
	log_set_level(LOG_WARN);
	struct db *db;
	struct app app;
	char err[256];
	if (db_open(path, &db, err, sizeof err) != PARTA_OK || app_init(&app, db, app_limits_default(),
									  false) != PARTA_OK) {
		fprintf(stderr, "bench-msgload: %s\n", err);
		return 1;
	}
	int64_t org;
	if (account_org_ensure(db, "Нагрузка", 0, &org) != PARTA_OK || db_begin(db) != PARTA_OK)
		return 1;
	char sql[1024];
	/* Persons, profiles, accounts linking them, chats of 30 members added by hand. */
	snprintf(sql, sizeof sql,
		 "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < %d) "
		 "INSERT INTO persons(id, org_id, surname, first_name, created_at, linked) "
		 "SELECT 1000000 + i, %lld, 'Нагрузкин', 'У' || i, 0, 1 FROM n;"
		 "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < %d) "
		 "INSERT INTO profiles(id, phone, surname, first_name, created_at) "
		 "SELECT 1000000 + i, printf('+7900%%07d', i), 'Нагрузкин', 'У' || i, 0 FROM n;"
		 "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < %d) "
		 "INSERT INTO accounts(org_id, login, pw_hash, display_name, role, created_at, "
		 "person_id, profile_id) SELECT %lld, 'load' || i, '-', 'У' || i, 'student', 0, "
		 "1000000 + i, 1000000 + i FROM n;",
		 users, (long long)org, users, users, (long long)org);
	int rc = exec(db, sql);
	int chats = (users + CHAT_SIZE - 1) / CHAT_SIZE;
	snprintf(sql, sizeof sql,
		 "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < %d) "
		 "INSERT INTO chats(id, org_id, kind, name, is_default, created_at) "
		 "SELECT 1000000 + i, %lld, 'other', 'Нагрузка ' || i, 0, 0 FROM n;"
		 "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < %d) "
		 "INSERT INTO chat_members(chat_id, person_id, flags) "
		 "SELECT 1000000 + i / %d, 1000000 + i, 4 FROM n;",
		 chats, (long long)org, users, CHAT_SIZE);
	rc = rc ? rc : exec(db, sql);
	for (int i = 0; rc == 0 && i < users; i++) {
		struct auth_issued s;
		if (auth_profile_session(&app, 1000000 + i, "127.0.0.1", &s) != PARTA_OK)
			rc = 1;
		else
			printf("%s %d\n", s.token, 1000000 + i / CHAT_SIZE);
	}
	rc = rc ? (db_rollback(db), rc) : (db_commit(db) == PARTA_OK ? 0 : 1);
	app_close(&app);
	db_close(db);
	return rc;
}

/* ---- run ---- */

/* No lws validity (ping) timers: they sit in one sorted list that every connection's reset
 * walks, quadratic in connections. */
static const lws_retry_bo_t no_ping = {.secs_since_valid_ping = 0, .secs_since_valid_hangup = 0};

struct user {
	char token[64];
	char auth[80];
	int64_t chat;
	struct lws *wsi;
	bool open;
	int to_send; /* messages waiting for the socket to be writable */
	unsigned long sent;
};

struct load {
	struct user *users;
	int n, open, failed;
	uint32_t *lat_us;
	size_t nlat;
	unsigned long deliveries;
	bool measuring;
	/* The pacer: every millisecond, the messages now due go to the next senders. */
	struct lws_context *ctx;
	struct ev_loop *loop;
	lws_sorted_usec_list_t tick;
	double rate;
	int64_t start, end;
	unsigned long offered;
	int next;
};

static struct load L; /* the one generator of this process, reached from lws callbacks */

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		    size_t len)
{
	struct user *u = lws_get_opaque_user_data(wsi);
	(void)user;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
		unsigned char **p = in, *end = *p + len;
		if (lws_add_http_header_by_name(wsi, (const unsigned char *)"authorization:",
						(const unsigned char *)u->auth, (int)strlen(u->auth),
						p, end))
			return -1;
		return 0;
	}
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		u->open = true;
		L.open++;
		return 0;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
	case LWS_CALLBACK_CLIENT_CLOSED:
		if (u && u->open)
			L.open--;
		else
			L.failed++;
		if (u) {
			u->open = false;
			u->wsi = NULL;
		}
		return 0;
	case LWS_CALLBACK_CLIENT_RECEIVE: {
		const char *s = in;
		const char *t = memmem(s, len, "\"text\":\"t=", 10);
		if (t == NULL || memmem(s, len, "\"type\":\"message\"", 16) == NULL)
			return 0;
		long long sent = strtoll(t + 10, NULL, 10);
		if (L.measuring) {
			L.deliveries++;
			if (L.nlat < MAX_LATENCIES)
				L.lat_us[L.nlat++] = (uint32_t)((now_ns() - sent) / 1000);
		}
		return 0;
	}
	case LWS_CALLBACK_CLIENT_WRITEABLE: {
		if (u->to_send == 0)
			return 0;
		unsigned char buf[LWS_PRE + 200];
		int n = snprintf((char *)buf + LWS_PRE, 200,
				 "{\"type\":\"send\",\"client_id\":\"b%ld-%lu\",\"chat_id\":%lld,"
				 "\"text\":\"t=%lld\"}",
				 (long)getpid(), u->sent, (long long)u->chat, (long long)now_ns());
		if (lws_write(wsi, buf + LWS_PRE, (size_t)n, LWS_WRITE_TEXT) < n)
			return -1;
		u->sent++;
		if (--u->to_send > 0)
			lws_callback_on_writable(wsi);
		return 0;
	}
	default: return 0;
	}
}

static const struct lws_protocols protocols[] = {{"parta-load", callback, 0, 65536, 0, NULL, 0},
						 {NULL, NULL, 0, 0, 0, NULL, 0}};

static void pace(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	int64_t now = now_ns();
	if (L.measuring && now < L.end) {
		unsigned long due = (unsigned long)((double)(now - L.start) / 1e9 * L.rate);
		for (; L.offered < due; L.offered++) {
			struct user *u = &L.users[L.next];
			L.next = (L.next + 1) % L.n;
			u->to_send++;
			lws_callback_on_writable(u->wsi);
		}
	}
	/* Also wakes lws_service up, so that the loops below see the time pass. */
	lws_sul_schedule(L.ctx, 0, &L.tick, pace, 1000);
}

/* The process's CPU time (user + system) in seconds, from /proc. */
static double cpu_s(long pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	FILE *f = fopen(path, "r");
	unsigned long ut = 0, st = 0;
	/* Fields 14 and 15; the command (field 2) has no spaces for our binaries. */
	int n = f ? fscanf(f, "%*d %*s %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut,
			   &st)
		  : 0;
	if (f)
		fclose(f);
	return n == 2 ? (double)(ut + st) / (double)sysconf(_SC_CLK_TCK) : -1.0;
}

static void service_for(struct lws_context *ctx, int64_t ns)
{
	int64_t until = now_ns() + ns;
	(void)ctx;
	while (now_ns() < until)
		ev_run(L.loop, EVRUN_ONCE);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static int run(int port, const char *tokens, double rate, double seconds, long server_pid,
	       const char *sfx)
{
	FILE *f = fopen(tokens, "r");
	if (f == NULL)
		return 1;
	int cap = 1024;
	L.users = calloc((size_t)cap, sizeof *L.users);
	char tok[64];
	long long chat;
	while (L.users && fscanf(f, "%63s %lld", tok, &chat) == 2) {
		if (L.n == cap) {
			cap *= 2;
			struct user *grown = realloc(L.users, (size_t)cap * sizeof *grown);
			if (grown == NULL)
				return 1;
			L.users = grown;
		}
		struct user *u = &L.users[L.n++];
		memset(u, 0, sizeof *u);
		snprintf(u->token, sizeof u->token, "%s", tok);
		snprintf(u->auth, sizeof u->auth, "Bearer %s", tok);
		u->chat = chat;
	}
	fclose(f);
	L.lat_us = malloc(MAX_LATENCIES * sizeof *L.lat_us);
	if (L.users == NULL || L.lat_us == NULL || L.n == 0)
		return 1;
	lws_set_log_level(getenv("LOAD_DEBUG") ? LLL_ERR | LLL_WARN | LLL_NOTICE | LLL_INFO : LLL_ERR, NULL);
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.retry_and_idle_policy = &no_ping;
	info.protocols = protocols;
	/* No fd_limit_per_thread: given one, lws finds a descriptor's connection by walking
	 * them all; from the process's limit (raised here) it indexes. */
	struct rlimit lim;
	if (getrlimit(RLIMIT_NOFILE, &lim) == 0) {
		lim.rlim_cur = lim.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &lim);
	}
	/* libev (epoll) rather than lws's poll(), which walks every connection on every pass. */
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	void *loops[1] = {loop};
	info.options |= LWS_SERVER_OPTION_LIBEV;
	info.foreign_loops = loops;
	L.loop = loop;
	struct lws_context *ctx = loop ? lws_create_context(&info) : NULL;
	if (ctx == NULL)
		return 1;
	L.ctx = ctx;
	L.rate = rate;
	lws_sul_schedule(ctx, 0, &L.tick, pace, 1000);
	for (int i = 0; i < L.n; i++) {
		struct lws_client_connect_info ci;
		memset(&ci, 0, sizeof ci);
		ci.context = ctx;
		ci.address = "127.0.0.1";
		ci.port = port;
		ci.path = "/api/v1/messenger/ws";
		ci.host = "127.0.0.1";
		ci.protocol = NULL;
		ci.local_protocol_name = "parta-load";
		ci.retry_and_idle_policy = &no_ping;
		ci.opaque_user_data = &L.users[i];
		ci.pwsi = &L.users[i].wsi;
		lws_client_connect_via_info(&ci);
		if (i % 200 == 199)
			service_for(ctx, 5 * 1000000); /* let the handshakes through in batches */
	}
	int64_t deadline = now_ns() + 60LL * 1000000000;
	while (L.open + L.failed < L.n && now_ns() < deadline)
		ev_run(L.loop, EVRUN_ONCE);
	service_for(ctx, 500 * 1000000LL); /* hellos read, the server settles */
	if (L.open < L.n) {
		fprintf(stderr, "bench-msgload: %d of %d connections opened\n", L.open, L.n);
		lws_context_destroy(ctx);
		return 1;
	}
	/* The offered load: rate messages a second, senders taken in turn (pace()). */
	double server_cpu = cpu_s(server_pid), own_cpu = cpu_s(getpid());
	L.start = now_ns();
	L.end = L.start + (int64_t)(seconds * 1e9);
	L.measuring = true;
	service_for(ctx, (int64_t)(seconds * 1e9));
	service_for(ctx, 1000 * 1000000LL); /* the last deliveries */
	double elapsed = (double)(now_ns() - L.start) / 1e9;
	unsigned long offered = L.offered;
	qsort(L.lat_us, L.nlat, sizeof *L.lat_us, cmp_u32);
	printf("msg.fanout.deliveries_per_s%s %.0f deliveries/s\n", sfx,
	       (double)L.deliveries / elapsed);
	printf("msg.send_to_deliver.p50_ms%s %.2f ms\n", sfx,
	       L.nlat ? L.lat_us[L.nlat / 2] / 1000.0 : -1.0);
	printf("msg.send_to_deliver.p99_ms%s %.2f ms\n", sfx,
	       L.nlat ? L.lat_us[L.nlat * 99 / 100] / 1000.0 : -1.0);
	if (L.deliveries > 0) {
		double per = 1e6 / (double)L.deliveries;
		printf("msg.fanout.server_cpu_us_per_delivery%s %.2f us\n", sfx,
		       (cpu_s(server_pid) - server_cpu) * per);
		printf("msg.fanout.generator_cpu_us_per_delivery%s %.2f us\n", sfx,
		       (cpu_s(getpid()) - own_cpu) * per);
	}
	fprintf(stderr, "bench-msgload: %d users, %lu messages offered at %.0f/s, %lu deliveries\n",
		L.n, offered, rate, L.deliveries);
	lws_sul_cancel(&L.tick);
	lws_context_destroy(ctx);
	ev_loop_destroy(L.loop);
	free(L.users);
	free(L.lat_us);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "setup") == 0)
		return setup(argv[2], atoi(argv[3]));
	if ((argc == 7 || argc == 8) && strcmp(argv[1], "run") == 0)
		return run(atoi(argv[2]), argv[3], atof(argv[4]), atof(argv[5]), atol(argv[6]),
			   argc == 8 ? argv[7] : "");
	fputs("usage: bench-msgload setup DB USERS | run PORT TOKENS RATE SECONDS SERVER_PID [SUFFIX]\n",
	      stderr);
	return 2;
}
