/* msgrule.h — the rules of a chat message (SPEC §6): text, the edit window, who may delete,
 * mutes, read confirmations, the size of «Избранное». Pure. */
#ifndef PARTA_CORE_MSGRULE_H
#define PARTA_CORE_MSGRULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MSG_TEXT_MAX 4096          /* bytes */
#define MSG_CLIENT_ID_MAX 64       /* bytes of a client's command id */
#define MSG_EDIT_WINDOW (24 * 3600) /* one's own message can be edited for a day */

/* PARTA_EVALIDATION (a Russian reason in why) for an empty, over-long or non-UTF-8 text, or
 * one with control characters other than tab, LF and CR (core/utf8.h). */
int msgrule_text(const char *text, char *why, size_t whylen);
/* A client id: 1..64 bytes of [A-Za-z0-9_-]. */
bool msgrule_client_id(const char *id);

/* The sender edits their own message, not deleted, within the window. */
bool msgrule_may_edit(int64_t sender, int64_t me, int64_t created_at, int64_t now, bool deleted);
/* The sender deletes their own «для всех» at any time; a chat admin deletes any. */
bool msgrule_may_delete(int64_t sender, int64_t me, bool chat_admin);

/* Moderation: writing is forbidden while `until` is -1 (for good) or after `now`. The chat's
 * admins may forbid for 1, 8 or 24 hours, or for good (hours 0): the `until` for that, or
 * PARTA_EVALIDATION for another span. */
bool msgrule_muted(int64_t until, int64_t now);
int msgrule_mute_until(int hours, int64_t now, int64_t *until);

/* What is left of a mute at `now`: `until` while it holds (-1: for good), 0 once over. */
int64_t msgrule_mute_left(int64_t until, int64_t now);

#define MSG_FORWARD_MAX 12 /* chats one message is forwarded to at once */

/* A read confirmation («Подтвердить прочтение»): a member confirms a message that asks for
 * one, is not deleted and is not their own. PARTA_OK, or PARTA_EVALIDATION with a Russian
 * reason in why (when not NULL). Confirming twice is not an error here: the store keeps one
 * confirmation per profile. */
int msgrule_may_confirm(bool requested, bool deleted, int64_t sender, int64_t me, char *why,
			size_t whylen);

/* «Избранное»: at most this many entries per profile; a page of the list holds 1..200. */
#define MSG_SAVED_MAX 10000
#define MSG_SAVED_PAGE_MAX 200
/* PARTA_OK when another entry fits beside `count` existing ones; PARTA_ECONFLICT with a
 * Russian reason otherwise. */
int msgrule_saved_room(int64_t count, char *why, size_t whylen);

#endif
