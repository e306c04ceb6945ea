#include "mstore.h"

#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/vec.h"
#include "cstore.h"

int mstore_seat(struct db *db, int64_t chat, int64_t profile, struct mstore_seat *out)
{
	sqlite3_stmt *st = db_stmt(
		db, "SELECT c.org_id, a.person_id, IFNULL((SELECT flags FROM chat_members "
		    "WHERE chat_id = c.id AND person_id = a.person_id), 0), c.archived_at != 0 "
		    "FROM chats c JOIN accounts a ON a.org_id = c.org_id AND a.profile_id = ?2 "
		    "AND a.person_id IS NOT NULL WHERE c.id = ?1 LIMIT 1");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, chat);
	sqlite3_bind_int64(st, 2, profile);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->org = sqlite3_column_int64(st, 0);
		out->person = sqlite3_column_int64(st, 1);
		out->flags = (unsigned)sqlite3_column_int(st, 2);
		out->archived = sqlite3_column_int(st, 3) != 0;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PARTA_OK : rc == SQLITE_DONE ? PARTA_ENOTFOUND : PARTA_EIO;
}

int mstore_seats(struct db *db, int64_t profile, json_t **out)
{
	const int64_t args[] = {profile};
	/* CROSS JOIN fixes the order: from the profile's accounts to their persons' few seats;
	 * left to itself the planner walks every chat of the organisation (0.3 ms a call with
	 * 700 chats, for every reconnecting client). */
	return db_rows_json(db,
			    "SELECT m.chat_id, " CSTORE_ADMIN_SQL " AS admin FROM accounts a "
			    "CROSS JOIN chat_members m CROSS JOIN chats c WHERE a.profile_id = ?1 "
			    "AND m.person_id = a.person_id AND c.id = m.chat_id AND "
			    "c.org_id = a.org_id AND c.archived_at = 0 AND " CSTORE_MEMBER_SQL
			    " ORDER BY m.chat_id",
			    args, 1, out);
}

int mstore_by_client(struct db *db, int64_t profile, const char *client_id, int64_t *id,
		     int64_t *chat)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id, chat_id FROM messages WHERE sender_profile = ? "
				       "AND client_id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, profile);
	sqlite3_bind_text(st, 2, client_id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*chat = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PARTA_OK : rc == SQLITE_DONE ? PARTA_ENOTFOUND : PARTA_EIO;
}

int mstore_next_seq(struct db *db, int64_t chat, int64_t *seq)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE chats SET last_seq = last_seq + 1 WHERE id = ? "
				       "RETURNING last_seq");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, chat);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*seq = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PARTA_OK : rc == SQLITE_DONE ? PARTA_ENOTFOUND : PARTA_EIO;
}

int mstore_log(struct db *db, int64_t chat, int64_t seq, const char *kind, int64_t message,
	       int64_t profile, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO chat_log(chat_id, seq, kind, message_id, at, "
				       "profile_id) VALUES (?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, chat);
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, message);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, profile);
	return db_step_done(st);
}

int mstore_insert(struct db *db, int64_t chat, int64_t seq, int64_t person, int64_t profile,
		  const char *client_id, const char *text, int64_t reply_to,
		  int64_t forwarded_from, bool confirm, int64_t now, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO messages(chat_id, seq, sender_person, "
				       "sender_profile, client_id, text, reply_to, created_at, "
				       "forwarded_from, confirm) VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, 0), "
				       "?, NULLIF(?, 0), ?)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, chat);
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_int64(st, 3, person);
	sqlite3_bind_int64(st, 4, profile);
	sqlite3_bind_text(st, 5, client_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, reply_to);
	sqlite3_bind_int64(st, 8, now);
	sqlite3_bind_int64(st, 9, forwarded_from);
	sqlite3_bind_int(st, 10, confirm);
	int rc = db_step_done(st);
	if (rc != PARTA_OK)
		return rc;
	*id = sqlite3_last_insert_rowid(db_handle(db));
	return PARTA_OK;
}

int mstore_edit(struct db *db, int64_t id, const char *text, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE messages SET text = ?, edited_at = ? WHERE id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, id);
	return db_step_done(st);
}

