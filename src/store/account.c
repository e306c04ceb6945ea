#include "account.h"

#include <stdio.h>
#include <string.h>

#include "../core/err.h"

static void account_copy_text(char *dst, size_t cap, const unsigned char *src)
{
	snprintf(dst, cap, "%s", src ? (const char *)src : "");
}

int account_org_ensure(struct db *db, const char *name, int64_t now, int64_t *org_id)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id FROM orgs WHERE name = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*org_id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return PARTA_OK;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return PARTA_EIO;
	st = db_stmt(db, "INSERT INTO orgs(name, type, profile, created_at) "
			 "VALUES (?, 'school', 'sgo', ?)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return PARTA_EIO;
	*org_id = sqlite3_last_insert_rowid(db_handle(db));
	return PARTA_OK;
}

static int account_role_valid(const char *role)
{
	static const char *const roles[] = {"admin", "staff", "student", "parent"};
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (strcmp(role, roles[i]) == 0)
			return 1;
	return 0;
}

int account_create(struct db *db, int64_t org_id, const char *login, const char *pw_hash,
		   const char *display_name, const char *role, int64_t now, int64_t *id)
{
	if (!account_role_valid(role))
		return PARTA_EVALIDATION;
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO accounts(org_id, login, pw_hash, display_name, "
				       "role, created_at) VALUES (?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_text(st, 2, login, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, pw_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, display_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, role, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, now);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return PARTA_ECONFLICT;
	if (rc != SQLITE_DONE)
		return PARTA_EIO;
	*id = sqlite3_last_insert_rowid(db_handle(db));
	return PARTA_OK;
}

#define ACCOUNT_SELECT                                                                          \
	"SELECT a.id, a.org_id, a.login, a.display_name, a.role, o.name, a.pw_hash, "           \
	"IFNULL(a.person_id, 0) "                                                                \
	"FROM accounts a JOIN orgs o ON o.id = a.org_id "

static int account_read_row(sqlite3_stmt *st, struct account *out)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		out->id = sqlite3_column_int64(st, 0);
		out->org_id = sqlite3_column_int64(st, 1);
		account_copy_text(out->login, sizeof out->login, sqlite3_column_text(st, 2));
		account_copy_text(out->display_name, sizeof out->display_name,
				  sqlite3_column_text(st, 3));
		account_copy_text(out->role, sizeof out->role, sqlite3_column_text(st, 4));
		account_copy_text(out->org_name, sizeof out->org_name, sqlite3_column_text(st, 5));
		account_copy_text(out->pw_hash, sizeof out->pw_hash, sqlite3_column_text(st, 6));
		out->person_id = sqlite3_column_int64(st, 7);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return PARTA_OK;
	return rc == SQLITE_DONE ? PARTA_ENOTFOUND : PARTA_EIO;
}

int account_find_by_login(struct db *db, const char *login, struct account *out)
{
	sqlite3_stmt *st = db_stmt(db, ACCOUNT_SELECT "WHERE a.login = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	return account_read_row(st, out);
}

int account_find_by_id(struct db *db, int64_t id, struct account *out)
{
	sqlite3_stmt *st = db_stmt(db, ACCOUNT_SELECT "WHERE a.id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, id);
	return account_read_row(st, out);
}

int account_set_password(struct db *db, const char *login, const char *pw_hash)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE accounts SET pw_hash = ? WHERE login = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_text(st, 1, pw_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, login, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return PARTA_EIO;
	return sqlite3_changes(db_handle(db)) == 1 ? PARTA_OK : PARTA_ENOTFOUND;
}
