/* chats_api.c — /api/v1/orgs/{org}/chats…: the organisation's chats and members,
 * «Инициализировать список чатов» (a dry run answers at once; applying runs as a background
 * job with progress), changes by hand, a load's subject chat on demand. The route table
 * admits only administrators of {org} (API_ORG_ADMIN). */
#include <stdbool.h>
#include <string.h>

#include "../app/chatjob.h"
#include "../app/chatsync.h"
#include "../core/chatplan.h"
#include "../core/chatrule.h"
#include "../core/err.h"
#include "../net/work.h"
#include "../store/cstore.h"
#include "../store/rstore.h"
#include "api.h"
#include "handlers.h"

static int api_chats_fail(struct http_req *req, int rc, const char *what)
{
	switch (rc) {
	case PARTA_ENOTFOUND: http_error(&req->resp, rc, "not_found", what); break;
	case PARTA_ECONFLICT:
		http_error(&req->resp, rc, "conflict", "Чат в архиве: изменять его нельзя");
		break;
	case PARTA_EVALIDATION: http_error(&req->resp, rc, "validation", what); break;
	default: http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера"); break;
	}
	return API_DONE;
}

int api_chats_list(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	struct app *app = srv_app(srv);
	int64_t org = api_param_id(req, "org");
	json_t *chats;
	int rc = cstore_list(app->db, org, &chats);
	if (rc != PARTA_OK)
		return api_chats_fail(req, rc, "");
	http_json(&req->resp, 200, json_pack("{s:o}", "chats", chats));
	return API_DONE;
}

int api_chat_get(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	struct app *app = srv_app(srv);
	int64_t org = api_param_id(req, "org"), id = api_param_id(req, "chat");
	json_t *chat = NULL, *members = NULL;
	int rc = cstore_chat(app->db, org, id, &chat);
	if (rc == PARTA_OK)
		rc = cstore_members(app->db, org, id, api_query_flag(req, "all"), &members);
	if (rc != PARTA_OK) {
		json_decref(chat);
		json_decref(members);
		return api_chats_fail(req, rc, "Чат не найден");
	}
	http_json(&req->resp, 200, json_pack("{s:o,s:o}", "chat", chat, "members", members));
	return API_DONE;
}

/* "kinds": ["staff","class","parents","subject"] (absent: all) as a bit set; 0 when bad. */
static unsigned api_chat_kinds(json_t *body)
{
	json_t *kinds = json_object_get(body, "kinds");
	if (kinds == NULL)
		return (1u << CHAT_KINDS) - 1;
	if (!json_is_array(kinds) || json_array_size(kinds) == 0)
		return 0;
	unsigned bits = 0;
	size_t i;
	json_t *k;
	json_array_foreach(kinds, i, k)
	{
		enum chat_kind kind;
		if (chat_kind_parse(json_string_value(k), &kind) != PARTA_OK || kind == CHAT_OTHER)
			return 0;
		bits |= CHAT_KIND_BIT(kind);
	}
	return bits;
}

int api_chats_init(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	struct app *app = srv_app(srv);
	int64_t org = api_param_id(req, "org");
	json_t *body;
	if (http_json_object(req, &body) != PARTA_OK)
		return API_DONE;
	unsigned kinds = api_chat_kinds(body);
	bool dry_run = json_is_true(json_object_get(body, "dry_run"));
	json_decref(body);
	if (kinds == 0)
		return api_chats_fail(req, PARTA_EVALIDATION,
				      "kinds: непустой список из staff, class, parents, subject");
	if (dry_run) {
		json_t *plan;
		int rc = chatsync_initialize(app, org, kinds, true, NULL, NULL, &plan, NULL);
		if (rc != PARTA_OK)
			return api_chats_fail(req, rc, "");
		http_json(&req->resp, 200, json_pack("{s:o}", "plan", plan));
		return API_DONE;
	}
	struct chatjob *job;
	int rc = chatjob_start(app, org, kinds, &job);
	if (rc == PARTA_ECONFLICT) {
		http_error(&req->resp, rc, "conflict",
			   "Инициализация списка чатов организации уже идёт");
		return API_DONE;
	}
	if (rc == PARTA_OK && work_submit(srv_work(srv), chatjob_run, chatjob_done, job) != PARTA_OK) {
		chatjob_abandon(job);
		rc = PARTA_ENOMEM;
	}
	if (rc != PARTA_OK)
		return api_chats_fail(req, rc, "");
	http_json(&req->resp, 202, json_pack("{s:o}", "job", chatjob_status(app, org, chatjob_id(job))));
	return API_DONE;
}

int api_chats_init_status(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	const char *id = http_param(req, "job");
	json_t *status = id ? chatjob_status(srv_app(srv), api_param_id(req, "org"), id) : NULL;
	if (status == NULL)
		return api_chats_fail(req, PARTA_ENOTFOUND, "Задание не найдено");
	http_json(&req->resp, 200, json_pack("{s:o}", "job", status));
	return API_DONE;
}

/* A change by hand; the person comes from the body ("person_id") or the path. */
static int api_chat_hand(struct srv *srv, struct http_req *req, enum chatsync_hand op)
{
	int64_t person = api_param_id(req, "person");
	if (op == CHATSYNC_ADD || op == CHATSYNC_GRANT) {
		json_t *body;
		if (http_json_object(req, &body) != PARTA_OK)
			return API_DONE;
		json_t *v = json_object_get(body, "person_id");
		person = json_is_integer(v) && json_integer_value(v) > 0 ? json_integer_value(v) : 0;
		json_decref(body);
		if (person == 0)
			return api_chats_fail(req, PARTA_EVALIDATION,
					      "person_id: положительное целое число");
	}
	int rc = chatsync_by_hand(srv_app(srv), api_param_id(req, "org"), api_param_id(req, "chat"),
				  person, op);
	if (rc != PARTA_OK)
		return api_chats_fail(req, rc, "Чат или человек не найден в организации");
	http_json(&req->resp, 200, json_pack("{s:b}", "ok", 1));
	return API_DONE;
}

int api_chat_member_add(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	return api_chat_hand(srv, req, CHATSYNC_ADD);
}

int api_chat_member_remove(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	return api_chat_hand(srv, req, CHATSYNC_REMOVE);
}

int api_chat_admin_add(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	return api_chat_hand(srv, req, CHATSYNC_GRANT);
}

int api_chat_admin_remove(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	return api_chat_hand(srv, req, CHATSYNC_REVOKE);
}

int api_chat_delete(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	int rc = chatsync_delete(srv_app(srv), api_param_id(req, "org"), api_param_id(req, "chat"));
	if (rc == PARTA_EFORBIDDEN) {
		http_error(&req->resp, rc, "forbidden",
			   "Чаты по умолчанию (учительский, классный, родительский) нельзя удалить");
		return API_DONE;
	}
	if (rc != PARTA_OK)
		return api_chats_fail(req, rc, "Чат не найден");
	http_json(&req->resp, 200, json_pack("{s:b}", "ok", 1));
	return API_DONE;
}

int api_load_chat(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	int64_t chat;
	int rc = chatsync_ensure_subject(srv_app(srv), api_param_id(req, "org"),
					 api_param_id(req, "load"), &chat);
	if (rc == PARTA_ECONFLICT) {
		http_error(&req->resp, rc, "conflict", "Класс нагрузки закрыт");
		return API_DONE;
	}
	if (rc != PARTA_OK)
		return api_chats_fail(req, rc, "Нагрузка не найдена в организации");
	http_json(&req->resp, 200, json_pack("{s:I}", "chat_id", (json_int_t)chat));
	return API_DONE;
}
