/* call_api.c — inside a conference's call (app/call.h):
 * /api/v1/orgs/{org}/conferences/{conf}/presence|signal|moderate|participants|attendance.
 * The route table admits any account of {org} (another organisation is 404 there); app/call
 * checks that the caller is a member of the conference (or, for the attendance, its moderator
 * or the organisation's administrator). */
#include <stdlib.h>
#include <string.h>

#include "../app/call.h"
#include "../core/err.h"
#include "api.h"
#include "handlers.h"

static int api_call_error(struct http_req *req, int rc, const struct call_why *why)
{
	http_error(&req->resp, rc, why->code[0] ? why->code : "internal",
		   why->text[0] ? why->text : "Внутренняя ошибка сервера");
	return API_DONE;
}

static int api_call_invalid(struct http_req *req, const char *text)
{
	http_error(&req->resp, PARTA_EVALIDATION, "validation", text);
	return API_DONE;
}

/* {"in": true|false} → 204. */
int api_call_presence(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *body;
	if (http_json_object(req, &body) != PARTA_OK)
		return API_DONE;
	json_t *in = json_object_get(body, "in");
	bool value = json_is_true(in);
	bool ok = json_is_boolean(in);
	json_decref(body);
	if (!ok)
		return api_call_invalid(req, "Укажите in: true (в звонке) или false (вышел)");
	struct call_why why = {"", ""};
	int rc = call_presence(srv_app(srv), &who->account, api_param_id(req, "conf"), value,
			       &why);
	if (rc != PARTA_OK)
		return api_call_error(req, rc, &why);
	http_json(&req->resp, 204, NULL);
	return API_DONE;
}

/* {"kind": "hand"|"reaction"|"chat", "value": "…"} → 204. */
int api_call_signal(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *body;
	if (http_json_object(req, &body) != PARTA_OK)
		return API_DONE;
	struct call_why why = {"", ""};
	int rc = call_signal(srv_app(srv), &who->account, api_param_id(req, "conf"),
			     json_string_value(json_object_get(body, "kind")),
			     json_string_value(json_object_get(body, "value")), &why);
	json_decref(body);
	if (rc != PARTA_OK)
		return api_call_error(req, rc, &why);
	http_json(&req->resp, 204, NULL);
	return API_DONE;
}

/* ---- moderation: the request to Janus runs on a worker ---- */

struct api_call_moderating {
	struct http_req *req;
	struct call_moderate_job job;
};

static void api_call_moderate_run(void *arg)
{
	call_moderate_run(&((struct api_call_moderating *)arg)->job);
}

static void api_call_moderate_done(void *arg)
{
	struct api_call_moderating *p = arg;
	struct http_req *req = p->req;
	struct call_why why = {"", ""};
	int rc = call_moderate_finish(&p->job, &why);
	if (rc != PARTA_OK)
		api_call_error(req, rc, &why);
	else
		http_json(&req->resp, 204, NULL);
	free(p);
	srv_async_done(req);
}

/* {"person_id": N, "mid": "…", "mute": true|false} → 204. */
int api_call_moderate(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *body;
	if (http_json_object(req, &body) != PARTA_OK)
		return API_DONE;
	json_t *person = json_object_get(body, "person_id");
	json_t *mute = json_object_get(body, "mute");
	struct api_call_moderating *p = calloc(1, sizeof *p);
	struct call_why why = {"", ""};
	int rc = PARTA_ENOMEM;
	if (!json_is_integer(person) || !json_is_boolean(mute))
		rc = PARTA_EVALIDATION;
	else if (p != NULL)
		rc = call_moderate_begin(srv_app(srv), &who->account,
					 api_param_id(req, "conf"),
					 json_integer_value(person),
					 json_string_value(json_object_get(body, "mid")),
					 json_is_true(mute), &p->job, &why);
	json_decref(body);
	if (rc == PARTA_OK) {
		p->req = req;
		rc = work_submit(srv_work(srv), api_call_moderate_run, api_call_moderate_done, p);
		if (rc == PARTA_OK)
			return API_ASYNC;
	}
	free(p);
	if (rc == PARTA_EVALIDATION && why.code[0] == '\0')
		return api_call_invalid(req, "Укажите person_id (число), mid и mute (true или false)");
	return api_call_error(req, rc, &why);
}

/* ---- lists ---- */

int api_call_participants(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	struct call_why why = {"", ""};
	json_t *out = NULL;
	int rc = call_participants(srv_app(srv), &who->account, api_param_id(req, "conf"),
				   &out, &why);
	if (rc != PARTA_OK)
		return api_call_error(req, rc, &why);
	http_json(&req->resp, 200, out);
	return API_DONE;
}

int api_call_attendance(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	struct call_why why = {"", ""};
	json_t *out = NULL;
	int rc = call_attendance(srv_app(srv), &who->account, api_param_id(req, "conf"),
				 &out, &why);
	if (rc != PARTA_OK)
		return api_call_error(req, rc, &why);
	http_json(&req->resp, 200, out);
	return API_DONE;
}
