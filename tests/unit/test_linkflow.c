/* test_linkflow.c — phone normalisation, the linking state machine (every branch and every
 * event in every step) and the SMS code rules (expiry, attempts, resend cooldown, hourly
 * limits per phone and per address). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/linkflow.h"
#include "core/phone.h"

static void test_phone(void **state)
{
	(void)state;
	static const char *const good[] = {"+7 (999) 123-45-67", "8 999 123 45 67", "79991234567",
					   "9991234567", "+7-999-123-45-67", " 8(999)1234567 "};
	char out[PHONE_LEN + 1], why[120];
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_int_equal(phone_normalize(good[i], out, why, sizeof why), PARTA_OK);
		assert_string_equal(out, "+79991234567");
	}
	static const char *const bad[] = {"",	     "+1 202 555 0100", "899912345678",
					  "+7 999 abc", "+7 099 123 45 67", "++79991234567", "7-999",
					  "+380501234567"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why[0] = '\0';
		assert_int_equal(phone_normalize(bad[i], out, why, sizeof why), PARTA_EVALIDATION);
		assert_true(why[0] != '\0');
	}
	assert_int_equal(phone_normalize(NULL, out, NULL, 0), PARTA_EVALIDATION);
	phone_mask("+79991234567", out);
	assert_string_equal(out, "+7999***4567");
}

static void test_flow_branches(void **state)
{
	(void)state;
	/* An existing profile with a password: password → confirm → done. */
	struct linkflow f = linkflow_start(true, true);
	assert_int_equal(f.step, LINK_AUTH);
	assert_int_equal(linkflow_next(&f, LINK_CODE_OK), PARTA_ECONFLICT); /* no code sent yet */
	assert_int_equal(linkflow_next(&f, LINK_CONFIRMED), PARTA_ECONFLICT);
	assert_int_equal(linkflow_next(&f, LINK_PASSWORD_OK), PARTA_OK);
	assert_int_equal(f.step, LINK_CONFIRM);
	assert_int_equal(linkflow_next(&f, LINK_ABOUT_GIVEN), PARTA_ECONFLICT);
	assert_int_equal(linkflow_next(&f, LINK_CONFIRMED), PARTA_OK);
	assert_int_equal(f.step, LINK_DONE);
	for (int ev = LINK_SEND_CODE; ev <= LINK_ABOUT_GIVEN; ev++)
		assert_int_equal(linkflow_next(&f, (enum linkflow_event)ev), PARTA_ECONFLICT);
	/* An existing profile without a password: only a code. */
	f = linkflow_start(true, false);
	assert_int_equal(linkflow_next(&f, LINK_PASSWORD_OK), PARTA_ECONFLICT);
	assert_int_equal(linkflow_next(&f, LINK_SEND_CODE), PARTA_OK);
	assert_int_equal(f.step, LINK_CODE);
	assert_int_equal(linkflow_next(&f, LINK_SEND_CODE), PARTA_OK); /* resend */
	assert_int_equal(linkflow_next(&f, LINK_PASSWORD_OK), PARTA_ECONFLICT);
	assert_int_equal(linkflow_next(&f, LINK_CODE_OK), PARTA_OK);
	assert_int_equal(f.step, LINK_CONFIRM);
	/* No profile: code → «Информация о себе» → created. */
	f = linkflow_start(false, true);
	assert_false(f.has_password);
	assert_int_equal(f.step, LINK_CODE);
	assert_int_equal(linkflow_next(&f, LINK_CODE_OK), PARTA_OK);
	assert_int_equal(f.step, LINK_ABOUT);
	assert_int_equal(linkflow_next(&f, LINK_CONFIRMED), PARTA_ECONFLICT);
	assert_int_equal(linkflow_next(&f, LINK_ABOUT_GIVEN), PARTA_OK);
	assert_int_equal(f.step, LINK_DONE);
	enum linkflow_step step;
	for (int i = 0; i < LINK_STEPS; i++) {
		assert_int_equal(linkflow_step_parse(linkflow_step_name((enum linkflow_step)i), &step),
				 PARTA_OK);
		assert_int_equal(step, i);
	}
	assert_int_equal(linkflow_step_parse("phone", &step), PARTA_EVALIDATION);
}

static void test_codes(void **state)
{
	(void)state;
	int64_t t = 1000000;
	assert_int_equal(smscode_check(t, 0, true, t + SMSCODE_TTL - 1), SMSCODE_OK);
	assert_int_equal(smscode_check(t, 0, true, t + SMSCODE_TTL), SMSCODE_EXPIRED);
	assert_int_equal(smscode_check(t, 0, false, t + 10), SMSCODE_WRONG);
	assert_int_equal(smscode_check(t, SMSCODE_ATTEMPTS - 1, false, t + 10), SMSCODE_EXHAUSTED);
	assert_int_equal(smscode_check(t, SMSCODE_ATTEMPTS, true, t + 10), SMSCODE_EXHAUSTED);

	struct smscode_history h = {0};
	assert_int_equal(smscode_wait(&h, t), 0);
	h.last_sent = t;
	assert_int_equal(smscode_wait(&h, t + 1), SMSCODE_RESEND - 1);
	assert_int_equal(smscode_wait(&h, t + SMSCODE_RESEND), 0);
	h = (struct smscode_history){.last_sent = t - 600, .phone_last_hour = SMSCODE_PHONE_PER_HOUR,
				     .phone_oldest_in_hour = t - 3000};
	assert_int_equal(smscode_wait(&h, t), 600);
	h = (struct smscode_history){.addr_last_hour = SMSCODE_ADDR_PER_HOUR,
				     .addr_oldest_in_hour = t - 3599};
	assert_int_equal(smscode_wait(&h, t), 1);
	h.addr_last_hour = SMSCODE_ADDR_PER_HOUR - 1;
	assert_int_equal(smscode_wait(&h, t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_flow_branches),
		cmocka_unit_test(test_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
