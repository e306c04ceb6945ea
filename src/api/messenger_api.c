/* messenger_api.c — the messenger face's session: «Перейти в мессенджер» from a linked journal
 * account (POST /api/v1/me/messenger), the messenger's own sign-in by phone and password or
 * SMS code (/api/v1/messenger/login/…), its profile and chats across organisations, logout;
 * and the journal user's own chats (GET /api/v1/me/chats, the «Чаты» screen's cards).
 * Messenger sessions travel in the cookies parta_msession (HttpOnly) and parta_mcsrf, or as
 * a bearer token. */
#include <stdlib.h>
#include <string.h>

#include "../app/link.h"
#include "../app/msg.h"
#include "../app/msglogin.h"
#include "../core/err.h"
#include "../net/work.h"
#include "../store/cstore.h"
#include "../store/pstore.h"
#include "api.h"
#include "handlers.h"

/* Answers a new messenger session: the tokens in the body and in the cookies. */
static int api_msg_session(struct srv *srv, struct http_req *req, const struct auth_issued *s,
			   json_t *profile)
{
	http_json(&req->resp, 200,
		  json_pack("{s:s,s:s,s:I,s:O?}", "token", s->token, "csrf_token", s->csrf_token,
			    "expires_at", (json_int_t)s->expires_at, "profile", profile));
	const struct srv_config *cfg = srv_config(srv);
	int64_t max_age = srv_app(srv)->limits.session_abs_ttl;
	api_set_cookie(&req->resp, cfg, "parta_msession", s->token, max_age, true);
	api_set_cookie(&req->resp, cfg, "parta_mcsrf", s->csrf_token, max_age, false);
	return API_DONE;
}

/* A step that signs in renders the session; the others (and errors) as link steps do. */
static int api_msg_step(struct srv *srv, struct http_req *req, int rc, struct link_result *res,
			const struct auth_issued *issued)
{
	if (rc == PARTA_OK && res->step == LINK_DONE) {
		api_msg_session(srv, req, issued, res->profile);
		link_result_free(res);
		return API_DONE;
	}
	return api_link_reply(srv, req, rc, res);
}

int api_me_chats(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *chats = NULL;
	int rc = who->account.person_id != 0
			 ? cstore_person_chats(srv_app(srv)->db, who->account.org_id,
					       who->account.person_id, &chats)
			 : ((chats = json_array()) ? PARTA_OK : PARTA_ENOMEM);
	if (rc != PARTA_OK) {
		http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера");
		return API_DONE;
	}
	http_json(&req->resp, 200, json_pack("{s:o}", "chats", chats));
	return API_DONE;
}

int api_me_messenger(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	struct app *app = srv_app(srv);
	int64_t profile = 0;
	struct auth_issued issued;
	int rc = db_begin(app->db);
	if (rc == PARTA_OK) {
		rc = pstore_account_profile(app->db, who->account.id, &profile);
		if (rc == PARTA_OK && profile == 0)
			rc = PARTA_ECONFLICT;
		if (rc == PARTA_OK)
			rc = auth_profile_session(app, profile, req->addr, &issued);
		rc = rc == PARTA_OK ? db_commit(app->db) : (db_rollback(app->db), rc);
	}
	if (rc == PARTA_ECONFLICT) {
		http_error(&req->resp, rc, "not_linked",
			   "Сначала привяжите учебный профиль на экране «Чаты»");
		return API_DONE;
	}
	if (rc != PARTA_OK) {
		http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера");
		return API_DONE;
	}
	return api_msg_session(srv, req, &issued, NULL);
}

int api_msg_login_start(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	json_t *body;
	if (http_json_object(req, &body) != PARTA_OK)
		return API_DONE;
	struct link_result res;
	int rc = msglogin_start(srv_app(srv), json_string_value(json_object_get(body, "phone")),
				req->addr, &res);
	json_decref(body);
	return api_link_reply(srv, req, rc, &res);
}

int api_msg_login_send_code(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	json_t *body;
	if (http_json_object(req, &body) != PARTA_OK)
		return API_DONE;
	struct link_result res;
	int rc = msglogin_send_code(srv_app(srv), json_string_value(json_object_get(body, "flow")),
				    req->addr, &res);
	json_decref(body);
	return api_link_reply(srv, req, rc, &res);
}

