/* chatman.h — «Управление чатами» (SPEC §5): the management list, a chat with its members,
 * what «Добавить новый чат» proposes, creating, editing and deleting chats by hand, and the
 * participant picker — each authorized by core/chatperm.h for the acting account.
 *
 * Errors: PARTA_EFORBIDDEN (the actor may not), PARTA_ENOTFOUND (no such chat, class, subject,
 * load or person in the organisation), PARTA_ECONFLICT (the default chat exists already; an
 * archived chat), PARTA_EVALIDATION (bad input; *why says what in Russian), PARTA_EIO,
 * PARTA_ENOMEM. JSON results are new references owned by the caller. */
#ifndef PARTA_APP_CHATMAN_H
#define PARTA_APP_CHATMAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/chatperm.h"
#include "../store/account.h"
#include "../store/cstore.h"
#include "../store/people.h"
#include "app.h"
#include "chatsync.h"

/* The acting journal account as the rules of §5 see it. */
struct chatman_actor {
	int64_t org;
	enum chat_profile profile;
	bool college;
	int64_t chats_admin; /* bars: «Администратор чатов Сферум» (0: none or another profile) */
	struct chatperm_actor perm; /* perm.roster points to `roster` */
	struct roster roster;
};
int chatman_actor_load(struct app *app, const struct account *acc, struct chatman_actor *out);
void chatman_actor_free(struct chatman_actor *a);

/* A page of the list: {"total","page","per_page","chats":[… "can_edit","can_delete"],
 * "can":{"initialize","create","create_kinds","classes":[{id,name}],"subjects":[{id,name}],
 * "me":{person_id,name,pending}|null}} — the classes and subjects «Добавить новый чат» may
 * offer the actor, and the actor as a member («Добавить себя»). `f->all` and `f->viewer` are set here. */
int chatman_list(struct app *app, const struct chatman_actor *a, struct cstore_page_filter *f,
		 json_t **out);
/* {"chat","members","can":{"edit","delete"}}; every row (excluded ones too) when `all_rows`. */
int chatman_get(struct app *app, const struct chatman_actor *a, int64_t chat, bool all_rows,
		json_t **out);

/* What «Добавить новый чат» asks for. */
struct chatman_new {
	enum chat_kind kind;
	int64_t class_id, subject_id, load_id; /* 0: not given */
	const char *name;                      /* NULL: the proposed one */
	json_t *members; /* [{"person_id","admin"}] or NULL for the proposed ones (borrowed) */
};
/* {"kind","class_id","subject_id","load_id","name","members":[{"person_id","name","role",
 * "admin","pending"}]} */
int chatman_propose(struct app *app, const struct chatman_actor *a, const struct chatman_new *n,
		    json_t **out, char *why, size_t whylen);
/* Creates it in one transaction; *out as chatman_get. */
int chatman_create(struct app *app, const struct chatman_actor *a, const struct chatman_new *n,
		   json_t **out, char *why, size_t whylen);

/* «Сохранить» of «Редактировать чат»: optional new name (not for a default chat) and lists of
 * person ids (borrowed JSON arrays or NULL), applied in this order in one transaction. */
struct chatman_edit {
	const char *name;
	json_t *add, *remove, *grant, *revoke;
};
int chatman_update(struct app *app, const struct chatman_actor *a, int64_t chat,
		   const struct chatman_edit *e, json_t **out, char *why, size_t whylen);
/* One change by hand (the per-person routes). */
int chatman_hand(struct app *app, const struct chatman_actor *a, int64_t chat, int64_t person,
		 enum chatsync_hand op);
int chatman_delete(struct app *app, const struct chatman_actor *a, int64_t chat);
/* The subject chat of a load on demand: managers, the load's teacher, the class's homeroom
 * teacher. */
int chatman_load_chat(struct app *app, const struct chatman_actor *a, int64_t load,
		      int64_t *chat);

/* The participant picker (staff only): {"total","page","per_page","people"[,"ids"]}. */
int chatman_people(struct app *app, const struct chatman_actor *a, const struct people_filter *f,
		   bool want_ids, json_t **out);

#endif
