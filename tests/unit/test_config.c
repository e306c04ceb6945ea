/* test_config.c — the configuration: defaults, one option at a time with its bounds, the ini
 * file with line-numbered errors, and PARTA_* environment variables. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "cli/config.h"
#include "core/err.h"
#include "tmpdir.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Field by field (struct padding is not comparable). */
static void assert_config_equal(const struct config *a, const struct config *b)
{
	assert_string_equal(a->srv.host, b->srv.host);
	assert_int_equal(a->srv.port, b->srv.port);
	assert_string_equal(a->srv.web_dir, b->srv.web_dir);
	assert_int_equal(a->srv.body_limit, b->srv.body_limit);
	assert_int_equal(a->srv.ws_max_message, b->srv.ws_max_message);
	assert_int_equal(a->srv.ws_queue_cap, b->srv.ws_queue_cap);
	assert_int_equal(a->srv.ws_ping_secs, b->srv.ws_ping_secs);
	assert_int_equal(a->srv.workers, b->srv.workers);
	assert_int_equal(a->srv.cookie_secure, b->srv.cookie_secure);
	assert_int_equal(a->limits.session_idle_ttl, b->limits.session_idle_ttl);
	assert_int_equal(a->limits.session_abs_ttl, b->limits.session_abs_ttl);
	assert_int_equal(a->limits.login_fail_limit, b->limits.login_fail_limit);
	assert_int_equal(a->limits.addr_fail_limit, b->limits.addr_fail_limit);
	assert_int_equal(a->limits.login_fail_window, b->limits.login_fail_window);
	assert_string_equal(a->db_path, b->db_path);
	assert_int_equal(a->log_level, b->log_level);
	assert_int_equal(a->test_mode, b->test_mode);
	assert_int_equal(a->sms.backend, b->sms.backend);
	assert_string_equal(a->sms.url, b->sms.url);
	assert_string_equal(a->sms.body_template, b->sms.body_template);
	assert_string_equal(a->sms.content_type, b->sms.content_type);
	assert_string_equal(a->sms.auth_header, b->sms.auth_header);
	assert_int_equal(a->sms.timeout_ms, b->sms.timeout_ms);
	assert_int_equal(a->sms.retries, b->sms.retries);
	assert_string_equal(a->media.admin_url, b->media.admin_url);
	assert_string_equal(a->media.admin_secret, b->media.admin_secret);
	assert_string_equal(a->media.public_url, b->media.public_url);
	assert_int_equal(a->media.timeout_ms, b->media.timeout_ms);
}

/* Every variable config_load_env reads: cleared so that the caller's environment cannot
 * leak into the test. */
static const char *const config_env_names[] = {
	"PARTA_SERVER_LISTEN",          "PARTA_SERVER_WEB",          "PARTA_SERVER_BODY_LIMIT",
	"PARTA_SERVER_WORKERS",         "PARTA_SERVER_COOKIE_SECURE", "PARTA_SERVER_TEST_MODE",
	"PARTA_DATABASE_PATH",          "PARTA_LOG_LEVEL",           "PARTA_SESSION_IDLE_TTL",
	"PARTA_SESSION_ABSOLUTE_TTL",   "PARTA_LOGIN_FAIL_LIMIT_LOGIN",
	"PARTA_LOGIN_FAIL_LIMIT_ADDR",  "PARTA_LOGIN_FAIL_WINDOW",   "PARTA_WEBSOCKET_MAX_MESSAGE",
	"PARTA_WEBSOCKET_QUEUE_CAP",    "PARTA_WEBSOCKET_PING_INTERVAL",
	"PARTA_SMS_GATEWAY",            "PARTA_SMS_URL",             "PARTA_SMS_BODY_TEMPLATE",
	"PARTA_SMS_CONTENT_TYPE",       "PARTA_SMS_AUTH_HEADER",     "PARTA_SMS_TIMEOUT_MS",
	"PARTA_SMS_RETRIES",
	"PARTA_MEDIA_ADMIN_URL",        "PARTA_MEDIA_ADMIN_SECRET",  "PARTA_MEDIA_PUBLIC_URL",
	"PARTA_MEDIA_TIMEOUT_MS",
};

