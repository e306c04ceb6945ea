#include "chatman.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/chatplan.h"
#include "../core/err.h"
#include "../core/utf8.h"
#include "../store/rstore.h"
#include "../util/log.h"
#include "rcache.h"

#define CHATMAN_WHY(...) (void)(why ? snprintf(why, whylen, __VA_ARGS__) : 0)

/* ---- the actor ---- */

static int chatman_powers(struct app *app, const struct account *acc, enum chat_profile profile,
			  unsigned *powers)
{
	json_t *rights;
	int rc = rstore_person_rights(app->db, acc->org_id, acc->person_id, &rights);
	if (rc != PARTA_OK) {
		json_decref(rights);
		return rc;
	}
	size_t n = json_array_size(rights);
	const char **codes = calloc(n ? n : 1, sizeof *codes);
	if (codes == NULL) {
		json_decref(rights);
		return PARTA_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		codes[i] = json_string_value(json_array_get(rights, i));
	*powers |= chatperm_from_rights(profile, codes, n);
	free(codes);
	json_decref(rights);
	return PARTA_OK;
}

int chatman_actor_load(struct app *app, const struct account *acc, struct chatman_actor *out)
{
	memset(out, 0, sizeof *out);
	roster_init(&out->roster);
	out->org = acc->org_id;
	json_t *org;
	int rc = rstore_org_get(app->db, acc->org_id, &org);
	if (rc != PARTA_OK)
		return rc;
	(void)chat_profile_parse(json_string_value(json_object_get(org, "profile")), &out->profile);
	const char *type = json_string_value(json_object_get(org, "type"));
	out->college = type != NULL && strcmp(type, "college") == 0;
	if (out->profile == CHAT_BARS)
		out->chats_admin = json_integer_value(json_object_get(org, "chats_admin_id"));
	json_decref(org);
	bool admin = strcmp(acc->role, "admin") == 0;
	out->perm.person = acc->person_id;
	out->perm.staff = admin || strcmp(acc->role, "staff") == 0;
	out->perm.powers = admin ? CHATPERM_ALL : 0;
	out->perm.roster = &out->roster;
	if (out->perm.staff && acc->person_id != 0)
		rc = chatman_powers(app, acc, out->profile, &out->perm.powers);
	if (rc == PARTA_OK)
		rc = rcache_get(app, acc->org_id, &out->roster);
	return rc;
}

void chatman_actor_free(struct chatman_actor *a) { roster_free(&a->roster); }

/* ---- one chat ---- */

static struct chatperm_chat chatman_facts_of(const json_t *row, bool actor_admin)
{
	struct chatperm_chat c = {.kind = CHAT_OTHER, .actor_admin = actor_admin};
	(void)chat_kind_parse(json_string_value(json_object_get(row, "kind")), &c.kind);
	c.class_id = json_integer_value(json_object_get(row, "class_id"));
	c.is_default = json_is_true(json_object_get(row, "is_default"));
	c.created_by = json_integer_value(json_object_get(row, "created_by"));
	return c;
}

/* What the rules need to know of the chat, and its row (the caller's) when row_out is not
 * NULL. */
static int chatman_facts(struct app *app, const struct chatman_actor *a, int64_t chat,
			 json_t **row_out, struct chatperm_chat *facts)
{
	json_t *row;
	int rc = cstore_chat(app->db, a->org, chat, &row);
	if (rc != PARTA_OK)
		return rc;
	unsigned flags = 0;
	bool archived;
	if (a->perm.person != 0)
		rc = cstore_member_get(app->db, a->org, chat, a->perm.person, &flags, &archived);
	if (rc == PARTA_OK)
		*facts = chatman_facts_of(row, chatm_admin(flags));
	if (rc == PARTA_OK && row_out != NULL)
		*row_out = row;
	else
		json_decref(row);
	return rc;
}

/* What «Добавить новый чат» may offer the actor: the open classes they may make a chat for
 * (every one for a manager who may create; otherwise those they lead or teach in) and the
 * organisation's subjects; both empty for one who may create nothing. */
static int chatman_choices(struct app *app, const struct chatman_actor *a, bool creates,
			   json_t **classes, json_t **subjects)
{
	*classes = json_array();
	const struct roster *r = &a->roster;
	int64_t person = a->perm.person;
	bool all = (a->perm.powers & CHATPERM_CREATE) != 0;
	/* The classes they teach in, found in one pass over the loads. */
	int64_t *taught = calloc(r->nloads ? r->nloads : 1, sizeof *taught);
	size_t ntaught = 0;
	if (taught == NULL)
		return PARTA_ENOMEM;
	for (size_t k = 0; !all && person != 0 && k < r->nloads; k++)
		if (r->loads[k].teacher == person)
			taught[ntaught++] = r->loads[k].class_id;
	for (size_t i = 0; creates && i < r->nclasses; i++) {
		const struct roster_class *c = &r->classes[i];
		bool mine = all || (person != 0 && c->homeroom == person);
		for (size_t k = 0; !mine && k < ntaught; k++)
			mine = taught[k] == c->id;
		if (c->open && mine)
			json_array_append_new(*classes,
					      json_pack("{s:I,s:s}", "id", (json_int_t)c->id, "name", c->name));
	}
	free(taught);
	if (!creates) {
		*subjects = json_array();
		return PARTA_OK;
	}
	const int64_t args[] = {a->org};
	return db_rows_json(app->db, "SELECT id, name FROM subjects WHERE org_id = ? ORDER BY name",
			    args, 1, subjects);
}

/* The actor as a chat member ({"person_id","name","pending"}, «Добавить себя»), or null for
 * an account without a person. */
static int chatman_me(struct app *app, const struct chatman_actor *a, json_t **me)
{
	*me = NULL;
	if (a->perm.person == 0) {
		*me = json_null();
		return PARTA_OK;
	}
	json_t *ids = json_pack("[I]", (json_int_t)a->perm.person), *rows = NULL;
	int rc = ids ? people_named(app->db, a->org, ids, &rows) : PARTA_ENOMEM;
	json_decref(ids);
	if (rc != PARTA_OK)
		return rc;
	json_t *row = json_array_get(rows, 0);
	if (row != NULL)
		json_object_del(row, "role");
	*me = row ? json_incref(row) : json_null();
	json_decref(rows);
	return PARTA_OK;
}

int chatman_list(struct app *app, const struct chatman_actor *a, struct cstore_page_filter *f,
		 json_t **out)
{
	*out = NULL;
	if (!chatperm_screen(&a->perm))
		return PARTA_EFORBIDDEN;
	f->all = chatperm_view_all(&a->perm);
	f->viewer = a->perm.person;
	int64_t total;
	json_t *rows;
	int rc = cstore_page(app->db, a->org, f, &total, &rows);
	if (rc != PARTA_OK)
		return rc;
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		struct chatperm_chat c = chatman_facts_of(
			row, json_integer_value(json_object_get(row, "viewer_admin")) != 0);
		json_object_del(row, "viewer_admin");
		json_object_set_new(row, "can_edit", json_boolean(chatperm_edit(&a->perm, &c)));
		json_object_set_new(row, "can_delete",
				    json_boolean(chatperm_delete(&a->perm, a->profile, &c)));
	}
	json_t *kinds = json_array(), *classes = NULL, *subjects = NULL;
	for (int k = 0; k < CHAT_KINDS; k++)
		if (chatperm_create_kind(&a->perm, (enum chat_kind)k))
			json_array_append_new(kinds, json_string(chat_kind_name((enum chat_kind)k)));
	json_t *me = NULL;
	rc = chatman_choices(app, a, json_array_size(kinds) > 0, &classes, &subjects);
	if (rc == PARTA_OK)
		rc = chatman_me(app, a, &me);
	if (rc != PARTA_OK) {
		json_decref(rows);
		json_decref(kinds);
		json_decref(classes);
		json_decref(subjects);
		return rc;
	}
	*out = json_pack("{s:I,s:I,s:I,s:o,s:{s:b,s:b,s:o,s:o,s:o,s:o}}", "total", (json_int_t)total,
			 "page", (json_int_t)f->page, "per_page", (json_int_t)f->per_page, "chats",
			 rows, "can", "initialize", chatperm_initialize(&a->perm), "create",
			 json_array_size(kinds) > 0, "create_kinds", kinds, "classes", classes,
			 "subjects", subjects, "me", me);
	return *out ? PARTA_OK : PARTA_ENOMEM;
}