int mstore_delete(struct db *db, int64_t id, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE messages SET text = '', deleted_at = ? WHERE id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	return db_step_done(st);
}

#define MSTORE_MESSAGE_COLUMNS                                                                  \
	"m.id, m.chat_id, m.seq, m.sender_person, m.sender_profile, m.forwarded_from, "         \
	"(SELECT trim(fp.surname || ' ' || fp.first_name) FROM messages fm JOIN persons fp "     \
	"ON fp.id = fm.sender_person WHERE fm.id = m.forwarded_from) AS forwarded_sender, "      \
	"trim(p.surname || ' ' || p.first_name) AS sender_name, m.text, m.reply_to, "            \
	"m.created_at, m.edited_at, m.deleted_at != 0 AS deleted, (SELECT "                       \
	"json_group_object(emoji, n) FROM (SELECT emoji, count(*) AS n FROM message_reactions "  \
	"WHERE message_id = m.id GROUP BY emoji)) AS reactions, (SELECT "                         \
	"json_group_object(emoji, json(ps)) FROM (SELECT emoji, json_group_array(profile_id) "   \
	"AS ps FROM message_reactions WHERE message_id = m.id GROUP BY emoji)) AS reacted_by, "  \
	"m.confirm != 0 AS confirm, m.conference_id, (SELECT json_group_array(profile_id) FROM (SELECT "          \
	"profile_id FROM message_confirms WHERE message_id = m.id ORDER BY at, profile_id)) "    \
	"AS confirmed_by "

/* A column holding JSON text replaced by its value, or by `fallback` (a new reference) when
 * it is not of that type. */
static void mstore_json_column(json_t *row, const char *key, json_t *fallback)
{
	const char *text = json_string_value(json_object_get(row, key));
	json_t *parsed = text ? json_loads(text, 0, NULL) : NULL;
	if (parsed != NULL && json_typeof(parsed) == json_typeof(fallback)) {
		json_object_set_new(row, key, parsed);
		json_decref(fallback);
	} else {
		json_decref(parsed);
		json_object_set_new(row, key, fallback);
	}
}

/* "deleted" and "confirm" as booleans, "reactions" as an object {emoji: count},
 * "reacted_by" as {emoji: [profile id …]}, "confirmed_by" as [profile id …]. */
static void mstore_finish(json_t *rows)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		json_object_set_new(row, "deleted",
				    json_boolean(json_integer_value(json_object_get(row, "deleted"))));
		json_object_set_new(row, "confirm",
				    json_boolean(json_integer_value(json_object_get(row, "confirm"))));
		mstore_json_column(row, "reactions", json_object());
		mstore_json_column(row, "reacted_by", json_object());
		mstore_json_column(row, "confirmed_by", json_array());
	}
}

int mstore_message(struct db *db, int64_t id, json_t **out)
{
	const int64_t args[] = {id};
	json_t *rows;
	int rc = db_rows_json(db, "SELECT " MSTORE_MESSAGE_COLUMNS "FROM messages m JOIN persons p "
				  "ON p.id = m.sender_person WHERE m.id = ?",
			      args, 1, &rows);
	if (rc != PARTA_OK)
		return rc;
	if (json_array_size(rows) == 0) {
		json_decref(rows);
		return PARTA_ENOTFOUND;
	}
	mstore_finish(rows);
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return PARTA_OK;
}

