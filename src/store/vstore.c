/* vstore.c — conferences in SQLite. */
#include "vstore.h"

#include <stdio.h>
#include <string.h>

#include "../core/err.h"
#include "cstore.h"

int vstore_insert(struct db *db, const struct vstore_conf *c, int64_t now, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO conferences(org_id, kind, name, chat_id, "
				       "lesson_id, starts_at, ends_at, room, room_secret, room_pin, "
				       "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
				       "?, ?)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, c->org);
	sqlite3_bind_text(st, 2, c->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, c->chat_id);
	sqlite3_bind_int64(st, 5, c->lesson_id);
	sqlite3_bind_int64(st, 6, c->starts_at);
	sqlite3_bind_int64(st, 7, c->ends_at);
	sqlite3_bind_int64(st, 8, c->room);
	sqlite3_bind_text(st, 9, c->room_secret, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, c->room_pin, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, c->created_by);
	sqlite3_bind_int64(st, 12, now);
	int rc = db_step_done(st);
	if (rc == PARTA_OK)
		*id = sqlite3_last_insert_rowid(db_handle(db));
	return rc;
}

static void vstore_text(sqlite3_stmt *st, int col, char *out, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(out, size, "%s", t != NULL ? (const char *)t : "");
}

#define VSTORE_CONF_COLUMNS                                                                     \
	"id, org_id, kind, name, chat_id, lesson_id, starts_at, ends_at, state, room, "         \
	"room_secret, room_pin, room_ready, created_by FROM conferences "

static int vstore_row(sqlite3_stmt *st, struct vstore_conf *out)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? PARTA_ENOTFOUND : PARTA_EIO;
	}
	memset(out, 0, sizeof *out);
	out->id = sqlite3_column_int64(st, 0);
	out->org = sqlite3_column_int64(st, 1);
	vstore_text(st, 2, out->kind, sizeof out->kind);
	vstore_text(st, 3, out->name, sizeof out->name);
	out->chat_id = sqlite3_column_int64(st, 4);
	out->lesson_id = sqlite3_column_int64(st, 5);
	out->starts_at = sqlite3_column_int64(st, 6);
	out->ends_at = sqlite3_column_int64(st, 7);
	vstore_text(st, 8, out->state, sizeof out->state);
	out->room = sqlite3_column_int64(st, 9);
	vstore_text(st, 10, out->room_secret, sizeof out->room_secret);
	vstore_text(st, 11, out->room_pin, sizeof out->room_pin);
	out->room_ready = sqlite3_column_int(st, 12) != 0;
	out->created_by = sqlite3_column_int64(st, 13);
	sqlite3_reset(st);
	return PARTA_OK;
}

int vstore_load(struct db *db, int64_t org, int64_t id, struct vstore_conf *out)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT " VSTORE_CONF_COLUMNS "WHERE id = ? AND org_id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, org);
	return vstore_row(st, out);
}

int vstore_load_any(struct db *db, int64_t id, struct vstore_conf *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT " VSTORE_CONF_COLUMNS "WHERE id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, id);
	return vstore_row(st, out);
}

int vstore_by_lesson(struct db *db, int64_t org, int64_t lesson, struct vstore_conf *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT " VSTORE_CONF_COLUMNS
				       "WHERE lesson_id = ? AND org_id = ? AND kind = 'lesson'");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, lesson);
	sqlite3_bind_int64(st, 2, org);
	return vstore_row(st, out);
}

static int vstore_changed(struct db *db, int rc)
{
	return rc == PARTA_OK && sqlite3_changes(db_handle(db)) == 0 ? PARTA_ENOTFOUND : rc;
}

int vstore_update(struct db *db, const struct vstore_conf *c)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE conferences SET name = ?, starts_at = ?, "
				       "ends_at = ? WHERE id = ? AND org_id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_text(st, 1, c->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, c->starts_at);
	sqlite3_bind_int64(st, 3, c->ends_at);
	sqlite3_bind_int64(st, 4, c->id);
	sqlite3_bind_int64(st, 5, c->org);
	return vstore_changed(db, db_step_done(st));
}

int vstore_delete(struct db *db, int64_t org, int64_t id)
{
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM conferences WHERE id = ? AND org_id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, org);
	return vstore_changed(db, db_step_done(st));
}

int vstore_member_add(struct db *db, int64_t conf, int64_t person, const char *role,
		      bool moderator)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO conference_members(conference_id, person_id, "
				       "role, moderator) VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, conf);
	sqlite3_bind_int64(st, 2, person);
	sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, moderator);
	return db_step_done(st);
}

int vstore_members_clear(struct db *db, int64_t conf)
{
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM conference_members WHERE conference_id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, conf);
	return db_step_done(st);
}

