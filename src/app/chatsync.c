#include "chatsync.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/chatplan.h"
#include "../core/err.h"
#include "../core/vec.h"
#include "../store/cstore.h"
#include "../store/rstore.h"
#include "rcache.h"
#include "../util/log.h"

#define CHATSYNC_ALL_KINDS ((1u << CHAT_KINDS) - 1)

void chatsync_notes_free(struct chatsync_notes *notes)
{
	free(notes->v);
	memset(notes, 0, sizeof *notes);
}

static int chatsync_note(struct chatsync_notes *notes, int64_t chat, int64_t person,
			 unsigned before, unsigned after)
{
	if (notes == NULL ||
	    (chatm_member(before) == chatm_member(after) && chatm_admin(before) == chatm_admin(after)))
		return PARTA_OK;
	if (vec_reserve((void **)&notes->v, &notes->cap, notes->n + 1, sizeof *notes->v) !=
	    PARTA_OK)
		return PARTA_ENOMEM;
	notes->v[notes->n++] = (struct chatsync_note){chat, person, before, after};
	return PARTA_OK;
}

/* Sends one text to the person's journal connections and to the messenger connections of
 * the profiles linked to their accounts. */
static void chatsync_send_person(struct app *app, int64_t person, const char *text)
{
	if (app->publish != NULL)
		app->publish(app->publish_ctx, person, text);
	if (app->publish_profile == NULL)
		return;
	const int64_t args[] = {person};
	json_t *rows;
	if (db_rows_json(app->db, "SELECT DISTINCT profile_id FROM accounts WHERE person_id = ? "
				  "AND profile_id IS NOT NULL",
			 args, 1, &rows) != PARTA_OK)
		return;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
		app->publish_profile(app->publish_ctx,
				     json_integer_value(json_object_get(r, "profile_id")), text);
	json_decref(rows);
}

void chatsync_publish(struct app *app, const struct chatsync_notes *notes)
{
	for (size_t i = 0; app->publish != NULL && i < notes->n; i++) {
		const struct chatsync_note *n = &notes->v[i];
		json_t *msg = json_pack("{s:s,s:I,s:b,s:b}", "type", "chat.member", "chat_id",
					(json_int_t)n->chat_id, "member", chatm_member(n->after),
					"admin", chatm_admin(n->after));
		char *text = msg ? json_dumps(msg, JSON_COMPACT) : NULL;
		if (text != NULL)
			chatsync_send_person(app, n->person, text);
		free(text);
		json_decref(msg);
	}
}

/* Writes item i of a plan and notes its changes; *chat receives the chat's id. */
static int chatsync_apply_item(struct app *app, int64_t org, const struct chatplan *plan,
			       size_t i, struct chatsync_notes *notes, int64_t *chat)
{
	int rc = cstore_apply_item(app->db, org, plan, i, app_now(app), chat);
	const struct chatplan_item *it = &plan->items[i];
	for (size_t k = it->first; k < it->first + it->n && rc == PARTA_OK; k++)
		rc = chatsync_note(notes, *chat, plan->changes[k].person,
				   plan->changes[k].before, plan->changes[k].after);
	return rc;
}

/* Writes a whole plan; `progress` after each chat. The chats' ids go to ids[i] when `ids` is
 * not NULL (plan->nitems entries). */
static int chatsync_apply(struct app *app, int64_t org, const struct chatplan *plan,
			  struct chatsync_notes *notes, chatsync_progress_fn progress, void *ctx,
			  int64_t *ids)
{
	int rc = PARTA_OK;
	for (size_t i = 0; i < plan->nitems && rc == PARTA_OK; i++) {
		int64_t chat;
		rc = chatsync_apply_item(app, org, plan, i, notes, &chat);
		if (ids != NULL)
			ids[i] = chat;
		if (progress != NULL)
			progress(i + 1, plan->nitems, ctx);
	}
	return rc;
}

/* Plans `scope` against the store with `opts`. On PARTA_OK *want and *plan are the caller's
 * to free, and so is *actual when asked for (may be NULL). */
