/* vconfrun.c — conferences while they run: joining (grants) and the scheduler that starts
 * and ends them, with the rooms' work for workers (app/vconf.h). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/vconf.h"
#include "../core/vec.h"
#include "../store/people.h"
#include "../store/vstore.h"
#include "../util/log.h"
#include "call.h"
#include "media.h"
#include "msg.h"
#include "vconf.h"
#include "vconf_int.h"

/* A grant must be used within this many seconds (the page asks for it right before joining). */
#define VCONF_GRANT_TTL 120
/* Transitions applied per tick and kind: a region's 08:00 burst is taken over a few ticks
 * rather than in one long loop pass. */
#define VCONF_TICK_BATCH 500

static void vconf_tell_state(struct app *app, int64_t conf, const char *state)
{
	call_tell(app, conf, 0,
		  json_pack("{s:s,s:I,s:s}", "type", "conf.state", "conference_id", (json_int_t)conf,
			    "state", state));
}

/* ---- joining ---- */

static int vconf_room_add(struct vconf_rooms *r, const struct vstore_conf *c,
			  enum vconf_room_op op);

int vconf_join_begin(struct app *app, const struct chatman_actor *a, int64_t id,
		     struct vconf_join *job, struct vconf_why *why)
{
	memset(job, 0, sizeof *job);
	struct vstore_conf c;
	int rc = vstore_load(app->db, a->org, id, &c);
	if (rc == PARTA_OK)
		rc = a->perm.person != 0
			     ? vstore_member(app->db, id, a->perm.person, &job->moderator)
			     : PARTA_ENOTFOUND;
	if (rc == PARTA_ENOTFOUND)
		return vconf__fail(why, PARTA_EFORBIDDEN, "forbidden",
				  "Вы не участник этой видеоконференции");
	if (rc != PARTA_OK)
		return rc;
	enum vconf_state state = VCONF_PLANNED;
	(void)vconf_state_parse(c.state, &state);
	switch (vconf_open_check(state, c.starts_at, c.ends_at, app_now(app))) {
	case VCONF_OPEN_NOT_STARTED:
		return vconf__fail(why, PARTA_ECONFLICT, "not_started",
				  strcmp(c.kind, "lesson") == 0 ? "Дистанционный урок еще не начался"
								: "Видеоконференция еще не началась");
	case VCONF_OPEN_FINISHED:
		return vconf__fail(why, PARTA_ECONFLICT, "finished", "Звонок завершен");
	default: break;
	}
	if (app->media == NULL || !c.room_ready)
		return vconf__fail(why, PARTA_EUNAVAILABLE, "media_unavailable",
				  "Сервер видеосвязи недоступен. Попробуйте позже.");
	if ((rc = vconf_room_add(&job->room, &c, VCONF_ROOM_ALLOW)) != PARTA_OK)
		return rc;
	unsigned char raw[24];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(job->room.v[0].token, sizeof job->room.v[0].token, raw, sizeof raw);
	uint64_t feed;
	randombytes_buf(&feed, sizeof feed);
	job->feed = (int64_t)((feed & ((UINT64_C(1) << 52) - 1)) + 1);
	job->org = a->org;
	job->person = a->perm.person;
	return PARTA_OK;
}

int vconf_join_finish(struct app *app, struct vconf_join *job, int rc, const char *mwhy,
		      json_t **out, struct vconf_why *why)
{
	const struct vconf_room *room = &job->room.v[0];
	if (rc != PARTA_OK) {
		log_msg(LOG_WARN, "vconf", "grant_failed conference=%lld rc=%s why=%s",
			(long long)room->conference, parta_strerror(rc), mwhy);
		/* Janus lost the room (it restarted): the next tick makes it again. */
		if (rc == PARTA_ENOTFOUND &&
		    vstore_room_result(app->db, room->conference, false, "room lost") != PARTA_OK)
			log_msg(LOG_ERROR, "vconf", "room_result_not_saved conference=%lld",
				(long long)room->conference);
		vconf_rooms_free(&job->room);
		return vconf__fail(why, PARTA_EUNAVAILABLE, "media_unavailable",
				  "Сервер видеосвязи недоступен. Попробуйте позже.");
	}
	int64_t now = app_now(app);
	rc = vstore_grant_insert(app->db, room->token, room->conference, job->person, job->feed,
				 now, now + VCONF_GRANT_TTL);
	json_t *conf = NULL, *person = NULL;
	if (rc == PARTA_OK)
		rc = vstore_get(app->db, job->org, room->conference, &conf);
	json_t *ids = json_pack("[I]", (json_int_t)job->person);
	if (rc == PARTA_OK)
		rc = people_named(app->db, job->org, ids, &person);
	json_decref(ids);
	if (rc == PARTA_OK && app->media == NULL)
		rc = PARTA_EUNAVAILABLE; /* cannot happen while the server runs; no URL to give */
	if (rc == PARTA_OK) {
		const char *display =
			json_string_value(json_object_get(json_array_get(person, 0), "name"));
		*out = json_pack("{s:O,s:s,s:I,s:s,s:s,s:I,s:s,s:b,s:I}", "conference", conf,
				 "janus_url", media_public_url(app->media), "room",
				 (json_int_t)room->room, "pin", room->pin, "token", room->token,
				 "feed", (json_int_t)job->feed, "display",
				 display != NULL ? display : "", "moderator", job->moderator,
				 "expires_at", (json_int_t)(now + VCONF_GRANT_TTL));
		rc = *out != NULL ? PARTA_OK : PARTA_ENOMEM;
	}
	json_decref(conf);
	json_decref(person);
	vconf_rooms_free(&job->room);
	return rc;
}

