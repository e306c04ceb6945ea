/* cstore.h — chats in the store: the organisation as the chat rules see it, the stored default
 * chats with their member rows, applying a plan, changes by hand and the listings.
 *
 * Every function takes the organisation and touches only its rows; they run inside the
 * caller's transaction. Errors: PARTA_ENOTFOUND (no such chat or person in this
 * organisation), PARTA_EIO, PARTA_ENOMEM. JSON results are new references. */
#ifndef PARTA_STORE_CSTORE_H
#define PARTA_STORE_CSTORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/chatplan.h"
#include "../core/chatrule.h"
#include "db.h"

/* SQL for "the row makes its person a member / an admin" (core/chatplan.h chatm_member,
 * chatm_admin), over a column named flags. */
#define CSTORE_MEMBER_SQL "((flags & 4) != 0 OR ((flags & 1) != 0 AND (flags & 16) = 0))"
#define CSTORE_ADMIN_SQL                                                                        \
	"(" CSTORE_MEMBER_SQL " AND ((flags & 8) != 0 OR ((flags & 2) != 0 AND (flags & 32) = 0)))"

/* The organisation's side of the rules; `rules` points into the rest. */
struct cstore_org {
	struct chatrule_org rules;
	char type[16];
	int64_t *admins;
	struct chatrule_position *positions;
	struct chatrule_subject *subjects;
	char *names; /* the subjects' names, one block */
};
int cstore_org_load(struct db *db, int64_t org, struct cstore_org *out);
void cstore_org_free(struct cstore_org *o);

/* The stored default chats whose key is in `scope` (for scope->all every default chat), with
 * their rows, sorted as core/chatplan.h expects. */
struct cstore_actual {
	struct chatplan_actual view; /* points into the arrays below */
	struct chatplan_stored *chats;
	size_t nchats, capchats;
	struct chatplan_row *rows;
	size_t nrows, caprows;
};
int cstore_actual_load(struct db *db, int64_t org, const struct chatrule_scope *scope,
		       struct cstore_actual *out);
void cstore_actual_free(struct cstore_actual *a);

/* PARTA_OK when the organisation has its staff room, PARTA_ENOTFOUND when not yet. */
int cstore_staff_room(struct db *db, int64_t org);

/* Writes item i of a plan: the new chat, the archival or its return, the rows. *chat_id
 * receives the chat's id (the new one for a created chat). */
int cstore_apply_item(struct db *db, int64_t org, const struct chatplan *plan, size_t i,
		      int64_t now, int64_t *chat_id);

/* One person's flags in one chat of `org` (0 when they have no row); PARTA_ENOTFOUND when
 * the chat is not the organisation's. *archived tells whether it is read-only. */
int cstore_member_get(struct db *db, int64_t org, int64_t chat, int64_t person,
		      unsigned *flags, bool *archived);
int cstore_member_set(struct db *db, int64_t chat, int64_t person, unsigned flags);

/* Marks a person as having a linked messenger profile (or not) and lists the chats where
 * they are a member (ids, as a JSON array). PARTA_ENOTFOUND for a person of another org. */
int cstore_person_link(struct db *db, int64_t org, int64_t person, bool linked, json_t **chats);

/* Deletes a chat of `org` with its members (history included); PARTA_ENOTFOUND otherwise. */
int cstore_delete(struct db *db, int64_t org, int64_t chat);

/* The organisation's chats: [{"id","kind","kind_label","name","class_id","class_name",
 * "load_id","subject_id","year","is_default","archived","members","pending","admins":[names],
 * "created_by","org_id","org_name"}], by kind and name. */
int cstore_list(struct db *db, int64_t org, json_t **out);
/* The same rows for the chats where a person of `org` is a member (archived ones last). */
int cstore_person_chats(struct db *db, int64_t org, int64_t person, json_t **out);
/* The open chats of every organisation where a journal account linked to the messenger
 * profile has its person as a member, by organisation; with "last_seq", the profile's
 * "read_seq", "unread" (others' messages after it) and "last_message" {id,text,created_at} or
 * null. */
int cstore_profile_chats(struct db *db, int64_t profile, json_t **out);
/* One chat's rows: [{"person_id","name","flags","member","admin","pending","verified",
 * "origin"}] by surname, origin being rule, chats_admin (bars), manual or excluded; verified:
 * a linked employee. Only members unless `all_rows`. */
int cstore_members(struct db *db, int64_t org, int64_t chat, bool all_rows, json_t **out);
/* A page of «Управление чатами»: the chats of `org` filtered by kind (NULL: every kind), a
 * part of the name and the start of a member's surname (both folded by core/utf8.h utf8_fold;
 * NULL: no filter); every chat when `all`, otherwise those `viewer` admins, made, or that
 * belong to an open class they lead (core/chatperm.h chatperm_view). Rows as in cstore_list
 * plus "viewer_admin"; *total counts every match. Archived chats come last. */
enum cstore_sort { CSTORE_SORT_KIND = 0, CSTORE_SORT_NAME, CSTORE_SORT_NAME_DESC };
struct cstore_page_filter {
	const char *kind, *name, *surname;
	bool all;
	int64_t viewer;
	enum cstore_sort sort;
	int64_t page, per_page; /* page from 1 */
};
int cstore_page(struct db *db, int64_t org, const struct cstore_page_filter *f, int64_t *total,
		json_t **out);

/* A chat made by hand (not a default one, so the rules never touch it); *id its id.
 * PARTA_EIO otherwise. */
int cstore_insert_manual(struct db *db, int64_t org, enum chat_kind kind, int64_t class_id,
			 int64_t subject_id, int year, const char *name, int64_t created_by,
			 int64_t now, int64_t *id);
/* Renames a chat of `org`; PARTA_ENOTFOUND when there is none. */
int cstore_rename(struct db *db, int64_t org, int64_t chat, const char *name);

/* One chat as in cstore_list; PARTA_ENOTFOUND when it is not the organisation's. */
int cstore_chat(struct db *db, int64_t org, int64_t chat, json_t **out);

#endif
