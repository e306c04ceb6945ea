/* test_media.c — app/media.c against a real Janus: the group set-up starts one with
 * scripts/janus.sh in a temporary directory and stops it at the end. Rooms are created,
 * created again, opened to a token, destroyed twice; a participant of the public API is
 * refused without the token and admitted with it; a wrong secret, a stopped Janus and a Janus
 * that never answers are refused within the timeout. The waits are network waits bounded by
 * timeouts, never sleeps. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "app/media.h"
#include "core/err.h"
#include "tmpdir.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The Janus of this test run (group set-up). */
static char janus_dir[TMPDIR_PATH_MAX];
static struct media_config janus_cfg;

static int janus_run(const char *action)
{
	char cmd[TMPDIR_PATH_MAX + 64];
	snprintf(cmd, sizeof cmd, "scripts/janus.sh %s '%s'", action, janus_dir);
	FILE *p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	char line[700];
	while (fgets(line, sizeof line, p) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		const char *eq = strchr(line, '=');
		if (eq == NULL)
			continue;
		if (strncmp(line, "PARTA_MEDIA_ADMIN_URL=", 22) == 0)
			snprintf(janus_cfg.admin_url, sizeof janus_cfg.admin_url, "%s", eq + 1);
		else if (strncmp(line, "PARTA_MEDIA_ADMIN_SECRET=", 25) == 0)
			snprintf(janus_cfg.admin_secret, sizeof janus_cfg.admin_secret, "%s", eq + 1);
		else if (strncmp(line, "PARTA_MEDIA_PUBLIC_URL=", 23) == 0)
			snprintf(janus_cfg.public_url, sizeof janus_cfg.public_url, "%s", eq + 1);
	}
	return pclose(p) == 0 ? 0 : -1;
}

static int group_setup(void **state)
{
	(void)state;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || tmpdir_make(janus_dir, "janus"))
		return -1;
	janus_cfg = media_config_default();
	if (janus_run("start") != 0 || janus_cfg.admin_url[0] == '\0' ||
	    janus_cfg.admin_secret[0] == '\0' || janus_cfg.public_url[0] == '\0') {
		fprintf(stderr, "test_media: scripts/janus.sh start failed (is janus installed?)\n");
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	int rc = janus_run("stop");
	tmpdir_remove(janus_dir);
	curl_global_cleanup();
	return rc;
}

static struct media *open_media(const struct media_config *cfg)
{
	char err[200] = "";
	struct media *m = NULL;
	assert_int_equal(media_open(cfg, err, sizeof err, &m), PARTA_OK);
	assert_non_null(m);
	return m;
}

static uint64_t random_room(void)
{
	static uint64_t next;
	if (next == 0)
		next = 1000000 + ((uint64_t)time(NULL) % 1000000) * 1000 + (uint64_t)getpid() % 1000;
	return next++;
}

/* ---- opening ---- */

static void test_open_refuses_bad_configs(void **state)
{
	(void)state;
	static const struct {
		const char *name, *admin, *secret, *pub;
		int timeout_ms;
		int rc;
		const char *reason;
	} cases[] = {
		{"good", "http://127.0.0.1:7088/admin", "s", "https://media.school/janus", 3000,
		 PARTA_OK, NULL},
		{"no admin url", "", "s", "http://x/janus", 3000, PARTA_EINVAL, "admin_url"},
		{"ftp admin url", "ftp://x/admin", "s", "http://x/janus", 3000, PARTA_EINVAL,
		 "admin_url"},
		{"no secret", "http://x/admin", "", "http://x/janus", 3000, PARTA_EINVAL,
		 "admin_secret"},
		{"no public url", "http://x/admin", "s", "", 3000, PARTA_EINVAL, "public_url"},
		{"ws public url", "http://x/admin", "s", "ws://x/janus", 3000, PARTA_EINVAL,
		 "public_url"},
		{"timeout low", "http://x/admin", "s", "http://x/janus", 99, PARTA_EINVAL,
		 "timeout_ms"},
		{"timeout high", "http://x/admin", "s", "http://x/janus", 60001, PARTA_EINVAL,
		 "timeout_ms"},
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct media_config cfg = media_config_default();
		snprintf(cfg.admin_url, sizeof cfg.admin_url, "%s", cases[i].admin);
		snprintf(cfg.admin_secret, sizeof cfg.admin_secret, "%s", cases[i].secret);
		snprintf(cfg.public_url, sizeof cfg.public_url, "%s", cases[i].pub);
		cfg.timeout_ms = cases[i].timeout_ms;
		char err[200] = "";
		struct media *m = NULL;
		int rc = media_open(&cfg, err, sizeof err, &m);
		if (rc != cases[i].rc)
			fail_msg("%s: rc %d, expected %d (%s)", cases[i].name, rc, cases[i].rc, err);
		if (cases[i].reason != NULL && strstr(err, cases[i].reason) == NULL)
			fail_msg("%s: reason \"%s\" does not name %s", cases[i].name, err,
				 cases[i].reason);
		if (rc == PARTA_OK)
			assert_string_equal(media_public_url(m), cases[i].pub);
		media_close(m);
	}
}

