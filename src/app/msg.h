/* msg.h — chat messages (SPEC §6): send (batched per loop pass, below), edit, delete, react,
 * read, forward, history, resume (msg.c); read confirmations, «кто прочитал», pins,
 * moderation, members, typing, search, «важное», drafts (msgmod.c).
 *
 * Only a member of a chat (through the profile's account in the chat's organisation) reads or
 * writes it; an archived chat is read-only. Every change takes the chat's next sequence
 * number and is published after its commit to the messenger connections of every member
 * (app->publish_profile): {"type":"message"|"message.edited"|"message.deleted","chat_id",
 * "seq","message":{…}}. A send carries the client's id: sending again with the same id
 * returns the stored message instead of a second one.
 *
 * Errors: PARTA_EVALIDATION (why says it), PARTA_ENOTFOUND (no such chat or message for this
 * profile — also for a chat it is not a member of), PARTA_EFORBIDDEN (not the sender, not an
 * admin; the edit window passed), PARTA_ECONFLICT (an archived chat), PARTA_EIO. */
#ifndef PARTA_APP_MSG_H
#define PARTA_APP_MSG_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app.h"

struct msg_result {
	json_t *message; /* the message's state; owned */
	int64_t seq;     /* the event's sequence number in its chat (0: nothing changed) */
	int64_t by;      /* a confirmation's profile, published as "profile_id" (else 0) */
	char why[160];
};
void msg_result_free(struct msg_result *r);

int msg_edit(struct app *app, int64_t profile, int64_t message, const char *text,
	     struct msg_result *out);
int msg_delete(struct app *app, int64_t profile, int64_t message, struct msg_result *out);

/* Puts (on) or takes back a reaction (an emoji, up to 16 bytes) on a message of a chat the
 * profile is in: "message.reacted" with the message's counts; nothing new when unchanged. */
int msg_react(struct app *app, int64_t profile, int64_t message, const char *emoji, bool on,
	      struct msg_result *out);
/* Moves the profile's read mark in the chat to `seq` (1..the chat's last); the members get
 * {"type":"chat.read","chat_id","profile_id","seq"} when it moved. */
int msg_read(struct app *app, int64_t profile, int64_t chat, int64_t seq);
/* «Кто прочитал» a message, for any member of its chat: {"readers":[{"profile_id","name"}],
 * "reactions":[{"profile_id","name","emoji"}],"confirm": asked for a confirmation,
 * "confirmed":[{"profile_id","name","at"}],"unconfirmed":[{"profile_id","name"}]} (the
 * lists of a message that asks for no confirmation are empty), by surname. */
int msg_readers(struct app *app, int64_t profile, int64_t message, json_t **out);
/* A message's state when the profile may read it (a member of its chat), else
 * PARTA_ENOTFOUND; *out is a new reference on success. */
int msg_get(struct app *app, int64_t profile, int64_t message, json_t **out);
/* «Подтвердить прочтение»: a member confirms a message of the chat that asks for it (not
 * their own, not deleted); once per profile — again is answered with the message and seq 0.
 * The confirmation is an event of the chat: "message.confirmed" with "profile_id", logged
 * (resume brings it). PARTA_EVALIDATION (why says it), PARTA_ENOTFOUND (no such message or
 * not a member), PARTA_ECONFLICT (an archived chat). */
int msg_confirm(struct app *app, int64_t profile, int64_t message, struct msg_result *out);

/* Forwards a message (readable by the profile) to up to 12 chats, each as an ordinary send
 * with the client id "<client_id>-<i>" and forwarded_from; *acks lists per chat
 * {"chat_id","seq","message"} or {"chat_id","error"}. */
int msg_forward(struct app *app, int64_t profile, int64_t message, const int64_t *chats,
		size_t nchats, const char *client_id, json_t **acks, char *why, size_t whylen);
/* Moderation by a chat admin: forbid writing to a member (person) or to everyone (0) for 1,
 * 8, 24 hours or for good (0), or lift it; the members get {"type":"chat.muted","chat_id",
 * "person_id","until"} (until 0: lifted, -1: for good). A muted sender's send is
 * PARTA_EFORBIDDEN saying until when; admins are not held by a mute of everyone. */
int msg_mute(struct app *app, int64_t profile, int64_t chat, int64_t person, int hours,
	     bool lift, char *why, size_t whylen);
