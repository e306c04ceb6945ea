#include "msg.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/chatplan.h"
#include "../core/err.h"
#include "../core/hmap.h"
#include "../core/msgrule.h"
#include "../core/utf8.h"
#include "../core/vec.h"
#include "../store/cstore.h"
#include "../store/mstore.h"
#include "msg_int.h"

void msg_result_free(struct msg_result *r)
{
	json_decref(r->message);
	memset(r, 0, sizeof *r);
}

int msg__seat(struct app *app, int64_t profile, int64_t chat, bool writing,
	      struct mstore_seat *seat, struct msg_result *out)
{
	int rc = mstore_seat(app->db, chat, profile, seat);
	if (rc == PARTA_OK && !chatm_member(seat->flags))
		rc = PARTA_ENOTFOUND;
	if (rc == PARTA_ENOTFOUND && out != NULL)
		snprintf(out->why, sizeof out->why, "Чат не найден");
	if (rc == PARTA_OK && writing && seat->archived) {
		if (out != NULL)
			snprintf(out->why, sizeof out->why, "Чат в архиве: писать в него нельзя");
		return PARTA_ECONFLICT;
	}
	return rc;
}

/* An event's text to the messenger connections of `profiles` but `except` (moved to the end
 * of the list for that). */
static void msg_tell_to(struct app *app, int64_t *profiles, size_t n, int64_t except,
			const char *text)
{
	for (size_t i = 0; i < n; i++)
		if (profiles[i] == except) {
			profiles[i] = profiles[--n];
			profiles[n] = except;
			break;
		}
	if (app->publish_profiles != NULL)
		app->publish_profiles(app->publish_ctx, profiles, n, text);
}

/* An event's text to the messenger connections of the chat's members but `except`. */
static void msg_tell_chat(struct app *app, int64_t chat, int64_t except, const char *text)
{
	int64_t *recipients;
	size_t n;
	if (app->publish_profiles != NULL && text != NULL &&
	    mstore_recipients(app->db, chat, &recipients, &n) == PARTA_OK) {
		msg_tell_to(app, recipients, n, except, text);
		free(recipients);
	}
}

void msg__tell(struct app *app, int64_t chat, int64_t except, json_t *ev)
{
	char *text = ev ? json_dumps(ev, JSON_COMPACT) : NULL;
	msg_tell_chat(app, chat, except, text);
	free(text);
	json_decref(ev);
}

/* A change of a message as its event's text (NULL when out of memory); a confirmation names
 * who confirmed. Freed by the caller. */
static char *msg_event_text(int64_t chat, const char *type, const struct msg_result *r)
{
	json_t *ev = json_pack("{s:s,s:I,s:I,s:O}", "type", type, "chat_id", (json_int_t)chat,
			       "seq", (json_int_t)r->seq, "message", r->message);
	if (ev != NULL && r->by != 0)
		json_object_set_new(ev, "profile_id", json_integer(r->by));
	char *text = ev ? json_dumps(ev, JSON_COMPACT) : NULL;
	json_decref(ev);
	return text;
}

/* A change of a message, to every member's messenger connections (after the commit). */
static void msg_publish(struct app *app, int64_t chat, const char *type,
			const struct msg_result *r)
{
	char *text = msg_event_text(chat, type, r);
	msg_tell_chat(app, chat, 0, text);
	free(text);
}

int msg__run(struct app *app, msg__tx fn, void *arg, const char *type, struct msg_result *out)
{
	memset(out, 0, sizeof *out);
	int64_t chat = 0;
	int rc = db_begin(app->db);
	if (rc != PARTA_OK)
		return rc;
	rc = fn(app, arg, &chat, out);
	rc = rc == PARTA_OK ? db_commit(app->db) : (db_rollback(app->db), rc);
	if (rc == PARTA_OK && out->seq != 0)
		msg_publish(app, chat, type, out);
	return rc;
}

int msg__event(struct app *app, int64_t chat, const char *kind, int64_t message, int64_t by,
	       int64_t now, int64_t *seq)
{
	int rc = mstore_next_seq(app->db, chat, seq);
	return rc == PARTA_OK ? mstore_log(app->db, chat, *seq, kind, message, by, now) : rc;
}

