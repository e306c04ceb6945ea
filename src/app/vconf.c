/* vconf.c — distance lessons and video conferences: the registry, the class journal, the
 * diary (joining and the scheduler: vconfrun.c). */
#include "vconf.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/timetable.h"
#include "../core/tzif.h"
#include "../core/vconf.h"
#include "../store/cstore.h"
#include "../store/rstore.h"
#include "../store/vstore.h"
#include "tz.h"
#include "vconf_int.h"

static void vconf_say(struct vconf_why *why, const char *code, const char *text)
{
	if (why == NULL)
		return;
	snprintf(why->code, sizeof why->code, "%s", code);
	snprintf(why->text, sizeof why->text, "%s", text);
}

int vconf__fail(struct vconf_why *why, int rc, const char *code, const char *text)
{
	vconf_say(why, code, text);
	return rc;
}

/* ---- facts about the actor ---- */

static bool vconf_manager(const struct chatman_actor *a)
{
	return chatperm_view_all(&a->perm);
}

/* Whether the actor may edit the chat's members («Управление чатами»). */
static int vconf_may_edit_chat(struct app *app, const struct chatman_actor *a, int64_t chat,
			       bool *may)
{
	json_t *j = NULL;
	int rc = chatman_get(app, a, chat, false, &j);
	*may = rc == PARTA_OK && json_is_true(json_object_get(json_object_get(j, "can"), "edit"));
	json_decref(j);
	return rc == PARTA_EFORBIDDEN ? PARTA_OK : rc;
}

/* Moderators of the conference, those who may edit its chat, and managers. */
static int vconf_may_manage(struct app *app, const struct chatman_actor *a,
			    const struct vstore_conf *c, bool *may)
{
	*may = vconf_manager(a);
	bool moderator = false;
	int rc = PARTA_OK;
	if (!*may && a->perm.person != 0) {
		rc = vstore_member(app->db, c->id, a->perm.person, &moderator);
		*may = rc == PARTA_OK && moderator;
		rc = rc == PARTA_ENOTFOUND ? PARTA_OK : rc;
	}
	if (rc == PARTA_OK && !*may && c->created_by != 0 && c->created_by == a->perm.person)
		*may = true;
	if (rc == PARTA_OK && !*may && c->chat_id != 0)
		rc = vconf_may_edit_chat(app, a, c->chat_id, may);
	return rc;
}

static int vconf_time_zone(struct app *app, int64_t org, char tz[65])
{
	json_t *o;
	int rc = rstore_org_get(app->db, org, &o);
	if (rc != PARTA_OK)
		return rc;
	snprintf(tz, 65, "%s", json_string_value(json_object_get(o, "time_zone")));
	json_decref(o);
	return PARTA_OK;
}

/* The organisation's zone (read once per request). */
static int vconf_zone(struct app *app, int64_t org, struct tzif *out)
{
	char tz[65];
	int rc = vconf_time_zone(app, org, tz);
	if (rc == PARTA_OK)
		rc = tz_open(tz, out);
	return rc == PARTA_ENOTFOUND ? PARTA_EIO : rc;
}

/* A local date with its start and end times → Unix seconds; PARTA_EVALIDATION when
 * malformed. */
static int vconf_span(struct app *app, int64_t org, const char *date, const char *start,
		      const char *end, int64_t *starts, int64_t *ends)
{
	struct tzif tz;
	int rc = vconf_zone(app, org, &tz);
	if (rc != PARTA_OK)
		return rc;
	if (!tzif_wall_to_utc(&tz, date, start, starts) || !tzif_wall_to_utc(&tz, date, end, ends))
		rc = PARTA_EVALIDATION;
	tzif_free(&tz);
	return rc;
}

/* Local date and times from a request → Unix seconds, validated. */
static int vconf_times(struct app *app, int64_t org, const char *date, const char *start,
		       const char *end, int64_t *starts, int64_t *ends, struct vconf_why *why)
{
	if (date == NULL || start == NULL || end == NULL || !timetable_date_valid(date) ||
	    !timetable_span_valid(start, end))
		return vconf__fail(why, PARTA_EVALIDATION, "validation",
				  "Дата ГГГГ-ММ-ДД, время начала и окончания ЧЧ:ММ, окончание позже "
				  "начала (не более 8 часов)");
	return vconf_span(app, org, date, start, end, starts, ends);
}

