/* msg.h — chat messages (SPEC §6), first part: send, edit, delete, history, resume.
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
	int64_t seq;     /* the event's sequence number in its chat */
	char why[160];
};
void msg_result_free(struct msg_result *r);

int msg_send(struct app *app, int64_t profile, int64_t chat, const char *client_id,
	     const char *text, int64_t reply_to, struct msg_result *out);
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
/* «Кто прочитал» a message: [{"profile_id","name"}]. */
int msg_readers(struct app *app, int64_t profile, int64_t message, json_t **out);

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
/* «печатает…»: passed to the chat's other members, not stored. */
int msg_typing(struct app *app, int64_t profile, int64_t chat);

/* Messages before `before` (0: the newest), newest first (limit 1..200). */
int msg_history(struct app *app, int64_t profile, int64_t chat, int64_t before, int limit,
		json_t **out);
/* The chat's events after `after`, in order (limit 1..1000): [{"seq","kind","message"}]. */
int msg_events(struct app *app, int64_t profile, int64_t chat, int64_t after, int limit,
	       json_t **out);

#endif
