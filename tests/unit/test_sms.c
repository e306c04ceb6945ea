/* test_sms.c — the SMS gateway: opening and its refusals, the dev inbox on a real SQLite file,
 * the body template with its escaping, and the http backend against small HTTP servers run on
 * a loopback port inside the test (a good one, flaky ones, a closed port, a silent one). The
 * waits here are network waits bounded by the gateway's timeout, never sleeps. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "app/sms.h"
#include "core/err.h"
#include "store/db.h"
#include "tmpdir.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- opening ---- */

static void test_open_refuses_bad_configs(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		enum sms_backend backend;
		const char *url, *auth;
		int timeout_ms, retries;
		int rc;
		const char *reason; /* a part of the message */
	} cases[] = {
		{"none", SMS_BACKEND_NONE, "", "", 5000, 2, PARTA_OK, NULL},
		{"dev", SMS_BACKEND_DEV, "", "", 5000, 2, PARTA_OK, NULL},
		{"http", SMS_BACKEND_HTTP, "https://sms.example/send", "X-Key: 1", 5000, 2, PARTA_OK, NULL},
		{"http without url", SMS_BACKEND_HTTP, "", "", 5000, 2, PARTA_EINVAL, "url"},
		{"ftp url", SMS_BACKEND_HTTP, "ftp://x/", "", 5000, 2, PARTA_EINVAL, "http://"},
		{"bad auth header", SMS_BACKEND_HTTP, "http://x/", "Bearer s3cret", 5000, 2,
		 PARTA_EINVAL, "auth_header"},
		{"timeout low", SMS_BACKEND_DEV, "", "", 99, 2, PARTA_EINVAL, "timeout_ms"},
		{"timeout high", SMS_BACKEND_DEV, "", "", 60001, 2, PARTA_EINVAL, "timeout_ms"},
		{"retries", SMS_BACKEND_DEV, "", "", 5000, 6, PARTA_EINVAL, "retries"},
		{"backend", (enum sms_backend)7, "", "", 5000, 2, PARTA_EINVAL, "gateway"},
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct sms_config cfg = sms_config_default();
		cfg.backend = cases[i].backend;
		snprintf(cfg.url, sizeof cfg.url, "%s", cases[i].url);
		snprintf(cfg.auth_header, sizeof cfg.auth_header, "%s", cases[i].auth);
		cfg.timeout_ms = cases[i].timeout_ms;
		cfg.retries = cases[i].retries;
		struct sms_gateway *gw = NULL;
		char err[256] = "";
		int rc = sms_gateway_open(&cfg, err, sizeof err, &gw);
		if (rc != cases[i].rc)
			fail_msg("%s: %s, want %s (%s)", cases[i].name, parta_strerror(rc),
				 parta_strerror(cases[i].rc), err);
		if (rc == PARTA_OK) {
			assert_int_equal(sms_gateway_backend(gw), cases[i].backend);
			sms_gateway_close(gw);
			continue;
		}
		assert_null(gw);
		if (strstr(err, cases[i].reason) == NULL)
			fail_msg("%s: reason \"%s\" lacks \"%s\"", cases[i].name, err, cases[i].reason);
		/* The auth header may be a secret: never repeated in a message. */
		assert_null(strstr(err, "s3cret"));
	}
	assert_int_equal(sms_gateway_backend(NULL), SMS_BACKEND_NONE);
}

static void test_backend_names(void **state)
{
	(void)state;
	enum sms_backend b;
	assert_int_equal(sms_backend_parse("dev", &b), PARTA_OK);
	assert_int_equal(b, SMS_BACKEND_DEV);
	assert_int_equal(sms_backend_parse("http", &b), PARTA_OK);
	assert_int_equal(b, SMS_BACKEND_HTTP);
	assert_int_equal(sms_backend_parse("none", &b), PARTA_OK);
	assert_int_equal(b, SMS_BACKEND_NONE);
	assert_int_equal(sms_backend_parse("HTTP", &b), PARTA_EINVAL);
	assert_int_equal(sms_backend_parse("", &b), PARTA_EINVAL);
	assert_string_equal(sms_backend_name(SMS_BACKEND_DEV), "dev");
}

/* ---- the template ---- */