/* The span of a lesson row (vstore_lesson), stored valid. */
static int vconf_lesson_span(struct app *app, int64_t org, const json_t *l, int64_t *starts,
			     int64_t *ends)
{
	int rc = vconf_span(app, org, json_string_value(json_object_get(l, "date")),
			    json_string_value(json_object_get(l, "start")),
			    json_string_value(json_object_get(l, "end")), starts, ends);
	return rc == PARTA_EVALIDATION ? PARTA_EIO : rc;
}

/* Adds the local "date", "start", "end" of a conference JSON. */
static void vconf_local_fields(const struct tzif *tz, json_t *c)
{
	char date[11], start[6], edate[11], end[6];
	tzif_local_parts(tz, json_integer_value(json_object_get(c, "starts_at")), date, start);
	tzif_local_parts(tz, json_integer_value(json_object_get(c, "ends_at")), edate, end);
	json_object_set_new(c, "date", json_string(date));
	json_object_set_new(c, "start", json_string(start));
	json_object_set_new(c, "end", json_string(end));
}

static int vconf_local_fields_of(struct app *app, int64_t org, json_t *c)
{
	struct tzif tz;
	int rc = vconf_zone(app, org, &tz);
	if (rc == PARTA_OK) {
		vconf_local_fields(&tz, c);
		tzif_free(&tz);
	}
	return rc;
}

/* ---- reading ---- */

int vconf_list(struct app *app, const struct chatman_actor *a, int64_t from, int64_t to,
	       json_t **out)
{
	json_t *rows;
	struct tzif tz;
	int rc = vconf_zone(app, a->org, &tz);
	if (rc != PARTA_OK)
		return rc;
	rc = vstore_list(app->db, a->org, a->perm.person, vconf_manager(a), from, to, &rows);
	size_t i;
	json_t *row;
	if (rc == PARTA_OK)
		json_array_foreach(rows, i, row) vconf_local_fields(&tz, row);
	tzif_free(&tz);
	if (rc != PARTA_OK)
		return rc;
	*out = json_pack("{s:o,s:b}", "conferences", rows, "can_create", a->perm.staff);
	return *out != NULL ? PARTA_OK : PARTA_ENOMEM;
}

int vconf_get(struct app *app, const struct chatman_actor *a, int64_t id, json_t **out)
{
	struct vstore_conf c;
	int rc = vstore_load(app->db, a->org, id, &c);
	bool moderator = false, member = false, manage = false;
	if (rc == PARTA_OK && a->perm.person != 0) {
		rc = vstore_member(app->db, id, a->perm.person, &moderator);
		member = rc == PARTA_OK;
		rc = rc == PARTA_ENOTFOUND ? PARTA_OK : rc;
	}
	if (rc == PARTA_OK)
		rc = vconf_may_manage(app, a, &c, &manage);
	if (rc != PARTA_OK)
		return rc;
	if (!member && !manage)
		return PARTA_ENOTFOUND; /* not theirs to know of */
	json_t *conf, *members;
	rc = vstore_get(app->db, a->org, id, &conf);
	if (rc != PARTA_OK)
		return rc;
	if ((rc = vconf_local_fields_of(app, a->org, conf)) != PARTA_OK ||
	    (rc = vstore_members(app->db, id, &members)) != PARTA_OK) {
		json_decref(conf);
		return rc;
	}
	bool active = strcmp(c.state, "active") == 0;
	*out = json_pack("{s:o,s:o,s:{s:b,s:b,s:b,s:b}}", "conference", conf, "members", members,
			 "can", "edit", manage && strcmp(c.state, "finished") != 0, "end",
			 manage && strcmp(c.state, "finished") != 0, "join", member && active,
			 "moderate", moderator || manage);
	return *out != NULL ? PARTA_OK : PARTA_ENOMEM;
}

/* ---- the members of a new conference ---- */

/* Whom the conference takes from the chat: [{"person_id","role","admin"}] filtered by
 * core/vconf.h, plus the chats administrator (bars) as staff. */
