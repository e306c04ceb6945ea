/* test_chatrule.c — the chat rules of SPEC §3–4 per policy profile, the planner's incremental
 * sync against «Инициализировать список чатов», and a differential test: after every order of
 * many random histories (with cancellations and changes by hand), the rule flags kept by
 * incremental sync equal a full recompute.
 *
 * The stored chats are modelled here by a small in-memory table that applies plans the way
 * the store does (src/app/chatsync.c); the store itself is tested in test_chatsync.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/chatplan.h"
#include "core/chatrule.h"
#include "core/err.h"
#include "core/roster.h"

enum { C10A = 1, C10B = 2, C4A = 3 };                             /* classes */
enum { ANNA = 101, BORIS = 102, VERA = 103, GLEB = 104 };          /* students */
enum { PETROV = 201, SIDOROVA = 202, DIRECTOR = 203, ZAVHOZ = 204 }; /* staff */
enum { MOTHER = 301, FATHER = 302 };                              /* parents */
enum { TEACHER_POS = 11, DIRECTOR_POS = 12, SUPPORT_POS = 13 };   /* positions */
enum { MATH = 41, ENGLISH = 42 };                                 /* subjects */

static const struct chatrule_position positions[] = {
	{TEACHER_POS, true, false}, {DIRECTOR_POS, false, true}, {SUPPORT_POS, false, false}};
static const struct chatrule_subject subjects[] = {{MATH, "Математика"},
						   {ENGLISH, "Английский язык"}};
static const int64_t org_admins[] = {DIRECTOR};

static struct chatrule_org org_of(enum chat_profile profile, const char *type)
{
	return (struct chatrule_org){.profile = profile,
				     .terms = terms_for(type),
				     .chats_admin = profile == CHAT_BARS ? ZAVHOZ : 0,
				     .admins = org_admins,
				     .nadmins = 1,
				     .positions = positions,
				     .npositions = 3,
				     .subjects = subjects,
				     .nsubjects = 2};
}

/* ---- orders ---- */

static struct roster_order class_create(int64_t id, const char *name)
{
	return (struct roster_order){.kind = ROSTER_CLASS_CREATE, .class_id = id, .name = name,
				     .year = 2026, .parallel = 10};
}

static struct roster_order ord(enum roster_order_kind kind, int64_t person, int64_t class_id)
{
	return (struct roster_order){.kind = kind, .person = person, .class_id = class_id};
}

static struct roster_order guardian(enum roster_order_kind kind, int64_t parent, int64_t child)
{
	return (struct roster_order){.kind = kind, .person = parent, .student = child};
}

static struct roster_order load(int64_t id, int64_t class_id, int64_t subject, int64_t teacher)
{
	return (struct roster_order){.kind = ROSTER_LOAD_SET, .load_id = id, .class_id = class_id,
				     .subject = subject, .person = teacher};
}

static struct roster_order hire(int64_t person, int64_t position)
{
	return (struct roster_order){.kind = ROSTER_HIRE, .person = person, .position = position};
}

/* ---- a model of the stored chats ---- */

#define MODEL_CHATS 256
#define MODEL_ROWS 64

struct model_chat {
	int64_t id;
	struct chat_key key;
	bool archived;
	char name[CHATRULE_NAME_MAX + 1];
	struct chatplan_row rows[MODEL_ROWS]; /* sorted by person */
	size_t nrows;
};

struct model {
	struct model_chat chats[MODEL_CHATS]; /* sorted by key */
	size_t n;
	int64_t next_id;
};

static struct model_chat *model_find(struct model *m, struct chat_key key)
{
	for (size_t i = 0; i < m->n; i++)
		if (chat_key_cmp(&m->chats[i].key, &key) == 0)
			return &m->chats[i];
	return NULL;
}

static struct model_chat *model_by_id(struct model *m, int64_t id)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->chats[i].id == id)
			return &m->chats[i];
	return NULL;
}

static void model_set_row(struct model_chat *c, int64_t person, unsigned flags)
{
	size_t i = 0;
	while (i < c->nrows && c->rows[i].person < person)
		i++;
	bool present = i < c->nrows && c->rows[i].person == person;
	if (flags == 0) {
		if (present) {
			memmove(&c->rows[i], &c->rows[i + 1], (c->nrows - i - 1) * sizeof c->rows[0]);
			c->nrows--;
		}
		return;
	}
	if (!present) {
		assert_true(c->nrows < MODEL_ROWS);
		memmove(&c->rows[i + 1], &c->rows[i], (c->nrows - i) * sizeof c->rows[0]);
		c->nrows++;
	}
	c->rows[i] = (struct chatplan_row){person, flags};
}

static unsigned model_flags(const struct model_chat *c, int64_t person)
{
	for (size_t i = 0; c && i < c->nrows; i++)
		if (c->rows[i].person == person)
			return c->rows[i].flags;
	return 0;
}