int chatman_get(struct app *app, const struct chatman_actor *a, int64_t chat, bool all_rows,
		json_t **out)
{
	*out = NULL;
	if (!chatperm_screen(&a->perm))
		return PARTA_EFORBIDDEN;
	json_t *row, *members;
	struct chatperm_chat facts;
	int rc = chatman_facts(app, a, chat, &row, &facts);
	if (rc != PARTA_OK)
		return rc;
	if (!chatperm_view(&a->perm, &facts)) {
		json_decref(row);
		return PARTA_EFORBIDDEN;
	}
	rc = cstore_members(app->db, a->org, chat, all_rows, &members);
	if (rc != PARTA_OK) {
		json_decref(row);
		return rc;
	}
	*out = json_pack("{s:o,s:o,s:{s:b,s:b}}", "chat", row, "members", members, "can", "edit",
			 chatperm_edit(&a->perm, &facts), "delete",
			 chatperm_delete(&a->perm, a->profile, &facts));
	return *out ? PARTA_OK : PARTA_ENOMEM;
}

/* ---- proposing a new chat ---- */

/* Wanted members: person → admin, unique by person. */
struct chatman_wanted {
	int64_t *person;
	bool *admin;
	size_t n, cap;
};

static void chatman_wanted_free(struct chatman_wanted *w)
{
	free(w->person);
	free(w->admin);
	memset(w, 0, sizeof *w);
}