static int vconf_takes_from_chat(struct app *app, const struct chatman_actor *a, int64_t chat,
				 enum vconf_kind kind, const char *chat_kind, json_t **out)
{
	json_t *people;
	int rc = vstore_chat_people(app->db, a->org, chat, &people);
	if (rc != PARTA_OK)
		return rc;
	*out = json_array();
	bool has_chats_admin = false;
	size_t i;
	json_t *row;
	json_array_foreach(people, i, row)
	{
		enum vconf_role role;
		if (!vconf_role_parse(json_string_value(json_object_get(row, "role")), &role) ||
		    !vconf_takes(kind, chat_kind, role))
			continue;
		if (json_integer_value(json_object_get(row, "person_id")) == a->chats_admin)
			has_chats_admin = true;
		json_array_append(*out, row);
	}
	json_decref(people);
	if (a->chats_admin != 0 && !has_chats_admin)
		json_array_append_new(*out, json_pack("{s:I,s:s,s:i}", "person_id",
						      (json_int_t)a->chats_admin, "role", "staff",
						      "admin", 0));
	return PARTA_OK;
}

/* Writes the members: those of `takes` that `chosen` names (all when NULL), with their
 * moderator flag. PARTA_EVALIDATION when `chosen` names someone the chat does not give. */
static int vconf_write_members(struct app *app, const struct chatman_actor *a,
			       const struct vstore_conf *c, int64_t lesson_teacher, json_t *takes,
			       json_t *chosen, struct vconf_why *why)
{
	size_t i, j;
	json_t *v, *row;
	if (chosen != NULL) {
		if (!json_is_array(chosen) || json_array_size(chosen) > 10000)
			return vconf__fail(why, PARTA_EVALIDATION, "validation",
					  "members: список идентификаторов участников");
		json_array_foreach(chosen, i, v)
		{
			bool found = false;
			json_array_foreach(takes, j, row) if (json_is_integer(v) &&
							      json_integer_value(json_object_get(
								      row, "person_id")) ==
								      json_integer_value(v)) found =
				true;
			if (!found)
				return vconf__fail(why, PARTA_EVALIDATION, "validation",
						  "members: участник не из выбранного чата");
		}
	}
	int rc = vstore_members_clear(app->db, c->id);
	json_array_foreach(takes, i, row)
	{
		if (rc != PARTA_OK)
			break;
		int64_t person = json_integer_value(json_object_get(row, "person_id"));
		bool wanted = chosen == NULL;
		json_array_foreach(chosen, j, v) if (json_integer_value(v) == person) wanted = true;
		if (!wanted)
			continue;
		const char *role_name = json_string_value(json_object_get(row, "role"));
		enum vconf_role role = VCONF_STUDENT;
		(void)vconf_role_parse(role_name, &role);
		bool moderator = vconf_moderator(
			role, person == c->created_by, person == lesson_teacher,
			json_integer_value(json_object_get(row, "admin")) != 0,
			person == a->chats_admin);
		rc = vstore_member_add(app->db, c->id, person, role_name, moderator);
	}
	return rc;
}

/* A random room number (below 2^53, so JavaScript reads it exactly), secret and pin. */
static void vconf_new_room(struct vstore_conf *c)
{
	uint64_t r;
	randombytes_buf(&r, sizeof r);
	c->room = (int64_t)((r & ((UINT64_C(1) << 52) - 1)) + 1);
	unsigned char raw[24];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(c->room_secret, sizeof c->room_secret, raw, 24);
	randombytes_buf(raw, 12);
	sodium_bin2hex(c->room_pin, sizeof c->room_pin, raw, 12);
}

/* ---- the registry ---- */

/* The chat of a new conference: the organisation's, not archived; its kind. */
static int vconf_chat_kind(struct app *app, int64_t org, int64_t chat, char kind[16],
			   struct vconf_why *why)
{
	json_t *row;
	int rc = chat > 0 ? cstore_chat(app->db, org, chat, &row) : PARTA_ENOTFOUND;
	if (rc == PARTA_ENOTFOUND)
		return vconf__fail(why, PARTA_EVALIDATION, "validation",
				  "Чат: выберите чат организации");
	if (rc != PARTA_OK)
		return rc;
	snprintf(kind, 16, "%s", json_string_value(json_object_get(row, "kind")));
	bool archived = json_integer_value(json_object_get(row, "archived_at")) != 0;
	json_decref(row);
	return archived ? vconf__fail(why, PARTA_EVALIDATION, "validation", "Чат в архиве") : PARTA_OK;
}

static int vconf_reply(struct app *app, const struct chatman_actor *a, int64_t id, json_t **out)
{
	return out != NULL ? vconf_get(app, a, id, out) : PARTA_OK;
}

