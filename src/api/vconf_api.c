/* vconf_api.c — /api/v1/orgs/{org}/conferences… (the «Видеоконференции» registry and
 * joining), /journal/… («Классный журнал»: loads, lessons, the lesson page with
 * «Дистанционный урок»), /diary (a student's week), and the tick that starts and ends
 * conferences by themselves, creating and destroying their rooms on workers.
 *
 * The route table admits any account of {org} (API_ORG_MEMBER); app/vconf decides (403). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/vconf.h"
#include "../core/err.h"
#include "../core/timetable.h"
#include "../net/work.h"
#include "../store/vstore.h"
#include "../util/log.h"
#include "api.h"
#include "handlers.h"

static int api_vconf_fail(struct http_req *req, int rc, const struct vconf_why *why)
{
	const char *text = why != NULL && why->text[0] ? why->text : NULL;
	const char *code = why != NULL && why->code[0] ? why->code : NULL;
	switch (rc) {
	case PARTA_EFORBIDDEN:
		http_error(&req->resp, rc, "forbidden", text ? text : "Недостаточно прав");
		break;
	case PARTA_ENOTFOUND:
		http_error(&req->resp, rc, "not_found", text ? text : "Не найдено");
		break;
	case PARTA_ECONFLICT:
	case PARTA_EVALIDATION:
	case PARTA_EUNAVAILABLE:
		http_error(&req->resp, rc, code ? code : "conflict", text ? text : "Конфликт");
		break;
	default: http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера"); break;
	}
	return API_DONE;
}

static int api_vconf_actor(struct srv *srv, struct http_req *req, const struct auth_ctx *who,
			   struct chatman_actor *a)
{
	int rc = chatman_actor_load(srv_app(srv), &who->account, a);
	if (rc != PARTA_OK) {
		chatman_actor_free(a);
		api_vconf_fail(req, rc, NULL);
	}
	return rc;
}

/* Answers `rc`/`out` (200 or `status`), freeing the actor. */
static int api_vconf_answer(struct http_req *req, struct chatman_actor *a, int rc, json_t *out,
			    int status, const struct vconf_why *why)
{
	chatman_actor_free(a);
	if (rc != PARTA_OK)
		return api_vconf_fail(req, rc, why);
	if (out == NULL)
		http_json(&req->resp, 200, json_pack("{s:b}", "ok", 1));
	else
		http_json(&req->resp, status, out);
	return API_DONE;
}

static int64_t api_vconf_query_int(const struct http_req *req, const char *name, int64_t def)
{
	char buf[24];
	api_query_value(req, name, buf, sizeof buf);
	if (buf[0] == '\0')
		return def;
	char *end;
	long long v = strtoll(buf, &end, 10);
	return *end == '\0' ? (int64_t)v : -1;
}

/* ---- the registry ---- */

int api_conferences_list(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	int64_t now = app_now(srv_app(srv));
	int64_t from = api_vconf_query_int(req, "from", now - 30 * 86400);
	int64_t to = api_vconf_query_int(req, "to", now + 90 * 86400);
	if (from < 0 || to < 0 || to <= from) {
		http_error(&req->resp, PARTA_EVALIDATION, "validation",
			   "from, to: время в секундах Unix, from < to");
		return API_DONE;
	}
	struct chatman_actor a;
	if (api_vconf_actor(srv, req, who, &a) != PARTA_OK)
		return API_DONE;
	json_t *out = NULL;
	int rc = vconf_list(srv_app(srv), &a, from, to, &out);
	return api_vconf_answer(req, &a, rc, out, 200, NULL);
}

/* A change with a JSON body: `fn` for the conference or lesson named by `param` (none: 0);
 * a success runs the tick at once (a conference starting or ending now does so). */
typedef int (*api_vconf_body_fn)(struct app *app, const struct chatman_actor *a, int64_t id,
				 json_t *body, json_t **out, struct vconf_why *why);

static int api_vconf_with_body(struct srv *srv, struct http_req *req, const struct auth_ctx *who,
			       const char *param, api_vconf_body_fn fn, int status,
			       struct vconf_why why)
{
	json_t *body;
	if (http_json_object(req, &body) != PARTA_OK)
		return API_DONE;
	struct chatman_actor a;
	if (api_vconf_actor(srv, req, who, &a) != PARTA_OK) {
		json_decref(body);
		return API_DONE;
	}
	json_t *out = NULL;
	int rc = fn(srv_app(srv), &a, param != NULL ? api_param_id(req, param) : 0, body, &out,
		    &why);
	json_decref(body);
	if (rc == PARTA_OK)
		srv_tick_soon(srv);
	return api_vconf_answer(req, &a, rc, out, status, &why);
}

