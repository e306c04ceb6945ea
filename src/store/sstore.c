#include "sstore.h"

#include "../core/err.h"

int sstore_copy(struct db *db, int64_t profile, int64_t message, int64_t now, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(
		db, "INSERT INTO saved_messages(profile_id, text, origin_message, origin_chat, "
		    "origin_chat_name, origin_sender, origin_created_at, created_at) SELECT ?1, "
		    "m.text, m.id, m.chat_id, c.name, trim(p.surname || ' ' || p.first_name), "
		    "m.created_at, ?3 FROM messages m JOIN chats c ON c.id = m.chat_id JOIN "
		    "persons p ON p.id = m.sender_person WHERE m.id = ?2");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, profile);
	sqlite3_bind_int64(st, 2, message);
	sqlite3_bind_int64(st, 3, now);
	int rc = db_step_done(st);
	if (rc == PARTA_OK && sqlite3_changes(db_handle(db)) == 0)
		return PARTA_ENOTFOUND;
	if (rc == PARTA_OK)
		*id = sqlite3_last_insert_rowid(db_handle(db));
	return rc;
}

/* The first column of the one row of a prepared query, or PARTA_ENOTFOUND. */
static int sstore_int(sqlite3_stmt *st, int64_t *out)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PARTA_OK : rc == SQLITE_DONE ? PARTA_ENOTFOUND : PARTA_EIO;
}

int sstore_find_origin(struct db *db, int64_t profile, int64_t message, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id FROM saved_messages WHERE profile_id = ? AND "
				       "origin_message = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, profile);
	sqlite3_bind_int64(st, 2, message);
	return sstore_int(st, id);
}

int sstore_note(struct db *db, int64_t profile, const char *text, int64_t now, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO saved_messages(profile_id, text, created_at) "
				       "VALUES (?, ?, ?)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, profile);
	sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	int rc = db_step_done(st);
	if (rc == PARTA_OK)
		*id = sqlite3_last_insert_rowid(db_handle(db));
	return rc;
}

int sstore_count(struct db *db, int64_t profile, int64_t *count)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM saved_messages WHERE profile_id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, profile);
	return sstore_int(st, count);
}

#define SSTORE_COLUMNS                                                                          \
	"SELECT id, text, created_at, origin_message, origin_chat, origin_chat_name, "           \
	"origin_sender, origin_created_at FROM saved_messages "

/* The origin's columns folded into "origin" (null for a note). */
static void sstore_finish(json_t *rows)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		int64_t chat = json_integer_value(json_object_get(row, "origin_chat"));
		json_t *origin =
			chat == 0 ? json_null()
				  : json_pack("{s:O,s:O,s:O,s:O,s:O}", "message_id",
					      json_object_get(row, "origin_message"), "chat_id",
					      json_object_get(row, "origin_chat"), "chat_name",
					      json_object_get(row, "origin_chat_name"), "sender_name",
					      json_object_get(row, "origin_sender"), "created_at",
					      json_object_get(row, "origin_created_at"));
		static const char *const cols[] = {"origin_message", "origin_chat", "origin_chat_name",
						   "origin_sender", "origin_created_at"};
		for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++)
			json_object_del(row, cols[k]);
		json_object_set_new(row, "origin", origin ? origin : json_null());
	}
}

int sstore_get(struct db *db, int64_t profile, int64_t id, json_t **out)
{
	const int64_t args[] = {profile, id};
	json_t *rows;
	int rc = db_rows_json(db, SSTORE_COLUMNS "WHERE profile_id = ? AND id = ?", args, 2, &rows);
	if (rc != PARTA_OK)
		return rc;
	if (json_array_size(rows) == 0) {
		json_decref(rows);
		return PARTA_ENOTFOUND;
	}
	sstore_finish(rows);
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return PARTA_OK;
}

int sstore_list(struct db *db, int64_t profile, int64_t before, int limit, json_t **out)
{
	const int64_t args[] = {profile, before, limit};
	int rc = db_rows_json(db, SSTORE_COLUMNS "WHERE profile_id = ?1 AND (?2 = 0 OR id < ?2) "
					       "ORDER BY id DESC LIMIT ?3",
			      args, 3, out);
	if (rc == PARTA_OK)
		sstore_finish(*out);
	return rc;
}

int sstore_delete(struct db *db, int64_t profile, int64_t id)
{
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM saved_messages WHERE profile_id = ? AND id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, profile);
	sqlite3_bind_int64(st, 2, id);
	int rc = db_step_done(st);
	if (rc == PARTA_OK && sqlite3_changes(db_handle(db)) == 0)
		return PARTA_ENOTFOUND;
	return rc;
}
