/* test_demo.c — the demo generator is deterministic and its region is realistic: every
 * student enrolled once with a parent, every class with a homeroom teacher, every load with a
 * teacher, subgroups for English, no teacher in two lessons at once, correct name forms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "app/demo.h"
#include "core/err.h"

static const char *s(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

static bool ends_with(const char *v, const char *suffix)
{
	size_t n = strlen(v), k = strlen(suffix);
	return n >= k && strcmp(v + n - k, suffix) == 0;
}

static size_t count_kind(json_t *orders, const char *kind)
{
	size_t n = 0, i;
	json_t *o;
	json_array_foreach(orders, i, o) n += strcmp(s(o, "kind"), kind) == 0;
	return n;
}

static void test_deterministic(void **state)
{
	(void)state;
	struct demo_org_spec specs[3];
	assert_int_equal(demo_region_specs(2, specs, 3), 3);
	for (int i = 0; i < 3; i++) {
		json_t *a, *b, *c;
		assert_int_equal(demo_bundle(&specs[i], 7, "2026-11-23", &a), PARTA_OK);
		assert_int_equal(demo_bundle(&specs[i], 7, "2026-11-23", &b), PARTA_OK);
		assert_int_equal(demo_bundle(&specs[i], 8, "2026-11-23", &c), PARTA_OK);
		assert_true(json_equal(a, b));
		assert_false(json_equal(a, c));
		json_decref(a);
		json_decref(b);
		json_decref(c);
	}
	json_t *bad;
	assert_int_equal(demo_bundle(&specs[0], 7, "2026-02-30", &bad), PARTA_EVALIDATION);
}

/* Checks the invariants of one organisation's bundle. */
static void check_invariants(json_t *b, bool college)
{
	json_t *orders = json_object_get(b, "orders"), *persons = json_object_get(b, "persons");
	size_t classes = count_kind(orders, "class_create");
	assert_int_equal(classes, college ? 18 : 33);
	assert_int_equal(count_kind(orders, "homeroom"), classes);
	size_t staff = count_kind(orders, "hire");
	if (!college)
		assert_true(staff >= 45 && staff <= 75);
	/* Each student enrolled exactly once; each with at least one parent. */
	json_t *enrolled = json_object(), *parented = json_object(), *per_class = json_object();
	size_t i;
	json_t *o;
	json_array_foreach(orders, i, o)
	{
		if (strcmp(s(o, "kind"), "enrol") == 0) {
			assert_null(json_object_get(enrolled, s(o, "person")));
			json_object_set_new(enrolled, s(o, "person"), json_true());
			json_int_t n = json_integer_value(json_object_get(per_class, s(o, "class")));
			json_object_set_new(per_class, s(o, "class"), json_integer(n + 1));
		} else if (strcmp(s(o, "kind"), "guardian_add") == 0) {
			json_object_set_new(parented, s(o, "student"), json_true());
		} else if (strcmp(s(o, "kind"), "load_set") == 0) {
			assert_non_null(s(o, "person")); /* every load has its teacher */
		}
	}
	const char *key;
	json_t *v;
	json_object_foreach(enrolled, key, v) assert_non_null(json_object_get(parented, key));
	json_object_foreach(per_class, key, v)
	{
		json_int_t n = json_integer_value(v);
		assert_true(college ? (n >= 20 && n <= 25) : (n >= 25 && n <= 30));
	}
	/* Siblings: some parents have more than one child. */
	json_t *children = json_object();
	bool siblings = false;
	json_array_foreach(orders, i, o)
	{
		if (strcmp(s(o, "kind"), "guardian_add") != 0)
			continue;
		json_int_t n = json_integer_value(json_object_get(children, s(o, "person")));
		siblings |= n >= 1;
		json_object_set_new(children, s(o, "person"), json_integer(n + 1));
	}
	assert_true(siblings);
	/* English is taught in two subgroups. */
	size_t subgroups = 0;
	json_array_foreach(orders, i, o) subgroups += json_object_get(o, "subgroup") != NULL;
	assert_true(subgroups >= 2);
	/* Names: feminine surnames and patronymics agree with the gender. */
	json_array_foreach(persons, i, o)
	{
		bool female = strcmp(s(o, "gender"), "f") == 0;
		assert_true(female ? ends_with(s(o, "patronymic"), "на")
				   : ends_with(s(o, "patronymic"), "ич"));
		if (female)
			assert_false(ends_with(s(o, "surname"), "ов") || ends_with(s(o, "surname"), "ин") ||
				     ends_with(s(o, "surname"), "ский"));
	}
	/* The timetable: weekdays only, bell times, nobody teaching twice at once. */
	json_t *busy = json_object();
	json_t *lessons = json_object_get(b, "lessons");
	assert_true(json_array_size(lessons) > classes * 15);
	json_array_foreach(lessons, i, o)
	{
		char slot[96];
		snprintf(slot, sizeof slot, "%s %s %s", s(o, "teacher"), s(o, "date"), s(o, "start"));
		assert_null(json_object_get(busy, slot));
		json_object_set_new(busy, slot, json_true());
		assert_true(strcmp(s(o, "date"), "2026-11-23") >= 0 &&
			    strcmp(s(o, "date"), "2026-11-27") <= 0);
	}
	json_decref(busy);
	json_decref(children);
	json_decref(enrolled);
	json_decref(parented);
	json_decref(per_class);
}

static void test_invariants(void **state)
{
	(void)state;
	struct demo_org_spec specs[3];
	demo_region_specs(2, specs, 3);
	assert_string_equal(specs[2].type, "college");
	assert_string_equal(specs[1].time_zone, "Asia/Sakhalin");
	assert_string_equal(specs[0].profile, "sgo");
	assert_string_equal(specs[1].profile, "bars");
	for (int i = 0; i < 3; i++) {
		json_t *b;
		assert_int_equal(demo_bundle(&specs[i], 1, "2026-11-23", &b), PARTA_OK);
		check_invariants(b, i == 2);
		if (i == 2) {
			/* College groups are named like «ИС-26-1» and disciplines carry their cycle. */
			json_t *o = json_array_get(json_object_get(b, "orders"), 0);
			assert_string_equal(s(o, "name"), "ИС-26-1");
			json_t *subj = json_array_get(json_object_get(b, "subjects"), 0);
			assert_string_equal(s(subj, "name"), "Английский язык(ОГСЭ)");
		} else {
			json_t *o = json_array_get(json_object_get(b, "orders"), 0);
			assert_string_equal(s(o, "name"), "1А");
		}
		json_decref(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_invariants),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
