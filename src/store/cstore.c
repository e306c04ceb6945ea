#include "cstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/vec.h"
#include "../core/terms.h"

/* ---- the organisation ---- */

void cstore_org_free(struct cstore_org *o)
{
	free(o->admins);
	free(o->positions);
	free(o->subjects);
	free(o->names);
	memset(o, 0, sizeof *o);
}

/* The one integer a query bound to org answers (a count or a sum), to size an array. */
static int cstore_count(struct db *db, const char *sql, int64_t org, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	int rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? (size_t)sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PARTA_OK : PARTA_EIO;
}

static int cstore_org_fields(struct db *db, int64_t org, struct cstore_org *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT type, profile, IFNULL(chats_admin_id, 0) FROM orgs "
				       "WHERE id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(out->type, sizeof out->type, "%s", (const char *)sqlite3_column_text(st, 0));
		rc = chat_profile_parse((const char *)sqlite3_column_text(st, 1),
					&out->rules.profile);
		out->rules.chats_admin = sqlite3_column_int64(st, 2);
		out->rules.terms = terms_for(out->type);
		if (rc == PARTA_OK && out->rules.terms == NULL)
			rc = PARTA_EIO;
	} else {
		rc = rc == SQLITE_DONE ? PARTA_ENOTFOUND : PARTA_EIO;
	}
	sqlite3_reset(st);
	return rc == PARTA_EVALIDATION ? PARTA_EIO : rc;
}

