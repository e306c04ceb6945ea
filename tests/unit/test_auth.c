/* test_auth.c — the authentication use cases on a real database, in test mode (the clock stands
 * still; tests move it through app.clock_offset): login in three steps, throttling, session
 * tokens, idle and absolute expiry, CSRF tokens, logout, password rules.
 *
 * argon2id costs ~0.1 s per hash or verification: each test states how many it spends, and the
 * file stays under 30. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/auth.h"
#include "core/err.h"
#include "store/db.h"
#include "store/session.h"
#include "tmpdir.h"
#include "util/log.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define ADDR "192.0.2.10"
#define PASSWORD "правильный пароль"

struct fx {
	char dir[TMPDIR_PATH_MAX];
	struct db *db;
	struct app app;
};

/* 1 hash: app_init computes the dummy hash. */
static int fx_setup(void **state)
{
	struct fx *fx = calloc(1, sizeof *fx);
	char path[TMPDIR_PATH_MAX], err[256] = "";
	if (fx == NULL || tmpdir_make(fx->dir, "auth") != 0 ||
	    tmpdir_file(path, fx->dir, "parta.db") != 0)
		return -1;
	if (db_open(path, &fx->db, err, sizeof err) != PARTA_OK) {
		print_error("db_open: %s\n", err);
		return -1;
	}
	if (app_init(&fx->app, fx->db, app_limits_default(), true) != PARTA_OK)
		return -1;
	*state = fx;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *fx = *state;
	app_close(&fx->app);
	db_close(fx->db);
	int rc = tmpdir_remove(fx->dir);
	free(fx);
	return rc;
}

/* 1 hash. */
static int64_t add_user(struct fx *fx, const char *login)
{
	int64_t id = 0;
	assert_int_equal(auth_user_add(&fx->app, "Школа №1", login, "Иван Петров", "student",
				       PASSWORD, &id),
			 PARTA_OK);
	assert_true(id > 0);
	return id;
}

/* The whole login: begin, verify (here on the calling thread), finish. 1 verification when
 * begin lets it through. */
static int login(struct fx *fx, const char *name, const char *password, const char *addr,
		 struct auth_issued *out, int64_t *retry_after)
{
	struct auth_login_job job;
	int64_t retry = -1;
	int rc = auth_login_begin(&fx->app, name, password, addr, &job, &retry);
	if (retry_after)
		*retry_after = retry;
	if (rc != PARTA_OK)
		return rc;
	auth_login_verify(&job);
	/* The password is wiped once verified. */
	for (size_t i = 0; i < sizeof job.password; i++)
		if (job.password[i] != 0)
			fail_msg("password byte %zu not wiped", i);
	return auth_login_finish(&fx->app, &job, out);
}

static size_t failures(struct fx *fx, int key_is_addr, const char *key)
{
	int64_t times[64];
	size_t n = 0;
	assert_int_equal(session_failures(fx->db, key_is_addr, key, 0, times, NELEM(times), &n),
			 PARTA_OK);
	return n;
}

static long long count_rows(struct fx *fx, const char *sql)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db_handle(fx->db), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long long n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* 3 hashes. A right password issues a session: two distinct 43-character tokens, the absolute
 * expiry, the account without its password hash. Logins match case-insensitively. */
static void test_login_success(void **state)
{
	struct fx *fx = *state;
	int64_t id = add_user(fx, "ivan");
	struct auth_issued issued;
	int64_t retry = -1;
	assert_int_equal(login(fx, "IVAN", PASSWORD, ADDR, &issued, &retry), PARTA_OK);
	assert_int_equal(retry, 0);
	assert_int_equal(strlen(issued.token), AUTH_TOKEN_CHARS);
	assert_int_equal(strlen(issued.csrf_token), AUTH_TOKEN_CHARS);
	assert_string_not_equal(issued.token, issued.csrf_token);
	assert_int_equal(issued.expires_at,
			 app_now(&fx->app) + fx->app.limits.session_abs_ttl);
	assert_int_equal(issued.account.id, id);
	assert_string_equal(issued.account.login, "ivan");
	assert_string_equal(issued.account.role, "student");
	assert_string_equal(issued.account.org_name, "Школа №1");
	assert_string_equal(issued.account.pw_hash, "");
	assert_int_equal(count_rows(fx, "SELECT count(*) FROM sessions"), 1);
	assert_int_equal(failures(fx, 0, "ivan"), 0);

	/* A taken login is a conflict, whatever its case. */
	int64_t other = 0;
	assert_int_equal(auth_user_add(&fx->app, "Школа №1", "Ivan", "Другой", "staff", PASSWORD,
				       &other),
			 PARTA_ECONFLICT);
}