/* Adds a person (an admin stays an admin). */
static int chatman_want(struct chatman_wanted *w, int64_t person, bool admin)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->person[i] == person) {
			w->admin[i] = w->admin[i] || admin;
			return PARTA_OK;
		}
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 32;
		int64_t *p = realloc(w->person, cap * sizeof *p);
		if (p == NULL)
			return PARTA_ENOMEM;
		w->person = p;
		bool *ad = realloc(w->admin, cap * sizeof *ad);
		if (ad == NULL)
			return PARTA_ENOMEM;
		w->admin = ad;
		w->cap = cap;
	}
	w->person[w->n] = person;
	w->admin[w->n++] = admin;
	return PARTA_OK;
}

static bool chatman_is_default_kind(const struct chatman_new *n)
{
	return n->kind == CHAT_STAFF || n->kind == CHAT_CLASS || n->kind == CHAT_PARENTS ||
	       (n->kind == CHAT_SUBJECT && n->load_id != 0);
}

/* The default chat's key; PARTA_ENOTFOUND for a class or load the roster does not have. */
static int chatman_key(const struct chatman_actor *a, const struct chatman_new *n,
		       struct chat_key *key)
{
	*key = (struct chat_key){n->kind, n->class_id, 0};
	if (n->kind == CHAT_STAFF) {
		key->class_id = 0;
		return PARTA_OK;
	}
	if (n->kind == CHAT_SUBJECT) {
		const struct roster_load *l = roster_load(&a->roster, n->load_id);
		if (l == NULL)
			return PARTA_ENOTFOUND;
		key->class_id = l->class_id;
		key->load_id = l->id;
	}
	const struct roster_class *c = roster_class(&a->roster, key->class_id);
	return c != NULL && c->open ? PARTA_OK : PARTA_ENOTFOUND;
}

/* The rule members and name of the default chats matching: `key` exactly, or (key NULL) every
 * subject chat of `class_id` in `subject`. *found tells whether there was any. */
