#include "rstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/vec.h"

static int rstore_exists(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return PARTA_OK;
	return rc == SQLITE_DONE ? PARTA_ENOTFOUND : PARTA_EIO;
}

int rstore_owned(struct db *db, int64_t org, enum rstore_ref kind, int64_t id)
{
	static const char *const sql[] = {
		[RSTORE_PERSON] = "SELECT 1 FROM persons WHERE id = ? AND org_id = ?",
		[RSTORE_SUBJECT] = "SELECT 1 FROM subjects WHERE id = ? AND org_id = ?",
		[RSTORE_POSITION] = "SELECT 1 FROM positions WHERE id = ? AND org_id = ?",
		[RSTORE_CLASS] = "SELECT 1 FROM roster_ids WHERE id = ? AND org_id = ? AND kind = 'class'",
		[RSTORE_LOAD] = "SELECT 1 FROM roster_ids WHERE id = ? AND org_id = ? AND kind = 'load'",
		[RSTORE_RIGHTS_GROUP] = "SELECT 1 FROM rights_groups WHERE id = ? AND org_id = ?",
	};
	sqlite3_stmt *st = db_stmt(db, sql[kind]);
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, org);
	return rstore_exists(st);
}

int rstore_alloc_id(struct db *db, int64_t org, enum rstore_ref kind, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO roster_ids(org_id, kind) VALUES (?, ?)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	sqlite3_bind_text(st, 2, kind == RSTORE_CLASS ? "class" : "load", -1, SQLITE_STATIC);
	int rc = db_step_done(st);
	if (rc == PARTA_OK)
		*id = sqlite3_last_insert_rowid(db_handle(db));
	return rc;
}

int rstore_person_insert(struct db *db, int64_t org, const struct rstore_person *p, int64_t now,
			 int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO persons(org_id, surname, first_name, "
				       "patronymic, birth_date, gender, phone, email, created_at) "
				       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	const char *fields[] = {p->surname, p->first_name, p->patronymic, p->birth_date,
				p->gender,  p->phone,	   p->email};
	for (int i = 0; i < 7; i++)
		sqlite3_bind_text(st, i + 2, fields[i] ? fields[i] : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, now);
	int rc = db_step_done(st);
	if (rc == PARTA_OK)
		*id = sqlite3_last_insert_rowid(db_handle(db));
	return rc;
}

int rstore_named_insert(struct db *db, int64_t org, enum rstore_ref kind, const char *name,
			const char *position_type, int64_t rights_group, int64_t *id)
{
	sqlite3_stmt *st =
		kind == RSTORE_SUBJECT
			? db_stmt(db, "INSERT INTO subjects(org_id, name) VALUES (?, ?)")
			: db_stmt(db, "INSERT INTO positions(org_id, name, position_type, "
				      "rights_group_id) VALUES (?, ?, ?, nullif(?, 0))");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if (kind == RSTORE_POSITION) {
		sqlite3_bind_text(st, 3, position_type, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, rights_group);
	}
	int rc = db_step_done(st);
	if (rc == PARTA_OK)
		*id = sqlite3_last_insert_rowid(db_handle(db));
	return rc;
}

int rstore_rights_group_insert(struct db *db, int64_t org, const char *name,
			       const char *const *codes, size_t ncodes, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO rights_groups(org_id, name) VALUES (?, ?)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	int rc = db_step_done(st);
	if (rc != PARTA_OK)
		return rc;
	*id = sqlite3_last_insert_rowid(db_handle(db));
	for (size_t i = 0; i < ncodes && rc == PARTA_OK; i++) {
		st = db_stmt(db, "INSERT OR IGNORE INTO rights_group_rights(group_id, right_code) "
				 "VALUES (?, ?)");
		if (st == NULL)
			return PARTA_EIO;
		sqlite3_bind_int64(st, 1, *id);
		sqlite3_bind_text(st, 2, codes[i], -1, SQLITE_STATIC);
		rc = db_step_done(st);
	}
	return rc;
}

int rstore_person_rights(struct db *db, int64_t org, int64_t person, json_t **out)
{
	*out = json_array();
	sqlite3_stmt *st = db_stmt(db, "SELECT DISTINCT r.right_code FROM staff s "
				       "JOIN positions p ON p.id = s.position_id "
				       "JOIN rights_group_rights r ON r.group_id = p.rights_group_id "
				       "WHERE s.org_id = ? AND s.person_id = ? ORDER BY r.right_code");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	sqlite3_bind_int64(st, 2, person);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(*out, json_string((const char *)sqlite3_column_text(st, 0)));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PARTA_OK : PARTA_EIO;
}

int rstore_active_orders(struct db *db, int64_t org, json_t **out)
{
	*out = NULL;
	sqlite3_stmt *st = db_stmt(db, "SELECT id, number, payload FROM orders "
				       "WHERE org_id = ? AND status = 'applied' ORDER BY id");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	json_t *list = json_array();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *payload = json_loads((const char *)sqlite3_column_text(st, 2), 0, NULL);
		if (payload == NULL)
			break;
		json_array_append_new(list, json_pack("{s:I,s:s,s:o}", "id",
						      (json_int_t)sqlite3_column_int64(st, 0),
						      "number", sqlite3_column_text(st, 1),
						      "payload", payload));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(list);
		return PARTA_EIO;
	}
	*out = list;
	return PARTA_OK;
}

