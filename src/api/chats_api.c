/* chats_api.c — /api/v1/orgs/{org}/chats… and /chat-candidates: «Управление чатами» (the
 * list, a chat, «Добавить новый чат», «Редактировать чат», delete), «Инициализировать список
 * чатов» (a dry run answers at once; applying runs as a background job with progress), the
 * participant picker, a load's subject chat on demand.
 *
 * The route table admits any account of {org} (API_ORG_MEMBER); each handler then asks
 * app/chatman (core/chatperm.h) whether this actor may: 403 when not. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/chatjob.h"
#include "../app/chatman.h"
#include "../app/chatsync.h"
#include "../core/chatplan.h"
#include "../core/chatrule.h"
#include "../core/err.h"
#include "../core/utf8.h"
#include "../net/work.h"
#include "api.h"
#include "handlers.h"

/* Filters of lists: longest text accepted (bytes). */
#define API_CHATS_FILTER_MAX 200
#define API_CHATS_PER_PAGE_MAX 500

static int api_chats_fail(struct http_req *req, int rc, const char *what)
{
	switch (rc) {
	case PARTA_EFORBIDDEN:
		http_error(&req->resp, rc, "forbidden",
			   what && what[0] ? what : "Недостаточно прав для управления этим чатом");
		break;
	case PARTA_ENOTFOUND: http_error(&req->resp, rc, "not_found", what); break;
	case PARTA_ECONFLICT:
		if (what && what[0])
			http_error(&req->resp, rc, "exists", what);
		else
			http_error(&req->resp, rc, "conflict", "Чат в архиве: изменять его нельзя");
		break;
	case PARTA_EVALIDATION: http_error(&req->resp, rc, "validation", what); break;
	default: http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера"); break;
	}
	return API_DONE;
}

/* The acting account as chatman sees it; answers 500 itself on failure. */
static int api_chats_actor(struct srv *srv, struct http_req *req, const struct auth_ctx *who,
			   struct chatman_actor *a)
{
	int rc = chatman_actor_load(srv_app(srv), &who->account, a);
	if (rc != PARTA_OK) {
		chatman_actor_free(a);
		api_chats_fail(req, rc, "");
	}
	return rc;
}

/* ---- query parameters ---- */

/* A text filter, folded (core/utf8.h); *out NULL when absent. PARTA_EVALIDATION when too long
 * or not text. */
static int api_chats_text(const struct http_req *req, const char *name, char *buf, size_t len,
			  const char **out)
{
	api_query_value(req, name, buf, len);
	size_t n = strlen(buf);
	*out = NULL;
	if (n == 0)
		return PARTA_OK;
	if (n >= len - 1 || !utf8_valid_text(buf, n))
		return PARTA_EVALIDATION;
	utf8_fold(buf, n, buf);
	*out = buf;
	return PARTA_OK;
}

/* A positive integer parameter within [1, max] (def when absent). */
static int api_chats_int(const struct http_req *req, const char *name, int64_t def, int64_t max,
			 int64_t *out)
{
	char v[24], *end;
	api_query_value(req, name, v, sizeof v);
	*out = def;
	if (v[0] == '\0')
		return PARTA_OK;
	long long x = strtoll(v, &end, 10);
	if (*end != '\0' || x < 1 || x > max)
		return PARTA_EVALIDATION;
	*out = x;
	return PARTA_OK;
}

static int api_chats_bad_query(struct http_req *req)
{
	return api_chats_fail(req, PARTA_EVALIDATION,
			      "Неверные параметры: kind — staff, class, parents, subject или other; "
			      "page, per_page — положительные числа (per_page до 500); sort — name "
			      "или -name; фильтры — текст до 200 байт");
}

/* ---- the list and one chat ---- */