/* ---- the scheduler ---- */

void vconf_rooms_free(struct vconf_rooms *r)
{
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}

static int vconf_room_add(struct vconf_rooms *r, const struct vstore_conf *c,
			  enum vconf_room_op op)
{
	if (vec_reserve((void **)&r->v, &r->cap, r->n + 1, sizeof *r->v) != PARTA_OK)
		return PARTA_ENOMEM;
	struct vconf_room *room = &r->v[r->n++];
	memset(room, 0, sizeof *room);
	room->conference = c->id;
	room->room = (uint64_t)c->room;
	room->op = op;
	snprintf(room->secret, sizeof room->secret, "%s", c->room_secret);
	snprintf(room->pin, sizeof room->pin, "%s", c->room_pin);
	snprintf(room->name, sizeof room->name, "%s", c->name);
	return PARTA_OK;
}

/* The chat's system message with the join button («Присоединиться»). */
static void vconf_announce(struct app *app, const struct vstore_conf *c)
{
	if (c->chat_id == 0)
		return;
	char text[1000];
	snprintf(text, sizeof text, "%s «%s»",
		 strcmp(c->kind, "lesson") == 0 ? "Начался дистанционный урок" : "Начался видеозвонок",
		 c->name);
	/* Signed by its creator, or (made by an administrator without a person) by its first
	 * moderator. */
	int64_t person = c->created_by;
	json_t *members = NULL;
	int rc = person != 0 ? PARTA_OK : vstore_members(app->db, c->id, &members);
	size_t i;
	json_t *row;
	json_array_foreach(members, i, row) if (person == 0 &&
						json_is_true(json_object_get(row, "moderator")))
		person = json_integer_value(json_object_get(row, "person_id"));
	json_decref(members);
	if (rc == PARTA_OK && person == 0)
		return; /* nobody to sign it: the members were told by conf.state */
	if (rc == PARTA_OK)
		rc = msg_system(app, c->chat_id, person, c->id, text);
	if (rc != PARTA_OK)
		log_msg(LOG_WARN, "vconf", "announce_failed conference=%lld rc=%s", (long long)c->id,
			parta_strerror(rc));
}

static int vconf_transition(struct app *app, int64_t id, bool start, int64_t now,
			    struct vconf_rooms *rooms)
{
	struct vstore_conf c;
	int rc = db_begin(app->db);
	if (rc != PARTA_OK)
		return rc;
	rc = vstore_load_any(app->db, id, &c);
	bool was_active = rc == PARTA_OK && strcmp(c.state, "active") == 0;
	if (rc == PARTA_OK)
		rc = start ? vstore_activate(app->db, id, now) : vstore_finish(app->db, id, now);
	if (rc == PARTA_OK && !start) /* the stays still open end with it (app/call.h) */
		rc = call_finish(app, id, c.ends_at < now ? c.ends_at : now);
	rc = vconf__commit(app, rc);
	if (rc == PARTA_ENOTFOUND)
		return PARTA_OK; /* changed meanwhile */
	if (rc != PARTA_OK)
		return rc;
	log_msg(LOG_INFO, "vconf", "%s conference=%lld", start ? "started" : "finished",
		(long long)id);
	vconf_tell_state(app, id, start ? "active" : "finished");
	if (start) {
		vconf_announce(app, &c);
		return app->media != NULL ? vconf_room_add(rooms, &c, VCONF_ROOM_CREATE) : PARTA_OK;
	}
	return app->media != NULL && was_active ? vconf_room_add(rooms, &c, VCONF_ROOM_DESTROY)
						: PARTA_OK;
}

int vconf_room_run(const struct media *m, const struct vconf_room *room, char *why,
		   size_t whylen)
{
	switch (room->op) {
	case VCONF_ROOM_DESTROY: return media_room_destroy(m, room->room, room->secret, why, whylen);
	case VCONF_ROOM_REVOKE:
	case VCONF_ROOM_ALLOW:
		return media_room_allow(m, room->room, room->secret, room->token,
					room->op == VCONF_ROOM_ALLOW, why, whylen);
	default: {
		struct media_room r = {.room = room->room,
				       .secret = room->secret,
				       .pin = room->pin,
				       .description = room->name,
				       .publishers = VCONF_ROOM_PUBLISHERS,
				       .bitrate = VCONF_ROOM_BITRATE};
		return media_room_create(m, &r, why, whylen);
	}
	}
}