static int chatsync_plan(struct app *app, int64_t org, const struct cstore_org *ctx,
			 const struct roster *r, const struct chatrule_scope *scope,
			 const struct chatplan_opts *opts, struct chatrule_set *want,
			 struct chatplan *plan, struct cstore_actual *actual_out)
{
	struct cstore_actual actual;
	memset(plan, 0, sizeof *plan);
	int rc = chatrule_desired(r, &ctx->rules, scope, want);
	if (rc != PARTA_OK)
		return rc;
	rc = cstore_actual_load(app->db, org, scope, &actual);
	if (rc == PARTA_OK) {
		rc = chatplan_make(want, &actual.view, opts, plan);
		if (rc == PARTA_OK && actual_out != NULL)
			*actual_out = actual;
		else
			cstore_actual_free(&actual);
	}
	if (rc != PARTA_OK)
		chatrule_set_free(want);
	return rc;
}

static int chatsync_scoped(struct app *app, int64_t org, const struct roster *r,
			   const struct chatrule_scope *scope, struct chatsync_notes *notes)
{
	struct cstore_org ctx;
	int rc = cstore_org_load(app->db, org, &ctx);
	if (rc != PARTA_OK)
		return rc;
	struct chatplan_opts opts = {false, CHATSYNC_ALL_KINDS,
				     chatplan_auto_kinds(ctx.rules.profile)};
	struct chatrule_set want;
	struct chatplan plan;
	rc = chatsync_plan(app, org, &ctx, r, scope, &opts, &want, &plan, NULL);
	if (rc == PARTA_OK) {
		rc = chatsync_apply(app, org, &plan, notes, NULL, NULL, NULL);
		chatplan_free(&plan);
		chatrule_set_free(&want);
	}
	cstore_org_free(&ctx);
	return rc;
}

int chatsync_roster(struct app *app, int64_t org, const struct roster *after,
		    const struct roster_touched *touched, struct chatsync_notes *notes)
{
	struct chatrule_scope scope = {false, touched->staff, touched->class_ids,
				       touched->nclass_ids};
	if (!scope.staff) {
		/* The staff room is made by the first event, whatever it touches. */
		int rc = cstore_staff_room(app->db, org);
		if (rc != PARTA_OK && rc != PARTA_ENOTFOUND)
			return rc;
		scope.staff = rc == PARTA_ENOTFOUND;
	}
	if (!scope.staff && scope.nclass_ids == 0)
		return PARTA_OK;
	return chatsync_scoped(app, org, after, &scope, notes);
}

int chatsync_refresh(struct app *app, int64_t org, struct chatsync_notes *notes)
{
	struct roster r;
	int rc = rstore_roster_load(app->db, org, &r);
	if (rc != PARTA_OK)
		return rc;
	struct chatrule_scope all = {.all = true};
	rc = chatsync_scoped(app, org, &r, &all, notes);
	roster_free(&r);
	return rc;
}

/* ---- «Инициализировать список чатов» ---- */

/* `ids` (may be NULL) are the chats' ids after the plan was applied. */
static json_t *chatsync_summary(const struct chatplan *plan, const int64_t *ids)
{
	static const char *const actions[] = {"keep", "create", "archive", "unarchive"};
	json_t *chats = json_array();
	for (size_t i = 0; i < plan->nitems; i++) {
		const struct chatplan_item *it = &plan->items[i];
		int64_t id = ids ? ids[i] : it->chat_id;
		json_array_append_new(
			chats, json_pack("{s:o,s:s,s:s,s:s,s:I,s:I}", "chat_id",
					 id ? json_integer(id) : json_null(), "kind",
					 chat_kind_name(it->key.kind), "name",
					 it->want ? it->want->name : "", "action", actions[it->action],
					 "join", (json_int_t)it->joined, "leave", (json_int_t)it->left));
	}
	return json_pack("{s:I,s:I,s:I,s:I,s:o}", "created", (json_int_t)plan->created, "archived",
			 (json_int_t)plan->archived, "joined", (json_int_t)plan->joined, "left",
			 (json_int_t)plan->left, "chats", chats);
}