int api_msg_login_code(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	json_t *body;
	if (http_json_object(req, &body) != PARTA_OK)
		return API_DONE;
	struct link_result res;
	struct auth_issued issued;
	int rc = msglogin_code(srv_app(srv), json_string_value(json_object_get(body, "flow")),
			       json_string_value(json_object_get(body, "code")), req->addr, &res,
			       &issued);
	json_decref(body);
	return api_msg_step(srv, req, rc, &res, &issued);
}

/* The password: argon2id on a worker (api_password_submit), then signed in. */
static void api_msg_password_finish(struct api_password_pending *p)
{
	struct link_result res;
	struct auth_issued issued;
	int rc = msglogin_password_finish(srv_app(p->srv), &p->job, &res, &issued);
	api_msg_step(p->srv, p->req, rc, &res, &issued);
}

int api_msg_login_password(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	json_t *body;
	if (http_json_object(req, &body) != PARTA_OK)
		return API_DONE;
	struct api_password_pending *p = calloc(1, sizeof *p);
	struct link_result res;
	memset(&res, 0, sizeof res);
	int rc = p ? msglogin_password_begin(srv_app(srv),
					     json_string_value(json_object_get(body, "flow")),
					     json_string_value(json_object_get(body, "password")),
					     req->addr, &p->job, &res)
		   : PARTA_ENOMEM;
	json_decref(body);
	if (rc == PARTA_OK) {
		p->finish = api_msg_password_finish;
		if (api_password_submit(srv, req, p) == PARTA_OK)
			return API_ASYNC;
		rc = PARTA_ENOMEM;
	}
	free(p);
	return api_link_reply(srv, req, rc, &res);
}

int api_msg_logout(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	int rc = auth_logout(srv_app(srv), who);
	if (rc != PARTA_OK) {
		http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера");
		return API_DONE;
	}
	api_set_cookie(&req->resp, srv_config(srv), "parta_msession", "", 0, true);
	api_set_cookie(&req->resp, srv_config(srv), "parta_mcsrf", "", 0, false);
	http_json(&req->resp, 200, json_pack("{s:b}", "ok", 1));
	return API_DONE;
}

int api_msg_me(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	struct app *app = srv_app(srv);
	struct pstore_profile p;
	json_t *orgs = NULL;
	const int64_t args[] = {who->session.profile_id};
	int rc = pstore_profile_by_id(app->db, who->session.profile_id, &p);
	if (rc == PARTA_OK)
		rc = db_rows_json(app->db,
				  "SELECT o.id, o.name, a.id AS account_id FROM accounts a "
				  "JOIN orgs o ON o.id = a.org_id WHERE a.profile_id = ? ORDER BY o.name",
				  args, 1, &orgs);
	if (rc != PARTA_OK) {
		http_error(&req->resp, rc == PARTA_ENOTFOUND ? PARTA_EUNAUTH : rc, "internal",
			   "Внутренняя ошибка сервера");
		return API_DONE;
	}
	char masked[PHONE_LEN + 1];
	phone_mask(p.phone, masked);
	http_json(&req->resp, 200,
		  json_pack("{s:{s:I,s:s,s:s,s:s,s:s},s:o}", "profile", "id", (json_int_t)p.id,
			    "phone", masked, "surname", p.surname, "first_name", p.first_name,
			    "patronymic", p.patronymic, "organisations", orgs));
	return API_DONE;
}

int api_msg_chats(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *chats;
	int rc = cstore_profile_chats(srv_app(srv)->db, who->session.profile_id, &chats);
	if (rc != PARTA_OK) {
		http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера");
		return API_DONE;
	}
	http_json(&req->resp, 200, json_pack("{s:o}", "chats", chats));
	return API_DONE;
}