static void env_clear(void)
{
	for (size_t i = 0; i < NELEM(config_env_names); i++)
		unsetenv(config_env_names[i]);
}

/* The documented defaults (config.c table, srv_config_default, app_limits_default). */
static void test_defaults(void **state)
{
	(void)state;
	struct config cfg;
	memset(&cfg, 0xA5, sizeof cfg);
	config_defaults(&cfg);
	assert_string_equal(cfg.srv.host, "127.0.0.1");
	assert_int_equal(cfg.srv.port, 8080);
	assert_string_equal(cfg.srv.web_dir, "web");
	assert_int_equal(cfg.srv.body_limit, 1048576);
	assert_int_equal(cfg.srv.workers, 2);
	assert_false(cfg.srv.cookie_secure);
	assert_int_equal(cfg.srv.ws_max_message, 65536);
	assert_int_equal(cfg.srv.ws_queue_cap, 1048576);
	assert_int_equal(cfg.srv.ws_ping_secs, 30);
	assert_string_equal(cfg.db_path, "var/parta.db");
	assert_int_equal(cfg.log_level, LOG_INFO);
	assert_false(cfg.test_mode);
	assert_int_equal(cfg.limits.session_idle_ttl, 43200);
	assert_int_equal(cfg.limits.session_abs_ttl, 1209600);
	assert_int_equal(cfg.limits.login_fail_limit, 5);
	assert_int_equal(cfg.limits.addr_fail_limit, 20);
	assert_int_equal(cfg.limits.login_fail_window, 900);
	assert_int_equal(cfg.sms.backend, SMS_BACKEND_NONE);
	assert_string_equal(cfg.sms.url, "");
	assert_string_equal(cfg.sms.body_template, "{\"phone\":\"{phone}\",\"text\":\"{text}\"}");
	assert_string_equal(cfg.sms.content_type, "application/json");
	assert_string_equal(cfg.sms.auth_header, "");
	assert_int_equal(cfg.sms.timeout_ms, 5000);
	assert_int_equal(cfg.sms.retries, 2);
	assert_string_equal(cfg.media.admin_url, "");
	assert_string_equal(cfg.media.admin_secret, "");
	assert_string_equal(cfg.media.public_url, "");
	assert_int_equal(cfg.media.timeout_ms, 3000);
}

/* config_set accepts good values and refuses bad ones with PARTA_EVALIDATION, leaving the
 * option unchanged; unknown options are PARTA_ENOTFOUND. `check` verifies the effect. */
enum check { NONE, HOST_PORT, BODY, WORKERS, SECURE, LEVEL, IDLE, WINDOW, PING, LOGIN_LIMIT,
	     WEB, DBPATH, QUEUE, GATEWAY, SMS_URL, SMS_TIMEOUT, SMS_RETRIES, MEDIA_ADMIN,
	     MEDIA_SECRET, MEDIA_PUBLIC, MEDIA_TIMEOUT };