static int cstore_org_admins(struct db *db, int64_t org, struct cstore_org *out)
{
	static const char *const count =
		"SELECT count(DISTINCT person_id) FROM accounts WHERE org_id = ? AND role = 'admin' "
		"AND person_id IS NOT NULL";
	size_t n;
	int rc = cstore_count(db, count, org, &n);
	if (rc != PARTA_OK)
		return rc;
	if ((out->admins = calloc(n + 1, sizeof *out->admins)) == NULL)
		return PARTA_ENOMEM;
	sqlite3_stmt *st = db_stmt(db, "SELECT DISTINCT person_id FROM accounts WHERE org_id = ? "
				       "AND role = 'admin' AND person_id IS NOT NULL "
				       "ORDER BY person_id");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	while (out->rules.nadmins < n && sqlite3_step(st) == SQLITE_ROW)
		out->admins[out->rules.nadmins++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	out->rules.admins = out->admins;
	return PARTA_OK;
}

static int cstore_org_positions(struct db *db, int64_t org, struct cstore_org *out)
{
	size_t n;
	int rc = cstore_count(db, "SELECT count(*) FROM positions WHERE org_id = ?", org, &n);
	if (rc != PARTA_OK)
		return rc;
	if ((out->positions = calloc(n + 1, sizeof *out->positions)) == NULL)
		return PARTA_ENOMEM;
	sqlite3_stmt *st = db_stmt(db, "SELECT id, position_type FROM positions WHERE org_id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	while (out->rules.npositions < n && sqlite3_step(st) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(st, 1);
		out->positions[out->rules.npositions++] = (struct chatrule_position){
			sqlite3_column_int64(st, 0), strcmp(type, "Педагогический состав") == 0,
			strcmp(type, "Администрация") == 0};
	}
	sqlite3_reset(st);
	out->rules.positions = out->positions;
	return PARTA_OK;
}

static int cstore_org_subjects(struct db *db, int64_t org, struct cstore_org *out)
{
	size_t n, bytes;
	int rc = cstore_count(db, "SELECT count(*) FROM subjects WHERE org_id = ?", org, &n);
	if (rc == PARTA_OK)
		rc = cstore_count(db, "SELECT IFNULL(sum(length(CAST(name AS BLOB)) + 1), 0) "
				      "FROM subjects WHERE org_id = ?",
				  org, &bytes);
	if (rc != PARTA_OK)
		return rc;
	out->subjects = calloc(n + 1, sizeof *out->subjects);
	out->names = malloc(bytes + 1);
	if (out->subjects == NULL || out->names == NULL)
		return PARTA_ENOMEM;
	sqlite3_stmt *st = db_stmt(db, "SELECT id, name FROM subjects WHERE org_id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	size_t used = 0;
	while (out->rules.nsubjects < n && sqlite3_step(st) == SQLITE_ROW) {
		size_t len = (size_t)sqlite3_column_bytes(st, 1);
		if (used + len + 1 > bytes)
			break;
		memcpy(out->names + used, sqlite3_column_text(st, 1), len + 1);
		out->subjects[out->rules.nsubjects++] =
			(struct chatrule_subject){sqlite3_column_int64(st, 0), out->names + used};
		used += len + 1;
	}
	sqlite3_reset(st);
	out->rules.subjects = out->subjects;
	return PARTA_OK;
}

int cstore_org_load(struct db *db, int64_t org, struct cstore_org *out)
{
	memset(out, 0, sizeof *out);
	int rc = cstore_org_fields(db, org, out);
	if (rc == PARTA_OK)
		rc = cstore_org_admins(db, org, out);
	if (rc == PARTA_OK)
		rc = cstore_org_positions(db, org, out);
	if (rc == PARTA_OK)
		rc = cstore_org_subjects(db, org, out);
	if (rc != PARTA_OK)
		cstore_org_free(out);
	return rc;
}

/* ---- stored default chats ---- */

void cstore_actual_free(struct cstore_actual *a)
{
	free(a->chats);
	free(a->rows);
	memset(a, 0, sizeof *a);
}

/* Appends the default chats of the statement's rows (chat columns, then person and flags,
 * ordered by chat id and person). */
static int cstore_actual_rows(sqlite3_stmt *st, struct cstore_actual *a)
{
	int rc = PARTA_OK, step;
	while (rc == PARTA_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		struct chatplan_stored *c = a->nchats ? &a->chats[a->nchats - 1] : NULL;
		if (c == NULL || c->id != id) {
			if (vec_reserve((void **)&a->chats, &a->capchats, a->nchats + 1,
					sizeof *a->chats) != PARTA_OK) {
				rc = PARTA_ENOMEM;
				break;
			}
			c = &a->chats[a->nchats++];
			memset(c, 0, sizeof *c);
			c->id = id;
			if (chat_kind_parse((const char *)sqlite3_column_text(st, 1), &c->key.kind) !=
			    PARTA_OK) {
				rc = PARTA_EIO;
				break;
			}
			c->key.class_id = sqlite3_column_int64(st, 2);
			c->key.load_id = sqlite3_column_int64(st, 3);
			c->archived = sqlite3_column_int64(st, 4) != 0;
			c->first = a->nrows;
		}
		if (sqlite3_column_type(st, 5) == SQLITE_NULL)
			continue;
		if (vec_reserve((void **)&a->rows, &a->caprows, a->nrows + 1, sizeof *a->rows) !=
		    PARTA_OK) {
			rc = PARTA_ENOMEM;
			break;
		}
		a->rows[a->nrows++] = (struct chatplan_row){sqlite3_column_int64(st, 5),
							    (unsigned)sqlite3_column_int(st, 6)};
		c->n++;
	}
	if (rc == PARTA_OK && step != SQLITE_DONE)
		rc = PARTA_EIO;
	sqlite3_reset(st);
	return rc;
}

static int stored_cmp(const void *x, const void *y)
{
	const struct chatplan_stored *a = x, *b = y;
	return chat_key_cmp(&a->key, &b->key);
}

int cstore_actual_load(struct db *db, int64_t org, const struct chatrule_scope *scope,
		       struct cstore_actual *out)
{
	memset(out, 0, sizeof *out);
	int rc = PARTA_OK;
	if (scope->all) {
		sqlite3_stmt *st = db_stmt(
			db, "SELECT c.id, c.kind, c.class_id, c.load_id, c.archived_at, m.person_id, "
			    "m.flags FROM chats c LEFT JOIN chat_members m ON m.chat_id = c.id "
			    "WHERE c.org_id = ? AND c.is_default = 1 ORDER BY c.id, m.person_id");
		if (st == NULL)
			return PARTA_EIO;
		sqlite3_bind_int64(st, 1, org);
		rc = cstore_actual_rows(st, out);
	} else {
		/* The staff room is the one default chat without a class. */
		sqlite3_stmt *st = db_stmt(
			db, "SELECT c.id, c.kind, c.class_id, c.load_id, c.archived_at, m.person_id, "
			    "m.flags FROM chats c LEFT JOIN chat_members m ON m.chat_id = c.id "
			    "WHERE c.org_id = ? AND c.class_id = ? AND c.is_default = 1 "
			    "ORDER BY c.id, m.person_id");
		if (st == NULL)
			return PARTA_EIO;
		for (size_t i = 0; rc == PARTA_OK && i <= scope->nclass_ids; i++) {
			int64_t class_id = i < scope->nclass_ids ? scope->class_ids[i] : 0;
			if (class_id == 0 && !scope->staff)
				continue;
			sqlite3_bind_int64(st, 1, org);
			sqlite3_bind_int64(st, 2, class_id);
			rc = cstore_actual_rows(st, out);
		}
	}
	if (rc == PARTA_OK && out->nchats > 1)
		qsort(out->chats, out->nchats, sizeof *out->chats, stored_cmp);
	if (rc != PARTA_OK) {
		cstore_actual_free(out);
		return rc;
	}
	out->view = (struct chatplan_actual){out->chats, out->nchats, out->rows};
	return PARTA_OK;
}

int cstore_staff_room(struct db *db, int64_t org)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM chats WHERE org_id = ? AND class_id = 0 "
				       "AND kind = 'staff' AND is_default = 1");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PARTA_OK : rc == SQLITE_DONE ? PARTA_ENOTFOUND : PARTA_EIO;
}