int rstore_order_insert(struct db *db, int64_t org, const char *number, const char *date,
			const char *effective_date, const char *kind, const char *payload,
			int64_t created_by, int64_t now, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO orders(org_id, number, order_date, "
				       "effective_date, kind, payload, created_by, created_at) "
				       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	sqlite3_bind_text(st, 2, number, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, effective_date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, payload, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, created_by);
	sqlite3_bind_int64(st, 8, now);
	int rc = db_step_done(st);
	if (rc == PARTA_OK)
		*id = sqlite3_last_insert_rowid(db_handle(db));
	return rc;
}

int rstore_order_status(struct db *db, int64_t org, int64_t id, char status[16])
{
	sqlite3_stmt *st = db_stmt(db, "SELECT status FROM orders WHERE id = ? AND org_id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, org);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(status, 16, "%s", sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return PARTA_OK;
	return rc == SQLITE_DONE ? PARTA_ENOTFOUND : PARTA_EIO;
}

int rstore_order_cancel(struct db *db, int64_t id, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE orders SET status = 'cancelled', cancelled_at = ? "
				       "WHERE id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	return db_step_done(st);
}

int rstore_order_numbers(struct db *db, int64_t org, const int64_t *ids, size_t n, json_t **out)
{
	*out = json_array();
	sqlite3_stmt *st = db_stmt(db, "SELECT number FROM orders WHERE id = ? AND org_id = ?");
	if (st == NULL)
		return PARTA_EIO;
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, ids[i]);
		sqlite3_bind_int64(st, 2, org);
		if (sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(
				*out, json_pack("{s:I,s:s}", "id", (json_int_t)ids[i], "number",
						sqlite3_column_text(st, 0)));
		sqlite3_reset(st);
	}
	return PARTA_OK;
}

int rstore_event_insert(struct db *db, int64_t org, int64_t order_id, const char *action,
			const struct roster_touched *touched, int64_t now, int64_t *id)
{
	json_t *ids = json_array();
	for (size_t i = 0; i < touched->nclass_ids; i++)
		json_array_append_new(ids, json_integer(touched->class_ids[i]));
	char *text = json_dumps(ids, JSON_COMPACT);
	json_decref(ids);
	if (text == NULL)
		return PARTA_ENOMEM;
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO roster_events(org_id, order_id, action, "
				       "class_ids, staff, created_at) VALUES (?, ?, ?, ?, ?, ?)");
	int rc = PARTA_EIO;
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, org);
		sqlite3_bind_int64(st, 2, order_id);
		sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 5, touched->staff);
		sqlite3_bind_int64(st, 6, now);
		rc = db_step_done(st);
		if (rc == PARTA_OK)
			*id = sqlite3_last_insert_rowid(db_handle(db));
	}
	free(text);
	return rc;
}

