/* test_chatperm.c — the permission matrix of «Управление чатами» (SPEC §5) as a table: each
 * actor × action with the expected answer, on one small school. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/chatperm.h"
#include "core/err.h"
#include "core/roster.h"

enum { C10A = 1, C10B = 2 };                                   /* classes */
enum { ANNA = 101, BORIS = 102, VERA = 103 };                  /* students: Anna, Boris 10А */
enum { HOMEROOM_A = 201, MATH_T = 202, HOMEROOM_B = 203, CLERK = 204 }; /* staff */
enum { MOTHER = 301 };
enum { TEACHER_POS = 11 };
enum { MATH = 41, ART = 42 };
enum { LOAD_MATH_A = 51, LOAD_ART_A = 52 };

static struct roster school;

static int school_setup(void **state)
{
	(void)state;
	static const int64_t art_group[] = {ANNA};
	struct roster_order o[] = {
		{.kind = ROSTER_CLASS_CREATE, .class_id = C10A, .name = "10А", .year = 2026, .parallel = 10},
		{.kind = ROSTER_CLASS_CREATE, .class_id = C10B, .name = "10Б", .year = 2026, .parallel = 10},
		{.kind = ROSTER_HIRE, .person = HOMEROOM_A, .position = TEACHER_POS},
		{.kind = ROSTER_HIRE, .person = MATH_T, .position = TEACHER_POS},
		{.kind = ROSTER_HIRE, .person = HOMEROOM_B, .position = TEACHER_POS},
		{.kind = ROSTER_HIRE, .person = CLERK, .position = TEACHER_POS},
		{.kind = ROSTER_HOMEROOM, .class_id = C10A, .person = HOMEROOM_A},
		{.kind = ROSTER_HOMEROOM, .class_id = C10B, .person = HOMEROOM_B},
		{.kind = ROSTER_ENROL, .person = ANNA, .class_id = C10A},
		{.kind = ROSTER_ENROL, .person = BORIS, .class_id = C10A},
		{.kind = ROSTER_ENROL, .person = VERA, .class_id = C10B},
		{.kind = ROSTER_GUARDIAN_ADD, .person = MOTHER, .student = ANNA},
		/* Math for the whole of 10А; art for Anna's subgroup only, both by MATH_T. */
		{.kind = ROSTER_LOAD_SET, .load_id = LOAD_MATH_A, .class_id = C10A, .subject = MATH,
		 .person = MATH_T},
		{.kind = ROSTER_LOAD_SET, .load_id = LOAD_ART_A, .class_id = C10A, .subject = ART,
		 .person = MATH_T, .subgroup = art_group, .nsubgroup = 1},
	};
	roster_init(&school);
	for (size_t i = 0; i < sizeof o / sizeof o[0]; i++)
		assert_int_equal(roster_apply(&school, &o[i], NULL, 0), PARTA_OK);
	return 0;
}

static int school_teardown(void **state)
{
	(void)state;
	roster_free(&school);
	return 0;
}

static struct chatperm_actor actor(int64_t person, bool staff, unsigned powers)
{
	return (struct chatperm_actor){
		.person = person, .staff = staff, .powers = powers, .roster = &school};
}

static void test_rights_per_profile(void **state)
{
	(void)state;
	const char *sgo[] = {"chat_management"};
	const char *bars[] = {"sferum_view", "sferum_delete"};
	assert_int_equal(chatperm_from_rights(CHAT_SGO, sgo, 1), CHATPERM_ALL);
	assert_int_equal(chatperm_from_rights(CHAT_PARAGRAF, sgo, 1), CHATPERM_ALL);
	/* Each profile reads its own rights only. */
	assert_int_equal(chatperm_from_rights(CHAT_BARS, sgo, 1), 0);
	assert_int_equal(chatperm_from_rights(CHAT_SGO, bars, 2), 0);
	assert_int_equal(chatperm_from_rights(CHAT_BARS, bars, 2), CHATPERM_VIEW | CHATPERM_DELETE);
	assert_int_equal(chatperm_from_rights(CHAT_BARS, NULL, 0), 0);
}

struct create_case {
	const char *what;
	int64_t person;
	unsigned powers;
	enum chat_kind kind;
	int64_t class_id, subject;
	int64_t others[3];
	size_t nothers;
	bool allowed;
};