static void model_apply(struct model *m, const struct chatplan *plan)
{
	for (size_t i = 0; i < plan->nitems; i++) {
		const struct chatplan_item *it = &plan->items[i];
		struct model_chat *c = it->chat_id ? model_by_id(m, it->chat_id) : NULL;
		if (it->action == CHATPLAN_CREATE) {
			assert_null(model_find(m, it->key));
			assert_true(m->n < MODEL_CHATS);
			size_t at = 0;
			while (at < m->n && chat_key_cmp(&m->chats[at].key, &it->key) < 0)
				at++;
			memmove(&m->chats[at + 1], &m->chats[at], (m->n - at) * sizeof m->chats[0]);
			m->n++;
			c = &m->chats[at];
			memset(c, 0, sizeof *c);
			c->id = ++m->next_id;
			c->key = it->key;
			snprintf(c->name, sizeof c->name, "%s", it->want->name);
		}
		assert_non_null(c);
		if (it->action == CHATPLAN_ARCHIVE)
			c->archived = true;
		if (it->action == CHATPLAN_UNARCHIVE)
			c->archived = false;
		for (size_t k = it->first; k < it->first + it->n; k++) {
			assert_int_equal(model_flags(c, plan->changes[k].person),
					 plan->changes[k].before);
			model_set_row(c, plan->changes[k].person, plan->changes[k].after);
		}
	}
}

/* Plans and applies one pass over `scope`. */
static void model_pass(struct model *m, const struct roster *r, const struct chatrule_org *org,
		       const struct chatrule_scope *scope, const struct chatplan_opts *opts,
		       struct chatplan *plan_out)
{
	struct chatrule_set want;
	assert_int_equal(chatrule_desired(r, org, scope, &want), PARTA_OK);
	static struct chatplan_stored stored[MODEL_CHATS];
	static struct chatplan_row rows[MODEL_CHATS * MODEL_ROWS];
	size_t ns = 0, nr = 0;
	for (size_t i = 0; i < m->n; i++) {
		if (!chatrule_in_scope(scope, &m->chats[i].key))
			continue;
		stored[ns++] = (struct chatplan_stored){m->chats[i].id, m->chats[i].key,
							m->chats[i].archived, nr, m->chats[i].nrows};
		memcpy(&rows[nr], m->chats[i].rows, m->chats[i].nrows * sizeof rows[0]);
		nr += m->chats[i].nrows;
	}
	struct chatplan_actual actual = {stored, ns, rows};
	struct chatplan plan;
	assert_int_equal(chatplan_make(&want, &actual, opts, &plan), PARTA_OK);
	model_apply(m, &plan);
	if (plan_out)
		*plan_out = plan;
	else
		chatplan_free(&plan);
	chatrule_set_free(&want);
}

/* Incremental sync after one roster change, exactly as an order does it. */
static void model_sync(struct model *m, const struct roster *before, const struct roster *after,
		       const struct chatrule_org *org)
{
	struct roster_touched t;
	assert_int_equal(roster_diff(before, after, &t), PARTA_OK);
	/* The staff room is made by the first event, whatever it touches. */
	bool staff = t.staff || model_find(m, (struct chat_key){CHAT_STAFF, 0, 0}) == NULL;
	struct chatrule_scope scope = {false, staff, t.class_ids, t.nclass_ids};
	struct chatplan_opts opts = {false, (1u << CHAT_KINDS) - 1, chatplan_auto_kinds(org->profile)};
	model_pass(m, after, org, &scope, &opts, NULL);
	roster_touched_free(&t);
}

static void model_initialize(struct model *m, const struct roster *r,
			     const struct chatrule_org *org, unsigned kinds, struct chatplan *plan)
{
	struct chatrule_scope all = {.all = true};
	struct chatplan_opts opts = {true, kinds, kinds & chatplan_init_kinds(org->profile)};
	model_pass(m, r, org, &all, &opts, plan);
}

/* Applies an order to `r` and syncs the model. */
static void issue(struct model *m, struct roster *r, const struct chatrule_org *org,
		  struct roster_order o)
{
	struct roster before;
	assert_int_equal(roster_copy(&before, r), PARTA_OK);
	char why[200] = "";
	int rc = roster_apply(r, &o, why, sizeof why);
	if (rc != PARTA_OK)
		fail_msg("order kind %d refused: %s", o.kind, why);
	model_sync(m, &before, r, org);
	roster_free(&before);
}

static bool member(struct model *m, enum chat_kind kind, int64_t cls, int64_t load_id,
		   int64_t person)
{
	struct model_chat *c = model_find(m, (struct chat_key){kind, cls, load_id});
	return c && !c->archived && chatm_member(model_flags(c, person));
}

static bool admin(struct model *m, enum chat_kind kind, int64_t cls, int64_t load_id,
		  int64_t person)
{
	struct model_chat *c = model_find(m, (struct chat_key){kind, cls, load_id});
	return c && chatm_admin(model_flags(c, person));
}

static size_t members(struct model *m, enum chat_kind kind, int64_t cls, int64_t load_id)
{
	struct model_chat *c = model_find(m, (struct chat_key){kind, cls, load_id});
	size_t n = 0;
	for (size_t i = 0; c && i < c->nrows; i++)
		n += chatm_member(c->rows[i].flags);
	return n;
}

/* A school: 10А (homeroom Petrov, Anna and Boris, both children of Mother), 10Б (Vera),
 * Sidorova teaches maths in 10А, a director, a caretaker. */
