/* test_timetable.c — lesson times and dates are parsed strictly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/timetable.h"

static void test_minutes(void **state)
{
	(void)state;
	const struct {
		const char *in;
		int want;
	} cases[] = {
		{"00:00", 0}, {"08:00", 480}, {"08:40", 520}, {"23:59", 1439}, {"24:00", -1},
		{"12:60", -1}, {"8:00", -1},  {"08:0", -1},   {"08-00", -1},   {"0a:00", -1},
		{"", -1},      {"08:00 ", -1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(timetable_minutes(cases[i].in), cases[i].want);
	assert_int_equal(timetable_minutes(NULL), -1);
}

static void test_dates(void **state)
{
	(void)state;
	const struct {
		const char *in;
		bool ok;
	} cases[] = {
		{"2026-09-01", true},  {"2024-02-29", true},  {"2000-02-29", true},
		{"2026-02-29", false}, {"1900-02-29", false}, {"2026-13-01", false},
		{"2026-04-31", false}, {"2026-00-10", false}, {"2026-9-01", false},
		{"2026/09/01", false}, {"1899-12-31", false}, {"2026-09-01T", false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (timetable_date_valid(cases[i].in) != cases[i].ok)
			fail_msg("%s", cases[i].in);
}

static void test_spans(void **state)
{
	(void)state;
	assert_true(timetable_span_valid("08:00", "08:40"));
	assert_true(timetable_span_valid("08:00", "16:00"));
	assert_false(timetable_span_valid("08:00", "16:01")); /* over 8 hours */
	assert_false(timetable_span_valid("08:40", "08:40"));
	assert_false(timetable_span_valid("09:00", "08:00"));
	assert_false(timetable_span_valid("08:00", "25:00"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minutes),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_spans),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