static int rstore_exec_org(struct db *db, const char *sql, int64_t org)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	return db_step_done(st);
}

/* Binds (org, a, b, c) as far as the statement has parameters and runs it. */
static int rstore_row(struct db *db, const char *sql, int64_t org, int64_t a, int64_t b,
		      int64_t c)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	if (st == NULL)
		return PARTA_EIO;
	int64_t v[] = {org, a, b, c};
	int n = sqlite3_bind_parameter_count(st);
	for (int i = 0; i < n && i < 4; i++)
		sqlite3_bind_int64(st, i + 1, v[i]);
	return db_step_done(st);
}

static int rstore_class_row(struct db *db, int64_t org, const struct roster_class *c)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO classes(id, org_id, name, year, parallel, "
				       "homeroom_id, open) VALUES (?, ?, ?, ?, ?, ?, ?) "
				       "ON CONFLICT(id) DO UPDATE SET name = excluded.name, "
				       "year = excluded.year, parallel = excluded.parallel, "
				       "homeroom_id = excluded.homeroom_id, open = excluded.open");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, c->id);
	sqlite3_bind_int64(st, 2, org);
	sqlite3_bind_text(st, 3, c->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, c->year);
	sqlite3_bind_int(st, 5, c->parallel);
	if (c->homeroom)
		sqlite3_bind_int64(st, 6, c->homeroom);
	else
		sqlite3_bind_null(st, 6);
	sqlite3_bind_int(st, 7, c->open);
	return db_step_done(st);
}

static int rstore_load_row(struct db *db, int64_t org, const struct roster_load *l)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO loads(id, org_id, class_id, subject_id, "
				       "teacher_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE "
				       "SET class_id = excluded.class_id, subject_id = excluded.subject_id, "
				       "teacher_id = excluded.teacher_id");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, l->id);
	sqlite3_bind_int64(st, 2, org);
	sqlite3_bind_int64(st, 3, l->class_id);
	sqlite3_bind_int64(st, 4, l->subject);
	if (l->teacher)
		sqlite3_bind_int64(st, 5, l->teacher);
	else
		sqlite3_bind_null(st, 5);
	return db_step_done(st);
}

int rstore_roster_version(struct db *db, int64_t org, int64_t *version)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT roster_version FROM orgs WHERE id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	int rc = sqlite3_step(st);
	*version = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PARTA_OK : rc == SQLITE_DONE ? PARTA_ENOTFOUND : PARTA_EIO;
}

static int rstore_roster_bump(struct db *db, int64_t org)
{
	return rstore_exec_org(db, "UPDATE orgs SET roster_version = roster_version + 1 WHERE id = ?",
			       org);
}

static int rstore_load_students(struct db *db, int64_t org, const struct roster_load *l)
{
	int rc = rstore_row(db, "DELETE FROM load_students WHERE load_id = ?2 AND load_id IN "
				"(SELECT id FROM loads WHERE org_id = ?1)",
			    org, l->id, 0, 0);
	for (size_t k = 0; k < l->nsubgroup && rc == PARTA_OK; k++)
		rc = rstore_row(db, "INSERT INTO load_students(load_id, student_id) "
				    "SELECT ?2, ?3 FROM loads WHERE org_id = ?1 AND id = ?2",
				org, l->id, l->subgroup[k], 0);
	return rc;
}