/* Creates a conference with its members in the caller's transaction. */
static int vconf_insert_tx(struct app *app, const struct chatman_actor *a, struct vstore_conf *c,
			   int64_t lesson_teacher, const char *chat_kind, json_t *chosen,
			   struct vconf_why *why)
{
	enum vconf_kind kind = strcmp(c->kind, "call") == 0 ? VCONF_CALL : VCONF_LESSON;
	json_t *takes = NULL;
	vconf_new_room(c);
	int rc = vstore_insert(app->db, c, app_now(app), &c->id);
	if (rc == PARTA_ECONFLICT)
		return vconf__fail(why, PARTA_ECONFLICT, "exists",
				  "Для этого урока дистанционный урок уже создан");
	if (rc == PARTA_OK && c->chat_id != 0)
		rc = vconf_takes_from_chat(app, a, c->chat_id, kind, chat_kind, &takes);
	if (rc == PARTA_OK && takes != NULL)
		rc = vconf_write_members(app, a, c, lesson_teacher, takes, chosen, why);
	json_decref(takes);
	return rc;
}

int vconf__commit(struct app *app, int rc)
{
	return rc == PARTA_OK ? db_commit(app->db) : (db_rollback(app->db), rc);
}

int vconf_create(struct app *app, const struct chatman_actor *a, json_t *body, json_t **out,
		 struct vconf_why *why)
{
	struct vstore_conf c = {.org = a->org, .created_by = a->perm.person};
	enum vconf_kind kind;
	if (!vconf_kind_parse(json_string_value(json_object_get(body, "kind")), &kind))
		return vconf__fail(why, PARTA_EVALIDATION, "validation",
				  "Тип: «Онлайн-урок» (lesson) или «Видеозвонок» (call)");
	snprintf(c.kind, sizeof c.kind, "%s", vconf_kind_name(kind));
	json_t *chat = json_object_get(body, "chat_id"), *lesson = json_object_get(body, "lesson_id");
	c.chat_id = json_is_integer(chat) ? json_integer_value(chat) : 0;
	c.lesson_id = json_is_integer(lesson) ? json_integer_value(lesson) : 0;
	if ((lesson != NULL && !json_is_null(lesson) && c.lesson_id <= 0))
		return vconf__fail(why, PARTA_EVALIDATION, "validation", "Урок: идентификатор урока");
	char chat_kind[16];
	int rc = vconf_chat_kind(app, a->org, c.chat_id, chat_kind, why);
	if (rc != PARTA_OK)
		return rc;
	const char *rule = vconf_lesson_rule(kind, chat_kind, c.lesson_id != 0);
	if (rule != NULL)
		return vconf__fail(why, PARTA_EVALIDATION, "validation", rule);
	bool may;
	if ((rc = vconf_may_edit_chat(app, a, c.chat_id, &may)) != PARTA_OK)
		return rc;
	if (!may)
		return vconf__fail(why, PARTA_EFORBIDDEN, "forbidden",
				  "Видеоконференцию в этом чате может создать тот, кто управляет "
				  "чатом");

	/* Date and times default to the lesson's; the name of an online lesson too. */
	json_t *l = NULL;
	if (c.lesson_id != 0 && (rc = vstore_lesson(app->db, a->org, c.lesson_id, &l)) != PARTA_OK)
		return rc == PARTA_ENOTFOUND ? vconf__fail(why, PARTA_EVALIDATION, "validation",
							  "Урок: не найден в расписании")
					     : rc;
	const char *date = json_string_value(json_object_get(body, "date"));
	const char *start = json_string_value(json_object_get(body, "start"));
	const char *end = json_string_value(json_object_get(body, "end"));
	const char *name = json_string_value(json_object_get(body, "name"));
	if (l != NULL) {
		date = date ? date : json_string_value(json_object_get(l, "date"));
		start = start ? start : json_string_value(json_object_get(l, "start"));
		end = end ? end : json_string_value(json_object_get(l, "end"));
	}
	char default_name[400];
	if ((name == NULL || name[0] == '\0') && l != NULL &&
	    vconf_default_name(json_string_value(json_object_get(l, "subject_name")),
			       json_string_value(json_object_get(l, "date")),
			       json_string_value(json_object_get(l, "start")), default_name,
			       sizeof default_name))
		name = default_name;
	int64_t teacher = l != NULL ? json_integer_value(json_object_get(l, "teacher_id")) : 0;
	rc = vconf_times(app, a->org, date, start, end, &c.starts_at, &c.ends_at, why);
	json_decref(l);
	if (rc != PARTA_OK)
		return rc;
	if (!vconf_name_valid(name))
		return vconf__fail(why, PARTA_EVALIDATION, "validation",
				  "Наименование: от 1 до 200 символов");
	snprintf(c.name, sizeof c.name, "%s", name);
	if (c.ends_at <= app_now(app))
		return vconf__fail(why, PARTA_EVALIDATION, "ended",
				  "Время окончания уже прошло");
	if ((rc = db_begin(app->db)) != PARTA_OK)
		return rc;
	rc = vconf__commit(app, vconf_insert_tx(app, a, &c, teacher, chat_kind,
						  json_object_get(body, "members"), why));
	return rc == PARTA_OK ? vconf_reply(app, a, c.id, out) : rc;
}