struct msg_send_arg {
	int64_t profile, chat, reply_to, forwarded_from;
	const char *client_id, *text;
	bool confirm; /* a read confirmation asked for */
};

/* A muted member (or everyone, admins aside) may not write; the reason says until when. */
static int msg_check_mute(struct app *app, int64_t chat, const struct mstore_seat *seat,
			  struct msg_result *out)
{
	int64_t all, mine, now = app_now(app);
	int rc = mstore_mutes(app->db, chat, seat->person, &all, &mine);
	if (rc != PARTA_OK)
		return rc;
	int64_t until = msgrule_muted(mine, now) ? mine
			: msgrule_muted(all, now) && !chatm_admin(seat->flags) ? all
										  : 0;
	if (until == 0)
		return PARTA_OK;
	if (until == -1)
		snprintf(out->why, sizeof out->why, "Администратор чата запретил вам писать в этот чат");
	else
		snprintf(out->why, sizeof out->why,
			 "Администратор чата запретил писать в этот чат: ещё %lld мин.",
			 (long long)((until - now + 59) / 60));
	return PARTA_EFORBIDDEN;
}

/* A new message under the chat's next sequence number, logged, read back into out (seq set);
 * `conference` names the conference a system message announces (0: none). PARTA_ECONFLICT
 * when the profile used the client id already. */
static int msg_store_new(struct app *app, const struct msg_send_arg *a, int64_t person,
			 int64_t conference, struct msg_result *out)
{
	int64_t now = app_now(app), seq, id;
	int rc = mstore_next_seq(app->db, a->chat, &seq);
	if (rc == PARTA_OK)
		rc = mstore_insert(app->db, a->chat, seq, person, a->profile, a->client_id, a->text,
				   a->reply_to, a->forwarded_from, a->confirm, now, &id);
	if (rc == PARTA_OK && conference != 0)
		rc = mstore_set_conference(app->db, id, conference);
	if (rc == PARTA_OK)
		rc = mstore_log(app->db, a->chat, seq, "message", id, 0, now);
	if (rc == PARTA_OK)
		rc = mstore_message(app->db, id, &out->message);
	if (rc == PARTA_OK)
		out->seq = seq;
	return rc;
}

static int msg_send_tx(struct app *app, void *arg, int64_t *chat, struct msg_result *out)
{
	struct msg_send_arg *a = arg;
	*chat = a->chat;
	if (!msgrule_client_id(a->client_id)) {
		snprintf(out->why, sizeof out->why, "client_id: 1–64 символа [A-Za-z0-9_-]");
		return PARTA_EVALIDATION;
	}
	if (msgrule_text(a->text, out->why, sizeof out->why) != PARTA_OK)
		return PARTA_EVALIDATION;
	int64_t id, other_chat;
	int rc = mstore_by_client(app->db, a->profile, a->client_id, &id, &other_chat);
	if (rc == PARTA_OK) { /* a retried send: the stored message, no new event */
		rc = mstore_message(app->db, id, &out->message);
		if (rc == PARTA_OK)
			out->seq = 0;
		return rc;
	}
	if (rc != PARTA_ENOTFOUND)
		return rc;
	struct mstore_seat seat;
	if ((rc = msg__seat(app, a->profile, a->chat, true, &seat, out)) != PARTA_OK)
		return rc;
	if ((rc = msg_check_mute(app, a->chat, &seat, out)) != PARTA_OK)
		return rc;
	if (a->reply_to != 0) {
		json_t *orig;
		rc = mstore_message(app->db, a->reply_to, &orig);
		bool same = rc == PARTA_OK &&
			    json_integer_value(json_object_get(orig, "chat_id")) == a->chat;
		json_decref(orig);
		if (rc == PARTA_ENOTFOUND || (rc == PARTA_OK && !same)) {
			snprintf(out->why, sizeof out->why, "reply_to: сообщение этого чата");
			return PARTA_EVALIDATION;
		}
		if (rc != PARTA_OK)
			return rc;
	}
	return msg_store_new(app, a, seat.person, 0, out);
}