int api_chats_list(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	char kind[16], name[API_CHATS_FILTER_MAX + 2], surname[API_CHATS_FILTER_MAX + 2], sort[8];
	struct cstore_page_filter f = {0};
	enum chat_kind k;
	api_query_value(req, "kind", kind, sizeof kind);
	api_query_value(req, "sort", sort, sizeof sort);
	f.kind = kind[0] ? kind : NULL;
	f.sort = strcmp(sort, "name") == 0    ? CSTORE_SORT_NAME
		 : strcmp(sort, "-name") == 0 ? CSTORE_SORT_NAME_DESC
					      : CSTORE_SORT_KIND;
	if ((f.kind && chat_kind_parse(f.kind, &k) != PARTA_OK) ||
	    (sort[0] && f.sort == CSTORE_SORT_KIND) ||
	    api_chats_text(req, "name", name, sizeof name, &f.name) != PARTA_OK ||
	    api_chats_text(req, "surname", surname, sizeof surname, &f.surname) != PARTA_OK ||
	    api_chats_int(req, "page", 1, 1000000, &f.page) != PARTA_OK ||
	    api_chats_int(req, "per_page", 50, API_CHATS_PER_PAGE_MAX, &f.per_page) != PARTA_OK)
		return api_chats_bad_query(req);
	struct chatman_actor a;
	if (api_chats_actor(srv, req, who, &a) != PARTA_OK)
		return API_DONE;
	json_t *out;
	int rc = chatman_list(srv_app(srv), &a, &f, &out);
	chatman_actor_free(&a);
	if (rc != PARTA_OK)
		return api_chats_fail(req, rc, "Управление чатами доступно только сотрудникам");
	http_json(&req->resp, 200, out);
	return API_DONE;
}

int api_chat_get(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	struct chatman_actor a;
	if (api_chats_actor(srv, req, who, &a) != PARTA_OK)
		return API_DONE;
	json_t *out;
	int rc = chatman_get(srv_app(srv), &a, api_param_id(req, "chat"),
			     api_query_flag(req, "all"), &out);
	chatman_actor_free(&a);
	if (rc != PARTA_OK)
		return api_chats_fail(req, rc, "Чат не найден");
	http_json(&req->resp, 200, out);
	return API_DONE;
}

/* ---- a new chat ---- */

/* kind, class_id, subject_id, load_id from the query (proposal) or a body (create). */
static int api_chats_new_from(json_t *src, struct chatman_new *n)
{
	memset(n, 0, sizeof *n);
	json_t *kind = json_object_get(src, "kind");
	if (!json_is_string(kind) || chat_kind_parse(json_string_value(kind), &n->kind) != PARTA_OK)
		return PARTA_EVALIDATION;
	static const char *const ids[] = {"class_id", "subject_id", "load_id"};
	int64_t *dst[] = {&n->class_id, &n->subject_id, &n->load_id};
	for (size_t i = 0; i < 3; i++) {
		json_t *v = json_object_get(src, ids[i]);
		if (v != NULL && !json_is_null(v) && (!json_is_integer(v) || json_integer_value(v) < 0))
			return PARTA_EVALIDATION;
		*dst[i] = json_integer_value(v);
	}
	return PARTA_OK;
}

static const char api_chats_new_help[] =
	"kind: staff, class, parents, subject или other; class_id, subject_id, load_id — номера";

int api_chat_proposal(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	char kind[16];
	int64_t v[3];
	static const char *const names[] = {"class_id", "subject_id", "load_id"};
	api_query_value(req, "kind", kind, sizeof kind);
	json_t *q = json_pack("{s:s}", "kind", kind);
	for (size_t i = 0; i < 3; i++) {
		if (api_chats_int(req, names[i], 0, INT64_MAX, &v[i]) != PARTA_OK) {
			json_decref(q);
			return api_chats_fail(req, PARTA_EVALIDATION, api_chats_new_help);
		}
		json_object_set_new(q, names[i], json_integer(v[i]));
	}
	struct chatman_new n;
	int rc = api_chats_new_from(q, &n);
	json_decref(q);
	if (rc != PARTA_OK)
		return api_chats_fail(req, rc, api_chats_new_help);
	struct chatman_actor a;
	if (api_chats_actor(srv, req, who, &a) != PARTA_OK)
		return API_DONE;
	char why[256] = "";
	json_t *out;
	rc = chatman_propose(srv_app(srv), &a, &n, &out, why, sizeof why);
	chatman_actor_free(&a);
	if (rc != PARTA_OK)
		return api_chats_fail(req, rc,
				      rc == PARTA_ENOTFOUND ? "Класс, предмет или нагрузка не найдены"
				      : rc == PARTA_EFORBIDDEN ? "Такой чат вам создавать нельзя"
							       : why);
	http_json(&req->resp, 200, out);
	return API_DONE;
}

