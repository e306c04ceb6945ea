#include "chatrule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "vec.h"

static const char *const chat_kind_names[CHAT_KINDS] = {"staff", "class", "parents", "subject",
							 "other"};

const char *chat_kind_name(enum chat_kind kind)
{
	return (unsigned)kind < CHAT_KINDS ? chat_kind_names[kind] : NULL;
}

int chat_kind_parse(const char *name, enum chat_kind *out)
{
	for (int k = 0; name != NULL && k < CHAT_KINDS; k++)
		if (strcmp(name, chat_kind_names[k]) == 0) {
			*out = (enum chat_kind)k;
			return PARTA_OK;
		}
	return PARTA_EVALIDATION;
}

int chat_profile_parse(const char *name, enum chat_profile *out)
{
	static const char *const names[] = {"sgo", "bars", "paragraf"};
	for (int p = 0; name != NULL && p < 3; p++)
		if (strcmp(name, names[p]) == 0) {
			*out = (enum chat_profile)p;
			return PARTA_OK;
		}
	return PARTA_EVALIDATION;
}

const char *chat_kind_label(enum chat_profile profile, bool college, enum chat_kind kind)
{
	static const char *const bars[CHAT_KINDS] = {"Учительский чат", "Классный чат",
						     "Родительский чат", "Предметный чат", "Другое"};
	static const char *const sgo[CHAT_KINDS] = {"Учительская", "Класс", "Родители", "Предметы",
						    "Другое"};
	if ((unsigned)kind >= CHAT_KINDS)
		return NULL;
	if (profile == CHAT_BARS)
		return bars[kind];
	return kind == CHAT_CLASS && college ? "Группа" : sgo[kind];
}

int chat_key_cmp(const struct chat_key *a, const struct chat_key *b)
{
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->class_id != b->class_id)
		return a->class_id < b->class_id ? -1 : 1;
	return (a->load_id > b->load_id) - (a->load_id < b->load_id);
}

static bool chatrule_has_id(const int64_t *ids, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ids[mid] == id)
			return true;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

bool chatrule_in_scope(const struct chatrule_scope *scope, const struct chat_key *key)
{
	if (scope->all)
		return true;
	if (key->kind == CHAT_STAFF)
		return scope->staff;
	if (key->kind == CHAT_OTHER)
		return false;
	return chatrule_has_id(scope->class_ids, scope->nclass_ids, key->class_id);
}

void chatrule_set_free(struct chatrule_set *set)
{
	free(set->chats);
	free(set->members);
	memset(set, 0, sizeof *set);
}

