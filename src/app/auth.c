#include "auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../core/authrule.h"
#include "../core/err.h"
#include "../core/utf8.h"
#include "../util/log.h"

#define AUTH_FAILURES_MAX 64 /* newest failures read per key: above every configured limit */

static bool auth_text_ok(const char *s, size_t max_bytes)
{
	size_t len = strlen(s);
	return len > 0 && len <= max_bytes && utf8_valid_text(s, len);
}

static void auth_hash_token(const char *token, unsigned char out[SESSION_HASH_BYTES])
{
	crypto_generichash(out, SESSION_HASH_BYTES, (const unsigned char *)token, strlen(token),
			   NULL, 0);
}

static void auth_new_token(char out[AUTH_TOKEN_CHARS + 1])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, AUTH_TOKEN_CHARS + 1, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static int auth_throttle_wait(struct app *app, int key_is_addr, const char *key, int limit,
			      int64_t now, int64_t *wait)
{
	int64_t times[AUTH_FAILURES_MAX];
	size_t n = 0;
	int rc = session_failures(app->db, key_is_addr, key, now - app->limits.login_fail_window,
				  times, AUTH_FAILURES_MAX, &n);
	if (rc != PARTA_OK)
		return rc;
	*wait = authrule_throttle_wait(times, n, (size_t)limit, app->limits.login_fail_window, now);
	return PARTA_OK;
}

int auth_secret_throttle(struct app *app, const char *key, const char *addr,
			 int64_t *retry_after)
{
	int64_t now = app_now(app), wait_key = 0, wait_addr = 0;
	*retry_after = 0;
	int rc = auth_throttle_wait(app, 0, key, app->limits.login_fail_limit, now, &wait_key);
	if (rc == PARTA_OK)
		rc = auth_throttle_wait(app, 1, addr, app->limits.addr_fail_limit, now, &wait_addr);
	if (rc != PARTA_OK)
		return rc;
	*retry_after = wait_key > wait_addr ? wait_key : wait_addr;
	return *retry_after > 0 ? PARTA_ETHROTTLED : PARTA_OK;
}

int auth_secret_failed(struct app *app, const char *key, const char *addr)
{
	return session_failure_record(app->db, key, addr, app_now(app));
}

int auth_login_begin(struct app *app, const char *login, const char *password, const char *addr,
		     struct auth_login_job *job, int64_t *retry_after)
{
	memset(job, 0, sizeof *job);
	*retry_after = 0;
	if (!auth_text_ok(login, ACCOUNT_LOGIN_MAX) || !auth_text_ok(password, AUTH_PASSWORD_MAX))
		return PARTA_EVALIDATION;
	int64_t now = app_now(app);
	int64_t wait_login = 0, wait_addr = 0;
	int rc = auth_throttle_wait(app, 0, login, app->limits.login_fail_limit, now, &wait_login);
	if (rc == PARTA_OK)
		rc = auth_throttle_wait(app, 1, addr, app->limits.addr_fail_limit, now, &wait_addr);
	if (rc != PARTA_OK)
		return rc;
	if (wait_login > 0 || wait_addr > 0) {
		*retry_after = wait_login > wait_addr ? wait_login : wait_addr;
		return PARTA_ETHROTTLED;
	}
	snprintf(job->login, sizeof job->login, "%s", login);
	snprintf(job->password, sizeof job->password, "%s", password);
	snprintf(job->addr, sizeof job->addr, "%s", addr);
	struct account acc;
	rc = account_find_by_login(app->db, login, &acc);
	if (rc == PARTA_OK) {
		job->account_id = acc.id;
		snprintf(job->pw_hash, sizeof job->pw_hash, "%s", acc.pw_hash);
	} else if (rc == PARTA_ENOTFOUND) {
		snprintf(job->pw_hash, sizeof job->pw_hash, "%s", app->dummy_hash);
	} else {
		return rc;
	}
	return PARTA_OK;
}

void auth_login_verify(struct auth_login_job *job)
{
	job->verified = crypto_pwhash_str_verify(job->pw_hash, job->password,
						 strlen(job->password)) == 0 &&
			job->account_id != 0;
	sodium_memzero(job->password, sizeof job->password);
}

static int auth_record_failure(struct app *app, const struct auth_login_job *job, int64_t now)
{
	int rc = session_failure_record(app->db, job->login, job->addr, now);
	if (rc != PARTA_OK)
		return rc;
	log_msg(LOG_INFO, "auth", "login_failed login_known=%d addr=%s", job->account_id != 0,
		job->addr);
	return PARTA_EUNAUTH;
}

/* A new session row for an account or a profile, inside the caller's transaction; the tokens
 * go to out (only their hashes are stored). */
static int auth_session_new(struct app *app, int64_t account, int64_t profile, const char *addr,
			    struct auth_issued *out, int64_t *session_id)
{
	auth_new_token(out->token);
	auth_new_token(out->csrf_token);
	unsigned char token_hash[SESSION_HASH_BYTES], csrf_hash[SESSION_HASH_BYTES];
	auth_hash_token(out->token, token_hash);
	auth_hash_token(out->csrf_token, csrf_hash);
	int64_t now = app_now(app);
	out->expires_at = now + app->limits.session_abs_ttl;
	return session_insert(app->db, token_hash, csrf_hash, account, profile, now,
			      out->expires_at, addr ? addr : "", session_id);
}

int auth_profile_session(struct app *app, int64_t profile, const char *addr,
			 struct auth_issued *out)
{
	memset(out, 0, sizeof *out);
	int64_t session_id;
	int rc = auth_session_new(app, 0, profile, addr, out, &session_id);
	if (rc == PARTA_OK)
		log_msg(LOG_INFO, "auth", "messenger_session profile=%lld session=%lld",
			(long long)profile, (long long)session_id);
	return rc;
}