/* 4 hashes. A wrong password is PARTA_EUNAUTH, records exactly one failure (login and address)
 * and issues nothing; the next right login clears the login's failures. */
static void test_login_wrong_password(void **state)
{
	struct fx *fx = *state;
	add_user(fx, "ivan");
	struct auth_issued issued;
	assert_int_equal(login(fx, "ivan", "неправильный пароль", ADDR, &issued, NULL),
			 PARTA_EUNAUTH);
	assert_string_equal(issued.token, "");
	assert_int_equal(failures(fx, 0, "ivan"), 1);
	assert_int_equal(failures(fx, 1, ADDR), 1);
	assert_int_equal(count_rows(fx, "SELECT count(*) FROM sessions"), 0);
	int64_t times[1];
	size_t n = 0;
	assert_int_equal(session_failures(fx->db, 0, "ivan", 0, times, 1, &n), PARTA_OK);
	assert_int_equal(times[0], app_now(&fx->app));

	assert_int_equal(login(fx, "ivan", PASSWORD, ADDR, &issued, NULL), PARTA_OK);
	assert_int_equal(failures(fx, 0, "ivan"), 0);
}

/* 1 hash. An unknown login is PARTA_EUNAUTH like a wrong password (verified against the dummy
 * hash) and counts as a failure for that login and address. */
static void test_login_unknown(void **state)
{
	struct fx *fx = *state;
	struct auth_issued issued;
	assert_int_equal(login(fx, "nobody", PASSWORD, ADDR, &issued, NULL), PARTA_EUNAUTH);
	assert_int_equal(failures(fx, 0, "nobody"), 1);
	assert_int_equal(failures(fx, 1, ADDR), 1);
	assert_int_equal(count_rows(fx, "SELECT count(*) FROM sessions"), 0);
}

/* 0 hashes. Credentials of the wrong shape are refused before any database or hashing work. */
static void test_login_validation(void **state)
{
	struct fx *fx = *state;
	char long_login[ACCOUNT_LOGIN_MAX + 2];
	memset(long_login, 'a', sizeof long_login - 1);
	long_login[sizeof long_login - 1] = '\0';
	static char long_password[AUTH_PASSWORD_MAX + 2];
	memset(long_password, 'p', sizeof long_password - 1);
	long_password[sizeof long_password - 1] = '\0';
	const struct {
		const char *login, *password;
	} cases[] = {
		{"", PASSWORD},       {"ivan", ""},           {long_login, PASSWORD},
		{"ivan", long_password}, {"iv\xff" "an", PASSWORD}, {"ivan", "pass\x01word"},
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct auth_login_job job;
		int64_t retry = -1;
		int rc = auth_login_begin(&fx->app, cases[i].login, cases[i].password, ADDR, &job,
					  &retry);
		if (rc != PARTA_EVALIDATION)
			fail_msg("case %zu: %s, want evalidation", i, parta_strerror(rc));
	}
	assert_int_equal(failures(fx, 1, ADDR), 0);
}

/* 6 hashes. After 5 failures of one login within 15 minutes, login_begin refuses with
 * PARTA_ETHROTTLED and retry_after counts down from 900 to 1; at 900 seconds the oldest
 * failure has left the window and logins are allowed again. */
