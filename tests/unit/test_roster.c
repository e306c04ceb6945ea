/* test_roster.c — the roster as a fold of orders: preconditions of every kind, atomic refusal,
 * cancellation by replay with dependent orders, and the diff that drives chat recomputation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/roster.h"

enum { C10A = 1, C10B = 2, C11A = 3 };                 /* classes */
enum { ANNA = 101, BORIS = 102, VERA = 103 };           /* students */
enum { PETROV = 201, SIDOROVA = 202 };                  /* teachers */
enum { MOTHER = 301, FATHER = 302 };                    /* parents */
enum { TEACHER_POS = 11, DEPUTY_POS = 12 };             /* positions */
enum { MATH = 41, ENGLISH = 42 };                       /* subjects */

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

/* A school with two 10th classes, two teachers, three students and two parents. */
static void school(struct roster *r)
{
	const struct roster_order base[] = {
		class_create(C10A, "10А"), class_create(C10B, "10Б"),
		hire(PETROV, TEACHER_POS), hire(SIDOROVA, TEACHER_POS),
		ord(ROSTER_ENROL, ANNA, C10A), ord(ROSTER_ENROL, BORIS, C10A),
		ord(ROSTER_ENROL, VERA, C10B), guardian(ROSTER_GUARDIAN_ADD, MOTHER, ANNA),
		guardian(ROSTER_GUARDIAN_ADD, MOTHER, BORIS),
		ord(ROSTER_HOMEROOM, PETROV, C10A),
	};
	roster_init(r);
	for (size_t i = 0; i < sizeof base / sizeof base[0]; i++)
		assert_int_equal(roster_apply(r, &base[i], NULL, 0), PARTA_OK);
}

/* Asserts that nothing differs between two rosters. */
static void assert_same(const struct roster *a, const struct roster *b)
{
	struct roster_touched t;
	assert_int_equal(roster_diff(a, b, &t), PARTA_OK);
	assert_int_equal(t.nclass_ids, 0);
	assert_false(t.staff);
	roster_touched_free(&t);
	assert_int_equal(a->nclasses, b->nclasses);
	assert_int_equal(a->nenrolments, b->nenrolments);
	assert_int_equal(a->nstaff, b->nstaff);
	assert_int_equal(a->nguardians, b->nguardians);
	assert_int_equal(a->nloads, b->nloads);
}

static void test_every_kind_applies(void **state)
{
	(void)state;
	struct roster r;
	school(&r);
	assert_string_equal(roster_class(&r, C10A)->name, "10А");
	assert_true(roster_class(&r, C10A)->open);
	assert_int_equal(roster_class(&r, C10A)->homeroom, PETROV);
	assert_int_equal(roster_class_of(&r, ANNA), C10A);
	assert_true(roster_is_guardian(&r, MOTHER, BORIS));

	const int64_t sub[] = {BORIS, ANNA, ANNA};
	struct roster_order eng = load(7, C10A, ENGLISH, SIDOROVA);
	eng.subgroup = sub, eng.nsubgroup = 3;
	struct roster_order steps[] = {
		ord(ROSTER_TRANSFER, VERA, C10A),
		ord(ROSTER_WITHDRAW, VERA, 0),
		load(5, C10A, MATH, PETROV),
		eng,
		(struct roster_order){.kind = ROSTER_POSITION_CHANGE, .person = SIDOROVA,
				      .position = DEPUTY_POS},
		guardian(ROSTER_GUARDIAN_REMOVE, MOTHER, BORIS),
		ord(ROSTER_HOMEROOM, 0, C10A),
		ord(ROSTER_CLASS_CLOSE, 0, C10B),
		ord(ROSTER_DISMISS, PETROV, 0),
	};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		char why[160];
		assert_int_equal(roster_apply(&r, &steps[i], why, sizeof why), PARTA_OK);
		assert_string_equal(why, "");
	}
	assert_int_equal(roster_class_of(&r, VERA), 0);
	assert_int_equal(roster_load(&r, 5)->teacher, PETROV);
	const struct roster_load *l = roster_load(&r, 7);
	assert_int_equal(l->nsubgroup, 2); /* sorted, duplicates dropped */
	assert_int_equal(l->subgroup[0], ANNA);
	assert_int_equal(l->subgroup[1], BORIS);
	assert_int_equal(roster_staff(&r, SIDOROVA)->position, DEPUTY_POS);
	assert_null(roster_staff(&r, PETROV));
	assert_false(roster_is_guardian(&r, MOTHER, BORIS));
	assert_int_equal(roster_class(&r, C10A)->homeroom, 0);
	assert_false(roster_class(&r, C10B)->open);
	/* Replacing and removing the teacher of a load keeps the load. */
	struct roster_order none = load(5, C10A, MATH, 0);
	assert_int_equal(roster_apply(&r, &none, NULL, 0), PARTA_OK);
	assert_int_equal(roster_load(&r, 5)->teacher, 0);
	roster_free(&r);
}

