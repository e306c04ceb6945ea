/* link_api.c — /api/v1/me/link…: linking the signed-in journal account to a messenger profile
 * step by step (app/link.h), its status, unlinking. Codes go out through the SMS gateway after
 * the step committed: the dev gateway writes its outbox at once, the http one is called on a
 * worker (its delivery failure is logged; the person asks again after the cooldown). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/link.h"
#include "../app/sms.h"
#include "../core/err.h"
#include "../net/work.h"
#include "../util/log.h"
#include "api.h"
#include "handlers.h"

/* A code on its way through the http gateway. */
struct api_sms_job {
	struct sms_gateway *gw;
	int64_t now;
	char phone[PHONE_LEN + 1];
	char text[160];
	int rc;
};

static void api_sms_run(void *arg)
{
	struct api_sms_job *j = arg;
	j->rc = sms_send(j->gw, NULL, j->now, j->phone, j->text);
}

static void api_sms_done(void *arg)
{
	struct api_sms_job *j = arg;
	if (j->rc != PARTA_OK) {
		char masked[PHONE_LEN + 1];
		phone_mask(j->phone, masked);
		log_msg(LOG_WARN, "link", "sms_not_delivered phone=%s", masked);
	}
	memset(j->text, 0, sizeof j->text);
	free(j);
}

static int api_sms_deliver(struct srv *srv, const struct link_result *res)
{
	struct app *app = srv_app(srv);
	if (res->sms_phone[0] == '\0')
		return PARTA_OK;
	if (app->sms == NULL)
		return PARTA_EIO;
	if (sms_gateway_backend(app->sms) != SMS_BACKEND_HTTP)
		return sms_send(app->sms, app->db, app_now(app), res->sms_phone, res->sms_text);
	struct api_sms_job *j = calloc(1, sizeof *j);
	if (j == NULL)
		return PARTA_ENOMEM;
	*j = (struct api_sms_job){.gw = app->sms, .now = app_now(app)};
	snprintf(j->phone, sizeof j->phone, "%s", res->sms_phone);
	snprintf(j->text, sizeof j->text, "%s", res->sms_text);
	if (work_submit(srv_work(srv), api_sms_run, api_sms_done, j) != PARTA_OK) {
		free(j);
		return PARTA_ENOMEM;
	}
	return PARTA_OK;
}

int api_link_reply(struct srv *srv, struct http_req *req, int rc, struct link_result *res)
{
	if (rc == PARTA_OK && api_sms_deliver(srv, res) != PARTA_OK) {
		rc = PARTA_EIO;
		snprintf(res->why, sizeof res->why, "Не удалось отправить SMS: попробуйте позже");
	}
	if (rc == PARTA_OK) {
		json_t *body = json_pack("{s:s,s:s,s:b}", "flow", res->flow, "step",
					 linkflow_step_name(res->step), "has_password",
					 res->has_password);
		if (res->profile != NULL)
			json_object_set(body, "profile", res->profile);
		if (res->resend_after > 0)
			json_object_set_new(body, "resend_after", json_integer(res->resend_after));
		http_json(&req->resp, 200, body);
	} else if (rc == PARTA_ETHROTTLED) {
		char secs[32];
		snprintf(secs, sizeof secs, "%lld", (long long)res->retry_after);
		http_json(&req->resp, 429,
			  json_pack("{s:{s:s,s:s,s:I}}", "error", "code", "too_many_attempts", "message",
				    res->why, "retry_after", (json_int_t)res->retry_after));
		http_header_add(&req->resp, "retry-after", secs);
	} else if (rc == PARTA_EUNAUTH) {
		/* A wrong code or password: the session is fine, so not 401. */
		http_json(&req->resp, 422,
			  json_pack("{s:{s:s,s:s,s:I}}", "error", "code", "wrong_secret", "message",
				    res->why, "attempts_left", (json_int_t)res->attempts_left));
	} else {
		const char *code = rc == PARTA_EVALIDATION ? "validation"
				   : rc == PARTA_ENOTFOUND ? "flow_expired"
				   : rc == PARTA_ECONFLICT ? "conflict"
							   : "internal";
		http_error(&req->resp, rc, code,
			   res->why[0] && rc != PARTA_EIO ? res->why : "Внутренняя ошибка сервера");
	}
	link_result_free(res);
	return API_DONE;
}