/* One send in its own transaction (a forwarded copy), indexed for search at once. */
static int msg_send_indexed_tx(struct app *app, void *arg, int64_t *chat, struct msg_result *out)
{
	int rc = msg_send_tx(app, arg, chat, out);
	if (rc == PARTA_OK && out->seq != 0)
		rc = mstore_index_from(app->db, json_integer_value(json_object_get(out->message, "id")));
	return rc;
}

struct msg_system_arg {
	int64_t chat, person, conference;
	const char *text;
};

static int msg_system_tx(struct app *app, void *arg, int64_t *chat, struct msg_result *out)
{
	struct msg_system_arg *a = arg;
	*chat = a->chat;
	char client_id[40];
	snprintf(client_id, sizeof client_id, "conference-%lld", (long long)a->conference);
	struct msg_send_arg m = {.chat = a->chat, .client_id = client_id, .text = a->text};
	int rc = mstore_sender_profile(app->db, a->person, app_now(app), &m.profile);
	if (rc == PARTA_OK)
		rc = msg_store_new(app, &m, a->person, a->conference, out);
	if (rc == PARTA_OK)
		rc = mstore_index_from(app->db, json_integer_value(json_object_get(out->message, "id")));
	/* Announced already (a restart between the start and its message): nothing new. */
	return rc == PARTA_ECONFLICT ? PARTA_OK : rc;
}

int msg_system(struct app *app, int64_t chat, int64_t person, int64_t conference,
	       const char *text)
{
	struct msg_system_arg a = {chat, person, conference, text};
	struct msg_result r;
	int rc = msg__run(app, msg_system_tx, &a, "message", &r);
	msg_result_free(&r);
	return rc;
}

struct msg_change_arg {
	int64_t profile, message;
	const char *text; /* NULL: delete */
};

struct msg_react_arg {
	int64_t profile, message;
	const char *emoji;
	bool on;
};

static bool msg_emoji_ok(const char *e)
{
	size_t len = e ? strlen(e) : 0;
	return len > 0 && len <= 16 && utf8_valid_text(e, len) && strpbrk(e, " \t\r\n") == NULL;
}

static int msg_react_tx(struct app *app, void *arg, int64_t *chat, struct msg_result *out)
{
	struct msg_react_arg *a = arg;
	if (!msg_emoji_ok(a->emoji)) {
		snprintf(out->why, sizeof out->why, "emoji: реакция до 16 байт без пробелов");
		return PARTA_EVALIDATION;
	}
	json_t *m;
	int rc = mstore_message(app->db, a->message, &m);
	if (rc == PARTA_ENOTFOUND)
		snprintf(out->why, sizeof out->why, "Сообщение не найдено");
	if (rc != PARTA_OK)
		return rc;
	*chat = json_integer_value(json_object_get(m, "chat_id"));
	bool deleted = json_is_true(json_object_get(m, "deleted"));
	json_decref(m);
	struct mstore_seat seat;
	if ((rc = msg__seat(app, a->profile, *chat, true, &seat, out)) != PARTA_OK) {
		if (rc == PARTA_ENOTFOUND)
			snprintf(out->why, sizeof out->why, "Сообщение не найдено");
		return rc;
	}
	if (deleted) {
		snprintf(out->why, sizeof out->why, "Сообщение удалено");
		return PARTA_ECONFLICT;
	}
	bool changed;
	rc = mstore_react(app->db, a->message, a->profile, a->emoji, a->on, &changed);
	if (rc == PARTA_OK && changed)
		rc = msg__event(app, *chat, "reaction", a->message, 0, app_now(app), &out->seq);
	if (rc == PARTA_OK)
		rc = mstore_message(app->db, a->message, &out->message);
	return rc;
}

int msg_react(struct app *app, int64_t profile, int64_t message, const char *emoji, bool on,
	      struct msg_result *out)
{
	struct msg_react_arg a = {profile, message, emoji, on};
	return msg__run(app, msg_react_tx, &a, "message.reacted", out);
}