int rstore_materialize(struct db *db, int64_t org, const struct roster *r)
{
	/* Children before parents, for the foreign keys. */
	static const char *const clear[] = {
		"DELETE FROM load_students WHERE load_id IN (SELECT id FROM loads WHERE org_id = ?)",
		"DELETE FROM loads WHERE org_id = ?",
		"DELETE FROM enrolments WHERE org_id = ?",
		"DELETE FROM guardians WHERE org_id = ?",
		"DELETE FROM staff WHERE org_id = ?",
		"DELETE FROM classes WHERE org_id = ?",
	};
	int rc = rstore_roster_bump(db, org);
	for (size_t i = 0; i < sizeof clear / sizeof clear[0] && rc == PARTA_OK; i++)
		rc = rstore_exec_org(db, clear[i], org);
	for (size_t i = 0; i < r->nclasses && rc == PARTA_OK; i++)
		rc = rstore_class_row(db, org, &r->classes[i]);
	for (size_t i = 0; i < r->nenrolments && rc == PARTA_OK; i++)
		rc = rstore_row(db, "INSERT INTO enrolments(org_id, student_id, class_id) "
				    "VALUES (?, ?, ?)",
				org, r->enrolments[i].student, r->enrolments[i].class_id, 0);
	for (size_t i = 0; i < r->nstaff && rc == PARTA_OK; i++)
		rc = rstore_row(db, "INSERT INTO staff(org_id, person_id, position_id) "
				    "VALUES (?, ?, ?)",
				org, r->staff[i].person, r->staff[i].position, 0);
	for (size_t i = 0; i < r->nguardians && rc == PARTA_OK; i++)
		rc = rstore_row(db, "INSERT INTO guardians(org_id, parent_id, student_id) "
				    "VALUES (?, ?, ?)",
				org, r->guardians[i].parent, r->guardians[i].student, 0);
	for (size_t i = 0; i < r->nloads && rc == PARTA_OK; i++) {
		const struct roster_load *l = &r->loads[i];
		rc = rstore_load_row(db, org, l);
		if (rc == PARTA_OK)
			rc = rstore_load_students(db, org, l);
	}
	return rc;
}

int rstore_apply_changes(struct db *db, int64_t org, const struct roster_changes *c)
{
	int rc = rstore_roster_bump(db, org);
	/* Children before parents when deleting, parents before children when writing. */
	for (size_t i = 0; i < c->nload_del && rc == PARTA_OK; i++) {
		rc = rstore_row(db, "DELETE FROM load_students WHERE load_id = ?2 AND load_id IN "
				    "(SELECT id FROM loads WHERE org_id = ?1)",
				org, c->load_del[i], 0, 0);
		if (rc == PARTA_OK)
			rc = rstore_row(db, "DELETE FROM loads WHERE org_id = ? AND id = ?", org,
					c->load_del[i], 0, 0);
	}
	for (size_t i = 0; i < c->nenrol_del && rc == PARTA_OK; i++)
		rc = rstore_row(db, "DELETE FROM enrolments WHERE org_id = ? AND student_id = ?", org,
				c->enrol_del[i], 0, 0);
	for (size_t i = 0; i < c->nguard_del && rc == PARTA_OK; i++)
		rc = rstore_row(db, "DELETE FROM guardians WHERE org_id = ? AND parent_id = ? "
				    "AND student_id = ?",
				org, c->guard_del[i].parent, c->guard_del[i].student, 0);
	for (size_t i = 0; i < c->nstaff_del && rc == PARTA_OK; i++)
		rc = rstore_row(db, "DELETE FROM staff WHERE org_id = ? AND person_id = ? "
				    "AND position_id = ?",
				org, c->staff_del[i].person, c->staff_del[i].position, 0);
	for (size_t i = 0; i < c->nclass_put && rc == PARTA_OK; i++)
		rc = rstore_class_row(db, org, c->class_put[i]);
	for (size_t i = 0; i < c->nenrol_put && rc == PARTA_OK; i++)
		rc = rstore_row(db, "INSERT INTO enrolments(org_id, student_id, class_id) "
				    "VALUES (?, ?, ?) ON CONFLICT(student_id) DO UPDATE "
				    "SET class_id = excluded.class_id",
				org, c->enrol_put[i].student, c->enrol_put[i].class_id, 0);
	for (size_t i = 0; i < c->nstaff_add && rc == PARTA_OK; i++)
		rc = rstore_row(db, "INSERT INTO staff(org_id, person_id, position_id) "
				    "VALUES (?, ?, ?)",
				org, c->staff_add[i].person, c->staff_add[i].position, 0);
	for (size_t i = 0; i < c->nguard_add && rc == PARTA_OK; i++)
		rc = rstore_row(db, "INSERT INTO guardians(org_id, parent_id, student_id) "
				    "VALUES (?, ?, ?)",
				org, c->guard_add[i].parent, c->guard_add[i].student, 0);
	for (size_t i = 0; i < c->nload_put && rc == PARTA_OK; i++) {
		rc = rstore_load_row(db, org, c->load_put[i]);
		if (rc == PARTA_OK)
			rc = rstore_load_students(db, org, c->load_put[i]);
	}
	for (size_t i = 0; i < c->nclass_del && rc == PARTA_OK; i++)
		rc = rstore_row(db, "DELETE FROM classes WHERE org_id = ? AND id = ?", org,
				c->class_del[i], 0, 0);
	return rc;
}

