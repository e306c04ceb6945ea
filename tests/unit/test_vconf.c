/* test_vconf.c — the rules of distance lessons and video conferences (core/vconf.h) as tables,
 * and time zones (core/tzif.h) against a TZif file built here and the system's zone files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/tzif.h"
#include "core/vconf.h"

static void test_due_state(void **state)
{
	(void)state;
	const struct {
		enum vconf_state stored;
		int64_t now;
		enum vconf_state want;
	} cases[] = {
		/* starts 100, ends 200 */
		{VCONF_PLANNED, 99, VCONF_PLANNED},   {VCONF_PLANNED, 100, VCONF_ACTIVE},
		{VCONF_PLANNED, 199, VCONF_ACTIVE},   {VCONF_PLANNED, 200, VCONF_FINISHED},
		{VCONF_PLANNED, 5000, VCONF_FINISHED}, /* the server was down through all of it */
		{VCONF_ACTIVE, 150, VCONF_ACTIVE},    {VCONF_ACTIVE, 99, VCONF_ACTIVE}, /* started early */
		{VCONF_ACTIVE, 200, VCONF_FINISHED},  {VCONF_FINISHED, 150, VCONF_FINISHED},
		{VCONF_FINISHED, 50, VCONF_FINISHED}, /* ended early stays ended */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(vconf_due_state(cases[i].stored, 100, 200, cases[i].now),
				 cases[i].want);
}

static void test_open_check(void **state)
{
	(void)state;
	assert_int_equal(vconf_open_check(VCONF_PLANNED, 100, 200, 99), VCONF_OPEN_NOT_STARTED);
	assert_int_equal(vconf_open_check(VCONF_PLANNED, 100, 200, 100), VCONF_OPEN_OK);
	assert_int_equal(vconf_open_check(VCONF_ACTIVE, 100, 200, 199), VCONF_OPEN_OK);
	assert_int_equal(vconf_open_check(VCONF_ACTIVE, 100, 200, 200), VCONF_OPEN_FINISHED);
	assert_int_equal(vconf_open_check(VCONF_FINISHED, 100, 200, 150), VCONF_OPEN_FINISHED);
}

static void test_takes(void **state)
{
	(void)state;
	const char *kinds[] = {"staff", "class", "parents", "subject", "other"};
	for (size_t k = 0; k < 5; k++) {
		for (int kind = VCONF_LESSON; kind <= VCONF_CALL; kind++) {
			assert_true(vconf_takes((enum vconf_kind)kind, kinds[k], VCONF_STUDENT));
			assert_true(vconf_takes((enum vconf_kind)kind, kinds[k], VCONF_STAFF));
			bool parents = kind == VCONF_CALL && strcmp(kinds[k], "parents") == 0;
			assert_int_equal(vconf_takes((enum vconf_kind)kind, kinds[k], VCONF_PARENT),
					 parents);
		}
	}
}

static void test_lesson_rule(void **state)
{
	(void)state;
	assert_non_null(vconf_lesson_rule(VCONF_LESSON, "subject", false));
	assert_null(vconf_lesson_rule(VCONF_LESSON, "subject", true));
	assert_null(vconf_lesson_rule(VCONF_LESSON, "class", false));
	assert_null(vconf_lesson_rule(VCONF_LESSON, "class", true));
	assert_non_null(vconf_lesson_rule(VCONF_CALL, "subject", true));
	assert_non_null(vconf_lesson_rule(VCONF_CALL, "parents", true));
	assert_null(vconf_lesson_rule(VCONF_CALL, "subject", false));
}

static void test_create_and_moderate(void **state)
{
	(void)state;
	assert_int_equal(vconf_lesson_create_check(false, 200, 100), VCONF_CREATE_NOT_TEACHER);
	assert_int_equal(vconf_lesson_create_check(false, 200, 300), VCONF_CREATE_NOT_TEACHER);
	assert_int_equal(vconf_lesson_create_check(true, 200, 199), VCONF_CREATE_OK);
	assert_int_equal(vconf_lesson_create_check(true, 200, 200), VCONF_CREATE_ENDED);
	/* Staff with any of the four reasons; never a student or a parent. */
	for (int mask = 0; mask < 16; mask++) {
		bool any = mask != 0;
		assert_int_equal(vconf_moderator(VCONF_STAFF, mask & 1, mask & 2, mask & 4, mask & 8),
				 any);
		assert_false(vconf_moderator(VCONF_STUDENT, mask & 1, mask & 2, mask & 4, mask & 8));
		assert_false(vconf_moderator(VCONF_PARENT, mask & 1, mask & 2, mask & 4, mask & 8));
	}
}

static void test_names(void **state)
{
	(void)state;
	char buf[200];
	assert_true(vconf_default_name("Краеведение", "2022-12-16", "15:50", buf, sizeof buf));
	assert_string_equal(buf, "Урок по предмету «Краеведение» от 16.12.2022 15:50");
	assert_false(vconf_default_name("Краеведение", "2022-13-16", "15:50", buf, sizeof buf));
	assert_false(vconf_default_name("Краеведение", "2022-12-16", "25:00", buf, sizeof buf));
	assert_false(vconf_default_name("Краеведение", "2022-12-16", "15:50", buf, 20));
	assert_true(vconf_name_valid("Урок"));
	assert_false(vconf_name_valid(""));
	assert_false(vconf_name_valid("   "));
	assert_false(vconf_name_valid(NULL));
	assert_false(vconf_name_valid("\xff"));
	char longname[2 * VCONF_NAME_MAX + 3] = "";
	for (int i = 0; i < VCONF_NAME_MAX; i++)
		strcat(longname, "ы");
	assert_true(vconf_name_valid(longname));
	strcat(longname, "ы");
	assert_false(vconf_name_valid(longname));
	enum vconf_kind k;
	assert_true(vconf_kind_parse("call", &k) && k == VCONF_CALL);
	assert_false(vconf_kind_parse("meeting", &k));
}

