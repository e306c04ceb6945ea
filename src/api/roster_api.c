/* roster_api.c — /api/v1/orgs/{org}/…: persons, subjects, positions, orders, the roster and
 * its events. The route table admits only administrators of {org} (API_ORG_ADMIN). */
#include <stdlib.h>
#include <string.h>

#include "../app/bundle.h"
#include "../app/orders.h"
#include "../app/lessons.h"
#include "../app/orgs.h"
#include "../core/rights.h"
#include "../core/timetable.h"
#include "../core/err.h"
#include "../store/rstore.h"
#include "api.h"
#include "handlers.h"

int64_t api_param_id(const struct http_req *req, const char *name)
{
	const char *v = http_param(req, name);
	if (v == NULL || v[0] < '1' || v[0] > '9' || strlen(v) > 18)
		return 0;
	for (const char *p = v; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return strtoll(v, NULL, 10);
}

/* Renders an orders_result error. */
static int api_orders_error(struct http_req *req, int rc, struct orders_result *res)
{
	const char *why = res->why[0] ? res->why : "Внутренняя ошибка сервера";
	if (rc == PARTA_ECONFLICT && res->dependents != NULL) {
		json_t *body = json_pack("{s:{s:s,s:s,s:O}}", "error", "code", "dependent_orders",
					 "message", why, "dependents", res->dependents);
		http_json(&req->resp, 409, body);
	} else if (rc == PARTA_EVALIDATION) {
		http_error(&req->resp, rc, "validation", why);
	} else if (rc == PARTA_ECONFLICT) {
		http_error(&req->resp, rc, "conflict", why);
	} else if (rc == PARTA_ENOTFOUND) {
		http_error(&req->resp, rc, "not_found", why);
	} else {
		http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера");
	}
	orders_result_free(res);
	return API_DONE;
}

typedef int (*api_create_fn)(struct app *, int64_t, json_t *, struct orders_result *);

static int api_create(struct srv *srv, struct http_req *req, api_create_fn create)
{
	json_t *body;
	if (http_json_object(req, &body) != PARTA_OK)
		return API_DONE;
	struct orders_result res;
	int rc = create(srv_app(srv), api_param_id(req, "org"), body, &res);
	json_decref(body);
	if (rc != PARTA_OK)
		return api_orders_error(req, rc, &res);
	http_json(&req->resp, 201, json_pack("{s:I}", "id", (json_int_t)res.id));
	orders_result_free(&res);
	return API_DONE;
}

static int api_list(struct srv *srv, struct http_req *req, const char *what)
{
	json_t *list;
	int rc = rstore_list(srv_app(srv)->db, api_param_id(req, "org"), what, &list);
	if (rc != PARTA_OK) {
		http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера");
		return API_DONE;
	}
	http_json(&req->resp, 200, json_pack("{s:o}", what, list));
	return API_DONE;
}

#define API_REFDATA(name, create)                                                             \
	int api_##name##_list(struct srv *srv, struct http_req *req, const struct auth_ctx *who) \
	{                                                                                      \
		(void)who;                                                                     \
		return api_list(srv, req, #name);                                              \
	}                                                                                      \
	int api_##name##_create(struct srv *srv, struct http_req *req,                         \
				const struct auth_ctx *who)                                    \
	{                                                                                      \
		(void)who;                                                                     \
		return api_create(srv, req, create);                                           \
	}

API_REFDATA(persons, orders_add_person)
API_REFDATA(subjects, orders_add_subject)
API_REFDATA(positions, orders_add_position)

int api_orders_list(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	return api_list(srv, req, "orders");
}

static json_t *api_touched_json(const struct orders_result *res)
{
	json_t *ids = json_array();
	for (size_t i = 0; i < res->touched.nclass_ids; i++)
		json_array_append_new(ids, json_integer(res->touched.class_ids[i]));
	return json_pack("{s:o,s:b}", "class_ids", ids, "staff", res->touched.staff);
}

int api_orders_issue(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *body;
	if (http_json_object(req, &body) != PARTA_OK)
		return API_DONE;
	struct orders_result res;
	int rc = orders_issue(srv_app(srv), api_param_id(req, "org"), who->account.id, body, &res);
	json_decref(body);
	if (rc != PARTA_OK)
		return api_orders_error(req, rc, &res);
	/* A dry run (id 0) created nothing: 200 with what would have been issued. */
	http_json(&req->resp, res.id ? 201 : 200,
		  json_pack("{s:O,s:I,s:o}", "order", res.order, "event_id",
			    (json_int_t)res.event_id, "touched", api_touched_json(&res)));
	orders_result_free(&res);
	return API_DONE;
}

int api_orders_cancel(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	struct orders_result res;
	int64_t id = api_param_id(req, "order");
	/* A malformed id (0) is simply an order that does not exist. */
	int rc = orders_cancel(srv_app(srv), api_param_id(req, "org"), id, &res);
	if (rc != PARTA_OK)
		return api_orders_error(req, rc, &res);
	http_json(&req->resp, 200,
		  json_pack("{s:I,s:s,s:I,s:o}", "id", (json_int_t)id, "status", "cancelled",
			    "event_id", (json_int_t)res.event_id, "touched",
			    api_touched_json(&res)));
	orders_result_free(&res);
	return API_DONE;
}

int api_roster(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	static const char *const parts[] = {"classes", "enrolments", "staff", "guardians", "loads"};
	int64_t org = api_param_id(req, "org");
	json_t *body = json_object();
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		json_t *list;
		if (rstore_list(srv_app(srv)->db, org, parts[i], &list) != PARTA_OK) {
			json_decref(body);
			http_error(&req->resp, PARTA_EIO, "internal", "Внутренняя ошибка сервера");
			return API_DONE;
		}
		json_object_set_new(body, parts[i], list);
	}
	http_json(&req->resp, 200, body);
	return API_DONE;
}

