#include "session.h"

#include <string.h>

#include "../core/err.h"

int session_insert(struct db *db, const unsigned char token_hash[SESSION_HASH_BYTES],
		   const unsigned char csrf_hash[SESSION_HASH_BYTES], int64_t account_id,
		   int64_t profile_id, int64_t now, int64_t expires_at, const char *addr,
		   int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO sessions(token_hash, csrf_hash, account_id, "
				       "created_at, last_seen_at, expires_at, addr, profile_id) "
				       "VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, ?, NULLIF(?, 0))");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_blob(st, 1, token_hash, SESSION_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, csrf_hash, SESSION_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, account_id);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, expires_at);
	sqlite3_bind_text(st, 7, addr, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, profile_id);
	int rc = db_step_done(st);
	if (rc == PARTA_OK)
		*id = sqlite3_last_insert_rowid(db_handle(db));
	return rc;
}

int session_find(struct db *db, const unsigned char token_hash[SESSION_HASH_BYTES],
		 struct session_row *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id, IFNULL(account_id, 0), created_at, "
				       "last_seen_at, expires_at, revoked_at, csrf_hash, "
				       "IFNULL(profile_id, 0) FROM sessions WHERE token_hash = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_blob(st, 1, token_hash, SESSION_HASH_BYTES, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->account_id = sqlite3_column_int64(st, 1);
		out->created_at = sqlite3_column_int64(st, 2);
		out->last_seen_at = sqlite3_column_int64(st, 3);
		out->expires_at = sqlite3_column_int64(st, 4);
		out->revoked_at = sqlite3_column_int64(st, 5);
		memset(out->csrf_hash, 0, SESSION_HASH_BYTES);
		if (sqlite3_column_bytes(st, 6) == SESSION_HASH_BYTES)
			memcpy(out->csrf_hash, sqlite3_column_blob(st, 6), SESSION_HASH_BYTES);
		out->profile_id = sqlite3_column_int64(st, 7);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return PARTA_OK;
	return rc == SQLITE_DONE ? PARTA_ENOTFOUND : PARTA_EIO;
}

int session_touch(struct db *db, int64_t id, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE sessions SET last_seen_at = ? WHERE id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	return db_step_done(st);
}

int session_revoke(struct db *db, int64_t id, int64_t now)
{
	sqlite3_stmt *st =
		db_stmt(db, "UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at = 0");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	return db_step_done(st);
}

int session_failure_record(struct db *db, const char *login, const char *addr, int64_t now)
{
	sqlite3_stmt *st =
		db_stmt(db, "INSERT INTO login_failures(login, addr, at) VALUES (?, ?, ?)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, addr, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	return db_step_done(st);
}

int session_failures(struct db *db, int key_is_addr, const char *key, int64_t since,
		     int64_t *times_desc, size_t max, size_t *n)
{
	*n = 0;
	sqlite3_stmt *st = db_stmt(
		db, key_is_addr
			    ? "SELECT at FROM login_failures WHERE addr = ? AND at > ? "
			      "ORDER BY at DESC LIMIT ?"
			    : "SELECT at FROM login_failures WHERE login = ? AND at > ? "
			      "ORDER BY at DESC LIMIT ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
		times_desc[(*n)++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? PARTA_OK : PARTA_EIO;
}

int session_failures_clear_login(struct db *db, const char *login)
{
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM login_failures WHERE login = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	return db_step_done(st);
}
