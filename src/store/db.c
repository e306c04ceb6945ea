#include "db.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/err.h"
#include "../core/utf8.h"
#include "../util/log.h"
#include "migrations.h"

/* The statement cache: statements are keyed by the address of their static SQL text, so the
 * lookup is a pointer compare. The table grows by doubling; it holds one entry per query text
 * in the program, a few hundred at most. */
struct db_cached_stmt {
	const char *sql;
	sqlite3_stmt *stmt;
};

struct db {
	sqlite3 *conn;
	struct db_cached_stmt *cache;
	size_t cache_len, cache_cap;
	db_commit_hook commit_hook;
	void *commit_ctx;
};

static double db_monotonic(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int db_exec(struct db *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db->conn, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_msg(LOG_ERROR, "db", "exec_failed error=\"%s\"", msg ? msg : "?");
		sqlite3_free(msg);
		return PARTA_EIO;
	}
	return PARTA_OK;
}

int db_schema_version_known(void) { return migrations[migrations_count - 1].version; }

int db_schema_version(struct db *db)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT coalesce(max(version), 0) FROM schema_migrations");
	if (st == NULL)
		return -1;
	/* Reset before returning: a statement left active would pin a read snapshot, hiding
	 * other connections' writes and blocking this connection's next write transaction. */
	int version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_reset(st);
	return version;
}

static int db_apply_migration(struct db *db, const struct migration *m)
{
	int rc = db_begin(db);
	if (rc != PARTA_OK)
		return rc;
	if (db_exec(db, m->sql) != PARTA_OK)
		goto fail;
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO schema_migrations(version, applied_at) "
				       "VALUES (?, strftime('%s','now'))");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int(st, 1, m->version);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	rc = db_commit(db);
	if (rc == PARTA_OK)
		log_msg(LOG_INFO, "db", "migrated version=%d", m->version);
	return rc;
fail:
	db_rollback(db);
	return PARTA_EIO;
}

static int db_migrate(struct db *db, char *err, size_t errlen)
{
	if (db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			"version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)") != PARTA_OK) {
		snprintf(err, errlen, "cannot create schema_migrations: %s", sqlite3_errmsg(db->conn));
		return PARTA_EIO;
	}
	int have = db_schema_version(db);
	if (have < 0) {
		snprintf(err, errlen, "cannot read schema version: %s", sqlite3_errmsg(db->conn));
		return PARTA_EIO;
	}
	if (have > db_schema_version_known()) {
		snprintf(err, errlen,
			 "database schema version %d is newer than this parta knows (%d); "
			 "upgrade parta",
			 have, db_schema_version_known());
		return PARTA_ESCHEMA;
	}
	/* Each migration not yet recorded, also one below the highest recorded: branches merged
	 * later may bring lower numbers (6 after 7). */
	for (size_t i = 0; i < migrations_count; i++) {
		sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM schema_migrations WHERE version = ?");
		if (st == NULL)
			return PARTA_EIO;
		sqlite3_bind_int(st, 1, migrations[i].version);
		int step = sqlite3_step(st);
		sqlite3_reset(st);
		if (step == SQLITE_ROW)
			continue;
		if (db_apply_migration(db, &migrations[i]) != PARTA_OK) {
			snprintf(err, errlen, "migration %d failed: %s", migrations[i].version,
				 sqlite3_errmsg(db->conn));
			return PARTA_EIO;
		}
	}
	return PARTA_OK;
}

/* SQL fold(text): core/utf8.h utf8_fold, for filters on Russian names («Ёлкин» finds «елкин»);
 * NULL stays NULL. */