static void school(struct model *m, struct roster *r, const struct chatrule_org *org)
{
	memset(m, 0, sizeof *m);
	roster_init(r);
	const struct roster_order base[] = {
		hire(PETROV, TEACHER_POS), hire(SIDOROVA, TEACHER_POS),
		hire(DIRECTOR, DIRECTOR_POS), hire(ZAVHOZ, SUPPORT_POS),
		class_create(C10A, "10А"), class_create(C10B, "10Б"),
		ord(ROSTER_HOMEROOM, PETROV, C10A),
		ord(ROSTER_ENROL, ANNA, C10A), ord(ROSTER_ENROL, BORIS, C10A),
		ord(ROSTER_ENROL, VERA, C10B),
		guardian(ROSTER_GUARDIAN_ADD, MOTHER, ANNA), guardian(ROSTER_GUARDIAN_ADD, MOTHER, BORIS),
		load(1, C10A, MATH, SIDOROVA),
	};
	for (size_t i = 0; i < sizeof base / sizeof base[0]; i++)
		issue(m, r, org, base[i]);
}

static const char *name_of(struct model *m, enum chat_kind kind, int64_t cls, int64_t load_id)
{
	struct model_chat *c = model_find(m, (struct chat_key){kind, cls, load_id});
	return c ? c->name : "(none)";
}

/* ---- tests ---- */

static void test_names_and_labels(void **state)
{
	(void)state;
	struct model m;
	struct roster r;
	struct chatrule_org sgo = org_of(CHAT_SGO, "school");
	school(&m, &r, &sgo);
	issue(&m, &r, &sgo, class_create(C4A, "4а"));
	int64_t half1[] = {ANNA}, half2[] = {BORIS};
	struct roster_order g1 = load(2, C10A, ENGLISH, PETROV), g2 = load(3, C10A, ENGLISH, PETROV);
	g1.subgroup = half1, g1.nsubgroup = 1, g2.subgroup = half2, g2.nsubgroup = 1;
	issue(&m, &r, &sgo, g1);
	issue(&m, &r, &sgo, g2);
	model_initialize(&m, &r, &sgo, chatplan_init_kinds(CHAT_SGO), NULL);
	assert_string_equal(name_of(&m, CHAT_STAFF, 0, 0), "Учительская");
	assert_string_equal(name_of(&m, CHAT_CLASS, C10A, 0), "10А - Ученики");
	assert_string_equal(name_of(&m, CHAT_PARENTS, C4A, 0), "4а - Родители");
	assert_string_equal(name_of(&m, CHAT_SUBJECT, C10A, 1), "10А - Математика");
	assert_string_equal(name_of(&m, CHAT_SUBJECT, C10A, 2), "10А - Английский язык/1");
	assert_string_equal(name_of(&m, CHAT_SUBJECT, C10A, 3), "10А - Английский язык/2");
	roster_free(&r);

	struct chatrule_org college = org_of(CHAT_SGO, "college");
	memset(&m, 0, sizeof m);
	roster_init(&r);
	issue(&m, &r, &college, class_create(C10A, "ДО-19-3"));
	assert_string_equal(name_of(&m, CHAT_CLASS, C10A, 0), "ДО-19-3 - Студенты");
	roster_free(&r);

	struct chatrule_org bars = org_of(CHAT_BARS, "school");
	memset(&m, 0, sizeof m);
	roster_init(&r);
	issue(&m, &r, &bars, class_create(C10A, "8 К"));
	assert_string_equal(name_of(&m, CHAT_CLASS, C10A, 0), "8 К");
	assert_string_equal(name_of(&m, CHAT_PARENTS, C10A, 0), "8 К Родители");
	roster_free(&r);

	assert_string_equal(chat_kind_label(CHAT_BARS, false, CHAT_STAFF), "Учительский чат");
	assert_string_equal(chat_kind_label(CHAT_SGO, false, CHAT_CLASS), "Класс");
	assert_string_equal(chat_kind_label(CHAT_SGO, true, CHAT_CLASS), "Группа");
	assert_string_equal(chat_kind_label(CHAT_PARAGRAF, false, CHAT_SUBJECT), "Предметы");
	enum chat_kind k;
	for (int i = 0; i < CHAT_KINDS; i++) {
		assert_int_equal(chat_kind_parse(chat_kind_name((enum chat_kind)i), &k), PARTA_OK);
		assert_int_equal(k, i);
	}
	assert_int_equal(chat_kind_parse("room", &k), PARTA_EVALIDATION);
	enum chat_profile p;
	assert_int_equal(chat_profile_parse("bars", &p), PARTA_OK);
	assert_int_equal(p, CHAT_BARS);
	assert_int_equal(chat_profile_parse("vk", &p), PARTA_EVALIDATION);
}