int api_msg_history(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	char before[24], limit[8];
	api_query_value(req, "before", before, sizeof before);
	api_query_value(req, "limit", limit, sizeof limit);
	char *end = NULL;
	long long b = before[0] ? strtoll(before, &end, 10) : 0;
	bool bad = before[0] && (end == NULL || *end != '\0');
	long l = limit[0] ? strtol(limit, &end, 10) : 50;
	bad = bad || (limit[0] && (end == NULL || *end != '\0'));
	json_t *messages = NULL;
	int64_t others_read = 0;
	int rc = bad ? PARTA_EVALIDATION
		     : msg_history(srv_app(srv), who->session.profile_id, api_param_id(req, "chat"),
				   b, (int)l, &messages, &others_read);
	if (rc == PARTA_EVALIDATION) {
		http_error(&req->resp, rc, "validation", "before: номер сообщения; limit: 1–200");
		return API_DONE;
	}
	if (rc == PARTA_ENOTFOUND) {
		http_error(&req->resp, rc, "not_found", "Чат не найден");
		return API_DONE;
	}
	if (rc != PARTA_OK) {
		http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера");
		return API_DONE;
	}
	http_json(&req->resp, 200,
		  json_pack("{s:o,s:I}", "messages", messages, "others_read", (json_int_t)others_read));
	return API_DONE;
}

int api_msg_readers(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *readers = NULL;
	int rc = msg_readers(srv_app(srv), who->session.profile_id, api_param_id(req, "message"),
			     &readers);
	if (rc == PARTA_ENOTFOUND) {
		http_error(&req->resp, rc, "not_found", "Сообщение не найдено");
		return API_DONE;
	}
	if (rc != PARTA_OK) {
		http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера");
		return API_DONE;
	}
	http_json(&req->resp, 200, readers);
	return API_DONE;
}

/* Renders the result of a messenger read: 200 {key: value}, or the error. */
static int api_msg_answer(struct http_req *req, int rc, const char *key, json_t *value)
{
	if (rc == PARTA_OK) {
		http_json(&req->resp, 200, json_pack("{s:o}", key, value));
		return API_DONE;
	}
	if (rc == PARTA_EVALIDATION)
		http_error(&req->resp, rc, "validation", "Проверьте параметры запроса");
	else if (rc == PARTA_ENOTFOUND)
		http_error(&req->resp, rc, "not_found", "Чат или сообщение не найдены");
	else
		http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера");
	return API_DONE;
}

int api_msg_members(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *members = NULL;
	int rc = msg_members(srv_app(srv), who->session.profile_id, api_param_id(req, "chat"),
			     &members);
	if (rc == PARTA_OK) {
		http_json(&req->resp, 200, members);
		return API_DONE;
	}
	return api_msg_answer(req, rc, "members", NULL);
}

int api_msg_search(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	char q[256];
	api_query_value(req, "q", q, sizeof q);
	json_t *messages = NULL;
	int rc = msg_search(srv_app(srv), who->session.profile_id, api_param_id(req, "chat"), q,
			    &messages);
	return api_msg_answer(req, rc, "messages", messages);
}

int api_msg_pins(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *pins = NULL;
	int rc = msg_pins(srv_app(srv), who->session.profile_id, api_param_id(req, "chat"), &pins);
	return api_msg_answer(req, rc, "pins", pins);
}

int api_msg_draft_get(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *draft = NULL;
	int rc = msg_draft(srv_app(srv), who->session.profile_id, api_param_id(req, "chat"), &draft);
	return api_msg_answer(req, rc, "draft", draft);
}

int api_msg_draft_put(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *body;
	if (http_json_object(req, &body) != PARTA_OK)
		return API_DONE;
	struct app *app = srv_app(srv);
	int64_t chat = api_param_id(req, "chat");
	int rc = msg_draft_put(app, who->session.profile_id, chat,
			       json_string_value(json_object_get(body, "text")));
	json_decref(body);
	json_t *draft = NULL;
	if (rc == PARTA_OK)
		rc = msg_draft(app, who->session.profile_id, chat, &draft);
	return api_msg_answer(req, rc, "draft", draft);
}

int api_msg_important_put(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *body;
	if (http_json_object(req, &body) != PARTA_OK)
		return API_DONE;
	json_t *on = json_object_get(body, "on");
	bool mark = json_is_true(on);
	int rc = json_is_boolean(on) ? msg_mark(srv_app(srv), who->session.profile_id,
						api_param_id(req, "message"), mark)
				     : PARTA_EVALIDATION;
	json_decref(body);
	return api_msg_answer(req, rc, "important", json_boolean(mark));
}

int api_msg_important(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *marks = NULL;
	int rc = msg_marks(srv_app(srv), who->session.profile_id, &marks);
	return api_msg_answer(req, rc, "messages", marks);
}