int vstore_member(struct db *db, int64_t conf, int64_t person, bool *moderator)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT moderator FROM conference_members "
				       "WHERE conference_id = ? AND person_id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, conf);
	sqlite3_bind_int64(st, 2, person);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*moderator = sqlite3_column_int(st, 0) != 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PARTA_OK : rc == SQLITE_DONE ? PARTA_ENOTFOUND : PARTA_EIO;
}

int vstore_members(struct db *db, int64_t conf, json_t **out)
{
	const int64_t args[] = {conf};
	int rc = db_rows_json(
		db,
		"SELECT m.person_id, trim(p.surname || ' ' || p.first_name || ' ' || p.patronymic) "
		"AS name, m.role, m.moderator FROM conference_members m JOIN persons p ON p.id = "
		"m.person_id WHERE m.conference_id = ?1 ORDER BY fold(p.surname), "
		"fold(p.first_name), p.id",
		args, 1, out);
	size_t i;
	json_t *row;
	if (rc == PARTA_OK)
		json_array_foreach(*out, i, row)
			json_object_set_new(row, "moderator",
					    json_boolean(json_integer_value(
						    json_object_get(row, "moderator"))));
	return rc;
}

#define VSTORE_API_COLUMNS                                                                      \
	"SELECT v.id, v.kind, v.name, v.chat_id, (SELECT name FROM chats WHERE id = v.chat_id) "  \
	"AS chat_name, (SELECT kind FROM chats WHERE id = v.chat_id) AS chat_kind, "              \
	"v.lesson_id, v.starts_at, v.ends_at, v.state, v.room_ready, v.media_error, "             \
	"v.created_by, (SELECT count(*) FROM conference_members WHERE conference_id = v.id) AS "  \
	"members FROM conferences v "

static void vstore_api_rows(json_t *rows)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
		json_object_set_new(row, "room_ready",
				    json_boolean(json_integer_value(
					    json_object_get(row, "room_ready"))));
}

int vstore_get(struct db *db, int64_t org, int64_t id, json_t **out)
{
	const int64_t args[] = {org, id};
	json_t *rows;
	int rc = db_rows_json(db, VSTORE_API_COLUMNS "WHERE v.org_id = ?1 AND v.id = ?2", args, 2,
			      &rows);
	if (rc != PARTA_OK)
		return rc;
	vstore_api_rows(rows);
	return db_first_row(rows, out);
}

int vstore_list(struct db *db, int64_t org, int64_t person, bool all, int64_t from, int64_t to,
		json_t **out)
{
	const int64_t args[] = {org, person, all, from, to};
	int rc = db_rows_json(db,
			      VSTORE_API_COLUMNS
			      "WHERE v.org_id = ?1 AND v.starts_at >= ?4 AND v.starts_at < ?5 AND "
			      "(?3 OR v.created_by = ?2 OR EXISTS (SELECT 1 FROM conference_members m "
			      "WHERE m.conference_id = v.id AND m.person_id = ?2)) "
			      "ORDER BY v.starts_at DESC, v.id DESC LIMIT 1000",
			      args, 5, out);
	if (rc == PARTA_OK)
		vstore_api_rows(*out);
	return rc;
}

int vstore_chat_people(struct db *db, int64_t org, int64_t chat, json_t **out)
{
	const int64_t args[] = {org, chat};
	return db_rows_json(
		db,
		"SELECT m.person_id, CASE WHEN EXISTS (SELECT 1 FROM staff s WHERE s.person_id = "
		"m.person_id) THEN 'staff' WHEN EXISTS (SELECT 1 FROM enrolments e WHERE "
		"e.student_id = m.person_id) THEN 'student' WHEN EXISTS (SELECT 1 FROM guardians g "
		"WHERE g.parent_id = m.person_id) THEN 'parent' ELSE '' END AS role, "
		CSTORE_ADMIN_SQL " AS admin FROM chat_members m JOIN chats c ON c.id = m.chat_id "
		"WHERE c.org_id = ?1 AND m.chat_id = ?2 AND " CSTORE_MEMBER_SQL,
		args, 2, out);
}

int vstore_due(struct db *db, int64_t now, int limit, json_t **starting, json_t **ending)
{
	const int64_t args[] = {now, limit};
	*ending = NULL;
	int rc = db_rows_json(db,
			      "SELECT id FROM conferences WHERE state = 'planned' AND starts_at <= ?1 "
			      "AND ends_at > ?1 ORDER BY starts_at, id LIMIT ?2",
			      args, 2, starting);
	if (rc == PARTA_OK)
		rc = db_rows_json(db,
				  "SELECT id FROM conferences WHERE state IN ('planned', 'active') AND "
				  "ends_at <= ?1 ORDER BY ends_at, id LIMIT ?2",
				  args, 2, ending);
	if (rc != PARTA_OK) {
		json_decref(*starting);
		*starting = NULL;
	}
	return rc;
}

