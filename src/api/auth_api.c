/* auth_api.c — POST /api/v1/auth/login, POST /api/v1/auth/logout, GET /api/v1/me. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../util/log.h"
#include "api.h"
#include "handlers.h"

json_t *api_account_json(const struct account *acc)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:{s:I,s:s}}", "id", (json_int_t)acc->id, "login",
			 acc->login, "display_name", acc->display_name, "role", acc->role, "org",
			 "id", (json_int_t)acc->org_id, "name", acc->org_name);
}

/* A login waiting for its password check on a worker. */
struct api_login_pending {
	struct srv *srv;
	struct http_req *req;
	struct auth_login_job job;
};

void api_set_cookie(struct http_resp *resp, const struct srv_config *cfg, const char *name,
		    const char *value, int64_t max_age, bool http_only)
{
	char cookie[256];
	snprintf(cookie, sizeof cookie, "%s=%s; Path=/; Max-Age=%lld; SameSite=Lax%s%s", name,
		 value, (long long)max_age, http_only ? "; HttpOnly" : "",
		 cfg->cookie_secure ? "; Secure" : "");
	http_header_add(resp, "set-cookie", cookie);
}

static void api_login_run(void *arg)
{
	struct api_login_pending *p = arg;
	auth_login_verify(&p->job);
}

static void api_login_done(void *arg)
{
	struct api_login_pending *p = arg;
	struct http_req *req = p->req;
	struct app *app = srv_app(p->srv);
	struct auth_issued issued;
	int rc = auth_login_finish(app, &p->job, &issued);
	if (rc == PARTA_OK) {
		json_t *body = json_pack("{s:o,s:s,s:s,s:I}", "account",
					 api_account_json(&issued.account), "token", issued.token,
					 "csrf_token", issued.csrf_token, "expires_at",
					 (json_int_t)issued.expires_at);
		http_json(&req->resp, 200, body);
		const struct srv_config *cfg = srv_config(p->srv);
		int64_t max_age = app->limits.session_abs_ttl;
		api_set_cookie(&req->resp, cfg, "parta_session", issued.token, max_age, true);
		api_set_cookie(&req->resp, cfg, "parta_csrf", issued.csrf_token, max_age, false);
	} else if (rc == PARTA_EUNAUTH) {
		http_error(&req->resp, rc, "invalid_credentials", "Неверный логин или пароль");
	} else {
		http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера");
	}
	free(p);
	srv_async_done(req);
}

int api_login(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	json_t *body;
	if (http_json_object(req, &body) != PARTA_OK)
		return API_DONE;
	const char *login = json_string_value(json_object_get(body, "login"));
	const char *password = json_string_value(json_object_get(body, "password"));
	if (login == NULL || password == NULL) {
		json_decref(body);
		http_error(&req->resp, PARTA_EVALIDATION, "validation",
			   "Укажите логин и пароль");
		return API_DONE;
	}
	struct api_login_pending *p = calloc(1, sizeof *p);
	if (p == NULL) {
		json_decref(body);
		http_error(&req->resp, PARTA_ENOMEM, "internal", "Внутренняя ошибка сервера");
		return API_DONE;
	}
	int64_t retry_after = 0;
	int rc = auth_login_begin(srv_app(srv), login, password, req->addr, &p->job, &retry_after);
	json_decref(body);
	if (rc == PARTA_OK) {
		p->srv = srv;
		p->req = req;
		rc = work_submit(srv_work(srv), api_login_run, api_login_done, p);
		if (rc == PARTA_OK)
			return API_ASYNC;
	}
	free(p);
	if (rc == PARTA_ETHROTTLED) {
		char msg[160], secs[32];
		snprintf(msg, sizeof msg,
			 "Слишком много неудачных попыток входа. Повторите через %lld мин.",
			 (long long)((retry_after + 59) / 60));
		snprintf(secs, sizeof secs, "%lld", (long long)retry_after);
		http_error(&req->resp, rc, "too_many_attempts", msg);
		http_header_add(&req->resp, "retry-after", secs);
	} else if (rc == PARTA_EVALIDATION) {
		http_error(&req->resp, rc, "validation",
			   "Логин (до 64 байт) и пароль (до 1024 байт) должны быть непустым текстом");
	} else {
		http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера");
	}
	return API_DONE;
}

int api_logout(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	int rc = auth_logout(srv_app(srv), who);
	if (rc != PARTA_OK) {
		http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера");
		return API_DONE;
	}
	http_json(&req->resp, 204, NULL);
	api_set_cookie(&req->resp, srv_config(srv), "parta_session", "", 0, true);
	api_set_cookie(&req->resp, srv_config(srv), "parta_csrf", "", 0, false);
	return API_DONE;
}

int api_me(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)srv;
	http_json(&req->resp, 200, json_pack("{s:o}", "account", api_account_json(&who->account)));
	return API_DONE;
}