static int cstore_create(struct db *db, int64_t org, const struct chatplan_item *it, int64_t now,
			 int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO chats(org_id, kind, class_id, load_id, "
				       "subject_id, year, name, is_default, created_at) "
				       "VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	sqlite3_bind_text(st, 2, chat_kind_name(it->key.kind), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, it->key.class_id);
	sqlite3_bind_int64(st, 4, it->key.load_id);
	sqlite3_bind_int64(st, 5, it->want->subject_id);
	sqlite3_bind_int(st, 6, it->want->year);
	sqlite3_bind_text(st, 7, it->want->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, now);
	int rc = db_step_done(st);
	if (rc == PARTA_OK)
		*id = sqlite3_last_insert_rowid(db_handle(db));
	return rc;
}

static int cstore_archive(struct db *db, int64_t chat, int64_t at)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE chats SET archived_at = ? WHERE id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, at);
	sqlite3_bind_int64(st, 2, chat);
	return db_step_done(st);
}

int cstore_member_set(struct db *db, int64_t chat, int64_t person, unsigned flags)
{
	sqlite3_stmt *st;
	if (flags == 0) {
		st = db_stmt(db, "DELETE FROM chat_members WHERE chat_id = ? AND person_id = ?");
	} else {
		st = db_stmt(db, "INSERT INTO chat_members(chat_id, person_id, flags) VALUES (?, ?, ?) "
				 "ON CONFLICT(chat_id, person_id) DO UPDATE SET flags = excluded.flags");
	}
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, chat);
	sqlite3_bind_int64(st, 2, person);
	if (flags != 0)
		sqlite3_bind_int(st, 3, (int)flags);
	return db_step_done(st);
}

int cstore_apply_item(struct db *db, int64_t org, const struct chatplan *plan, size_t i,
		      int64_t now, int64_t *chat_id)
{
	const struct chatplan_item *it = &plan->items[i];
	*chat_id = it->chat_id;
	int rc = PARTA_OK;
	if (it->action == CHATPLAN_CREATE)
		rc = cstore_create(db, org, it, now, chat_id);
	else if (it->action == CHATPLAN_ARCHIVE)
		rc = cstore_archive(db, it->chat_id, now);
	else if (it->action == CHATPLAN_UNARCHIVE)
		rc = cstore_archive(db, it->chat_id, 0);
	for (size_t k = it->first; k < it->first + it->n && rc == PARTA_OK; k++)
		rc = cstore_member_set(db, *chat_id, plan->changes[k].person, plan->changes[k].after);
	return rc;
}

