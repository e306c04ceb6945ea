#include "chatplan.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "vec.h"

bool chatm_member(unsigned f)
{
	return (f & CHATM_MANUAL) || ((f & CHATM_RULE) && !(f & CHATM_EXCLUDED));
}

bool chatm_admin(unsigned f)
{
	return chatm_member(f) &&
	       ((f & CHATM_MANUAL_ADMIN) || ((f & CHATM_RULE_ADMIN) && !(f & CHATM_ADMIN_REVOKED)));
}

unsigned chatm_add_by_hand(unsigned f) { return (f | CHATM_MANUAL) & ~(unsigned)CHATM_EXCLUDED; }

unsigned chatm_remove_by_hand(unsigned f)
{
	f &= ~(unsigned)(CHATM_MANUAL | CHATM_MANUAL_ADMIN);
	return f & CHATM_RULE ? f | CHATM_EXCLUDED : f;
}

unsigned chatm_grant_admin(unsigned f)
{
	if (!chatm_member(f))
		f = chatm_add_by_hand(f);
	return (f | CHATM_MANUAL_ADMIN) & ~(unsigned)CHATM_ADMIN_REVOKED;
}

unsigned chatm_revoke_admin(unsigned f)
{
	f &= ~(unsigned)CHATM_MANUAL_ADMIN;
	return f & CHATM_RULE_ADMIN ? f | CHATM_ADMIN_REVOKED : f;
}

unsigned chatplan_auto_kinds(enum chat_profile profile)
{
	(void)profile; /* every profile keeps a staff room and the chats of every class */
	return CHAT_KIND_BIT(CHAT_STAFF) | CHAT_KIND_BIT(CHAT_CLASS) | CHAT_KIND_BIT(CHAT_PARENTS);
}

unsigned chatplan_init_kinds(enum chat_profile profile)
{
	unsigned kinds = chatplan_auto_kinds(profile);
	return profile == CHAT_SGO ? kinds | CHAT_KIND_BIT(CHAT_SUBJECT) : kinds;
}

void chatplan_free(struct chatplan *plan)
{
	free(plan->items);
	free(plan->changes);
	memset(plan, 0, sizeof *plan);
}

static int chatplan_change(struct chatplan *p, struct chatplan_item *item, int64_t person,
			   unsigned before, unsigned after)
{
	if (before == after)
		return PARTA_OK;
	if (vec_reserve((void **)&p->changes, &p->capchanges, p->nchanges + 1,
			  sizeof *p->changes) != PARTA_OK)
		return PARTA_ENOMEM;
	p->changes[p->nchanges++] = (struct chatplan_change){person, before, after};
	item->n++;
	bool was = chatm_member(before), is = chatm_member(after);
	item->joined += !was && is;
	item->left += was && !is;
	return PARTA_OK;
}

/* The rows of one chat after the rule: a merge of the stored rows and the desired members,
 * both sorted by person. */
static int chatplan_rows(struct chatplan *p, struct chatplan_item *item,
			 const struct chatrule_set *desired, const struct chatrule_chat *want,
			 const struct chatplan_row *rows, size_t nrows, bool initialize)
{
	const struct chatrule_member *m = want ? desired->members + want->first : NULL;
	size_t nm = want ? want->n : 0, i = 0, k = 0;
	unsigned keep = initialize ? 0u : ~(unsigned)(CHATM_RULE | CHATM_RULE_ADMIN);
	int rc = PARTA_OK;
	while (rc == PARTA_OK && (i < nrows || k < nm)) {
		bool take_row = i < nrows && (k >= nm || rows[i].person <= m[k].person);
		bool take_member = k < nm && (i >= nrows || m[k].person <= rows[i].person);
		int64_t person = take_row ? rows[i].person : m[k].person;
		unsigned before = take_row ? rows[i].flags : 0;
		unsigned rule = 0;
		if (take_member)
			rule = CHATM_RULE | (m[k].admin ? CHATM_RULE_ADMIN : 0u);
		rc = chatplan_change(p, item, person, before, (before & keep) | rule);
		i += take_row;
		k += take_member;
	}
	return rc;
}

/* Adds an item; it is dropped again by the caller when it turns out to do nothing. */
static struct chatplan_item *chatplan_item(struct chatplan *p, enum chatplan_action action,
					   int64_t chat_id, const struct chat_key *key,
					   const struct chatrule_chat *want)
{
	if (vec_reserve((void **)&p->items, &p->capitems, p->nitems + 1, sizeof *p->items) !=
	    PARTA_OK)
		return NULL;
	struct chatplan_item *item = &p->items[p->nitems++];
	*item = (struct chatplan_item){.action = action, .chat_id = chat_id, .key = *key,
				       .want = want, .first = p->nchanges};
	return item;
}

static void chatplan_settle(struct chatplan *p)
{
	struct chatplan_item *item = &p->items[p->nitems - 1];
	if (item->action == CHATPLAN_KEEP && item->n == 0) {
		p->nitems--;
		return;
	}
	p->created += item->action == CHATPLAN_CREATE;
	p->archived += item->action == CHATPLAN_ARCHIVE;
	p->joined += item->joined;
	p->left += item->left;
}

int chatplan_make(const struct chatrule_set *desired, const struct chatplan_actual *actual,
		  const struct chatplan_opts *opts, struct chatplan *out)
{
	memset(out, 0, sizeof *out);
	size_t i = 0, k = 0;
	int rc = PARTA_OK;
	while (rc == PARTA_OK && (i < actual->nchats || k < desired->nchats)) {
		const struct chatplan_stored *have = i < actual->nchats ? &actual->chats[i] : NULL;
		const struct chatrule_chat *want = k < desired->nchats ? &desired->chats[k] : NULL;
		int c = !have ? 1 : !want ? -1 : chat_key_cmp(&have->key, &want->key);
		if (c < 0)
			want = NULL;
		else if (c > 0)
			have = NULL;
		i += have != NULL;
		k += want != NULL;
		const struct chat_key *key = have ? &have->key : &want->key;
		if (!(opts->kinds & CHAT_KIND_BIT(key->kind)))
			continue;
		struct chatplan_item *item = NULL;
		if (have == NULL) {
			if (!(opts->create & CHAT_KIND_BIT(key->kind)))
				continue;
			if ((item = chatplan_item(out, CHATPLAN_CREATE, 0, key, want)) == NULL)
				rc = PARTA_ENOMEM;
			else
				rc = chatplan_rows(out, item, desired, want, NULL, 0, true);
		} else if (want == NULL) {
			if (have->archived || key->kind == CHAT_STAFF)
				continue;
			if ((item = chatplan_item(out, CHATPLAN_ARCHIVE, have->id, key, NULL)) == NULL)
				rc = PARTA_ENOMEM;
		} else {
			enum chatplan_action a = have->archived ? CHATPLAN_UNARCHIVE : CHATPLAN_KEEP;
			if ((item = chatplan_item(out, a, have->id, key, want)) == NULL)
				rc = PARTA_ENOMEM;
			else
				rc = chatplan_rows(out, item, desired, want, actual->rows + have->first,
						   have->n, opts->initialize);
		}
		if (rc == PARTA_OK)
			chatplan_settle(out);
	}
	if (rc != PARTA_OK)
		chatplan_free(out);
	return rc;
}
