/* test_store.c — the SQLite store on a real file: opening and migrating, refusing newer or
 * foreign files, the statement cache, accounts, sessions, failed-login records and the commit
 * hook. Every test gets a fresh database in its own temporary directory. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "store/account.h"
#include "store/db.h"
#include "store/migrations.h"
#include "store/session.h"
#include "tmpdir.h"
#include "util/log.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct fx {
	char dir[TMPDIR_PATH_MAX];
	char path[TMPDIR_PATH_MAX];
	struct db *db;
};

static int fx_setup(void **state)
{
	struct fx *fx = calloc(1, sizeof *fx);
	if (fx == NULL || tmpdir_make(fx->dir, "store") != 0 ||
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

/* One integer from a query on the raw connection. */
static long long query_int(sqlite3 *conn, const char *sql)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(conn, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long long v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* ---- opening and migrations ---- */

static void test_open_creates_and_migrates(void **state)
{
	struct fx *fx = *state;
	assert_true(db_schema_version_known() >= 1);
	assert_int_equal(db_schema_version(fx->db), db_schema_version_known());
	sqlite3 *conn = db_handle(fx->db);
	/* One row per migration (their numbers may have gaps while branches are apart). */
	assert_int_equal(query_int(conn, "SELECT count(*) FROM schema_migrations"),
			 (int)migrations_count);
	/* The tables of migration 1 exist. */
	assert_int_equal(query_int(conn, "SELECT count(*) FROM sqlite_schema WHERE type='table' AND "
					 "name IN ('orgs','accounts','sessions','login_failures')"),
			 4);
	assert_int_equal(db_integrity_check(fx->db), PARTA_OK);
}

/* Reopening an up-to-date database applies nothing again and keeps the data. */
static void test_reopen_is_idempotent(void **state)
{
	struct fx *fx = *state;
	int64_t org = 0;
	assert_int_equal(account_org_ensure(fx->db, "Школа №1", 100, &org), PARTA_OK);
	for (int i = 0; i < 2; i++) {
		db_close(fx->db);
		fx->db = NULL;
		char err[256] = "";
		assert_int_equal(db_open(fx->path, &fx->db, err, sizeof err), PARTA_OK);
		assert_int_equal(db_schema_version(fx->db), db_schema_version_known());
		assert_int_equal(query_int(db_handle(fx->db), "SELECT count(*) FROM schema_migrations"),
				 (int)migrations_count);
		int64_t again = 0;
		assert_int_equal(account_org_ensure(fx->db, "Школа №1", 200, &again), PARTA_OK);
		assert_int_equal(again, org);
	}
}

/* A database written by a newer Parta is refused, not modified. */
static void test_newer_schema_refused(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(sqlite3_exec(db_handle(fx->db),
				      "INSERT INTO schema_migrations(version, applied_at) VALUES (999, 0)",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	db_close(fx->db);
	fx->db = NULL;
	char err[256] = "";
	struct db *db = (struct db *)fx; /* any non-NULL value: db_open must reset it */
	assert_int_equal(db_open(fx->path, &db, err, sizeof err), PARTA_ESCHEMA);
	assert_null(db);
	assert_non_null(strstr(err, "newer"));
	assert_non_null(strstr(err, "999"));
	/* Without an error buffer the result is the same. */
	assert_int_equal(db_open(fx->path, &db, NULL, 0), PARTA_ESCHEMA);
	assert_null(db);
}

/* A file that is not a SQLite database, or a path that cannot be created, is PARTA_EIO. */
static void test_not_a_database(void **state)
{
	struct fx *fx = *state;
	char junk[4096 + 1];
	for (size_t i = 0; i < sizeof junk - 1; i++)
		junk[i] = (char)('a' + i % 26);
	junk[sizeof junk - 1] = '\0';
	assert_int_equal(tmpdir_write(fx->dir, "junk.db", junk), 0);
	char path[TMPDIR_PATH_MAX];
	assert_int_equal(tmpdir_file(path, fx->dir, "junk.db"), 0);
	struct db *db = NULL;
	char err[256] = "";
	assert_int_equal(db_open(path, &db, err, sizeof err), PARTA_EIO);
	assert_null(db);
	assert_true(strlen(err) > 0);

	assert_int_equal(tmpdir_file(path, fx->dir, "no/such/dir/x.db"), 0);
	err[0] = '\0';
	assert_int_equal(db_open(path, &db, err, sizeof err), PARTA_EIO);
	assert_null(db);
	assert_true(strlen(err) > 0);
	db_close(NULL); /* a no-op */
}

/* WAL journal and enforced foreign keys on every connection. */
static void test_pragmas(void **state)
{
	struct fx *fx = *state;
	sqlite3 *conn = db_handle(fx->db);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(conn, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	assert_int_equal(query_int(conn, "PRAGMA foreign_keys"), 1);
	/* Enforced: an account in a missing organisation is refused. */
	int64_t id = 0;
	assert_int_not_equal(account_create(fx->db, 12345, "orphan", "h", "Orphan", "student", 1,
					    &id),
			     PARTA_OK);
}

/* After db_open no statement may stay active: an active statement pins a read snapshot, so
 * the connection would never see another connection's writes (the CLI's, say) and its own
 * BEGIN IMMEDIATE would fail once another connection has written. */
static void test_open_leaves_no_active_statement(void **state)
{
	struct fx *fx = *state;
	/* A second connection writes; the first must see it and be able to write afterwards. */
	struct db *other = NULL;
	char err[256] = "";
	assert_int_equal(db_open(fx->path, &other, err, sizeof err), PARTA_OK);
	int64_t org = 0, id = 0;
	assert_int_equal(account_org_ensure(other, "Другая школа", 1, &org), PARTA_OK);
	assert_int_equal(account_create(other, org, "written.elsewhere", "h", "W", "staff", 1, &id),
			 PARTA_OK);
	db_close(other);
	struct account acc;
	int rc_find = account_find_by_login(fx->db, "written.elsewhere", &acc);
	int rc_begin = db_begin(fx->db);
	if (rc_begin == PARTA_OK)
		db_rollback(fx->db);
	if (rc_find != PARTA_OK || rc_begin != PARTA_OK)
		fail_msg("after another connection wrote: find %s (want ok), begin %s (want ok)",
			 parta_strerror(rc_find), parta_strerror(rc_begin));

	/* The cause such a failure would have. */
	sqlite3 *conn = db_handle(fx->db);
	for (sqlite3_stmt *st = sqlite3_next_stmt(conn, NULL); st; st = sqlite3_next_stmt(conn, st))
		if (sqlite3_stmt_busy(st))
			fail_msg("statement still active: %s", sqlite3_sql(st));
}

/* ---- the statement cache ---- */

static void test_stmt_cache(void **state)
{
	struct fx *fx = *state;
	static const char sql[] = "SELECT ?";
	sqlite3_stmt *a = db_stmt(fx->db, sql);
	assert_non_null(a);
	assert_ptr_equal(db_stmt(fx->db, sql), a);

	/* Returned reset and with bindings cleared. */
	sqlite3_bind_int(a, 1, 7);
	assert_int_equal(sqlite3_step(a), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(a, 0), 7);
	sqlite3_stmt *b = db_stmt(fx->db, sql);
	assert_ptr_equal(b, a);
	assert_false(sqlite3_stmt_busy(b));
	assert_int_equal(sqlite3_step(b), SQLITE_ROW);
	assert_int_equal(sqlite3_column_type(b, 0), SQLITE_NULL);
	sqlite3_reset(b);

	/* Keyed by address: equal text at another address is another entry. */
	static const char same_text[] = "SELECT ?";
	sqlite3_stmt *c = db_stmt(fx->db, same_text);
	assert_non_null(c);
	assert_ptr_not_equal(c, a);

	/* Growing the cache keeps every entry (more than the initial capacity). */
	static char many[80][32];
	sqlite3_stmt *stmts[NELEM(many)];
	for (size_t i = 0; i < NELEM(many); i++) {
		snprintf(many[i], sizeof many[i], "SELECT %zu", i);
		stmts[i] = db_stmt(fx->db, many[i]);
		assert_non_null(stmts[i]);
	}
	for (size_t i = 0; i < NELEM(many); i++) {
		assert_ptr_equal(db_stmt(fx->db, many[i]), stmts[i]);
		assert_int_equal(sqlite3_step(stmts[i]), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(stmts[i], 0), (int)i);
		sqlite3_reset(stmts[i]);
	}
	assert_ptr_equal(db_stmt(fx->db, sql), a);

	/* Bad SQL: NULL, not cached. */
	static const char bad[] = "SELEKT nothing";
	assert_null(db_stmt(fx->db, bad));
	assert_null(db_stmt(fx->db, bad));
}

/* ---- organisations and accounts ---- */

static void test_org_ensure_idempotent(void **state)
{
	struct fx *fx = *state;
	int64_t a = 0, b = 0, c = 0;
	assert_int_equal(account_org_ensure(fx->db, "Лицей", 10, &a), PARTA_OK);
	assert_int_equal(account_org_ensure(fx->db, "Лицей", 20, &b), PARTA_OK);
	assert_int_equal(account_org_ensure(fx->db, "Гимназия", 30, &c), PARTA_OK);
	assert_true(a > 0);
	assert_int_equal(a, b);
	assert_int_not_equal(a, c);
	assert_int_equal(query_int(db_handle(fx->db), "SELECT count(*) FROM orgs"), 2);
}

static void test_accounts(void **state)
{
	struct fx *fx = *state;
	int64_t org = 0, id = 0, id2 = 0;
	assert_int_equal(account_org_ensure(fx->db, "Школа", 1, &org), PARTA_OK);
	assert_int_equal(account_create(fx->db, org, "Ivan.Petrov", "hash-1", "Иван Петров",
					 "student", 5, &id),
			 PARTA_OK);
	assert_true(id > 0);

	/* Logins are unique regardless of case. */
	static const struct {
		const char *login, *role;
		int rc;
	} cases[] = {
		{"Ivan.Petrov", "student", PARTA_ECONFLICT},
		{"ivan.petrov", "staff", PARTA_ECONFLICT},
		{"IVAN.PETROV", "admin", PARTA_ECONFLICT},
		{"maria", "teacher", PARTA_EVALIDATION},
		{"maria", "Admin", PARTA_EVALIDATION},
		{"maria", "", PARTA_EVALIDATION},
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		int64_t unused = -1;
		int rc = account_create(fx->db, org, cases[i].login, "h", "X", cases[i].role, 6,
					&unused);
		if (rc != cases[i].rc)
			fail_msg("%s/%s: %s, want %s", cases[i].login, cases[i].role,
				 parta_strerror(rc), parta_strerror(cases[i].rc));
	}
	static const char *const roles[] = {"admin", "staff", "student", "parent"};
	for (size_t i = 0; i < NELEM(roles); i++) {
		char login[32];
		snprintf(login, sizeof login, "user-%s", roles[i]);
		assert_int_equal(account_create(fx->db, org, login, "h", "U", roles[i], 7, &id2),
				 PARTA_OK);
	}
	assert_int_equal(query_int(db_handle(fx->db), "SELECT count(*) FROM accounts"), 5);

	/* Found by login in any case, and by id; every field filled. */
	struct account acc;
	assert_int_equal(account_find_by_login(fx->db, "IVAN.petrov", &acc), PARTA_OK);
	assert_int_equal(acc.id, id);
	assert_int_equal(acc.org_id, org);
	assert_string_equal(acc.login, "Ivan.Petrov");
	assert_string_equal(acc.display_name, "Иван Петров");
	assert_string_equal(acc.role, "student");
	assert_string_equal(acc.org_name, "Школа");
	assert_string_equal(acc.pw_hash, "hash-1");
	memset(&acc, 0, sizeof acc);
	assert_int_equal(account_find_by_id(fx->db, id, &acc), PARTA_OK);
	assert_string_equal(acc.login, "Ivan.Petrov");
	assert_int_equal(account_find_by_login(fx->db, "nobody", &acc), PARTA_ENOTFOUND);
	assert_int_equal(account_find_by_id(fx->db, 999999, &acc), PARTA_ENOTFOUND);

	/* Passwords: replaced for a known login (any case), ENOTFOUND otherwise. */
	assert_int_equal(account_set_password(fx->db, "nobody", "x"), PARTA_ENOTFOUND);
	assert_int_equal(account_set_password(fx->db, "ivan.PETROV", "hash-2"), PARTA_OK);
	assert_int_equal(account_find_by_id(fx->db, id, &acc), PARTA_OK);
	assert_string_equal(acc.pw_hash, "hash-2");
}

/* ---- sessions ---- */

static void fill_hash(unsigned char h[SESSION_HASH_BYTES], unsigned char seed)
{
	for (size_t i = 0; i < SESSION_HASH_BYTES; i++)
		h[i] = (unsigned char)(seed + i);
}

static void test_sessions(void **state)
{
	struct fx *fx = *state;
	int64_t org = 0, acc = 0, sid = 0, sid2 = 0;
	assert_int_equal(account_org_ensure(fx->db, "Школа", 1, &org), PARTA_OK);
	assert_int_equal(account_create(fx->db, org, "s", "h", "S", "staff", 1, &acc), PARTA_OK);
	unsigned char tok[SESSION_HASH_BYTES], csrf[SESSION_HASH_BYTES], tok2[SESSION_HASH_BYTES];
	fill_hash(tok, 1);
	fill_hash(csrf, 100);
	fill_hash(tok2, 2);
	assert_int_equal(session_insert(fx->db, tok, csrf, acc, 0, 1000, 5000, "10.0.0.1", &sid),
			 PARTA_OK);
	assert_true(sid > 0);
	assert_int_equal(session_insert(fx->db, tok2, csrf, acc, 0, 1000, 5000, "10.0.0.1", &sid2),
			 PARTA_OK);
	assert_int_not_equal(sid, sid2);
	/* A token hash is unique. */
	int64_t dup = 0;
	assert_int_not_equal(session_insert(fx->db, tok, csrf, acc, 0, 1000, 5000, "", &dup), PARTA_OK);

	struct session_row row;
	memset(&row, 0xFF, sizeof row);
	assert_int_equal(session_find(fx->db, tok, &row), PARTA_OK);
	assert_int_equal(row.id, sid);
	assert_int_equal(row.account_id, acc);
	assert_int_equal(row.created_at, 1000);
	assert_int_equal(row.last_seen_at, 1000);
	assert_int_equal(row.expires_at, 5000);
	assert_int_equal(row.revoked_at, 0);
	assert_memory_equal(row.csrf_hash, csrf, SESSION_HASH_BYTES);

	unsigned char unknown[SESSION_HASH_BYTES];
	fill_hash(unknown, 50);
	assert_int_equal(session_find(fx->db, unknown, &row), PARTA_ENOTFOUND);

	/* Touch moves last_seen_at of that session only. */
	assert_int_equal(session_touch(fx->db, sid, 1200), PARTA_OK);
	assert_int_equal(session_find(fx->db, tok, &row), PARTA_OK);
	assert_int_equal(row.last_seen_at, 1200);
	assert_int_equal(row.created_at, 1000);
	assert_int_equal(session_find(fx->db, tok2, &row), PARTA_OK);
	assert_int_equal(row.last_seen_at, 1000);

	/* Revoke records the first revocation time; revoking again keeps it. */
	assert_int_equal(session_revoke(fx->db, sid, 1300), PARTA_OK);
	assert_int_equal(session_find(fx->db, tok, &row), PARTA_OK);
	assert_int_equal(row.revoked_at, 1300);
	assert_int_equal(session_revoke(fx->db, sid, 1400), PARTA_OK);
	assert_int_equal(session_find(fx->db, tok, &row), PARTA_OK);
	assert_int_equal(row.revoked_at, 1300);
	assert_int_equal(session_find(fx->db, tok2, &row), PARTA_OK);
	assert_int_equal(row.revoked_at, 0);
}

/* ---- failed logins ---- */

static void test_failures(void **state)
{
	struct fx *fx = *state;
	static const struct {
		const char *login, *addr;
		int64_t at;
	} records[] = {
		{"ivan", "10.0.0.1", 100}, {"ivan", "10.0.0.1", 200}, {"petr", "10.0.0.1", 250},
		{"ivan", "10.0.0.1", 300}, {"IVAN", "10.0.0.2", 350}, {"ivan", "10.0.0.1", 400},
	};
	for (size_t i = 0; i < NELEM(records); i++)
		assert_int_equal(session_failure_record(fx->db, records[i].login, records[i].addr,
							records[i].at),
				 PARTA_OK);

	static const struct {
		const char *what;
		int key_is_addr;
		const char *key;
		int64_t since;
		size_t max;
		size_t n;
		int64_t want[8];
	} cases[] = {
		{"by login, newest first, any case", 0, "ivan", 0, 8, 5, {400, 350, 300, 200, 100}},
		{"login key is case-insensitive", 0, "Ivan", 0, 8, 5, {400, 350, 300, 200, 100}},
		{"since is exclusive", 0, "ivan", 200, 8, 3, {400, 350, 300}},
		{"max limits to the newest", 0, "ivan", 0, 2, 2, {400, 350}},
		{"max 0", 0, "ivan", 0, 0, 0, {0}},
		{"other login", 0, "petr", 0, 8, 1, {250}},
		{"unknown login", 0, "nobody", 0, 8, 0, {0}},
		{"by address", 1, "10.0.0.1", 0, 8, 5, {400, 300, 250, 200, 100}},
		{"by address since", 1, "10.0.0.1", 250, 8, 2, {400, 300}},
		{"other address", 1, "10.0.0.2", 0, 8, 1, {350}},
		{"an address is not a login", 0, "10.0.0.1", 0, 8, 0, {0}},
		{"a login is not an address", 1, "ivan", 0, 8, 0, {0}},
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		int64_t times[8];
		for (size_t k = 0; k < NELEM(times); k++)
			times[k] = -1;
		size_t n = 99;
		int rc = session_failures(fx->db, cases[i].key_is_addr, cases[i].key, cases[i].since,
					  times, cases[i].max, &n);
		if (rc != PARTA_OK)
			fail_msg("%s: %s", cases[i].what, parta_strerror(rc));
		if (n != cases[i].n)
			fail_msg("%s: %zu rows, want %zu", cases[i].what, n, cases[i].n);
		for (size_t k = 0; k < n; k++)
			if (times[k] != cases[i].want[k])
				fail_msg("%s: times[%zu] = %lld, want %lld", cases[i].what, k,
					 (long long)times[k], (long long)cases[i].want[k]);
		for (size_t k = cases[i].max; k < NELEM(times); k++)
			if (times[k] != -1)
				fail_msg("%s: wrote times[%zu] beyond max", cases[i].what, k);
	}

	/* Clearing a login (in any case) removes its records and nobody else's. */
	assert_int_equal(session_failures_clear_login(fx->db, "Ivan"), PARTA_OK);
	int64_t times[8];
	size_t n = 0;
	assert_int_equal(session_failures(fx->db, 0, "ivan", 0, times, 8, &n), PARTA_OK);
	assert_int_equal(n, 0);
	assert_int_equal(session_failures(fx->db, 0, "petr", 0, times, 8, &n), PARTA_OK);
	assert_int_equal(n, 1);
	assert_int_equal(session_failures(fx->db, 1, "10.0.0.1", 0, times, 8, &n), PARTA_OK);
	assert_int_equal(n, 1);
	assert_int_equal(times[0], 250);
}

/* ---- transactions and the commit hook ---- */

struct hook_count {
	int calls;
	double last;
};

static void count_commit(void *ctx, double seconds)
{
	struct hook_count *h = ctx;
	h->calls++;
	h->last = seconds;
}

static void test_commit_hook(void **state)
{
	struct fx *fx = *state;
	struct hook_count h = {0, -1};
	db_set_commit_hook(fx->db, count_commit, &h);
	int64_t org = 0;

	assert_int_equal(db_begin(fx->db), PARTA_OK);
	assert_int_equal(account_org_ensure(fx->db, "A", 1, &org), PARTA_OK);
	assert_int_equal(account_org_ensure(fx->db, "B", 1, &org), PARTA_OK);
	assert_int_equal(db_commit(fx->db), PARTA_OK);
	assert_int_equal(h.calls, 1);
	assert_true(h.last >= 0);

	/* Rolled-back work is gone and not reported. */
	assert_int_equal(db_begin(fx->db), PARTA_OK);
	assert_int_equal(account_org_ensure(fx->db, "C", 1, &org), PARTA_OK);
	db_rollback(fx->db);
	assert_int_equal(h.calls, 1);
	assert_int_equal(query_int(db_handle(fx->db), "SELECT count(*) FROM orgs"), 2);
	db_rollback(fx->db); /* without a transaction: harmless */

	/* Autocommit writes are not commits through db_commit. */
	assert_int_equal(account_org_ensure(fx->db, "D", 1, &org), PARTA_OK);
	assert_int_equal(h.calls, 1);

	assert_int_equal(db_begin(fx->db), PARTA_OK);
	assert_int_equal(db_commit(fx->db), PARTA_OK);
	assert_int_equal(h.calls, 2);

	/* A COMMIT without BEGIN fails and is not reported. */
	assert_int_equal(db_commit(fx->db), PARTA_EIO);
	assert_int_equal(h.calls, 2);

	db_set_commit_hook(fx->db, NULL, NULL);
	assert_int_equal(db_begin(fx->db), PARTA_OK);
	assert_int_equal(db_commit(fx->db), PARTA_OK);
	assert_int_equal(h.calls, 2);
}

#define FX_TEST(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
	log_set_level(LOG_WARN); /* errors provoked on purpose are still printed */
	const struct CMUnitTest tests[] = {
		FX_TEST(test_open_creates_and_migrates),
		FX_TEST(test_reopen_is_idempotent),
		FX_TEST(test_newer_schema_refused),
		FX_TEST(test_not_a_database),
		FX_TEST(test_pragmas),
		FX_TEST(test_open_leaves_no_active_statement),
		FX_TEST(test_stmt_cache),
		FX_TEST(test_org_ensure_idempotent),
		FX_TEST(test_accounts),
		FX_TEST(test_sessions),
		FX_TEST(test_failures),
		FX_TEST(test_commit_hook),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