int api_link_status(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *status;
	int rc = link_status(srv_app(srv), &who->account, &status);
	if (rc != PARTA_OK) {
		http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера");
		return API_DONE;
	}
	http_json(&req->resp, 200, status);
	return API_DONE;
}

/* The body's string `key` (NULL when absent); *body is the caller's to release. */
static const char *api_body_text(struct http_req *req, json_t **body, const char *key)
{
	if (http_json_object(req, body) != PARTA_OK)
		return NULL;
	return json_string_value(json_object_get(*body, key));
}

int api_link_start(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *body = NULL;
	const char *phone = api_body_text(req, &body, "phone");
	if (body == NULL)
		return API_DONE;
	struct link_result res;
	int rc = link_start(srv_app(srv), &who->account, phone, req->addr, &res);
	json_decref(body);
	return api_link_reply(srv, req, rc, &res);
}

int api_link_send_code(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *body = NULL;
	const char *flow = api_body_text(req, &body, "flow");
	if (body == NULL)
		return API_DONE;
	struct link_result res;
	int rc = link_send_code(srv_app(srv), &who->account, flow, req->addr, &res);
	json_decref(body);
	return api_link_reply(srv, req, rc, &res);
}

int api_link_code(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *body = NULL;
	const char *flow = api_body_text(req, &body, "flow");
	if (body == NULL)
		return API_DONE;
	struct link_result res;
	int rc = link_code(srv_app(srv), &who->account, flow,
			   json_string_value(json_object_get(body, "code")), &res);
	json_decref(body);
	return api_link_reply(srv, req, rc, &res);
}

int api_link_confirm(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *body = NULL;
	const char *flow = api_body_text(req, &body, "flow");
	if (body == NULL)
		return API_DONE;
	struct link_result res;
	int rc = link_confirm(srv_app(srv), &who->account, flow, &res);
	json_decref(body);
	return api_link_reply(srv, req, rc, &res);
}

int api_link_about(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *body = NULL;
	const char *flow = api_body_text(req, &body, "flow");
	if (body == NULL)
		return API_DONE;
	struct link_result res;
	int rc = link_about(srv_app(srv), &who->account, flow, body, &res);
	json_decref(body);
	return api_link_reply(srv, req, rc, &res);
}

/* The password steps (here and in messenger_api.c): argon2id on a worker, then `finish` on
 * the loop answers the request; the pending step is freed here. */
static void api_password_run(void *arg)
{
	struct api_password_pending *p = arg;
	link_password_verify(&p->job);
}

static void api_password_done(void *arg)
{
	struct api_password_pending *p = arg;
	struct http_req *req = p->req;
	p->finish(p);
	free(p);
	srv_async_done(req);
}

int api_password_submit(struct srv *srv, struct http_req *req, struct api_password_pending *p)
{
	p->srv = srv;
	p->req = req;
	return work_submit(srv_work(srv), api_password_run, api_password_done, p);
}

static void api_link_password_finish(struct api_password_pending *p)
{
	struct link_result res;
	int rc = link_password_finish(srv_app(p->srv), &p->account, &p->job, &res);
	api_link_reply(p->srv, p->req, rc, &res);
}

int api_link_password(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *body = NULL;
	const char *flow = api_body_text(req, &body, "flow");
	if (body == NULL)
		return API_DONE;
	struct api_password_pending *p = calloc(1, sizeof *p);
	struct link_result res;
	memset(&res, 0, sizeof res);
	int rc = p ? link_password_begin(srv_app(srv), &who->account, flow,
					 json_string_value(json_object_get(body, "password")),
					 req->addr, &p->job, &res)
		   : PARTA_ENOMEM;
	json_decref(body);
	if (rc == PARTA_OK) {
		p->account = who->account;
		p->finish = api_link_password_finish;
		if (api_password_submit(srv, req, p) == PARTA_OK)
			return API_ASYNC;
		rc = PARTA_ENOMEM;
	}
	free(p);
	return api_link_reply(srv, req, rc, &res);
}

int api_link_delete(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	int rc = link_unlink(srv_app(srv), &who->account);
	if (rc == PARTA_ENOTFOUND) {
		http_error(&req->resp, rc, "not_found", "Учётная запись не связана с учебным профилем");
		return API_DONE;
	}
	if (rc != PARTA_OK) {
		http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера");
		return API_DONE;
	}
	http_json(&req->resp, 200, json_pack("{s:b}", "linked", 0));
	return API_DONE;
}