/* Each refused order leaves the roster exactly as it was. */
static void test_refusals_change_nothing(void **state)
{
	(void)state;
	const int64_t stranger_sub[] = {VERA}; /* enrolled in 10Б, not 10А */
	struct roster_order sub_load = load(8, C10A, ENGLISH, SIDOROVA);
	sub_load.subgroup = stranger_sub, sub_load.nsubgroup = 1;
	struct roster_order moved_load = load(9, C10B, MATH, PETROV);
	struct roster_order long_name = class_create(9, "1234567890123456789012345678901234");
	struct roster_order bad_year = class_create(9, "9А");
	bad_year.year = 1999;
	const struct {
		struct roster_order o;
		int err;
		const char *why;
	} cases[] = {
		{class_create(C10A, "10А"), PARTA_ECONFLICT, "уже существует"},
		{class_create(9, ""), PARTA_EVALIDATION, "Название класса"},
		{long_name, PARTA_EVALIDATION, "Название класса"},
		{class_create(9, "9\nА"), PARTA_EVALIDATION, "Название класса"},
		{bad_year, PARTA_EVALIDATION, "учебный год"},
		{class_create(0, "9А"), PARTA_EVALIDATION, "не указан класс"},
		{ord(ROSTER_ENROL, ANNA, C10B), PARTA_ECONFLICT, "уже зачислен"},
		{ord(ROSTER_ENROL, 999, 77), PARTA_ECONFLICT, "не существует"},
		{ord(ROSTER_ENROL, 0, C10A), PARTA_EVALIDATION, "не указан"},
		{ord(ROSTER_WITHDRAW, 999, 0), PARTA_ECONFLICT, "не зачислен"},
		{ord(ROSTER_TRANSFER, ANNA, C10A), PARTA_ECONFLICT, "уже в этом классе"},
		{ord(ROSTER_TRANSFER, 999, C10B), PARTA_ECONFLICT, "не зачислен"},
		{ord(ROSTER_CLASS_CLOSE, 0, C10A), PARTA_ECONFLICT, "зачисленные ученики"},
		{hire(PETROV, TEACHER_POS), PARTA_ECONFLICT, "уже принят"},
		{hire(203, 0), PARTA_EVALIDATION, "должность"},
		{ord(ROSTER_DISMISS, 999, 0), PARTA_ECONFLICT, "не работает"},
		{ord(ROSTER_HOMEROOM, ANNA, C10B), PARTA_ECONFLICT, "не работает"},
		{load(5, C10A, MATH, 999), PARTA_ECONFLICT, "не работает"},
		{load(0, C10A, MATH, PETROV), PARTA_EVALIDATION, "Нагрузка"},
		{sub_load, PARTA_ECONFLICT, "подгруппы"},
		{guardian(ROSTER_GUARDIAN_ADD, MOTHER, ANNA), PARTA_ECONFLICT, "уже есть"},
		{guardian(ROSTER_GUARDIAN_ADD, ANNA, ANNA), PARTA_EVALIDATION, "разными"},
		{guardian(ROSTER_GUARDIAN_REMOVE, FATHER, ANNA), PARTA_ECONFLICT, "нет"},
		{(struct roster_order){.kind = ROSTER_ORDER_KINDS, .person = 1}, PARTA_EVALIDATION,
		 "Неизвестный"},
	};
	struct roster r, snapshot;
	school(&r);
	school(&snapshot);
	struct roster_order math = load(9, C10A, MATH, PETROV);
	assert_int_equal(roster_apply(&r, &math, NULL, 0), PARTA_OK);
	assert_int_equal(roster_apply(&snapshot, &math, NULL, 0), PARTA_OK);
	/* A load cannot move to another class or subject. */
	assert_int_equal(roster_apply(&r, &moved_load, NULL, 0), PARTA_EVALIDATION);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char why[200];
		int rc = roster_apply(&r, &cases[i].o, why, sizeof why);
		if (rc != cases[i].err || strstr(why, cases[i].why) == NULL)
			fail_msg("case %zu: rc %d why \"%s\"", i, rc, why);
		assert_same(&r, &snapshot);
	}
	struct roster closed;
	school(&closed);
	struct roster_order steps[] = {ord(ROSTER_WITHDRAW, VERA, 0),
				       ord(ROSTER_CLASS_CLOSE, 0, C10B)};
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(roster_apply(&closed, &steps[i], NULL, 0), PARTA_OK);
	char why[200];
	struct roster_order into_closed = ord(ROSTER_TRANSFER, ANNA, C10B);
	assert_int_equal(roster_apply(&closed, &into_closed, why, sizeof why), PARTA_ECONFLICT);
	assert_non_null(strstr(why, "закрыт"));
	roster_free(&closed);
	roster_free(&r);
	roster_free(&snapshot);
}