static void test_staff_room_per_profile(void **state)
{
	(void)state;
	struct model m;
	struct roster r;
	struct chatrule_org sgo = org_of(CHAT_SGO, "school");
	school(&m, &r, &sgo);
	/* sgo: teachers; the organisation's administrator is its admin. */
	assert_true(member(&m, CHAT_STAFF, 0, 0, PETROV) && member(&m, CHAT_STAFF, 0, 0, SIDOROVA));
	assert_false(admin(&m, CHAT_STAFF, 0, 0, PETROV));
	assert_true(admin(&m, CHAT_STAFF, 0, 0, DIRECTOR));
	assert_false(member(&m, CHAT_STAFF, 0, 0, ZAVHOZ));
	assert_int_equal(members(&m, CHAT_STAFF, 0, 0), 3);
	roster_free(&r);

	struct chatrule_org bars = org_of(CHAT_BARS, "school");
	school(&m, &r, &bars);
	/* bars: «Администрация» and «Педагогический состав», and the chats administrator (here
	 * the caretaker, whose own position would not count) as its admin. */
	assert_true(member(&m, CHAT_STAFF, 0, 0, DIRECTOR) && member(&m, CHAT_STAFF, 0, 0, PETROV));
	assert_false(admin(&m, CHAT_STAFF, 0, 0, DIRECTOR));
	assert_true(admin(&m, CHAT_STAFF, 0, 0, ZAVHOZ));
	assert_int_equal(members(&m, CHAT_STAFF, 0, 0), 4);
	/* …and member and admin of every other chat. */
	assert_true(admin(&m, CHAT_CLASS, C10B, 0, ZAVHOZ) && admin(&m, CHAT_PARENTS, C10A, 0, ZAVHOZ));
	roster_free(&r);

	struct chatrule_org paragraf = org_of(CHAT_PARAGRAF, "school");
	school(&m, &r, &paragraf);
	/* paragraf: every teacher, each one admin; not the director. */
	assert_true(admin(&m, CHAT_STAFF, 0, 0, PETROV) && admin(&m, CHAT_STAFF, 0, 0, SIDOROVA));
	assert_false(member(&m, CHAT_STAFF, 0, 0, DIRECTOR));
	assert_int_equal(members(&m, CHAT_STAFF, 0, 0), 2);
	/* A dismissed teacher leaves it; cancelling the dismissal (the same roster again)
	 * brings them back. */
	struct roster kept;
	assert_int_equal(roster_copy(&kept, &r), PARTA_OK);
	issue(&m, &r, &paragraf, ord(ROSTER_DISMISS, SIDOROVA, 0));
	assert_false(member(&m, CHAT_STAFF, 0, 0, SIDOROVA));
	model_sync(&m, &r, &kept, &paragraf);
	assert_true(admin(&m, CHAT_STAFF, 0, 0, SIDOROVA));
	roster_free(&kept);
	roster_free(&r);
}

static void test_class_and_parents_chats(void **state)
{
	(void)state;
	struct model m;
	struct roster r;
	struct chatrule_org org = org_of(CHAT_SGO, "school");
	school(&m, &r, &org);
	/* Created with the class (sgo), homeroom teacher as admin. */
	assert_true(admin(&m, CHAT_CLASS, C10A, 0, PETROV));
	assert_true(member(&m, CHAT_CLASS, C10A, 0, ANNA) && member(&m, CHAT_CLASS, C10A, 0, BORIS));
	assert_false(admin(&m, CHAT_CLASS, C10A, 0, ANNA));
	assert_true(admin(&m, CHAT_PARENTS, C10A, 0, PETROV));
	assert_true(member(&m, CHAT_PARENTS, C10A, 0, MOTHER));
	assert_false(member(&m, CHAT_PARENTS, C10A, 0, ANNA));
	assert_int_equal(members(&m, CHAT_PARENTS, C10A, 0), 2);
	/* 10Б has no homeroom teacher: only Vera; no parents. */
	assert_int_equal(members(&m, CHAT_CLASS, C10B, 0), 1);
	assert_int_equal(members(&m, CHAT_PARENTS, C10B, 0), 0);
	/* A parent with two children in a class stays when one of them leaves. */
	issue(&m, &r, &org, ord(ROSTER_WITHDRAW, ANNA, 0));
	assert_false(member(&m, CHAT_CLASS, C10A, 0, ANNA));
	assert_true(member(&m, CHAT_PARENTS, C10A, 0, MOTHER));
	/* Transfer: Boris and his mother move to 10Б's chats. */
	issue(&m, &r, &org, ord(ROSTER_TRANSFER, BORIS, C10B));
	assert_false(member(&m, CHAT_CLASS, C10A, 0, BORIS));
	assert_false(member(&m, CHAT_PARENTS, C10A, 0, MOTHER));
	assert_true(member(&m, CHAT_CLASS, C10B, 0, BORIS));
	assert_true(member(&m, CHAT_PARENTS, C10B, 0, MOTHER));
	/* A teacher who is also a parent: Sidorova's son joins 10А. */
	issue(&m, &r, &org, ord(ROSTER_ENROL, GLEB, C10A));
	issue(&m, &r, &org, guardian(ROSTER_GUARDIAN_ADD, SIDOROVA, GLEB));
	assert_true(member(&m, CHAT_PARENTS, C10A, 0, SIDOROVA));
	assert_false(admin(&m, CHAT_PARENTS, C10A, 0, SIDOROVA));
	assert_true(member(&m, CHAT_STAFF, 0, 0, SIDOROVA));
	/* Guardianship removed: out of the parents chat. */
	issue(&m, &r, &org, guardian(ROSTER_GUARDIAN_REMOVE, SIDOROVA, GLEB));
	assert_false(member(&m, CHAT_PARENTS, C10A, 0, SIDOROVA));
	/* Dismissal of the homeroom teacher: out of both chats, which have no admin now. */
	issue(&m, &r, &org, ord(ROSTER_DISMISS, PETROV, 0));
	assert_false(member(&m, CHAT_CLASS, C10A, 0, PETROV));
	assert_false(member(&m, CHAT_PARENTS, C10A, 0, PETROV));
	assert_false(member(&m, CHAT_STAFF, 0, 0, PETROV));
	roster_free(&r);
}

