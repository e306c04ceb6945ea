/* vconf.h — the rules of distance lessons and video conferences (SPEC §7). Pure.
 *
 * A conference is a distance lesson (kind lesson: «Онлайн-урок», tied to a lesson of the
 * timetable) or a video call (kind call: «Видеозвонок», tied to a chat only). It is planned
 * until its start, active until its end (or until it is ended early), then finished; the
 * server applies these transitions by itself (app/vconf.h). */
#ifndef PARTA_CORE_VCONF_H
#define PARTA_CORE_VCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vconf_kind { VCONF_LESSON, VCONF_CALL };
enum vconf_state { VCONF_PLANNED, VCONF_ACTIVE, VCONF_FINISHED };
enum vconf_role { VCONF_STUDENT, VCONF_STAFF, VCONF_PARENT };

#define VCONF_NAME_MAX 200 /* characters */

/* "lesson" / "call", "planned" / "active" / "finished", "student" / "staff" / "parent";
 * parse returns false for any other text. */
const char *vconf_kind_name(enum vconf_kind kind);
bool vconf_kind_parse(const char *text, enum vconf_kind *out);
const char *vconf_state_name(enum vconf_state state);
bool vconf_state_parse(const char *text, enum vconf_state *out);
const char *vconf_role_name(enum vconf_role role);
bool vconf_role_parse(const char *text, enum vconf_role *out);

/* The state due at `now`: a planned conference becomes active at its start and finished at
 * its end (straight to finished when the server was down through all of it); an active one
 * finishes at its end; a finished one stays finished. */
enum vconf_state vconf_due_state(enum vconf_state stored, int64_t starts, int64_t ends,
				 int64_t now);

/* Whether a participant may enter now («Открыть», «Перейти», the diary's icon). */
enum vconf_open { VCONF_OPEN_OK, VCONF_OPEN_NOT_STARTED, VCONF_OPEN_FINISHED };
enum vconf_open vconf_open_check(enum vconf_state stored, int64_t starts, int64_t ends,
				 int64_t now);

/* Whom a conference takes from its chat (the registry's tabs): students and staff always;
 * parents only for a video call in a parents chat. `chat_kind` as in chats.kind. */
bool vconf_takes(enum vconf_kind kind, const char *chat_kind, enum vconf_role role);

/* The registry's «Урок» field: required for an online lesson in a subject chat, not allowed
 * for a video call. NULL when `has_lesson` fits, else the Russian reason. */
const char *vconf_lesson_rule(enum vconf_kind kind, const char *chat_kind, bool has_lesson);

/* «Создать» in the class journal: only the teacher of the lesson's subject, only while the
 * lesson has not ended. */
enum vconf_create { VCONF_CREATE_OK, VCONF_CREATE_NOT_TEACHER, VCONF_CREATE_ENDED };
enum vconf_create vconf_lesson_create_check(bool teaches_subject, int64_t lesson_ends,
					    int64_t now);

/* Who may moderate a call (mute others, end it): staff who created it, teach the lesson,
 * administer the chat, or are the organisation's chats administrator. */
bool vconf_moderator(enum vconf_role role, bool creator, bool lesson_teacher, bool chat_admin,
		     bool chats_admin);

/* «Урок по предмету «{subject}» от {DD.MM.YYYY} {HH:MM}» from a date "YYYY-MM-DD" and a time
 * "HH:MM". False when it does not fit in `size` bytes or the date/time are malformed. */
bool vconf_default_name(const char *subject, const char *date, const char *start, char *out,
			size_t size);

/* A name: 1..VCONF_NAME_MAX characters of valid text, not only spaces. */
bool vconf_name_valid(const char *name);

#endif
