/* rstore.h — the roster in the store: reference data (persons, subjects, positions), orders,
 * roster events and the materialized roster tables.
 *
 * Every function takes the organisation and touches only its rows. They run inside the
 * caller's transaction. Errors: PARTA_ENOTFOUND (no such row in this organisation),
 * PARTA_ECONFLICT (a unique key), PARTA_EIO. JSON results are new references the caller
 * releases with json_decref. */
#ifndef PARTA_STORE_RSTORE_H
#define PARTA_STORE_RSTORE_H

#include <jansson.h>
#include <stdint.h>

#include "../core/roster.h"
#include "db.h"

enum rstore_ref { RSTORE_PERSON, RSTORE_SUBJECT, RSTORE_POSITION, RSTORE_CLASS, RSTORE_LOAD,
		  RSTORE_RIGHTS_GROUP };

/* PARTA_OK when the row `id` of that kind belongs to `org`. Classes and loads count as
 * belonging once their id was allocated for the organisation. */
int rstore_owned(struct db *db, int64_t org, enum rstore_ref kind, int64_t id);

/* A new id for a class or a load of `org`. */
int rstore_alloc_id(struct db *db, int64_t org, enum rstore_ref kind, int64_t *id);

struct rstore_person {
	const char *surname, *first_name, *patronymic, *birth_date, *gender, *phone, *email;
};
int rstore_person_insert(struct db *db, int64_t org, const struct rstore_person *p, int64_t now,
			 int64_t *id);
/* A subject, or a position (with its type and rights group, 0 for none). */
int rstore_named_insert(struct db *db, int64_t org, enum rstore_ref kind, const char *name,
			const char *position_type, int64_t rights_group, int64_t *id);
/* A rights group with its right codes (validated by the caller). */
int rstore_rights_group_insert(struct db *db, int64_t org, const char *name,
			       const char *const *codes, size_t ncodes, int64_t *id);
/* The distinct right codes a person has through the positions they hold, sorted. */
int rstore_person_rights(struct db *db, int64_t org, int64_t person, json_t **out);

/* The organisation's active orders in issue order: [{"id","number","payload"}]. */
int rstore_active_orders(struct db *db, int64_t org, json_t **out);

int rstore_order_insert(struct db *db, int64_t org, const char *number, const char *date,
			const char *effective_date, const char *kind, const char *payload,
			int64_t created_by, int64_t now, int64_t *id);
/* Status ("applied"/"cancelled") of an order of `org`; PARTA_ENOTFOUND otherwise. */
int rstore_order_status(struct db *db, int64_t org, int64_t id, char status[16]);
int rstore_order_cancel(struct db *db, int64_t id, int64_t now);
/* The numbers of the given orders, as a JSON array of strings, in the given order. */
int rstore_order_numbers(struct db *db, int64_t org, const int64_t *ids, size_t n, json_t **out);

int rstore_event_insert(struct db *db, int64_t org, int64_t order_id, const char *action,
			const struct roster_touched *touched, int64_t now, int64_t *id);

/* Reads the materialized roster of `org` into `out` (initialized here; free with roster_free;
 * left empty on error). */
int rstore_roster_load(struct db *db, int64_t org, struct roster *out);

/* The version of the organisation's materialized roster; rstore_apply_changes and
 * rstore_materialize bump it. */
int rstore_roster_version(struct db *db, int64_t org, int64_t *version);

/* Writes the changed rows (core/roster.h roster_changes) into the materialized roster. */
int rstore_apply_changes(struct db *db, int64_t org, const struct roster_changes *c);

/* Rewrites the materialized roster tables of `org` to hold exactly `r`. */
int rstore_materialize(struct db *db, int64_t org, const struct roster *r);

struct rstore_lesson {
	int64_t class_id, subject_id, teacher_id;
	const char *date, *start, *end, *topic;
};
int rstore_lesson_insert(struct db *db, int64_t org, const struct rstore_lesson *l, int64_t *id);
/* PARTA_ENOTFOUND when the lesson is not the organisation's. */
int rstore_lesson_delete(struct db *db, int64_t org, int64_t id);
/* Lessons with from <= date <= to ("" for no bound), by date and start. */
int rstore_lessons(struct db *db, int64_t org, const char *from, const char *to, json_t **out);

/* The organisation's settings, as {"name","type","profile","time_zone","chats_admin_id"}. */
int rstore_org_get(struct db *db, int64_t org, json_t **out);
/* Sets type, profile, time zone and the chats administrator (a person of the organisation, 0
 * for none); CHECK constraints refuse unknown values: PARTA_EIO. */
int rstore_org_set(struct db *db, int64_t org, const char *type, const char *profile,
		   const char *time_zone, int64_t chats_admin);
/* PARTA_OK when the organisation has no persons, subjects, positions or orders yet;
 * PARTA_ECONFLICT otherwise. */
int rstore_org_empty(struct db *db, int64_t org);

/* People for the demo logins: [0] the director, [1] a homeroom teacher of an older class,
 * [2] another subject teacher (one who leads no class when there is one), [3] a student of [1]'s class, [4] a parent of
 * [3]; and each one's full name. PARTA_ENOTFOUND when the roster has no such people. */
int rstore_demo_people(struct db *db, int64_t org, int64_t ids[5], char names[5][200]);
/* Links an account of `org` to a person of `org`; PARTA_ENOTFOUND otherwise. */
int rstore_account_person(struct db *db, int64_t org, int64_t account, int64_t person);

/* Listings for the API. */
int rstore_list(struct db *db, int64_t org, const char *what, json_t **out);
int rstore_events(struct db *db, int64_t org, int64_t after, json_t **out);

#endif