static int chatman_rule(struct app *app, const struct chatman_actor *a, const struct chat_key *key,
			int64_t class_id, int64_t subject, struct chatman_wanted *w, char *name,
			size_t namelen, bool *found)
{
	*found = false;
	struct cstore_org ctx;
	int rc = cstore_org_load(app->db, a->org, &ctx);
	if (rc != PARTA_OK)
		return rc;
	bool staff = key != NULL && key->kind == CHAT_STAFF;
	struct chatrule_scope scope = {false, staff, &class_id, staff ? 0 : 1};
	struct chatrule_set set;
	rc = chatrule_desired(&a->roster, &ctx.rules, &scope, &set);
	cstore_org_free(&ctx);
	if (rc != PARTA_OK)
		return rc;
	for (size_t i = 0; i < set.nchats && rc == PARTA_OK; i++) {
		const struct chatrule_chat *c = &set.chats[i];
		bool match = key ? chat_key_cmp(&c->key, key) == 0
				 : c->key.kind == CHAT_SUBJECT && c->subject_id == subject;
		if (!match)
			continue;
		*found = true;
		if (key != NULL)
			snprintf(name, namelen, "%s", c->name);
		for (size_t m = c->first; m < c->first + c->n && rc == PARTA_OK; m++)
			rc = chatman_want(w, set.members[m].person, set.members[m].admin);
	}
	chatrule_set_free(&set);
	return rc;
}

/* A subject chat by hand («10А/Краеведение»): the students of the class who study the subject
 * with their teachers as admins, or the whole class when nobody teaches it there. */
static int chatman_manual_subject(struct app *app, const struct chatman_actor *a,
				  const struct chatman_new *n, struct chatman_wanted *w,
				  char *name, size_t namelen)
{
	const struct roster_class *c = roster_class(&a->roster, n->class_id);
	if (c == NULL || !c->open)
		return PARTA_ENOTFOUND;
	struct cstore_org ctx;
	int rc = cstore_org_load(app->db, a->org, &ctx);
	if (rc != PARTA_OK)
		return rc;
	rc = PARTA_ENOTFOUND;
	for (size_t i = 0; i < ctx.rules.nsubjects; i++)
		if (ctx.rules.subjects[i].id == n->subject_id) {
			snprintf(name, namelen, "%s/%s", c->name, ctx.rules.subjects[i].name);
			rc = PARTA_OK;
		}
	cstore_org_free(&ctx);
	bool found = false;
	if (rc == PARTA_OK)
		rc = chatman_rule(app, a, NULL, n->class_id, n->subject_id, w, NULL, 0, &found);
	for (size_t i = 0; rc == PARTA_OK && !found && i < a->roster.nenrolments; i++)
		if (a->roster.enrolments[i].class_id == n->class_id)
			rc = chatman_want(w, a->roster.enrolments[i].student, false);
	/* A subject teacher is offered their own students only (others would be refused). */
	bool restricted = (a->perm.powers & CHATPERM_CREATE) == 0 &&
			  !chatperm_leads(&a->roster, a->perm.person, n->class_id);
	size_t kept = 0;
	for (size_t i = 0; restricted && i < w->n; i++)
		if (chatperm_teaches(&a->roster, a->perm.person, w->person[i])) {
			w->person[kept] = w->person[i];
			w->admin[kept++] = w->admin[i];
		}
	if (restricted)
		w->n = kept;
	return rc;
}

/* The members and name proposed for a new chat. */
static int chatman_proposal(struct app *app, const struct chatman_actor *a,
			    const struct chatman_new *n, struct chatman_wanted *w, char *name,
			    size_t namelen)
{
	name[0] = '\0';
	int rc = PARTA_OK;
	if (chatman_is_default_kind(n)) {
		struct chat_key key;
		bool found;
		rc = chatman_key(a, n, &key);
		if (rc == PARTA_OK)
			rc = chatman_rule(app, a, &key, key.class_id, 0, w, name, namelen, &found);
		return rc == PARTA_OK && !found ? PARTA_ENOTFOUND : rc;
	}
	if (n->kind == CHAT_SUBJECT)
		rc = chatman_manual_subject(app, a, n, w, name, namelen);
	/* Whoever makes a chat by hand runs it; in bars the chats administrator joins every chat. */
	if (rc == PARTA_OK && a->perm.person != 0)
		rc = chatman_want(w, a->perm.person, true);
	if (rc == PARTA_OK && a->chats_admin != 0)
		rc = chatman_want(w, a->chats_admin, true);
	return rc;
}

