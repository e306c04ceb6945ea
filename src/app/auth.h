/* auth.h — use cases of accounts and sessions: log in, authenticate a request, check CSRF,
 * log out, create accounts and set passwords (for the command line).
 *
 * Logging in is split in three so that the slow password verification (argon2id, tens of
 * milliseconds) never runs on the event loop:
 *   auth_login_begin   (loop)   validates, applies throttling, loads the password hash;
 *   auth_login_verify  (worker) verifies the password — touches only the job;
 *   auth_login_finish  (loop)   records the failure or creates the session.
 * Nothing in this module allocates: results are written into caller-provided structs. */
#ifndef PARTA_APP_AUTH_H
#define PARTA_APP_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "../store/account.h"
#include "../store/session.h"
#include "app.h"

#define AUTH_PASSWORD_MAX 1024 /* bytes accepted in a login request */
#define AUTH_PASSWORD_MIN 8    /* characters required when a password is set */
#define AUTH_TOKEN_CHARS 43    /* 32 random bytes in unpadded base64url */
#define AUTH_ADDR_MAX 64

struct auth_login_job {
	char login[ACCOUNT_LOGIN_MAX + 1];
	char password[AUTH_PASSWORD_MAX + 1];
	char addr[AUTH_ADDR_MAX + 1];
	char pw_hash[ACCOUNT_HASH_MAX + 1];
	int64_t account_id; /* 0 when the login names no account */
	bool verified;      /* set by auth_login_verify */
};

/* What a successful login hands to the client. */
struct auth_issued {
	char token[AUTH_TOKEN_CHARS + 1];
	char csrf_token[AUTH_TOKEN_CHARS + 1];
	int64_t expires_at;
	struct account account;
};

/* An authenticated request's identity: a journal account's session (session.account_id, with
 * the account), or a messenger profile's (session.profile_id; account left empty). */
struct auth_ctx {
	struct account account;
	struct session_row session;
};

/* Validates the credentials' shape and the throttles, then fills `job`.
 *   PARTA_EVALIDATION  empty or over-long login or password, or not valid UTF-8;
 *   PARTA_ETHROTTLED   too many recent failures for this login or address; *retry_after is set;
 *   PARTA_EIO          database failure. */
int auth_login_begin(struct app *app, const char *login, const char *password, const char *addr,
		     struct auth_login_job *job, int64_t *retry_after);

/* Verifies job->password against job->pw_hash and wipes the password. Thread-safe: touches
 * nothing but the job. */
void auth_login_verify(struct auth_login_job *job);

/* On success creates a session and fills `out`; on a wrong password records the failure and
 * returns PARTA_EUNAUTH. PARTA_EIO on a database failure. */
int auth_login_finish(struct app *app, const struct auth_login_job *job, struct auth_issued *out);

/* The login throttles for another secret (a profile's password, keyed "profile:+7…"):
 * PARTA_ETHROTTLED with *retry_after while `key` or `addr` had too many recent failures; and
 * recording one failure. */
int auth_secret_throttle(struct app *app, const char *key, const char *addr,
			 int64_t *retry_after);
int auth_secret_failed(struct app *app, const char *key, const char *addr);

/* A messenger session for a profile, inside the caller's transaction (the sign-in or the
 * journal's «Перейти в мессенджер» decided who it is). out->account stays empty. */
int auth_profile_session(struct app *app, int64_t profile, const char *addr,
			 struct auth_issued *out);

/* Resolves a session token to its account. PARTA_EUNAUTH when the token is unknown, revoked or
 * expired. Refreshes the session's last use (at most once a minute). */
int auth_authenticate(struct app *app, const char *token, struct auth_ctx *out);

/* PARTA_OK when `csrf_token` belongs to the authenticated session, PARTA_EFORBIDDEN otherwise. */
int auth_check_csrf(const struct auth_ctx *ctx, const char *csrf_token);

int auth_logout(struct app *app, const struct auth_ctx *ctx);

/* Hashes a new password with argon2id. PARTA_EVALIDATION when it is shorter than
 * AUTH_PASSWORD_MIN characters, longer than AUTH_PASSWORD_MAX bytes or not UTF-8. */
int auth_hash_password(const char *password, char out[ACCOUNT_HASH_MAX + 1]);

/* Creates an account in the organisation named `org_name` (created when absent), in one
 * transaction. PARTA_ECONFLICT when the login is taken, PARTA_EVALIDATION on bad values. */
int auth_user_add(struct app *app, const char *org_name, const char *login,
		  const char *display_name, const char *role, const char *password,
		  int64_t *account_id);

int auth_user_passwd(struct app *app, const char *login, const char *password);

#endif