static int api_vconf_create(struct app *app, const struct chatman_actor *a, int64_t id,
			    json_t *body, json_t **out, struct vconf_why *why)
{
	(void)id;
	return vconf_create(app, a, body, out, why);
}

int api_conferences_create(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	return api_vconf_with_body(srv, req, who, NULL, api_vconf_create, 201,
				   (struct vconf_why){0});
}

int api_conference_get(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	struct chatman_actor a;
	if (api_vconf_actor(srv, req, who, &a) != PARTA_OK)
		return API_DONE;
	json_t *out = NULL;
	int rc = vconf_get(srv_app(srv), &a, api_param_id(req, "conf"), &out);
	struct vconf_why why = {.code = "not_found", .text = "Видеоконференция не найдена"};
	return api_vconf_answer(req, &a, rc, out, 200, &why);
}

int api_conference_update(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	return api_vconf_with_body(srv, req, who, "conf", vconf_update, 200,
				   (struct vconf_why){0});
}

int api_conference_delete(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	struct chatman_actor a;
	if (api_vconf_actor(srv, req, who, &a) != PARTA_OK)
		return API_DONE;
	struct vconf_why why = {0};
	int rc = vconf_delete(srv_app(srv), &a, api_param_id(req, "conf"), &why);
	return api_vconf_answer(req, &a, rc, NULL, 200, &why);
}

static int api_conference_now(struct srv *srv, struct http_req *req, const struct auth_ctx *who,
			      bool start)
{
	struct chatman_actor a;
	if (api_vconf_actor(srv, req, who, &a) != PARTA_OK)
		return API_DONE;
	struct vconf_why why = {0};
	int64_t id = api_param_id(req, "conf");
	int rc = start ? vconf_start_now(srv_app(srv), &a, id, &why)
		       : vconf_end_now(srv_app(srv), &a, id, &why);
	if (rc == PARTA_OK)
		srv_tick_soon(srv);
	return api_vconf_answer(req, &a, rc, NULL, 200, &why);
}

int api_conference_start(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	return api_conference_now(srv, req, who, true);
}

int api_conference_end(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	return api_conference_now(srv, req, who, false);
}

struct api_joining {
	struct srv *srv;
	struct http_req *req;
	struct vconf_join job;
	int rc;
	char why[256];
};

static void api_join_run(void *arg)
{
	struct api_joining *j = arg;
	j->rc = vconf_room_run(srv_app(j->srv)->media, &j->job.room.v[0], j->why, sizeof j->why);
}

static void api_join_done(void *arg)
{
	struct api_joining *j = arg;
	struct http_req *req = j->req;
	struct vconf_why why = {0};
	json_t *out = NULL;
	int rc = vconf_join_finish(srv_app(j->srv), &j->job, j->rc, j->why, &out, &why);
	if (j->rc == PARTA_ENOTFOUND)
		srv_tick_soon(j->srv); /* the room is made again at once */
	if (rc != PARTA_OK)
		api_vconf_fail(req, rc, &why);
	else
		http_json(&req->resp, 200, out);
	free(j);
	srv_async_done(req);
}

int api_conference_join(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	struct chatman_actor a;
	if (api_vconf_actor(srv, req, who, &a) != PARTA_OK)
		return API_DONE;
	struct vconf_why why = {0};
	struct api_joining *j = calloc(1, sizeof *j);
	int rc = j != NULL ? vconf_join_begin(srv_app(srv), &a, api_param_id(req, "conf"),
					      &j->job, &why)
			   : PARTA_ENOMEM;
	chatman_actor_free(&a);
	if (rc == PARTA_OK) {
		j->srv = srv;
		j->req = req;
		if (work_submit(srv_work(srv), api_join_run, api_join_done, j) == PARTA_OK)
			return API_ASYNC;
		vconf_rooms_free(&j->job.room);
		rc = PARTA_EFULL;
	}
	free(j);
	return api_vconf_fail(req, rc, &why);
}

int api_conference_candidates(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	char kind[16];
	api_query_value(req, "kind", kind, sizeof kind);
	int64_t chat = api_vconf_query_int(req, "chat_id", 0);
	struct chatman_actor a;
	if (api_vconf_actor(srv, req, who, &a) != PARTA_OK)
		return API_DONE;
	struct vconf_why why = {0};
	json_t *out = NULL;
	int rc = vconf_chat_people(srv_app(srv), &a, chat, kind, &out, &why);
	return api_vconf_answer(req, &a, rc, out, 200, &why);
}

/* ---- the class journal and the diary ---- */