/* The request is whole and the actor may make some chat of its kind. */
static int chatman_check_new(const struct chatman_actor *a, const struct chatman_new *n,
			     char *why, size_t whylen)
{
	if (!chatperm_create_kind(&a->perm, n->kind))
		return PARTA_EFORBIDDEN;
	if (n->kind == CHAT_SUBJECT && n->load_id == 0 && (n->class_id == 0 || n->subject_id == 0)) {
		CHATMAN_WHY("Для предметного чата укажите класс и предмет (class_id, subject_id) "
			    "или нагрузку (load_id)");
		return PARTA_EVALIDATION;
	}
	if ((n->kind == CHAT_CLASS || n->kind == CHAT_PARENTS) && n->class_id == 0) {
		CHATMAN_WHY("Укажите класс (class_id)");
		return PARTA_EVALIDATION;
	}
	return PARTA_OK;
}

static json_t *chatman_ids(const struct chatman_wanted *w)
{
	json_t *ids = json_array();
	for (size_t i = 0; ids && i < w->n; i++)
		json_array_append_new(ids, json_integer(w->person[i]));
	return ids;
}

/* The actor may start a chat like `n` with these members. */
static bool chatman_may_create(const struct chatman_actor *a, const struct chatman_new *n,
			       const struct chatman_wanted *w)
{
	int64_t *others = malloc((w->n ? w->n : 1) * sizeof *others);
	if (others == NULL)
		return false;
	size_t nothers = 0;
	/* The actor and the bars chats administrator join any chat the actor may make. */
	for (size_t i = 0; i < w->n; i++)
		if (w->person[i] != a->perm.person && w->person[i] != a->chats_admin)
			others[nothers++] = w->person[i];
	int64_t class_id = n->class_id;
	const struct roster_load *l = n->load_id ? roster_load(&a->roster, n->load_id) : NULL;
	struct chatperm_new want = {n->kind, l ? l->class_id : class_id, l ? l->subject : n->subject_id,
				    others, nothers};
	bool ok = chatperm_create(&a->perm, &want);
	free(others);
	return ok;
}

int chatman_propose(struct app *app, const struct chatman_actor *a, const struct chatman_new *n,
		    json_t **out, char *why, size_t whylen)
{
	*out = NULL;
	int rc = chatman_check_new(a, n, why, whylen);
	if (rc != PARTA_OK)
		return rc;
	struct chatman_wanted w = {0};
	char name[CHATRULE_NAME_MAX + 1];
	rc = chatman_proposal(app, a, n, &w, name, sizeof name);
	json_t *ids = rc == PARTA_OK ? chatman_ids(&w) : NULL, *rows = NULL;
	/* A teacher is offered only what they could create: their own students. */
	if (rc == PARTA_OK && !chatman_may_create(a, n, &w))
		rc = PARTA_EFORBIDDEN;
	if (rc == PARTA_OK)
		rc = people_named(app->db, a->org, ids, &rows);
	size_t i;
	json_t *row;
	if (rc == PARTA_OK)
		json_array_foreach(rows, i, row)
		{
			int64_t person = json_integer_value(json_object_get(row, "person_id"));
			for (size_t k = 0; k < w.n; k++)
				if (w.person[k] == person)
					json_object_set_new(row, "admin", json_boolean(w.admin[k]));
		}
	json_decref(ids);
	chatman_wanted_free(&w);
	if (rc != PARTA_OK)
		return rc;
	*out = json_pack("{s:s,s:I,s:I,s:I,s:s,s:o}", "kind", chat_kind_name(n->kind), "class_id",
			 (json_int_t)n->class_id, "subject_id", (json_int_t)n->subject_id, "load_id",
			 (json_int_t)n->load_id, "name", name, "members", rows);
	return *out ? PARTA_OK : PARTA_ENOMEM;
}

/* ---- creating and editing ---- */