/* Orders of one history, with ids, for the cancellation tests. */
static const struct roster_order *history(size_t *n)
{
	static struct roster_order h[8];
	h[0] = class_create(C10A, "10А"), h[0].id = 1;
	h[1] = class_create(C11A, "11А"), h[1].id = 2;
	h[2] = ord(ROSTER_ENROL, ANNA, C10A), h[2].id = 3;
	h[3] = ord(ROSTER_ENROL, BORIS, C10A), h[3].id = 4;
	h[4] = ord(ROSTER_TRANSFER, ANNA, C11A), h[4].id = 5;
	h[5] = ord(ROSTER_WITHDRAW, BORIS, 0), h[5].id = 6;
	h[6] = guardian(ROSTER_GUARDIAN_ADD, MOTHER, ANNA), h[6].id = 7;
	h[7] = ord(ROSTER_WITHDRAW, ANNA, 0), h[7].id = 8;
	*n = 8;
	return h;
}

static void test_cancel_without_dependents_restores_state(void **state)
{
	(void)state;
	size_t n, nfailed;
	const struct roster_order *h = history(&n);
	int64_t failed[8];
	struct roster all, without;
	assert_int_equal(roster_replay(h, n, n, &all, failed, 8, &nfailed), PARTA_OK);
	assert_int_equal(nfailed, 0);
	assert_int_equal(roster_class_of(&all, BORIS), 0);
	/* Cancelling Boris's withdrawal (order 6) brings him back into 10А … */
	assert_int_equal(roster_replay(h, n, 5, &without, failed, 8, &nfailed), PARTA_OK);
	assert_int_equal(nfailed, 0);
	assert_int_equal(roster_class_of(&without, BORIS), C10A);
	/* … and only 10А is touched. */
	struct roster_touched t;
	assert_int_equal(roster_diff(&all, &without, &t), PARTA_OK);
	assert_int_equal(t.nclass_ids, 1);
	assert_int_equal(t.class_ids[0], C10A);
	roster_touched_free(&t);
	roster_free(&without);
	roster_free(&all);
}

static void test_cancel_with_dependents_names_them(void **state)
{
	(void)state;
	size_t n, nfailed;
	const struct roster_order *h = history(&n);
	int64_t failed[8];
	struct roster without;
	/* Anna's enrolment (order 3) was followed by her transfer (5) and withdrawal (8). */
	assert_int_equal(roster_replay(h, n, 2, &without, failed, 8, &nfailed), PARTA_OK);
	assert_int_equal(nfailed, 2);
	assert_int_equal(failed[0], 5);
	assert_int_equal(failed[1], 8);
	roster_free(&without);
	/* A small output array still counts every dependent. */
	assert_int_equal(roster_replay(h, n, 2, &without, failed, 1, &nfailed), PARTA_OK);
	assert_int_equal(nfailed, 2);
	assert_int_equal(failed[0], 5);
	roster_free(&without);
	/* Creating 11А (order 2) has the transfer into it depending on it, and through it the
	 * withdrawal stays valid (Anna is still enrolled in 10А): only order 5 is named. */
	assert_int_equal(roster_replay(h, n, 1, &without, failed, 8, &nfailed), PARTA_OK);
	assert_int_equal(nfailed, 1);
	assert_int_equal(failed[0], 5);
	roster_free(&without);
}

