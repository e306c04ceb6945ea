#include "pstore.h"

#include <stdio.h>
#include <string.h>

#include "../core/err.h"

static void pstore_text(char *dst, size_t len, sqlite3_stmt *st, int col)
{
	const unsigned char *v = sqlite3_column_text(st, col);
	snprintf(dst, len, "%s", v ? (const char *)v : "");
}

#define PSTORE_PROFILE_COLUMNS                                                                  \
	"SELECT id, phone, surname, first_name, patronymic, birth_date, gender, "               \
	"IFNULL(pw_hash, '') FROM profiles "

static int pstore_profile_row(sqlite3_stmt *st, struct pstore_profile *out)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		out->id = sqlite3_column_int64(st, 0);
		pstore_text(out->phone, sizeof out->phone, st, 1);
		pstore_text(out->surname, sizeof out->surname, st, 2);
		pstore_text(out->first_name, sizeof out->first_name, st, 3);
		pstore_text(out->patronymic, sizeof out->patronymic, st, 4);
		pstore_text(out->birth_date, sizeof out->birth_date, st, 5);
		pstore_text(out->gender, sizeof out->gender, st, 6);
		pstore_text(out->pw_hash, sizeof out->pw_hash, st, 7);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PARTA_OK : rc == SQLITE_DONE ? PARTA_ENOTFOUND : PARTA_EIO;
}

int pstore_profile_by_phone(struct db *db, const char *phone, struct pstore_profile *out)
{
	sqlite3_stmt *st = db_stmt(db, PSTORE_PROFILE_COLUMNS "WHERE phone = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_text(st, 1, phone, -1, SQLITE_STATIC);
	return pstore_profile_row(st, out);
}

int pstore_profile_by_id(struct db *db, int64_t id, struct pstore_profile *out)
{
	sqlite3_stmt *st = db_stmt(db, PSTORE_PROFILE_COLUMNS "WHERE id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, id);
	return pstore_profile_row(st, out);
}

int pstore_profile_insert(struct db *db, const struct pstore_profile *p, int64_t now,
			  int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO profiles(phone, surname, first_name, "
				       "patronymic, birth_date, gender, pw_hash, created_at) "
				       "VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?)");
	if (st == NULL)
		return PARTA_EIO;
	const char *v[] = {p->phone, p->surname, p->first_name, p->patronymic, p->birth_date,
			   p->gender, p->pw_hash};
	for (int i = 0; i < 7; i++)
		sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, now);
	int rc = db_step_done(st);
	if (rc == PARTA_OK)
		*id = sqlite3_last_insert_rowid(db_handle(db));
	return rc;
}

int pstore_account_profile(struct db *db, int64_t account, int64_t *profile)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT IFNULL(profile_id, 0) FROM accounts WHERE id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, account);
	int rc = sqlite3_step(st);
	*profile = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PARTA_OK : rc == SQLITE_DONE ? PARTA_ENOTFOUND : PARTA_EIO;
}

int pstore_account_link(struct db *db, int64_t account, int64_t profile)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE accounts SET profile_id = NULLIF(?, 0) WHERE id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, profile);
	sqlite3_bind_int64(st, 2, account);
	return db_step_done(st);
}

int pstore_flow_put(struct db *db, const unsigned char token_hash[32], const struct pstore_flow *f)
{
	int rc = pstore_flow_drop(db, f->account);
	sqlite3_stmt *st = rc == PARTA_OK
				   ? db_stmt(db, "INSERT INTO link_flows(token_hash, account_id, step, "
						 "phone, profile_id, has_password, expires_at) "
						 "VALUES (?, ?, ?, ?, NULLIF(?, 0), ?, ?)")
				   : NULL;
	if (st == NULL)
		return rc == PARTA_OK ? PARTA_EIO : rc;
	sqlite3_bind_blob(st, 1, token_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, f->account);
	sqlite3_bind_text(st, 3, linkflow_step_name(f->flow.step), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, f->phone, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, f->profile);
	sqlite3_bind_int(st, 6, f->flow.has_password);
	sqlite3_bind_int64(st, 7, f->expires_at);
	return db_step_done(st);
}

int pstore_flow_get(struct db *db, const unsigned char token_hash[32], int64_t account,
		    int64_t now, struct pstore_flow *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT step, phone, IFNULL(profile_id, 0), has_password, "
				       "expires_at FROM link_flows WHERE token_hash = ? "
				       "AND account_id = ? AND expires_at > ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_blob(st, 1, token_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, account);
	sqlite3_bind_int64(st, 3, now);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		out->account = account;
		if (linkflow_step_parse((const char *)sqlite3_column_text(st, 0), &out->flow.step) !=
		    PARTA_OK)
			rc = SQLITE_CORRUPT;
		pstore_text(out->phone, sizeof out->phone, st, 1);
		out->profile = sqlite3_column_int64(st, 2);
		out->flow.profile_exists = out->profile != 0;
		out->flow.has_password = sqlite3_column_int(st, 3) != 0;
		out->expires_at = sqlite3_column_int64(st, 4);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PARTA_OK : rc == SQLITE_DONE ? PARTA_ENOTFOUND : PARTA_EIO;
}