static int chatsync_initialize_tx(struct app *app, int64_t org, unsigned kinds, bool dry_run,
				  chatsync_progress_fn progress, void *ctx, json_t **summary,
				  struct chatsync_notes *notes)
{
	struct cstore_org org_ctx;
	int rc = cstore_org_load(app->db, org, &org_ctx);
	if (rc != PARTA_OK)
		return rc;
	struct chatplan_opts opts = {true, kinds, kinds & chatplan_init_kinds(org_ctx.rules.profile)};
	struct roster r;
	struct chatrule_scope all = {.all = true};
	struct chatrule_set want;
	struct chatplan plan;
	if ((rc = rstore_roster_load(app->db, org, &r)) == PARTA_OK) {
		rc = chatsync_plan(app, org, &org_ctx, &r, &all, &opts, &want, &plan, NULL);
		roster_free(&r);
	}
	cstore_org_free(&org_ctx);
	if (rc != PARTA_OK)
		return rc;
	int64_t *ids = dry_run ? NULL : calloc(plan.nitems + 1, sizeof *ids);
	if (!dry_run && ids == NULL)
		rc = PARTA_ENOMEM;
	if (rc == PARTA_OK && !dry_run)
		rc = chatsync_apply(app, org, &plan, notes, progress, ctx, ids);
	if (rc == PARTA_OK && (*summary = chatsync_summary(&plan, ids)) == NULL)
		rc = PARTA_ENOMEM;
	free(ids);
	chatplan_free(&plan);
	chatrule_set_free(&want);
	return rc;
}

int chatsync_initialize(struct app *app, int64_t org, unsigned kinds, bool dry_run,
			chatsync_progress_fn progress, void *ctx, json_t **summary,
			struct chatsync_notes *notes)
{
	*summary = NULL;
	int rc = db_begin(app->db);
	if (rc != PARTA_OK)
		return rc;
	rc = chatsync_initialize_tx(app, org, kinds, dry_run, progress, ctx, summary, notes);
	if (rc == PARTA_OK && !dry_run)
		rc = db_commit(app->db);
	else
		db_rollback(app->db);
	if (rc != PARTA_OK) {
		json_decref(*summary);
		*summary = NULL;
	} else if (!dry_run) {
		log_msg(LOG_INFO, "chats", "initialized org=%" PRId64 " created=%" JSON_INTEGER_FORMAT
			" joined=%" JSON_INTEGER_FORMAT " left=%" JSON_INTEGER_FORMAT, org,
			json_integer_value(json_object_get(*summary, "created")),
			json_integer_value(json_object_get(*summary, "joined")),
			json_integer_value(json_object_get(*summary, "left")));
	}
	return rc;
}

/* ---- by hand, linking, subject chats on demand ---- */

int chatsync_by_hand_tx(struct app *app, int64_t org, int64_t chat, int64_t person,
			enum chatsync_hand op, struct chatsync_notes *notes)
{
	unsigned before;
	bool archived;
	int rc = cstore_member_get(app->db, org, chat, person, &before, &archived);
	if (rc != PARTA_OK)
		return rc;
	if (archived)
		return PARTA_ECONFLICT;
	/* A present member stays as they are: marking a rule member as added by hand would keep
	 * them after they leave the class. */
	if (op == CHATSYNC_ADD && chatm_member(before))
		return PARTA_OK;
	if ((op == CHATSYNC_ADD || op == CHATSYNC_GRANT) &&
	    (rc = rstore_owned(app->db, org, RSTORE_PERSON, person)) != PARTA_OK)
		return rc;
	unsigned after = op == CHATSYNC_ADD	 ? chatm_add_by_hand(before)
			 : op == CHATSYNC_REMOVE ? chatm_remove_by_hand(before)
			 : op == CHATSYNC_GRANT	 ? chatm_grant_admin(before)
						 : chatm_revoke_admin(before);
	if (after == before)
		return PARTA_OK;
	rc = cstore_member_set(app->db, chat, person, after);
	if (rc == PARTA_OK)
		rc = chatsync_note(notes, chat, person, before, after);
	return rc;
}