int vstore_roomless(struct db *db, int limit, json_t **out)
{
	const int64_t args[] = {limit};
	return db_rows_json(db,
			    "SELECT id FROM conferences WHERE state = 'active' AND room_ready = 0 "
			    "AND media_error != 'pending' ORDER BY started_at, id LIMIT ?1",
			    args, 1, out);
}

static int vstore_set(struct db *db, const char *sql, int64_t id, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	return vstore_changed(db, db_step_done(st));
}

int vstore_activate(struct db *db, int64_t id, int64_t now)
{
	return vstore_set(db,
			  "UPDATE conferences SET state = 'active', started_at = ?1, room_ready = 0, "
			  "media_error = '' WHERE id = ?2 AND state = 'planned'",
			  id, now);
}

int vstore_finish(struct db *db, int64_t id, int64_t now)
{
	return vstore_set(db,
			  "UPDATE conferences SET state = 'finished', finished_at = ?1, "
			  "room_ready = 0 WHERE id = ?2 AND state != 'finished'",
			  id, now);
}

int vstore_room_result(struct db *db, int64_t id, bool ready, const char *error)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE conferences SET room_ready = ?, media_error = ? "
				       "WHERE id = ? AND state = 'active'");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int(st, 1, ready);
	sqlite3_bind_text(st, 2, error != NULL ? error : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	return db_step_done(st);
}

int vstore_rooms_reset(struct db *db)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE conferences SET room_ready = 0, media_error = '' "
				       "WHERE state = 'active'");
	return st != NULL ? db_step_done(st) : PARTA_EIO;
}

int vstore_grant_insert(struct db *db, const char *token, int64_t conf, int64_t person,
			int64_t feed, int64_t now, int64_t expires)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO conference_grants(token, conference_id, "
				       "person_id, feed, created_at, expires_at) VALUES (?, ?, ?, ?, "
				       "?, ?)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, conf);
	sqlite3_bind_int64(st, 3, person);
	sqlite3_bind_int64(st, 4, feed);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, expires);
	return db_step_done(st);
}

int vstore_lesson(struct db *db, int64_t org, int64_t lesson, json_t **out)
{
	const int64_t args[] = {org, lesson};
	json_t *rows;
	int rc = db_rows_json(
		db,
		"SELECT l.id, l.class_id, c.name AS class_name, l.subject_id, s.name AS "
		"subject_name, l.teacher_id, trim(p.surname || ' ' || p.first_name || ' ' || "
		"p.patronymic) AS teacher_name, l.date, l.start, l.end, l.topic, coalesce((SELECT "
		"min(d.id) FROM loads d WHERE d.org_id = l.org_id AND d.class_id = l.class_id AND "
		"d.subject_id = l.subject_id AND d.teacher_id = l.teacher_id), 0) AS load_id FROM "
		"lessons l JOIN classes c ON c.id = l.class_id JOIN subjects s ON s.id = "
		"l.subject_id JOIN persons p ON p.id = l.teacher_id WHERE l.org_id = ?1 AND l.id = ?2",
		args, 2, &rows);
	return rc == PARTA_OK ? db_first_row(rows, out) : rc;
}