static void assert_touched(const struct roster *a, const struct roster *b, const int64_t *want,
			   size_t nwant, bool staff)
{
	struct roster_touched t;
	assert_int_equal(roster_diff(a, b, &t), PARTA_OK);
	assert_int_equal(t.nclass_ids, nwant);
	for (size_t i = 0; i < nwant; i++)
		assert_int_equal(t.class_ids[i], want[i]);
	assert_int_equal(t.staff, staff);
	roster_touched_free(&t);
	/* The diff is symmetric. */
	assert_int_equal(roster_diff(b, a, &t), PARTA_OK);
	assert_int_equal(t.nclass_ids, nwant);
	roster_touched_free(&t);
}

static void test_diff_names_touched_classes(void **state)
{
	(void)state;
	struct roster_order teach_b = load(6, C10B, MATH, SIDOROVA);
	const struct {
		struct roster_order o;
		int64_t want[2];
		size_t nwant;
		bool staff;
	} cases[] = {
		{ord(ROSTER_ENROL, 104, C10B), {C10B}, 1, false},
		{ord(ROSTER_TRANSFER, ANNA, C10B), {C10A, C10B}, 2, false},
		{ord(ROSTER_WITHDRAW, VERA, 0), {C10B}, 1, false},
		{guardian(ROSTER_GUARDIAN_ADD, FATHER, VERA), {C10B}, 1, false},
		{guardian(ROSTER_GUARDIAN_ADD, FATHER, 999), {0}, 0, false}, /* child not enrolled */
		{ord(ROSTER_HOMEROOM, SIDOROVA, C10B), {C10B}, 1, false},
		{teach_b, {C10B}, 1, false},
		{hire(203, TEACHER_POS), {0}, 0, true},
		/* Petrov leads 10А: dismissing him touches the staff room and 10А's chats. */
		{ord(ROSTER_DISMISS, PETROV, 0), {C10A}, 1, true},
		{(struct roster_order){.kind = ROSTER_POSITION_CHANGE, .person = SIDOROVA,
				       .position = DEPUTY_POS},
		 {0}, 0, true},
		{class_create(C11A, "11А"), {C11A}, 1, false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct roster before, after;
		school(&before);
		school(&after);
		assert_int_equal(roster_apply(&after, &cases[i].o, NULL, 0), PARTA_OK);
		assert_touched(&before, &after, cases[i].want, cases[i].nwant, cases[i].staff);
		roster_free(&before);
		roster_free(&after);
	}
	/* A parent with two children in 10А: removing one link still touches 10А (the parents
	 * chat is recomputed, and keeps the mother for her other child). */
	struct roster before, after;
	school(&before);
	school(&after);
	struct roster_order unlink = guardian(ROSTER_GUARDIAN_REMOVE, MOTHER, BORIS);
	assert_int_equal(roster_apply(&after, &unlink, NULL, 0), PARTA_OK);
	const int64_t want[] = {C10A};
	assert_touched(&before, &after, want, 1, false);
	assert_true(roster_is_guardian(&after, MOTHER, ANNA));
	roster_free(&before);
	roster_free(&after);
}

static void test_kind_names_round_trip(void **state)
{
	(void)state;
	for (int k = 0; k < ROSTER_ORDER_KINDS; k++) {
		const char *name = roster_kind_name((enum roster_order_kind)k);
		assert_non_null(name);
		enum roster_order_kind back;
		assert_int_equal(roster_kind_parse(name, &back), PARTA_OK);
		assert_int_equal(back, k);
	}
	enum roster_order_kind back;
	assert_int_equal(roster_kind_parse("promote", &back), PARTA_EVALIDATION);
	assert_null(roster_kind_name(ROSTER_ORDER_KINDS));
}

/* «Ответственный по Сферуму» and the like come on top of existing positions. */
static void test_several_positions(void **state)
{
	(void)state;
	enum { SFERUM_POS = 13, NEW_POS = 14 };
	struct roster r, before;
	school(&r);
	school(&before);
	struct roster_order add = {.kind = ROSTER_POSITION_ADD, .person = PETROV, .position = SFERUM_POS};
	assert_int_equal(roster_apply(&r, &add, NULL, 0), PARTA_OK);
	assert_true(roster_holds(&r, PETROV, TEACHER_POS));
	assert_true(roster_holds(&r, PETROV, SFERUM_POS));
	/* The staff room and the classes Petrov leads are touched. */
	const int64_t want[] = {C10A};
	assert_touched(&before, &r, want, 1, true);
	char why[200];
	const struct {
		struct roster_order o;
		int err;
		const char *why;
	} refused[] = {
		{add, PARTA_ECONFLICT, "уже занимает"},
		{{.kind = ROSTER_POSITION_ADD, .person = ANNA, .position = SFERUM_POS}, PARTA_ECONFLICT, "не работает"},
		{{.kind = ROSTER_POSITION_CHANGE, .person = PETROV, .position = NEW_POS}, PARTA_EVALIDATION, "несколько должностей"},
		{{.kind = ROSTER_POSITION_CHANGE, .person = PETROV, .position = NEW_POS, .from_position = 99}, PARTA_ECONFLICT, "не занимает"},
		{{.kind = ROSTER_POSITION_CHANGE, .person = PETROV, .position = SFERUM_POS, .from_position = TEACHER_POS}, PARTA_ECONFLICT, "уже занимает"},
		{{.kind = ROSTER_POSITION_REMOVE, .person = PETROV, .position = 99}, PARTA_ECONFLICT, "не занимает"},
	};
	struct roster snapshot;
	school(&snapshot);
	assert_int_equal(roster_apply(&snapshot, &add, NULL, 0), PARTA_OK);
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		int rc = roster_apply(&r, &refused[i].o, why, sizeof why);
		if (rc != refused[i].err || strstr(why, refused[i].why) == NULL)
			fail_msg("case %zu: rc %d why \"%s\"", i, rc, why);
		assert_same(&r, &snapshot);
	}
	struct roster_order change = {.kind = ROSTER_POSITION_CHANGE, .person = PETROV,
				      .position = NEW_POS, .from_position = TEACHER_POS};
	assert_int_equal(roster_apply(&r, &change, NULL, 0), PARTA_OK);
	assert_false(roster_holds(&r, PETROV, TEACHER_POS));
	assert_true(roster_holds(&r, PETROV, NEW_POS));
	struct roster_order remove = {.kind = ROSTER_POSITION_REMOVE, .person = PETROV, .position = SFERUM_POS};
	assert_int_equal(roster_apply(&r, &remove, NULL, 0), PARTA_OK);
	struct roster_order last = {.kind = ROSTER_POSITION_REMOVE, .person = PETROV, .position = NEW_POS};
	assert_int_equal(roster_apply(&r, &last, why, sizeof why), PARTA_ECONFLICT);
	assert_non_null(strstr(why, "единственная"));
	/* Dismissal ends every position at once. */
	assert_int_equal(roster_apply(&r, &add, NULL, 0), PARTA_OK);
	struct roster_order dismiss = ord(ROSTER_DISMISS, PETROV, 0);
	assert_int_equal(roster_apply(&r, &dismiss, NULL, 0), PARTA_OK);
	assert_null(roster_staff(&r, PETROV));
	assert_false(roster_holds(&r, PETROV, SFERUM_POS));
	roster_free(&snapshot);
	roster_free(&before);
	roster_free(&r);
}