/* [{"person_id","admin"}] into `w`: positive ids, each once, at most PEOPLE_IDS_MAX. */
static int chatman_parse_members(json_t *members, struct chatman_wanted *w, char *why,
				 size_t whylen)
{
	if (!json_is_array(members) || json_array_size(members) > PEOPLE_IDS_MAX) {
		CHATMAN_WHY("members: список до %d участников", PEOPLE_IDS_MAX);
		return PARTA_EVALIDATION;
	}
	size_t i;
	json_t *m;
	json_array_foreach(members, i, m)
	{
		json_t *id = json_object_get(m, "person_id"), *admin = json_object_get(m, "admin");
		if (!json_is_integer(id) || json_integer_value(id) <= 0 ||
		    (admin != NULL && !json_is_boolean(admin))) {
			CHATMAN_WHY("members[%zu]: {\"person_id\": число, \"admin\": true|false}", i);
			return PARTA_EVALIDATION;
		}
		size_t before = w->n;
		int rc = chatman_want(w, json_integer_value(id), json_is_true(admin));
		if (rc != PARTA_OK)
			return rc;
		if (w->n == before) {
			CHATMAN_WHY("members[%zu]: участник указан дважды", i);
			return PARTA_EVALIDATION;
		}
	}
	return PARTA_OK;
}

/* A chat name: 1..CHATRULE_NAME_MAX bytes of text, not only spaces. */
static int chatman_check_name(const char *name, char *why, size_t whylen)
{
	size_t len = strlen(name);
	if (len == 0 || len > CHATRULE_NAME_MAX || !utf8_valid_text(name, len) ||
	    strspn(name, " \t") == len) {
		CHATMAN_WHY("Наименование чата: от 1 до %d байт текста", CHATRULE_NAME_MAX);
		return PARTA_EVALIDATION;
	}
	return PARTA_OK;
}

/* Brings a chat's members to exactly `w` by hand (a rule member left out is excluded). */
static int chatman_set_members(struct app *app, int64_t org, int64_t chat,
			       const struct chatman_wanted *w, struct chatsync_notes *notes)
{
	json_t *rows;
	int rc = cstore_members(app->db, org, chat, false, &rows);
	if (rc != PARTA_OK)
		return rc;
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		int64_t person = json_integer_value(json_object_get(row, "person_id"));
		bool keep = false;
		for (size_t k = 0; k < w->n && !keep; k++)
			keep = w->person[k] == person;
		if (!keep && rc == PARTA_OK)
			rc = chatsync_by_hand_tx(app, org, chat, person, CHATSYNC_REMOVE, notes);
	}
	json_decref(rows);
	for (size_t k = 0; k < w->n && rc == PARTA_OK; k++) {
		unsigned flags;
		bool archived;
		rc = chatsync_by_hand_tx(app, org, chat, w->person[k], CHATSYNC_ADD, notes);
		if (rc == PARTA_OK)
			rc = cstore_member_get(app->db, org, chat, w->person[k], &flags, &archived);
		/* Only a real change: revoking from a non-admin would bar a future rule admin. */
		if (rc == PARTA_OK && w->admin[k] != chatm_admin(flags))
			rc = chatsync_by_hand_tx(app, org, chat, w->person[k],
					   w->admin[k] ? CHATSYNC_GRANT : CHATSYNC_REVOKE, notes);
	}
	return rc;
}

static int chatman_create_tx(struct app *app, const struct chatman_actor *a,
			     const struct chatman_new *n, const char *name,
			     const struct chatman_wanted *w, struct chatsync_notes *notes,
			     int64_t *chat)
{
	int rc;
	if (chatman_is_default_kind(n)) {
		struct chat_key key;
		bool existed;
		rc = chatman_key(a, n, &key);
		if (rc == PARTA_OK)
			rc = chatsync_ensure_tx(app, a->org, &key, chat, &existed, notes);
		if (rc == PARTA_OK && existed)
			rc = PARTA_ECONFLICT;
	} else {
		const struct roster_class *c = roster_class(&a->roster, n->class_id);
		rc = cstore_insert_manual(app->db, a->org, n->kind, n->class_id, n->subject_id,
					  c ? c->year : 0, name, a->perm.person, app_now(app), chat);
	}
	return rc == PARTA_OK ? chatman_set_members(app, a->org, *chat, w, notes) : rc;
}