static int vconf_load_managed(struct app *app, const struct chatman_actor *a, int64_t id,
			      struct vstore_conf *c, struct vconf_why *why)
{
	int rc = vstore_load(app->db, a->org, id, c);
	bool may = false;
	if (rc == PARTA_OK)
		rc = vconf_may_manage(app, a, c, &may);
	if (rc != PARTA_OK || may)
		return rc;
	/* A member learns they may not; anyone else, that there is no such conference. */
	bool moderator;
	rc = a->perm.person != 0 ? vstore_member(app->db, id, a->perm.person, &moderator)
				 : PARTA_ENOTFOUND;
	if (rc == PARTA_ENOTFOUND)
		return vconf__fail(why, rc, "not_found", "Видеоконференция не найдена");
	return rc != PARTA_OK ? rc
			      : vconf__fail(why, PARTA_EFORBIDDEN, "forbidden",
					   "Недостаточно прав для этой видеоконференции");
}

int vconf_update(struct app *app, const struct chatman_actor *a, int64_t id, json_t *body,
		 json_t **out, struct vconf_why *why)
{
	struct vstore_conf c;
	int rc = vconf_load_managed(app, a, id, &c, why);
	if (rc != PARTA_OK)
		return rc;
	if (strcmp(c.state, "finished") == 0)
		return vconf__fail(why, PARTA_ECONFLICT, "finished", "Видеоконференция завершена");
	bool planned = strcmp(c.state, "planned") == 0;
	const char *name = json_string_value(json_object_get(body, "name"));
	if (name != NULL) {
		if (!vconf_name_valid(name))
			return vconf__fail(why, PARTA_EVALIDATION, "validation",
					  "Наименование: от 1 до 200 символов");
		snprintf(c.name, sizeof c.name, "%s", name);
	}
	json_t *members = json_object_get(body, "members");
	bool times = json_object_get(body, "date") || json_object_get(body, "start") ||
		     json_object_get(body, "end");
	if (!planned && (members != NULL || json_object_get(body, "date") ||
			 json_object_get(body, "start")))
		return vconf__fail(why, PARTA_ECONFLICT, "active",
				  "Идёт видеоконференция: можно изменить только наименование и время "
				  "окончания");
	if (times) {
		json_t *cur;
		if ((rc = vstore_get(app->db, a->org, id, &cur)) != PARTA_OK)
			return rc;
		if ((rc = vconf_local_fields_of(app, a->org, cur)) != PARTA_OK) {
			json_decref(cur);
			return rc;
		}
		const char *keys[] = {"date", "start", "end"};
		const char *v[3];
		for (int i = 0; i < 3; i++) {
			json_t *given = json_object_get(body, keys[i]);
			v[i] = given != NULL ? json_string_value(given)
					     : json_string_value(json_object_get(cur, keys[i]));
		}
		rc = vconf_times(app, a->org, v[0], v[1], v[2], &c.starts_at, &c.ends_at, why);
		json_decref(cur);
		if (rc != PARTA_OK)
			return rc;
		if (c.ends_at <= app_now(app))
			return vconf__fail(why, PARTA_EVALIDATION, "ended",
					  "Время окончания уже прошло");
	}
	if ((rc = db_begin(app->db)) != PARTA_OK)
		return rc;
	rc = vstore_update(app->db, &c);
	if (rc == PARTA_OK && members != NULL) {
		char chat_kind[16];
		json_t *takes = NULL, *l = NULL;
		enum vconf_kind kind = strcmp(c.kind, "call") == 0 ? VCONF_CALL : VCONF_LESSON;
		rc = vconf_chat_kind(app, a->org, c.chat_id, chat_kind, why);
		if (rc == PARTA_OK && c.lesson_id != 0)
			rc = vstore_lesson(app->db, a->org, c.lesson_id, &l);
		if (rc == PARTA_OK)
			rc = vconf_takes_from_chat(app, a, c.chat_id, kind, chat_kind, &takes);
		if (rc == PARTA_OK)
			rc = vconf_write_members(
				app, a, &c, json_integer_value(json_object_get(l, "teacher_id")),
				takes, members, why);
		json_decref(takes);
		json_decref(l);
	}
	rc = vconf__commit(app, rc);
	return rc == PARTA_OK ? vconf_reply(app, a, id, out) : rc;
}

