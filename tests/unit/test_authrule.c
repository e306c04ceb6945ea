/* test_authrule.c — the pure authentication rules: session states and login throttling. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/authrule.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* A session created at 1000 with an absolute expiry at 5000 and an idle ttl of 600. */
static void test_session_states(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		int64_t expires_at, last_seen_at, revoked_at, idle_ttl, now;
		enum authrule_session_state want;
	} cases[] = {
		{"fresh", 5000, 1000, 0, 600, 1000, AUTHRULE_SESSION_VALID},
		{"one second before idle expiry", 5000, 1000, 0, 600, 1599, AUTHRULE_SESSION_VALID},
		{"idle expiry exactly at last_seen+idle", 5000, 1000, 0, 600, 1600,
		 AUTHRULE_SESSION_IDLE_EXPIRED},
		{"idle long after", 5000, 1000, 0, 600, 3000, AUTHRULE_SESSION_IDLE_EXPIRED},
		{"one second before absolute expiry", 5000, 4900, 0, 600, 4999,
		 AUTHRULE_SESSION_VALID},
		{"absolute expiry exactly at expires_at", 5000, 4900, 0, 600, 5000,
		 AUTHRULE_SESSION_ABS_EXPIRED},
		{"revoked while otherwise valid", 5000, 1000, 1200, 600, 1300,
		 AUTHRULE_SESSION_REVOKED},
		{"revoked wins over idle expiry", 5000, 1000, 1200, 600, 2000,
		 AUTHRULE_SESSION_REVOKED},
		{"revoked wins over absolute expiry", 5000, 4900, 1200, 600, 9000,
		 AUTHRULE_SESSION_REVOKED},
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		enum authrule_session_state got = authrule_session_state(
			cases[i].expires_at, cases[i].last_seen_at, cases[i].revoked_at,
			cases[i].idle_ttl, cases[i].now);
		if (got != cases[i].want)
			fail_msg("%s: state %d, want %d", cases[i].what, (int)got, (int)cases[i].want);
	}
}

/* Throttling: at most `limit` failures within `window` seconds; the wait lasts until the
 * limit-th newest failure leaves the window, and is at least 1. */
static void test_throttle_wait(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		int64_t t[8]; /* newest first */
		size_t n, limit;
		int64_t window, now, want;
	} cases[] = {
		{"no failures", {0}, 0, 3, 100, 1000, 0},
		{"fewer than limit", {990, 980}, 2, 3, 100, 1000, 0},
		{"exactly limit: wait for the limit-th newest", {990, 980, 950}, 3, 3, 100, 1000, 50},
		{"more than limit: still the limit-th newest", {995, 990, 980, 950}, 4, 3, 100, 1000,
		 80},
		{"older entries ignored", {990, 980, 850, 800, 700}, 5, 3, 100, 1000, 0},
		{"t == now - window is outside", {990, 980, 900}, 3, 3, 100, 1000, 0},
		{"t == now - window + 1 is inside, wait 1", {990, 980, 901}, 3, 3, 100, 1000, 1},
		{"limit 1", {970}, 1, 1, 100, 1000, 70},
		{"failure at now: the full window", {1000}, 1, 1, 100, 1000, 100},
		/* limit 0 allows no attempt at all: the header leaves the wait open, the code
		 * answers a full window. */
		{"limit 0 without failures still waits the window", {0}, 0, 0, 100, 1000, 100},
		{"limit 0 with failures waits the window", {999}, 1, 0, 100, 1000, 100},
		/* Failures stamped after now (the clock stepped back) count as inside. */
		{"future failure", {1010, 1005}, 2, 2, 100, 1000, 105},
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		int64_t got = authrule_throttle_wait(cases[i].t, cases[i].n, cases[i].limit,
						     cases[i].window, cases[i].now);
		if (got != cases[i].want)
			fail_msg("%s: wait %lld, want %lld", cases[i].what, (long long)got,
				 (long long)cases[i].want);
	}
}

/* Whenever waiting is needed the answer is at least 1 second, never 0 or negative, and it
 * counts down second by second until the limit-th newest failure leaves the window. */
static void test_throttle_wait_countdown(void **state)
{
	(void)state;
	/* Window 0: nothing is ever inside it (t <= now - 0) -> no wait. */
	int64_t t0[] = {1000};
	assert_int_equal(authrule_throttle_wait(t0, 1, 1, 0, 1000), 0);
	/* limit 0 with a non-positive window still reports a positive wait. */
	assert_int_equal(authrule_throttle_wait(NULL, 0, 0, 0, 1000), 1);
	int64_t t[] = {500, 450};
	for (int64_t now = 500; now <= 600; now++) {
		int64_t w = authrule_throttle_wait(t, 2, 2, 100, now);
		int64_t want = now < 550 ? 550 - now : 0;
		if (w != want)
			fail_msg("now %lld: wait %lld, want %lld", (long long)now, (long long)w,
				 (long long)want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_session_states),
		cmocka_unit_test(test_throttle_wait),
		cmocka_unit_test(test_throttle_wait_countdown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