/* A copy equals its original and is independent of it, subgroups included. */
static void test_copy(void **state)
{
	(void)state;
	struct roster r, copy, empty, empty_copy;
	school(&r);
	const int64_t sub[] = {ANNA};
	struct roster_order eng = load(7, C10A, ENGLISH, PETROV);
	eng.subgroup = sub, eng.nsubgroup = 1;
	assert_int_equal(roster_apply(&r, &eng, NULL, 0), PARTA_OK);
	assert_int_equal(roster_copy(&copy, &r), PARTA_OK);
	assert_same(&copy, &r);
	assert_ptr_not_equal(copy.loads[0].subgroup, r.loads[0].subgroup);
	const int64_t other[] = {BORIS};
	eng.subgroup = other;
	struct roster_order steps[] = {eng, ord(ROSTER_WITHDRAW, VERA, 0)};
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(roster_apply(&copy, &steps[i], NULL, 0), PARTA_OK);
	assert_int_equal(roster_load(&r, 7)->subgroup[0], ANNA);
	assert_int_equal(roster_class_of(&r, VERA), C10B);
	roster_init(&empty);
	assert_int_equal(roster_copy(&empty_copy, &empty), PARTA_OK);
	assert_same(&empty_copy, &empty);
	roster_free(&empty_copy);
	roster_free(&copy);
	roster_free(&r);
}

