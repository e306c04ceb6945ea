#include "msglogin.h"

#include <string.h>

#include "../core/err.h"
#include "../store/pstore.h"

/* The flow behind a token, in the caller's transaction. */
static int msglogin_load(struct app *app, const char *flow, unsigned char hash[32],
			 int64_t *profile, struct linkflow *f, struct link_result *out)
{
	if (!link_token_hash(flow, hash))
		return link_fail(out, PARTA_ENOTFOUND, "Шаг входа устарел: начните заново");
	int rc = pstore_login_flow_get(app->db, hash, app_now(app), profile, f);
	if (rc == PARTA_ENOTFOUND)
		return link_fail(out, rc, "Шаг входа устарел: начните заново");
	return rc;
}

/* Spends the old token (when given) and keeps the flow under a new one. */
static int msglogin_advance(struct app *app, const unsigned char *old_hash, int64_t profile,
			    const struct linkflow *f, struct link_result *out)
{
	int rc = old_hash ? pstore_login_flow_drop(app->db, old_hash) : PARTA_OK;
	unsigned char hash[32];
	link_token_new(out->flow, hash);
	out->step = f->step;
	out->has_password = f->has_password;
	return rc == PARTA_OK ? pstore_login_flow_put(app->db, hash, profile, f,
						      app_now(app) + LINK_FLOW_TTL)
			      : rc;
}

/* Signed in: the session, the profile; the token is spent. */
static int msglogin_finish(struct app *app, const unsigned char hash[32], int64_t profile,
			   const char *addr, struct link_result *out, struct auth_issued *issued)
{
	struct pstore_profile p;
	int rc = pstore_login_flow_drop(app->db, hash);
	if (rc == PARTA_OK)
		rc = pstore_profile_by_id(app->db, profile, &p);
	if (rc == PARTA_OK)
		rc = auth_profile_session(app, profile, addr, issued);
	if (rc == PARTA_OK) {
		char masked[PHONE_LEN + 1];
		phone_mask(p.phone, masked);
		out->profile = json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)p.id, "phone",
					 masked, "surname", p.surname, "first_name", p.first_name,
					 "patronymic", p.patronymic);
		out->step = LINK_DONE;
		out->flow[0] = '\0';
	}
	return rc;
}

/* Runs `fn` in a transaction that also keeps a wrong try (PARTA_EUNAUTH). */
static int msglogin_tx(struct app *app, int rc_of_fn(void *), void *arg)
{
	int rc = db_begin(app->db);
	if (rc != PARTA_OK)
		return rc;
	rc = rc_of_fn(arg);
	int crc = rc == PARTA_OK || rc == PARTA_EUNAUTH ? db_commit(app->db)
						       : (db_rollback(app->db), PARTA_OK);
	return crc != PARTA_OK ? crc : rc;
}

struct msglogin_call {
	struct app *app;
	const char *flow, *text, *addr;
	const struct link_password_job *job;
	struct link_result *out;
	struct auth_issued *issued;
};

static int msglogin_start_tx(void *arg)
{
	struct msglogin_call *c = arg;
	char phone[PHONE_LEN + 1];
	if (phone_normalize(c->text, phone, c->out->why, sizeof c->out->why) != PARTA_OK)
		return PARTA_EVALIDATION;
	struct pstore_profile p;
	int64_t accounts = 0;
	int rc = pstore_profile_by_phone(c->app->db, phone, &p);
	if (rc == PARTA_OK)
		rc = pstore_profile_accounts(c->app->db, p.id, &accounts);
	if (rc == PARTA_ENOTFOUND || (rc == PARTA_OK && accounts == 0))
		return link_fail(c->out, PARTA_ENOTFOUND,
				 "Учебный профиль с этим телефоном не найден или не привязан к "
				 "учётной записи журнала");
	if (rc != PARTA_OK)
		return rc;
	struct linkflow f = linkflow_start(true, p.pw_hash[0] != '\0');
	if (!f.has_password) { /* only a code can open it: send one at once */
		if ((rc = linkflow_next(&f, LINK_SEND_CODE)) == PARTA_OK)
			rc = link_new_code(c->app, phone, c->addr, c->out);
	}
	return rc == PARTA_OK ? msglogin_advance(c->app, NULL, p.id, &f, c->out) : rc;
}

int msglogin_start(struct app *app, const char *phone, const char *addr, struct link_result *out)
{
	memset(out, 0, sizeof *out);
	struct msglogin_call c = {.app = app, .text = phone, .addr = addr, .out = out};
	return msglogin_tx(app, msglogin_start_tx, &c);
}

