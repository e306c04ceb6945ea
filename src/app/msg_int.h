/* msg_int.h — what the two halves of the messages module (msg.c, msgmod.c) share; not for
 * other modules. Loop thread only. */
#ifndef PARTA_APP_MSG_INT_H
#define PARTA_APP_MSG_INT_H

#include "../store/mstore.h"
#include "msg.h"

/* The profile's seat in a chat it is a member of: PARTA_ENOTFOUND for a non-member (or no
 * such chat), PARTA_ECONFLICT when `writing` into an archived chat; the reason goes to
 * out->why when out is not NULL. */
int msg__seat(struct app *app, int64_t profile, int64_t chat, bool writing,
	      struct mstore_seat *seat, struct msg_result *out);
/* Sends an event (consumed: a new reference or NULL) to the messenger connections of the
 * chat's members but `except` (0: all) — after a commit, or for a passing event. */
void msg__tell(struct app *app, int64_t chat, int64_t except, json_t *ev);

/* A use case's body inside the transaction: sets *chat, fills out (seq 0: nothing new). */
typedef int (*msg__tx)(struct app *app, void *arg, int64_t *chat, struct msg_result *out);
/* Runs fn in a transaction (out zeroed first); after the commit, when out->seq is set, the
 * message is published to the chat as {"type","chat_id","seq","message"[,"profile_id"]}. */
int msg__run(struct app *app, msg__tx fn, void *arg, const char *type, struct msg_result *out);
/* An event about an existing message: the chat's next sequence number, logged with its kind
 * and who did it (`by`, 0 when the message says it). */
int msg__event(struct app *app, int64_t chat, const char *kind, int64_t message, int64_t by,
	       int64_t now, int64_t *seq);

#endif