static void test_next_name(void **state)
{
	(void)state;
	const char *cases[][2] = {{"10А", "11А"}, {"9 б", "10 б"}, {"1В", "2В"},
				  {"ДО-19-3", "ДО-19-3"}, {"", ""}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[ROSTER_CLASS_NAME_MAX + 1];
		assert_int_equal(roster_next_name(cases[i][0], out, sizeof out), PARTA_OK);
		assert_string_equal(out, cases[i][1]);
	}
	char tiny[3];
	assert_int_equal(roster_next_name("10А", tiny, sizeof tiny), PARTA_ETOOLARGE);
}

/* 10А and 10Б go on to 11А and 11Б; 11А (Vera) graduates; the year's classes close. */
static void test_year_transition(void **state)
{
	(void)state;
	struct roster_order c11 = class_create(C11A, "11А");
	c11.parallel = 11;
	const struct roster_carry carry[] = {{C10A, 60, "11А"}, {C10B, 61, "11Б"}};
	struct roster_order history[] = {
		class_create(C10A, "10А"), class_create(C10B, "10Б"), c11,
		hire(PETROV, TEACHER_POS), ord(ROSTER_HOMEROOM, PETROV, C10A),
		ord(ROSTER_ENROL, ANNA, C10A), ord(ROSTER_ENROL, BORIS, C10B),
		ord(ROSTER_ENROL, VERA, C11A), load(5, C10A, MATH, PETROV),
		{.kind = ROSTER_YEAR_TRANSITION, .year = 2026, .last_parallel = 11, .carry = carry,
		 .ncarry = 2},
	};
	size_t n = sizeof history / sizeof history[0];
	for (size_t i = 0; i < n; i++)
		history[i].id = (int64_t)i + 1;
	struct roster before, after;
	size_t nfailed;
	int64_t failed[4];
	assert_int_equal(roster_replay(history, n, n - 1, &before, failed, 4, &nfailed), PARTA_OK);
	assert_int_equal(roster_replay(history, n, n, &after, failed, 4, &nfailed), PARTA_OK);
	assert_int_equal(nfailed, 0);
	const struct roster_class *c = roster_class(&after, 60);
	assert_non_null(c);
	assert_string_equal(c->name, "11А");
	assert_int_equal(c->year, 2027);
	assert_int_equal(c->parallel, 11);
	assert_int_equal(c->homeroom, PETROV);
	assert_true(c->open);
	assert_int_equal(roster_class_of(&after, ANNA), 60);
	assert_int_equal(roster_class_of(&after, BORIS), 61);
	assert_int_equal(roster_class_of(&after, VERA), 0); /* graduated */
	assert_false(roster_class(&after, C10A)->open);
	assert_false(roster_class(&after, C11A)->open);
	assert_int_equal(roster_load(&after, 5)->class_id, C10A); /* the old year's load stays */
	/* Every class of both years is touched. */
	const int64_t want[] = {C10A, C10B, C11A, 60, 61};
	assert_touched(&before, &after, want, 5, false);
	/* Cancelling the transition is replaying without it: the year is open again. */
	assert_true(roster_class(&before, C10A)->open);
	assert_int_equal(roster_class_of(&before, VERA), C11A);

	/* Refusals change nothing. */
	const struct roster_carry only_a[] = {{C10A, 60, "11А"}};
	const struct roster_carry graduate[] = {{C10A, 60, "11А"}, {C10B, 61, "11Б"}, {C11A, 62, "12А"}};
	const struct roster_carry clash[] = {{C10A, C10B, "11А"}, {C10B, 61, "11Б"}};
	const struct roster_carry twice[] = {{C10A, 60, "11А"}, {C10A, 61, "11Б"}, {C10B, 62, "11В"}};
	const struct {
		struct roster_order o;
		int err;
		const char *why;
	} cases[] = {
		{{.kind = ROSTER_YEAR_TRANSITION, .year = 2026, .last_parallel = 11, .carry = only_a, .ncarry = 1}, PARTA_ECONFLICT, "10Б не переведён"},
		{{.kind = ROSTER_YEAR_TRANSITION, .year = 2026, .last_parallel = 11, .carry = graduate, .ncarry = 3}, PARTA_ECONFLICT, "выпускается"},
		{{.kind = ROSTER_YEAR_TRANSITION, .year = 2026, .last_parallel = 11, .carry = clash, .ncarry = 2}, PARTA_ECONFLICT, "уже существует"},
		{{.kind = ROSTER_YEAR_TRANSITION, .year = 2026, .last_parallel = 11, .carry = twice, .ncarry = 3}, PARTA_EVALIDATION, "дважды"},
		{{.kind = ROSTER_YEAR_TRANSITION, .year = 2030, .last_parallel = 11}, PARTA_ECONFLICT, "Нет открытых классов"},
		{{.kind = ROSTER_YEAR_TRANSITION, .year = 2026, .last_parallel = 0}, PARTA_EVALIDATION, "последняя параллель"},
	};
	struct roster probe;
	assert_int_equal(roster_replay(history, n, n - 1, &probe, failed, 4, &nfailed), PARTA_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char why[200];
		int rc = roster_apply(&probe, &cases[i].o, why, sizeof why);
		if (rc != cases[i].err || strstr(why, cases[i].why) == NULL)
			fail_msg("case %zu: rc %d why \"%s\"", i, rc, why);
		assert_same(&probe, &before);
	}
	roster_free(&probe);
	roster_free(&before);
	roster_free(&after);
}