static void db_sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *text = (const char *)sqlite3_value_text(argv[0]);
	if (text == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	int len = sqlite3_value_bytes(argv[0]);
	char *folded = sqlite3_malloc(len + 1);
	if (folded == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	utf8_fold(text, (size_t)len, folded);
	sqlite3_result_text(ctx, folded, len, sqlite3_free);
}

/* SQL natkey(text): core/utf8.h utf8_natural_key, to sort «2А» before «10А». */
static void db_sql_natural(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *text = (const char *)sqlite3_value_text(argv[0]);
	if (text == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	size_t len = (size_t)sqlite3_value_bytes(argv[0]);
	char *key = sqlite3_malloc64(len * UTF8_NATURAL_DIGITS + 1);
	if (key == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	size_t n = utf8_natural_key(text, len, key);
	sqlite3_result_text64(ctx, key, n, sqlite3_free, SQLITE_UTF8);
}

int db_open(const char *path, struct db **out, char *err, size_t errlen)
{
	char scratch[8];
	if (err == NULL) {
		err = scratch;
		errlen = sizeof scratch;
	}
	*out = NULL;
	struct db *db = calloc(1, sizeof *db);
	if (db == NULL) {
		snprintf(err, errlen, "out of memory");
		return PARTA_ENOMEM;
	}
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &db->conn, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database %s: %s", path,
			 db->conn ? sqlite3_errmsg(db->conn) : "out of memory");
		db_close(db);
		return PARTA_EIO;
	}
	sqlite3_busy_timeout(db->conn, 5000);
	sqlite3_extended_result_codes(db->conn, 1);
	if (sqlite3_create_function(db->conn, "fold", 1,
				    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				    db_sql_fold, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db->conn, "natkey", 1,
				    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				    db_sql_natural, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot register fold() and natkey(): %s",
			 sqlite3_errmsg(db->conn));
		db_close(db);
		return PARTA_EIO;
	}
	/* journal_mode answers with the mode in force: anything but "wal" means the file is not a
	 * usable database (or sits on a file system without shared memory). */
	sqlite3_stmt *st = NULL;
	int ok = sqlite3_prepare_v2(db->conn, "PRAGMA journal_mode=WAL", -1, &st, NULL) == SQLITE_OK &&
		 sqlite3_step(st) == SQLITE_ROW &&
		 strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
	sqlite3_finalize(st);
	/* A long run of writes grows the WAL (its checkpoint cannot finish while new frames keep
	 * coming); once it is checkpointed and starts over, the file is cut back to 64 MiB
	 * instead of keeping its peak size on disk and in the next start's recovery. */
	if (!ok || db_exec(db, "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; "
			       "PRAGMA journal_size_limit=67108864") != PARTA_OK) {
		snprintf(err, errlen, "cannot use database %s: %s", path, sqlite3_errmsg(db->conn));
		db_close(db);
		return PARTA_EIO;
	}
	int rc = db_migrate(db, err, errlen);
	if (rc != PARTA_OK) {
		db_close(db);
		return rc;
	}
	*out = db;
	return PARTA_OK;
}

void db_close(struct db *db)
{
	if (db == NULL)
		return;
	for (size_t i = 0; i < db->cache_len; i++)
		sqlite3_finalize(db->cache[i].stmt);
	free(db->cache);
	if (db->conn != NULL && sqlite3_close(db->conn) != SQLITE_OK)
		log_msg(LOG_ERROR, "db", "close_failed error=\"%s\"", sqlite3_errmsg(db->conn));
	free(db);
}

void db_set_commit_hook(struct db *db, db_commit_hook hook, void *ctx)
{
	db->commit_hook = hook;
	db->commit_ctx = ctx;
}

sqlite3_stmt *db_stmt(struct db *db, const char *sql)
{
	for (size_t i = 0; i < db->cache_len; i++) {
		if (db->cache[i].sql == sql) {
			sqlite3_stmt *st = db->cache[i].stmt;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
	}
	if (db->cache_len == db->cache_cap) {
		size_t cap = db->cache_cap ? db->cache_cap * 2 : 32;
		struct db_cached_stmt *grown = realloc(db->cache, cap * sizeof *grown);
		if (grown == NULL)
			return NULL;
		db->cache = grown;
		db->cache_cap = cap;
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(db->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
	    SQLITE_OK) {
		log_msg(LOG_ERROR, "db", "prepare_failed error=\"%s\"", sqlite3_errmsg(db->conn));
		return NULL;
	}
	db->cache[db->cache_len++] = (struct db_cached_stmt){sql, st};
	return st;
}

static int db_step_static(struct db *db, const char *sql)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	if (st == NULL)
		return PARTA_EIO;
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_msg(LOG_ERROR, "db", "step_failed sql=\"%s\" error=\"%s\"", sql,
			sqlite3_errmsg(db->conn));
		return PARTA_EIO;
	}
	return PARTA_OK;
}

int db_begin(struct db *db) { return db_step_static(db, "BEGIN IMMEDIATE"); }

int db_begin_read(struct db *db) { return db_step_static(db, "BEGIN DEFERRED"); }

void db_end_read(struct db *db)
{
	if (db_step_static(db, "COMMIT") != PARTA_OK)
		db_rollback(db);
}

int db_commit(struct db *db)
{
	double t0 = db_monotonic();
	int rc = db_step_static(db, "COMMIT");
	if (rc != PARTA_OK) {
		db_rollback(db);
		return rc;
	}
	if (db->commit_hook != NULL)
		db->commit_hook(db->commit_ctx, db_monotonic() - t0);
	return PARTA_OK;
}

void db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->conn))
		(void)db_step_static(db, "ROLLBACK");
}