int auth_login_finish(struct app *app, const struct auth_login_job *job, struct auth_issued *out)
{
	memset(out, 0, sizeof *out);
	int64_t now = app_now(app);
	if (!job->verified)
		return auth_record_failure(app, job, now);
	int rc = account_find_by_id(app->db, job->account_id, &out->account);
	if (rc != PARTA_OK)
		return rc == PARTA_ENOTFOUND ? auth_record_failure(app, job, now) : rc;
	int64_t session_id = 0;
	if ((rc = db_begin(app->db)) != PARTA_OK)
		return rc;
	rc = auth_session_new(app, job->account_id, 0, job->addr, out, &session_id);
	if (rc == PARTA_OK)
		rc = session_failures_clear_login(app->db, job->login);
	if (rc != PARTA_OK) {
		db_rollback(app->db);
		return rc;
	}
	if ((rc = db_commit(app->db)) != PARTA_OK)
		return rc;
	memset(out->account.pw_hash, 0, sizeof out->account.pw_hash);
	log_msg(LOG_INFO, "auth", "login account=%lld session=%lld", (long long)job->account_id,
		(long long)session_id);
	return PARTA_OK;
}

int auth_authenticate(struct app *app, const char *token, struct auth_ctx *out)
{
	memset(out, 0, sizeof *out);
	if (token == NULL || strlen(token) != AUTH_TOKEN_CHARS)
		return PARTA_EUNAUTH;
	unsigned char token_hash[SESSION_HASH_BYTES];
	auth_hash_token(token, token_hash);
	int rc = session_find(app->db, token_hash, &out->session);
	if (rc == PARTA_ENOTFOUND)
		return PARTA_EUNAUTH;
	if (rc != PARTA_OK)
		return rc;
	int64_t now = app_now(app);
	if (authrule_session_state(out->session.expires_at, out->session.last_seen_at,
				   out->session.revoked_at, app->limits.session_idle_ttl,
				   now) != AUTHRULE_SESSION_VALID)
		return PARTA_EUNAUTH;
	if (out->session.account_id != 0) {
		rc = account_find_by_id(app->db, out->session.account_id, &out->account);
		if (rc != PARTA_OK)
			return rc == PARTA_ENOTFOUND ? PARTA_EUNAUTH : rc;
		memset(out->account.pw_hash, 0, sizeof out->account.pw_hash);
	}
	/* Refreshing on every request would turn each read into a write; a minute's precision is
	 * plenty for an idle timeout counted in hours. */
	if (now - out->session.last_seen_at >= 60) {
		rc = session_touch(app->db, out->session.id, now);
		if (rc != PARTA_OK)
			return rc;
		out->session.last_seen_at = now;
	}
	return PARTA_OK;
}

int auth_check_csrf(const struct auth_ctx *ctx, const char *csrf_token)
{
	if (csrf_token == NULL || strlen(csrf_token) != AUTH_TOKEN_CHARS)
		return PARTA_EFORBIDDEN;
	unsigned char hash[SESSION_HASH_BYTES];
	auth_hash_token(csrf_token, hash);
	return sodium_memcmp(hash, ctx->session.csrf_hash, SESSION_HASH_BYTES) == 0
		       ? PARTA_OK
		       : PARTA_EFORBIDDEN;
}

int auth_logout(struct app *app, const struct auth_ctx *ctx)
{
	int rc = session_revoke(app->db, ctx->session.id, app_now(app));
	if (rc == PARTA_OK)
		log_msg(LOG_INFO, "auth", "logout account=%lld session=%lld",
			(long long)ctx->account.id, (long long)ctx->session.id);
	return rc;
}

int auth_hash_password(const char *password, char out[ACCOUNT_HASH_MAX + 1])
{
	size_t len = strlen(password);
	if (len > AUTH_PASSWORD_MAX || !utf8_valid_text(password, len) ||
	    utf8_length(password, len) < AUTH_PASSWORD_MIN)
		return PARTA_EVALIDATION;
	if (crypto_pwhash_str(out, password, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return PARTA_ENOMEM;
	return PARTA_OK;
}

int auth_user_add(struct app *app, const char *org_name, const char *login,
		  const char *display_name, const char *role, const char *password,
		  int64_t *account_id)
{
	if (!auth_text_ok(org_name, ACCOUNT_NAME_MAX) || !auth_text_ok(login, ACCOUNT_LOGIN_MAX) ||
	    !auth_text_ok(display_name, ACCOUNT_NAME_MAX))
		return PARTA_EVALIDATION;
	char hash[ACCOUNT_HASH_MAX + 1];
	int rc = auth_hash_password(password, hash);
	if (rc != PARTA_OK)
		return rc;
	int64_t now = app_now(app), org_id = 0;
	if ((rc = db_begin(app->db)) != PARTA_OK)
		return rc;
	rc = account_org_ensure(app->db, org_name, now, &org_id);
	if (rc == PARTA_OK)
		rc = account_create(app->db, org_id, login, hash, display_name, role, now,
				    account_id);
	if (rc != PARTA_OK) {
		db_rollback(app->db);
		return rc;
	}
	return db_commit(app->db);
}

int auth_user_passwd(struct app *app, const char *login, const char *password)
{
	char hash[ACCOUNT_HASH_MAX + 1];
	int rc = auth_hash_password(password, hash);
	if (rc != PARTA_OK)
		return rc;
	return account_set_password(app->db, login, hash);
}