/* ---- by hand ---- */

int cstore_member_get(struct db *db, int64_t org, int64_t chat, int64_t person,
		      unsigned *flags, bool *archived)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT c.archived_at, IFNULL((SELECT flags FROM "
				       "chat_members WHERE chat_id = c.id AND person_id = ?3), 0) "
				       "FROM chats c WHERE c.id = ?1 AND c.org_id = ?2");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, chat);
	sqlite3_bind_int64(st, 2, org);
	sqlite3_bind_int64(st, 3, person);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*archived = sqlite3_column_int64(st, 0) != 0;
		*flags = (unsigned)sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PARTA_OK : rc == SQLITE_DONE ? PARTA_ENOTFOUND : PARTA_EIO;
}

int cstore_person_link(struct db *db, int64_t org, int64_t person, bool linked, json_t **chats)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE persons SET linked = ? WHERE id = ? AND org_id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int(st, 1, linked);
	sqlite3_bind_int64(st, 2, person);
	sqlite3_bind_int64(st, 3, org);
	int rc = db_step_done(st);
	if (rc == PARTA_OK && sqlite3_changes(db_handle(db)) == 0)
		return PARTA_ENOTFOUND;
	if (rc != PARTA_OK)
		return rc;
	const int64_t args[] = {person, org};
	json_t *rows;
	rc = db_rows_json(db,
			  "SELECT m.chat_id AS id FROM chat_members m JOIN chats c ON c.id = m.chat_id "
			  "WHERE m.person_id = ? AND c.org_id = ? AND " CSTORE_MEMBER_SQL
			  " ORDER BY m.chat_id",
			  args, 2, &rows);
	if (rc != PARTA_OK)
		return rc;
	*chats = json_array();
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) json_array_append(*chats, json_object_get(row, "id"));
	json_decref(rows);
	return PARTA_OK;
}

int cstore_delete(struct db *db, int64_t org, int64_t chat)
{
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM chats WHERE id = ? AND org_id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, chat);
	sqlite3_bind_int64(st, 2, org);
	int rc = db_step_done(st);
	if (rc == PARTA_OK && sqlite3_changes(db_handle(db)) == 0)
		return PARTA_ENOTFOUND;
	return rc;
}

/* ---- listings ---- */

#define CSTORE_CHAT_FIELDS                                                                      \
	"SELECT c.id, c.kind, c.name, c.class_id, c.load_id, c.subject_id, c.year, "            \
	"c.is_default, c.archived_at != 0 AS archived, "                                        \
	"(SELECT count(*) FROM chat_members WHERE chat_id = c.id AND " CSTORE_MEMBER_SQL         \
	") AS members, "                                                                        \
	"(SELECT count(*) FROM chat_members m JOIN persons p ON p.id = m.person_id "             \
	"WHERE m.chat_id = c.id AND p.linked = 0 AND " CSTORE_MEMBER_SQL ") AS pending, "       \
	"(SELECT json_group_array(name) FROM (SELECT trim(p.surname || ' ' || p.first_name || "  \
	"' ' || p.patronymic) AS name FROM chat_members m JOIN persons p ON p.id = m.person_id " \
	"WHERE m.chat_id = c.id AND " CSTORE_ADMIN_SQL " ORDER BY fold(p.surname), fold(p.first_name))) "    \
	"AS admins, c.org_id, o.name AS org_name, o.profile AS org_profile, o.type AS org_type, " \
	"IFNULL(cl.name, '') AS class_name, c.created_by "
#define CSTORE_CHAT_FROM                                                                        \
	"FROM chats c JOIN orgs o ON o.id = c.org_id LEFT JOIN classes cl ON cl.id = c.class_id "