int mstore_events(struct db *db, int64_t chat, int64_t after, int limit, json_t **out)
{
	const int64_t args[] = {chat, after, limit};
	json_t *rows;
	int rc = db_rows_json(db, "SELECT l.seq AS event_seq, l.kind, l.profile_id AS "
				  "event_profile, " MSTORE_MESSAGE_COLUMNS
				  "FROM chat_log l JOIN messages m ON m.id = l.message_id "
				  "JOIN persons p ON p.id = m.sender_person WHERE l.chat_id = ?1 "
				  "AND l.seq > ?2 ORDER BY l.seq LIMIT ?3",
			      args, 3, &rows);
	if (rc != PARTA_OK)
		return rc;
	mstore_finish(rows);
	*out = json_array();
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		json_t *seq = json_incref(json_object_get(row, "event_seq"));
		json_t *kind = json_incref(json_object_get(row, "kind"));
		json_t *who = json_incref(json_object_get(row, "event_profile"));
		json_object_del(row, "event_seq");
		json_object_del(row, "kind");
		json_object_del(row, "event_profile");
		json_array_append_new(*out, json_pack("{s:o,s:o,s:o,s:O}", "seq", seq, "kind", kind,
						      "profile_id", who, "message", row));
	}
	json_decref(rows);
	return PARTA_OK;
}

int mstore_history(struct db *db, int64_t chat, int64_t before, int limit, json_t **out)
{
	const int64_t args[] = {chat, before, limit};
	int rc = db_rows_json(db, "SELECT " MSTORE_MESSAGE_COLUMNS "FROM messages m JOIN persons p "
				  "ON p.id = m.sender_person WHERE m.chat_id = ?1 AND (?2 = 0 OR "
				  "m.seq < ?2) ORDER BY m.seq DESC LIMIT ?3",
			      args, 3, out);
	if (rc == PARTA_OK)
		mstore_finish(*out);
	return rc;
}

int mstore_recipients(struct db *db, int64_t chat, int64_t **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	/* CROSS JOIN fixes the order: from the chat's ~30 rows out, never from every account of
	 * the organisation in (which the planner otherwise prefers). */
	sqlite3_stmt *st = db_stmt(db, "SELECT DISTINCT a.profile_id FROM chat_members cm "
				       "CROSS JOIN chats c CROSS JOIN persons p CROSS JOIN accounts a "
				       "WHERE cm.chat_id = ? AND c.id = cm.chat_id AND p.id = cm.person_id "
				       "AND p.linked = 1 AND a.person_id = cm.person_id AND "
				       "a.org_id = c.org_id AND a.profile_id IS NOT NULL AND " CSTORE_MEMBER_SQL);
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, chat);
	size_t cap = 0;
	int rc = PARTA_OK, step = SQLITE_DONE;
	while (rc == PARTA_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		rc = vec_reserve((void **)out, &cap, *n + 1, sizeof **out);
		if (rc == PARTA_OK)
			(*out)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (rc == PARTA_OK && step != SQLITE_DONE)
		rc = PARTA_EIO;
	if (rc != PARTA_OK) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int mstore_index_from(struct db *db, int64_t first)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO messages_fts(rowid, text) SELECT id, "
				       "replace(replace(text, 'ё', 'е'), 'Ё', 'Е') FROM messages "
				       "WHERE id >= ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, first);
	return db_step_done(st);
}

int mstore_react(struct db *db, int64_t message, int64_t profile, const char *emoji, bool on,
		 bool *changed)
{
	sqlite3_stmt *st = db_stmt(db, on ? "INSERT OR IGNORE INTO message_reactions(message_id, "
					    "profile_id, emoji) VALUES (?, ?, ?)"
					  : "DELETE FROM message_reactions WHERE message_id = ? AND "
					    "profile_id = ? AND emoji = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, message);
	sqlite3_bind_int64(st, 2, profile);
	sqlite3_bind_text(st, 3, emoji, -1, SQLITE_STATIC);
	int rc = db_step_done(st);
	*changed = rc == PARTA_OK && sqlite3_changes(db_handle(db)) > 0;
	return rc;
}

int mstore_read(struct db *db, int64_t chat, int64_t profile, int64_t seq, bool *moved)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO chat_reads(chat_id, profile_id, read_seq) "
				       "VALUES (?1, ?2, ?3) ON CONFLICT(chat_id, profile_id) DO UPDATE "
				       "SET read_seq = excluded.read_seq "
				       "WHERE excluded.read_seq > chat_reads.read_seq");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, chat);
	sqlite3_bind_int64(st, 2, profile);
	sqlite3_bind_int64(st, 3, seq);
	int rc = db_step_done(st);
	*moved = rc == PARTA_OK && sqlite3_changes(db_handle(db)) > 0;
	return rc;
}