int msg_read(struct app *app, int64_t profile, int64_t chat, int64_t seq)
{
	struct mstore_seat seat;
	int64_t last;
	bool moved = false;
	int rc = db_begin(app->db);
	if (rc != PARTA_OK)
		return rc;
	rc = msg__seat(app, profile, chat, false, &seat, NULL);
	if (rc == PARTA_OK)
		rc = mstore_last_seq(app->db, chat, &last);
	if (rc == PARTA_OK && (seq < 1 || seq > last))
		rc = PARTA_EVALIDATION;
	if (rc == PARTA_OK)
		rc = mstore_read(app->db, chat, profile, seq, &moved);
	rc = rc == PARTA_OK ? db_commit(app->db) : (db_rollback(app->db), rc);
	/* The members learn how far this reader got («кто прочитал»). */
	if (rc == PARTA_OK && moved)
		msg__tell(app, chat, 0,
			 json_pack("{s:s,s:I,s:I,s:I}", "type", "chat.read", "chat_id",
				   (json_int_t)chat, "profile_id", (json_int_t)profile, "seq",
				   (json_int_t)seq));
	return rc;
}

static int msg_change_tx(struct app *app, void *arg, int64_t *chat, struct msg_result *out)
{
	struct msg_change_arg *a = arg;
	json_t *m;
	int rc = mstore_message(app->db, a->message, &m);
	if (rc == PARTA_ENOTFOUND)
		snprintf(out->why, sizeof out->why, "Сообщение не найдено");
	if (rc != PARTA_OK)
		return rc;
	*chat = json_integer_value(json_object_get(m, "chat_id"));
	int64_t sender = json_integer_value(json_object_get(m, "sender_profile"));
	int64_t created = json_integer_value(json_object_get(m, "created_at"));
	bool deleted = json_is_true(json_object_get(m, "deleted"));
	bool same = a->text != NULL && strcmp(a->text, json_string_value(json_object_get(m, "text"))) == 0;
	json_decref(m);
	struct mstore_seat seat;
	if ((rc = msg__seat(app, a->profile, *chat, true, &seat, out)) != PARTA_OK) {
		if (rc == PARTA_ENOTFOUND)
			snprintf(out->why, sizeof out->why, "Сообщение не найдено");
		return rc;
	}
	int64_t now = app_now(app);
	if (a->text != NULL) {
		if (msgrule_text(a->text, out->why, sizeof out->why) != PARTA_OK)
			return PARTA_EVALIDATION;
		if (!msgrule_may_edit(sender, a->profile, created, now, deleted)) {
			snprintf(out->why, sizeof out->why,
				 "Изменить можно только своё сообщение в течение суток");
			return PARTA_EFORBIDDEN;
		}
	} else if (!msgrule_may_delete(sender, a->profile, chatm_admin(seat.flags))) {
		snprintf(out->why, sizeof out->why,
			 "Удалить чужое сообщение может только администратор чата");
		return PARTA_EFORBIDDEN;
	}
	/* Nothing to change (the same text again, a deleted message deleted again): no event. */
	if (!same && !(a->text == NULL && deleted)) {
		rc = a->text ? mstore_edit(app->db, a->message, a->text, now)
			     : mstore_delete(app->db, a->message, now);
		if (rc == PARTA_OK)
			rc = msg__event(app, *chat, a->text ? "edit" : "delete", a->message, 0, now,
					&out->seq);
	}
	if (rc == PARTA_OK)
		rc = mstore_message(app->db, a->message, &out->message);
	return rc;
}

int msg_edit(struct app *app, int64_t profile, int64_t message, const char *text,
	     struct msg_result *out)
{
	if (text == NULL) {
		memset(out, 0, sizeof *out);
		snprintf(out->why, sizeof out->why, "Пустое сообщение");
		return PARTA_EVALIDATION;
	}
	struct msg_change_arg a = {profile, message, text};
	return msg__run(app, msg_change_tx, &a, "message.edited", out);
}

int msg_delete(struct app *app, int64_t profile, int64_t message, struct msg_result *out)
{
	struct msg_change_arg a = {profile, message, NULL};
	return msg__run(app, msg_change_tx, &a, "message.deleted", out);
}

