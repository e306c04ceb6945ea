/* call.c — presence, attendance, signals, moderation and participants of a conference's call
 * (call.h). */
#include "call.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/utf8.h"
#include "../core/vconf.h"
#include "../util/log.h"
#include "media.h"

const char *const call_reactions[] = {"👍", "👏", "❤️", "😂", "😮", "🎉", "🤔", "👎"};
const size_t call_nreactions = sizeof call_reactions / sizeof call_reactions[0];

#define CALL_STR_(x) #x
#define CALL_STR(x) CALL_STR_(x)
#define CALL_STALE_TEXT CALL_STR(CALL_STALE_SECONDS)

/* A person's full name: «Фамилия Имя Отчество» (no trailing space without a patronymic). */
#define CALL_NAME "rtrim(p.surname || ' ' || p.first_name || ' ' || p.patronymic)"
/* People sorted as readers expect (core/utf8.h utf8_natural_key). */
#define CALL_BY_NAME "natkey(p.surname), natkey(p.first_name), natkey(p.patronymic), m.person_id"

static int call_fail(struct call_why *why, int rc, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int call_fail(struct call_why *why, int rc, const char *code, const char *fmt, ...)
{
	snprintf(why->code, sizeof why->code, "%s", code);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why->text, sizeof why->text, fmt, ap);
	va_end(ap);
	return rc;
}

static int call_internal(struct call_why *why)
{
	return call_fail(why, PARTA_EIO, "internal", "Внутренняя ошибка сервера");
}

/* ---- the conference as the caller sees it ---- */

struct call_conf {
	char state[12];
	int64_t starts_at, ends_at, finished_at;
	uint64_t room;
	char secret[128];
	bool room_ready;
	bool member, moderator;
};

/* The conference `id` of the caller's organisation, with the caller's membership. */
static int call_load(struct app *app, const struct account *who, int64_t id, struct call_conf *c,
		     struct call_why *why)
{
	memset(c, 0, sizeof *c);
	sqlite3_stmt *st = db_stmt(
		app->db, "SELECT c.state, c.ends_at, c.finished_at, c.room, c.room_secret, "
			 "c.room_ready, m.person_id IS NOT NULL, coalesce(m.moderator, 0), "
			 "c.starts_at "
			 "FROM conferences c LEFT JOIN conference_members m ON "
			 "m.conference_id = c.id AND m.person_id = ?3 "
			 "WHERE c.id = ?1 AND c.org_id = ?2");
	if (st == NULL)
		return call_internal(why);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, who->org_id);
	sqlite3_bind_int64(st, 3, who->person_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(c->state, sizeof c->state, "%s", (const char *)sqlite3_column_text(st, 0));
		c->ends_at = sqlite3_column_int64(st, 1);
		c->finished_at = sqlite3_column_int64(st, 2);
		c->room = (uint64_t)sqlite3_column_int64(st, 3);
		snprintf(c->secret, sizeof c->secret, "%s", (const char *)sqlite3_column_text(st, 4));
		c->room_ready = sqlite3_column_int(st, 5) != 0;
		c->member = who->person_id != 0 && sqlite3_column_int(st, 6) != 0;
		c->moderator = c->member && sqlite3_column_int(st, 7) != 0;
		c->starts_at = sqlite3_column_int64(st, 8);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return call_fail(why, PARTA_ENOTFOUND, "not_found", "Видеоконференция не найдена");
	return rc == SQLITE_ROW ? PARTA_OK : call_internal(why);
}

/* A member's conference (PARTA_EFORBIDDEN for others). */
static int call_load_member(struct app *app, const struct account *who, int64_t id,
			    struct call_conf *c, struct call_why *why)
{
	int rc = call_load(app, who, id, c, why);
	if (rc == PARTA_OK && !c->member)
		return call_fail(why, PARTA_EFORBIDDEN, "forbidden",
				 "Вы не участник этой видеоконференции");
	return rc;
}