int api_chats_create(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *body;
	if (http_json_object(req, &body) != PARTA_OK)
		return API_DONE;
	struct chatman_new n;
	json_t *name = json_object_get(body, "name"), *members = json_object_get(body, "members");
	int rc = api_chats_new_from(body, &n);
	if (rc != PARTA_OK || (name && !json_is_string(name))) {
		json_decref(body);
		return api_chats_fail(req, PARTA_EVALIDATION, api_chats_new_help);
	}
	n.name = json_string_value(name);
	n.members = members;
	struct chatman_actor a;
	if (api_chats_actor(srv, req, who, &a) != PARTA_OK) {
		json_decref(body);
		return API_DONE;
	}
	char why[256] = "";
	json_t *out;
	rc = chatman_create(srv_app(srv), &a, &n, &out, why, sizeof why);
	chatman_actor_free(&a);
	json_decref(body);
	if (rc != PARTA_OK)
		return api_chats_fail(
			req, rc,
			rc == PARTA_ENOTFOUND ? "Класс, предмет, нагрузка или человек не найдены"
			: rc == PARTA_EFORBIDDEN
				? "Такой чат с такими участниками вам создавать нельзя"
				: why);
	http_json(&req->resp, 201, out);
	return API_DONE;
}

/* ---- editing ---- */

int api_chat_update(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *body;
	if (http_json_object(req, &body) != PARTA_OK)
		return API_DONE;
	json_t *name = json_object_get(body, "name");
	if (name != NULL && !json_is_string(name)) {
		json_decref(body);
		return api_chats_fail(req, PARTA_EVALIDATION, "name: строка");
	}
	struct chatman_edit e = {json_string_value(name), json_object_get(body, "add"),
				 json_object_get(body, "remove"), json_object_get(body, "grant"),
				 json_object_get(body, "revoke")};
	struct chatman_actor a;
	if (api_chats_actor(srv, req, who, &a) != PARTA_OK) {
		json_decref(body);
		return API_DONE;
	}
	char why[256] = "";
	json_t *out;
	int rc = chatman_update(srv_app(srv), &a, api_param_id(req, "chat"), &e, &out, why,
				sizeof why);
	chatman_actor_free(&a);
	json_decref(body);
	if (rc != PARTA_OK)
		return api_chats_fail(req, rc,
				      rc == PARTA_ENOTFOUND ? "Чат или человек не найден в организации"
							    : why);
	http_json(&req->resp, 200, out);
	return API_DONE;
}

/* A change by hand; the person comes from the body ("person_id") or the path. */
static int api_chat_hand(struct srv *srv, struct http_req *req, const struct auth_ctx *who,
			 enum chatsync_hand op)
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
	struct chatman_actor a;
	if (api_chats_actor(srv, req, who, &a) != PARTA_OK)
		return API_DONE;
	int rc = chatman_hand(srv_app(srv), &a, api_param_id(req, "chat"), person, op);
	chatman_actor_free(&a);
	if (rc != PARTA_OK)
		return api_chats_fail(req, rc, "Чат или человек не найден в организации");
	http_json(&req->resp, 200, json_pack("{s:b}", "ok", 1));
	return API_DONE;
}

int api_chat_member_add(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	return api_chat_hand(srv, req, who, CHATSYNC_ADD);
}

int api_chat_member_remove(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	return api_chat_hand(srv, req, who, CHATSYNC_REMOVE);
}

int api_chat_admin_add(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	return api_chat_hand(srv, req, who, CHATSYNC_GRANT);
}

int api_chat_admin_remove(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	return api_chat_hand(srv, req, who, CHATSYNC_REVOKE);
}

int api_chat_delete(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	struct chatman_actor a;
	if (api_chats_actor(srv, req, who, &a) != PARTA_OK)
		return API_DONE;
	enum chat_profile profile = a.profile;
	int rc = chatman_delete(srv_app(srv), &a, api_param_id(req, "chat"));
	chatman_actor_free(&a);
	if (rc == PARTA_EFORBIDDEN)
		return api_chats_fail(
			req, rc,
			profile == CHAT_BARS
				? "Чаты по умолчанию (учительский, классный, родительский) нельзя "
				  "удалить; другие чаты удаляют их создатель и администраторы чатов"
				: "Удалить чат могут его создатель и администраторы чатов организации");
	if (rc != PARTA_OK)
		return api_chats_fail(req, rc, "Чат не найден");
	http_json(&req->resp, 200, json_pack("{s:b}", "ok", 1));
	return API_DONE;
}

int api_load_chat(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	struct chatman_actor a;
	if (api_chats_actor(srv, req, who, &a) != PARTA_OK)
		return API_DONE;
	int64_t chat;
	int rc = chatman_load_chat(srv_app(srv), &a, api_param_id(req, "load"), &chat);
	chatman_actor_free(&a);
	if (rc == PARTA_ECONFLICT) {
		http_error(&req->resp, rc, "conflict", "Класс нагрузки закрыт");
		return API_DONE;
	}
	if (rc != PARTA_OK)
		return api_chats_fail(req, rc, "Нагрузка не найдена в организации");
	http_json(&req->resp, 200, json_pack("{s:I}", "chat_id", (json_int_t)chat));
	return API_DONE;
}

