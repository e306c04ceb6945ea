#include "people.h"

#include <stdbool.h>
#include <stdlib.h>

#include "../core/err.h"
#include "cstore.h"

/* Roles as SQL over persons p and their enrolment e. */
#define PEOPLE_IS_STAFF "EXISTS (SELECT 1 FROM staff s WHERE s.person_id = p.id)"
#define PEOPLE_IS_STUDENT "(e.class_id IS NOT NULL)"
#define PEOPLE_IS_PARENT "EXISTS (SELECT 1 FROM guardians g WHERE g.parent_id = p.id)"

/* The filter; parameters numbered as people_bind binds them. */
#define PEOPLE_FROM_WHERE                                                                       \
	"FROM persons p LEFT JOIN enrolments e ON e.student_id = p.id "                          \
	"LEFT JOIN classes cl ON cl.id = e.class_id WHERE p.org_id = ?1 "                        \
	"AND (((?2 & 1) != 0 AND " PEOPLE_IS_STAFF ") OR ((?2 & 2) != 0 AND " PEOPLE_IS_STUDENT  \
	") OR ((?2 & 4) != 0 AND " PEOPLE_IS_PARENT ")) "                                        \
	"AND (?3 IS NULL OR instr(fold(p.surname), ?3) = 1) "                                    \
	"AND (?4 IS NULL OR instr(fold(p.surname || ' ' || p.first_name || ' ' || "              \
	"p.patronymic), ?4) > 0) AND (?5 IS NULL OR p.gender = ?5) "                             \
	"AND (?6 = 0 OR p.id IN (SELECT student_id FROM enrolments WHERE class_id = ?6 "         \
	"UNION ALL SELECT g.parent_id FROM enrolments ge JOIN guardians g ON g.student_id = "    \
	"ge.student_id WHERE ge.class_id = ?6 UNION ALL SELECT homeroom_id FROM classes WHERE "  \
	"id = ?6 UNION ALL SELECT teacher_id FROM loads WHERE class_id = ?6)) "
#define PEOPLE_ORDER "ORDER BY fold(p.surname || ' ' || p.first_name || ' ' || p.patronymic), p.id "

static void people_bind(sqlite3_stmt *st, int64_t org, const struct people_filter *f)
{
	sqlite3_bind_int64(st, 1, org);
	sqlite3_bind_int(st, 2, (int)(f->roles ? f->roles : PEOPLE_ALL));
	db_bind_text_or_null(st, 3, f->surname);
	db_bind_text_or_null(st, 4, f->q);
	db_bind_text_or_null(st, 5, f->gender);
	sqlite3_bind_int64(st, 6, f->class_id);
	sqlite3_bind_int64(st, 7, f->chat);
}

static int people_count(struct db *db, int64_t org, const struct people_filter *f, int64_t *total)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) " PEOPLE_FROM_WHERE);
	if (st == NULL)
		return PARTA_EIO;
	people_bind(st, org, f);
	int step = sqlite3_step(st);
	*total = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return step == SQLITE_ROW ? PARTA_OK : PARTA_EIO;
}

static int people_ids(struct db *db, int64_t org, const struct people_filter *f, json_t **ids)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT p.id " PEOPLE_FROM_WHERE PEOPLE_ORDER "LIMIT ?8");
	if (st == NULL)
		return PARTA_EIO;
	people_bind(st, org, f);
	sqlite3_bind_int(st, 8, PEOPLE_IDS_MAX);
	*ids = json_array();
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(*ids, json_integer(sqlite3_column_int64(st, 0)));
	sqlite3_reset(st);
	if (step != SQLITE_DONE) {
		json_decref(*ids);
		*ids = NULL;
		return PARTA_EIO;
	}
	return PARTA_OK;
}