int chatsync_by_hand(struct app *app, int64_t org, int64_t chat, int64_t person,
		     enum chatsync_hand op)
{
	struct chatsync_notes notes = {0};
	int rc = db_begin(app->db);
	if (rc != PARTA_OK)
		return rc;
	rc = chatsync_by_hand_tx(app, org, chat, person, op, &notes);
	rc = rc == PARTA_OK ? db_commit(app->db) : (db_rollback(app->db), rc);
	if (rc == PARTA_OK)
		chatsync_publish(app, &notes);
	chatsync_notes_free(&notes);
	return rc;
}

static int chatsync_delete_tx(struct app *app, int64_t org, int64_t chat,
			      struct chatsync_notes *notes)
{
	json_t *one, *members;
	int rc = cstore_chat(app->db, org, chat, &one);
	if (rc != PARTA_OK)
		return rc;
	json_t *settings = NULL;
	enum chat_kind kind = CHAT_OTHER;
	(void)chat_kind_parse(json_string_value(json_object_get(one, "kind")), &kind);
	json_decref(one);
	rc = rstore_org_get(app->db, org, &settings);
	if (rc == PARTA_OK &&
	    strcmp(json_string_value(json_object_get(settings, "profile")), "bars") == 0 &&
	    (kind == CHAT_STAFF || kind == CHAT_CLASS || kind == CHAT_PARENTS))
		rc = PARTA_EFORBIDDEN;
	json_decref(settings);
	if (rc == PARTA_OK)
		rc = cstore_members(app->db, org, chat, false, &members);
	if (rc != PARTA_OK)
		return rc;
	size_t i;
	json_t *m;
	json_array_foreach(members, i, m)
	{
		unsigned flags = (unsigned)json_integer_value(json_object_get(m, "flags"));
		int64_t person = json_integer_value(json_object_get(m, "person_id"));
		if (rc == PARTA_OK)
			rc = chatsync_note(notes, chat, person, flags, 0);
	}
	json_decref(members);
	return rc == PARTA_OK ? cstore_delete(app->db, org, chat) : rc;
}

int chatsync_delete(struct app *app, int64_t org, int64_t chat)
{
	struct chatsync_notes notes = {0};
	int rc = db_begin(app->db);
	if (rc != PARTA_OK)
		return rc;
	rc = chatsync_delete_tx(app, org, chat, &notes);
	rc = rc == PARTA_OK ? db_commit(app->db) : (db_rollback(app->db), rc);
	if (rc == PARTA_OK) {
		chatsync_publish(app, &notes);
		log_msg(LOG_INFO, "chats", "deleted org=%" PRId64 " chat=%" PRId64, org, chat);
	}
	chatsync_notes_free(&notes);
	return rc;
}

int chatsync_mark_linked(struct app *app, int64_t org, int64_t person, bool linked,
			 json_t **chats)
{
	return cstore_person_link(app->db, org, person, linked, chats);
}

void chatsync_publish_linked(struct app *app, int64_t org, int64_t person, bool linked,
			     json_t *chats)
{
	size_t i;
	json_t *id;
	json_array_foreach(chats, i, id)
	{
		if (app->publish == NULL)
			break;
		/* To the person: their chat appears (or goes); to the other members: the person
		 * is present in it now (or not). */
		json_t *mine = json_pack("{s:s,s:O,s:b,s:b}", "type", "chat.member", "chat_id", id,
					 "member", linked, "linked", linked);
		json_t *theirs = json_pack("{s:s,s:O,s:I,s:b}", "type", "chat.presence", "chat_id",
					   id, "person_id", (json_int_t)person, "present", linked);
		char *mine_text = mine ? json_dumps(mine, JSON_COMPACT) : NULL;
		char *theirs_text = theirs ? json_dumps(theirs, JSON_COMPACT) : NULL;
		json_t *members = NULL;
		if (mine_text != NULL)
			chatsync_send_person(app, person, mine_text);
		if (theirs_text != NULL &&
		    cstore_members(app->db, org, json_integer_value(id), false, &members) == PARTA_OK) {
			size_t k;
			json_t *m;
			json_array_foreach(members, k, m)
			{
				int64_t other = json_integer_value(json_object_get(m, "person_id"));
				if (other != person)
					chatsync_send_person(app, other, theirs_text);
			}
		}
		json_decref(members);
		free(mine_text);
		free(theirs_text);
		json_decref(mine);
		json_decref(theirs);
	}
}