static void test_subject_chats(void **state)
{
	(void)state;
	struct model m;
	struct roster r;
	struct chatrule_org org = org_of(CHAT_SGO, "school");
	school(&m, &r, &org);
	/* sgo: subject chats come from «Инициализировать список чатов», not from orders. */
	assert_null(model_find(&m, (struct chat_key){CHAT_SUBJECT, C10A, 1}));
	struct chatplan plan;
	model_initialize(&m, &r, &org, CHAT_KIND_BIT(CHAT_SUBJECT), &plan);
	assert_int_equal(plan.created, 1);
	assert_int_equal(plan.joined, 3);
	chatplan_free(&plan);
	assert_true(admin(&m, CHAT_SUBJECT, C10A, 1, SIDOROVA));
	assert_true(member(&m, CHAT_SUBJECT, C10A, 1, ANNA) && member(&m, CHAT_SUBJECT, C10A, 1, BORIS));
	/* Once made, they follow the orders: a new student joins it. */
	issue(&m, &r, &org, ord(ROSTER_ENROL, GLEB, C10A));
	assert_true(member(&m, CHAT_SUBJECT, C10A, 1, GLEB));
	/* The homeroom teacher who also teaches in the class keeps that subject chat when the
	 * homeroom moves to someone else. */
	issue(&m, &r, &org, load(1, C10A, MATH, PETROV));
	assert_false(member(&m, CHAT_SUBJECT, C10A, 1, SIDOROVA));
	assert_true(admin(&m, CHAT_SUBJECT, C10A, 1, PETROV));
	issue(&m, &r, &org, ord(ROSTER_HOMEROOM, SIDOROVA, C10A));
	assert_true(admin(&m, CHAT_SUBJECT, C10A, 1, PETROV));
	assert_false(member(&m, CHAT_CLASS, C10A, 0, PETROV));
	assert_true(admin(&m, CHAT_CLASS, C10A, 0, SIDOROVA));
	/* A subgroup load: only its students (who are still in the class). */
	int64_t half[] = {ANNA, GLEB};
	struct roster_order eng = load(2, C10A, ENGLISH, SIDOROVA);
	eng.subgroup = half, eng.nsubgroup = 2;
	issue(&m, &r, &org, eng);
	model_initialize(&m, &r, &org, CHAT_KIND_BIT(CHAT_SUBJECT), NULL);
	assert_true(member(&m, CHAT_SUBJECT, C10A, 2, ANNA));
	assert_false(member(&m, CHAT_SUBJECT, C10A, 2, BORIS));
	issue(&m, &r, &org, ord(ROSTER_TRANSFER, GLEB, C10B));
	assert_false(member(&m, CHAT_SUBJECT, C10A, 2, GLEB));
	assert_int_equal(members(&m, CHAT_SUBJECT, C10A, 2), 2);
	/* A load without a teacher keeps its students and has no admin. */
	issue(&m, &r, &org, load(1, C10A, MATH, 0));
	assert_int_equal(members(&m, CHAT_SUBJECT, C10A, 1), 2);
	roster_free(&r);

	/* bars and paragraf: Initialize never creates subject chats. */
	enum chat_profile others[] = {CHAT_BARS, CHAT_PARAGRAF};
	for (size_t i = 0; i < 2; i++) {
		struct chatrule_org o = org_of(others[i], "school");
		school(&m, &r, &o);
		model_initialize(&m, &r, &o, (1u << CHAT_KINDS) - 1, &plan);
		assert_int_equal(plan.created, 0);
		chatplan_free(&plan);
		assert_null(model_find(&m, (struct chat_key){CHAT_SUBJECT, C10A, 1}));
		roster_free(&r);
	}
}

