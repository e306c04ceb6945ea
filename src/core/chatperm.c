#include "chatperm.h"

#include <string.h>

unsigned chatperm_from_rights(enum chat_profile profile, const char *const *codes, size_t n)
{
	/* bars splits the module into four rights; the others have the one right. */
	static const struct {
		const char *code;
		unsigned powers;
	} bars[] = {{"sferum_view", CHATPERM_VIEW},
		    {"sferum_add", CHATPERM_CREATE},
		    {"sferum_edit", CHATPERM_EDIT},
		    {"sferum_delete", CHATPERM_DELETE}};
	unsigned powers = 0;
	for (size_t i = 0; i < n; i++) {
		if (profile != CHAT_BARS) {
			if (strcmp(codes[i], "chat_management") == 0)
				powers = CHATPERM_ALL;
			continue;
		}
		for (size_t j = 0; j < sizeof bars / sizeof bars[0]; j++)
			if (strcmp(codes[i], bars[j].code) == 0)
				powers |= bars[j].powers;
	}
	return powers;
}

bool chatperm_leads(const struct roster *r, int64_t person, int64_t class_id)
{
	const struct roster_class *c = roster_class(r, class_id);
	return person != 0 && c != NULL && c->open && c->homeroom == person;
}

static bool chatperm_leads_any(const struct roster *r, int64_t person)
{
	for (size_t i = 0; i < r->nclasses; i++)
		if (chatperm_leads(r, person, r->classes[i].id))
			return true;
	return false;
}

/* Whether the load includes the student: its subgroup, or the whole class. */
static bool chatperm_load_has(const struct roster *r, const struct roster_load *l, int64_t student)
{
	if (roster_class_of(r, student) != l->class_id)
		return false;
	if (l->subgroup == NULL)
		return true;
	for (size_t i = 0; i < l->nsubgroup; i++)
		if (l->subgroup[i] == student)
			return true;
	return false;
}

bool chatperm_teaches(const struct roster *r, int64_t teacher, int64_t student)
{
	for (size_t i = 0; teacher != 0 && i < r->nloads; i++)
		if (r->loads[i].teacher == teacher && chatperm_load_has(r, &r->loads[i], student))
			return true;
	return false;
}

/* Whether the teacher has a load in the open class (of that subject unless subject is 0). */
static bool chatperm_teaches_in(const struct roster *r, int64_t teacher, int64_t class_id,
				int64_t subject)
{
	const struct roster_class *c = roster_class(r, class_id);
	if (teacher == 0 || c == NULL || !c->open)
		return false;
	for (size_t i = 0; i < r->nloads; i++) {
		const struct roster_load *l = &r->loads[i];
		if (l->teacher == teacher && l->class_id == class_id &&
		    (subject == 0 || l->subject == subject))
			return true;
	}
	return false;
}

bool chatperm_screen(const struct chatperm_actor *a) { return a->staff; }

bool chatperm_view_all(const struct chatperm_actor *a)
{
	return a->staff && (a->powers & (CHATPERM_VIEW | CHATPERM_EDIT | CHATPERM_DELETE)) != 0;
}

bool chatperm_view(const struct chatperm_actor *a, const struct chatperm_chat *c)
{
	if (!a->staff)
		return false;
	return chatperm_view_all(a) || chatperm_edit(a, c) ||
	       (a->person != 0 && c->created_by == a->person) ||
	       chatperm_leads(a->roster, a->person, c->class_id);
}

bool chatperm_initialize(const struct chatperm_actor *a)
{
	return a->staff && (a->powers & CHATPERM_CREATE) != 0;
}

bool chatperm_edit(const struct chatperm_actor *a, const struct chatperm_chat *c)
{
	return a->staff && ((a->powers & CHATPERM_EDIT) != 0 || c->actor_admin);
}

bool chatperm_delete(const struct chatperm_actor *a, enum chat_profile profile,
		     const struct chatperm_chat *c)
{
	if (!a->staff)
		return false;
	if (profile == CHAT_BARS && c->is_default && c->kind != CHAT_SUBJECT && c->kind != CHAT_OTHER)
		return false;
	return (a->powers & CHATPERM_DELETE) != 0 ||
	       (!c->is_default && a->person != 0 && c->created_by == a->person);
}

bool chatperm_create_kind(const struct chatperm_actor *a, enum chat_kind kind)
{
	if (!a->staff)
		return false;
	if ((a->powers & CHATPERM_CREATE) != 0)
		return true;
	const struct roster *r = a->roster;
	bool leads = chatperm_leads_any(r, a->person);
	switch (kind) {
	case CHAT_CLASS:
	case CHAT_PARENTS: return leads;
	case CHAT_SUBJECT:
		if (leads)
			return true;
		for (size_t i = 0; a->person != 0 && i < r->nloads; i++) {
			const struct roster_class *c = roster_class(r, r->loads[i].class_id);
			if (r->loads[i].teacher == a->person && c != NULL && c->open)
				return true;
		}
		return false;
	default: return false;
	}
}

bool chatperm_create(const struct chatperm_actor *a, const struct chatperm_new *n)
{
	if (!a->staff)
		return false;
	if ((a->powers & CHATPERM_CREATE) != 0)
		return true;
	const struct roster *r = a->roster;
	bool leads = chatperm_leads(r, a->person, n->class_id);
	switch (n->kind) {
	case CHAT_CLASS:
	case CHAT_PARENTS: return leads;
	case CHAT_SUBJECT:
		if (leads)
			return true;
		if (!chatperm_teaches_in(r, a->person, n->class_id, n->subject_id))
			return false;
		/* Nobody but students of their own loads: no staff, no parents. */
		for (size_t i = 0; i < n->nothers; i++)
			if (!chatperm_teaches(r, a->person, n->others[i]))
				return false;
		return true;
	default: return false;
	}
}