/* A system message in a chat (a conference started), signed by a member of staff `person`
 * with their linked profile or the installation's system profile; the message names the
 * conference (clients show a join button). Once per conference. */
int msg_system(struct app *app, int64_t chat, int64_t person, int64_t conference,
	       const char *text);
/* «печатает…»: passed to the chat's other members, not stored. */
int msg_typing(struct app *app, int64_t profile, int64_t chat);

/* The chat's members by surname, with the verified and pending marks (cstore_members) and
 * each one's mute ("muted_until": 0, a time, -1 for good), the chat's mute of everyone and
 * the caller's own seat: {"members":[…],"muted_until","me":{"person_id","admin"}}. */
int msg_members(struct app *app, int64_t profile, int64_t chat, json_t **out);
/* Search in a chat: every word of q (1–200 bytes) as a prefix, newest first, up to 50. */
int msg_search(struct app *app, int64_t profile, int64_t chat, const char *q, json_t **out);
/* Pins, by the chat's admins: an event of the chat (logged, so resume brings it); the members
 * get {"type":"message.pinned","chat_id","seq","message_id","pinned","message"}; the chat's
 * pins, newest first. */
int msg_pin(struct app *app, int64_t profile, int64_t message, bool on, char *why, size_t whylen);
int msg_pins(struct app *app, int64_t profile, int64_t chat, json_t **out);
/* One's «важное» marks on messages one can read, and the list of them. */
int msg_mark(struct app *app, int64_t profile, int64_t message, bool on);
int msg_marks(struct app *app, int64_t profile, json_t **out);
/* One's draft in a chat (up to 4096 bytes; "" removes it) and reading it back. */
int msg_draft_put(struct app *app, int64_t profile, int64_t chat, const char *text);
int msg_draft(struct app *app, int64_t profile, int64_t chat, json_t **out);

/* ---- sends batched into one transaction ---- */

/* Sends received in one pass of the event loop are applied together: one transaction, each
 * send under its own savepoint (a refused one leaves the others), one commit, then every
 * sender gets its answer — acknowledgements still come only after the commit. `owner` is the
 * caller's handle of the sender (a connection); msg_queue_forget drops it when the connection
 * goes (the send is still applied; its answer has nobody to go to). Loop thread only. */
struct msg_queued {
	void *owner;
	int64_t profile, chat, reply_to;
	bool confirm;           /* the sender asks the readers to confirm it */
	char *client_id, *text; /* owned copies */
	int rc;
	struct msg_result res;
};
int msg_queue_push(struct app *app, void *owner, int64_t profile, int64_t chat,
		   const char *client_id, const char *text, int64_t reply_to, bool confirm);
void msg_queue_forget(struct app *app, void *owner);
/* Applies the queued sends and calls `answer` for each (owner NULL when it went away). */
void msg_queue_flush(struct app *app, void (*answer)(void *ctx, const struct msg_queued *q),
		     void *ctx);

/* Messages before `before` (0: the newest), newest first (limit 1..200), and how far the
 * chat's other profiles read (their furthest read mark: ✓✓ on one's own messages). */
int msg_history(struct app *app, int64_t profile, int64_t chat, int64_t before, int limit,
		json_t **out, int64_t *others_read);
/* The chat's events after `after`, in order (limit 1..1000): [{"seq","kind","profile_id",
 * "message"}]. */
int msg_events(struct app *app, int64_t profile, int64_t chat, int64_t after, int limit,
	       json_t **out);
/* For `resume`, what its chats' event logs do not hold, as the live events told it (in this
 * order): the membership the profile missed — {"type":"chat.member","chat_id","member":false,
 * "admin":false} for each stated chat that is no longer its, then {…,"member":true,"admin"}
 * for each open chat of its that was not stated —, then for each stated chat still its the
 * two mutes that concern it as they hold now, whether or not they changed (a lifted mute
 * leaves no trace): {"type":"chat.muted","chat_id","person_id","until"} for everyone
 * (person_id 0) and for its person (until 0: none or over, -1: for good). `stated` is an
 * object keyed by chat id (NULL or not an object: nothing stated); keys that name no chat
 * id (not > 0) are left out. *out: a new array; PARTA_EIO, PARTA_ENOMEM. */
int msg_resume_state(struct app *app, int64_t profile, json_t *stated, json_t **out);

#endif