int vconf_delete(struct app *app, const struct chatman_actor *a, int64_t id,
		 struct vconf_why *why)
{
	struct vstore_conf c;
	int rc = vconf_load_managed(app, a, id, &c, why);
	if (rc != PARTA_OK)
		return rc;
	if (strcmp(c.state, "active") == 0)
		return vconf__fail(why, PARTA_ECONFLICT, "active",
				  "Идёт видеоконференция: сначала завершите её");
	return vstore_delete(app->db, a->org, id);
}

int vconf_start_now(struct app *app, const struct chatman_actor *a, int64_t id,
		    struct vconf_why *why)
{
	struct vstore_conf c;
	int rc = vconf_load_managed(app, a, id, &c, why);
	if (rc != PARTA_OK)
		return rc;
	if (strcmp(c.state, "planned") != 0)
		return vconf__fail(why, PARTA_ECONFLICT, c.state,
				  strcmp(c.state, "active") == 0 ? "Видеоконференция уже идёт"
								 : "Видеоконференция завершена");
	/* Brought forward: the next tick (the caller runs one) starts it. */
	c.starts_at = app_now(app);
	return vstore_update(app->db, &c);
}

int vconf_end_now(struct app *app, const struct chatman_actor *a, int64_t id,
		  struct vconf_why *why)
{
	struct vstore_conf c;
	int rc = vconf_load_managed(app, a, id, &c, why);
	if (rc != PARTA_OK)
		return rc;
	if (strcmp(c.state, "finished") == 0)
		return vconf__fail(why, PARTA_ECONFLICT, "finished", "Видеоконференция уже завершена");
	int64_t now = app_now(app);
	if (c.starts_at > now)
		c.starts_at = now;
	c.ends_at = now; /* the next tick (the caller runs one) finishes it */
	return vstore_update(app->db, &c);
}

int vconf_chat_people(struct app *app, const struct chatman_actor *a, int64_t chat,
		      const char *kind_name, json_t **out, struct vconf_why *why)
{
	enum vconf_kind kind;
	if (!vconf_kind_parse(kind_name, &kind))
		return vconf__fail(why, PARTA_EVALIDATION, "validation", "kind: lesson или call");
	char chat_kind[16];
	int rc = vconf_chat_kind(app, a->org, chat, chat_kind, why);
	bool may = false;
	if (rc == PARTA_OK)
		rc = vconf_may_edit_chat(app, a, chat, &may);
	if (rc != PARTA_OK)
		return rc;
	if (!may)
		return vconf__fail(why, PARTA_EFORBIDDEN, "forbidden", "Недостаточно прав для чата");
	json_t *takes, *ids = json_array(), *named = NULL, *row;
	if ((rc = vconf_takes_from_chat(app, a, chat, kind, chat_kind, &takes)) != PARTA_OK) {
		json_decref(ids);
		return rc;
	}
	size_t i;
	json_array_foreach(takes, i, row)
		json_array_append(ids, json_object_get(row, "person_id"));
	json_decref(takes);
	rc = people_named(app->db, a->org, ids, &named);
	json_decref(ids);
	if (rc != PARTA_OK)
		return rc;
	*out = json_pack("{s:{s:I,s:s},s:o}", "chat", "id", (json_int_t)chat, "kind", chat_kind,
			 "members", named);
	return *out != NULL ? PARTA_OK : PARTA_ENOMEM;
}

/* ---- the class journal ---- */

/* The school quarter of a date («2 четверть»): September–October the first, November–December
 * the second, January–March the third, April–August the fourth. */
static int vconf_quarter(const char *date)
{
	int month = atoi(date + 5);
	return month >= 9 && month <= 10 ? 1 : month >= 11 ? 2 : month <= 3 ? 3 : 4;
}

