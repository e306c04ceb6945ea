/* chatsync.h — the chats follow the roster (SPEC §4).
 *
 * Incremental sync: every roster change recomputes the default chats it touches (the rules of
 * core/chatrule.h), plans the difference (core/chatplan.h) and writes it in the order's own
 * transaction; the notes of changed memberships are published to online clients after the
 * commit. «Инициализировать список чатов» creates the missing default chats of the chosen
 * kinds and sets every default chat of those kinds to exactly the rule. Pending members
 * (persons without a linked messenger profile) are members in the journal and become present
 * in the messenger when activated.
 *
 * Errors: PARTA_ENOTFOUND (no such chat, load or person in the organisation), PARTA_ECONFLICT
 * (an archived chat, a load of a closed class), PARTA_EIO, PARTA_ENOMEM. */
#ifndef PARTA_APP_CHATSYNC_H
#define PARTA_APP_CHATSYNC_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/chatrule.h"
#include "../core/roster.h"
#include "app.h"

/* One change of a person's row in a chat, for the online clients. */
struct chatsync_note {
	int64_t chat_id, person;
	unsigned before, after; /* flags (core/chatplan.h) */
};

struct chatsync_notes {
	struct chatsync_note *v;
	size_t n, cap;
};

void chatsync_notes_free(struct chatsync_notes *notes);

/* After the commit: tells each person whose membership or admin role changed
 * ({"type":"chat.member","chat_id","member","admin"}) through app->publish. */
void chatsync_publish(struct app *app, const struct chatsync_notes *notes);

/* Incremental sync after a roster change, inside the caller's transaction: the chats of the
 * touched classes, the staff room when staff changed (or when it does not exist yet). Notes
 * are collected when `notes` is not NULL. */
int chatsync_roster(struct app *app, int64_t org, const struct roster *after,
		    const struct roster_touched *touched, struct chatsync_notes *notes);

/* Incremental sync of every default chat, inside the caller's transaction: after a change of
 * what the rules read besides the roster (profile, chats administrator, administrators). */
int chatsync_refresh(struct app *app, int64_t org, struct chatsync_notes *notes);

/* «Инициализировать список чатов» for the kinds (a bit set, core/chatplan.h). In its own
 * transaction; a dry run plans and changes nothing. `progress` (may be NULL) is called with
 * the chats done out of the chats to change; `notes` (may be NULL) collects the changes for
 * chatsync_publish after the commit. The summary:
 *   {"created","archived","joined","left","chats":[{"chat_id"|null,"kind","name","action",
 *    "join","leave"}]}  (action: create, keep, archive, unarchive) */
typedef void (*chatsync_progress_fn)(size_t done, size_t total, void *ctx);
int chatsync_initialize(struct app *app, int64_t org, unsigned kinds, bool dry_run,
			chatsync_progress_fn progress, void *ctx, json_t **summary,
			struct chatsync_notes *notes);

/* Changes by hand. Adding or appointing needs a person of the organisation. The _tx form runs
 * in the caller's transaction and collects notes for chatsync_publish after its commit. */
enum chatsync_hand { CHATSYNC_ADD, CHATSYNC_REMOVE, CHATSYNC_GRANT, CHATSYNC_REVOKE };
int chatsync_by_hand(struct app *app, int64_t org, int64_t chat, int64_t person,
		     enum chatsync_hand op);
int chatsync_by_hand_tx(struct app *app, int64_t org, int64_t chat, int64_t person,
			enum chatsync_hand op, struct chatsync_notes *notes);

/* Deletes a chat irrevocably (members and history), subject to the profile: in bars the
 * staff room, class and parents chats cannot be deleted (PARTA_EFORBIDDEN). The members are
 * told. A deleted default chat of an automatic kind is made anew (with its rule members) by
 * the next event that touches it or by Initialize, as the rules still want it. */
int chatsync_delete(struct app *app, int64_t org, int64_t chat);

/* The person linked (or unlinked) a messenger profile: all their pending memberships become
 * present at once (or pending again), in one transaction; *chats (may be NULL) receives the
 * ids of their chats. */
int chatsync_set_linked(struct app *app, int64_t org, int64_t person, bool linked,
			json_t **chats);
/* The same in the caller's transaction (the link itself is written there too), and the
 * notes for after its commit: to the person {"type":"chat.member","chat_id","member",
 * "linked"} per chat, to the chat's other members {"type":"chat.presence","chat_id",
 * "person_id","present"}. */
int chatsync_mark_linked(struct app *app, int64_t org, int64_t person, bool linked,
			 json_t **chats);
void chatsync_publish_linked(struct app *app, int64_t org, int64_t person, bool linked,
			     json_t *chats);

/* The default chat with this key (the staff room, a class's class or parents chat, a load's
 * subject chat), created with its rule members when missing, in the caller's transaction;
 * *existed tells whether it was there already (it is then synced like any touched chat).
 * A subject chat is named by its load (the key's class_id is read from the roster).
 * PARTA_ENOTFOUND for a class or load the rules do not know, PARTA_ECONFLICT for a closed
 * class. */
int chatsync_ensure_tx(struct app *app, int64_t org, const struct chat_key *key,
		       int64_t *chat_id, bool *existed, struct chatsync_notes *notes);

/* The subject chat of a teaching load, created with its rule members when missing (paragraf:
 * on the first video call of the load). In its own transaction. */
int chatsync_ensure_subject(struct app *app, int64_t org, int64_t load_id, int64_t *chat_id);

#endif
