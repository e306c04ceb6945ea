/* orgs.h — an organisation's settings: type (school, college, kindergarten, authority), policy
 * profile (sgo, bars, paragraf), IANA time zone and the chats administrator (bars), with the
 * terminology of its type.
 *
 * orgs_get: on success *out is a new reference {"id","name","type","profile","time_zone",
 * "chats_admin_id","terms":{…}}. orgs_update applies the fields present in `body` and makes
 * the chats follow in the same transaction; PARTA_EVALIDATION with a Russian `why` for a bad
 * value (nothing changes). */
#ifndef PARTA_APP_ORGS_H
#define PARTA_APP_ORGS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"

int orgs_get(struct app *app, int64_t org, json_t **out);
int orgs_update(struct app *app, int64_t org, json_t *body, char *why, size_t whylen);

/* True when `tz` names a zone of the system's time-zone database ("Europe/Moscow"). */
bool orgs_time_zone_valid(const char *tz);

#endif