int mstore_last_seq(struct db *db, int64_t chat, int64_t *seq)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT last_seq FROM chats WHERE id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, chat);
	int rc = sqlite3_step(st);
	*seq = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PARTA_OK : rc == SQLITE_DONE ? PARTA_ENOTFOUND : PARTA_EIO;
}

int mstore_readers(struct db *db, int64_t message, json_t **out)
{
	const int64_t args[] = {message};
	return db_rows_json(db, "SELECT r.profile_id, trim(p.surname || ' ' || p.first_name) AS name "
				"FROM messages m JOIN chat_reads r ON r.chat_id = m.chat_id "
				"AND r.read_seq >= m.seq AND r.profile_id != m.sender_profile "
				"JOIN profiles p ON p.id = r.profile_id WHERE m.id = ? "
				"ORDER BY fold(p.surname), fold(p.first_name)",
			    args, 1, out);
}

int mstore_mutes(struct db *db, int64_t chat, int64_t person, int64_t *chat_until,
		 int64_t *person_until)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT c.muted_until, IFNULL((SELECT until FROM chat_mutes "
				       "WHERE chat_id = c.id AND person_id = ?2), 0) FROM chats c "
				       "WHERE c.id = ?1");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, chat);
	sqlite3_bind_int64(st, 2, person);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*chat_until = sqlite3_column_int64(st, 0);
		*person_until = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PARTA_OK : rc == SQLITE_DONE ? PARTA_ENOTFOUND : PARTA_EIO;
}

int mstore_mute(struct db *db, int64_t chat, int64_t person, int64_t until)
{
	sqlite3_stmt *st;
	if (person == 0) {
		st = db_stmt(db, "UPDATE chats SET muted_until = ?2 WHERE id = ?1");
	} else if (until == 0) {
		st = db_stmt(db, "DELETE FROM chat_mutes WHERE chat_id = ?1 AND person_id = ?3");
	} else {
		st = db_stmt(db, "INSERT INTO chat_mutes(chat_id, person_id, until) VALUES (?1, ?3, ?2) "
				 "ON CONFLICT(chat_id, person_id) DO UPDATE SET until = excluded.until");
	}
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, chat);
	sqlite3_bind_int64(st, 2, until);
	if (person != 0)
		sqlite3_bind_int64(st, 3, person);
	return db_step_done(st);
}

int mstore_search(struct db *db, int64_t chat, const char *match, int limit, json_t **out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT " MSTORE_MESSAGE_COLUMNS "FROM messages_fts f "
				       "JOIN messages m ON m.id = f.rowid JOIN persons p "
				       "ON p.id = m.sender_person WHERE messages_fts MATCH ?1 "
				       "AND m.chat_id = ?2 AND m.deleted_at = 0 ORDER BY m.seq DESC "
				       "LIMIT ?3");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, chat);
	sqlite3_bind_int(st, 3, limit);
	int rc = db_step_json(st, out);
	if (rc == PARTA_OK)
		mstore_finish(*out);
	return rc;
}

int mstore_pin(struct db *db, int64_t chat, int64_t message, bool on, int64_t now, bool *changed)
{
	sqlite3_stmt *st = db_stmt(db, on ? "INSERT OR IGNORE INTO chat_pins(chat_id, message_id, "
					    "pinned_at) VALUES (?1, ?2, ?3)"
					  : "DELETE FROM chat_pins WHERE chat_id = ?1 AND message_id = ?2");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, chat);
	sqlite3_bind_int64(st, 2, message);
	if (on)
		sqlite3_bind_int64(st, 3, now);
	int rc = db_step_done(st);
	*changed = rc == PARTA_OK && sqlite3_changes(db_handle(db)) > 0;
	return rc;
}