static void test_cancellations(void **state)
{
	(void)state;
	struct model m;
	struct roster r;
	struct chatrule_org org = org_of(CHAT_SGO, "school");
	school(&m, &r, &org);
	/* A cancelled withdrawal brings the student and her parent back. */
	issue(&m, &r, &org, ord(ROSTER_TRANSFER, BORIS, C10B));
	struct roster before_withdrawal;
	assert_int_equal(roster_copy(&before_withdrawal, &r), PARTA_OK);
	issue(&m, &r, &org, ord(ROSTER_WITHDRAW, ANNA, 0));
	assert_false(member(&m, CHAT_PARENTS, C10A, 0, MOTHER));
	model_sync(&m, &r, &before_withdrawal, &org);
	assert_true(member(&m, CHAT_CLASS, C10A, 0, ANNA));
	assert_true(member(&m, CHAT_PARENTS, C10A, 0, MOTHER));
	/* A cancelled enrolment takes the student out (replay without it). */
	struct roster_order history[] = {
		hire(PETROV, TEACHER_POS), class_create(C10A, "10А"),
		ord(ROSTER_ENROL, ANNA, C10A), ord(ROSTER_ENROL, VERA, C10A),
		guardian(ROSTER_GUARDIAN_ADD, FATHER, VERA),
	};
	struct roster full, without;
	size_t nfailed;
	int64_t failed[2];
	assert_int_equal(roster_replay(history, 5, 5, &full, failed, 2, &nfailed), PARTA_OK);
	assert_int_equal(roster_replay(history, 5, 3, &without, failed, 2, &nfailed), PARTA_OK);
	assert_int_equal(nfailed, 0);
	struct model m2 = {0};
	struct roster empty;
	roster_init(&empty);
	model_sync(&m2, &empty, &full, &org);
	assert_true(member(&m2, CHAT_PARENTS, C10A, 0, FATHER));
	model_sync(&m2, &full, &without, &org);
	assert_false(member(&m2, CHAT_CLASS, C10A, 0, VERA));
	assert_false(member(&m2, CHAT_PARENTS, C10A, 0, FATHER));
	assert_true(member(&m2, CHAT_CLASS, C10A, 0, ANNA));
	roster_free(&full);
	roster_free(&without);
	roster_free(&before_withdrawal);
	roster_free(&r);
}

/* Changes by hand survive incremental sync and are undone by Initialize. */
static void test_manual_changes(void **state)
{
	(void)state;
	struct model m;
	struct roster r;
	struct chatrule_org org = org_of(CHAT_SGO, "school");
	school(&m, &r, &org);
	struct model_chat *cls = model_find(&m, (struct chat_key){CHAT_CLASS, C10A, 0});
	/* The director added by hand; Boris removed by hand; Petrov's admin role revoked;
	 * Anna appointed admin. */
	model_set_row(cls, DIRECTOR, chatm_add_by_hand(model_flags(cls, DIRECTOR)));
	model_set_row(cls, BORIS, chatm_remove_by_hand(model_flags(cls, BORIS)));
	model_set_row(cls, PETROV, chatm_revoke_admin(model_flags(cls, PETROV)));
	model_set_row(cls, ANNA, chatm_grant_admin(model_flags(cls, ANNA)));
	/* Unrelated orders in the same class: nothing of that is undone. */
	issue(&m, &r, &org, ord(ROSTER_ENROL, GLEB, C10A));
	issue(&m, &r, &org, guardian(ROSTER_GUARDIAN_ADD, FATHER, GLEB));
	assert_true(member(&m, CHAT_CLASS, C10A, 0, DIRECTOR));
	assert_false(member(&m, CHAT_CLASS, C10A, 0, BORIS));
	assert_true(member(&m, CHAT_CLASS, C10A, 0, PETROV));
	assert_false(admin(&m, CHAT_CLASS, C10A, 0, PETROV));
	assert_true(admin(&m, CHAT_CLASS, C10A, 0, ANNA));
	assert_true(member(&m, CHAT_CLASS, C10A, 0, GLEB));
	/* Boris leaving the rule and coming back by a cancel does not override the hand. */
	struct roster kept;
	assert_int_equal(roster_copy(&kept, &r), PARTA_OK);
	issue(&m, &r, &org, ord(ROSTER_TRANSFER, BORIS, C10B));
	model_sync(&m, &r, &kept, &org);
	assert_false(member(&m, CHAT_CLASS, C10A, 0, BORIS));
	roster_free(&r);
	r = kept;
	/* Initialize: exactly the rule. */
	struct chatplan plan;
	model_initialize(&m, &r, &org, CHAT_KIND_BIT(CHAT_CLASS), &plan);
	assert_int_equal(plan.created, 0);
	assert_int_equal(plan.joined, 1); /* Boris */
	assert_int_equal(plan.left, 1);   /* the director */
	chatplan_free(&plan);
	assert_false(member(&m, CHAT_CLASS, C10A, 0, DIRECTOR));
	assert_true(member(&m, CHAT_CLASS, C10A, 0, BORIS));
	assert_true(admin(&m, CHAT_CLASS, C10A, 0, PETROV));
	assert_false(admin(&m, CHAT_CLASS, C10A, 0, ANNA));
	/* A second run finds nothing to do; so does a second run of every kind. */
	model_initialize(&m, &r, &org, CHAT_KIND_BIT(CHAT_CLASS), &plan);
	assert_int_equal(plan.nitems, 0);
	chatplan_free(&plan);
	model_initialize(&m, &r, &org, (1u << CHAT_KINDS) - 1, &plan);
	assert_int_equal(plan.created, 1); /* the maths chat (sgo) */
	chatplan_free(&plan);
	model_initialize(&m, &r, &org, (1u << CHAT_KINDS) - 1, &plan);
	assert_int_equal(plan.nitems, 0);
	chatplan_free(&plan);
	/* Flags: granting admin to a non-member makes them a member by hand. */
	assert_true(chatm_admin(chatm_grant_admin(0)));
	assert_false(chatm_member(chatm_remove_by_hand(chatm_grant_admin(CHATM_RULE))));
	assert_int_equal(chatm_remove_by_hand(CHATM_MANUAL), 0);
	roster_free(&r);
}

