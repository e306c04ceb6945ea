/* test_terms.c — terminology follows the organisation type (SPEC §1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/terms.h"

static void test_school_and_college(void **state)
{
	(void)state;
	const struct {
		const char *type, *unit, *students, *teacher, *homeroom;
	} cases[] = {
		{"school", "Класс", "Ученики", "Учитель", "Классный руководитель"},
		{"college", "Группа", "Студенты", "Преподаватель", "Куратор"},
		{"kindergarten", "Группа", "Воспитанники", "Воспитатель", "Старший воспитатель"},
		{"authority", "Подразделение", "Сотрудники", "Сотрудник", "Руководитель подразделения"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct terms *t = terms_for(cases[i].type);
		assert_non_null(t);
		assert_string_equal(t->type, cases[i].type);
		assert_string_equal(t->unit, cases[i].unit);
		assert_string_equal(t->students, cases[i].students);
		assert_string_equal(t->teacher, cases[i].teacher);
		assert_string_equal(t->homeroom, cases[i].homeroom);
	}
}

static void test_unknown_type(void **state)
{
	(void)state;
	assert_null(terms_for("university"));
	assert_null(terms_for(""));
	assert_null(terms_for(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_school_and_college),
		cmocka_unit_test(test_unknown_type),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