static void test_throttle_login(void **state)
{
	struct fx *fx = *state;
	add_user(fx, "ivan");
	struct auth_issued issued;
	assert_int_equal(fx->app.limits.login_fail_limit, 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(login(fx, "ivan", "wrong password", ADDR, &issued, NULL),
				 PARTA_EUNAUTH);
	static const struct {
		int64_t elapsed;
		int rc;
		int64_t retry_after;
	} steps[] = {
		{0, PARTA_ETHROTTLED, 900},  {1, PARTA_ETHROTTLED, 899},
		{100, PARTA_ETHROTTLED, 800}, {899, PARTA_ETHROTTLED, 1},
		{900, PARTA_OK, 0},
	};
	for (size_t i = 0; i < NELEM(steps); i++) {
		fx->app.clock_offset = steps[i].elapsed;
		struct auth_login_job job;
		int64_t retry = -1;
		/* The right password does not get through a throttle either. */
		int rc = auth_login_begin(&fx->app, "Ivan", PASSWORD, ADDR, &job, &retry);
		if (rc != steps[i].rc || retry != steps[i].retry_after)
			fail_msg("after %lld s: %s retry_after %lld, want %s %lld",
				 (long long)steps[i].elapsed, parta_strerror(rc), (long long)retry,
				 parta_strerror(steps[i].rc), (long long)steps[i].retry_after);
	}
	/* Another login from another address is not affected by this login's throttle. */
	fx->app.clock_offset = 0;
	struct auth_login_job job;
	int64_t retry = -1;
	assert_int_equal(auth_login_begin(&fx->app, "maria", PASSWORD, "198.51.100.7", &job, &retry),
			 PARTA_OK);
}

/* 0 hashes. 20 failures from one address throttle every login from it. */
static void test_throttle_address(void **state)
{
	struct fx *fx = *state;
	int64_t now = app_now(&fx->app);
	assert_int_equal(fx->app.limits.addr_fail_limit, 20);
	for (int i = 0; i < 20; i++) {
		char name[16];
		snprintf(name, sizeof name, "user%d", i);
		assert_int_equal(session_failure_record(fx->db, name, ADDR, now - 300 + i), PARTA_OK);
	}
	struct auth_login_job job;
	int64_t retry = -1;
	assert_int_equal(auth_login_begin(&fx->app, "someone", PASSWORD, ADDR, &job, &retry),
			 PARTA_ETHROTTLED);
	assert_int_equal(retry, 600); /* the oldest of the 20, at now-300, leaves in 600 s */
	assert_int_equal(auth_login_begin(&fx->app, "someone", PASSWORD, "198.51.100.7", &job,
					  &retry),
			 PARTA_OK);
}

/* 4 hashes. A session token authenticates until logout, idle expiry or absolute expiry; use
 * refreshes it at most once a minute; CSRF tokens belong to their own session. */
static void test_session_lifecycle(void **state)
{
	struct fx *fx = *state;
	int64_t id = add_user(fx, "ivan");
	struct auth_issued a, b, c;
	assert_int_equal(login(fx, "ivan", PASSWORD, ADDR, &a, NULL), PARTA_OK);
	assert_int_equal(login(fx, "ivan", PASSWORD, ADDR, &b, NULL), PARTA_OK);
	assert_string_not_equal(a.token, b.token);
	int64_t t0 = app_now(&fx->app);
	const int64_t idle = fx->app.limits.session_idle_ttl;
	const int64_t abs_ttl = fx->app.limits.session_abs_ttl;

	struct auth_ctx ctx;
	assert_int_equal(auth_authenticate(&fx->app, a.token, &ctx), PARTA_OK);
	assert_int_equal(ctx.account.id, id);
	assert_string_equal(ctx.account.login, "ivan");
	assert_string_equal(ctx.account.pw_hash, "");
	assert_int_equal(ctx.session.expires_at, a.expires_at);

	/* CSRF: the issued csrf token passes; the session token, another session's csrf token,
	 * a shortened one or none at all do not. */
	assert_int_equal(auth_check_csrf(&ctx, a.csrf_token), PARTA_OK);
	assert_int_equal(auth_check_csrf(&ctx, a.token), PARTA_EFORBIDDEN);
	assert_int_equal(auth_check_csrf(&ctx, b.csrf_token), PARTA_EFORBIDDEN);
	assert_int_equal(auth_check_csrf(&ctx, NULL), PARTA_EFORBIDDEN);
	assert_int_equal(auth_check_csrf(&ctx, ""), PARTA_EFORBIDDEN);
	char shortened[AUTH_TOKEN_CHARS + 1];
	memcpy(shortened, a.csrf_token, sizeof shortened);
	shortened[AUTH_TOKEN_CHARS - 1] = '\0';
	assert_int_equal(auth_check_csrf(&ctx, shortened), PARTA_EFORBIDDEN);

	/* Unknown tokens: garbage of any length, a well-shaped unknown one, the csrf token. */
	char altered[AUTH_TOKEN_CHARS + 1];
	memcpy(altered, a.token, sizeof altered);
	altered[0] = altered[0] == 'A' ? 'B' : 'A';
	const char *const bad[] = {"", "garbage", altered, a.csrf_token, NULL};
	for (size_t i = 0; i < NELEM(bad); i++)
		if (auth_authenticate(&fx->app, bad[i], &ctx) != PARTA_EUNAUTH)
			fail_msg("bad token %zu authenticated", i);

	/* Logout revokes that session only. */
	assert_int_equal(auth_authenticate(&fx->app, b.token, &ctx), PARTA_OK);
	assert_int_equal(auth_logout(&fx->app, &ctx), PARTA_OK);
	assert_int_equal(auth_authenticate(&fx->app, b.token, &ctx), PARTA_EUNAUTH);
	assert_int_equal(auth_authenticate(&fx->app, a.token, &ctx), PARTA_OK);

	/* Use refreshes last_seen at most once a minute. */
	fx->app.clock_offset = 59;
	assert_int_equal(auth_authenticate(&fx->app, a.token, &ctx), PARTA_OK);
	assert_int_equal(ctx.session.last_seen_at, t0);
	fx->app.clock_offset = idle - 1;
	assert_int_equal(auth_authenticate(&fx->app, a.token, &ctx), PARTA_OK);
	assert_int_equal(ctx.session.last_seen_at, t0 + idle - 1);
	/* Refreshed, so alive past the first idle deadline; dead exactly idle seconds after the
	 * last use. */
	fx->app.clock_offset = 2 * idle - 2;
	assert_int_equal(auth_authenticate(&fx->app, a.token, &ctx), PARTA_OK);
	fx->app.clock_offset = 3 * idle - 3;
	assert_int_equal(auth_authenticate(&fx->app, a.token, &ctx), PARTA_OK);
	fx->app.clock_offset = 4 * idle - 3;
	assert_int_equal(auth_authenticate(&fx->app, a.token, &ctx), PARTA_EUNAUTH);

	/* A third session, kept alive by use, still ends at its absolute expiry. */
	assert_int_equal(login(fx, "ivan", PASSWORD, ADDR, &c, NULL), PARTA_OK);
	int64_t start = fx->app.clock_offset;
	assert_int_equal(c.expires_at, t0 + start + abs_ttl);
	for (int64_t t = start; t < start + abs_ttl; t += idle - 1) {
		fx->app.clock_offset = t;
		if (auth_authenticate(&fx->app, c.token, &ctx) != PARTA_OK)
			fail_msg("session died %lld s after login", (long long)(t - start));
	}
	fx->app.clock_offset = start + abs_ttl - 1;
	assert_int_equal(auth_authenticate(&fx->app, c.token, &ctx), PARTA_OK);
	fx->app.clock_offset = start + abs_ttl;
	assert_int_equal(auth_authenticate(&fx->app, c.token, &ctx), PARTA_EUNAUTH);
}

/* 2 hashes, no fixture. The minimum length counts characters, not bytes: 7 characters are
 * refused, 8 Cyrillic letters (16 bytes) accepted. */
static void test_hash_password(void **state)
{
	(void)state;
	assert_true(sodium_init() >= 0);
	static char too_long[AUTH_PASSWORD_MAX + 2];
	memset(too_long, 'x', sizeof too_long - 1);
	too_long[sizeof too_long - 1] = '\0';
	static const char *const refused[] = {
		"",
		"1234567",            /* 7 ASCII characters */
		"пароль7",            /* 7 characters, 13 bytes */
		"абвгдеж",            /* 7 Cyrillic letters, 14 bytes */
		"password\x01",       /* a control character */
		"password\xff",       /* not UTF-8 */
		too_long,             /* over AUTH_PASSWORD_MAX bytes */
	};
	char hash[ACCOUNT_HASH_MAX + 1];
	for (size_t i = 0; i < NELEM(refused); i++)
		if (auth_hash_password(refused[i], hash) != PARTA_EVALIDATION)
			fail_msg("password %zu was accepted", i);

	const char *cyrillic8 = "абвгдежз";
	assert_int_equal(strlen(cyrillic8), 16);
	assert_int_equal(auth_hash_password(cyrillic8, hash), PARTA_OK);
	assert_int_equal(strncmp(hash, "$argon2id$", 10), 0);
	assert_int_equal(crypto_pwhash_str_verify(hash, cyrillic8, strlen(cyrillic8)), 0);
}

#define FX_TEST(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
	log_set_level(LOG_WARN);
	const struct CMUnitTest tests[] = {
		FX_TEST(test_login_success),
		FX_TEST(test_login_wrong_password),
		FX_TEST(test_login_unknown),
		FX_TEST(test_login_validation),
		FX_TEST(test_throttle_login),
		FX_TEST(test_throttle_address),
		FX_TEST(test_session_lifecycle),
		cmocka_unit_test(test_hash_password),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