int pstore_flow_drop(struct db *db, int64_t account)
{
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM link_flows WHERE account_id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, account);
	return db_step_done(st);
}

int pstore_code_history(struct db *db, const char *phone, const char *addr, int64_t now,
			struct smscode_history *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = db_stmt(
		db, "SELECT (SELECT IFNULL(max(created_at), 0) FROM sms_codes WHERE phone = ?1), "
		    "(SELECT count(*) FROM sms_codes WHERE phone = ?1 AND created_at > ?3 - 3600), "
		    "(SELECT IFNULL(min(created_at), 0) FROM sms_codes WHERE phone = ?1 "
		    " AND created_at > ?3 - 3600), "
		    "(SELECT count(*) FROM sms_codes WHERE addr = ?2 AND created_at > ?3 - 3600), "
		    "(SELECT IFNULL(min(created_at), 0) FROM sms_codes WHERE addr = ?2 "
		    " AND created_at > ?3 - 3600)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_text(st, 1, phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, addr, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->last_sent = sqlite3_column_int64(st, 0);
		out->phone_last_hour = (unsigned)sqlite3_column_int(st, 1);
		out->phone_oldest_in_hour = sqlite3_column_int64(st, 2);
		out->addr_last_hour = (unsigned)sqlite3_column_int(st, 3);
		out->addr_oldest_in_hour = sqlite3_column_int64(st, 4);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PARTA_OK : PARTA_EIO;
}

int pstore_code_insert(struct db *db, const char *phone, const char *addr,
		       const unsigned char hash[32], int64_t now)
{
	/* Only the newest code of a phone counts: the earlier ones are spent. */
	sqlite3_stmt *st = db_stmt(db, "UPDATE sms_codes SET used = 1 WHERE phone = ? AND used = 0");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_text(st, 1, phone, -1, SQLITE_STATIC);
	int rc = db_step_done(st);
	if (rc != PARTA_OK)
		return rc;
	st = db_stmt(db, "INSERT INTO sms_codes(phone, addr, code_hash, created_at) "
			 "VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_text(st, 1, phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, addr, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	return db_step_done(st);
}

int pstore_code_latest(struct db *db, const char *phone, struct pstore_code *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id, created_at, attempts, code_hash FROM sms_codes "
				       "WHERE phone = ? AND used = 0 ORDER BY id DESC LIMIT 1");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_text(st, 1, phone, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->created_at = sqlite3_column_int64(st, 1);
		out->attempts = (unsigned)sqlite3_column_int(st, 2);
		if (sqlite3_column_bytes(st, 3) == 32)
			memcpy(out->hash, sqlite3_column_blob(st, 3), 32);
		else
			rc = SQLITE_CORRUPT;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PARTA_OK : rc == SQLITE_DONE ? PARTA_ENOTFOUND : PARTA_EIO;
}

int pstore_code_mark(struct db *db, int64_t id, bool used)
{
	sqlite3_stmt *st = db_stmt(db, used ? "UPDATE sms_codes SET used = 1 WHERE id = ?"
					    : "UPDATE sms_codes SET attempts = attempts + 1 WHERE id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, id);
	return db_step_done(st);
}

int pstore_login_flow_put(struct db *db, const unsigned char token_hash[32], int64_t profile,
			  const struct linkflow *f, int64_t expires_at)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO login_flows(token_hash, profile_id, step, "
				       "has_password, expires_at) VALUES (?, ?, ?, ?, ?)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_blob(st, 1, token_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, profile);
	sqlite3_bind_text(st, 3, linkflow_step_name(f->step), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, f->has_password);
	sqlite3_bind_int64(st, 5, expires_at);
	return db_step_done(st);
}

int pstore_login_flow_get(struct db *db, const unsigned char token_hash[32], int64_t now,
			  int64_t *profile, struct linkflow *f)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT profile_id, step, has_password FROM login_flows "
				       "WHERE token_hash = ? AND expires_at > ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_blob(st, 1, token_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*profile = sqlite3_column_int64(st, 0);
		f->profile_exists = true;
		f->has_password = sqlite3_column_int(st, 2) != 0;
		if (linkflow_step_parse((const char *)sqlite3_column_text(st, 1), &f->step) != PARTA_OK)
			rc = SQLITE_CORRUPT;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PARTA_OK : rc == SQLITE_DONE ? PARTA_ENOTFOUND : PARTA_EIO;
}

int pstore_login_flow_drop(struct db *db, const unsigned char token_hash[32])
{
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM login_flows WHERE token_hash = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_blob(st, 1, token_hash, 32, SQLITE_STATIC);
	return db_step_done(st);
}

int pstore_profile_accounts(struct db *db, int64_t profile, int64_t *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM accounts WHERE profile_id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, profile);
	int rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PARTA_OK : PARTA_EIO;
}