/* Booleans as booleans, the admins' names as an array, and the profile's label of the kind
 * (the organisation's profile and type columns are dropped after use). */
static void cstore_finish_rows(json_t *rows)
{
	db_parse_json_column(rows, "admins");
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		json_object_set_new(row, "is_default",
				    json_boolean(json_integer_value(json_object_get(row, "is_default"))));
		json_object_set_new(row, "archived",
				    json_boolean(json_integer_value(json_object_get(row, "archived"))));
		enum chat_profile profile = CHAT_SGO;
		enum chat_kind kind;
		(void)chat_profile_parse(json_string_value(json_object_get(row, "org_profile")),
					 &profile);
		const char *type = json_string_value(json_object_get(row, "org_type"));
		if (chat_kind_parse(json_string_value(json_object_get(row, "kind")), &kind) == PARTA_OK)
			json_object_set_new(row, "kind_label",
					    json_string(chat_kind_label(
						    profile, type && strcmp(type, "college") == 0, kind)));
		json_object_del(row, "org_profile");
		json_object_del(row, "org_type");
	}
}

int cstore_list(struct db *db, int64_t org, json_t **out)
{
	const int64_t args[] = {org};
	int rc = db_rows_json(db,
			      CSTORE_CHAT_FIELDS CSTORE_CHAT_FROM
			      "WHERE c.org_id = ? ORDER BY c.archived_at != 0, "
						  "CASE c.kind WHEN 'staff' THEN 0 WHEN 'class' THEN 1 "
						  "WHEN 'parents' THEN 2 WHEN 'subject' THEN 3 ELSE 4 END, "
						  "c.name, c.id",
			      args, 1, out);
	if (rc == PARTA_OK)
		cstore_finish_rows(*out);
	return rc;
}

/* The management list's filter (cstore.h) as SQL over chats c, parameters numbered as
 * cstore_page binds them. */
#define CSTORE_PAGE_WHERE                                                                       \
	"WHERE c.org_id = ?1 AND (?2 IS NULL OR c.kind = ?2) "                                  \
	"AND (?3 IS NULL OR instr(fold(c.name), ?3) > 0) "                                      \
	"AND (?4 IS NULL OR c.id IN (SELECT m.chat_id FROM persons p JOIN chat_members m "       \
	"ON m.person_id = p.id WHERE p.org_id = ?1 AND instr(fold(p.surname), ?4) = 1 AND "      \
	CSTORE_MEMBER_SQL ")) "                                                                 \
	"AND (?5 OR c.created_by = ?6 OR c.id IN (SELECT chat_id FROM chat_members WHERE "       \
	"person_id = ?6 AND " CSTORE_ADMIN_SQL ") OR c.class_id IN (SELECT id FROM classes "     \
	"WHERE org_id = ?1 AND homeroom_id = ?6 AND open = 1)) "
#define CSTORE_PAGE_ORDER                                                                       \
	"ORDER BY c.archived_at != 0, CASE WHEN ?7 = 0 THEN CASE c.kind WHEN 'staff' THEN 0 "     \
	"WHEN 'class' THEN 1 WHEN 'parents' THEN 2 WHEN 'subject' THEN 3 ELSE 4 END ELSE 0 END, " \
	"CASE WHEN ?7 = 2 THEN natkey(c.name) END DESC, natkey(c.name), c.id "

static void cstore_page_bind(sqlite3_stmt *st, int64_t org, const struct cstore_page_filter *f)
{
	sqlite3_bind_int64(st, 1, org);
	db_bind_text_or_null(st, 2, f->kind);
	db_bind_text_or_null(st, 3, f->name);
	db_bind_text_or_null(st, 4, f->surname);
	sqlite3_bind_int(st, 5, f->all);
	sqlite3_bind_int64(st, 6, f->viewer);
	sqlite3_bind_int(st, 7, (int)f->sort);
}