static void test_template(void **state)
{
	(void)state;
	static const struct {
		const char *tmpl, *content_type, *phone, *text, *want;
	} cases[] = {
		{"{\"to\":\"{phone}\",\"msg\":\"{text}\"}", "application/json", "+79991234567",
		 "Код: 123456", "{\"to\":\"+79991234567\",\"msg\":\"Код: 123456\"}"},
		/* Quotes, backslashes, line breaks and tabs are escaped; the text cannot break out. */
		{"{\"msg\":\"{text}\"}", "application/json; charset=utf-8", "+79991234567",
		 "a\"b\\c\nd\te\r", "{\"msg\":\"a\\\"b\\\\c\\nd\\te\\r\"}"},
		{"{\"msg\":\"{text}\"}", "Application/JSON", "+7", "\"},\"x\":{\"",
		 "{\"msg\":\"\\\"},\\\"x\\\":{\\\"\"}"},
		/* Every occurrence; other braces kept; no placeholders at all. */
		{"{phone}/{phone} {text} {other} {", "text/plain", "+7", "x", "+7/+7 x {other} {"},
		{"plain", "application/json", "+7", "x", "plain"},
		{"", "application/json", "+7", "x", ""},
		/* Forms are percent-encoded: '+', '&', '=', spaces and UTF-8 bytes. */
		{"to={phone}&text={text}", "application/x-www-form-urlencoded", "+79991234567",
		 "Код 1&a=b", "to=%2B79991234567&text=%D0%9A%D0%BE%D0%B4%201%26a%3Db"},
		/* Any other type: as it is. */
		{"<to>{phone}</to>", "application/xml", "+79991234567", "x",
		 "<to>+79991234567</to>"},
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		char *out = NULL;
		int rc = sms_fill_template(cases[i].tmpl, cases[i].content_type, cases[i].phone,
					   cases[i].text, &out);
		if (rc != PARTA_OK)
			fail_msg("case %zu: %s", i, parta_strerror(rc));
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("case %zu: \"%s\", want \"%s\"", i, out, cases[i].want);
		free(out);
	}
	char *out = (char *)1;
	assert_int_equal(sms_fill_template("{text}", "application/json", "+7", "\xff", &out),
			 PARTA_EINVAL);
	assert_null(out);
}

static void test_mask(void **state)
{
	(void)state;
	char buf[32];
	sms_mask_phone("+79991234567", buf, sizeof buf);
	assert_string_equal(buf, "+7999***4567");
	sms_mask_phone("+7999", buf, sizeof buf);
	assert_string_equal(buf, "***");
	sms_mask_phone("", buf, sizeof buf);
	assert_string_equal(buf, "***");
}

/* ---- the dev inbox ---- */

struct fx {
	char dir[TMPDIR_PATH_MAX];
	char path[TMPDIR_PATH_MAX];
	struct db *db;
};

static int fx_setup(void **state)
{
	struct fx *fx = calloc(1, sizeof *fx);
	if (fx == NULL || tmpdir_make(fx->dir, "sms") != 0 ||
	    tmpdir_file(fx->path, fx->dir, "parta.db") != 0)
		return -1;
	char err[256] = "";
	if (db_open(fx->path, &fx->db, err, sizeof err) != PARTA_OK) {
		print_error("db_open: %s\n", err);
		return -1;
	}
	*state = fx;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *fx = *state;
	db_close(fx->db);
	int rc = tmpdir_remove(fx->dir);
	free(fx);
	return rc;
}

static struct sms_gateway *open_backend(enum sms_backend backend)
{
	struct sms_config cfg = sms_config_default();
	cfg.backend = backend;
	struct sms_gateway *gw = NULL;
	char err[256];
	assert_int_equal(sms_gateway_open(&cfg, err, sizeof err, &gw), PARTA_OK);
	return gw;
}

static void test_dev_outbox(void **state)
{
	struct fx *fx = *state;
	struct sms_gateway *gw = open_backend(SMS_BACKEND_DEV);
	assert_int_equal(sms_send(gw, fx->db, 1000, "+79991234567", "Код: 111111"), PARTA_OK);
	assert_int_equal(sms_send(gw, fx->db, 1001, "+79990000000", "Код: 222222"), PARTA_OK);
	assert_int_equal(sms_send(gw, fx->db, 1002, "+79991234567", "Код: 333333"), PARTA_OK);
	/* Refused input writes nothing. */
	assert_int_equal(sms_send(gw, fx->db, 1003, "89991234567", "x"), PARTA_EINVAL);
	assert_int_equal(sms_send(gw, fx->db, 1003, "+7999abc4567", "x"), PARTA_EINVAL);
	assert_int_equal(sms_send(gw, fx->db, 1003, "+79991234567", ""), PARTA_EINVAL);
	assert_int_equal(sms_send(gw, fx->db, 1003, "+79991234567", "\xc3"), PARTA_EINVAL);
	sms_gateway_close(gw);

	json_t *list = NULL;
	assert_int_equal(sms_outbox(fx->db, "+79991234567", 10, &list), PARTA_OK);
	assert_int_equal(json_array_size(list), 2);
	json_t *first = json_array_get(list, 0);
	assert_string_equal(json_string_value(json_object_get(first, "phone")), "+79991234567");
	assert_string_equal(json_string_value(json_object_get(first, "text")), "Код: 333333");
	assert_int_equal(json_integer_value(json_object_get(first, "created_at")), 1002);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "text")),
			    "Код: 111111");
	json_decref(list);

	assert_int_equal(sms_outbox(fx->db, "", 2, &list), PARTA_OK);
	assert_int_equal(json_array_size(list), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "phone")),
			    "+79990000000");
	json_decref(list);

	assert_int_equal(sms_outbox(fx->db, "+70000000000", 10, &list), PARTA_OK);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
	assert_int_equal(sms_outbox(fx->db, "", 0, &list), PARTA_EINVAL);
	assert_null(list);
}