/* Commits or rolls back, then tells the members. */
static int chatman_finish(struct app *app, int rc, struct chatsync_notes *notes)
{
	rc = rc == PARTA_OK ? db_commit(app->db) : (db_rollback(app->db), rc);
	if (rc == PARTA_OK)
		chatsync_publish(app, notes);
	chatsync_notes_free(notes);
	return rc;
}

int chatman_create(struct app *app, const struct chatman_actor *a, const struct chatman_new *n,
		   json_t **out, char *why, size_t whylen)
{
	*out = NULL;
	int rc = chatman_check_new(a, n, why, whylen);
	if (rc != PARTA_OK)
		return rc;
	struct chatman_wanted proposed = {0}, given = {0};
	char name[CHATRULE_NAME_MAX + 1];
	rc = chatman_proposal(app, a, n, &proposed, name, sizeof name);
	if (rc == PARTA_OK && n->members != NULL)
		rc = chatman_parse_members(n->members, &given, why, whylen);
	const struct chatman_wanted *w = n->members != NULL ? &given : &proposed;
	const char *final_name = n->name != NULL ? n->name : name;
	if (rc == PARTA_OK && chatman_is_default_kind(n) && strcmp(final_name, name) != 0) {
		CHATMAN_WHY("Наименование чата по умолчанию задаётся правилами: «%s»", name);
		rc = PARTA_EVALIDATION;
	}
	if (rc == PARTA_OK)
		rc = chatman_check_name(final_name, why, whylen);
	if (rc == PARTA_OK && !chatman_may_create(a, n, w))
		rc = PARTA_EFORBIDDEN;
	int64_t chat = 0;
	struct chatsync_notes notes = {0};
	if (rc == PARTA_OK && (rc = db_begin(app->db)) == PARTA_OK)
		rc = chatman_finish(app, chatman_create_tx(app, a, n, final_name, w, &notes, &chat),
				    &notes);
	chatman_wanted_free(&proposed);
	chatman_wanted_free(&given);
	if (rc == PARTA_ECONFLICT)
		CHATMAN_WHY("Такой чат уже есть");
	if (rc != PARTA_OK)
		return rc;
	log_msg(LOG_INFO, "chats", "created org=%" PRId64 " chat=%" PRId64 " kind=%s by=%" PRId64,
		a->org, chat, chat_kind_name(n->kind), a->perm.person);
	return chatman_get(app, a, chat, false, out);
}

/* A JSON array of positive person ids (or NULL). */
static int chatman_check_ids(json_t *ids, const char *field, char *why, size_t whylen)
{
	if (ids == NULL)
		return PARTA_OK;
	bool ok = json_is_array(ids) && json_array_size(ids) <= PEOPLE_IDS_MAX;
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v)
		ok = ok && json_is_integer(v) && json_integer_value(v) > 0;
	if (!ok)
		CHATMAN_WHY("%s: список номеров людей (до %d)", field, PEOPLE_IDS_MAX);
	return ok ? PARTA_OK : PARTA_EVALIDATION;
}

static int chatman_update_tx(struct app *app, const struct chatman_actor *a, int64_t chat,
			     const struct chatman_edit *e, struct chatsync_notes *notes)
{
	int rc = e->name ? cstore_rename(app->db, a->org, chat, e->name) : PARTA_OK;
	json_t *lists[] = {e->add, e->remove, e->grant, e->revoke};
	const enum chatsync_hand ops[] = {CHATSYNC_ADD, CHATSYNC_REMOVE, CHATSYNC_GRANT,
					  CHATSYNC_REVOKE};
	for (size_t k = 0; k < 4 && rc == PARTA_OK; k++) {
		size_t i;
		json_t *v;
		json_array_foreach(lists[k], i, v)
		{
			if (rc == PARTA_OK)
				rc = chatsync_by_hand_tx(app, a->org, chat, json_integer_value(v), ops[k],
						   notes);
		}
	}
	return rc;
}

