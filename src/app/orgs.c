#include "orgs.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../core/chatrule.h"
#include "../core/err.h"
#include "../core/terms.h"
#include "../store/rstore.h"
#include "chatsync.h"

bool orgs_time_zone_valid(const char *tz)
{
	size_t len = tz ? strlen(tz) : 0;
	if (len == 0 || len > 64 || tz[0] == '/' || strstr(tz, "..") != NULL)
		return false;
	for (const char *p = tz; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || strchr("/_+-", *p) != NULL))
			return false;
	char path[128];
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tz);
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static json_t *orgs_terms_json(const struct terms *t)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "unit", t->unit, "units", t->units,
			 "students", t->students, "student", t->student, "teacher", t->teacher,
			 "homeroom", t->homeroom);
}

int orgs_get(struct app *app, int64_t org, json_t **out)
{
	int rc = rstore_org_get(app->db, org, out);
	if (rc != PARTA_OK)
		return rc;
	const struct terms *t = terms_for(json_string_value(json_object_get(*out, "type")));
	json_object_set_new(*out, "id", json_integer(org));
	json_object_set_new(*out, "terms", t ? orgs_terms_json(t) : json_null());
	return PARTA_OK;
}

/* The Russian reason why these settings are invalid, or NULL when they are valid. */
static const char *orgs_invalid(const char *type, const char *profile, const char *tz)
{
	enum chat_profile parsed;
	if (terms_for(type) == NULL)
		return "type: school, college, kindergarten или authority";
	if (chat_profile_parse(profile, &parsed) != PARTA_OK)
		return "profile: sgo, bars или paragraf";
	if (!orgs_time_zone_valid(tz))
		return "time_zone: часовой пояс базы IANA, например Europe/Moscow";
	return NULL;
}

/* The chats administrator named in `body` ("chats_admin_id": a person of the organisation or
 * null), or the current one when absent. */
static int orgs_chats_admin(struct app *app, int64_t org, json_t *body, json_t *current,
			    int64_t *out)
{
	json_t *given = json_object_get(body, "chats_admin_id");
	if (given == NULL) {
		*out = json_integer_value(json_object_get(current, "chats_admin_id"));
		return PARTA_OK;
	}
	*out = json_is_integer(given) ? json_integer_value(given) : 0;
	if (json_is_null(given))
		return PARTA_OK;
	if (*out <= 0 || rstore_owned(app->db, org, RSTORE_PERSON, *out) != PARTA_OK)
		return PARTA_EVALIDATION;
	return PARTA_OK;
}

static int orgs_update_tx(struct app *app, int64_t org, json_t *body, char *why, size_t whylen,
			  struct chatsync_notes *notes)
{
	json_t *current;
	int rc = rstore_org_get(app->db, org, &current);
	if (rc != PARTA_OK)
		return rc;
	const char *keys[] = {"type", "profile", "time_zone"};
	const char *values[3];
	for (size_t i = 0; i < 3; i++) {
		json_t *given = json_object_get(body, keys[i]);
		values[i] = json_string_value(given ? given : json_object_get(current, keys[i]));
	}
	const char *invalid = orgs_invalid(values[0], values[1], values[2]);
	int64_t chats_admin = 0;
	if (invalid == NULL && orgs_chats_admin(app, org, body, current, &chats_admin) != PARTA_OK)
		invalid = "chats_admin_id: человек этой организации или null";
	if (invalid != NULL) {
		snprintf(why, whylen, "%s", invalid);
		rc = PARTA_EVALIDATION;
	} else {
		rc = rstore_org_set(app->db, org, values[0], values[1], values[2], chats_admin);
	}
	/* The profile and the chats administrator change what the rules say. */
	if (rc == PARTA_OK)
		rc = chatsync_refresh(app, org, notes);
	json_decref(current);
	return rc;
}

int orgs_update(struct app *app, int64_t org, json_t *body, char *why, size_t whylen)
{
	struct chatsync_notes notes = {0};
	int rc = db_begin(app->db);
	if (rc != PARTA_OK)
		return rc;
	rc = orgs_update_tx(app, org, body, why, whylen, &notes);
	rc = rc == PARTA_OK ? db_commit(app->db) : (db_rollback(app->db), rc);
	if (rc == PARTA_OK)
		chatsync_publish(app, &notes);
	chatsync_notes_free(&notes);
	return rc;
}
