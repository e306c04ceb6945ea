/* vstore.h — conferences (distance lessons and video calls), their members and their system
 * messages in the database (migration 19). Every function takes the organisation where a
 * caller names a conference, so one organisation never reaches another's rows.
 *
 * Errors: PARTA_ENOTFOUND (no such row in the organisation), PARTA_ECONFLICT (a UNIQUE
 * violation: a lesson has one distance lesson), PARTA_EIO. JSON results are new references
 * owned by the caller. */
#ifndef PARTA_STORE_VSTORE_H
#define PARTA_STORE_VSTORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db.h"

struct vstore_conf {
	int64_t id, org, chat_id, lesson_id, created_by, starts_at, ends_at;
	int64_t room; /* the Janus room number */
	char kind[8], state[12], name[801], room_secret[65], room_pin[33];
	bool room_ready;
};

int vstore_insert(struct db *db, const struct vstore_conf *c, int64_t now, int64_t *id);
int vstore_load(struct db *db, int64_t org, int64_t id, struct vstore_conf *out);
/* The same for the scheduler, which acts for every organisation. */
int vstore_load_any(struct db *db, int64_t id, struct vstore_conf *out);
/* Name and times (the registry's «Изменить»). */
int vstore_update(struct db *db, const struct vstore_conf *c);
int vstore_delete(struct db *db, int64_t org, int64_t id);
/* The distance lesson of a lesson (PARTA_ENOTFOUND: none). */
int vstore_by_lesson(struct db *db, int64_t org, int64_t lesson, struct vstore_conf *out);

int vstore_member_add(struct db *db, int64_t conf, int64_t person, const char *role,
		      bool moderator);
int vstore_members_clear(struct db *db, int64_t conf);
/* PARTA_ENOTFOUND when the person is not a member. */
int vstore_member(struct db *db, int64_t conf, int64_t person, bool *moderator);
/* [{"person_id","name","role","moderator"}] sorted by surname. */
int vstore_members(struct db *db, int64_t conf, json_t **out);

/* A conference as the API shows it: {"id","kind","name","chat_id","chat_name","lesson_id",
 * "starts_at","ends_at","state","room_ready","media_error","created_by","members"
 * (a count)}. */
int vstore_get(struct db *db, int64_t org, int64_t id, json_t **out);
/* The organisation's conferences starting in [from, to), newest first, as vstore_get; only
 * those the person is a member of or created unless `all`. */
int vstore_list(struct db *db, int64_t org, int64_t person, bool all, int64_t from, int64_t to,
		json_t **out);

/* The chat's present members with their role in the organisation ("student", "staff",
 * "parent" — staff first when a person is several) and whether they administer the chat:
 * [{"person_id","role","admin"}]. */
int vstore_chat_people(struct db *db, int64_t org, int64_t chat, json_t **out);

/* Due transitions (the scheduler, in the caller's transaction): the ids of planned
 * conferences whose start has come but not their end, of planned or active ones whose end
 * has come; at most `limit` of each. */
int vstore_due(struct db *db, int64_t now, int limit, json_t **starting, json_t **ending);
/* Active conferences without a room (after a restart, or when creating it failed), but
 * those whose room is being created (media_error 'pending', set by vstore_room_result). */
int vstore_roomless(struct db *db, int limit, json_t **out);
/* state = active (started_at = now, room not ready) / finished (finished_at = now). */
int vstore_activate(struct db *db, int64_t id, int64_t now);
int vstore_finish(struct db *db, int64_t id, int64_t now);
/* The room's state: ready, or not with why ("pending" while it is being created, else the
 * error of the last try). */
int vstore_room_result(struct db *db, int64_t id, bool ready, const char *error);
/* Forgets every room of an active conference (at start-up: Janus keeps rooms in memory
 * only, and a creation in flight died with the process). */
int vstore_rooms_reset(struct db *db);

/* A lesson of the timetable with its class, subject and teacher: {"id","class_id",
 * "class_name","subject_id","subject_name","teacher_id","teacher_name","date","start","end",
 * "topic","load_id" (the teaching load of this class, subject and teacher, 0: none)}. */
int vstore_lesson(struct db *db, int64_t org, int64_t lesson, json_t **out);
/* Whether the person teaches the subject in the class (a load of theirs). */
int vstore_teaches(struct db *db, int64_t org, int64_t class_id, int64_t subject_id,
		   int64_t person, bool *out);

/* «Классный журнал»: the classes and subjects the person teaches (every load's when `all`):
 * [{"class_id","class_name","parallel","subject_id","subject_name"}] without repeats. */
int vstore_journal_loads(struct db *db, int64_t org, int64_t person, bool all, json_t **out);
/* The lessons of a class in a subject by date: [{"id","date","start","end","topic",
 * "teacher_id","teacher_name","distance_id","distance_state"}]. */
int vstore_journal_lessons(struct db *db, int64_t org, int64_t class_id, int64_t subject_id,
			   json_t **out);
/* A student's lessons from date `from` to `to` (inclusive, "YYYY-MM-DD") with the distance
 * lesson of each (null when none): [{"id","date","start","end","subject_name","topic",
 * "distance_id","distance_state","distance_starts_at","distance_ends_at",
 * "distance_member"}] — distance_member says whether `viewer` may join it. */
int vstore_diary(struct db *db, int64_t org, int64_t student, int64_t viewer, const char *from,
		 const char *to, json_t **out);
/* The students whose diary `viewer` reads as themself or a guardian: [{"id","name"}],
 * themself first, then children by surname. */
int vstore_diary_students(struct db *db, int64_t org, int64_t viewer, json_t **out);
/* How `viewer` relates to `student`: 's' self, 'p' a guardian, 0 neither. */
int vstore_student_relation(struct db *db, int64_t org, int64_t student, int64_t viewer,
			    char *out);

/* Grants of active conferences with a room whose time ran out and whose token is still on
 * the room's allowed list: [{"token","conference_id"}], at most `limit`. */
int vstore_grants_expired(struct db *db, int64_t now, int limit, json_t **out);
int vstore_grant_revoked(struct db *db, const char *token);

/* A join grant (conference_grants). */
int vstore_grant_insert(struct db *db, const char *token, int64_t conf, int64_t person,
			int64_t feed, int64_t now, int64_t expires);

#endif