int vstore_teaches(struct db *db, int64_t org, int64_t class_id, int64_t subject_id,
		   int64_t person, bool *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT EXISTS (SELECT 1 FROM loads WHERE org_id = ? AND "
				       "class_id = ? AND subject_id = ? AND teacher_id = ?)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	sqlite3_bind_int64(st, 2, class_id);
	sqlite3_bind_int64(st, 3, subject_id);
	sqlite3_bind_int64(st, 4, person);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int(st, 0) != 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PARTA_OK : PARTA_EIO;
}

int vstore_journal_loads(struct db *db, int64_t org, int64_t person, bool all, json_t **out)
{
	const int64_t args[] = {org, person, all};
	return db_rows_json(db,
			    "SELECT DISTINCT d.class_id, c.name AS class_name, c.parallel, "
			    "d.subject_id, s.name AS subject_name FROM loads d JOIN classes c ON "
			    "c.id = d.class_id JOIN subjects s ON s.id = d.subject_id WHERE "
			    "d.org_id = ?1 AND c.open = 1 AND (?3 OR d.teacher_id = ?2) ORDER BY "
			    "c.parallel, natkey(c.name), fold(s.name)",
			    args, 3, out);
}

int vstore_journal_lessons(struct db *db, int64_t org, int64_t class_id, int64_t subject_id,
			   json_t **out)
{
	const int64_t args[] = {org, class_id, subject_id};
	return db_rows_json(
		db,
		"SELECT l.id, l.date, l.start, l.end, l.topic, l.teacher_id, trim(p.surname || ' ' "
		"|| p.first_name || ' ' || p.patronymic) AS teacher_name, v.id AS distance_id, "
		"v.state AS distance_state FROM lessons l JOIN persons p ON p.id = l.teacher_id "
		"LEFT JOIN conferences v ON v.lesson_id = l.id AND v.kind = 'lesson' WHERE "
		"l.org_id = ?1 AND l.class_id = ?2 AND l.subject_id = ?3 ORDER BY l.date, l.start, "
		"l.id LIMIT 2000",
		args, 3, out);
}

int vstore_diary(struct db *db, int64_t org, int64_t student, int64_t viewer, const char *from,
		 const char *to, json_t **out)
{
	sqlite3_stmt *st = db_stmt(
		db,
		"SELECT l.id, l.date, l.start, l.end, s.name AS subject_name, l.topic, v.id AS "
		"distance_id, v.state AS distance_state, v.starts_at AS distance_starts_at, "
		"v.ends_at AS distance_ends_at, EXISTS (SELECT 1 FROM conference_members m WHERE "
		"m.conference_id = v.id AND m.person_id = ?3) AS distance_member FROM lessons l "
		"JOIN enrolments e ON e.class_id = l.class_id AND e.student_id = ?2 JOIN subjects s "
		"ON s.id = l.subject_id LEFT JOIN conferences v ON v.lesson_id = l.id AND v.kind = "
		"'lesson' WHERE l.org_id = ?1 AND e.org_id = ?1 AND l.date BETWEEN ?4 AND ?5 AND "
		"(NOT EXISTS (SELECT 1 FROM loads d WHERE d.class_id = l.class_id AND d.subject_id = "
		"l.subject_id AND d.teacher_id = l.teacher_id AND EXISTS (SELECT 1 FROM "
		"load_students ls WHERE ls.load_id = d.id)) OR EXISTS (SELECT 1 FROM loads d JOIN "
		"load_students ls ON ls.load_id = d.id WHERE d.class_id = l.class_id AND "
		"d.subject_id = l.subject_id AND d.teacher_id = l.teacher_id AND ls.student_id = "
		"?2)) ORDER BY l.date, l.start, l.id");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	sqlite3_bind_int64(st, 2, student);
	sqlite3_bind_int64(st, 3, viewer);
	sqlite3_bind_text(st, 4, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, to, -1, SQLITE_STATIC);
	return db_step_json(st, out);
}

int vstore_student_relation(struct db *db, int64_t org, int64_t student, int64_t viewer,
			    char *out)
{
	sqlite3_stmt *st = db_stmt(
		db, "SELECT CASE WHEN ?2 = ?3 AND EXISTS (SELECT 1 FROM enrolments WHERE org_id = ?1 "
		    "AND student_id = ?2) THEN 's' WHEN EXISTS (SELECT 1 FROM guardians WHERE "
		    "org_id = ?1 AND student_id = ?2 AND parent_id = ?3) THEN 'p' ELSE '' END");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	sqlite3_bind_int64(st, 2, student);
	sqlite3_bind_int64(st, 3, viewer);
	int rc = sqlite3_step(st);
	const unsigned char *t = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
	*out = t != NULL ? (char)t[0] : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PARTA_OK : PARTA_EIO;
}

int vstore_grants_expired(struct db *db, int64_t now, int limit, json_t **out)
{
	const int64_t args[] = {now, limit};
	return db_rows_json(db,
			    "SELECT g.token, g.conference_id FROM conference_grants g JOIN "
			    "conferences v ON v.id = g.conference_id WHERE g.revoked = 0 AND "
			    "g.expires_at <= ?1 AND v.state = 'active' AND v.room_ready = 1 "
			    "ORDER BY g.expires_at LIMIT ?2",
			    args, 2, out);
}

int vstore_grant_revoked(struct db *db, const char *token)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE conference_grants SET revoked = 1 WHERE token = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
	return db_step_done(st);
}

int vstore_diary_students(struct db *db, int64_t org, int64_t viewer, json_t **out)
{
	const int64_t args[] = {org, viewer};
	return db_rows_json(
		db,
		"SELECT p.id, trim(p.surname || ' ' || p.first_name || ' ' || p.patronymic) AS name "
		"FROM persons p WHERE p.org_id = ?1 AND ((p.id = ?2 AND EXISTS (SELECT 1 FROM "
		"enrolments e WHERE e.student_id = p.id)) OR EXISTS (SELECT 1 FROM guardians g JOIN "
		"enrolments e ON e.student_id = g.student_id WHERE g.parent_id = ?2 AND g.student_id "
		"= p.id)) ORDER BY p.id != ?2, fold(p.surname), fold(p.first_name), p.id",
		args, 2, out);
}