/* ---- time zones ---- */

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16),
	p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

/* A version-1 file: UTC+2 before t=1000, UTC+3 from then on (a spring-forward at 1000). */
static size_t tzif_sample(unsigned char *buf)
{
	memset(buf, 0, 256);
	memcpy(buf, "TZif", 4);
	put32(buf + 20, 0), put32(buf + 24, 0), put32(buf + 28, 0);
	put32(buf + 32, 1); /* timecnt */
	put32(buf + 36, 2); /* typecnt */
	put32(buf + 40, 4); /* charcnt */
	unsigned char *p = buf + 44;
	put32(p, 1000), p += 4;
	*p++ = 1; /* the transition takes type 1 */
	put32(p, 7200), p[4] = 0, p[5] = 0, p += 6;
	put32(p, 10800), p[4] = 1, p[5] = 0, p += 6;
	memcpy(p, "AB\0\0", 4), p += 4;
	return (size_t)(p - buf);
}

static void test_tzif_sample(void **state)
{
	(void)state;
	unsigned char buf[256];
	size_t len = tzif_sample(buf);
	struct tzif tz;
	assert_int_equal(tzif_parse(buf, len, &tz), PARTA_OK);
	assert_int_equal(tzif_offset_at(&tz, 999), 7200);
	assert_int_equal(tzif_offset_at(&tz, 1000), 10800);
	/* Local 1000+7200 = 8200 would be 1000 UTC in the old offset: skipped, mapped with it. */
	assert_int_equal(tzif_local_to_utc(&tz, 8000), 800);
	assert_int_equal(tzif_local_to_utc(&tz, 20000), 20000 - 10800);
	tzif_free(&tz);
	/* Truncated or foreign bytes are refused, never read past the end. */
	for (size_t cut = 0; cut < len; cut++)
		assert_int_equal(tzif_parse(buf, cut, &tz), PARTA_EINVAL);
	buf[0] = 'X';
	assert_int_equal(tzif_parse(buf, len, &tz), PARTA_EINVAL);
}

static int tzif_file(const char *zone, struct tzif *out)
{
	char path[128];
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", zone);
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return PARTA_ENOTFOUND;
	static unsigned char buf[1 << 16];
	size_t len = fread(buf, 1, sizeof buf, f);
	fclose(f);
	return tzif_parse(buf, len, out);
}

static void test_tzif_zones(void **state)
{
	(void)state;
	struct tzif tz;
	/* Moscow: +3 since 2014-10-26, +4 in 2012; the school day of 2026-12-16 08:00. */
	assert_int_equal(tzif_file("Europe/Moscow", &tz), PARTA_OK);
	int64_t local = tzif_days_from_civil(2026, 12, 16) * 86400 + 8 * 3600;
	assert_int_equal(tzif_local_to_utc(&tz, local), local - 3 * 3600);
	assert_int_equal(tzif_offset_at(&tz, 1340000000), 4 * 3600); /* June 2012 */
	tzif_free(&tz);
	/* Yekaterinburg +5, Vladivostok +10. */
	assert_int_equal(tzif_file("Asia/Yekaterinburg", &tz), PARTA_OK);
	assert_int_equal(tzif_offset_at(&tz, 1800000000), 5 * 3600);
	tzif_free(&tz);
	assert_int_equal(tzif_file("Asia/Vladivostok", &tz), PARTA_OK);
	assert_int_equal(tzif_offset_at(&tz, 1800000000), 10 * 3600);
	tzif_free(&tz);
	/* Berlin's repeated hour 2026-10-25 02:30 maps to its first occurrence (+2). */
	assert_int_equal(tzif_file("Europe/Berlin", &tz), PARTA_OK);
	local = tzif_days_from_civil(2026, 10, 25) * 86400 + 2 * 3600 + 1800;
	assert_int_equal(tzif_local_to_utc(&tz, local), local - 2 * 3600);
	tzif_free(&tz);
}

static void test_civil_days(void **state)
{
	(void)state;
	assert_int_equal(tzif_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(tzif_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(tzif_days_from_civil(1969, 12, 31), -1);
	for (int64_t d = -800000; d < 800000; d += 37) {
		int y, m, dd;
		tzif_civil_from_days(d, &y, &m, &dd);
		assert_int_equal(tzif_days_from_civil(y, m, dd), d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_due_state),   cmocka_unit_test(test_open_check),
		cmocka_unit_test(test_takes),       cmocka_unit_test(test_lesson_rule),
		cmocka_unit_test(test_create_and_moderate), cmocka_unit_test(test_names),
		cmocka_unit_test(test_tzif_sample), cmocka_unit_test(test_tzif_zones),
		cmocka_unit_test(test_civil_days),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