const struct chatrule_chat *chatrule_find(const struct chatrule_set *set,
					  const struct chat_key *key)
{
	size_t lo = 0, hi = set->nchats;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = chat_key_cmp(&set->chats[mid].key, key);
		if (c == 0)
			return &set->chats[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- indexes over the roster, so that a whole organisation costs n log n ---- */

struct pair {
	int64_t a, b;
};

static int pair_cmp(const void *x, const void *y)
{
	const struct pair *p = x, *q = y;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return (p->b > q->b) - (p->b < q->b);
}

/* The first index in sorted `v` whose .a is >= key. */
static size_t pair_lower(const struct pair *v, size_t n, int64_t key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].a < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool pair_has(const struct pair *v, size_t n, int64_t a, int64_t b)
{
	for (size_t i = pair_lower(v, n, a); i < n && v[i].a == a; i++)
		if (v[i].b == b)
			return true;
	return false;
}

struct chatrule_index {
	struct pair *by_student;  /* (student, class) */
	struct pair *by_class;    /* (class, student) */
	struct pair *parents;     /* (class, parent) for enrolled children, unique */
	struct pair *employment;  /* (person, position) */
	struct pair *loads;       /* (class, load index) */
	size_t nenrol, nparents, nemployment, nloads;
};

static void chatrule_index_free(struct chatrule_index *ix)
{
	free(ix->by_student);
	free(ix->by_class);
	free(ix->parents);
	free(ix->employment);
	free(ix->loads);
}

static int64_t chatrule_class_of(const struct chatrule_index *ix, int64_t student)
{
	size_t i = pair_lower(ix->by_student, ix->nenrol, student);
	return i < ix->nenrol && ix->by_student[i].a == student ? ix->by_student[i].b : 0;
}

static int chatrule_index_build(const struct roster *r, struct chatrule_index *ix)
{
	memset(ix, 0, sizeof *ix);
	size_t ne = r->nenrolments, ng = r->nguardians, ns = r->nstaff, nl = r->nloads;
	ix->by_student = malloc((ne ? ne : 1) * sizeof *ix->by_student);
	ix->by_class = malloc((ne ? ne : 1) * sizeof *ix->by_class);
	ix->parents = malloc((ng ? ng : 1) * sizeof *ix->parents);
	ix->employment = malloc((ns ? ns : 1) * sizeof *ix->employment);
	ix->loads = malloc((nl ? nl : 1) * sizeof *ix->loads);
	if (!ix->by_student || !ix->by_class || !ix->parents || !ix->employment || !ix->loads) {
		chatrule_index_free(ix);
		return PARTA_ENOMEM;
	}
	for (size_t i = 0; i < ne; i++) {
		ix->by_student[i] = (struct pair){r->enrolments[i].student, r->enrolments[i].class_id};
		ix->by_class[i] = (struct pair){r->enrolments[i].class_id, r->enrolments[i].student};
	}
	ix->nenrol = ne;
	qsort(ix->by_student, ne, sizeof *ix->by_student, pair_cmp);
	qsort(ix->by_class, ne, sizeof *ix->by_class, pair_cmp);
	for (size_t i = 0; i < ng; i++) {
		int64_t c = chatrule_class_of(ix, r->guardians[i].student);
		if (c != 0)
			ix->parents[ix->nparents++] = (struct pair){c, r->guardians[i].parent};
	}
	qsort(ix->parents, ix->nparents, sizeof *ix->parents, pair_cmp);
	for (size_t i = 0; i < ns; i++)
		ix->employment[i] = (struct pair){r->staff[i].person, r->staff[i].position};
	ix->nemployment = ns;
	qsort(ix->employment, ns, sizeof *ix->employment, pair_cmp);
	for (size_t i = 0; i < nl; i++)
		ix->loads[i] = (struct pair){r->loads[i].class_id, (int64_t)i};
	ix->nloads = nl;
	qsort(ix->loads, nl, sizeof *ix->loads, pair_cmp);
	return PARTA_OK;
}

static bool chatrule_employed(const struct chatrule_index *ix, int64_t person)
{
	size_t i = pair_lower(ix->employment, ix->nemployment, person);
	return person != 0 && i < ix->nemployment && ix->employment[i].a == person;
}

/* ---- building the set ---- */

/* Opens a chat; members follow through chatrule_add until chatrule_close. */
static struct chatrule_chat *chatrule_open(struct chatrule_set *set, struct chat_key key,
					   int year)
{
	if (vec_reserve((void **)&set->chats, &set->capchats, set->nchats + 1,
			  sizeof *set->chats) != PARTA_OK)
		return NULL;
	struct chatrule_chat *c = &set->chats[set->nchats++];
	memset(c, 0, sizeof *c);
	c->key = key;
	c->year = year;
	c->first = set->nmembers;
	return c;
}

static int chatrule_add(struct chatrule_set *set, int64_t person, bool admin)
{
	if (person == 0)
		return PARTA_OK;
	if (vec_reserve((void **)&set->members, &set->capmembers, set->nmembers + 1,
			  sizeof *set->members) != PARTA_OK)
		return PARTA_ENOMEM;
	set->members[set->nmembers++] = (struct chatrule_member){person, admin};
	return PARTA_OK;
}

static int member_cmp(const void *x, const void *y)
{
	const struct chatrule_member *p = x, *q = y;
	return (p->person > q->person) - (p->person < q->person);
}

/* Sorts the last chat's members and merges duplicates (admin if any entry is). */
static void chatrule_close(struct chatrule_set *set)
{
	struct chatrule_chat *c = &set->chats[set->nchats - 1];
	struct chatrule_member *m = set->members + c->first;
	size_t n = set->nmembers - c->first, out = 0;
	if (n > 1)
		qsort(m, n, sizeof *m, member_cmp);
	for (size_t i = 0; i < n; i++) {
		if (out > 0 && m[out - 1].person == m[i].person)
			m[out - 1].admin = m[out - 1].admin || m[i].admin;
		else
			m[out++] = m[i];
	}
	c->n = out;
	set->nmembers = c->first + out;
}

static const struct chatrule_position *chatrule_position(const struct chatrule_org *org,
							 int64_t id)
{
	for (size_t i = 0; i < org->npositions; i++)
		if (org->positions[i].id == id)
			return &org->positions[i];
	return NULL;
}

static const char *chatrule_subject_name(const struct chatrule_org *org, int64_t id)
{
	for (size_t i = 0; i < org->nsubjects; i++)
		if (org->subjects[i].id == id)
			return org->subjects[i].name;
	return "?";
}

/* The bars chats administrator joins every chat as its admin. */
static int chatrule_add_chats_admin(struct chatrule_set *set, const struct chatrule_org *org)
{
	return org->profile == CHAT_BARS ? chatrule_add(set, org->chats_admin, true) : PARTA_OK;
}

static int chatrule_staff_room(const struct chatrule_index *ix, const struct chatrule_org *org,
			       struct chatrule_set *set)
{
	struct chatrule_chat *c = chatrule_open(set, (struct chat_key){CHAT_STAFF, 0, 0}, 0);
	if (c == NULL)
		return PARTA_ENOMEM;
	snprintf(c->name, sizeof c->name, "%s", "Учительская");
	int rc = PARTA_OK;
	for (size_t i = 0; i < ix->nemployment && rc == PARTA_OK; i++) {
		const struct chatrule_position *p = chatrule_position(org, ix->employment[i].b);
		bool member = p != NULL &&
			      (p->teaching || (org->profile == CHAT_BARS && p->administration));
		if (member)
			rc = chatrule_add(set, ix->employment[i].a, org->profile == CHAT_PARAGRAF);
	}
	for (size_t i = 0; org->profile == CHAT_SGO && i < org->nadmins && rc == PARTA_OK; i++)
		rc = chatrule_add(set, org->admins[i], true);
	if (rc == PARTA_OK)
		rc = chatrule_add_chats_admin(set, org);
	if (rc == PARTA_OK)
		chatrule_close(set);
	return rc;
}

static void chatrule_name(struct chatrule_chat *c, const struct chatrule_org *org,
			  const struct roster_class *cls, const char *sgo_suffix,
			  const char *bars_suffix)
{
	if (org->profile == CHAT_BARS)
		snprintf(c->name, sizeof c->name, "%s%s", cls->name, bars_suffix);
	else
		snprintf(c->name, sizeof c->name, "%s - %s", cls->name, sgo_suffix);
}

/* The class chat and the parents chat of one open class. */
static int chatrule_class_chats(const struct roster_class *cls, const struct chatrule_index *ix,
				const struct chatrule_org *org, struct chatrule_set *set)
{
	int64_t homeroom = chatrule_employed(ix, cls->homeroom) ? cls->homeroom : 0;
	struct chatrule_chat *c = chatrule_open(set, (struct chat_key){CHAT_CLASS, cls->id, 0},
						cls->year);
	if (c == NULL)
		return PARTA_ENOMEM;
	chatrule_name(c, org, cls, org->terms->students, "");
	int rc = chatrule_add(set, homeroom, true);
	for (size_t i = pair_lower(ix->by_class, ix->nenrol, cls->id);
	     rc == PARTA_OK && i < ix->nenrol && ix->by_class[i].a == cls->id; i++)
		rc = chatrule_add(set, ix->by_class[i].b, false);
	if (rc == PARTA_OK)
		rc = chatrule_add_chats_admin(set, org);
	if (rc != PARTA_OK)
		return rc;
	chatrule_close(set);

	c = chatrule_open(set, (struct chat_key){CHAT_PARENTS, cls->id, 0}, cls->year);
	if (c == NULL)
		return PARTA_ENOMEM;
	chatrule_name(c, org, cls, "Родители", " Родители");
	rc = chatrule_add(set, homeroom, true);
	for (size_t i = pair_lower(ix->parents, ix->nparents, cls->id);
	     rc == PARTA_OK && i < ix->nparents && ix->parents[i].a == cls->id; i++)
		rc = chatrule_add(set, ix->parents[i].b, false);
	if (rc == PARTA_OK)
		rc = chatrule_add_chats_admin(set, org);
	if (rc == PARTA_OK)
		chatrule_close(set);
	return rc;
}

/* The subject chat of one load. Loads of the same class and subject with subgroups are told
 * apart by their number among them in load order: «4а - Английский язык/1», «…/2». */
static int chatrule_subject_chat(const struct roster *r, const struct roster_class *cls,
				 const struct roster_load *l, const struct chatrule_index *ix,
				 const struct chatrule_org *org, struct chatrule_set *set)
{
	struct chatrule_chat *c =
		chatrule_open(set, (struct chat_key){CHAT_SUBJECT, cls->id, l->id}, cls->year);
	if (c == NULL)
		return PARTA_ENOMEM;
	c->subject_id = l->subject;
	const char *subject = chatrule_subject_name(org, l->subject);
	const char *sep = org->profile == CHAT_BARS ? "/" : " - ";
	if (l->nsubgroup == 0) {
		snprintf(c->name, sizeof c->name, "%s%s%s", cls->name, sep, subject);
	} else {
		int number = 1;
		for (size_t i = pair_lower(ix->loads, ix->nloads, cls->id);
		     i < ix->nloads && ix->loads[i].a == cls->id; i++) {
			const struct roster_load *o = &r->loads[ix->loads[i].b];
			if (o->subject == l->subject && o->nsubgroup > 0 && o->id < l->id)
				number++;
		}
		snprintf(c->name, sizeof c->name, "%s%s%s/%d", cls->name, sep, subject, number);
	}
	int rc = chatrule_add(set, chatrule_employed(ix, l->teacher) ? l->teacher : 0, true);
	if (l->nsubgroup == 0) {
		for (size_t i = pair_lower(ix->by_class, ix->nenrol, cls->id);
		     rc == PARTA_OK && i < ix->nenrol && ix->by_class[i].a == cls->id; i++)
			rc = chatrule_add(set, ix->by_class[i].b, false);
	} else {
		for (size_t i = 0; rc == PARTA_OK && i < l->nsubgroup; i++)
			if (pair_has(ix->by_class, ix->nenrol, cls->id, l->subgroup[i]))
				rc = chatrule_add(set, l->subgroup[i], false);
	}
	if (rc == PARTA_OK)
		rc = chatrule_add_chats_admin(set, org);
	if (rc == PARTA_OK)
		chatrule_close(set);
	return rc;
}

static int chat_cmp(const void *x, const void *y)
{
	const struct chatrule_chat *a = x, *b = y;
	return chat_key_cmp(&a->key, &b->key);
}

int chatrule_desired(const struct roster *r, const struct chatrule_org *org,
		     const struct chatrule_scope *scope, struct chatrule_set *out)
{
	memset(out, 0, sizeof *out);
	struct chatrule_index ix;
	int rc = chatrule_index_build(r, &ix);
	if (rc != PARTA_OK)
		return rc;
	if (scope->all || scope->staff)
		rc = chatrule_staff_room(&ix, org, out);
	for (size_t i = 0; i < r->nclasses && rc == PARTA_OK; i++) {
		const struct roster_class *cls = &r->classes[i];
		struct chat_key key = {CHAT_CLASS, cls->id, 0};
		if (!cls->open || !chatrule_in_scope(scope, &key))
			continue;
		rc = chatrule_class_chats(cls, &ix, org, out);
		for (size_t k = pair_lower(ix.loads, ix.nloads, cls->id);
		     rc == PARTA_OK && k < ix.nloads && ix.loads[k].a == cls->id; k++)
			rc = chatrule_subject_chat(r, cls, &r->loads[ix.loads[k].b], &ix, org, out);
	}
	chatrule_index_free(&ix);
	if (rc != PARTA_OK) {
		chatrule_set_free(out);
		return rc;
	}
	if (out->nchats > 1)
		qsort(out->chats, out->nchats, sizeof *out->chats, chat_cmp);
	return PARTA_OK;
}