int api_roster_events(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	long long after = 0;
	if (req->query != NULL) {
		char *end = NULL;
		if (strncmp(req->query, "after=", 6) != 0 ||
		    (after = strtoll(req->query + 6, &end, 10)) < 0 || *end != '\0') {
			http_error(&req->resp, PARTA_EVALIDATION, "validation",
				   "Параметр after: неотрицательное целое число");
			return API_DONE;
		}
	}
	json_t *list;
	if (rstore_events(srv_app(srv)->db, api_param_id(req, "org"), after, &list) != PARTA_OK) {
		http_error(&req->resp, PARTA_EIO, "internal", "Внутренняя ошибка сервера");
		return API_DONE;
	}
	http_json(&req->resp, 200, json_pack("{s:o}", "events", list));
	return API_DONE;
}

int api_roster_export(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	json_t *bundle;
	int rc = bundle_export(srv_app(srv), api_param_id(req, "org"), &bundle);
	if (rc != PARTA_OK) {
		http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера");
		return API_DONE;
	}
	http_json(&req->resp, 200, bundle);
	return API_DONE;
}

int api_roster_import(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	json_t *body;
	if (http_json_object(req, &body) != PARTA_OK)
		return API_DONE;
	struct orders_result res;
	int rc = bundle_import(srv_app(srv), api_param_id(req, "org"), body, &res);
	json_decref(body);
	if (rc != PARTA_OK)
		return api_orders_error(req, rc, &res);
	http_json(&req->resp, 200, json_pack("{s:I}", "orders", (json_int_t)res.id));
	orders_result_free(&res);
	return API_DONE;
}

int api_org_get(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	json_t *org;
	int rc = orgs_get(srv_app(srv), api_param_id(req, "org"), &org);
	if (rc != PARTA_OK) {
		http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера");
		return API_DONE;
	}
	http_json(&req->resp, 200, json_pack("{s:o}", "organisation", org));
	return API_DONE;
}

