/* db.h — the SQLite store: opening, migrations, prepared-statement cache, transactions.
 *
 * One `struct db` is one connection, used by one thread at a time (the event loop). Every
 * function returns PARTA_OK or an error from core/err.h; on error a message for the operator
 * is available from db_errmsg(). */
#ifndef PARTA_STORE_DB_H
#define PARTA_STORE_DB_H

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

struct db;

/* Called after every successful COMMIT with its duration in seconds (metrics hook). */
typedef void (*db_commit_hook)(void *ctx, double seconds);

/* Opens (creating when absent) the database file at `path`: WAL mode, foreign keys on, busy
 * timeout, then applies every pending migration. On success *out owns the connection (free with
 * db_close). On failure *out is NULL and `err` (when not NULL) holds a one-line reason:
 *   PARTA_EIO     the file cannot be opened or is not a database;
 *   PARTA_ESCHEMA the database was written by a newer Parta (its version is above ours). */
int db_open(const char *path, struct db **out, char *err, size_t errlen);

/* Closes the connection (finalizing cached statements, checkpointing WAL). NULL is a no-op. */
void db_close(struct db *db);

void db_set_commit_hook(struct db *db, db_commit_hook hook, void *ctx);

/* The schema version this binary knows, and the one recorded in the open database. */
int db_schema_version_known(void);
int db_schema_version(struct db *db);

/* A prepared statement for `sql`, reset and with its bindings cleared. `sql` must be a string
 * with static storage: the cache is keyed by its address. The connection owns the statement;
 * the caller must not finalize it. Returns NULL on a preparation error (logged). */
sqlite3_stmt *db_stmt(struct db *db, const char *sql);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. db_commit reports its latency to the commit hook. */
int db_begin(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);
/* A read transaction (BEGIN DEFERRED … COMMIT): several reads see one snapshot, and the WAL's
 * read lock (two fcntl calls) is taken once for all of them instead of once per statement. */
int db_begin_read(struct db *db);
void db_end_read(struct db *db);

/* WAL checkpoints: how many WAL pages trigger one at commit (0: never, the caller runs them
 * with db_checkpoint, e.g. on another thread so that no commit waits for one). */
int db_autocheckpoint(struct db *db, int pages);
/* A passive checkpoint: copies what it can without waiting for readers or writers. */
int db_checkpoint(struct db *db);

/* Runs PRAGMA integrity_check; PARTA_OK when it answers "ok". */
int db_integrity_check(struct db *db);

/* Runs `sql` with its parameters bound to the first `nargs` of `args` (as far as it has
 * parameters) and returns the rows as a new JSON array of objects keyed by column name:
 * integers stay integers, NULL becomes null, the rest are strings. */
int db_rows_json(struct db *db, const char *sql, const int64_t *args, size_t nargs,
		 json_t **out);
/* The first row of `rows` (a new reference in *out), consuming `rows`: PARTA_ENOTFOUND when
 * there is none. For lookups of one row through db_rows_json. */
int db_first_row(json_t *rows, json_t **out);
/* Steps a write statement once and resets it: PARTA_OK when done, PARTA_ECONFLICT for a
 * UNIQUE or PRIMARY KEY violation, PARTA_EIO otherwise. */
int db_step_done(sqlite3_stmt *st);
/* The same for a statement the caller prepared and bound (it is reset afterwards). */
int db_step_json(sqlite3_stmt *st, json_t **out);
/* Binds text (copied), or NULL when `text` is NULL. */
void db_bind_text_or_null(sqlite3_stmt *st, int i, const char *text);
/* Replaces, in each row, a column holding JSON text (json_group_array) by its value. */
void db_parse_json_column(json_t *rows, const char *column);

sqlite3 *db_handle(struct db *db);
const char *db_errmsg(struct db *db);

#endif