int cstore_page(struct db *db, int64_t org, const struct cstore_page_filter *f, int64_t *total,
		json_t **out)
{
	*out = NULL;
	*total = 0;
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM chats c " CSTORE_PAGE_WHERE);
	if (st == NULL)
		return PARTA_EIO;
	cstore_page_bind(st, org, f);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*total = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (step != SQLITE_ROW)
		return PARTA_EIO;
	/* The page's ids first: the per-chat counts below then run for its rows only. */
	st = db_stmt(db, CSTORE_CHAT_FIELDS ", EXISTS (SELECT 1 FROM chat_members WHERE chat_id = "
			 "c.id AND person_id = ?6 AND " CSTORE_ADMIN_SQL ") AS viewer_admin "
			 CSTORE_CHAT_FROM "WHERE c.id IN (SELECT c.id FROM chats c " CSTORE_PAGE_WHERE
			 CSTORE_PAGE_ORDER "LIMIT ?8 OFFSET ?9) " CSTORE_PAGE_ORDER);
	if (st == NULL)
		return PARTA_EIO;
	cstore_page_bind(st, org, f);
	sqlite3_bind_int64(st, 8, f->per_page);
	sqlite3_bind_int64(st, 9, (f->page - 1) * f->per_page);
	int rc = db_step_json(st, out);
	if (rc == PARTA_OK)
		cstore_finish_rows(*out);
	return rc;
}

int cstore_insert_manual(struct db *db, int64_t org, enum chat_kind kind, int64_t class_id,
			 int64_t subject_id, int year, const char *name, int64_t created_by,
			 int64_t now, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO chats (org_id, kind, class_id, load_id, "
				       "subject_id, year, name, is_default, created_at, created_by) "
				       "VALUES (?, ?, ?, 0, ?, ?, ?, 0, ?, ?)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	sqlite3_bind_text(st, 2, chat_kind_name(kind), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, class_id);
	sqlite3_bind_int64(st, 4, subject_id);
	sqlite3_bind_int(st, 5, year);
	sqlite3_bind_text(st, 6, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 7, now);
	sqlite3_bind_int64(st, 8, created_by);
	int rc = db_step_done(st);
	if (rc == PARTA_OK)
		*id = sqlite3_last_insert_rowid(db_handle(db));
	return rc;
}

int cstore_rename(struct db *db, int64_t org, int64_t chat, const char *name)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE chats SET name = ? WHERE org_id = ? AND id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, org);
	sqlite3_bind_int64(st, 3, chat);
	int rc = db_step_done(st);
	if (rc == PARTA_OK && sqlite3_changes(db_handle(db)) == 0)
		rc = PARTA_ENOTFOUND;
	return rc;
}

int cstore_chat(struct db *db, int64_t org, int64_t chat, json_t **out)
{
	const int64_t args[] = {org, chat};
	json_t *rows;
	int rc = db_rows_json(db, CSTORE_CHAT_FIELDS CSTORE_CHAT_FROM "WHERE c.org_id = ? AND c.id = ?",
			      args, 2,
			      &rows);
	if (rc != PARTA_OK)
		return rc;
	if (json_array_size(rows) == 0) {
		json_decref(rows);
		return PARTA_ENOTFOUND;
	}
	cstore_finish_rows(rows);
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return PARTA_OK;
}

int cstore_person_chats(struct db *db, int64_t org, int64_t person, json_t **out)
{
	const int64_t args[] = {org, person};
	int rc = db_rows_json(db,
			      CSTORE_CHAT_FIELDS CSTORE_CHAT_FROM
			      "WHERE c.org_id = ?1 AND c.id IN (SELECT chat_id "
						  "FROM chat_members WHERE person_id = ?2 AND "
						  CSTORE_MEMBER_SQL ") ORDER BY c.archived_at != 0, "
						  "c.kind, c.name, c.id",
			      args, 2, out);
	if (rc == PARTA_OK)
		cstore_finish_rows(*out);
	return rc;
}