/* ---- Janus's public API, as a browser uses it ---- */

struct body {
	char data[8192];
	size_t len;
};

static size_t collect(char *data, size_t size, size_t n, void *ctx)
{
	struct body *b = ctx;
	size_t len = size * n;
	if (b->len + len >= sizeof b->data)
		return 0;
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return len;
}

/* POSTs `request` (consumed) to public_url + path, or GETs when request is NULL; the answer. */
static json_t *janus_public(const char *path, json_t *request)
{
	char url[700];
	snprintf(url, sizeof url, "%s%s", janus_cfg.public_url, path);
	char *text = request != NULL ? json_dumps(request, JSON_COMPACT) : NULL;
	json_decref(request);
	struct body b = {.len = 0};
	CURL *c = curl_easy_init();
	assert_non_null(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	if (text != NULL)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, text);
	CURLcode cc = curl_easy_perform(c);
	curl_easy_cleanup(c);
	free(text);
	assert_int_equal(cc, CURLE_OK);
	json_t *answer = json_loads(b.data, 0, NULL);
	assert_non_null(answer);
	return answer;
}

static json_int_t janus_public_id(const char *path, json_t *request)
{
	json_t *a = janus_public(path, request);
	json_int_t id = json_integer_value(json_object_get(json_object_get(a, "data"), "id"));
	json_decref(a);
	assert_true(id > 0);
	return id;
}

/* Sends a join as a publisher (token NULL: without one) and answers the event it brings:
 * "joined", or the error code as text. */
static void janus_join(json_int_t session, json_int_t handle, uint64_t room, const char *pin,
		       const char *token, uint64_t feed, char *out, size_t outlen)
{
	char path[64];
	snprintf(path, sizeof path, "/%lld/%lld", (long long)session, (long long)handle);
	json_t *body = json_pack("{s:s,s:s,s:I,s:s,s:I,s:s}", "request", "join", "ptype",
				 "publisher", "room", (json_int_t)room, "pin", pin, "id",
				 (json_int_t)feed, "display", "Тест");
	if (token != NULL)
		json_object_set_new(body, "token", json_string(token));
	json_decref(janus_public(path, json_pack("{s:s,s:s,s:o}", "janus", "message",
						   "transaction", "join", "body", body)));
	/* The event comes through the session's long poll (bounded by Janus's 30 s). */
	snprintf(path, sizeof path, "/%lld?maxev=1", (long long)session);
	for (int polls = 0; polls < 3; polls++) {
		json_t *events = janus_public(path, NULL);
		json_t *ev = json_is_array(events) ? json_array_get(events, 0) : events;
		json_t *data = json_object_get(json_object_get(ev, "plugindata"), "data");
		const char *kind = json_string_value(json_object_get(data, "videoroom"));
		if (kind != NULL) {
			json_int_t code = json_integer_value(json_object_get(data, "error_code"));
			if (code != 0)
				snprintf(out, outlen, "%lld", (long long)code);
			else
				snprintf(out, outlen, "%s", kind);
			json_decref(events);
			return;
		}
		json_decref(events); /* a keepalive */
	}
	fail_msg("no answer to the join");
}

