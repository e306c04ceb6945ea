/* link.h — linking a journal account to a messenger profile (SPEC §2), once, through the
 * steps of core/linkflow.h; unlinking. Each step runs in its own transaction and answers with
 * the token of the next step (the one it was given is spent). Linking marks the account's
 * person as linked and activates their pending chat memberships in the same transaction;
 * unlinking makes them pending again (they leave the messenger's chats; the journal keeps
 * them). A code to send is handed back to the caller (out->sms_phone, out->sms_text), which
 * delivers it through the gateway after the commit — the code is never logged.
 *
 * Errors (out->why says it in Russian):
 *   PARTA_EVALIDATION  bad input (phone, code format, personal data);
 *   PARTA_ENOTFOUND    unknown or expired flow token (start again);
 *   PARTA_ECONFLICT    the step does not take this (a password for a profile without one),
 *                      the account is linked already, or another account of the organisation
 *                      holds the profile;
 *   PARTA_EUNAUTH      a wrong code or password (out->attempts_left for codes);
 *   PARTA_ETHROTTLED   too many codes: out->retry_after seconds;
 *   PARTA_EIO, PARTA_ENOMEM. */
#ifndef PARTA_APP_LINK_H
#define PARTA_APP_LINK_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/linkflow.h"
#include "../core/phone.h"
#include "../store/account.h"
#include "app.h"

#define LINK_FLOW_TTL 900 /* seconds a step's token stays valid */

struct link_result {
	char flow[65];              /* the next step's token; "" when done */
	enum linkflow_step step;
	bool has_password;          /* AUTH: the profile can be opened with its password */
	json_t *profile;            /* CONFIRM and DONE: the profile's personal data; owned */
	char sms_phone[PHONE_LEN + 1]; /* a code to deliver ("" when none) */
	char sms_text[160];
	int64_t resend_after;       /* seconds before another code may be asked for */
	int64_t retry_after;        /* PARTA_ETHROTTLED */
	unsigned attempts_left;     /* PARTA_EUNAUTH for a code */
	char why[200];
};

void link_result_free(struct link_result *r);

/* {"linked", "profile": {…} | null, "verified_staff"} for the account. */
int link_status(struct app *app, const struct account *acc, json_t **out);

int link_start(struct app *app, const struct account *acc, const char *phone, const char *addr,
	       struct link_result *out);
int link_send_code(struct app *app, const struct account *acc, const char *flow,
		   const char *addr, struct link_result *out);
int link_code(struct app *app, const struct account *acc, const char *flow, const char *code,
	      struct link_result *out);
int link_confirm(struct app *app, const struct account *acc, const char *flow,
		 struct link_result *out);
/* body: {"surname","first_name","patronymic"?,"birth_date"?,"gender"?}. */
int link_about(struct app *app, const struct account *acc, const char *flow, json_t *body,
	       struct link_result *out);

/* The password step, in three parts so that argon2id runs on a worker: begin (loop) fills
 * the job, verify (any thread) checks, finish (loop) moves the flow on. */
struct link_password_job {
	int64_t account;
	char flow[65];
	char key[32];  /* "profile:+7…": the throttle's key */
	char addr[64];
	char pw_hash[129];
	char password[1025];
	bool matches;
};
int link_password_begin(struct app *app, const struct account *acc, const char *flow,
			const char *password, const char *addr, struct link_password_job *job,
			struct link_result *out);
void link_password_verify(struct link_password_job *job);
int link_password_finish(struct app *app, const struct account *acc,
			 const struct link_password_job *job, struct link_result *out);

int link_unlink(struct app *app, const struct account *acc);

/* ---- shared with the messenger's sign-in (app/msglogin.h) ---- */

/* Step tokens: 64 hex digits from libsodium's random; only their hash is stored. */
void link_token_new(char token[65], unsigned char hash[32]);
/* false for a malformed token. */
bool link_token_hash(const char *token, unsigned char hash[32]);
/* Writes the Russian reason and returns err. */
__attribute__((format(printf, 3, 4))) int link_fail(struct link_result *out, int err,
						    const char *fmt, ...);

struct pstore_profile;
/* A new code to `phone` within the limits (cooldown, hourly limits): out->sms_* to deliver. */
int link_new_code(struct app *app, const char *phone, const char *addr, struct link_result *out);
/* Checks a code against the phone's latest one, counting wrong tries and spending it. */
int link_check_code(struct app *app, const char *phone, const char *code,
		    struct link_result *out);
/* Fills a password job for the profile after the throttles (PARTA_ETHROTTLED) and the
 * password's shape (PARTA_EVALIDATION). */
int link_password_job_fill(struct app *app, const struct pstore_profile *p, const char *flow,
			   const char *password, const char *addr, struct link_password_job *job,
			   struct link_result *out);

#endif
