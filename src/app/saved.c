#include "saved.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/msgrule.h"
#include "../store/sstore.h"
#include "msg.h"

/* Tells the owner's messenger connections (consumes ev). */
static void saved_tell(struct app *app, int64_t profile, json_t *ev)
{
	char *text = ev ? json_dumps(ev, JSON_COMPACT) : NULL;
	if (text != NULL && app->publish_profile != NULL)
		app->publish_profile(app->publish_ctx, profile, text);
	free(text);
	json_decref(ev);
}

/* A message the profile may save: readable by it and not deleted. */
static int saved_visible(struct app *app, int64_t profile, int64_t message, char *why,
			 size_t whylen)
{
	json_t *m = NULL;
	int rc = message > 0 ? msg_get(app, profile, message, &m) : PARTA_ENOTFOUND;
	if (rc == PARTA_OK && json_is_true(json_object_get(m, "deleted")))
		rc = PARTA_ENOTFOUND;
	json_decref(m);
	if (rc == PARTA_ENOTFOUND)
		snprintf(why, whylen, "Сообщение не найдено");
	return rc;
}

/* The new entry's id: a copy of the message (or the one saved before: *created false), or
 * the note, when there is room for one more. */
static int saved_make(struct app *app, int64_t profile, int64_t message, const char *text,
		      int64_t *id, bool *created, char *why, size_t whylen)
{
	int64_t count = 0;
	int rc = PARTA_OK;
	if (message != 0) { /* saved before: that copy, even once the original is deleted */
		rc = sstore_find_origin(app->db, profile, message, id);
		if (rc != PARTA_ENOTFOUND)
			return rc;
		rc = saved_visible(app, profile, message, why, whylen);
	}
	if (rc == PARTA_OK)
		rc = sstore_count(app->db, profile, &count);
	if (rc == PARTA_OK)
		rc = msgrule_saved_room(count, why, whylen);
	if (rc == PARTA_OK)
		rc = message != 0 ? sstore_copy(app->db, profile, message, app_now(app), id)
				  : sstore_note(app->db, profile, text, app_now(app), id);
	*created = rc == PARTA_OK;
	return rc;
}

/* One transaction: the entry made, read back; the owner's connections told after the commit. */
static int saved_add(struct app *app, int64_t profile, int64_t message, const char *text,
		     json_t **entry, bool *created, char *why, size_t whylen)
{
	int64_t id = 0;
	*entry = NULL;
	*created = false;
	int rc = db_begin(app->db);
	if (rc != PARTA_OK)
		return rc;
	rc = saved_make(app, profile, message, text, &id, created, why, whylen);
	if (rc == PARTA_OK)
		rc = sstore_get(app->db, profile, id, entry);
	rc = rc == PARTA_OK ? db_commit(app->db) : (db_rollback(app->db), rc);
	if (rc != PARTA_OK) {
		*created = false;
		json_decref(*entry);
		*entry = NULL;
		return rc;
	}
	if (*created)
		saved_tell(app, profile, json_pack("{s:s,s:O}", "type", "saved", "entry", *entry));
	return PARTA_OK;
}

int saved_add_message(struct app *app, int64_t profile, int64_t message, json_t **entry,
		      bool *created, char *why, size_t whylen)
{
	return saved_add(app, profile, message, NULL, entry, created, why, whylen);
}

int saved_add_note(struct app *app, int64_t profile, const char *text, json_t **entry,
		   char *why, size_t whylen)
{
	*entry = NULL;
	if (msgrule_text(text, why, whylen) != PARTA_OK)
		return PARTA_EVALIDATION;
	bool created;
	return saved_add(app, profile, 0, text, entry, &created, why, whylen);
}

int saved_list(struct app *app, int64_t profile, int64_t before, int limit, json_t **out)
{
	*out = NULL;
	if (before < 0 || limit < 1 || limit > MSG_SAVED_PAGE_MAX)
		return PARTA_EVALIDATION;
	return sstore_list(app->db, profile, before, limit, out);
}

int saved_get(struct app *app, int64_t profile, int64_t id, json_t **out)
{
	*out = NULL;
	return sstore_get(app->db, profile, id, out);
}

int saved_delete(struct app *app, int64_t profile, int64_t id)
{
	int rc = db_begin(app->db);
	if (rc != PARTA_OK)
		return rc;
	rc = sstore_delete(app->db, profile, id);
	rc = rc == PARTA_OK ? db_commit(app->db) : (db_rollback(app->db), rc);
	if (rc == PARTA_OK)
		saved_tell(app, profile,
			   json_pack("{s:s,s:I}", "type", "saved.deleted", "id", (json_int_t)id));
	return rc;
}
