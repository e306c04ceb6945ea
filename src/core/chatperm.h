/* chatperm.h — who may do what in «Управление чатами» (SPEC §5), decided from plain facts.
 *
 *   manager          the organisation's administrator, or staff whose rights group grants the
 *                    right: sgo and paragraf «Управление чатами» (every action); bars the
 *                    «Сферум» rights, one per action (view, add = create and initialize, edit =
 *                    members and admins, delete). Managers act on every chat.
 *   homeroom teacher creates class and parents chats of the classes they lead and subject
 *                    chats for those classes.
 *   subject teacher  creates subject chats only, for a class where they teach, and only with
 *                    students who study their subjects.
 *   chat admin       changes the members and admins of that chat only.
 *   creator          deletes a chat they made by hand (not a default one).
 *   student, parent  nothing: the management screen is staff only.
 * The profile's deletion rule applies to everyone: in bars the staff room, class and parents
 * chats cannot be deleted. Pure: no I/O, no clock, no globals. */
#ifndef PARTA_CORE_CHATPERM_H
#define PARTA_CORE_CHATPERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chatrule.h"
#include "roster.h"

/* Organisation-wide powers a manager holds. */
enum {
	CHATPERM_VIEW = 1,   /* see every chat in the management list */
	CHATPERM_CREATE = 2, /* create any chat; «Инициализировать список чатов» */
	CHATPERM_EDIT = 4,   /* members and admins of any chat */
	CHATPERM_DELETE = 8, /* delete any chat (subject to the profile) */
	CHATPERM_ALL = 15
};

/* The powers that a person's right codes (core/rights.h) grant under a profile. */
unsigned chatperm_from_rights(enum chat_profile profile, const char *const *codes, size_t n);

struct chatperm_actor {
	int64_t person;      /* 0: an account without a person */
	bool staff;          /* an employee's account (administrator or staff) */
	unsigned powers;     /* CHATPERM_* (CHATPERM_ALL for the organisation's administrator) */
	const struct roster *roster; /* the organisation's current roster */
};

/* The chat being acted on. */
struct chatperm_chat {
	enum chat_kind kind;
	int64_t class_id;   /* 0: none */
	bool is_default;    /* made by the rules */
	int64_t created_by; /* person who made it by hand, 0 */
	bool actor_admin;   /* the actor is an admin of this chat */
};

/* The management screen at all (staff only). */
bool chatperm_screen(const struct chatperm_actor *a);
/* Whether every chat appears in the actor's management list: a manager who may view, edit or
 * delete any chat. */
bool chatperm_view_all(const struct chatperm_actor *a);
/* Whether the chat appears in the actor's management list: every chat for chatperm_view_all;
 * otherwise chats they admin, made, or that belong to an open class they lead. */
bool chatperm_view(const struct chatperm_actor *a, const struct chatperm_chat *c);
bool chatperm_initialize(const struct chatperm_actor *a);
/* Members and admins of the chat. */
bool chatperm_edit(const struct chatperm_actor *a, const struct chatperm_chat *c);
bool chatperm_delete(const struct chatperm_actor *a, enum chat_profile profile,
		     const struct chatperm_chat *c);

/* A chat to be created by hand: its kind and class (class 0 for staff and other), the
 * subject of a subject chat (0: any), and every member it would get but the actor. */
struct chatperm_new {
	enum chat_kind kind;
	int64_t class_id, subject_id;
	const int64_t *others;
	size_t nothers;
};
/* Whether the actor may create it. */
bool chatperm_create(const struct chatperm_actor *a, const struct chatperm_new *n);
/* Whether the actor may create some chat of this kind at all (the kinds offered by «Добавить»). */
bool chatperm_create_kind(const struct chatperm_actor *a, enum chat_kind kind);

/* Whether the person studies one of the teacher's subjects: enrolled and in a load of the
 * teacher (its subgroup when it has one). */
bool chatperm_teaches(const struct roster *r, int64_t teacher, int64_t student);
/* Whether the person leads this open class. */
bool chatperm_leads(const struct roster *r, int64_t person, int64_t class_id);

#endif
