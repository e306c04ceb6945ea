/* authrule.h — pure rules of authentication: session expiry and login throttling.
 *
 * No I/O, no clock: every function takes "now" (Unix seconds) as a parameter. */
#ifndef PARTA_CORE_AUTHRULE_H
#define PARTA_CORE_AUTHRULE_H

#include <stddef.h>
#include <stdint.h>

enum authrule_session_state {
	AUTHRULE_SESSION_VALID = 0,
	AUTHRULE_SESSION_REVOKED,       /* logged out */
	AUTHRULE_SESSION_IDLE_EXPIRED,  /* unused for longer than idle_ttl */
	AUTHRULE_SESSION_ABS_EXPIRED,   /* older than its absolute expiry */
};

/* The state of a session at `now`. `expires_at` is the absolute expiry, `last_seen_at` the last
 * authenticated use, `revoked_at` is 0 when the session was never revoked. A session is valid
 * while now < expires_at and now < last_seen_at + idle_ttl. */
enum authrule_session_state authrule_session_state(int64_t expires_at, int64_t last_seen_at,
						   int64_t revoked_at, int64_t idle_ttl,
						   int64_t now);

/* Seconds the caller must wait before another attempt is allowed, or 0 if it is allowed now.
 *
 * `failures_desc` holds the times of recent failures, newest first (older entries than the
 * window may be present; they are ignored). At most `limit` failures are allowed within
 * `window` seconds: while `limit` or more fall in the window the caller waits until the
 * limit-th newest leaves it. The answer is at least 1 when waiting is needed. */
int64_t authrule_throttle_wait(const int64_t *failures_desc, size_t n, size_t limit,
			       int64_t window, int64_t now);

#endif