int api_org_update(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	json_t *body;
	if (http_json_object(req, &body) != PARTA_OK)
		return API_DONE;
	char why[160] = "";
	int rc = orgs_update(srv_app(srv), api_param_id(req, "org"), body, why, sizeof why);
	json_decref(body);
	if (rc == PARTA_EVALIDATION) {
		http_error(&req->resp, rc, "validation", why);
		return API_DONE;
	}
	if (rc != PARTA_OK) {
		http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера");
		return API_DONE;
	}
	return api_org_get(srv, req, who);
}

int api_lessons_create(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	return api_create(srv, req, lessons_add);
}

void api_query_value(const struct http_req *req, const char *name, char *buf, size_t len)
{
	buf[0] = '\0';
	size_t nlen = strlen(name);
	for (const char *p = req->query; p && *p;) {
		const char *end = strchr(p, '&');
		size_t plen = end ? (size_t)(end - p) : strlen(p);
		if (plen > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			snprintf(buf, len, "%.*s", (int)(plen - nlen - 1), p + nlen + 1);
			return;
		}
		p = end ? end + 1 : p + plen;
	}
}

bool api_query_flag(const struct http_req *req, const char *name)
{
	char v[8];
	api_query_value(req, name, v, sizeof v);
	return strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
}

int api_lessons_list(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	char from[16], to[16];
	api_query_value(req, "from", from, sizeof from);
	api_query_value(req, "to", to, sizeof to);
	if ((from[0] && !timetable_date_valid(from)) || (to[0] && !timetable_date_valid(to))) {
		http_error(&req->resp, PARTA_EVALIDATION, "validation",
			   "Параметры from и to: даты ГГГГ-ММ-ДД");
		return API_DONE;
	}
	json_t *list;
	if (rstore_lessons(srv_app(srv)->db, api_param_id(req, "org"), from, to, &list) !=
	    PARTA_OK) {
		http_error(&req->resp, PARTA_EIO, "internal", "Внутренняя ошибка сервера");
		return API_DONE;
	}
	http_json(&req->resp, 200, json_pack("{s:o}", "lessons", list));
	return API_DONE;
}

int api_lessons_delete(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	int rc = lessons_delete(srv_app(srv), api_param_id(req, "org"),
				api_param_id(req, "lesson"));
	if (rc == PARTA_ENOTFOUND)
		http_error(&req->resp, rc, "not_found", "Урок не найден");
	else if (rc != PARTA_OK)
		http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера");
	else
		http_json(&req->resp, 204, NULL);
	return API_DONE;
}

API_REFDATA(rights_groups, orders_add_rights_group)

/* The rights catalogue: [{"code","label"}]. */
static json_t *api_rights_json(json_t *codes)
{
	json_t *list = json_array();
	for (size_t i = 0; i < rights_count(); i++) {
		const struct right_def *r = rights_at(i);
		bool held = codes == NULL;
		size_t k;
		json_t *c;
		json_array_foreach(codes, k, c) held = held || strcmp(json_string_value(c), r->code) == 0;
		if (held)
			json_array_append_new(list, json_pack("{s:s,s:s}", "code", r->code, "label",
							      r->label));
	}
	return list;
}

int api_rights_catalogue(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)srv, (void)who;
	http_json(&req->resp, 200, json_pack("{s:o}", "rights", api_rights_json(NULL)));
	return API_DONE;
}

int api_person_rights(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	struct db *db = srv_app(srv)->db;
	int64_t org = api_param_id(req, "org"), person = api_param_id(req, "person");
	if (person == 0 || rstore_owned(db, org, RSTORE_PERSON, person) != PARTA_OK) {
		http_error(&req->resp, PARTA_ENOTFOUND, "not_found", "Человек не найден");
		return API_DONE;
	}
	json_t *codes;
	if (rstore_person_rights(db, org, person, &codes) != PARTA_OK) {
		json_decref(codes);
		http_error(&req->resp, PARTA_EIO, "internal", "Внутренняя ошибка сервера");
		return API_DONE;
	}
	http_json(&req->resp, 200, json_pack("{s:I,s:o}", "person_id", (json_int_t)person, "rights",
					     api_rights_json(codes)));
	json_decref(codes);
	return API_DONE;
}
