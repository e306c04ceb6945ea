/* saved_api.c — «Избранное» (app/saved.h): /api/v1/messenger/saved…, a messenger session's
 * own entries only; another profile's entry is answered 404 like one that does not exist. */
#include <stdlib.h>
#include <string.h>

#include "../app/saved.h"
#include "../core/err.h"
#include "api.h"
#include "handlers.h"

/* The error of a failed call: `why` when the use case said it, else by its code. */
static int api_saved_error(struct http_req *req, int rc, const char *why)
{
	if (rc == PARTA_EVALIDATION)
		http_error(&req->resp, rc, "validation", why[0] ? why : "Проверьте параметры запроса");
	else if (rc == PARTA_ENOTFOUND)
		http_error(&req->resp, rc, "not_found", why[0] ? why : "Запись не найдена");
	else if (rc == PARTA_ECONFLICT)
		http_error(&req->resp, rc, "conflict", why[0] ? why : "Конфликт");
	else
		http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера");
	return API_DONE;
}

/* A query parameter as a non-negative integer (`fallback` when absent); false when malformed. */
static bool api_saved_number(const struct http_req *req, const char *name, long long fallback,
			     long long *out)
{
	char buf[24];
	api_query_value(req, name, buf, sizeof buf);
	if (buf[0] == '\0') {
		*out = fallback;
		return true;
	}
	char *end = NULL;
	*out = strtoll(buf, &end, 10);
	return end != NULL && *end == '\0' && *out >= 0;
}

int api_saved_list(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	long long before, limit;
	json_t *entries = NULL;
	int rc = api_saved_number(req, "before", 0, &before) &&
				 api_saved_number(req, "limit", 50, &limit) && limit <= 200
			 ? saved_list(srv_app(srv), who->session.profile_id, before, (int)limit,
				      &entries)
			 : PARTA_EVALIDATION;
	if (rc != PARTA_OK)
		return api_saved_error(req, rc, rc == PARTA_EVALIDATION
							? "before: номер записи; limit: 1–200"
							: "");
	http_json(&req->resp, 200, json_pack("{s:o}", "saved", entries));
	return API_DONE;
}

/* {"message_id": N} saves a copy of a message; {"text": "…"} writes a note. */
int api_saved_add(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *body;
	if (http_json_object(req, &body) != PARTA_OK)
		return API_DONE;
	json_t *message = json_object_get(body, "message_id");
	json_t *text = json_object_get(body, "text");
	json_t *entry = NULL;
	char why[160] = "";
	bool created = true;
	int rc;
	if (json_is_integer(message) && text == NULL)
		rc = saved_add_message(srv_app(srv), who->session.profile_id,
				       json_integer_value(message), &entry, &created, why, sizeof why);
	else if (json_is_string(text) && message == NULL)
		rc = saved_add_note(srv_app(srv), who->session.profile_id, json_string_value(text),
				    &entry, why, sizeof why);
	else {
		snprintf(why, sizeof why, "Укажите message_id сообщения или text заметки");
		rc = PARTA_EVALIDATION;
	}
	json_decref(body);
	if (rc != PARTA_OK)
		return api_saved_error(req, rc, why);
	http_json(&req->resp, created ? 201 : 200, json_pack("{s:o}", "entry", entry));
	return API_DONE;
}

int api_saved_get(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *entry = NULL;
	int rc = saved_get(srv_app(srv), who->session.profile_id, api_param_id(req, "saved"),
			   &entry);
	if (rc != PARTA_OK)
		return api_saved_error(req, rc, "");
	http_json(&req->resp, 200, json_pack("{s:o}", "entry", entry));
	return API_DONE;
}

int api_saved_delete(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	int rc = saved_delete(srv_app(srv), who->session.profile_id, api_param_id(req, "saved"));
	if (rc != PARTA_OK)
		return api_saved_error(req, rc, "");
	http_json(&req->resp, 200, json_pack("{s:b}", "ok", 1));
	return API_DONE;
}