/* PARTA_OK while the call runs (core/vconf.h, the rule joining follows too). */
static int call_running(const struct call_conf *c, int64_t now, struct call_why *why)
{
	enum vconf_state state = VCONF_FINISHED;
	(void)vconf_state_parse(c->state, &state);
	switch (vconf_open_check(state, c->starts_at, c->ends_at, now)) {
	case VCONF_OPEN_NOT_STARTED:
		return call_fail(why, PARTA_ECONFLICT, "not_started",
				 "Дистанционный урок еще не начался");
	case VCONF_OPEN_FINISHED:
		return call_fail(why, PARTA_ECONFLICT, "finished", "Звонок завершен");
	default: return PARTA_OK;
	}
}

/* The person's full name into out ("" when unknown). */
static void call_person_name(struct app *app, int64_t person, char *out, size_t len)
{
	out[0] = '\0';
	sqlite3_stmt *st = db_stmt(app->db, "SELECT " CALL_NAME " FROM persons p WHERE p.id = ?");
	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1, person);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
}

void call_tell(struct app *app, int64_t conference, int64_t only, json_t *ev)
{
	char *text = ev != NULL ? json_dumps(ev, JSON_COMPACT) : NULL;
	json_decref(ev);
	if (text == NULL || app->publish == NULL) {
		free(text);
		return;
	}
	if (only != 0) {
		app->publish(app->publish_ctx, only, text);
		free(text);
		return;
	}
	sqlite3_stmt *st = db_stmt(app->db, "SELECT person_id FROM conference_members "
					    "WHERE conference_id = ?");
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, conference);
		while (sqlite3_step(st) == SQLITE_ROW)
			app->publish(app->publish_ctx, sqlite3_column_int64(st, 0), text);
		sqlite3_reset(st);
	}
	free(text);
}

/* ---- presence and attendance ---- */

/* Closes the open stays of one person (all of them, should there be several) or, for person
 * 0, of everyone, at `at` or, for a stale one, when last seen. *closed tells whether there
 * was one. */
static int call_close_stays(struct app *app, int64_t conference, int64_t person, int64_t at,
			    bool *closed)
{
	sqlite3_stmt *st = db_stmt(
		app->db, "UPDATE conference_attendance SET left_at = max(joined_at, CASE WHEN "
			 "seen_at < ?3 - " CALL_STALE_TEXT " THEN seen_at ELSE ?3 END) "
			 "WHERE conference_id = ?1 AND (?2 = 0 OR person_id = ?2) AND left_at = 0");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, conference);
	sqlite3_bind_int64(st, 2, person);
	sqlite3_bind_int64(st, 3, at);
	int rc = db_step_done(st);
	*closed = rc == PARTA_OK && sqlite3_changes(db_handle(app->db)) > 0;
	return rc;
}

/* Refreshes the open stay seen recently; *fresh false when there is none. */
static int call_refresh_stay(struct app *app, int64_t conference, int64_t person, int64_t now,
			     bool *fresh)
{
	sqlite3_stmt *st = db_stmt(
		app->db, "UPDATE conference_attendance SET seen_at = ?3 WHERE conference_id = ?1 "
			 "AND person_id = ?2 AND left_at = 0 AND seen_at >= ?3 - " CALL_STALE_TEXT);
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, conference);
	sqlite3_bind_int64(st, 2, person);
	sqlite3_bind_int64(st, 3, now);
	int rc = db_step_done(st);
	*fresh = rc == PARTA_OK && sqlite3_changes(db_handle(app->db)) > 0;
	return rc;
}

/* Opens a stay at `now` (one closed within this same second is opened again). */
static int call_open_stay(struct app *app, int64_t conference, int64_t person, int64_t now)
{
	sqlite3_stmt *st = db_stmt(
		app->db, "INSERT INTO conference_attendance(conference_id, person_id, joined_at, "
			 "seen_at) VALUES (?1, ?2, ?3, ?3) ON CONFLICT(conference_id, person_id, "
			 "joined_at) DO UPDATE SET seen_at = excluded.seen_at, left_at = 0");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, conference);
	sqlite3_bind_int64(st, 2, person);
	sqlite3_bind_int64(st, 3, now);
	return db_step_done(st);
}