int db_integrity_check(struct db *db)
{
	sqlite3_stmt *st = db_stmt(db, "PRAGMA integrity_check");
	if (st == NULL)
		return PARTA_EIO;
	int ok = sqlite3_step(st) == SQLITE_ROW &&
		 strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
	sqlite3_reset(st);
	return ok ? PARTA_OK : PARTA_EIO;
}

void db_bind_text_or_null(sqlite3_stmt *st, int i, const char *text)
{
	if (text != NULL)
		sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

sqlite3 *db_handle(struct db *db) { return db->conn; }

const char *db_errmsg(struct db *db) { return sqlite3_errmsg(db->conn); }
int db_step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return PARTA_OK;
	return rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY
		       ? PARTA_ECONFLICT
		       : PARTA_EIO;
}

int db_step_json(sqlite3_stmt *st, json_t **out)
{
	*out = NULL;
	json_t *list = json_array();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *row = json_object();
		for (int c = 0; c < sqlite3_column_count(st); c++) {
			json_t *v;
			switch (sqlite3_column_type(st, c)) {
			case SQLITE_INTEGER: v = json_integer(sqlite3_column_int64(st, c)); break;
			case SQLITE_NULL: v = json_null(); break;
			default: v = json_string((const char *)sqlite3_column_text(st, c)); break;
			}
			json_object_set_new(row, sqlite3_column_name(st, c), v);
		}
		json_array_append_new(list, row);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(list);
		return PARTA_EIO;
	}
	*out = list;
	return PARTA_OK;
}

int db_rows_json(struct db *db, const char *sql, const int64_t *args, size_t nargs,
		 json_t **out)
{
	*out = NULL;
	sqlite3_stmt *st = db_stmt(db, sql);
	if (st == NULL)
		return PARTA_EIO;
	size_t nparams = (size_t)sqlite3_bind_parameter_count(st);
	for (size_t i = 0; i < nargs && i < nparams; i++)
		sqlite3_bind_int64(st, (int)i + 1, args[i]);
	return db_step_json(st, out);
}

void db_parse_json_column(json_t *rows, const char *column)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		json_t *parsed = json_loads(json_string_value(json_object_get(row, column)), 0, NULL);
		json_object_set_new(row, column, parsed ? parsed : json_array());
	}
}


int db_autocheckpoint(struct db *db, int pages)
{
	return sqlite3_wal_autocheckpoint(db->conn, pages) == SQLITE_OK ? PARTA_OK : PARTA_EIO;
}

int db_checkpoint(struct db *db)
{
	int rc = sqlite3_wal_checkpoint_v2(db->conn, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return rc == SQLITE_OK || rc == SQLITE_BUSY ? PARTA_OK : PARTA_EIO;
}

int db_first_row(json_t *rows, json_t **out)
{
	json_t *first = json_array_get(rows, 0);
	*out = first != NULL ? json_incref(first) : NULL;
	json_decref(rows);
	return first != NULL ? PARTA_OK : PARTA_ENOTFOUND;
}