static int vconf_teaches_lesson(struct app *app, const struct chatman_actor *a, json_t *l,
				bool *out)
{
	*out = false;
	if (!a->perm.staff || a->perm.person == 0)
		return PARTA_OK;
	if (json_integer_value(json_object_get(l, "teacher_id")) == a->perm.person) {
		*out = true;
		return PARTA_OK;
	}
	return vstore_teaches(app->db, a->org, json_integer_value(json_object_get(l, "class_id")),
			      json_integer_value(json_object_get(l, "subject_id")), a->perm.person,
			      out);
}

int vconf_lesson_page(struct app *app, const struct chatman_actor *a, int64_t lesson,
		      json_t **out)
{
	if (!a->perm.staff)
		return PARTA_EFORBIDDEN;
	json_t *l;
	int rc = vstore_lesson(app->db, a->org, lesson, &l);
	if (rc != PARTA_OK)
		return rc;
	bool teaches;
	int64_t starts = 0, ends = 0;
	if ((rc = vconf_teaches_lesson(app, a, l, &teaches)) == PARTA_OK)
		rc = vconf_lesson_span(app, a->org, l, &starts, &ends);
	struct vstore_conf c;
	json_t *distance = json_null();
	int found = rc == PARTA_OK ? vstore_by_lesson(app->db, a->org, lesson, &c) : rc;
	if (found == PARTA_OK) {
		json_decref(distance);
		rc = vconf_get(app, a, c.id, &distance);
		if (rc == PARTA_ENOTFOUND) /* another teacher's, not shared with this one */
			rc = PARTA_OK, distance = json_null();
	} else if (found != PARTA_ENOTFOUND) {
		rc = found;
	}
	char name[400] = "";
	(void)vconf_default_name(json_string_value(json_object_get(l, "subject_name")),
				 json_string_value(json_object_get(l, "date")),
				 json_string_value(json_object_get(l, "start")), name, sizeof name);
	if (rc != PARTA_OK) {
		json_decref(l);
		json_decref(distance);
		return rc;
	}
	json_object_set_new(l, "period", json_integer(vconf_quarter(json_string_value(
						  json_object_get(l, "date")))));
	bool ended = app_now(app) >= ends;
	*out = json_pack("{s:o,s:o,s:{s:b,s:b},s:s}", "lesson", l, "distance", distance, "can",
			 "create",
			 vconf_lesson_create_check(teaches, ends, app_now(app)) == VCONF_CREATE_OK &&
				 found == PARTA_ENOTFOUND,
			 "ended", ended, "default_name", name);
	return *out != NULL ? PARTA_OK : PARTA_ENOMEM;
}

int vconf_lesson_create(struct app *app, const struct chatman_actor *a, int64_t lesson,
			json_t *body, json_t **out, struct vconf_why *why)
{
	json_t *l;
	int rc = vstore_lesson(app->db, a->org, lesson, &l);
	if (rc != PARTA_OK)
		return rc;
	bool teaches;
	int64_t starts = 0, ends = 0;
	if ((rc = vconf_teaches_lesson(app, a, l, &teaches)) == PARTA_OK)
		rc = vconf_lesson_span(app, a->org, l, &starts, &ends);
	if (rc != PARTA_OK) {
		json_decref(l);
		return rc;
	}
	switch (vconf_lesson_create_check(teaches, ends, app_now(app))) {
	case VCONF_CREATE_NOT_TEACHER:
		json_decref(l);
		return vconf__fail(why, PARTA_EFORBIDDEN, "forbidden",
				  "Дистанционный урок может создать только учитель этого предмета");
	case VCONF_CREATE_ENDED:
		json_decref(l);
		return vconf__fail(why, PARTA_ECONFLICT, "ended", "Урок завершился");
	default: break;
	}
	struct vstore_conf c = {.org = a->org,
				.created_by = a->perm.person,
				.lesson_id = lesson,
				.starts_at = starts,
				.ends_at = ends};
	snprintf(c.kind, sizeof c.kind, "lesson");
	const char *name = json_string_value(json_object_get(body, "name"));
	if (name == NULL &&
	    !vconf_default_name(json_string_value(json_object_get(l, "subject_name")),
				json_string_value(json_object_get(l, "date")),
				json_string_value(json_object_get(l, "start")), c.name,
				sizeof c.name))
		rc = PARTA_EIO;
	else if (name != NULL && !vconf_name_valid(name))
		rc = vconf__fail(why, PARTA_EVALIDATION, "validation",
				"Наименование урока: от 1 до 200 символов");
	else if (name != NULL)
		snprintf(c.name, sizeof c.name, "%s", name);
	int64_t load = json_integer_value(json_object_get(l, "load_id"));
	int64_t teacher = json_integer_value(json_object_get(l, "teacher_id"));
	json_decref(l);
	/* The lesson's subject chat (made on demand when missing) gives the members. */
	if (rc == PARTA_OK && load == 0)
		rc = vconf__fail(why, PARTA_ECONFLICT, "no_load",
				"Нет учебной нагрузки для этого урока: чат предмета не найден");
	if (rc == PARTA_OK)
		rc = chatsync_ensure_subject(app, a->org, load, &c.chat_id);
	if (rc != PARTA_OK)
		return rc;
	if ((rc = db_begin(app->db)) != PARTA_OK)
		return rc;
	rc = vconf__commit(app, vconf_insert_tx(app, a, &c, teacher, "subject", NULL, why));
	return rc == PARTA_OK ? vconf_reply(app, a, c.id, out) : rc;
}