/* "is_staff", "is_student", "is_parent" (0/1) → "roles"; "member" as a boolean. */
static void people_finish(json_t *rows)
{
	static const char *const roles[][2] = {
		{"is_staff", "staff"}, {"is_student", "student"}, {"is_parent", "parent"}};
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		json_t *list = json_array();
		for (size_t k = 0; k < 3; k++) {
			if (json_integer_value(json_object_get(row, roles[k][0])) != 0)
				json_array_append_new(list, json_string(roles[k][1]));
			json_object_del(row, roles[k][0]);
		}
		json_object_set_new(row, "roles", list);
		json_object_set_new(row, "member",
				    json_boolean(json_integer_value(json_object_get(row, "member"))));
		json_object_set_new(row, "pending",
				    json_boolean(json_integer_value(json_object_get(row, "pending"))));
	}
}

int people_find(struct db *db, int64_t org, const struct people_filter *f, int64_t *total,
		json_t **rows, json_t **ids)
{
	*rows = NULL;
	if (ids != NULL)
		*ids = NULL;
	int rc = people_count(db, org, f, total);
	if (rc != PARTA_OK)
		return rc;
	/* The page's ids first: the roles and the member mark are then read for its rows only. */
	sqlite3_stmt *st = db_stmt(
		db, "SELECT p.id AS person_id, p.surname, p.first_name, p.patronymic, p.birth_date, "
		    "p.gender, " PEOPLE_IS_STAFF " AS is_staff, " PEOPLE_IS_STUDENT " AS is_student, "
		    PEOPLE_IS_PARENT " AS is_parent, IFNULL(cl.name, '') AS class_name, "
		    "p.linked = 0 AS pending, "
		    "EXISTS (SELECT 1 FROM chat_members m JOIN chats c ON c.id = m.chat_id WHERE "
		    "m.chat_id = ?7 AND c.org_id = ?1 AND m.person_id = p.id AND " CSTORE_MEMBER_SQL
		    ") AS member FROM persons p LEFT JOIN enrolments e ON e.student_id = p.id LEFT "
		    "JOIN classes cl ON cl.id = e.class_id WHERE p.id IN (SELECT p.id "
		    PEOPLE_FROM_WHERE PEOPLE_ORDER "LIMIT ?8 OFFSET ?9) " PEOPLE_ORDER);
	if (st == NULL)
		return PARTA_EIO;
	people_bind(st, org, f);
	sqlite3_bind_int64(st, 8, f->per_page);
	sqlite3_bind_int64(st, 9, (f->page - 1) * f->per_page);
	rc = db_step_json(st, rows);
	if (rc == PARTA_OK) {
		people_finish(*rows);
		if (ids != NULL)
			rc = people_ids(db, org, f, ids);
	}
	if (rc != PARTA_OK) {
		json_decref(*rows);
		*rows = NULL;
	}
	return rc;
}

int people_named(struct db *db, int64_t org, json_t *ids, json_t **rows)
{
	*rows = NULL;
	char *list = json_dumps(ids, JSON_COMPACT);
	if (list == NULL)
		return PARTA_ENOMEM;
	sqlite3_stmt *st = db_stmt(
		db, "SELECT p.id AS person_id, trim(p.surname || ' ' || p.first_name || ' ' || "
		    "p.patronymic) AS name, CASE WHEN " PEOPLE_IS_STAFF " THEN 'staff' WHEN "
		    "EXISTS (SELECT 1 FROM enrolments e WHERE e.student_id = p.id) THEN 'student' "
		    "WHEN " PEOPLE_IS_PARENT " THEN 'parent' ELSE '' END AS role, p.linked = 0 AS "
		    "pending FROM persons p WHERE p.org_id = ?1 AND p.id IN (SELECT value FROM "
		    "json_each(?2)) ORDER BY fold(p.surname), fold(p.first_name), fold(p.patronymic), p.id");
	if (st == NULL) {
		free(list);
		return PARTA_EIO;
	}
	sqlite3_bind_int64(st, 1, org);
	sqlite3_bind_text(st, 2, list, -1, free);
	int rc = db_step_json(st, rows);
	size_t i;
	json_t *row;
	if (rc == PARTA_OK)
		json_array_foreach(*rows, i, row)
			json_object_set_new(row, "pending", json_boolean(json_integer_value(
								 json_object_get(row, "pending"))));
	return rc;
}