/* ---- rooms ---- */

static void test_room_lifecycle(void **state)
{
	(void)state;
	struct media *m = open_media(&janus_cfg);
	char why[200] = "";
	uint64_t room = random_room();
	struct media_room r = {.room = room, .secret = "room-secret", .pin = "4711",
			       .description = "Урок по предмету «Физика»", .publishers = 30,
			       .bitrate = 512000};
	assert_int_equal(media_room_create(m, &r, why, sizeof why), PARTA_OK);
	/* A retry after a lost answer: the room is there, success. */
	assert_int_equal(media_room_create(m, &r, why, sizeof why), PARTA_OK);
	assert_int_equal(media_room_allow(m, room, "room-secret", "grant-token-1", true, why,
					  sizeof why),
			 PARTA_OK);
	/* The participant and its stream do not exist: not found, with Janus's reason. */
	why[0] = '\0';
	assert_int_equal(media_room_moderate(m, room, "room-secret", 77, "0", true, why,
					     sizeof why),
			 PARTA_ENOTFOUND);
	assert_true(why[0] != '\0');
	/* A wrong room secret is refused with Janus's reason. */
	why[0] = '\0';
	assert_int_equal(media_room_allow(m, room, "wrong", "t", true, why, sizeof why), PARTA_EIO);
	assert_non_null(strstr(why, "nauthorized"));
	assert_int_equal(media_room_destroy(m, room, "room-secret", why, sizeof why), PARTA_OK);
	/* Destroyed already: success. */
	assert_int_equal(media_room_destroy(m, room, "room-secret", why, sizeof why), PARTA_OK);
	assert_int_equal(media_room_allow(m, room, "room-secret", "t", true, why, sizeof why),
			 PARTA_ENOTFOUND);
	media_close(m);
}

/* The room admits publishers with a granted token only, and with the pin. */
static void test_room_admits_grant_holders_only(void **state)
{
	(void)state;
	struct media *m = open_media(&janus_cfg);
	char why[200] = "", got[64] = "";
	uint64_t room = random_room();
	struct media_room r = {.room = room, .secret = "s2", .pin = "9182", .description = "x",
			       .publishers = 3, .bitrate = 256000};
	assert_int_equal(media_room_create(m, &r, why, sizeof why), PARTA_OK);
	assert_int_equal(media_room_allow(m, room, "s2", "tok-ok", true, why, sizeof why), PARTA_OK);

	json_int_t session = janus_public_id("", json_pack("{s:s,s:s}", "janus", "create",
							   "transaction", "c"));
	char path[64];
	snprintf(path, sizeof path, "/%lld", (long long)session);
	json_int_t handle = janus_public_id(path, json_pack("{s:s,s:s,s:s}", "janus", "attach",
							   "plugin", "janus.plugin.videoroom",
							   "transaction", "a"));
	janus_join(session, handle, room, "9182", NULL, 11, got, sizeof got);
	assert_string_equal(got, "433"); /* not in the allowed list */
	janus_join(session, handle, room, "9182", "tok-other", 11, got, sizeof got);
	assert_string_equal(got, "433");
	janus_join(session, handle, room, "0000", "tok-ok", 11, got, sizeof got);
	assert_string_equal(got, "433"); /* a wrong pin: unauthorized too */
	janus_join(session, handle, room, "9182", "tok-ok", 11, got, sizeof got);
	assert_string_equal(got, "joined");
	/* A participant without streams: its "audio" cannot be muted. */
	assert_int_equal(media_room_moderate(m, room, "s2", 11, "0", true, why, sizeof why),
			 PARTA_ENOTFOUND);
	/* Taking the token back keeps others out again. */
	assert_int_equal(media_room_allow(m, room, "s2", "tok-ok", false, why, sizeof why),
			 PARTA_OK);
	json_int_t handle2 = janus_public_id(path, json_pack("{s:s,s:s,s:s}", "janus", "attach",
							    "plugin", "janus.plugin.videoroom",
							    "transaction", "b"));
	janus_join(session, handle2, room, "9182", "tok-ok", 12, got, sizeof got);
	assert_string_equal(got, "433");
	json_decref(janus_public(path, json_pack("{s:s,s:s}", "janus", "destroy", "transaction",
						 "d")));
	assert_int_equal(media_room_destroy(m, room, "s2", why, sizeof why), PARTA_OK);
	media_close(m);
}