int msg_history(struct app *app, int64_t profile, int64_t chat, int64_t before, int limit,
		json_t **out, int64_t *others_read)
{
	struct mstore_seat seat;
	*out = NULL;
	*others_read = 0;
	int rc = msg__seat(app, profile, chat, false, &seat, NULL);
	if (rc != PARTA_OK)
		return rc;
	if (limit < 1 || limit > 200 || before < 0)
		return PARTA_EVALIDATION;
	rc = mstore_others_read(app->db, chat, profile, others_read);
	return rc == PARTA_OK ? mstore_history(app->db, chat, before, limit, out) : rc;
}

int msg_events(struct app *app, int64_t profile, int64_t chat, int64_t after, int limit,
	       json_t **out)
{
	struct mstore_seat seat;
	int rc = msg__seat(app, profile, chat, false, &seat, NULL);
	if (rc != PARTA_OK)
		return rc;
	if (limit < 1 || limit > 1000 || after < 0)
		return PARTA_EVALIDATION;
	return mstore_events(app->db, chat, after, limit, out);
}

/* ---- resume: what the event logs do not hold ---- */

static int msg_resume_member(json_t *out, int64_t chat, bool member, bool admin)
{
	json_t *ev = json_pack("{s:s,s:I,s:b,s:b}", "type", "chat.member", "chat_id",
			       (json_int_t)chat, "member", member, "admin", admin);
	return json_array_append_new(out, ev) == 0 ? PARTA_OK : PARTA_ENOMEM;
}

/* The mute of everyone (person 0), then the person's own, as they hold now. */
static int msg_resume_mutes(struct app *app, int64_t chat, int64_t person, json_t *out)
{
	int64_t until[2] = {0, 0}, now = app_now(app);
	int rc = mstore_mutes(app->db, chat, person, &until[0], &until[1]);
	for (int k = 0; k < 2 && rc == PARTA_OK; k++) {
		json_t *ev = json_pack("{s:s,s:I,s:I,s:I}", "type", "chat.muted", "chat_id",
				       (json_int_t)chat, "person_id", (json_int_t)(k ? person : 0),
				       "until", (json_int_t)msgrule_mute_left(until[k], now));
		if (json_array_append_new(out, ev) != 0)
			rc = PARTA_ENOMEM;
	}
	return rc;
}

