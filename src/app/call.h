/* call.h — inside a conference's call (SPEC §7): who is in the call (presence and the
 * attendance it leaves behind), the signals the participants send each other (raised hands,
 * reactions, the chat of the call), the moderators' muting through Janus, the participant
 * list, and the attendance report the teacher reads after the lesson.
 *
 * A caller is a journal account (its roster person); a conference belongs to an organisation
 * and every function scopes it to the caller's: a conference of another organisation is
 * PARTA_ENOTFOUND, like one that does not exist. Only members of the conference
 * (conference_members) take part; the attendance report is also open to the organisation's
 * administrator.
 *
 * Attendance is kept as stays (conference_attendance): a stay opens when a participant's page
 * says it is in, its seen_at moves with every repeated "in" (the page repeats it every 30 s)
 * and it closes when the page says it left or the conference finishes. A stay not seen for
 * more than CALL_STALE_SECONDS counts as ended when it was last seen (a closed laptop).
 *
 * Events, published after their commit to the members' journal connections (docs/protocol.md):
 *   {"type":"conf.presence","conference_id","person_id","online"}   a stay opened or closed;
 *   {"type":"conf.signal","conference_id","person_id","name","kind","value","at"};
 *   {"type":"conf.moderate","conference_id","person_id","by","by_name","mid","mute"} to the
 *   muted participant.
 *
 * Errors carry a stable code and a Russian text in struct call_why:
 *   PARTA_ENOTFOUND    not_found: no such conference in the organisation, no such member;
 *   PARTA_EFORBIDDEN   forbidden: not a member, not a moderator;
 *   PARTA_EVALIDATION  validation: a bad value (which, in the text);
 *   PARTA_ECONFLICT    not_started / finished: the conference is not running; not_joined /
 *                      not_in_call: the participant to mute has no feed in the room;
 *   PARTA_EUNAVAILABLE media_unavailable: no media server configured, or it is unreachable or
 *                      answered with an error;
 *   PARTA_EIO          internal: a database failure.
 * Returned JSON is a new reference owned by the caller (NULL on failure). */
#ifndef PARTA_APP_CALL_H
#define PARTA_APP_CALL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../store/account.h"
#include "app.h"

#define CALL_STALE_SECONDS 90  /* a stay unseen this long ended when last seen */
#define CALL_CHAT_MAX_CHARS 2000
#define CALL_MID_MAX 16

struct call_why {
	char code[32];
	char text[256];
};

/* The reactions a participant may send. */
extern const char *const call_reactions[];
extern const size_t call_nreactions;

/* The caller's page is in the call (`in`: opens a stay, or refreshes the open one) or left it
 * (closes the open stay; nothing to close is success, in any state of the conference). Being
 * in is refused unless the conference is active. */
int call_presence(struct app *app, const struct account *who, int64_t conference, bool in,
		  struct call_why *why);

/* A signal to every member: kind "hand" (value "up" or "down"), "reaction" (one of
 * call_reactions) or "chat" (1..CALL_CHAT_MAX_CHARS characters of text, not only spaces).
 * Only while the conference is active. Nothing is stored. */
int call_signal(struct app *app, const struct account *who, int64_t conference,
		const char *kind, const char *value, struct call_why *why);

/* Muting one stream of a participant is split in three so that the request to Janus never
 * runs on the event loop:
 *   call_moderate_begin  (loop)   authorizes the moderator, validates, finds the room and the
 *                                 target's feed (its newest grant), fills `job`;
 *   call_moderate_run    (worker) asks Janus (touches only the job and app->media);
 *   call_moderate_finish (loop)   maps Janus's answer and tells the target.
 * `mid` is the stream's id as Janus lists it (1..CALL_MID_MAX of [A-Za-z0-9_-]). */
struct call_moderate_job {
	struct app *app;
	int64_t conference, target, by;
	char by_name[256];
	uint64_t room, feed;
	char secret[128];
	char mid[CALL_MID_MAX + 1];
	bool mute;
	int rc;             /* set by call_moderate_run */
	char media_why[200];
};
int call_moderate_begin(struct app *app, const struct account *who, int64_t conference,
			int64_t target, const char *mid, bool mute, struct call_moderate_job *job,
			struct call_why *why);
void call_moderate_run(struct call_moderate_job *job);
int call_moderate_finish(struct call_moderate_job *job, struct call_why *why);

/* {"participants":[{"person_id","name","role","moderator","online","feed"}],"person_id"}:
 * the members sorted by name, and the caller's own person; `feed` is the member's newest
 * grant's feed in the room (null before the first join), so that the page can put names on
 * Janus's publishers. Members only. */
int call_participants(struct app *app, const struct account *who, int64_t conference,
		      json_t **out, struct call_why *why);

/* {"attendance":[{"person_id","name","role","first_joined_at","last_left_at","seconds",
 * "stays"}]}: every member sorted by surname, with the time spent in the call (seconds, over
 * all stays) — those who never came with 0 and nulls. last_left_at is null while the member
 * is in the call. Moderators of the conference and the organisation's administrator. */
int call_attendance(struct app *app, const struct account *who, int64_t conference,
		    json_t **out, struct call_why *why);

/* The conference finished at `at`: closes its open stays (at `at`, or when last seen for a
 * stale one). Runs inside the caller's transaction (app/vconf) and publishes nothing.
 * PARTA_EIO on a database failure. */
int call_finish(struct app *app, int64_t conference, int64_t at);

/* Publishes `ev` (consumed; NULL is a no-op) to every member's connections, or only to
 * person `only` (0: every member). */
void call_tell(struct app *app, int64_t conference, int64_t only, json_t *ev);

#endif
