/* vconf.h — distance lessons and video conferences (SPEC §7): the registry
 * («Видеоконференции»), «Дистанционный урок» of the class journal, joining, and the
 * scheduler that starts and ends them at their times (rules: core/vconf.h).
 *
 * Who may do what:
 *   - create, edit, delete a video call or online lesson in the registry: whoever may edit
 *     the chat's members in «Управление чатами» (core/chatperm.h); a distance lesson from the
 *     journal: the teacher of the lesson's subject while the lesson has not ended;
 *   - start early, end early («Закончить видеоконференцию»), edit, delete: the conference's
 *     moderators and those who may edit its chat;
 *   - see a conference and join it: its members (and the managers, who see every one).
 * Times are local to the organisation's time zone in requests ("date", "start", "end") and
 * Unix seconds in answers ("starts_at", "ends_at").
 *
 * Errors: PARTA_EFORBIDDEN, PARTA_ENOTFOUND, PARTA_EVALIDATION and PARTA_ECONFLICT with a
 * Russian reason in `why` (and, for PARTA_ECONFLICT, a stable code in `code`: "exists",
 * "ended", "not_started", "finished", "active"), PARTA_EUNAVAILABLE (no media server or no
 * room yet), PARTA_EIO, PARTA_ENOMEM. JSON results are new references owned by the caller.
 * Loop thread only. */
#ifndef PARTA_APP_VCONF_H
#define PARTA_APP_VCONF_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app.h"
#include "chatman.h"

struct vconf_why {
	char code[24];
	char text[256];
};

/* {"conferences":[…],"can_create":bool} for conferences starting in [from, to). */
int vconf_list(struct app *app, const struct chatman_actor *a, int64_t from, int64_t to,
	       json_t **out);
/* {"conference":{…,"date","start","end"},"members":[…],"can":{"edit","end","join"}} */
int vconf_get(struct app *app, const struct chatman_actor *a, int64_t id, json_t **out);

/* The registry's form: {"kind","name"?,"chat_id","lesson_id"?,"date"?,"start"?,"end"?,
 * "members"?:[person ids]} — date and times default to the lesson's; members default to
 * whom the conference takes from the chat (core/vconf.h vconf_takes) and must be among
 * them; the organisation's chats administrator joins as staff. */
int vconf_create(struct app *app, const struct chatman_actor *a, json_t *body, json_t **out,
		 struct vconf_why *why);
/* «Изменить»: name, date, start, end, members (a planned conference; an active one only its
 * end and name). */
int vconf_update(struct app *app, const struct chatman_actor *a, int64_t id, json_t *body,
		 json_t **out, struct vconf_why *why);
int vconf_delete(struct app *app, const struct chatman_actor *a, int64_t id,
		 struct vconf_why *why);
/* Starts a planned conference now / ends an active (or planned) one now. */
int vconf_start_now(struct app *app, const struct chatman_actor *a, int64_t id,
		    struct vconf_why *why);
int vconf_end_now(struct app *app, const struct chatman_actor *a, int64_t id,
		  struct vconf_why *why);

/* What the registry's form pre-fills from a chat: {"chat":{"id","name","kind"},"members":
 * [{"person_id","name","role"}]} for the kind. */
int vconf_chat_people(struct app *app, const struct chatman_actor *a, int64_t chat,
		      const char *kind, json_t **out, struct vconf_why *why);

/* The class journal's lesson page: {"lesson":{…,"period"},"distance":{…}|null,"can":{
 * "create","ended"},"default_name"}. */
int vconf_lesson_page(struct app *app, const struct chatman_actor *a, int64_t lesson,
		      json_t **out);
/* «Создать» of «Настройки дистанционного урока»: {"name"?} (default «Урок по предмету …»). */
int vconf_lesson_create(struct app *app, const struct chatman_actor *a, int64_t lesson,
			json_t *body, json_t **out, struct vconf_why *why);

/* The diary: the student's lessons in the week of `date` (Monday to Sunday) with their
 * distance lessons: {"student_id","students":[{"id","name"}],"week":{"from","to"},"days":
 * [{"date","lessons":[{…,"distance":{"id","state","can_join"}|null}]}]}. For the student,
 * their guardians and the managers (`student` 0: the caller, or their first child; the
 * students are those the caller reads as themself or a guardian); can_join only for a
 * member while the lesson runs. */
int vconf_diary(struct app *app, const struct chatman_actor *a, int64_t student,
		const char *date, json_t **out);


/* ---- the scheduler (the shell drives it; app/media.h calls run on workers) ---- */

/* Every room: at most this many publish at once, each at most this many bits per second
 * (a class of 30 with cameras on, within a school uplink). */
#define VCONF_ROOM_PUBLISHERS 30
#define VCONF_ROOM_BITRATE 512000

/* Work on a room for a worker: create it, destroy it, or take an expired grant's token off
 * its allowed list (a grant is short-lived: whoever joined stays, nobody enters with it
 * later). */
enum vconf_room_op { VCONF_ROOM_CREATE, VCONF_ROOM_DESTROY, VCONF_ROOM_REVOKE, VCONF_ROOM_ALLOW };
struct vconf_room {
	enum vconf_room_op op;
	int64_t conference;
	uint64_t room;
	char secret[65], pin[33], name[801], token[49];
};
struct vconf_rooms {
	struct vconf_room *v;
	size_t n, cap;
};
void vconf_rooms_free(struct vconf_rooms *r);

/* Does a room's work through app/media.h (on a worker: it waits for Janus). */
struct media;
int vconf_room_run(const struct media *m, const struct vconf_room *room, char *why,
		   size_t whylen);

/* A join grant for the acting member (see docs/openapi.yaml), in three steps so that the
 * request to Janus runs on a worker: begin checks the member and the window and prepares a
 * fresh token (VCONF_ROOM_ALLOW in job->room); vconf_room_run puts it on the room's allowed
 * list; finish (rc from that) stores the grant and answers. A room Janus no longer has
 * (Janus restarted) is marked missing, so that the next tick makes it again. finish frees
 * the job; after a failed begin there is nothing to free. */
struct vconf_join {
	struct vconf_rooms room; /* one */
	int64_t org, person, feed;
	bool moderator;
};
int vconf_join_begin(struct app *app, const struct chatman_actor *a, int64_t id,
		     struct vconf_join *job, struct vconf_why *why);
int vconf_join_finish(struct app *app, struct vconf_join *job, int rc, const char *why_media,
		      json_t **out, struct vconf_why *why);

/* Applies the due transitions at app_now() (each in its own transaction: planned →
 * active, → finished), tells the members, posts the system message of a start, and
 * collects the rooms to create (active without a room) and to destroy (finished) and the
 * expired grants to revoke. At most
 * a batch of each kind per call, so that a region's 08:00 does not hold the loop: *more
 * says another call should follow at once. Called once a second, after the clock moved,
 * and at start-up (after vconf_startup). */
int vconf_tick(struct app *app, struct vconf_rooms *rooms, bool *more);
/* At start-up: every room is forgotten (Janus keeps them in memory), so that the next tick
 * creates the rooms of the active conferences again. */
int vconf_startup(struct app *app);
/* The outcome of a room's work (rc from app/media.h). */
void vconf_room_done(struct app *app, const struct vconf_room *room, int rc, const char *why);

#endif