int chatsync_set_linked(struct app *app, int64_t org, int64_t person, bool linked,
			json_t **chats)
{
	json_t *ids = NULL;
	int rc = db_begin(app->db);
	if (rc != PARTA_OK)
		return rc;
	rc = chatsync_mark_linked(app, org, person, linked, &ids);
	rc = rc == PARTA_OK ? db_commit(app->db) : (db_rollback(app->db), rc);
	if (rc != PARTA_OK)
		return rc;
	/* Their chats appear (or go) in the messenger at once. */
	chatsync_publish_linked(app, org, person, linked, ids);
	if (chats != NULL)
		*chats = ids;
	else
		json_decref(ids);
	return PARTA_OK;
}

int chatsync_ensure_tx(struct app *app, int64_t org, const struct chat_key *wanted,
		       int64_t *chat_id, bool *existed, struct chatsync_notes *notes)
{
	*chat_id = 0;
	*existed = false;
	struct roster r;
	int rc = rcache_get(app, org, &r);
	if (rc != PARTA_OK)
		return rc;
	/* A subject chat's class is its load's. */
	struct chat_key k = *wanted;
	const struct roster_load *l = k.kind == CHAT_SUBJECT ? roster_load(&r, k.load_id) : NULL;
	if (k.kind == CHAT_SUBJECT)
		k.class_id = l ? l->class_id : 0;
	const struct chat_key *key = &k;
	const struct roster_class *cls = roster_class(&r, key->class_id);
	if (key->kind != CHAT_STAFF)
		rc = cls == NULL ? PARTA_ENOTFOUND : !cls->open ? PARTA_ECONFLICT : PARTA_OK;
	struct chatrule_scope scope = {false, key->kind == CHAT_STAFF, &key->class_id,
				       key->kind == CHAT_STAFF ? 0 : 1};
	struct chatplan_opts opts = {false, CHAT_KIND_BIT(key->kind), CHAT_KIND_BIT(key->kind)};
	struct cstore_org ctx;
	if (rc == PARTA_OK)
		rc = cstore_org_load(app->db, org, &ctx);
	if (rc != PARTA_OK) {
		roster_free(&r);
		return rc;
	}
	struct chatrule_set want;
	struct chatplan plan;
	struct cstore_actual actual;
	rc = chatsync_plan(app, org, &ctx, &r, &scope, &opts, &want, &plan, &actual);
	roster_free(&r);
	cstore_org_free(&ctx);
	if (rc != PARTA_OK)
		return rc;
	if (chatrule_find(&want, key) == NULL)
		rc = PARTA_ENOTFOUND; /* the rules want no such chat (a load of another class) */
	for (size_t i = 0; i < actual.nchats && rc == PARTA_OK; i++)
		if (chat_key_cmp(&actual.chats[i].key, key) == 0) {
			*chat_id = actual.chats[i].id;
			*existed = true;
		}
	/* Only this chat: the class's other chats keep to the profile's rule. */
	for (size_t i = 0; i < plan.nitems && rc == PARTA_OK; i++)
		if (chat_key_cmp(&plan.items[i].key, key) == 0)
			rc = chatsync_apply_item(app, org, &plan, i, notes, chat_id);
	cstore_actual_free(&actual);
	chatplan_free(&plan);
	chatrule_set_free(&want);
	return rc;
}

int chatsync_ensure_subject(struct app *app, int64_t org, int64_t load_id, int64_t *chat_id)
{
	struct chatsync_notes notes = {0};
	int rc = db_begin(app->db);
	if (rc != PARTA_OK)
		return rc;
	struct chat_key key = {CHAT_SUBJECT, 0, load_id};
	bool existed;
	rc = chatsync_ensure_tx(app, org, &key, chat_id, &existed, &notes);
	rc = rc == PARTA_OK ? db_commit(app->db) : (db_rollback(app->db), rc);
	if (rc == PARTA_OK)
		chatsync_publish(app, &notes);
	chatsync_notes_free(&notes);
	return rc;
}