static void test_create(void **state)
{
	(void)state;
	static const struct create_case cases[] = {
		{"manager: other chat", CLERK, CHATPERM_CREATE, CHAT_OTHER, 0, 0, {VERA, MOTHER}, 2, true},
		{"manager: staff room", CLERK, CHATPERM_ALL, CHAT_STAFF, 0, 0, {0}, 0, true},
		{"view-only right: nothing", CLERK, CHATPERM_VIEW, CHAT_OTHER, 0, 0, {0}, 0, false},
		{"homeroom: own class chat", HOMEROOM_A, 0, CHAT_CLASS, C10A, 0, {ANNA}, 1, true},
		{"homeroom: own parents chat", HOMEROOM_A, 0, CHAT_PARENTS, C10A, 0, {MOTHER}, 1, true},
		{"homeroom: subject chat of own class, anyone", HOMEROOM_A, 0, CHAT_SUBJECT, C10A, ART,
		 {BORIS, CLERK}, 2, true},
		{"homeroom: another class", HOMEROOM_A, 0, CHAT_CLASS, C10B, 0, {0}, 0, false},
		{"homeroom: other kind", HOMEROOM_A, 0, CHAT_OTHER, 0, 0, {0}, 0, false},
		{"homeroom: staff room", HOMEROOM_A, 0, CHAT_STAFF, 0, 0, {0}, 0, false},
		{"subject teacher: own students", MATH_T, 0, CHAT_SUBJECT, C10A, MATH, {ANNA, BORIS}, 2,
		 true},
		{"subject teacher: subgroup student", MATH_T, 0, CHAT_SUBJECT, C10A, ART, {ANNA}, 1, true},
		{"subject teacher: another class's student", MATH_T, 0, CHAT_SUBJECT, C10A, MATH,
		 {ANNA, VERA}, 2, false},
		{"subject teacher: a parent", MATH_T, 0, CHAT_SUBJECT, C10A, MATH, {MOTHER}, 1, false},
		{"subject teacher: a colleague", MATH_T, 0, CHAT_SUBJECT, C10A, MATH, {CLERK}, 1, false},
		{"subject teacher: a class they do not teach", MATH_T, 0, CHAT_SUBJECT, C10B, 0, {0}, 0,
		 false},
		{"subject teacher: a subject they do not teach there", MATH_T, 0, CHAT_SUBJECT, C10A,
		 999, {0}, 0, false},
		{"subject teacher: class chat", MATH_T, 0, CHAT_CLASS, C10A, 0, {0}, 0, false},
		{"staff without anything", CLERK, 0, CHAT_SUBJECT, C10A, 0, {0}, 0, false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct create_case *c = &cases[i];
		struct chatperm_actor a = actor(c->person, true, c->powers);
		struct chatperm_new n = {.kind = c->kind, .class_id = c->class_id,
					 .subject_id = c->subject, .others = c->others,
					 .nothers = c->nothers};
		if (chatperm_create(&a, &n) != c->allowed)
			fail_msg("create: %s", c->what);
	}
	/* A student or parent account never creates, whatever the roster says. */
	struct chatperm_actor student = actor(ANNA, false, 0);
	struct chatperm_new other = {.kind = CHAT_OTHER};
	assert_false(chatperm_create(&student, &other));
	assert_false(chatperm_screen(&student));
}

static void test_create_kinds(void **state)
{
	(void)state;
	struct chatperm_actor manager = actor(CLERK, true, CHATPERM_CREATE);
	struct chatperm_actor homeroom = actor(HOMEROOM_A, true, 0);
	struct chatperm_actor teacher = actor(MATH_T, true, 0);
	struct chatperm_actor clerk = actor(CLERK, true, 0);
	for (int k = 0; k < CHAT_KINDS; k++) {
		assert_true(chatperm_create_kind(&manager, (enum chat_kind)k));
		assert_int_equal(chatperm_create_kind(&homeroom, (enum chat_kind)k),
				 k == CHAT_CLASS || k == CHAT_PARENTS || k == CHAT_SUBJECT);
		assert_int_equal(chatperm_create_kind(&teacher, (enum chat_kind)k), k == CHAT_SUBJECT);
		assert_false(chatperm_create_kind(&clerk, (enum chat_kind)k));
	}
}

static void test_edit_view_delete(void **state)
{
	(void)state;
	struct chatperm_chat class_a = {.kind = CHAT_CLASS, .class_id = C10A, .is_default = true};
	struct chatperm_chat class_a_admin = class_a;
	class_a_admin.actor_admin = true;
	struct chatperm_chat mine = {.kind = CHAT_OTHER, .created_by = MATH_T};
	struct chatperm_chat subject_b = {.kind = CHAT_SUBJECT, .class_id = C10B, .is_default = true};

	struct chatperm_actor editor = actor(CLERK, true, CHATPERM_EDIT);
	assert_true(chatperm_edit(&editor, &class_a));
	assert_false(chatperm_delete(&editor, CHAT_SGO, &mine)); /* editing is not deleting */
	struct chatperm_actor clerk = actor(CLERK, true, 0), viewer = actor(CLERK, true, CHATPERM_VIEW);
	assert_false(chatperm_view(&clerk, &class_a));
	assert_true(chatperm_view(&viewer, &subject_b));
	assert_true(chatperm_view_all(&viewer));
	assert_true(chatperm_view_all(&editor)); /* who may edit any chat sees them all */
	assert_false(chatperm_view_all(&clerk));

	struct chatperm_actor homeroom = actor(HOMEROOM_A, true, 0);
	assert_true(chatperm_view(&homeroom, &class_a));     /* a class they lead */
	assert_false(chatperm_edit(&homeroom, &class_a));    /* but not its admin (revoked) */
	assert_true(chatperm_edit(&homeroom, &class_a_admin));
	assert_false(chatperm_view(&homeroom, &subject_b));  /* another class */

	struct chatperm_actor teacher = actor(MATH_T, true, 0);
	assert_true(chatperm_view(&teacher, &mine));
	assert_true(chatperm_delete(&teacher, CHAT_SGO, &mine)); /* made it by hand */
	assert_false(chatperm_delete(&teacher, CHAT_SGO, &class_a_admin)); /* admin, not manager */
	assert_false(chatperm_edit(&teacher, &class_a));

	struct chatperm_actor deleter = actor(CLERK, true, CHATPERM_DELETE);
	assert_true(chatperm_delete(&deleter, CHAT_SGO, &class_a));
	assert_false(chatperm_delete(&deleter, CHAT_BARS, &class_a)); /* bars: default chats stay */
	assert_true(chatperm_delete(&deleter, CHAT_BARS, &subject_b));
	struct chatperm_chat staff_room = {.kind = CHAT_STAFF, .is_default = true};
	struct chatperm_actor manager = actor(CLERK, true, CHATPERM_ALL);
	assert_false(chatperm_delete(&manager, CHAT_BARS, &staff_room));
	assert_true(chatperm_delete(&manager, CHAT_PARAGRAF, &staff_room));

	/* Powers mean nothing on a non-staff account (a student who is somehow an admin). */
	struct chatperm_actor student = actor(ANNA, false, CHATPERM_ALL);
	assert_false(chatperm_edit(&student, &class_a_admin));
	assert_false(chatperm_view(&student, &class_a));
	assert_false(chatperm_initialize(&student));
	struct chatperm_actor creator = actor(CLERK, true, CHATPERM_CREATE);
	assert_true(chatperm_initialize(&creator));
	assert_false(chatperm_initialize(&homeroom));
}

static void test_teaching(void **state)
{
	(void)state;
	assert_true(chatperm_teaches(&school, MATH_T, BORIS));   /* math: the whole class */
	assert_false(chatperm_teaches(&school, MATH_T, VERA));   /* another class */
	assert_false(chatperm_teaches(&school, HOMEROOM_A, ANNA)); /* leads, does not teach */
	assert_false(chatperm_teaches(&school, 0, ANNA));
	assert_true(chatperm_leads(&school, HOMEROOM_A, C10A));
	assert_false(chatperm_leads(&school, HOMEROOM_A, C10B));
	assert_false(chatperm_leads(&school, 0, 999));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rights_per_profile),
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_create_kinds),
		cmocka_unit_test(test_edit_view_delete),
		cmocka_unit_test(test_teaching),
	};
	return cmocka_run_group_tests(tests, school_setup, school_teardown);
}