int api_journal_loads(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	struct chatman_actor a;
	if (api_vconf_actor(srv, req, who, &a) != PARTA_OK)
		return API_DONE;
	json_t *rows = NULL;
	int rc = a.perm.staff ? vstore_journal_loads(srv_app(srv)->db, a.org, a.perm.person,
						     chatperm_view_all(&a.perm), &rows)
			      : PARTA_EFORBIDDEN;
	return api_vconf_answer(req, &a, rc, rc == PARTA_OK ? json_pack("{s:o}", "loads", rows) : NULL,
				200, NULL);
}

int api_journal_lessons(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	int64_t class_id = api_vconf_query_int(req, "class_id", 0);
	int64_t subject_id = api_vconf_query_int(req, "subject_id", 0);
	if (class_id <= 0 || subject_id <= 0) {
		http_error(&req->resp, PARTA_EVALIDATION, "validation",
			   "Выберите класс и предмет (class_id, subject_id)");
		return API_DONE;
	}
	struct chatman_actor a;
	if (api_vconf_actor(srv, req, who, &a) != PARTA_OK)
		return API_DONE;
	json_t *rows = NULL;
	int rc = a.perm.staff ? vstore_journal_lessons(srv_app(srv)->db, a.org, class_id,
						       subject_id, &rows)
			      : PARTA_EFORBIDDEN;
	return api_vconf_answer(req, &a, rc,
				rc == PARTA_OK ? json_pack("{s:o}", "lessons", rows) : NULL, 200,
				NULL);
}

int api_journal_lesson(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	struct chatman_actor a;
	if (api_vconf_actor(srv, req, who, &a) != PARTA_OK)
		return API_DONE;
	json_t *out = NULL;
	int rc = vconf_lesson_page(srv_app(srv), &a, api_param_id(req, "lesson"), &out);
	struct vconf_why why = {.code = "not_found", .text = "Урок не найден"};
	return api_vconf_answer(req, &a, rc, out, 200, &why);
}

int api_journal_distance(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	return api_vconf_with_body(srv, req, who, "lesson", vconf_lesson_create, 201,
				   (struct vconf_why){.code = "not_found", .text = "Урок не найден"});
}

int api_diary(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	char week[16];
	api_query_value(req, "week", week, sizeof week);
	int64_t student = api_vconf_query_int(req, "student_id", 0);
	if (!timetable_date_valid(week) || student < 0) {
		http_error(&req->resp, PARTA_EVALIDATION, "validation",
			   "week: понедельник недели ГГГГ-ММ-ДД; student_id: ученик");
		return API_DONE;
	}
	struct chatman_actor a;
	if (api_vconf_actor(srv, req, who, &a) != PARTA_OK)
		return API_DONE;
	json_t *out = NULL;
	int rc = vconf_diary(srv_app(srv), &a, student, week, &out);
	struct vconf_why why = {.code = "not_found", .text = "Ученик не найден"};
	return api_vconf_answer(req, &a, rc, out, 200, &why);
}

/* ---- the tick ---- */

struct api_room_job {
	struct srv *srv;
	struct vconf_room room;
	int rc;
	char why[256];
};

static void api_room_run(void *arg)
{
	struct api_room_job *j = arg;
	j->rc = vconf_room_run(srv_app(j->srv)->media, &j->room, j->why, sizeof j->why);
}

static void api_room_done(void *arg)
{
	struct api_room_job *j = arg;
	vconf_room_done(srv_app(j->srv), &j->room, j->rc, j->why);
	free(j);
}

void api_tick(struct srv *srv)
{
	struct app *app = srv_app(srv);
	struct vconf_rooms rooms = {0};
	bool more = false;
	int rc = vconf_tick(app, &rooms, &more);
	if (rc != PARTA_OK)
		log_msg(LOG_ERROR, "vconf", "tick_failed rc=%s", parta_strerror(rc));
	if (more)
		srv_tick_soon(srv);
	for (size_t i = 0; i < rooms.n; i++) {
		struct api_room_job *j = calloc(1, sizeof *j);
		if (j != NULL) {
			j->srv = srv;
			j->room = rooms.v[i];
		}
		if (j == NULL || work_submit(srv_work(srv), api_room_run, api_room_done, j) != PARTA_OK) {
			/* Tried again at the next tick (the room is still missing). */
			if (j != NULL)
				vconf_room_done(app, &j->room, PARTA_ENOMEM, "not queued");
			free(j);
		}
	}
	vconf_rooms_free(&rooms);
}

void api_tick_start(struct srv *srv)
{
	int rc = vconf_startup(srv_app(srv));
	if (rc != PARTA_OK)
		log_msg(LOG_ERROR, "vconf", "startup_failed rc=%s", parta_strerror(rc));
	api_tick(srv);
}