#define RSTORE_PUSH(r, field) \
	vec_reserve((void **)&(r)->field, &(r)->cap##field, (r)->n##field + 1, sizeof *(r)->field)

/* Steps `st` (bound to org) and hands each row to `row`; PARTA_EIO on a step error. */
static int rstore_each(sqlite3_stmt *st, int64_t org, struct roster *r,
		       int (*row)(sqlite3_stmt *, struct roster *))
{
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	int rc = PARTA_OK, step;
	while (rc == PARTA_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = row(st, r);
	if (rc == PARTA_OK && step != SQLITE_DONE)
		rc = PARTA_EIO;
	sqlite3_reset(st);
	return rc;
}

static int rstore_class_in(sqlite3_stmt *st, struct roster *r)
{
	if (RSTORE_PUSH(r, classes) != PARTA_OK)
		return PARTA_ENOMEM;
	struct roster_class *c = &r->classes[r->nclasses++];
	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	snprintf(c->name, sizeof c->name, "%s", (const char *)sqlite3_column_text(st, 1));
	c->year = sqlite3_column_int(st, 2);
	c->parallel = sqlite3_column_int(st, 3);
	c->homeroom = sqlite3_column_int64(st, 4);
	c->open = sqlite3_column_int(st, 5) != 0;
	return PARTA_OK;
}

static int rstore_enrolment_in(sqlite3_stmt *st, struct roster *r)
{
	if (RSTORE_PUSH(r, enrolments) != PARTA_OK)
		return PARTA_ENOMEM;
	r->enrolments[r->nenrolments++] = (struct roster_enrolment){
		sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1)};
	return PARTA_OK;
}

static int rstore_staff_in(sqlite3_stmt *st, struct roster *r)
{
	if (RSTORE_PUSH(r, staff) != PARTA_OK)
		return PARTA_ENOMEM;
	r->staff[r->nstaff++] = (struct roster_staff){sqlite3_column_int64(st, 0),
						      sqlite3_column_int64(st, 1)};
	return PARTA_OK;
}

static int rstore_guardian_in(sqlite3_stmt *st, struct roster *r)
{
	if (RSTORE_PUSH(r, guardians) != PARTA_OK)
		return PARTA_ENOMEM;
	r->guardians[r->nguardians++] = (struct roster_guardian){sqlite3_column_int64(st, 0),
								 sqlite3_column_int64(st, 1)};
	return PARTA_OK;
}

/* Loads come ordered by id with their subgroup students ordered, one row per student (or
 * one row with a NULL student for a whole-class load). */
static int rstore_load_in(sqlite3_stmt *st, struct roster *r)
{
	int64_t id = sqlite3_column_int64(st, 0);
	struct roster_load *l = r->nloads ? &r->loads[r->nloads - 1] : NULL;
	if (l == NULL || l->id != id) {
		if (RSTORE_PUSH(r, loads) != PARTA_OK)
			return PARTA_ENOMEM;
		l = &r->loads[r->nloads++];
		*l = (struct roster_load){.id = id,
					  .class_id = sqlite3_column_int64(st, 1),
					  .subject = sqlite3_column_int64(st, 2),
					  .teacher = sqlite3_column_int64(st, 3)};
	}
	if (sqlite3_column_type(st, 4) == SQLITE_NULL)
		return PARTA_OK;
	int64_t *grown = realloc(l->subgroup, (l->nsubgroup + 1) * sizeof *grown);
	if (grown == NULL)
		return PARTA_ENOMEM;
	l->subgroup = grown;
	l->subgroup[l->nsubgroup++] = sqlite3_column_int64(st, 4);
	return PARTA_OK;
}

int rstore_roster_load(struct db *db, int64_t org, struct roster *out)
{
	roster_init(out);
	int rc = rstore_each(db_stmt(db, "SELECT id, name, year, parallel, IFNULL(homeroom_id, 0), "
					 "open FROM classes WHERE org_id = ? ORDER BY id"),
			     org, out, rstore_class_in);
	if (rc == PARTA_OK)
		rc = rstore_each(db_stmt(db, "SELECT student_id, class_id FROM enrolments "
					     "WHERE org_id = ? ORDER BY student_id"),
				 org, out, rstore_enrolment_in);
	if (rc == PARTA_OK)
		rc = rstore_each(db_stmt(db, "SELECT person_id, position_id FROM staff "
					     "WHERE org_id = ? ORDER BY person_id, position_id"),
				 org, out, rstore_staff_in);
	if (rc == PARTA_OK)
		rc = rstore_each(db_stmt(db, "SELECT parent_id, student_id FROM guardians "
					     "WHERE org_id = ? ORDER BY parent_id, student_id"),
				 org, out, rstore_guardian_in);
	if (rc == PARTA_OK)
		rc = rstore_each(db_stmt(db, "SELECT l.id, l.class_id, l.subject_id, "
					     "IFNULL(l.teacher_id, 0), s.student_id FROM loads l "
					     "LEFT JOIN load_students s ON s.load_id = l.id "
					     "WHERE l.org_id = ? ORDER BY l.id, s.student_id"),
				 org, out, rstore_load_in);
	if (rc != PARTA_OK)
		roster_free(out);
	return rc;
}

/* A listing bound to (org[, after]). */
static int rstore_rows_json(struct db *db, const char *sql, int64_t org, int64_t after,
			    json_t **out)
{
	const int64_t args[] = {org, after};
	return db_rows_json(db, sql, args, 2, out);
}

int rstore_list(struct db *db, int64_t org, const char *what, json_t **out)
{
	static const struct {
		const char *what, *sql;
	} lists[] = {
		{"persons", "SELECT id, surname, first_name, patronymic, birth_date, gender, phone, "
			    "email FROM persons WHERE org_id = ? ORDER BY surname, first_name, id"},
		{"subjects", "SELECT id, name FROM subjects WHERE org_id = ? ORDER BY name"},
		{"positions", "SELECT id, name, position_type, rights_group_id FROM positions "
			      "WHERE org_id = ? ORDER BY name"},
		{"rights_groups", "SELECT g.id, g.name, (SELECT json_group_array(right_code) FROM "
				  "(SELECT right_code FROM rights_group_rights WHERE group_id = g.id "
				  "ORDER BY right_code)) AS rights FROM rights_groups g "
				  "WHERE g.org_id = ? ORDER BY g.name"},
		{"classes", "SELECT id, name, year, parallel, homeroom_id, open FROM classes "
			    "WHERE org_id = ? ORDER BY year, parallel, name"},
		{"enrolments", "SELECT student_id, class_id FROM enrolments WHERE org_id = ? "
			       "ORDER BY class_id, student_id"},
		{"staff", "SELECT person_id, position_id FROM staff WHERE org_id = ? "
			  "ORDER BY person_id, position_id"},
		{"guardians", "SELECT parent_id, student_id FROM guardians WHERE org_id = ? "
			      "ORDER BY student_id, parent_id"},
		{"loads", "SELECT l.id, l.class_id, l.subject_id, l.teacher_id, "
			  "(SELECT json_group_array(student_id) FROM load_students s "
			  " WHERE s.load_id = l.id) AS subgroup FROM loads l WHERE l.org_id = ? "
			  "ORDER BY l.id"},
		{"orders", "SELECT id, number, order_date, effective_date, kind, payload, status, "
			   "created_at, cancelled_at FROM orders WHERE org_id = ? ORDER BY id"},
	};
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		if (strcmp(lists[i].what, what) != 0)
			continue;
		int rc = rstore_rows_json(db, lists[i].sql, org, 0, out);
		if (rc == PARTA_OK && strcmp(what, "rights_groups") == 0)
			db_parse_json_column(*out, "rights");
		return rc;
	}
	return PARTA_ENOTFOUND;
}