/* No gateway: nothing is delivered, and nothing is written. */
static void test_none_fails(void **state)
{
	struct fx *fx = *state;
	struct sms_gateway *gw = open_backend(SMS_BACKEND_NONE);
	assert_int_equal(sms_send(gw, fx->db, 1, "+79991234567", "x"), PARTA_EIO);
	assert_int_equal(sms_send(NULL, fx->db, 1, "+79991234567", "x"), PARTA_EIO);
	sms_gateway_close(gw);
	json_t *list = NULL;
	assert_int_equal(sms_outbox(fx->db, "", 10, &list), PARTA_OK);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
}

/* ---- the http backend against a server in a thread ---- */

struct fake {
	int fd, port;
	int statuses[8]; /* one answer per connection, in order */
	int n;
	int served;
	char first[4096]; /* the first request as received */
	pthread_t thread;
};

/* Reads one request (headers, then Content-Length bytes of body) into buf. */
static size_t fake_read_request(int c, char *buf, size_t cap)
{
	size_t len = 0;
	long want = -1;
	while (len + 1 < cap) {
		struct pollfd p = {c, POLLIN, 0};
		if (poll(&p, 1, 5000) != 1)
			break;
		ssize_t n = recv(c, buf + len, cap - 1 - len, 0);
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		char *end = strstr(buf, "\r\n\r\n");
		if (end == NULL)
			continue;
		if (want < 0) {
			const char *cl = strcasestr(buf, "\r\ncontent-length:");
			want = (end + 4 - buf) + (cl ? strtol(cl + 17, NULL, 10) : 0);
		}
		if ((long)len >= want)
			break;
	}
	buf[len] = '\0';
	return len;
}

static void *fake_run(void *arg)
{
	struct fake *f = arg;
	for (int i = 0; i < f->n; i++) {
		struct pollfd p = {f->fd, POLLIN, 0};
		if (poll(&p, 1, 5000) != 1)
			break;
		int c = accept(f->fd, NULL, NULL);
		if (c < 0)
			break;
		char req[4096];
		fake_read_request(c, req, sizeof req);
		if (i == 0)
			snprintf(f->first, sizeof f->first, "%s", req);
		char resp[128];
		int n = snprintf(resp, sizeof resp,
				 "HTTP/1.1 %d X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
				 f->statuses[i]);
		if (send(c, resp, (size_t)n, MSG_NOSIGNAL) == n)
			f->served++;
		close(c);
	}
	return NULL;
}