static int msglogin_send_tx(void *arg)
{
	struct msglogin_call *c = arg;
	unsigned char hash[32];
	int64_t profile;
	struct linkflow f;
	int rc = msglogin_load(c->app, c->flow, hash, &profile, &f, c->out);
	if (rc != PARTA_OK)
		return rc;
	if (linkflow_next(&f, LINK_SEND_CODE) != PARTA_OK)
		return link_fail(c->out, PARTA_ECONFLICT, "На этом шаге код не отправляется");
	struct pstore_profile p;
	if ((rc = pstore_profile_by_id(c->app->db, profile, &p)) == PARTA_OK)
		rc = link_new_code(c->app, p.phone, c->addr, c->out);
	return rc == PARTA_OK ? msglogin_advance(c->app, hash, profile, &f, c->out) : rc;
}

int msglogin_send_code(struct app *app, const char *flow, const char *addr,
		       struct link_result *out)
{
	memset(out, 0, sizeof *out);
	struct msglogin_call c = {.app = app, .flow = flow, .addr = addr, .out = out};
	return msglogin_tx(app, msglogin_send_tx, &c);
}

static int msglogin_code_tx(void *arg)
{
	struct msglogin_call *c = arg;
	unsigned char hash[32];
	int64_t profile;
	struct linkflow f;
	int rc = msglogin_load(c->app, c->flow, hash, &profile, &f, c->out);
	if (rc != PARTA_OK)
		return rc;
	if (f.step != LINK_CODE)
		return link_fail(c->out, PARTA_ECONFLICT, "Сначала запросите код");
	struct pstore_profile p;
	if ((rc = pstore_profile_by_id(c->app->db, profile, &p)) != PARTA_OK)
		return rc;
	if ((rc = link_check_code(c->app, p.phone, c->text, c->out)) != PARTA_OK)
		return rc;
	if ((rc = linkflow_next(&f, LINK_CODE_OK)) != PARTA_OK)
		return rc;
	return msglogin_finish(c->app, hash, profile, c->addr, c->out, c->issued);
}

int msglogin_code(struct app *app, const char *flow, const char *code, const char *addr,
		  struct link_result *out, struct auth_issued *issued)
{
	memset(out, 0, sizeof *out);
	memset(issued, 0, sizeof *issued);
	struct msglogin_call c = {.app = app, .flow = flow, .text = code, .addr = addr,
				  .out = out, .issued = issued};
	return msglogin_tx(app, msglogin_code_tx, &c);
}

int msglogin_password_begin(struct app *app, const char *flow, const char *password,
			    const char *addr, struct link_password_job *job, struct link_result *out)
{
	memset(out, 0, sizeof *out);
	memset(job, 0, sizeof *job);
	unsigned char hash[32];
	int64_t profile;
	struct linkflow f;
	int rc = msglogin_load(app, flow, hash, &profile, &f, out);
	if (rc != PARTA_OK)
		return rc;
	if (f.step != LINK_AUTH || !f.has_password)
		return link_fail(out, PARTA_ECONFLICT, "Вход по паролю для этого профиля недоступен");
	struct pstore_profile p;
	if ((rc = pstore_profile_by_id(app->db, profile, &p)) != PARTA_OK)
		return rc;
	return link_password_job_fill(app, &p, flow, password, addr, job, out);
}

static int msglogin_password_tx(void *arg)
{
	struct msglogin_call *c = arg;
	unsigned char hash[32];
	int64_t profile;
	struct linkflow f;
	int rc = msglogin_load(c->app, c->job->flow, hash, &profile, &f, c->out);
	if (rc != PARTA_OK)
		return rc;
	if (!c->job->matches) {
		if ((rc = auth_secret_failed(c->app, c->job->key, c->job->addr)) != PARTA_OK)
			return rc;
		return link_fail(c->out, PARTA_EUNAUTH, "Неверный пароль учебного профиля");
	}
	if (linkflow_next(&f, LINK_PASSWORD_OK) != PARTA_OK)
		return link_fail(c->out, PARTA_ECONFLICT, "Вход по паролю для этого профиля недоступен");
	return msglogin_finish(c->app, hash, profile, c->job->addr, c->out, c->issued);
}

int msglogin_password_finish(struct app *app, const struct link_password_job *job,
			     struct link_result *out, struct auth_issued *issued)
{
	memset(out, 0, sizeof *out);
	memset(issued, 0, sizeof *issued);
	struct msglogin_call c = {.app = app, .job = job, .out = out, .issued = issued};
	return msglogin_tx(app, msglogin_password_tx, &c);
}