int rstore_events(struct db *db, int64_t org, int64_t after, json_t **out)
{
	return rstore_rows_json(db,
				"SELECT id, order_id, action, class_ids, staff, created_at "
				"FROM roster_events WHERE org_id = ? AND id > ? ORDER BY id LIMIT 1000",
				org, after, out);
}

int rstore_org_get(struct db *db, int64_t org, json_t **out)
{
	json_t *rows;
	int rc = rstore_rows_json(db,
				  "SELECT name, type, profile, time_zone, chats_admin_id FROM orgs "
				  "WHERE id = ?",
				  org, 0, &rows);
	if (rc != PARTA_OK)
		return rc;
	if (json_array_size(rows) != 1) {
		json_decref(rows);
		return PARTA_ENOTFOUND;
	}
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return PARTA_OK;
}

int rstore_org_set(struct db *db, int64_t org, const char *type, const char *profile,
		   const char *time_zone, int64_t chats_admin)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE orgs SET type = ?, profile = ?, time_zone = ?, "
				       "chats_admin_id = ? WHERE id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, profile, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, time_zone, -1, SQLITE_STATIC);
	if (chats_admin)
		sqlite3_bind_int64(st, 4, chats_admin);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_int64(st, 5, org);
	return db_step_done(st);
}

int rstore_org_empty(struct db *db, int64_t org)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT (SELECT count(*) FROM persons WHERE org_id = ?1) + "
				       "(SELECT count(*) FROM subjects WHERE org_id = ?1) + "
				       "(SELECT count(*) FROM positions WHERE org_id = ?1) + "
				       "(SELECT count(*) FROM orders WHERE org_id = ?1)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	int rc = sqlite3_step(st);
	int64_t n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	if (n < 0)
		return PARTA_EIO;
	return n == 0 ? PARTA_OK : PARTA_ECONFLICT;
}