/* Inside the transaction: the stays changed; *changed when the person came or went. */
static int call_presence_apply(struct app *app, const struct account *who, int64_t conference,
			       bool in, bool *changed, struct call_why *why)
{
	struct call_conf c;
	int64_t now = app_now(app);
	int rc = call_load_member(app, who, conference, &c, why);
	if (rc == PARTA_OK && in)
		rc = call_running(&c, now, why);
	if (rc != PARTA_OK)
		return rc;
	bool fresh = false, closed = false;
	if (in)
		rc = call_refresh_stay(app, conference, who->person_id, now, &fresh);
	if (rc == PARTA_OK && !fresh) /* out, or in after a stale stay or none */
		rc = call_close_stays(app, conference, who->person_id, now, &closed);
	if (rc == PARTA_OK && in && !fresh)
		rc = call_open_stay(app, conference, who->person_id, now);
	*changed = in ? !fresh : closed;
	return rc == PARTA_OK ? PARTA_OK : call_internal(why);
}

int call_presence(struct app *app, const struct account *who, int64_t conference, bool in,
		  struct call_why *why)
{
	bool changed = false;
	if (db_begin(app->db) != PARTA_OK)
		return call_internal(why);
	int rc = call_presence_apply(app, who, conference, in, &changed, why);
	if (rc == PARTA_OK && db_commit(app->db) != PARTA_OK)
		rc = call_internal(why);
	else if (rc != PARTA_OK)
		db_rollback(app->db);
	if (rc == PARTA_OK && changed)
		call_tell(app, conference, 0,
			  json_pack("{s:s,s:I,s:I,s:b}", "type", "conf.presence", "conference_id",
				    (json_int_t)conference, "person_id",
				    (json_int_t)who->person_id, "online", in));
	return rc;
}

int call_finish(struct app *app, int64_t conference, int64_t at)
{
	bool closed;
	return call_close_stays(app, conference, 0, at, &closed) == PARTA_OK ? PARTA_OK : PARTA_EIO;
}

/* ---- signals ---- */

static bool call_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

static int call_signal_valid(const char *kind, const char *value, struct call_why *why)
{
	if (kind == NULL || value == NULL)
		return call_fail(why, PARTA_EVALIDATION, "validation",
				 "Укажите kind (hand, reaction, chat) и value");
	if (strcmp(kind, "hand") == 0) {
		if (strcmp(value, "up") == 0 || strcmp(value, "down") == 0)
			return PARTA_OK;
		return call_fail(why, PARTA_EVALIDATION, "validation", "Рука: value up или down");
	}
	if (strcmp(kind, "reaction") == 0) {
		for (size_t i = 0; i < call_nreactions; i++)
			if (strcmp(value, call_reactions[i]) == 0)
				return PARTA_OK;
		return call_fail(why, PARTA_EVALIDATION, "validation", "Такой реакции нет");
	}
	if (strcmp(kind, "chat") == 0) {
		size_t len = strlen(value);
		if (!utf8_valid_text(value, len) || call_blank(value) ||
		    utf8_length(value, len) > CALL_CHAT_MAX_CHARS)
			return call_fail(why, PARTA_EVALIDATION, "validation",
					 "Сообщение: текст от 1 до %d символов", CALL_CHAT_MAX_CHARS);
		return PARTA_OK;
	}
	return call_fail(why, PARTA_EVALIDATION, "validation",
			 "kind: hand, reaction или chat");
}

int call_signal(struct app *app, const struct account *who, int64_t conference,
		const char *kind, const char *value, struct call_why *why)
{
	struct call_conf c;
	int64_t now = app_now(app);
	int rc = call_signal_valid(kind, value, why);
	if (rc == PARTA_OK)
		rc = call_load_member(app, who, conference, &c, why);
	if (rc == PARTA_OK)
		rc = call_running(&c, now, why);
	if (rc != PARTA_OK)
		return rc;
	char name[256];
	call_person_name(app, who->person_id, name, sizeof name);
	call_tell(app, conference, 0,
		  json_pack("{s:s,s:I,s:I,s:s,s:s,s:s,s:I}", "type", "conf.signal",
			    "conference_id", (json_int_t)conference, "person_id",
			    (json_int_t)who->person_id, "name", name, "kind", kind, "value", value,
			    "at", (json_int_t)now));
	return PARTA_OK;
}

/* ---- moderation ---- */