/* Closing a class archives its chats with their members; reopening by a cancel brings them
 * back; a year transition archives the year's chats and the next year gets new ones. */
static void test_archive_and_year_transition(void **state)
{
	(void)state;
	struct model m;
	struct roster r;
	struct chatrule_org org = org_of(CHAT_SGO, "school");
	school(&m, &r, &org);
	model_initialize(&m, &r, &org, CHAT_KIND_BIT(CHAT_SUBJECT), NULL);
	struct roster kept;
	assert_int_equal(roster_copy(&kept, &r), PARTA_OK);
	issue(&m, &r, &org, ord(ROSTER_WITHDRAW, VERA, 0));
	issue(&m, &r, &org, ord(ROSTER_CLASS_CLOSE, 0, C10B));
	struct model_chat *c = model_find(&m, (struct chat_key){CHAT_CLASS, C10B, 0});
	assert_true(c->archived);
	model_sync(&m, &r, &kept, &org);
	assert_false(c->archived);
	assert_true(member(&m, CHAT_CLASS, C10B, 0, VERA));
	roster_free(&r);
	r = kept;

	struct roster_carry carry[] = {{C10A, 11, "11А"}};
	struct roster_order year = {.kind = ROSTER_YEAR_TRANSITION, .year = 2026,
				    .carry = carry, .ncarry = 1, .last_parallel = 11};
	/* 10Б is not carried and is not the last parallel: close it first. */
	issue(&m, &r, &org, ord(ROSTER_WITHDRAW, VERA, 0));
	issue(&m, &r, &org, ord(ROSTER_CLASS_CLOSE, 0, C10B));
	issue(&m, &r, &org, year);
	struct model_chat *old = model_find(&m, (struct chat_key){CHAT_CLASS, C10A, 0});
	assert_true(old->archived);
	assert_true(chatm_member(model_flags(old, ANNA))); /* history readable */
	assert_true(model_find(&m, (struct chat_key){CHAT_SUBJECT, C10A, 1})->archived);
	assert_true(member(&m, CHAT_CLASS, 11, 0, ANNA));
	assert_true(admin(&m, CHAT_CLASS, 11, 0, PETROV));
	assert_true(member(&m, CHAT_PARENTS, 11, 0, MOTHER));
	assert_string_equal(name_of(&m, CHAT_CLASS, 11, 0), "11А - Ученики");
	roster_free(&r);
}

/* ---- the differential test ---- */

static uint32_t rng_next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Every stored default chat that is not archived has exactly the rule flags of a full
 * recompute, and every chat the profile keeps automatically exists. */
static void assert_matches_full(struct model *m, const struct roster *r,
				const struct chatrule_org *org)
{
	struct chatrule_scope all = {.all = true};
	struct chatrule_set want;
	assert_int_equal(chatrule_desired(r, org, &all, &want), PARTA_OK);
	for (size_t i = 0; i < want.nchats; i++) {
		const struct chatrule_chat *w = &want.chats[i];
		struct model_chat *c = model_find(m, w->key);
		if (c == NULL) {
			assert_false(chatplan_auto_kinds(org->profile) & CHAT_KIND_BIT(w->key.kind));
			continue;
		}
		assert_false(c->archived);
		size_t rule_rows = 0;
		for (size_t k = 0; k < c->nrows; k++)
			rule_rows += (c->rows[k].flags & CHATM_RULE) != 0;
		assert_int_equal(rule_rows, w->n);
		for (size_t k = 0; k < w->n; k++) {
			const struct chatrule_member *mm = &want.members[w->first + k];
			unsigned f = model_flags(c, mm->person);
			assert_true(f & CHATM_RULE);
			assert_int_equal((f & CHATM_RULE_ADMIN) != 0, mm->admin);
		}
	}
	for (size_t i = 0; i < m->n; i++)
		if (!m->chats[i].archived)
			assert_non_null(chatrule_find(&want, &m->chats[i].key));
	chatrule_set_free(&want);
}

static struct roster_order random_order(uint32_t *s, int64_t id, int64_t sub[3])
{
	static const enum roster_order_kind kinds[] = {
		ROSTER_ENROL,	 ROSTER_ENROL,	      ROSTER_WITHDRAW,	   ROSTER_TRANSFER,
		ROSTER_HIRE,	 ROSTER_DISMISS,      ROSTER_HOMEROOM,	   ROSTER_LOAD_SET,
		ROSTER_LOAD_SET, ROSTER_GUARDIAN_ADD, ROSTER_GUARDIAN_ADD, ROSTER_GUARDIAN_REMOVE,
		ROSTER_POSITION_CHANGE, ROSTER_CLASS_CREATE, ROSTER_CLASS_CLOSE};
	struct roster_order o = {
		.id = id,
		.kind = kinds[rng_next(s) % (sizeof kinds / sizeof kinds[0])],
		.class_id = 1 + rng_next(s) % 3,
		.position = TEACHER_POS + rng_next(s) % 3,
		.load_id = 1 + rng_next(s) % 4,
		.name = "5В",
		.year = 2026,
		.parallel = 5,
	};
	o.subject = o.load_id % 2 ? MATH : ENGLISH;
	bool staff_kind = o.kind == ROSTER_HIRE || o.kind == ROSTER_DISMISS ||
			  o.kind == ROSTER_HOMEROOM || o.kind == ROSTER_LOAD_SET ||
			  o.kind == ROSTER_POSITION_CHANGE;
	o.person = staff_kind ? 200 + rng_next(s) % 4 : 100 + rng_next(s) % 8;
	if (o.kind == ROSTER_GUARDIAN_ADD || o.kind == ROSTER_GUARDIAN_REMOVE) {
		/* parents are persons 300.., or sometimes a teacher */
		o.person = rng_next(s) % 5 == 0 ? 200 + rng_next(s) % 4 : 300 + rng_next(s) % 4;
		o.student = 100 + rng_next(s) % 8;
	}
	if ((o.kind == ROSTER_HOMEROOM || o.kind == ROSTER_LOAD_SET) && rng_next(s) % 6 == 0)
		o.person = 0;
	if (o.kind == ROSTER_LOAD_SET && o.load_id > 2) {
		for (int k = 0; k < 3; k++)
			sub[k] = 100 + rng_next(s) % 8;
		o.subgroup = sub;
		o.nsubgroup = 1 + rng_next(s) % 3;
	}
	if (o.kind == ROSTER_LOAD_SET)
		o.class_id = 1 + (o.load_id - 1) % 3; /* a load stays in its class */
	return o;
}

