#include "orstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"

static const char *const orstore_kinds[ONEROSTER_NKINDS] = {"user", "class", "load"};

int orstore_sources(struct db *db, int64_t org, struct oneroster_source **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = db_stmt(db, "SELECT kind, source_id, local_id FROM oneroster_ids "
				       "WHERE org_id = ? ORDER BY kind, source_id");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	/* Entries and their strings grow in two buffers, joined at the end. */
	struct oneroster_source *list = NULL;
	char *text = NULL;
	size_t cap = 0, tlen = 0, tcap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 0);
		const char *sid = (const char *)sqlite3_column_text(st, 1);
		size_t len = (size_t)sqlite3_column_bytes(st, 1) + 1;
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			void *grown = realloc(list, cap * sizeof *list);
			if (grown == NULL)
				goto nomem;
			list = grown;
		}
		while (tlen + len > tcap) {
			tcap = tcap ? tcap * 2 : 4096;
			void *grown = realloc(text, tcap);
			if (grown == NULL)
				goto nomem;
			text = grown;
		}
		memcpy(text + tlen, sid, len);
		enum oneroster_kind k = ONEROSTER_USER;
		for (int i = 0; i < ONEROSTER_NKINDS; i++)
			if (strcmp(kind, orstore_kinds[i]) == 0)
				k = (enum oneroster_kind)i;
		/* The string's offset for now: text may still move. */
		list[(*n)++] = (struct oneroster_source){k, (const char *)(uintptr_t)tlen,
							 sqlite3_column_int64(st, 2)};
		tlen += len;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(list);
		free(text);
		*n = 0;
		return PARTA_EIO;
	}
	struct oneroster_source *all = malloc(*n * sizeof *all + tlen + 1);
	if (all == NULL)
		goto nomem_done;
	char *strings = (char *)(all + *n);
	if (tlen)
		memcpy(strings, text, tlen);
	for (size_t i = 0; i < *n; i++) {
		all[i] = list[i];
		all[i].source_id = strings + (uintptr_t)list[i].source_id;
	}
	free(list);
	free(text);
	*out = all;
	return PARTA_OK;
nomem:
	sqlite3_reset(st);
nomem_done:
	free(list);
	free(text);
	*n = 0;
	return PARTA_ENOMEM;
}

int orstore_source_put(struct db *db, int64_t org, enum oneroster_kind kind,
		       const char *source_id, int64_t local_id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO oneroster_ids(org_id, kind, source_id, "
				       "local_id) VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	sqlite3_bind_text(st, 2, orstore_kinds[kind], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, source_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, local_id);
	return db_step_done(st);
}

/* ---- the roster ---- */

int orstore_subjects(struct db *db, int64_t org, struct oneroster_named **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = db_stmt(db, "SELECT id, name FROM subjects WHERE org_id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	/* Two passes: count and size, then copy into one block. */
	size_t count = 0, bytes = 0;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		count++;
		bytes += (size_t)sqlite3_column_bytes(st, 1) + 1;
	}
	sqlite3_reset(st);
	if (s != SQLITE_DONE)
		return PARTA_EIO;
	struct oneroster_named *all = malloc(count * sizeof *all + bytes + 1);
	if (all == NULL)
		return PARTA_ENOMEM;
	char *text = (char *)(all + count);
	size_t i = 0;
	while (i < count && (s = sqlite3_step(st)) == SQLITE_ROW) {
		size_t len = (size_t)sqlite3_column_bytes(st, 1) + 1;
		memcpy(text, sqlite3_column_text(st, 1), len);
		all[i++] = (struct oneroster_named){text, sqlite3_column_int64(st, 0)};
		text += len;
	}
	sqlite3_reset(st);
	*out = all;
	*n = i;
	return PARTA_OK;
}

int orstore_position(struct db *db, int64_t org, const char *name, int64_t *id)
{
	*id = 0;
	sqlite3_stmt *st = db_stmt(db, "SELECT id FROM positions WHERE org_id = ? AND name = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return s == SQLITE_ROW || s == SQLITE_DONE ? PARTA_OK : PARTA_EIO;
}

int orstore_person_update(struct db *db, int64_t org, const struct oneroster_person *p,
			  bool *changed)
{
	*changed = false;
	sqlite3_stmt *st = db_stmt(
		db, "UPDATE persons SET surname = ?3, first_name = ?4, patronymic = ?5, email = ?6, "
		    "phone = ?7, birth_date = coalesce(?8, birth_date), "
		    "gender = coalesce(?9, gender) WHERE id = ?1 AND org_id = ?2 AND NOT "
		    "(surname = ?3 AND first_name = ?4 AND patronymic = ?5 AND email = ?6 AND "
		    "phone = ?7 AND birth_date = coalesce(?8, birth_date) AND "
		    "gender = coalesce(?9, gender))");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, p->id);
	sqlite3_bind_int64(st, 2, org);
	const char *text[] = {p->surname, p->first_name, p->patronymic, p->email, p->phone};
	for (int i = 0; i < 5; i++)
		sqlite3_bind_text(st, 3 + i, text[i] ? text[i] : "", -1, SQLITE_STATIC);
	if (p->birth_date)
		sqlite3_bind_text(st, 8, p->birth_date, -1, SQLITE_STATIC);
	if (p->gender)
		sqlite3_bind_text(st, 9, p->gender, -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	sqlite3_reset(st);
	if (s != SQLITE_DONE)
		return PARTA_EIO;
	*changed = sqlite3_changes(db_handle(db)) > 0;
	return PARTA_OK;
}

int orstore_count_numbers(struct db *db, int64_t org, const char *prefix, int64_t *n)
{
	*n = 0;
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM orders WHERE org_id = ? AND "
				       "substr(number, 1, length(?2)) = ?2");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, org);
	sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return s == SQLITE_ROW ? PARTA_OK : PARTA_EIO;
}

int orstore_person_name(struct db *db, int64_t org, int64_t id, char *out, size_t len)
{
	out[0] = '\0';
	sqlite3_stmt *st = db_stmt(db, "SELECT surname || ' ' || first_name FROM persons "
				       "WHERE id = ? AND org_id = ?");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, org);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		snprintf(out, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return s == SQLITE_ROW || s == SQLITE_DONE ? PARTA_OK : PARTA_EIO;
}