int chatman_update(struct app *app, const struct chatman_actor *a, int64_t chat,
		   const struct chatman_edit *e, json_t **out, char *why, size_t whylen)
{
	*out = NULL;
	struct chatperm_chat facts;
	int rc = chatman_facts(app, a, chat, NULL, &facts);
	if (rc != PARTA_OK)
		return rc;
	if (!chatperm_edit(&a->perm, &facts))
		return PARTA_EFORBIDDEN;
	if (e->name != NULL && facts.is_default) {
		CHATMAN_WHY("Наименование чата по умолчанию задаётся правилами");
		return PARTA_EVALIDATION;
	}
	if (e->name != NULL && (rc = chatman_check_name(e->name, why, whylen)) != PARTA_OK)
		return rc;
	if ((rc = chatman_check_ids(e->add, "add", why, whylen)) != PARTA_OK ||
	    (rc = chatman_check_ids(e->remove, "remove", why, whylen)) != PARTA_OK ||
	    (rc = chatman_check_ids(e->grant, "grant", why, whylen)) != PARTA_OK ||
	    (rc = chatman_check_ids(e->revoke, "revoke", why, whylen)) != PARTA_OK)
		return rc;
	struct chatsync_notes notes = {0};
	if ((rc = db_begin(app->db)) != PARTA_OK)
		return rc;
	rc = chatman_finish(app, chatman_update_tx(app, a, chat, e, &notes), &notes);
	return rc == PARTA_OK ? chatman_get(app, a, chat, false, out) : rc;
}

int chatman_hand(struct app *app, const struct chatman_actor *a, int64_t chat, int64_t person,
		 enum chatsync_hand op)
{
	struct chatperm_chat facts;
	int rc = chatman_facts(app, a, chat, NULL, &facts);
	if (rc != PARTA_OK)
		return rc;
	if (!chatperm_edit(&a->perm, &facts))
		return PARTA_EFORBIDDEN;
	return chatsync_by_hand(app, a->org, chat, person, op);
}

int chatman_delete(struct app *app, const struct chatman_actor *a, int64_t chat)
{
	struct chatperm_chat facts;
	int rc = chatman_facts(app, a, chat, NULL, &facts);
	if (rc != PARTA_OK)
		return rc;
	if (!chatperm_delete(&a->perm, a->profile, &facts))
		return PARTA_EFORBIDDEN;
	return chatsync_delete(app, a->org, chat);
}

int chatman_load_chat(struct app *app, const struct chatman_actor *a, int64_t load,
		      int64_t *chat)
{
	*chat = 0;
	const struct roster_load *l = roster_load(&a->roster, load);
	if (l == NULL)
		return PARTA_ENOTFOUND;
	bool may = a->perm.staff &&
		   ((a->perm.powers & CHATPERM_CREATE) != 0 ||
		    (a->perm.person != 0 && l->teacher == a->perm.person) ||
		    chatperm_leads(&a->roster, a->perm.person, l->class_id));
	return may ? chatsync_ensure_subject(app, a->org, load, chat) : PARTA_EFORBIDDEN;
}

int chatman_people(struct app *app, const struct chatman_actor *a, const struct people_filter *f,
		   bool want_ids, json_t **out)
{
	*out = NULL;
	if (!chatperm_screen(&a->perm))
		return PARTA_EFORBIDDEN;
	int64_t total;
	json_t *rows, *ids = NULL;
	int rc = people_find(app->db, a->org, f, &total, &rows, want_ids ? &ids : NULL);
	if (rc != PARTA_OK)
		return rc;
	*out = json_pack("{s:I,s:I,s:I,s:o}", "total", (json_int_t)total, "page",
			 (json_int_t)f->page, "per_page", (json_int_t)f->per_page, "people", rows);
	if (*out != NULL && ids != NULL)
		json_object_set_new(*out, "ids", ids);
	else
		json_decref(ids);
	return *out ? PARTA_OK : PARTA_ENOMEM;
}