/* A hand-made change on a random stored chat. */
static void random_manual(struct model *m, uint32_t *s)
{
	if (m->n == 0)
		return;
	struct model_chat *c = &m->chats[rng_next(s) % m->n];
	if (c->archived)
		return;
	int64_t person = rng_next(s) % 2 ? 100 + rng_next(s) % 8 : 200 + rng_next(s) % 4;
	unsigned f = model_flags(c, person);
	switch (rng_next(s) % 4) {
	case 0: f = chatm_add_by_hand(f); break;
	case 1: f = chatm_remove_by_hand(f); break;
	case 2: f = chatm_grant_admin(f); break;
	default: f = chatm_revoke_admin(f); break;
	}
	model_set_row(c, person, f);
}

static size_t soak_sequences(size_t fallback)
{
	const char *v = getenv("PARTA_SOAK_SEQUENCES");
	return v ? (size_t)strtoul(v, NULL, 10) : fallback;
}

static void test_incremental_equals_full_recompute(void **state)
{
	(void)state;
	size_t sequences = soak_sequences(400);
	size_t applied_total = 0, cancelled_total = 0;
	for (int profile = CHAT_SGO; profile <= CHAT_PARAGRAF; profile++) {
		struct chatrule_org org = org_of((enum chat_profile)profile, "school");
		org.chats_admin = profile == CHAT_BARS ? 203 : 0;
		for (size_t seq = 0; seq < sequences; seq++) {
			uint32_t s = (uint32_t)(seq + 1) * 2654435761u + (uint32_t)profile;
			static struct model m;
			memset(&m, 0, sizeof m);
			struct roster r;
			roster_init(&r);
			struct roster_order accepted[40];
			int64_t subs[40][3];
			size_t n = 0;
			for (int step = 0; step < 40; step++) {
				struct roster before;
				assert_int_equal(roster_copy(&before, &r), PARTA_OK);
				uint32_t what = rng_next(&s) % 10;
				if (what == 0 && n > 0) {
					/* cancel a random earlier order unless others depend on it */
					size_t skip = rng_next(&s) % n;
					struct roster replayed;
					size_t nfailed;
					int64_t failed[1];
					assert_int_equal(roster_replay(accepted, n, skip, &replayed,
								       failed, 1, &nfailed),
							 PARTA_OK);
					if (nfailed == 0) {
						memmove(&accepted[skip], &accepted[skip + 1],
							(n - skip - 1) * sizeof accepted[0]);
						n--;
						roster_free(&r);
						r = replayed;
						cancelled_total++;
					} else {
						roster_free(&replayed);
					}
				} else if (what == 1) {
					random_manual(&m, &s);
				} else if (what == 2 && profile == CHAT_SGO) {
					model_initialize(&m, &r, &org, CHAT_KIND_BIT(CHAT_SUBJECT),
							 NULL);
				} else if (n < 40) {
					struct roster_order o = random_order(&s, step + 1, subs[step]);
					if (roster_apply(&r, &o, NULL, 0) == PARTA_OK) {
						accepted[n++] = o;
						applied_total++;
					}
				}
				model_sync(&m, &before, &r, &org);
				roster_free(&before);
				assert_matches_full(&m, &r, &org);
			}
			roster_free(&r);
		}
	}
	print_message("differential: %zu sequences x 3 profiles, %zu orders, %zu cancels\n",
		      sequences, applied_total, cancelled_total);
	assert_true(applied_total > sequences * 3 * 5); /* real histories, not only refusals */
	assert_true(cancelled_total > sequences / 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_and_labels),
		cmocka_unit_test(test_staff_room_per_profile),
		cmocka_unit_test(test_class_and_parents_chats),
		cmocka_unit_test(test_subject_chats),
		cmocka_unit_test(test_cancellations),
		cmocka_unit_test(test_manual_changes),
		cmocka_unit_test(test_archive_and_year_transition),
		cmocka_unit_test(test_incremental_equals_full_recompute),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