static void test_set_table(void **state)
{
	(void)state;
	static const struct {
		const char *section, *key, *value;
		int rc;
		enum check check;
		const char *text;   /* expected text (host, path) */
		long long number;   /* expected number (port, size, …) */
	} cases[] = {
		{"server", "listen", "127.0.0.1:9000", PARTA_OK, HOST_PORT, "127.0.0.1", 9000},
		{"server", "listen", "[::1]:8080", PARTA_OK, HOST_PORT, "::1", 8080},
		{"server", "listen", "0.0.0.0:0", PARTA_OK, HOST_PORT, "0.0.0.0", 0},
		{"server", "listen", "localhost:65535", PARTA_OK, HOST_PORT, "localhost", 65535},
		{"server", "listen", "nowhere", PARTA_EVALIDATION, HOST_PORT, "127.0.0.1", 8080},
		/* A bracket must be closed and enclose the whole host. */
		{"server", "listen", "[::1:8080", PARTA_EVALIDATION, HOST_PORT, "127.0.0.1", 8080},
		{"server", "listen", "::1]:8080", PARTA_EVALIDATION, HOST_PORT, "127.0.0.1", 8080},
		{"server", "listen", "[]:8080", PARTA_EVALIDATION, HOST_PORT, "127.0.0.1", 8080},
		{"server", "listen", "127.0.0.1:70000", PARTA_EVALIDATION, HOST_PORT, "127.0.0.1", 8080},
		{"server", "listen", "127.0.0.1:65536", PARTA_EVALIDATION, HOST_PORT, "127.0.0.1", 8080},
		{"server", "listen", "127.0.0.1:-1", PARTA_EVALIDATION, HOST_PORT, "127.0.0.1", 8080},
		{"server", "listen", "127.0.0.1:", PARTA_EVALIDATION, HOST_PORT, "127.0.0.1", 8080},
		{"server", "listen", "127.0.0.1:80x", PARTA_EVALIDATION, HOST_PORT, "127.0.0.1", 8080},
		{"server", "listen", ":8080", PARTA_EVALIDATION, HOST_PORT, "127.0.0.1", 8080},
		{"server", "listen", "[]:8080", PARTA_EVALIDATION, HOST_PORT, "127.0.0.1", 8080},
		{"server", "body_limit", "1024", PARTA_OK, BODY, NULL, 1024},
		{"server", "body_limit", "4294967296", PARTA_OK, BODY, NULL, 4294967296LL},
		{"server", "body_limit", "1023", PARTA_EVALIDATION, BODY, NULL, 1048576},
		{"server", "body_limit", "4294967297", PARTA_EVALIDATION, BODY, NULL, 1048576},
		{"server", "body_limit", "-5", PARTA_EVALIDATION, BODY, NULL, 1048576},
		{"server", "body_limit", "1k", PARTA_EVALIDATION, BODY, NULL, 1048576},
		{"server", "body_limit", "", PARTA_EVALIDATION, BODY, NULL, 1048576},
		{"server", "body_limit", "99999999999999999999", PARTA_EVALIDATION, BODY, NULL, 1048576},
		{"server", "workers", "1", PARTA_OK, WORKERS, NULL, 1},
		{"server", "workers", "64", PARTA_OK, WORKERS, NULL, 64},
		{"server", "workers", "0", PARTA_EVALIDATION, WORKERS, NULL, 2},
		{"server", "workers", "65", PARTA_EVALIDATION, WORKERS, NULL, 2},
		{"server", "cookie_secure", "true", PARTA_OK, SECURE, NULL, 1},
		{"server", "cookie_secure", "yes", PARTA_OK, SECURE, NULL, 1},
		{"server", "cookie_secure", "1", PARTA_OK, SECURE, NULL, 1},
		{"server", "cookie_secure", "false", PARTA_OK, SECURE, NULL, 0},
		{"server", "cookie_secure", "no", PARTA_OK, SECURE, NULL, 0},
		{"server", "cookie_secure", "0", PARTA_OK, SECURE, NULL, 0},
		{"server", "cookie_secure", "maybe", PARTA_EVALIDATION, SECURE, NULL, 0},
		{"server", "cookie_secure", "", PARTA_EVALIDATION, SECURE, NULL, 0},
		{"server", "web", "/srv/parta/web", PARTA_OK, WEB, "/srv/parta/web", 0},
		{"server", "web", "", PARTA_EVALIDATION, WEB, "web", 0},
		{"database", "path", "/var/lib/parta/parta.db", PARTA_OK, DBPATH,
		 "/var/lib/parta/parta.db", 0},
		{"log", "level", "debug", PARTA_OK, LEVEL, NULL, LOG_DEBUG},
		{"log", "level", "warn", PARTA_OK, LEVEL, NULL, LOG_WARN},
		{"log", "level", "error", PARTA_OK, LEVEL, NULL, LOG_ERROR},
		{"log", "level", "verbose", PARTA_EVALIDATION, LEVEL, NULL, LOG_INFO},
		{"log", "level", "INFO", PARTA_EVALIDATION, LEVEL, NULL, LOG_INFO},
		{"session", "idle_ttl", "60", PARTA_OK, IDLE, NULL, 60},
		{"session", "idle_ttl", "2147483648", PARTA_OK, IDLE, NULL, 2147483648LL},
		{"session", "idle_ttl", "59", PARTA_EVALIDATION, IDLE, NULL, 43200},
		{"login", "fail_window", "86400", PARTA_OK, WINDOW, NULL, 86400},
		{"login", "fail_window", "86401", PARTA_EVALIDATION, WINDOW, NULL, 900},
		{"login", "fail_limit_login", "1000", PARTA_OK, LOGIN_LIMIT, NULL, 1000},
		{"login", "fail_limit_login", "0", PARTA_EVALIDATION, LOGIN_LIMIT, NULL, 5},
		{"websocket", "ping_interval", "3600", PARTA_OK, PING, NULL, 3600},
		{"websocket", "ping_interval", "0", PARTA_EVALIDATION, PING, NULL, 30},
		{"websocket", "queue_cap", "1073741824", PARTA_OK, QUEUE, NULL, 1073741824LL},
		{"websocket", "queue_cap", "1023", PARTA_EVALIDATION, QUEUE, NULL, 1048576},
		{"sms", "gateway", "dev", PARTA_OK, GATEWAY, NULL, SMS_BACKEND_DEV},
		{"sms", "gateway", "http", PARTA_OK, GATEWAY, NULL, SMS_BACKEND_HTTP},
		{"sms", "gateway", "none", PARTA_OK, GATEWAY, NULL, SMS_BACKEND_NONE},
		{"sms", "gateway", "smsc", PARTA_EVALIDATION, GATEWAY, NULL, SMS_BACKEND_NONE},
		{"sms", "gateway", "", PARTA_EVALIDATION, GATEWAY, NULL, SMS_BACKEND_NONE},
		{"sms", "url", "https://sms.example/api", PARTA_OK, SMS_URL, "https://sms.example/api", 0},
		{"sms", "timeout_ms", "100", PARTA_OK, SMS_TIMEOUT, NULL, 100},
		{"sms", "timeout_ms", "60000", PARTA_OK, SMS_TIMEOUT, NULL, 60000},
		{"sms", "timeout_ms", "99", PARTA_EVALIDATION, SMS_TIMEOUT, NULL, 5000},
		{"sms", "timeout_ms", "60001", PARTA_EVALIDATION, SMS_TIMEOUT, NULL, 5000},
		{"sms", "retries", "0", PARTA_OK, SMS_RETRIES, NULL, 0},
		{"sms", "retries", "5", PARTA_OK, SMS_RETRIES, NULL, 5},
		{"sms", "retries", "6", PARTA_EVALIDATION, SMS_RETRIES, NULL, 2},
		{"sms", "retries", "-1", PARTA_EVALIDATION, SMS_RETRIES, NULL, 2},
		{"media", "admin_url", "http://127.0.0.1:7088/admin", PARTA_OK, MEDIA_ADMIN,
		 "http://127.0.0.1:7088/admin", 0},
		{"media", "admin_secret", "s3cret", PARTA_OK, MEDIA_SECRET, "s3cret", 0},
		{"media", "public_url", "https://media.school/janus", PARTA_OK, MEDIA_PUBLIC,
		 "https://media.school/janus", 0},
		{"media", "timeout_ms", "100", PARTA_OK, MEDIA_TIMEOUT, NULL, 100},
		{"media", "timeout_ms", "60001", PARTA_EVALIDATION, MEDIA_TIMEOUT, NULL, 3000},
		{"media", "timeout_ms", "fast", PARTA_EVALIDATION, MEDIA_TIMEOUT, NULL, 3000},
		{"server", "nope", "1", PARTA_ENOTFOUND, NONE, NULL, 0},
		{"nope", "listen", "127.0.0.1:1", PARTA_ENOTFOUND, NONE, NULL, 0},
		{"", "listen", "127.0.0.1:1", PARTA_ENOTFOUND, NONE, NULL, 0},
		{"Server", "listen", "127.0.0.1:1", PARTA_ENOTFOUND, NONE, NULL, 0},
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct config cfg;
		config_defaults(&cfg);
		char err[256] = "";
		int rc = config_set(&cfg, cases[i].section, cases[i].key, cases[i].value, err,
				    sizeof err);
		if (rc != cases[i].rc)
			fail_msg("%s.%s=\"%s\": %s, want %s (%s)", cases[i].section, cases[i].key,
				 cases[i].value, parta_strerror(rc), parta_strerror(cases[i].rc), err);
		/* Errors name the option. */
		if (rc != PARTA_OK && (strstr(err, cases[i].section) == NULL ||
				       strstr(err, cases[i].key) == NULL))
			fail_msg("%s.%s: error text \"%s\" does not name the option", cases[i].section,
				 cases[i].key, err);
		long long got = 0;
		const char *text = NULL;
		switch (cases[i].check) {
		case NONE: continue;
		case HOST_PORT: got = cfg.srv.port, text = cfg.srv.host; break;
		case BODY: got = (long long)cfg.srv.body_limit; break;
		case WORKERS: got = (long long)cfg.srv.workers; break;
		case SECURE: got = cfg.srv.cookie_secure; break;
		case LEVEL: got = cfg.log_level; break;
		case IDLE: got = cfg.limits.session_idle_ttl; break;
		case WINDOW: got = cfg.limits.login_fail_window; break;
		case PING: got = cfg.srv.ws_ping_secs; break;
		case LOGIN_LIMIT: got = cfg.limits.login_fail_limit; break;
		case QUEUE: got = (long long)cfg.srv.ws_queue_cap; break;
		case WEB: text = cfg.srv.web_dir; break;
		case DBPATH: text = cfg.db_path; break;
		case GATEWAY: got = cfg.sms.backend; break;
		case SMS_URL: text = cfg.sms.url; break;
		case SMS_TIMEOUT: got = cfg.sms.timeout_ms; break;
		case SMS_RETRIES: got = cfg.sms.retries; break;
		case MEDIA_ADMIN: text = cfg.media.admin_url; break;
		case MEDIA_SECRET: text = cfg.media.admin_secret; break;
		case MEDIA_PUBLIC: text = cfg.media.public_url; break;
		case MEDIA_TIMEOUT: got = cfg.media.timeout_ms; break;
		}
		if (text == NULL && got != cases[i].number)
			fail_msg("%s.%s=\"%s\": value %lld, want %lld", cases[i].section, cases[i].key,
				 cases[i].value, got, cases[i].number);
		if (text != NULL && cases[i].check == HOST_PORT && got != cases[i].number)
			fail_msg("%s.%s=\"%s\": port %lld, want %lld", cases[i].section, cases[i].key,
				 cases[i].value, got, cases[i].number);
		if (text != NULL && strcmp(text, cases[i].text) != 0)
			fail_msg("%s.%s=\"%s\": text \"%s\", want \"%s\"", cases[i].section,
				 cases[i].key, cases[i].value, text, cases[i].text);
	}
}

