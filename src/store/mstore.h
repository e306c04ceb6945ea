/* mstore.h — chat messages and each chat's event log (migration 12). Runs inside the caller's
 * transaction. JSON results are new references.
 * Errors: PARTA_ENOTFOUND, PARTA_ECONFLICT (a unique key), PARTA_EIO. */
#ifndef PARTA_STORE_MSTORE_H
#define PARTA_STORE_MSTORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db.h"

/* The profile's place in a chat: its person there (the profile's account in the chat's
 * organisation), that person's member flags (0: no row), whether the chat is archived.
 * PARTA_ENOTFOUND when the chat does not exist or the profile has no account in its
 * organisation. */
struct mstore_seat {
	int64_t org, person;
	unsigned flags;
	bool archived;
};
int mstore_seat(struct db *db, int64_t chat, int64_t profile, struct mstore_seat *out);
/* The open chats where the profile has a seat as a member (the chats its messenger lists):
 * [{"chat_id","admin"}] by chat id. */
int mstore_seats(struct db *db, int64_t profile, json_t **out);

/* The message a profile already sent under this client id: *id, *chat (PARTA_ENOTFOUND). */
int mstore_by_client(struct db *db, int64_t profile, const char *client_id, int64_t *id,
		     int64_t *chat);

/* Every event of a chat takes the chat's next sequence number and is logged under it. */
int mstore_next_seq(struct db *db, int64_t chat, int64_t *seq);
/* Kinds: message, edit, delete, reaction, confirm, pin, unpin; `profile` is who did it
 * (the confirming profile; 0 where the message says it). */
int mstore_log(struct db *db, int64_t chat, int64_t seq, const char *kind, int64_t message,
	       int64_t profile, int64_t now);
int mstore_insert(struct db *db, int64_t chat, int64_t seq, int64_t person, int64_t profile,
		  const char *client_id, const char *text, int64_t reply_to,
		  int64_t forwarded_from, bool confirm, int64_t now, int64_t *id);
int mstore_edit(struct db *db, int64_t id, const char *text, int64_t now);
int mstore_delete(struct db *db, int64_t id, int64_t now);

/* A message's state: {"id","chat_id","seq","sender_person","sender_profile","forwarded_from",
 * "forwarded_sender" (the original's author, null), "sender_name", "text","reply_to",
 * "created_at","edited_at","deleted","reactions":{emoji: count},"reacted_by":{emoji:
 * [profile id …]},"confirm" (a read confirmation asked for),"confirmed_by":[profile id …]};
 * a deleted message's text is "". */
int mstore_message(struct db *db, int64_t id, json_t **out);
/* A system message's conference (messages.conference_id). */
int mstore_set_conference(struct db *db, int64_t message, int64_t conference);
/* The profile a system message is signed with: the person's linked profile, else the
 * installation's system profile (phone "system", which no login can name; made on first
 * use). */
int mstore_sender_profile(struct db *db, int64_t person, int64_t now, int64_t *profile);

/* Events of a chat after `after` (up to `limit`), in order:
 * [{"seq","kind","profile_id","message":{…}}] (profile_id: who confirmed, else 0). */
int mstore_events(struct db *db, int64_t chat, int64_t after, int limit, json_t **out);
/* Messages of a chat with seq < before (0: the newest), newest first, up to `limit`. */
int mstore_history(struct db *db, int64_t chat, int64_t before, int limit, json_t **out);

/* Puts (on) or takes back a profile's reaction; *changed says whether anything changed. */
int mstore_react(struct db *db, int64_t message, int64_t profile, const char *emoji, bool on,
		 bool *changed);
/* Moves the profile's read mark in a chat forward to `seq` (never back); *moved says so. */
int mstore_read(struct db *db, int64_t chat, int64_t profile, int64_t seq, bool *moved);
int mstore_last_seq(struct db *db, int64_t chat, int64_t *seq);
/* «Кто прочитал»: the profiles (other than the sender) whose read mark passed the message:
 * [{"profile_id","name"}]. */
int mstore_readers(struct db *db, int64_t message, json_t **out);

/* Moderation: until when writing is forbidden to everyone and to this person (0: not, -1:
 * for good); forbidding (until) or lifting (0) for a person, or for everyone (person 0). */
int mstore_mutes(struct db *db, int64_t chat, int64_t person, int64_t *chat_until,
		 int64_t *person_until);
int mstore_mute(struct db *db, int64_t chat, int64_t person, int64_t until);

/* Search in a chat's living messages with an FTS5 match expression, newest first. */
int mstore_search(struct db *db, int64_t chat, const char *match, int limit, json_t **out);
/* Pins of a chat (newest first), one's «важное» marks, drafts ("" deletes). */
int mstore_pin(struct db *db, int64_t chat, int64_t message, bool on, int64_t now, bool *changed);
int mstore_pins(struct db *db, int64_t chat, json_t **out);
int mstore_mark(struct db *db, int64_t profile, int64_t message, bool on);
int mstore_marks(struct db *db, int64_t profile, json_t **out);
int mstore_draft_put(struct db *db, int64_t profile, int64_t chat, const char *text, int64_t now);
/* {"text","updated_at"} ("" and 0 when none). */
int mstore_draft(struct db *db, int64_t profile, int64_t chat, json_t **out);

/* Read confirmations: one per profile (*changed false when it was there already); who
 * confirmed [{"profile_id","name","at"}] and which recipients of the chat (the sender aside)
 * did not yet [{"profile_id","name"}], by surname. */
int mstore_confirm(struct db *db, int64_t message, int64_t profile, int64_t now, bool *changed);
int mstore_confirmed(struct db *db, int64_t message, json_t **out);
int mstore_unconfirmed(struct db *db, int64_t message, json_t **out);
/* Who reacted how: [{"profile_id","name","emoji"}], by surname. */
int mstore_reactors(struct db *db, int64_t message, json_t **out);
/* The furthest read mark of the chat's other profiles (0: nobody read anything). */
int mstore_others_read(struct db *db, int64_t chat, int64_t profile, int64_t *seq);
/* A person's member flags in a chat (0: no row; core/chatplan.h chatm_member). */
int mstore_member_flags(struct db *db, int64_t chat, int64_t person, unsigned *flags);
/* The chat's mutes of members: [{"person_id","until"}] (expired ones included). */
int mstore_chat_mutes(struct db *db, int64_t chat, json_t **out);

/* The profiles that receive a chat's events: its members whose person is linked, into *out
 * (malloc'd, the caller frees it; NULL when *n is 0). */
int mstore_recipients(struct db *db, int64_t chat, int64_t **out, size_t *n);

/* Indexes for search (messages_fts) every message from id `first` on: the messages the
 * caller's transaction inserted (ids only grow, so none older is taken). One statement for a
 * whole batch, because FTS5 writes its pending terms out at every statement's savepoint. */
int mstore_index_from(struct db *db, int64_t first);

#endif