int vconf_diary(struct app *app, const struct chatman_actor *a, int64_t student,
		const char *date, json_t **out)
{
	json_t *students;
	int rc = vstore_diary_students(app->db, a->org, a->perm.person, &students);
	if (rc != PARTA_OK)
		return rc;
	if (student == 0) /* the caller themself, or their first child */
		student = json_integer_value(json_object_get(json_array_get(students, 0), "id"));
	char relation = 0;
	rc = student != 0 ? vstore_student_relation(app->db, a->org, student, a->perm.person,
						    &relation)
			  : PARTA_OK;
	if (rc != PARTA_OK || (relation == 0 && !vconf_manager(a)) || student == 0) {
		json_decref(students);
		return rc != PARTA_OK ? rc : PARTA_ENOTFOUND;
	}
	if (!timetable_date_valid(date)) {
		json_decref(students);
		return PARTA_EVALIDATION;
	}
	/* Monday to Sunday around the date (1970-01-01 was a Thursday). */
	int64_t days = tzif_days_from_civil(atoi(date), atoi(date + 5), atoi(date + 8));
	int64_t monday = days - (days + 3) % 7;
	char from[11], to[11], hhmm[6];
	struct tzif utc = {0}; /* no transitions: offset 0 */
	tzif_local_parts(&utc, monday * 86400, from, hhmm);
	tzif_local_parts(&utc, (monday + 6) * 86400, to, hhmm);
	json_t *rows;
	if ((rc = vstore_diary(app->db, a->org, student, a->perm.person, from, to, &rows)) !=
	    PARTA_OK) {
		json_decref(students);
		return rc;
	}
	int64_t now = app_now(app);
	json_t *dayv = json_array(), *day = NULL;
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		const char *ldate = json_string_value(json_object_get(row, "date"));
		if (day == NULL ||
		    strcmp(json_string_value(json_object_get(day, "date")), ldate) != 0) {
			day = json_pack("{s:s,s:[]}", "date", ldate, "lessons");
			json_array_append_new(dayv, day);
		}
		json_t *distance = json_null();
		if (json_is_integer(json_object_get(row, "distance_id"))) {
			enum vconf_state state = VCONF_PLANNED;
			(void)vconf_state_parse(
				json_string_value(json_object_get(row, "distance_state")), &state);
			bool open = vconf_open_check(state,
						     json_integer_value(json_object_get(
							     row, "distance_starts_at")),
						     json_integer_value(json_object_get(
							     row, "distance_ends_at")),
						     now) == VCONF_OPEN_OK;
			distance = json_pack(
				"{s:O,s:O,s:b}", "id", json_object_get(row, "distance_id"), "state",
				json_object_get(row, "distance_state"), "can_join",
				open && json_integer_value(json_object_get(row, "distance_member")));
		}
		json_array_append_new(
			json_object_get(day, "lessons"),
			json_pack("{s:O,s:O,s:O,s:O,s:O,s:o}", "id", json_object_get(row, "id"),
				  "start", json_object_get(row, "start"), "end",
				  json_object_get(row, "end"), "subject_name",
				  json_object_get(row, "subject_name"), "topic",
				  json_object_get(row, "topic"), "distance", distance));
	}
	json_decref(rows);
	*out = json_pack("{s:I,s:o,s:{s:s,s:s},s:o}", "student_id", (json_int_t)student,
			 "students", students, "week", "from", from, "to", to, "days", dayv);
	return *out != NULL ? PARTA_OK : PARTA_ENOMEM;
}