int rstore_lesson_insert(struct db *db, int64_t org, const struct rstore_lesson *l, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO lessons(org_id, class_id, subject_id, "
				       "teacher_id, date, start, end, topic) "
				       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	sqlite3_bind_int64(st, 2, l->class_id);
	sqlite3_bind_int64(st, 3, l->subject_id);
	sqlite3_bind_int64(st, 4, l->teacher_id);
	sqlite3_bind_text(st, 5, l->date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, l->start, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, l->end, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, l->topic ? l->topic : "", -1, SQLITE_STATIC);
	int rc = db_step_done(st);
	if (rc == PARTA_OK)
		*id = sqlite3_last_insert_rowid(db_handle(db));
	return rc;
}

int rstore_lesson_delete(struct db *db, int64_t org, int64_t id)
{
	int rc = rstore_row(db, "DELETE FROM lessons WHERE org_id = ?1 AND id = ?2", org, id, 0, 0);
	if (rc != PARTA_OK)
		return rc;
	return sqlite3_changes(db_handle(db)) == 1 ? PARTA_OK : PARTA_ENOTFOUND;
}

int rstore_lessons(struct db *db, int64_t org, const char *from, const char *to, json_t **out)
{
	*out = NULL;
	sqlite3_stmt *st = db_stmt(db, "SELECT id, class_id, subject_id, teacher_id, date, start, "
				       "end, topic FROM lessons WHERE org_id = ?1 "
				       "AND (?2 = '' OR date >= ?2) AND (?3 = '' OR date <= ?3) "
				       "ORDER BY date, start, id");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
	json_t *list = json_array();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(
			list, json_pack("{s:I,s:I,s:I,s:I,s:s,s:s,s:s,s:s}", "id",
					(json_int_t)sqlite3_column_int64(st, 0), "class_id",
					(json_int_t)sqlite3_column_int64(st, 1), "subject_id",
					(json_int_t)sqlite3_column_int64(st, 2), "teacher_id",
					(json_int_t)sqlite3_column_int64(st, 3), "date",
					sqlite3_column_text(st, 4), "start", sqlite3_column_text(st, 5),
					"end", sqlite3_column_text(st, 6), "topic",
					sqlite3_column_text(st, 7)));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(list);
		return PARTA_EIO;
	}
	*out = list;
	return PARTA_OK;
}