static bool call_mid_valid(const char *mid)
{
	size_t len = mid != NULL ? strlen(mid) : 0;
	if (len == 0 || len > CALL_MID_MAX)
		return false;
	for (const char *p = mid; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return false;
	return true;
}

/* The member's newest grant's feed: PARTA_ENOTFOUND for a non-member, PARTA_ECONFLICT
 * (feed 0) for a member who never joined. */
static int call_target_feed(struct app *app, int64_t conference, int64_t person, uint64_t *feed)
{
	*feed = 0;
	sqlite3_stmt *st = db_stmt(
		app->db, "SELECT (SELECT g.feed FROM conference_grants g WHERE g.conference_id = "
			 "m.conference_id AND g.person_id = m.person_id ORDER BY g.created_at DESC, "
			 "g.rowid DESC LIMIT 1) FROM conference_members m WHERE m.conference_id = ?1 "
			 "AND m.person_id = ?2");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_int64(st, 1, conference);
	sqlite3_bind_int64(st, 2, person);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*feed = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? PARTA_ENOTFOUND : PARTA_EIO;
	return *feed != 0 ? PARTA_OK : PARTA_ECONFLICT;
}

int call_moderate_begin(struct app *app, const struct account *who, int64_t conference,
			int64_t target, const char *mid, bool mute, struct call_moderate_job *job,
			struct call_why *why)
{
	memset(job, 0, sizeof *job);
	if (target <= 0 || !call_mid_valid(mid))
		return call_fail(why, PARTA_EVALIDATION, "validation",
				 "Укажите person_id участника и mid потока (до %d символов "
				 "[A-Za-z0-9_-])",
				 CALL_MID_MAX);
	struct call_conf c;
	int rc = call_load_member(app, who, conference, &c, why);
	if (rc == PARTA_OK && !c.moderator)
		rc = call_fail(why, PARTA_EFORBIDDEN, "forbidden",
			       "Выключать микрофон и камеру участников может только модератор");
	if (rc == PARTA_OK)
		rc = call_running(&c, app_now(app), why);
	if (rc == PARTA_OK && (app->media == NULL || !c.room_ready))
		rc = call_fail(why, PARTA_EUNAVAILABLE, "media_unavailable",
			       "Сервер видеосвязи недоступен. Попробуйте позже.");
	if (rc != PARTA_OK)
		return rc;
	rc = call_target_feed(app, conference, target, &job->feed);
	if (rc == PARTA_ENOTFOUND)
		return call_fail(why, rc, "not_found", "Участник не найден");
	if (rc == PARTA_ECONFLICT)
		return call_fail(why, rc, "not_joined", "Участник еще не подключался к звонку");
	if (rc != PARTA_OK)
		return call_internal(why);
	job->app = app;
	job->conference = conference;
	job->target = target;
	job->by = who->person_id;
	call_person_name(app, who->person_id, job->by_name, sizeof job->by_name);
	job->room = c.room;
	snprintf(job->secret, sizeof job->secret, "%s", c.secret);
	snprintf(job->mid, sizeof job->mid, "%s", mid);
	job->mute = mute;
	return PARTA_OK;
}

void call_moderate_run(struct call_moderate_job *job)
{
	job->rc = media_room_moderate(job->app->media, job->room, job->secret, job->feed,
				      job->mid, job->mute, job->media_why, sizeof job->media_why);
}

int call_moderate_finish(struct call_moderate_job *job, struct call_why *why)
{
	if (job->rc == PARTA_ENOTFOUND)
		return call_fail(why, PARTA_ECONFLICT, "not_in_call",
				 "Участник сейчас не в звонке");
	if (job->rc != PARTA_OK) {
		log_msg(LOG_WARN, "media", "moderate conference=%lld failed rc=%s why=\"%s\"",
			(long long)job->conference, parta_strerror(job->rc), job->media_why);
		return call_fail(why, PARTA_EUNAVAILABLE, "media_unavailable",
				 "Сервер видеосвязи недоступен. Попробуйте позже.");
	}
	call_tell(job->app, job->conference, job->target,
		  json_pack("{s:s,s:I,s:I,s:I,s:s,s:s,s:b}", "type", "conf.moderate",
			    "conference_id", (json_int_t)job->conference, "person_id",
			    (json_int_t)job->target, "by", (json_int_t)job->by, "by_name",
			    job->by_name, "mid", job->mid, "mute", job->mute));
	return PARTA_OK;
}

/* ---- lists ---- */

/* Integer columns 0/1 of every row turned into booleans. */
static void call_booleans(json_t *rows, const char *const *columns, size_t n)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		for (size_t k = 0; k < n; k++) {
			json_t *v = json_object_get(row, columns[k]);
			json_object_set_new(row, columns[k],
					    json_boolean(json_integer_value(v) != 0));
		}
	}
}

