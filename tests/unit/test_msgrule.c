/* test_msgrule.c — the rules of a chat message: text, client ids, the edit window, who may
 * delete, mutes, read confirmations, the size of «Избранное». */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/msgrule.h"

static void test_text(void **state)
{
	(void)state;
	char why[100], big[MSG_TEXT_MAX + 2];
	assert_int_equal(msgrule_text("Привет!\nКак дела?\t:)", why, sizeof why), PARTA_OK);
	assert_int_equal(msgrule_text("", why, sizeof why), PARTA_EVALIDATION);
	assert_int_equal(msgrule_text(NULL, why, sizeof why), PARTA_EVALIDATION);
	assert_int_equal(msgrule_text("bell\a", why, sizeof why), PARTA_EVALIDATION);
	assert_int_equal(msgrule_text("\xd0", why, sizeof why), PARTA_EVALIDATION);
	memset(big, 'a', sizeof big - 1);
	big[MSG_TEXT_MAX] = '\0';
	assert_int_equal(msgrule_text(big, why, sizeof why), PARTA_OK);
	big[MSG_TEXT_MAX] = 'a';
	big[MSG_TEXT_MAX + 1] = '\0';
	assert_int_equal(msgrule_text(big, why, sizeof why), PARTA_EVALIDATION);
	assert_non_null(strstr(why, "4096"));
}

static void test_client_id(void **state)
{
	(void)state;
	assert_true(msgrule_client_id("c-1_A"));
	assert_false(msgrule_client_id(""));
	assert_false(msgrule_client_id(NULL));
	assert_false(msgrule_client_id("with space"));
	char long_id[MSG_CLIENT_ID_MAX + 2];
	memset(long_id, 'x', sizeof long_id - 1);
	long_id[MSG_CLIENT_ID_MAX] = '\0';
	assert_true(msgrule_client_id(long_id));
	long_id[MSG_CLIENT_ID_MAX] = 'x';
	long_id[MSG_CLIENT_ID_MAX + 1] = '\0';
	assert_false(msgrule_client_id(long_id));
}

static void test_edit_and_delete(void **state)
{
	(void)state;
	int64_t t = 1000000;
	assert_true(msgrule_may_edit(7, 7, t, t + MSG_EDIT_WINDOW - 1, false));
	assert_false(msgrule_may_edit(7, 7, t, t + MSG_EDIT_WINDOW, false));
	assert_false(msgrule_may_edit(7, 8, t, t + 1, false));
	assert_false(msgrule_may_edit(7, 7, t, t + 1, true));
	assert_true(msgrule_may_delete(7, 7, false));
	assert_false(msgrule_may_delete(7, 8, false));
	assert_true(msgrule_may_delete(7, 8, true));
}

static void test_mutes(void **state)
{
	(void)state;
	int64_t until, t = 5000;
	assert_int_equal(msgrule_mute_until(8, t, &until), PARTA_OK);
	assert_int_equal(until, t + 8 * 3600);
	assert_true(msgrule_muted(until, t + 8 * 3600 - 1));
	assert_false(msgrule_muted(until, t + 8 * 3600));
	assert_int_equal(msgrule_mute_until(0, t, &until), PARTA_OK);
	assert_true(msgrule_muted(until, t + 100 * 365 * 86400LL));
	assert_int_equal(msgrule_mute_until(2, t, &until), PARTA_EVALIDATION);
	assert_false(msgrule_muted(0, t));
}

static void test_mute_left(void **state)
{
	(void)state;
	assert_int_equal(msgrule_mute_left(0, 100), 0);
	assert_int_equal(msgrule_mute_left(-1, 100), -1);
	assert_int_equal(msgrule_mute_left(101, 100), 101);
	assert_int_equal(msgrule_mute_left(100, 100), 0);
}

static void test_confirm(void **state)
{
	(void)state;
	char why[120] = "";
	/* Scenarios: asked for, deleted, sender, me → allowed, and the reason's words. */
	const struct {
		bool requested, deleted;
		int64_t sender, me;
		int rc;
		const char *reason;
	} cases[] = {
		{true, false, 7, 8, PARTA_OK, ""},
		{false, false, 7, 8, PARTA_EVALIDATION, "не просит"},
		{true, false, 7, 7, PARTA_EVALIDATION, "Своё"},
		{true, true, 7, 8, PARTA_EVALIDATION, "удалено"},
		{false, true, 7, 7, PARTA_EVALIDATION, "удалено"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		why[0] = '\0';
		assert_int_equal(msgrule_may_confirm(cases[i].requested, cases[i].deleted,
						     cases[i].sender, cases[i].me, why, sizeof why),
				 cases[i].rc);
		assert_non_null(strstr(why, cases[i].reason));
	}
	/* No room for the reason is no problem. */
	assert_int_equal(msgrule_may_confirm(false, false, 1, 2, NULL, 0), PARTA_EVALIDATION);
}

static void test_saved_room(void **state)
{
	(void)state;
	char why[120] = "";
	assert_int_equal(msgrule_saved_room(0, why, sizeof why), PARTA_OK);
	assert_int_equal(msgrule_saved_room(MSG_SAVED_MAX - 1, why, sizeof why), PARTA_OK);
	assert_string_equal(why, "");
	assert_int_equal(msgrule_saved_room(MSG_SAVED_MAX, why, sizeof why), PARTA_ECONFLICT);
	assert_non_null(strstr(why, "10 000"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_client_id),
		cmocka_unit_test(test_edit_and_delete),
		cmocka_unit_test(test_mutes),
		cmocka_unit_test(test_mute_left),
		cmocka_unit_test(test_confirm),
		cmocka_unit_test(test_saved_room),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