/* Setting one option leaves the neighbouring fields alone (the table writes through offsets
 * and field sizes). */
static void test_set_touches_only_its_field(void **state)
{
	(void)state;
	struct config cfg, before;
	config_defaults(&cfg);
	char err[256];
	assert_int_equal(config_set(&cfg, "websocket", "ping_interval", "7", err, sizeof err),
			 PARTA_OK);
	assert_int_equal(config_set(&cfg, "login", "fail_limit_login", "9", err, sizeof err),
			 PARTA_OK);
	config_defaults(&before);
	before.srv.ws_ping_secs = 7;
	before.limits.login_fail_limit = 9;
	assert_config_equal(&cfg, &before);
}

/* A temporary directory for ini files, removed even when the test fails. */
static int dir_setup(void **state)
{
	char *dir = malloc(TMPDIR_PATH_MAX);
	if (dir == NULL || tmpdir_make(dir, "config") != 0) {
		free(dir);
		return -1;
	}
	*state = dir;
	return 0;
}

static int dir_teardown(void **state)
{
	int rc = tmpdir_remove(*state);
	free(*state);
	return rc;
}

/* The ini file applies its values; the first bad line is reported as "file:LINE: …". */
static void test_load_file(void **state)
{
	const char *dir = *state;
	char good[TMPDIR_PATH_MAX], bad[TMPDIR_PATH_MAX], unknown[TMPDIR_PATH_MAX],
		syntax[TMPDIR_PATH_MAX], missing[TMPDIR_PATH_MAX];
	assert_int_equal(tmpdir_write(dir, "good.ini",
				      "; Parta\n"
				      "[server]\n"
				      "listen = [::1]:9090\n"
				      "body_limit = 2048\n"
				      "cookie_secure = true\n"
				      "\n"
				      "[database]\n"
				      "path = /tmp/x.db\n"
				      "[log]\n"
				      "level = warn\n"
				      "[session]\n"
				      "idle_ttl = 600\n"),
			 0);
	assert_int_equal(tmpdir_write(dir, "bad.ini",
				      "[server]\n"
				      "workers = 4\n"
				      "\n"
				      "body_limit = 12\n"
				      "workers = 8\n"),
			 0);
	assert_int_equal(tmpdir_write(dir, "unknown.ini", "[server]\nlisten = 127.0.0.1:1\n"
							  "colour = blue\n"),
			 0);
	assert_int_equal(tmpdir_write(dir, "syntax.ini", "[server]\nthis line has no equals\n"), 0);
	assert_int_equal(tmpdir_file(good, dir, "good.ini"), 0);
	assert_int_equal(tmpdir_file(bad, dir, "bad.ini"), 0);
	assert_int_equal(tmpdir_file(unknown, dir, "unknown.ini"), 0);
	assert_int_equal(tmpdir_file(syntax, dir, "syntax.ini"), 0);
	assert_int_equal(tmpdir_file(missing, dir, "missing.ini"), 0);

	struct config cfg;
	char err[512] = "";
	config_defaults(&cfg);
	assert_int_equal(config_load_file(&cfg, good, err, sizeof err), PARTA_OK);
	assert_string_equal(cfg.srv.host, "::1");
	assert_int_equal(cfg.srv.port, 9090);
	assert_int_equal(cfg.srv.body_limit, 2048);
	assert_true(cfg.srv.cookie_secure);
	assert_string_equal(cfg.db_path, "/tmp/x.db");
	assert_int_equal(cfg.log_level, LOG_WARN);
	assert_int_equal(cfg.limits.session_idle_ttl, 600);
	assert_int_equal(cfg.srv.workers, 2); /* untouched */

	/* A bad value: PARTA_EVALIDATION, "path:4:" and the option; lines before it applied. */
	config_defaults(&cfg);
	assert_int_equal(config_load_file(&cfg, bad, err, sizeof err), PARTA_EVALIDATION);
	char want[TMPDIR_PATH_MAX + 16];
	snprintf(want, sizeof want, "%s:4: ", bad);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("error \"%s\" does not start with \"%s\"", err, want);
	assert_non_null(strstr(err, "server.body_limit"));
	assert_int_equal(cfg.srv.workers, 4);
	assert_int_equal(cfg.srv.body_limit, 1048576);

	/* An unknown option: PARTA_ENOTFOUND at its line. */
	config_defaults(&cfg);
	assert_int_equal(config_load_file(&cfg, unknown, err, sizeof err), PARTA_ENOTFOUND);
	snprintf(want, sizeof want, "%s:3: ", unknown);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("error \"%s\" does not start with \"%s\"", err, want);
	assert_non_null(strstr(err, "colour"));

	/* A line that is not key = value. */
	config_defaults(&cfg);
	assert_int_equal(config_load_file(&cfg, syntax, err, sizeof err), PARTA_EVALIDATION);
	snprintf(want, sizeof want, "%s:2: ", syntax);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("error \"%s\" does not start with \"%s\"", err, want);

	/* A missing file. */
	assert_int_equal(config_load_file(&cfg, missing, err, sizeof err), PARTA_EIO);
	assert_non_null(strstr(err, missing));
}