int rstore_demo_people(struct db *db, int64_t org, int64_t ids[5], char names[5][200])
{
	static const char *const sql[5] = {
		"SELECT s.person_id FROM staff s JOIN positions p ON p.id = s.position_id "
		"WHERE s.org_id = ?1 AND p.name = 'Директор' ORDER BY s.person_id LIMIT 1",
		"SELECT homeroom_id FROM classes WHERE org_id = ?1 AND open = 1 AND homeroom_id "
		"IS NOT NULL ORDER BY parallel DESC, name LIMIT 1",
		"SELECT l.teacher_id FROM loads l WHERE l.org_id = ?1 AND l.teacher_id IS NOT NULL "
		"AND l.teacher_id != ?2 ORDER BY l.teacher_id IN (SELECT homeroom_id FROM classes "
		"WHERE org_id = ?1 AND homeroom_id IS NOT NULL), l.id LIMIT 1",
		"SELECT e.student_id FROM enrolments e JOIN classes c ON c.id = e.class_id "
		"WHERE e.org_id = ?1 AND c.homeroom_id = ?2 ORDER BY e.student_id LIMIT 1",
		"SELECT parent_id FROM guardians WHERE org_id = ?1 AND student_id = ?2 "
		"ORDER BY parent_id LIMIT 1",
	};
	/* Each query takes the organisation and the previous answer that it depends on. */
	static const int depends[5] = {-1, -1, 1, 1, 3};
	for (int i = 0; i < 5; i++) {
		sqlite3_stmt *st = db_stmt(db, sql[i]);
		if (st == NULL)
			return PARTA_EIO;
		sqlite3_bind_int64(st, 1, org);
		if (sqlite3_bind_parameter_count(st) >= 2)
			sqlite3_bind_int64(st, 2, depends[i] >= 0 ? ids[depends[i]] : 0);
		int rc = sqlite3_step(st);
		ids[i] = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
		if (ids[i] == 0)
			return rc == SQLITE_ROW || rc == SQLITE_DONE ? PARTA_ENOTFOUND : PARTA_EIO;
		sqlite3_stmt *nm = db_stmt(db, "SELECT surname || ' ' || first_name || "
					       "CASE patronymic WHEN '' THEN '' ELSE ' ' || patronymic END "
					       "FROM persons WHERE id = ?");
		if (nm == NULL)
			return PARTA_EIO;
		sqlite3_bind_int64(nm, 1, ids[i]);
		if (sqlite3_step(nm) == SQLITE_ROW)
			snprintf(names[i], 200, "%s", sqlite3_column_text(nm, 0));
		sqlite3_reset(nm);
	}
	return PARTA_OK;
}

int rstore_account_person(struct db *db, int64_t org, int64_t account, int64_t person)
{
	int rc = rstore_row(db, "UPDATE accounts SET person_id = ?3 WHERE id = ?2 AND org_id = ?1 "
				"AND ?3 IN (SELECT id FROM persons WHERE org_id = ?1)",
			    org, account, person, 0);
	if (rc != PARTA_OK)
		return rc;
	return sqlite3_changes(db_handle(db)) == 1 ? PARTA_OK : PARTA_ENOTFOUND;
}
