#include "authrule.h"

enum authrule_session_state authrule_session_state(int64_t expires_at, int64_t last_seen_at,
						   int64_t revoked_at, int64_t idle_ttl,
						   int64_t now)
{
	if (revoked_at != 0)
		return AUTHRULE_SESSION_REVOKED;
	if (now >= expires_at)
		return AUTHRULE_SESSION_ABS_EXPIRED;
	if (now >= last_seen_at + idle_ttl)
		return AUTHRULE_SESSION_IDLE_EXPIRED;
	return AUTHRULE_SESSION_VALID;
}

int64_t authrule_throttle_wait(const int64_t *failures_desc, size_t n, size_t limit,
			       int64_t window, int64_t now)
{
	if (limit == 0)
		return window > 0 ? window : 1;
	size_t in_window = 0;
	for (size_t i = 0; i < n; i++) {
		if (failures_desc[i] <= now - window)
			break; /* newest first: the rest are older still */
		in_window++;
	}
	if (in_window < limit)
		return 0;
	/* The limit-th newest failure is the one whose ageing out brings the count below limit. */
	int64_t wait = failures_desc[limit - 1] + window - now;
	return wait > 0 ? wait : 1;
}
