/* linkflow.h — linking a journal account to a messenger profile, once (SPEC §2), as a state
 * machine; and the rules for one-time SMS codes. Pure: the caller brings the clock and the
 * facts (does a profile with that phone exist, did the password or the code match).
 *
 *   phone ─┬─ a profile exists ─→ AUTH ─ password ───────────→ CONFIRM ─→ DONE
 *          │                        └── send code → CODE ─ code → CONFIRM
 *          └─ none ─ send code ─→ CODE ─ code ─→ ABOUT («Информация о себе»,
 *                                                 «Создать учебный профиль») ─→ DONE
 */
#ifndef PARTA_CORE_LINKFLOW_H
#define PARTA_CORE_LINKFLOW_H

#include <stdbool.h>
#include <stdint.h>

enum linkflow_step { LINK_AUTH = 0, LINK_CODE, LINK_CONFIRM, LINK_ABOUT, LINK_DONE, LINK_STEPS };
enum linkflow_event {
	LINK_SEND_CODE,   /* a code was sent (again) */
	LINK_PASSWORD_OK, /* the profile's password matched */
	LINK_CODE_OK,     /* the code matched */
	LINK_CONFIRMED,   /* the person confirmed the profile's personal data */
	LINK_ABOUT_GIVEN, /* the new profile's data was valid and the profile created */
};

struct linkflow {
	enum linkflow_step step;
	bool profile_exists, has_password;
};

/* The first step after the phone: AUTH for an existing profile, CODE (a code is to be sent at
 * once) for a new one. */
struct linkflow linkflow_start(bool profile_exists, bool has_password);

/* Moves on. PARTA_ECONFLICT when the event does not belong to the step (a password for a
 * profile without one, a code before one was sent, anything after DONE); the flow is
 * unchanged then. */
int linkflow_next(struct linkflow *f, enum linkflow_event ev);

/* Stable names ("auth", "code", "confirm", "about", "done") and back (PARTA_EVALIDATION). */
const char *linkflow_step_name(enum linkflow_step step);
int linkflow_step_parse(const char *name, enum linkflow_step *out);

/* ---- one-time codes ---- */

#define SMSCODE_DIGITS 6
#define SMSCODE_TTL 300           /* seconds a code stays valid */
#define SMSCODE_ATTEMPTS 5        /* wrong tries before the code is spent */
#define SMSCODE_RESEND 60         /* seconds before another code to the same phone */
#define SMSCODE_PHONE_PER_HOUR 10 /* codes to one phone in an hour */
#define SMSCODE_ADDR_PER_HOUR 30  /* codes asked for from one address in an hour */

struct smscode_history {
	int64_t last_sent;           /* to this phone; 0: never */
	unsigned phone_last_hour;    /* codes to this phone in the last hour */
	unsigned addr_last_hour;     /* codes asked from this address in the last hour */
	int64_t phone_oldest_in_hour; /* when the oldest of those was sent (for the wait) */
	int64_t addr_oldest_in_hour;
};

/* 0 when a code may be sent now; otherwise the seconds to wait (Retry-After). */
int64_t smscode_wait(const struct smscode_history *h, int64_t now);

enum smscode_verdict { SMSCODE_OK, SMSCODE_WRONG, SMSCODE_EXPIRED, SMSCODE_EXHAUSTED };
/* The verdict on a try: `attempts` wrong tries were made before this one. A wrong try that
 * uses up the last attempt is SMSCODE_EXHAUSTED. */
enum smscode_verdict smscode_check(int64_t sent_at, unsigned attempts, bool matches, int64_t now);

#endif