/* A listening socket on 127.0.0.1 and a free port. */
static int fake_listen(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof a;
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static void fake_start(struct fake *f, const int *statuses, int n)
{
	memset(f, 0, sizeof *f);
	f->fd = fake_listen(&f->port);
	memcpy(f->statuses, statuses, (size_t)n * sizeof *statuses);
	f->n = n;
	assert_int_equal(pthread_create(&f->thread, NULL, fake_run, f), 0);
}

static void fake_stop(struct fake *f)
{
	pthread_join(f->thread, NULL);
	close(f->fd);
}

static struct sms_gateway *open_http(int port, int retries, int timeout_ms)
{
	struct sms_config cfg = sms_config_default();
	cfg.backend = SMS_BACKEND_HTTP;
	snprintf(cfg.url, sizeof cfg.url, "http://127.0.0.1:%d/sms/send", port);
	snprintf(cfg.auth_header, sizeof cfg.auth_header, "Authorization: Bearer s3cret");
	cfg.retries = retries;
	cfg.timeout_ms = timeout_ms;
	struct sms_gateway *gw = NULL;
	char err[256];
	assert_int_equal(sms_gateway_open(&cfg, err, sizeof err, &gw), PARTA_OK);
	return gw;
}

/* Runs sms_send with stderr captured into `log`. */
static int send_logged(struct sms_gateway *gw, const char *text, char *log, size_t cap)
{
	char path[] = "/tmp/parta-sms-log-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	int rc = sms_send(gw, NULL, 0, "+79991234567", text);
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	ssize_t n = pread(fd, log, cap - 1, 0);
	log[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	return rc;
}

static void test_http_sends(void **state)
{
	(void)state;
	struct fake f;
	fake_start(&f, (const int[]){200}, 1);
	struct sms_gateway *gw = open_http(f.port, 2, 5000);
	char log[4096];
	int rc = send_logged(gw, "Код: 123456 \"x\"\n", log, sizeof log);
	sms_gateway_close(gw);
	fake_stop(&f);
	assert_int_equal(rc, PARTA_OK);
	assert_int_equal(f.served, 1);
	assert_non_null(strstr(f.first, "POST /sms/send HTTP/1.1\r\n"));
	assert_non_null(strcasestr(f.first, "\r\ncontent-type: application/json\r\n"));
	assert_non_null(strstr(f.first, "\r\nAuthorization: Bearer s3cret\r\n"));
	const char *body = strstr(f.first, "\r\n\r\n");
	assert_non_null(body);
	assert_string_equal(body + 4,
			    "{\"phone\":\"+79991234567\",\"text\":\"Код: 123456 \\\"x\\\"\\n\"}");
	/* The log has the masked phone and the status, never the code or the secret. */
	assert_non_null(strstr(log, "phone=+7999***4567"));
	assert_non_null(strstr(log, "status=200"));
	assert_null(strstr(log, "123456"));
	assert_null(strstr(log, "s3cret"));
	assert_null(strstr(log, "+79991234567"));
}

static void test_http_retries_5xx(void **state)
{
	(void)state;
	struct fake f;
	fake_start(&f, (const int[]){500, 503, 200}, 3);
	struct sms_gateway *gw = open_http(f.port, 2, 5000);
	char log[4096];
	int rc = send_logged(gw, "Код: 654321", log, sizeof log);
	sms_gateway_close(gw);
	fake_stop(&f);
	assert_int_equal(rc, PARTA_OK);
	assert_int_equal(f.served, 3);
	assert_non_null(strstr(log, "attempts=3"));
	assert_null(strstr(log, "654321"));
}

static void test_http_always_5xx_fails(void **state)
{
	(void)state;
	struct fake f;
	fake_start(&f, (const int[]){500, 500, 500}, 3);
	struct sms_gateway *gw = open_http(f.port, 2, 5000);
	char log[4096];
	int rc = send_logged(gw, "Код: 777777", log, sizeof log);
	sms_gateway_close(gw);
	fake_stop(&f);
	assert_int_equal(rc, PARTA_EIO);
	assert_int_equal(f.served, 3);
	assert_non_null(strstr(log, "status=500"));
	assert_null(strstr(log, "777777"));
}

/* A 4xx is the gateway refusing the message: not retried. */
static void test_http_4xx_not_retried(void **state)
{
	(void)state;
	struct fake f;
	fake_start(&f, (const int[]){400}, 1);
	struct sms_gateway *gw = open_http(f.port, 2, 5000);
	char log[4096];
	int rc = send_logged(gw, "x", log, sizeof log);
	sms_gateway_close(gw);
	fake_stop(&f);
	assert_int_equal(rc, PARTA_EIO);
	assert_non_null(strstr(log, "attempts=1"));
}

static void test_http_closed_port_fails(void **state)
{
	(void)state;
	int port;
	close(fake_listen(&port));
	struct sms_gateway *gw = open_http(port, 2, 5000);
	char log[4096];
	assert_int_equal(send_logged(gw, "Код: 1", log, sizeof log), PARTA_EIO);
	sms_gateway_close(gw);
	assert_non_null(strstr(log, "send_failed"));
	assert_non_null(strstr(log, "attempts=3"));
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A server that takes the connection (the kernel's backlog) and never answers: the send,
 * retries included, gives up within timeout_ms. */
static void test_http_silent_times_out(void **state)
{
	(void)state;
	int port;
	int fd = fake_listen(&port);
	struct sms_gateway *gw = open_http(port, 2, 300);
	char log[4096];
	int64_t start = now_ms();
	int rc = send_logged(gw, "Код: 1", log, sizeof log);
	int64_t took = now_ms() - start;
	sms_gateway_close(gw);
	close(fd);
	assert_int_equal(rc, PARTA_EIO);
	if (took < 250 || took > 1500)
		fail_msg("gave up after %lld ms, want about 300", (long long)took);
}

int main(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_refuses_bad_configs),
		cmocka_unit_test(test_backend_names),
		cmocka_unit_test(test_template),
		cmocka_unit_test(test_mask),
		cmocka_unit_test_setup_teardown(test_dev_outbox, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_none_fails, fx_setup, fx_teardown),
		cmocka_unit_test(test_http_sends),
		cmocka_unit_test(test_http_retries_5xx),
		cmocka_unit_test(test_http_always_5xx_fails),
		cmocka_unit_test(test_http_4xx_not_retried),
		cmocka_unit_test(test_http_closed_port_fails),
		cmocka_unit_test(test_http_silent_times_out),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return failed;
}
