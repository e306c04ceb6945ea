#include "orgs.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../core/err.h"
#include "../core/terms.h"
#include "../store/rstore.h"

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
	static const char *const profiles[] = {"sgo", "bars", "paragraf"};
	if (terms_for(type) == NULL)
		return "type: school, college, kindergarten или authority";
	bool profile_ok = false;
	for (size_t i = 0; profile && i < 3; i++)
		profile_ok = profile_ok || strcmp(profile, profiles[i]) == 0;
	if (!profile_ok)
		return "profile: sgo, bars или paragraf";
	if (!orgs_time_zone_valid(tz))
		return "time_zone: часовой пояс базы IANA, например Europe/Moscow";
	return NULL;
}

int orgs_update(struct app *app, int64_t org, json_t *body, char *why, size_t whylen)
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
	if (invalid != NULL) {
		snprintf(why, whylen, "%s", invalid);
		rc = PARTA_EVALIDATION;
	} else {
		rc = rstore_org_set(app->db, org, values[0], values[1], values[2]);
	}
	json_decref(current);
	return rc;
}