int mstore_pins(struct db *db, int64_t chat, json_t **out)
{
	const int64_t args[] = {chat};
	int rc = db_rows_json(db, "SELECT " MSTORE_MESSAGE_COLUMNS "FROM chat_pins cp JOIN messages m "
				  "ON m.id = cp.message_id JOIN persons p ON p.id = m.sender_person "
				  "WHERE cp.chat_id = ? ORDER BY cp.pinned_at DESC, m.seq DESC",
			      args, 1, out);
	if (rc == PARTA_OK)
		mstore_finish(*out);
	return rc;
}

int mstore_mark(struct db *db, int64_t profile, int64_t message, bool on)
{
	sqlite3_stmt *st = db_stmt(db, on ? "INSERT OR IGNORE INTO message_marks(profile_id, "
					    "message_id) VALUES (?, ?)"
					  : "DELETE FROM message_marks WHERE profile_id = ? AND "
					    "message_id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, profile);
	sqlite3_bind_int64(st, 2, message);
	return db_step_done(st);
}

int mstore_marks(struct db *db, int64_t profile, json_t **out)
{
	const int64_t args[] = {profile};
	int rc = db_rows_json(db, "SELECT " MSTORE_MESSAGE_COLUMNS "FROM message_marks mk JOIN "
				  "messages m ON m.id = mk.message_id JOIN persons p ON p.id = "
				  "m.sender_person WHERE mk.profile_id = ? AND m.deleted_at = 0 "
				  "ORDER BY m.created_at DESC, m.id DESC",
			      args, 1, out);
	if (rc == PARTA_OK)
		mstore_finish(*out);
	return rc;
}

int mstore_draft_put(struct db *db, int64_t profile, int64_t chat, const char *text, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, text[0] == '\0'
					       ? "DELETE FROM chat_drafts WHERE profile_id = ?1 AND "
						 "chat_id = ?2"
					       : "INSERT INTO chat_drafts(profile_id, chat_id, text, "
						 "updated_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT("
						 "profile_id, chat_id) DO UPDATE SET text = excluded.text, "
						 "updated_at = excluded.updated_at");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, profile);
	sqlite3_bind_int64(st, 2, chat);
	if (text[0] != '\0') {
		sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, now);
	}
	return db_step_done(st);
}

int mstore_draft(struct db *db, int64_t profile, int64_t chat, json_t **out)
{
	const int64_t args[] = {profile, chat};
	json_t *rows;
	int rc = db_rows_json(db, "SELECT text, updated_at FROM chat_drafts WHERE profile_id = ? "
				  "AND chat_id = ?",
			      args, 2, &rows);
	if (rc != PARTA_OK)
		return rc;
	*out = json_array_size(rows) ? json_incref(json_array_get(rows, 0))
				     : json_pack("{s:s,s:i}", "text", "", "updated_at", 0);
	json_decref(rows);
	return PARTA_OK;
}

/* ---- read confirmations, reactions by person, others' read marks, mutes ---- */

int mstore_confirm(struct db *db, int64_t message, int64_t profile, int64_t now, bool *changed)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT OR IGNORE INTO message_confirms(message_id, "
				       "profile_id, at) VALUES (?, ?, ?)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, message);
	sqlite3_bind_int64(st, 2, profile);
	sqlite3_bind_int64(st, 3, now);
	int rc = db_step_done(st);
	*changed = rc == PARTA_OK && sqlite3_changes(db_handle(db)) > 0;
	return rc;
}

int mstore_confirmed(struct db *db, int64_t message, json_t **out)
{
	const int64_t args[] = {message};
	return db_rows_json(db, "SELECT mc.profile_id, trim(p.surname || ' ' || p.first_name) AS "
				"name, mc.at FROM message_confirms mc JOIN profiles p ON p.id = "
				"mc.profile_id WHERE mc.message_id = ? ORDER BY fold(p.surname), "
				"fold(p.first_name), p.id",
			    args, 1, out);
}