/* A small deterministic generator (no globals: the state is passed). */
static uint32_t rng_next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Random orders over a few ids (40 seeds × 600), most of them refused: every refusal must leave the roster
 * as the replay of the accepted orders builds it, and every acceptance must match the replay
 * too (the incremental state and the fold of its history never drift apart). */
static void test_random_histories_stay_consistent(void **state)
{
	(void)state;
	for (uint32_t seed = 1; seed <= 40; seed++) {
		uint32_t s = seed * 2654435761u;
		struct roster r;
		roster_init(&r);
		struct roster_order accepted[600];
		int64_t subgroups[600][3];
		size_t naccepted = 0;
		for (int step = 0; step < 600; step++) {
			int64_t *sub = subgroups[step];
			struct roster_order o = {
				.id = step + 1,
				.kind = (enum roster_order_kind)(rng_next(&s) % ROSTER_ORDER_KINDS),
				.person = 100 + rng_next(&s) % 6,
				.student = 100 + rng_next(&s) % 6,
				.class_id = 1 + rng_next(&s) % 3,
				.position = 1 + rng_next(&s) % 2,
				.from_position = rng_next(&s) % 3,
				.load_id = 1 + rng_next(&s) % 3,
				.subject = 1,
				.name = "5В",
				.year = 2026,
				.parallel = 5,
			};
			o.subject = o.load_id; /* a load keeps its subject */
			if (rng_next(&s) % 4 == 0) {
				for (int k = 0; k < 3; k++)
					sub[k] = 100 + rng_next(&s) % 6;
				o.subgroup = sub;
				o.nsubgroup = 1 + rng_next(&s) % 3;
			}
			int rc = roster_apply(&r, &o, NULL, 0);
			assert_true(rc == PARTA_OK || rc == PARTA_ECONFLICT ||
				    rc == PARTA_EVALIDATION);
			if (rc == PARTA_OK)
				accepted[naccepted++] = o;
			struct roster folded;
			size_t nfailed;
			int64_t failed[1];
			assert_int_equal(roster_replay(accepted, naccepted, naccepted, &folded,
						       failed, 1, &nfailed),
					 PARTA_OK);
			assert_int_equal(nfailed, 0);
			assert_same(&r, &folded);
			roster_free(&folded);
		}
		/* The generator must exercise real histories, not only refusals. */
		if (getenv("ROSTER_TEST_VERBOSE"))
			print_message("seed %u accepted %zu\n", seed, naccepted);
		assert_true(naccepted >= 60);
		roster_free(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind_applies),
		cmocka_unit_test(test_refusals_change_nothing),
		cmocka_unit_test(test_cancel_without_dependents_restores_state),
		cmocka_unit_test(test_cancel_with_dependents_names_them),
		cmocka_unit_test(test_diff_names_touched_classes),
		cmocka_unit_test(test_kind_names_round_trip),
		cmocka_unit_test(test_random_histories_stay_consistent),
		cmocka_unit_test(test_several_positions),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_next_name),
		cmocka_unit_test(test_year_transition),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