int call_participants(struct app *app, const struct account *who, int64_t conference,
		      json_t **out, struct call_why *why)
{
	*out = NULL;
	struct call_conf c;
	int rc = call_load_member(app, who, conference, &c, why);
	if (rc != PARTA_OK)
		return rc;
	static const char sql[] =
		"SELECT m.person_id, " CALL_NAME " AS name, m.role, m.moderator, EXISTS (SELECT 1 "
		"FROM conference_attendance a WHERE a.conference_id = m.conference_id AND "
		"a.person_id = m.person_id AND a.left_at = 0 AND a.seen_at >= ?2 - " CALL_STALE_TEXT
		") AS online, (SELECT g.feed FROM conference_grants g WHERE g.conference_id = "
		"m.conference_id AND g.person_id = m.person_id ORDER BY g.created_at DESC, g.rowid "
		"DESC LIMIT 1) AS feed FROM conference_members m JOIN persons p ON p.id = "
		"m.person_id WHERE m.conference_id = ?1 ORDER BY " CALL_BY_NAME;
	int64_t args[] = {conference, app_now(app)};
	json_t *rows = NULL;
	if (db_rows_json(app->db, sql, args, 2, &rows) != PARTA_OK)
		return call_internal(why);
	static const char *const flags[] = {"moderator", "online"};
	call_booleans(rows, flags, 2);
	*out = json_pack("{s:o,s:I}", "participants", rows, "person_id", (json_int_t)who->person_id);
	return *out != NULL ? PARTA_OK : call_internal(why);
}

int call_attendance(struct app *app, const struct account *who, int64_t conference,
		    json_t **out, struct call_why *why)
{
	*out = NULL;
	struct call_conf c;
	int rc = call_load(app, who, conference, &c, why);
	if (rc == PARTA_OK && !c.moderator && strcmp(who->role, "admin") != 0)
		rc = call_fail(why, PARTA_EFORBIDDEN, "forbidden",
			       "Посещаемость видят модераторы видеоконференции и администратор");
	if (rc != PARTA_OK)
		return rc;
	/* A finished conference counts up to its end (the scheduler may have finished it a
	 * little later), a running one up to now. */
	int64_t until = app_now(app);
	if (strcmp(c.state, "finished") == 0) {
		if (c.finished_at > 0 && c.finished_at < until)
			until = c.finished_at;
		if (c.ends_at < until)
			until = c.ends_at;
	}
	static const char sql[] =
		"WITH s AS (SELECT a.person_id, a.joined_at, CASE WHEN a.left_at > 0 THEN a.left_at "
		"WHEN a.seen_at < ?2 - " CALL_STALE_TEXT " THEN a.seen_at END AS ended, CASE WHEN "
		"a.left_at > 0 THEN a.left_at WHEN a.seen_at < ?2 - " CALL_STALE_TEXT " THEN "
		"a.seen_at ELSE ?2 END AS upto FROM conference_attendance a WHERE "
		"a.conference_id = ?1) "
		"SELECT m.person_id, " CALL_NAME " AS name, m.role, min(s.joined_at) AS "
		"first_joined_at, CASE WHEN count(s.joined_at) > count(s.ended) THEN NULL ELSE "
		"max(s.ended) END AS last_left_at, coalesce(sum(max(0, s.upto - s.joined_at)), 0) "
		"AS seconds, count(s.joined_at) AS stays FROM conference_members m JOIN persons p "
		"ON p.id = m.person_id LEFT JOIN s ON s.person_id = m.person_id WHERE "
		"m.conference_id = ?1 GROUP BY m.person_id, p.surname, p.first_name, p.patronymic, "
		"m.role ORDER BY " CALL_BY_NAME;
	int64_t args[] = {conference, until};
	json_t *rows = NULL;
	if (db_rows_json(app->db, sql, args, 2, &rows) != PARTA_OK)
		return call_internal(why);
	*out = json_pack("{s:o}", "attendance", rows);
	return *out != NULL ? PARTA_OK : call_internal(why);
}