int mstore_unconfirmed(struct db *db, int64_t message, json_t **out)
{
	/* The chat's recipients (its members whose person is linked), the sender aside. */
	const int64_t args[] = {message};
	return db_rows_json(db, "SELECT DISTINCT a.profile_id, trim(pr.surname || ' ' || "
				"pr.first_name) AS name FROM messages m CROSS JOIN chats c "
				"CROSS JOIN chat_members cm CROSS JOIN persons p CROSS JOIN accounts a "
				"CROSS JOIN profiles pr WHERE m.id = ? AND c.id = m.chat_id AND "
				"cm.chat_id = c.id AND p.id = cm.person_id AND p.linked = 1 AND "
				"a.person_id = cm.person_id AND a.org_id = c.org_id AND pr.id = "
				"a.profile_id AND a.profile_id != m.sender_profile AND "
				CSTORE_MEMBER_SQL " AND NOT EXISTS (SELECT 1 FROM message_confirms mc "
				"WHERE mc.message_id = m.id AND mc.profile_id = a.profile_id) "
				"ORDER BY pr.surname, pr.first_name, pr.id",
			    args, 1, out);
}

int mstore_reactors(struct db *db, int64_t message, json_t **out)
{
	const int64_t args[] = {message};
	return db_rows_json(db, "SELECT r.profile_id, trim(p.surname || ' ' || p.first_name) AS "
				"name, r.emoji FROM message_reactions r JOIN profiles p ON p.id = "
				"r.profile_id WHERE r.message_id = ? ORDER BY fold(p.surname), "
				"fold(p.first_name), p.id, r.emoji",
			    args, 1, out);
}

int mstore_others_read(struct db *db, int64_t chat, int64_t profile, int64_t *seq)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT IFNULL(max(read_seq), 0) FROM chat_reads "
				       "WHERE chat_id = ? AND profile_id != ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, chat);
	sqlite3_bind_int64(st, 2, profile);
	int rc = sqlite3_step(st);
	*seq = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PARTA_OK : PARTA_EIO;
}

int mstore_chat_mutes(struct db *db, int64_t chat, json_t **out)
{
	const int64_t args[] = {chat};
	return db_rows_json(db, "SELECT person_id, until FROM chat_mutes WHERE chat_id = ?", args,
			    1, out);
}

int mstore_member_flags(struct db *db, int64_t chat, int64_t person, unsigned *flags)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT flags FROM chat_members WHERE chat_id = ? AND "
				       "person_id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, chat);
	sqlite3_bind_int64(st, 2, person);
	int rc = sqlite3_step(st);
	*flags = rc == SQLITE_ROW ? (unsigned)sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? PARTA_OK : PARTA_EIO;
}

int mstore_set_conference(struct db *db, int64_t message, int64_t conference)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE messages SET conference_id = ? WHERE id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, conference);
	sqlite3_bind_int64(st, 2, message);
	return db_step_done(st);
}

int mstore_sender_profile(struct db *db, int64_t person, int64_t now, int64_t *profile)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT coalesce((SELECT min(profile_id) FROM accounts WHERE "
				       "person_id = ?1 AND profile_id IS NOT NULL), (SELECT id FROM "
				       "profiles WHERE phone = 'system'), 0)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, person);
	int rc = sqlite3_step(st);
	*profile = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return PARTA_EIO;
	if (*profile != 0)
		return PARTA_OK;
	st = db_stmt(db, "INSERT INTO profiles(phone, surname, first_name, created_at) "
			 "VALUES ('system', 'Parta', '', ?)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, now);
	rc = db_step_done(st);
	if (rc == PARTA_OK)
		*profile = sqlite3_last_insert_rowid(db_handle(db));
	return rc;
}