int msg_resume_state(struct app *app, int64_t profile, json_t *stated, json_t **out)
{
	json_t *seats = NULL, *mutes = json_array(), *held = json_object(), *v, *seat_row;
	const char *key;
	char id[24];
	size_t i;
	*out = json_array();
	int rc = *out && mutes && held ? mstore_seats(app->db, profile, &seats) : PARTA_ENOMEM;
	json_object_foreach(stated, key, v)
	{
		int64_t chat = strtoll(key, NULL, 10);
		struct mstore_seat seat;
		if (rc != PARTA_OK)
			break;
		if (chat <= 0)
			continue;
		rc = msg__seat(app, profile, chat, false, &seat, NULL);
		if (rc == PARTA_ENOTFOUND)
			rc = msg_resume_member(*out, chat, false, false);
		else if (rc == PARTA_OK)
			rc = msg_resume_mutes(app, chat, seat.person, mutes);
		snprintf(id, sizeof id, "%lld", (long long)chat);
		if (rc == PARTA_OK && json_object_set_new(held, id, json_true()) != 0)
			rc = PARTA_ENOMEM;
	}
	json_array_foreach(seats, i, seat_row)
	{
		int64_t chat = json_integer_value(json_object_get(seat_row, "chat_id"));
		snprintf(id, sizeof id, "%lld", (long long)chat);
		if (rc == PARTA_OK && json_object_get(held, id) == NULL)
			rc = msg_resume_member(*out, chat, true,
					       json_integer_value(json_object_get(seat_row, "admin")) != 0);
	}
	if (rc == PARTA_OK && json_array_extend(*out, mutes) != 0)
		rc = PARTA_ENOMEM;
	json_decref(seats);
	json_decref(mutes);
	json_decref(held);
	if (rc != PARTA_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int msg_forward(struct app *app, int64_t profile, int64_t message, const int64_t *chats,
		size_t nchats, const char *client_id, json_t **acks, char *why, size_t whylen)
{
	*acks = NULL;
	if (nchats == 0 || nchats > MSG_FORWARD_MAX || !msgrule_client_id(client_id) ||
	    strlen(client_id) > MSG_CLIENT_ID_MAX - 3) {
		snprintf(why, whylen, "Переслать можно в 1–12 чатов; client_id до 61 символа");
		return PARTA_EVALIDATION;
	}
	/* The original must be readable by the forwarder. */
	json_t *orig;
	int rc = mstore_message(app->db, message, &orig);
	struct mstore_seat seat;
	if (rc == PARTA_OK &&
	    (json_is_true(json_object_get(orig, "deleted")) ||
	     msg__seat(app, profile, json_integer_value(json_object_get(orig, "chat_id")), false,
		      &seat, NULL) != PARTA_OK))
		rc = PARTA_ENOTFOUND;
	if (rc != PARTA_OK) {
		json_decref(orig);
		snprintf(why, whylen, "Сообщение не найдено");
		return rc;
	}
	*acks = json_array();
	/* Each copy is an ordinary send with its own derived client id: a retried forward lands
	 * once per chat; one chat refusing does not stop the others. */
	for (size_t i = 0; i < nchats; i++) {
		char id[MSG_CLIENT_ID_MAX + 1];
		snprintf(id, sizeof id, "%s-%zu", client_id, i);
		struct msg_send_arg a = {profile, chats[i], 0, message, id,
					 json_string_value(json_object_get(orig, "text")), false};
		struct msg_result res;
		rc = msg__run(app, msg_send_indexed_tx, &a, "message", &res);
		if (rc == PARTA_OK && res.seq == 0)
			res.seq = json_integer_value(json_object_get(res.message, "seq"));
		json_array_append_new(*acks, rc == PARTA_OK
					     ? json_pack("{s:I,s:I,s:O}", "chat_id", (json_int_t)chats[i],
							 "seq", (json_int_t)res.seq, "message", res.message)
					     : json_pack("{s:I,s:s}", "chat_id", (json_int_t)chats[i],
							 "error", res.why[0] ? res.why : "Ошибка"));
		msg_result_free(&res);
	}
	json_decref(orig);
	return PARTA_OK;
}

int msg_queue_push(struct app *app, void *owner, int64_t profile, int64_t chat,
		   const char *client_id, const char *text, int64_t reply_to, bool confirm)
{
	if (vec_reserve((void **)&app->send_queue, &app->capsend_queue, app->nsend_queue + 1,
			sizeof *app->send_queue) != PARTA_OK)
		return PARTA_ENOMEM;
	struct msg_queued *q = &app->send_queue[app->nsend_queue];
	memset(q, 0, sizeof *q);
	q->owner = owner;
	q->profile = profile;
	q->chat = chat;
	q->reply_to = reply_to;
	q->confirm = confirm;
	q->client_id = client_id ? strdup(client_id) : NULL;
	q->text = text ? strdup(text) : NULL;
	if ((client_id && !q->client_id) || (text && !q->text)) {
		free(q->client_id);
		free(q->text);
		return PARTA_ENOMEM;
	}
	app->nsend_queue++;
	return PARTA_OK;
}

void msg_queue_forget(struct app *app, void *owner)
{
	for (size_t i = 0; i < app->nsend_queue; i++)
		if (app->send_queue[i].owner == owner)
			app->send_queue[i].owner = NULL;
}

static int msg_exec(struct app *app, const char *sql)
{
	return sqlite3_exec(db_handle(app->db), sql, NULL, NULL, NULL) == SQLITE_OK ? PARTA_OK
										 : PARTA_EIO;
}

/* The recipients of one chat of a batch, read inside its transaction. */
struct msg_audience {
	int64_t *profiles;
	size_t n;
};

/* Reads, before the batch commits, who receives each chat the batch wrote to — once per chat
 * however many of its sends the batch holds: queue[i]'s readers are audience[slot_of[i]]
 * (SIZE_MAX for a send that stored nothing new). */
static int msg_audiences(struct app *app, const struct msg_queued *queue, size_t n,
			 struct msg_audience *audience, size_t *slot_of)
{
	struct hmap seen;
	hmap_init(&seen);
	int rc = PARTA_OK;
	size_t nslots = 0;
	for (size_t i = 0; i < n && rc == PARTA_OK; i++) {
		slot_of[i] = SIZE_MAX;
		if (queue[i].rc != PARTA_OK || queue[i].res.seq == 0)
			continue;
		int64_t slot;
		if (hmap_get(&seen, hmap_int(queue[i].chat, 0), &slot)) {
			slot_of[i] = (size_t)slot;
			continue;
		}
		rc = mstore_recipients(app->db, queue[i].chat, &audience[nslots].profiles,
				       &audience[nslots].n);
		if (rc == PARTA_OK)
			rc = hmap_put(&seen, hmap_int(queue[i].chat, 0), (int64_t)nslots);
		if (rc == PARTA_OK)
			slot_of[i] = nslots++;
	}
	hmap_free(&seen);
	return rc;
}

void msg_queue_flush(struct app *app, void (*answer)(void *ctx, const struct msg_queued *q),
		     void *ctx)
{
	size_t n = app->nsend_queue;
	if (n == 0)
		return;
	struct msg_queued *queue = app->send_queue;
	/* The answers may queue new sends: they wait for the next pass. */
	app->send_queue = NULL;
	app->nsend_queue = app->capsend_queue = 0;
	struct msg_audience *audience = calloc(n, sizeof *audience);
	size_t *slot_of = calloc(n, sizeof *slot_of);
	int rc = audience && slot_of ? db_begin(app->db) : PARTA_ENOMEM;
	bool begun = rc == PARTA_OK;
	int64_t first = 0; /* the batch's first new message: the batch indexes from it */
	for (size_t i = 0; i < n; i++) {
		struct msg_queued *q = &queue[i];
		struct msg_send_arg a = {q->profile,   q->chat, q->reply_to, 0,
					 q->client_id, q->text, q->confirm};
		int64_t chat = 0;
		if (rc != PARTA_OK || (q->rc = msg_exec(app, "SAVEPOINT send")) != PARTA_OK) {
			q->rc = PARTA_EIO;
			continue;
		}
		q->rc = msg_send_tx(app, &a, &chat, &q->res);
		if (q->rc != PARTA_OK)
			(void)msg_exec(app, "ROLLBACK TO send");
		if (msg_exec(app, "RELEASE send") != PARTA_OK)
			q->rc = PARTA_EIO;
		if (q->rc == PARTA_OK && q->res.seq != 0 && first == 0)
			first = json_integer_value(json_object_get(q->res.message, "id"));
	}
	if (rc == PARTA_OK && first != 0)
		rc = mstore_index_from(app->db, first);
	if (rc == PARTA_OK)
		rc = msg_audiences(app, queue, n, audience, slot_of);
	if (rc == PARTA_OK)
		rc = db_commit(app->db);
	if (rc != PARTA_OK && begun)
		db_rollback(app->db);
	for (size_t i = 0; i < n; i++) {
		struct msg_queued *q = &queue[i];
		if (rc != PARTA_OK && q->rc == PARTA_OK) {
			q->rc = rc == PARTA_ENOMEM ? PARTA_ENOMEM : PARTA_EIO; /* nothing of it happened */
			msg_result_free(&q->res);
		}
		if (q->rc == PARTA_OK && q->res.seq != 0) {
			char *text = msg_event_text(q->chat, "message", &q->res);
			struct msg_audience *to = &audience[slot_of[i]];
			if (text != NULL)
				msg_tell_to(app, to->profiles, to->n, 0, text);
			free(text);
		} else if (q->rc == PARTA_OK) { /* a retried send: its own sequence number */
			q->res.seq = json_integer_value(json_object_get(q->res.message, "seq"));
		}
		if (answer != NULL)
			answer(ctx, q);
		msg_result_free(&q->res);
		free(q->client_id);
		free(q->text);
	}
	for (size_t i = 0; audience != NULL && i < n; i++)
		free(audience[i].profiles);
	free(audience);
	free(slot_of);
	free(queue);
}