int cstore_profile_chats(struct db *db, int64_t profile, json_t **out)
{
	const int64_t args[] = {profile};
	int rc = db_rows_json(
		db,
		CSTORE_CHAT_FIELDS
		", c.last_seq, IFNULL(r.read_seq, 0) AS read_seq, (SELECT count(*) FROM messages mm "
		"WHERE mm.chat_id = c.id AND mm.deleted_at = 0 AND mm.sender_profile != ?1 AND "
		"mm.seq > IFNULL(r.read_seq, 0)) AS unread, (SELECT json_object('id', lm.id, 'text', "
		"lm.text, 'created_at', lm.created_at) FROM messages lm WHERE lm.chat_id = c.id AND "
		"lm.deleted_at = 0 ORDER BY lm.seq DESC LIMIT 1) AS last_message "
		CSTORE_CHAT_FROM "LEFT JOIN chat_reads r ON r.chat_id = c.id AND r.profile_id = ?1 "
		"WHERE c.archived_at = 0 AND c.id IN (SELECT m.chat_id FROM "
				    "chat_members m JOIN accounts a ON a.person_id = m.person_id "
				    "JOIN chats k ON k.id = m.chat_id AND k.org_id = a.org_id "
				    "WHERE a.profile_id = ?1 AND " CSTORE_MEMBER_SQL ") "
				    "ORDER BY o.name, c.org_id, c.kind, c.name, c.id",
		args, 1, out);
	if (rc != PARTA_OK)
		return rc;
	cstore_finish_rows(*out);
	size_t i;
	json_t *row;
	json_array_foreach(*out, i, row)
	{
		const char *last = json_string_value(json_object_get(row, "last_message"));
		json_t *parsed = last ? json_loads(last, 0, NULL) : NULL;
		json_object_set_new(row, "last_message", parsed ? parsed : json_null());
	}
	return PARTA_OK;
}

int cstore_members(struct db *db, int64_t org, int64_t chat, bool all_rows, json_t **out)
{
	const int64_t args[] = {org, chat, all_rows};
	int rc = db_rows_json(
		db,
		"SELECT m.person_id, trim(p.surname || ' ' || p.first_name || ' ' || p.patronymic) "
		"AS name, m.flags, p.linked = 0 AS pending, p.linked = 1 AND EXISTS (SELECT 1 "
		"FROM staff s WHERE s.person_id = m.person_id) AS verified, (SELECT o.profile = 'bars' AND "
		"o.chats_admin_id = m.person_id FROM orgs o WHERE o.id = c.org_id) AS chats_admin FROM chat_members m JOIN chats c ON c.id = m.chat_id "
		"JOIN persons p ON p.id = m.person_id WHERE c.org_id = ?1 AND m.chat_id = ?2 "
		"AND (?3 OR " CSTORE_MEMBER_SQL ") ORDER BY fold(p.surname), fold(p.first_name), p.id",
		args, 3, out);
	if (rc != PARTA_OK)
		return rc;
	size_t i;
	json_t *row;
	json_array_foreach(*out, i, row)
	{
		unsigned f = (unsigned)json_integer_value(json_object_get(row, "flags"));
		/* Where the membership comes from, for the member list. */
		bool chats_admin = json_integer_value(json_object_get(row, "chats_admin")) != 0;
		const char *origin = (f & CHATM_RULE) && !(f & CHATM_EXCLUDED)
					     ? (chats_admin ? "chats_admin" : "rule")
				     : (f & CHATM_MANUAL) ? "manual"
							  : "excluded";
		json_object_del(row, "chats_admin");
		json_object_set_new(row, "origin", json_string(origin));
		json_object_set_new(row, "member", json_boolean(chatm_member(f)));
		json_object_set_new(row, "admin", json_boolean(chatm_admin(f)));
		json_object_set_new(row, "pending", json_boolean(chatm_member(f) &&
			json_integer_value(json_object_get(row, "pending"))));
		/* A linked employee is verified staff (the «шапочка» mark, SPEC §2). */
		json_object_set_new(row, "verified",
				    json_boolean(json_integer_value(json_object_get(row, "verified"))));
	}
	return PARTA_OK;
}
