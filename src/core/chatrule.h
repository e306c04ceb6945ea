/* chatrule.h — the default chats an organisation must have, computed from its roster and its
 * policy profile (SPEC §3, §4).
 *
 * One staff room per organisation; per open class a class chat and a parents chat; per
 * teaching load of an open class a subject chat. Each comes with its rule members and default
 * admins:
 *   staff room  sgo: staff holding a teaching position («Педагогический состав»), admins the
 *               organisation's administrators; bars: teaching and «Администрация» staff plus
 *               the chats administrator, who is its admin; paragraf: teaching staff, every
 *               one of them admin;
 *   class       the homeroom teacher (admin) and the enrolled students;
 *   parents     the homeroom teacher (admin) and the guardians of the enrolled students;
 *   subject     the load's teacher (admin) and the enrolled students who study it (its
 *               subgroup's students when it has one).
 * A homeroom or load teacher counts only while employed (a dismissal takes them out of every
 * chat; cancelling it brings them back). In bars the chats administrator is member and admin
 * of every chat. Names follow the profile and the organisation's terminology.
 *
 * Which chats are created when is the planner's business (chatplan.h): this module only says
 * what each chat should look like. Pure: no I/O, no clock, no globals. */
#ifndef PARTA_CORE_CHATRULE_H
#define PARTA_CORE_CHATRULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "roster.h"
#include "terms.h"

#define CHATRULE_NAME_MAX 200 /* bytes */

enum chat_kind { CHAT_STAFF = 0, CHAT_CLASS, CHAT_PARENTS, CHAT_SUBJECT, CHAT_OTHER, CHAT_KINDS };
enum chat_profile { CHAT_SGO = 0, CHAT_BARS, CHAT_PARAGRAF };

/* A stable English name of a kind ("staff", "class", "parents", "subject", "other") and back
 * (PARTA_EVALIDATION for an unknown one); the same for profiles ("sgo", "bars", "paragraf"). */
const char *chat_kind_name(enum chat_kind kind);
int chat_kind_parse(const char *name, enum chat_kind *out);
int chat_profile_parse(const char *name, enum chat_profile *out);

/* The Russian label of a kind in the management list («Учительская», «Классный чат» …). */
const char *chat_kind_label(enum chat_profile profile, bool college, enum chat_kind kind);

/* Identity of a default chat: the staff room has none but its kind; class and parents chats
 * are keyed by class, subject chats by teaching load (their class_id is the load's class). */
struct chat_key {
	enum chat_kind kind;
	int64_t class_id, load_id;
};
int chat_key_cmp(const struct chat_key *a, const struct chat_key *b);

/* What a position means for the staff room. */
struct chatrule_position {
	int64_t id;
	bool teaching;       /* position type «Педагогический состав» */
	bool administration; /* position type «Администрация» */
};

struct chatrule_subject {
	int64_t id;
	const char *name; /* borrowed */
};

/* The organisation as the rules see it; every array is borrowed. */
struct chatrule_org {
	enum chat_profile profile;
	const struct terms *terms; /* names: «Ученики» / «Студенты» */
	int64_t chats_admin;       /* bars: «Администратор чатов Сферум» (0: none) */
	const int64_t *admins;     /* persons of the organisation's administrators (sgo) */
	size_t nadmins;
	const struct chatrule_position *positions;
	size_t npositions;
	const struct chatrule_subject *subjects;
	size_t nsubjects;
};

/* Which default chats to compute: all of them, or the staff room (when `staff`) and the
 * chats of the listed classes (sorted ascending: class, parents and every subject chat of
 * the class). */
struct chatrule_scope {
	bool all;
	bool staff;
	const int64_t *class_ids;
	size_t nclass_ids;
};
bool chatrule_in_scope(const struct chatrule_scope *scope, const struct chat_key *key);

struct chatrule_member {
	int64_t person;
	bool admin;
};

struct chatrule_chat {
	struct chat_key key;
	int64_t subject_id; /* subject chats */
	int year;           /* the class's academic year; 0 for the staff room */
	char name[CHATRULE_NAME_MAX + 1];
	size_t first, n; /* its members: set->members[first .. first + n), sorted by person */
};

/* Chats sorted by key; members unique per chat. Owned by the set. */
struct chatrule_set {
	struct chatrule_chat *chats;
	size_t nchats, capchats;
	struct chatrule_member *members;
	size_t nmembers, capmembers;
};

void chatrule_set_free(struct chatrule_set *set);

/* Computes the default chats in `scope` (the chats of closed classes are not among them).
 * On PARTA_OK `out` holds them (free with chatrule_set_free); PARTA_ENOMEM leaves it empty. */
int chatrule_desired(const struct roster *r, const struct chatrule_org *org,
		     const struct chatrule_scope *scope, struct chatrule_set *out);

/* The desired chat with this key, or NULL. */
const struct chatrule_chat *chatrule_find(const struct chatrule_set *set,
					  const struct chat_key *key);

#endif
