/* chatplan.h — what must change so that the stored default chats follow the rules.
 *
 * A person's row in a chat keeps where their membership comes from, as flags: the rule
 * (member, admin), a hand (added, appointed), and the hand against the rule (a rule member
 * removed by hand or who left; a rule admin whose appointment was cancelled). Whether they
 * are a member or an admin is derived from the flags, never stored, so that
 *   - incremental sync only rewrites the rule flags: manual additions stay, and a rule member
 *     removed by hand is not re-added by unrelated events;
 *   - «Инициализировать список чатов» rewrites all flags to exactly the rule;
 * and the memberships are a function of the roster and the hand-made changes, whatever the
 * order of events (derive, don't patch).
 *
 * The planner compares desired chats (chatrule.h) with the stored ones in the same scope and
 * yields the chats to create, archive or bring back and the row flags to change. Pure. */
#ifndef PARTA_CORE_CHATPLAN_H
#define PARTA_CORE_CHATPLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chatrule.h"

enum {
	CHATM_RULE = 1,
	CHATM_RULE_ADMIN = 2,
	CHATM_MANUAL = 4,
	CHATM_MANUAL_ADMIN = 8,
	CHATM_EXCLUDED = 16,
	CHATM_ADMIN_REVOKED = 32,
};

bool chatm_member(unsigned flags);
bool chatm_admin(unsigned flags);
/* The flags after a change by hand (or by the person: leaving is a removal). Granting admin
 * to a non-member first makes them a member by hand. */
unsigned chatm_add_by_hand(unsigned flags);
unsigned chatm_remove_by_hand(unsigned flags);
unsigned chatm_grant_admin(unsigned flags);
unsigned chatm_revoke_admin(unsigned flags);

/* Kinds as bit sets: 1u << CHAT_STAFF … */
#define CHAT_KIND_BIT(k) (1u << (unsigned)(k))
/* Kinds whose missing chats every roster event creates (staff room, class, parents: all
 * profiles), and those «Инициализировать список чатов» creates (sgo adds subject chats; bars
 * makes them by hand, paragraf on the first video call of a load). */
unsigned chatplan_auto_kinds(enum chat_profile profile);
unsigned chatplan_init_kinds(enum chat_profile profile);

struct chatplan_row {
	int64_t person;
	unsigned flags;
};

/* One stored default chat with its rows (rows[first .. first + n), sorted by person). */
struct chatplan_stored {
	int64_t id;
	struct chat_key key;
	bool archived;
	size_t first, n;
};

/* The stored default chats of the scope, sorted by key; all borrowed. */
struct chatplan_actual {
	const struct chatplan_stored *chats;
	size_t nchats;
	const struct chatplan_row *rows;
};

struct chatplan_opts {
	bool initialize; /* rows become exactly the rule (hand-made changes are undone) */
	unsigned kinds;  /* kinds considered */
	unsigned create; /* kinds whose missing chats are created */
};

enum chatplan_action { CHATPLAN_KEEP, CHATPLAN_CREATE, CHATPLAN_ARCHIVE, CHATPLAN_UNARCHIVE };

struct chatplan_change {
	int64_t person;
	unsigned before, after; /* flags; 0 after: the row goes */
};

struct chatplan_item {
	enum chatplan_action action;
	int64_t chat_id;                  /* 0 when created */
	struct chat_key key;
	const struct chatrule_chat *want; /* borrowed from the desired set; NULL when archived */
	size_t first, n;                  /* changes[first .. first + n) */
	size_t joined, left;              /* effective members gained and lost */
};

/* Only chats with something to do appear. Owned by the plan. */
struct chatplan {
	struct chatplan_item *items;
	size_t nitems, capitems;
	struct chatplan_change *changes;
	size_t nchanges, capchanges;
	size_t created, archived, joined, left; /* totals */
};

void chatplan_free(struct chatplan *plan);

/* Plans `desired` against `actual`, both covering the same scope. A desired chat that is
 * stored archived comes back (a cancelled class closing); a stored chat that is no longer
 * desired is archived with its rows kept (a closed class, read-only history); the staff room
 * is never archived. On PARTA_OK `out` holds the plan; PARTA_ENOMEM leaves it empty. */
int chatplan_make(const struct chatrule_set *desired, const struct chatplan_actual *actual,
		  const struct chatplan_opts *opts, struct chatplan *out);

#endif