/* ---- «Инициализировать список чатов» ---- */

/* The actor may initialize: PARTA_OK, or the answer is written. */
static int api_chats_may_initialize(struct srv *srv, struct http_req *req,
				    const struct auth_ctx *who)
{
	struct chatman_actor a;
	if (api_chats_actor(srv, req, who, &a) != PARTA_OK)
		return PARTA_EIO;
	bool may = chatperm_initialize(&a.perm);
	chatman_actor_free(&a);
	if (!may) {
		api_chats_fail(req, PARTA_EFORBIDDEN,
			       "Инициализировать список чатов могут администраторы чатов организации");
		return PARTA_EFORBIDDEN;
	}
	return PARTA_OK;
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
	struct app *app = srv_app(srv);
	int64_t org = api_param_id(req, "org");
	json_t *body;
	if (http_json_object(req, &body) != PARTA_OK)
		return API_DONE;
	unsigned kinds = api_chat_kinds(body);
	bool dry_run = json_is_true(json_object_get(body, "dry_run"));
	json_decref(body);
	if (api_chats_may_initialize(srv, req, who) != PARTA_OK)
		return API_DONE;
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
	if (api_chats_may_initialize(srv, req, who) != PARTA_OK)
		return API_DONE;
	const char *id = http_param(req, "job");
	json_t *status = id ? chatjob_status(srv_app(srv), api_param_id(req, "org"), id) : NULL;
	if (status == NULL)
		return api_chats_fail(req, PARTA_ENOTFOUND, "Задание не найдено");
	http_json(&req->resp, 200, json_pack("{s:o}", "job", status));
	return API_DONE;
}

/* ---- the participant picker ---- */

/* roles=staff,student,parent as PEOPLE_* bits; 0 (all) when absent; -1 when bad. */
static int api_people_roles(const struct http_req *req)
{
	char v[64];
	api_query_value(req, "roles", v, sizeof v);
	int bits = 0;
	for (char *save = NULL, *t = strtok_r(v, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (strcmp(t, "staff") == 0)
			bits |= PEOPLE_STAFF;
		else if (strcmp(t, "student") == 0)
			bits |= PEOPLE_STUDENT;
		else if (strcmp(t, "parent") == 0)
			bits |= PEOPLE_PARENT;
		else
			return -1;
	}
	return bits;
}

int api_chat_candidates(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	char surname[API_CHATS_FILTER_MAX + 2], q[API_CHATS_FILTER_MAX + 2], gender[4];
	struct people_filter f = {0};
	int roles = api_people_roles(req);
	api_query_value(req, "gender", gender, sizeof gender);
	f.gender = gender[0] ? gender : NULL;
	if (roles < 0 || (f.gender && strcmp(gender, "m") != 0 && strcmp(gender, "f") != 0) ||
	    api_chats_text(req, "surname", surname, sizeof surname, &f.surname) != PARTA_OK ||
	    api_chats_text(req, "q", q, sizeof q, &f.q) != PARTA_OK ||
	    api_chats_int(req, "class_id", 0, INT64_MAX, &f.class_id) != PARTA_OK ||
	    api_chats_int(req, "chat", 0, INT64_MAX, &f.chat) != PARTA_OK ||
	    api_chats_int(req, "page", 1, 1000000, &f.page) != PARTA_OK ||
	    api_chats_int(req, "per_page", 10, API_CHATS_PER_PAGE_MAX, &f.per_page) != PARTA_OK)
		return api_chats_fail(req, PARTA_EVALIDATION,
				      "Неверные параметры: roles — staff, student, parent через "
				      "запятую; gender — m или f; номера и страницы — положительные "
				      "числа (per_page до 500); фильтры — текст до 200 байт");
	f.roles = (unsigned)roles;
	struct chatman_actor a;
	if (api_chats_actor(srv, req, who, &a) != PARTA_OK)
		return API_DONE;
	json_t *out;
	int rc = chatman_people(srv_app(srv), &a, &f, api_query_flag(req, "ids"), &out);
	chatman_actor_free(&a);
	if (rc != PARTA_OK)
		return api_chats_fail(req, rc, "Выбор участников доступен только сотрудникам");
	http_json(&req->resp, 200, out);
	return API_DONE;
}
