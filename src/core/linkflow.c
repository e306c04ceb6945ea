#include "linkflow.h"

#include <string.h>

#include "err.h"

static const char *const linkflow_names[LINK_STEPS] = {"auth", "code", "confirm", "about",
							 "done"};

const char *linkflow_step_name(enum linkflow_step step)
{
	return (unsigned)step < LINK_STEPS ? linkflow_names[step] : NULL;
}

int linkflow_step_parse(const char *name, enum linkflow_step *out)
{
	for (int i = 0; name != NULL && i < LINK_STEPS; i++)
		if (strcmp(name, linkflow_names[i]) == 0) {
			*out = (enum linkflow_step)i;
			return PARTA_OK;
		}
	return PARTA_EVALIDATION;
}

struct linkflow linkflow_start(bool profile_exists, bool has_password)
{
	return (struct linkflow){profile_exists ? LINK_AUTH : LINK_CODE, profile_exists,
				 profile_exists && has_password};
}

int linkflow_next(struct linkflow *f, enum linkflow_event ev)
{
	enum linkflow_step next = f->step;
	switch (f->step) {
	case LINK_AUTH:
		if (ev == LINK_SEND_CODE)
			next = LINK_CODE;
		else if (ev == LINK_PASSWORD_OK && f->has_password)
			next = LINK_CONFIRM;
		break;
	case LINK_CODE:
		if (ev == LINK_SEND_CODE)
			next = LINK_CODE;
		else if (ev == LINK_CODE_OK)
			next = f->profile_exists ? LINK_CONFIRM : LINK_ABOUT;
		break;
	case LINK_CONFIRM:
		if (ev == LINK_CONFIRMED)
			next = LINK_DONE;
		break;
	case LINK_ABOUT:
		if (ev == LINK_ABOUT_GIVEN)
			next = LINK_DONE;
		break;
	default: break;
	}
	bool moved = next != f->step || (f->step == LINK_CODE && ev == LINK_SEND_CODE);
	if (!moved)
		return PARTA_ECONFLICT;
	f->step = next;
	return PARTA_OK;
}

static int64_t smscode_max(int64_t a, int64_t b) { return a > b ? a : b; }

int64_t smscode_wait(const struct smscode_history *h, int64_t now)
{
	int64_t wait = 0;
	if (h->last_sent != 0 && now - h->last_sent < SMSCODE_RESEND)
		wait = SMSCODE_RESEND - (now - h->last_sent);
	if (h->phone_last_hour >= SMSCODE_PHONE_PER_HOUR)
		wait = smscode_max(wait, h->phone_oldest_in_hour + 3600 - now);
	if (h->addr_last_hour >= SMSCODE_ADDR_PER_HOUR)
		wait = smscode_max(wait, h->addr_oldest_in_hour + 3600 - now);
	return wait > 0 ? wait : 0;
}

enum smscode_verdict smscode_check(int64_t sent_at, unsigned attempts, bool matches, int64_t now)
{
	if (attempts >= SMSCODE_ATTEMPTS)
		return SMSCODE_EXHAUSTED;
	if (now - sent_at >= SMSCODE_TTL)
		return SMSCODE_EXPIRED;
	if (matches)
		return SMSCODE_OK;
	return attempts + 1 >= SMSCODE_ATTEMPTS ? SMSCODE_EXHAUSTED : SMSCODE_WRONG;
}