/* Expired grants: marked revoked now, their tokens taken off the rooms by workers. */
static int vconf_revoke_expired(struct app *app, int64_t now, struct vconf_rooms *rooms)
{
	json_t *grants;
	int rc = vstore_grants_expired(app->db, now, VCONF_TICK_BATCH, &grants);
	size_t i;
	json_t *row;
	json_array_foreach(grants, i, row)
	{
		struct vstore_conf c;
		const char *token = json_string_value(json_object_get(row, "token"));
		if (rc == PARTA_OK)
			rc = vstore_load_any(app->db,
					     json_integer_value(json_object_get(row, "conference_id")),
					     &c);
		if (rc == PARTA_OK)
			rc = vstore_grant_revoked(app->db, token);
		if (rc == PARTA_OK && (rc = vconf_room_add(rooms, &c, VCONF_ROOM_REVOKE)) == PARTA_OK)
			snprintf(rooms->v[rooms->n - 1].token, sizeof rooms->v[0].token, "%s", token);
	}
	json_decref(grants);
	return rc;
}

int vconf_tick(struct app *app, struct vconf_rooms *rooms, bool *more)
{
	int64_t now = app_now(app);
	*more = false;
	json_t *starting, *ending, *roomless = NULL;
	int rc = vstore_due(app->db, now, VCONF_TICK_BATCH, &starting, &ending);
	if (rc != PARTA_OK)
		return rc;
	*more = json_array_size(starting) == VCONF_TICK_BATCH ||
		json_array_size(ending) == VCONF_TICK_BATCH;
	size_t i;
	json_t *row;
	json_array_foreach(ending, i, row) if (rc == PARTA_OK) rc = vconf_transition(
		app, json_integer_value(json_object_get(row, "id")), false, now, rooms);
	json_array_foreach(starting, i, row) if (rc == PARTA_OK) rc = vconf_transition(
		app, json_integer_value(json_object_get(row, "id")), true, now, rooms);
	json_decref(starting);
	json_decref(ending);
	/* Rooms that failed before or were lost in a restart: tried again. */
	size_t fresh = rooms->n;
	if (rc == PARTA_OK && app->media != NULL)
		rc = vstore_roomless(app->db, VCONF_TICK_BATCH, &roomless);
	json_array_foreach(roomless, i, row)
	{
		int64_t id = json_integer_value(json_object_get(row, "id"));
		bool queued = false;
		for (size_t k = 0; k < fresh; k++)
			queued = queued || rooms->v[k].conference == id;
		struct vstore_conf c;
		if (!queued && rc == PARTA_OK && vstore_load_any(app->db, id, &c) == PARTA_OK)
			rc = vconf_room_add(rooms, &c, VCONF_ROOM_CREATE);
	}
	json_decref(roomless);
	if (rc == PARTA_OK && app->media != NULL)
		rc = vconf_revoke_expired(app, now, rooms);
	for (size_t k = 0; rc == PARTA_OK && k < rooms->n; k++)
		if (rooms->v[k].op == VCONF_ROOM_CREATE)
			rc = vstore_room_result(app->db, rooms->v[k].conference, false, "pending");
	return rc;
}

int vconf_startup(struct app *app)
{
	return vstore_rooms_reset(app->db);
}

void vconf_room_done(struct app *app, const struct vconf_room *room, int rc, const char *why)
{
	if (room->op != VCONF_ROOM_CREATE) {
		if (rc != PARTA_OK)
			log_msg(LOG_WARN, "vconf", "room_%s_failed conference=%lld rc=%s why=%s",
				room->op == VCONF_ROOM_DESTROY ? "destroy" : "revoke",
				(long long)room->conference, parta_strerror(rc), why);
		return;
	}
	if (rc != PARTA_OK)
		log_msg(LOG_WARN, "vconf", "room_create_failed conference=%lld rc=%s why=%s",
			(long long)room->conference, parta_strerror(rc), why);
	char error[300];
	snprintf(error, sizeof error, "%s: %s", parta_strerror(rc), why);
	if (vstore_room_result(app->db, room->conference, rc == PARTA_OK,
			       rc == PARTA_OK ? "" : error) != PARTA_OK)
		log_msg(LOG_ERROR, "vconf", "room_result_not_saved conference=%lld",
			(long long)room->conference);
	else if (rc == PARTA_OK)
		call_tell(app, room->conference, 0,
				   json_pack("{s:s,s:I,s:b}", "type", "conf.room",
					     "conference_id", (json_int_t)room->conference, "ready",
					     1));
}