/* PARTA_<SECTION>_<KEY> variables override; unset ones change nothing; a bad one is an
 * error naming the option. */
static void test_load_env(void **state)
{
	(void)state;
	env_clear();
	struct config cfg;
	char err[256] = "";
	config_defaults(&cfg);
	assert_int_equal(config_load_env(&cfg, err, sizeof err), PARTA_OK);
	struct config defaults;
	config_defaults(&defaults);
	assert_config_equal(&cfg, &defaults);

	assert_int_equal(setenv("PARTA_SERVER_BODY_LIMIT", "4096", 1), 0);
	assert_int_equal(setenv("PARTA_SERVER_LISTEN", "10.1.2.3:8443", 1), 0);
	assert_int_equal(setenv("PARTA_LOGIN_FAIL_WINDOW", "60", 1), 0);
	assert_int_equal(setenv("PARTA_SERVER_TEST_MODE", "yes", 1), 0);
	assert_int_equal(setenv("PARTA_SMS_GATEWAY", "http", 1), 0);
	assert_int_equal(setenv("PARTA_SMS_AUTH_HEADER", "Authorization: Bearer x", 1), 0);
	int rc = config_load_env(&cfg, err, sizeof err);
	env_clear();
	assert_int_equal(rc, PARTA_OK);
	assert_int_equal(cfg.srv.body_limit, 4096);
	assert_string_equal(cfg.srv.host, "10.1.2.3");
	assert_int_equal(cfg.srv.port, 8443);
	assert_int_equal(cfg.limits.login_fail_window, 60);
	assert_true(cfg.test_mode);
	assert_int_equal(cfg.sms.backend, SMS_BACKEND_HTTP);
	assert_string_equal(cfg.sms.auth_header, "Authorization: Bearer x");

	assert_int_equal(setenv("PARTA_SERVER_BODY_LIMIT", "tiny", 1), 0);
	config_defaults(&cfg);
	rc = config_load_env(&cfg, err, sizeof err);
	env_clear();
	assert_int_equal(rc, PARTA_EVALIDATION);
	assert_non_null(strstr(err, "server.body_limit"));
	assert_non_null(strstr(err, "tiny"));
	assert_int_equal(cfg.srv.body_limit, 1048576);
}

/* The reference lists every option with its environment variable (and the list above is
 * therefore complete for env_clear). */
static void test_reference(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	config_print_reference(f);
	assert_int_equal(fclose(f), 0);
	int missing = 0;
	for (size_t i = 0; i < NELEM(config_env_names); i++) {
		char quoted[64];
		snprintf(quoted, sizeof quoted, "`%s`", config_env_names[i]);
		if (strstr(text, quoted) == NULL) {
			print_error("reference lacks %s\n", quoted);
			missing++;
		}
	}
	size_t rows = 0;
	for (const char *p = strstr(text, "\n| `["); p != NULL; p = strstr(p + 1, "\n| `["))
		rows++;
	free(text);
	assert_int_equal(missing, 0);
	assert_int_equal(rows, NELEM(config_env_names));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_set_table),
		cmocka_unit_test(test_set_touches_only_its_field),
		cmocka_unit_test_setup_teardown(test_load_file, dir_setup, dir_teardown),
		cmocka_unit_test(test_load_env),
		cmocka_unit_test(test_reference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