static void test_wrong_admin_secret(void **state)
{
	(void)state;
	struct media_config cfg = janus_cfg;
	snprintf(cfg.admin_secret, sizeof cfg.admin_secret, "not-the-secret");
	struct media *m = open_media(&cfg);
	char why[200] = "";
	struct media_room r = {.room = random_room(), .secret = "s", .pin = "1", .description = "x",
			       .publishers = 2, .bitrate = 128000};
	assert_int_equal(media_room_create(m, &r, why, sizeof why), PARTA_EIO);
	assert_true(why[0] != '\0');
	media_close(m);
}

/* ---- several threads at once (the header promises it) ---- */

struct worker {
	struct media *m;
	uint64_t first;
	int failures;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	char why[200];
	for (uint64_t room = w->first; room < w->first + 8; room++) {
		struct media_room r = {.room = room, .secret = "ws", .pin = "5", .description = "w",
				       .publishers = 4, .bitrate = 128000};
		if (media_room_create(w->m, &r, why, sizeof why) != PARTA_OK ||
		    media_room_allow(w->m, room, "ws", "t", true, why, sizeof why) != PARTA_OK ||
		    media_room_destroy(w->m, room, "ws", why, sizeof why) != PARTA_OK)
			w->failures++;
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	struct media *m = open_media(&janus_cfg);
	struct worker w[4];
	pthread_t t[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){.m = m, .first = random_room() + 100 * (uint64_t)(i + 1)};
		assert_int_equal(pthread_create(&t[i], NULL, worker_run, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].failures, 0);
	}
	media_close(m);
}

/* ---- an unreachable media server ---- */

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* A listening socket that accepts connections (the kernel's backlog) and never answers. */
static int silent_listener(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static void test_silent_janus_times_out(void **state)
{
	(void)state;
	int port;
	int fd = silent_listener(&port);
	struct media_config cfg = janus_cfg;
	snprintf(cfg.admin_url, sizeof cfg.admin_url, "http://127.0.0.1:%d/admin", port);
	cfg.timeout_ms = 300;
	struct media *m = open_media(&cfg);
	char why[200] = "";
	double t0 = now_ms();
	assert_int_equal(media_room_destroy(m, 5, "s", why, sizeof why), PARTA_EUNAVAILABLE);
	double took = now_ms() - t0;
	assert_true(took >= 250 && took < 2000);
	assert_true(why[0] != '\0');
	media_close(m);
	close(fd);
}

/* Runs last: stops the Janus of the group, then every call is refused as unavailable at
 * once (the port is closed). */
static void test_stopped_janus_is_unavailable(void **state)
{
	(void)state;
	struct media *m = open_media(&janus_cfg);
	assert_int_equal(janus_run("stop"), 0);
	char why[200] = "";
	struct media_room r = {.room = random_room(), .secret = "s", .pin = "1", .description = "x",
			       .publishers = 2, .bitrate = 128000};
	double t0 = now_ms();
	assert_int_equal(media_room_create(m, &r, why, sizeof why), PARTA_EUNAVAILABLE);
	assert_int_equal(media_room_allow(m, r.room, "s", "t", true, why, sizeof why),
			 PARTA_EUNAVAILABLE);
	assert_int_equal(media_room_moderate(m, r.room, "s", 1, "0", true, why, sizeof why),
			 PARTA_EUNAVAILABLE);
	assert_int_equal(media_room_destroy(m, r.room, "s", why, sizeof why), PARTA_EUNAVAILABLE);
	assert_true(now_ms() - t0 < janus_cfg.timeout_ms);
	media_close(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_refuses_bad_configs),
		cmocka_unit_test(test_room_lifecycle),
		cmocka_unit_test(test_room_admits_grant_holders_only),
		cmocka_unit_test(test_wrong_admin_secret),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_silent_janus_times_out),
		cmocka_unit_test(test_stopped_janus_is_unavailable),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
