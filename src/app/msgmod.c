/* msgmod.c — around the messages (msg.h): read confirmations and «кто прочитал», pins,
 * moderation and the member list, typing, search, «важное», drafts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/chatplan.h"
#include "../core/err.h"
#include "../core/msgrule.h"
#include "../core/utf8.h"
#include "../store/cstore.h"
#include "../store/mstore.h"
#include "msg.h"
#include "msg_int.h"

/* A message and the profile's seat in its chat: PARTA_ENOTFOUND (why says «Сообщение не
 * найдено») when there is none or the profile is not a member; *m (when asked for) is a new
 * reference on success. */
static int msg_target(struct app *app, int64_t profile, int64_t message, bool writing,
		      int64_t *chat, struct mstore_seat *seat, json_t **m, struct msg_result *out)
{
	json_t *msg = NULL;
	int rc = mstore_message(app->db, message, &msg);
	if (rc == PARTA_OK) {
		*chat = json_integer_value(json_object_get(msg, "chat_id"));
		rc = msg__seat(app, profile, *chat, writing, seat, out);
	}
	if (rc == PARTA_ENOTFOUND && out != NULL)
		snprintf(out->why, sizeof out->why, "Сообщение не найдено");
	if (rc == PARTA_OK && m != NULL) {
		*m = msg;
		msg = NULL;
	}
	json_decref(msg);
	return rc;
}

int msg_get(struct app *app, int64_t profile, int64_t message, json_t **out)
{
	int64_t chat;
	struct mstore_seat seat;
	*out = NULL;
	return msg_target(app, profile, message, false, &chat, &seat, out, NULL);
}

/* ---- read confirmations, «кто прочитал» ---- */

struct msg_confirm_arg {
	int64_t profile, message;
};

static int msg_confirm_tx(struct app *app, void *arg, int64_t *chat, struct msg_result *out)
{
	struct msg_confirm_arg *a = arg;
	struct mstore_seat seat;
	json_t *m;
	int rc = msg_target(app, a->profile, a->message, true, chat, &seat, &m, out);
	if (rc != PARTA_OK)
		return rc;
	rc = msgrule_may_confirm(json_is_true(json_object_get(m, "confirm")),
				 json_is_true(json_object_get(m, "deleted")),
				 json_integer_value(json_object_get(m, "sender_profile")), a->profile,
				 out->why, sizeof out->why);
	json_decref(m);
	if (rc != PARTA_OK)
		return rc;
	bool changed;
	int64_t now = app_now(app);
	rc = mstore_confirm(app->db, a->message, a->profile, now, &changed);
	if (rc == PARTA_OK && changed) { /* once per profile: a repeat is no event */
		rc = msg__event(app, *chat, "confirm", a->message, a->profile, now, &out->seq);
		out->by = a->profile;
	}
	if (rc == PARTA_OK)
		rc = mstore_message(app->db, a->message, &out->message);
	return rc;
}

int msg_confirm(struct app *app, int64_t profile, int64_t message, struct msg_result *out)
{
	struct msg_confirm_arg a = {profile, message};
	return msg__run(app, msg_confirm_tx, &a, "message.confirmed", out);
}

int msg_readers(struct app *app, int64_t profile, int64_t message, json_t **out)
{
	*out = NULL;
	int64_t chat;
	struct mstore_seat seat;
	json_t *m, *readers = NULL, *reactions = NULL, *confirmed = NULL, *unconfirmed = NULL;
	int rc = msg_target(app, profile, message, false, &chat, &seat, &m, NULL);
	if (rc != PARTA_OK)
		return rc;
	bool confirm = json_is_true(json_object_get(m, "confirm"));
	json_decref(m);
	rc = mstore_readers(app->db, message, &readers);
	if (rc == PARTA_OK)
		rc = mstore_reactors(app->db, message, &reactions);
	if (rc == PARTA_OK)
		rc = confirm ? mstore_confirmed(app->db, message, &confirmed)
			     : ((confirmed = json_array()) ? PARTA_OK : PARTA_ENOMEM);
	if (rc == PARTA_OK)
		rc = confirm ? mstore_unconfirmed(app->db, message, &unconfirmed)
			     : ((unconfirmed = json_array()) ? PARTA_OK : PARTA_ENOMEM);
	if (rc == PARTA_OK) {
		*out = json_pack("{s:o,s:o,s:b,s:o,s:o}", "readers", readers, "reactions", reactions,
				 "confirm", confirm, "confirmed", confirmed, "unconfirmed",
				 unconfirmed);
		return *out ? PARTA_OK : PARTA_ENOMEM;
	}
	json_decref(readers);
	json_decref(reactions);
	json_decref(confirmed);
	json_decref(unconfirmed);
	return rc;
}

/* ---- pins ---- */

int msg_pin(struct app *app, int64_t profile, int64_t message, bool on, char *why, size_t whylen)
{
	struct mstore_seat seat;
	struct msg_result res;
	memset(&res, 0, sizeof res);
	int64_t chat = 0, seq = 0;
	bool changed = false;
	int rc = db_begin(app->db);
	if (rc != PARTA_OK)
		return rc;
	rc = msg_target(app, profile, message, true, &chat, &seat, NULL, &res);
	if (rc == PARTA_OK && !chatm_admin(seat.flags)) {
		snprintf(res.why, sizeof res.why, "Закреплять сообщения может администратор чата");
		rc = PARTA_EFORBIDDEN;
	}
	if (rc == PARTA_OK)
		rc = mstore_pin(app->db, chat, message, on, app_now(app), &changed);
	if (rc == PARTA_OK && changed)
		rc = msg__event(app, chat, on ? "pin" : "unpin", message, profile, app_now(app), &seq);
	if (rc == PARTA_OK && changed)
		rc = mstore_message(app->db, message, &res.message);
	rc = rc == PARTA_OK ? db_commit(app->db) : (db_rollback(app->db), rc);
	if (rc == PARTA_OK && changed)
		msg__tell(app, chat, 0,
			  json_pack("{s:s,s:I,s:I,s:I,s:b,s:O}", "type", "message.pinned", "chat_id",
				    (json_int_t)chat, "seq", (json_int_t)seq, "message_id",
				    (json_int_t)message, "pinned", on, "message", res.message));
	snprintf(why, whylen, "%s", res.why);
	msg_result_free(&res);
	return rc;
}

/* ---- moderation, members, typing ---- */

int msg_mute(struct app *app, int64_t profile, int64_t chat, int64_t person, int hours,
	     bool lift, char *why, size_t whylen)
{
	struct mstore_seat seat;
	int64_t until = 0;
	int rc = db_begin(app->db);
	if (rc != PARTA_OK)
		return rc;
	rc = msg__seat(app, profile, chat, true, &seat, NULL);
	if (rc == PARTA_OK && !chatm_admin(seat.flags)) {
		snprintf(why, whylen, "Запрещать писать может только администратор чата");
		rc = PARTA_EFORBIDDEN;
	}
	if (rc == PARTA_OK && !lift && msgrule_mute_until(hours, app_now(app), &until) != PARTA_OK) {
		snprintf(why, whylen, "hours: 1, 8, 24 или 0 (навсегда)");
		rc = PARTA_EVALIDATION;
	}
	if (rc == PARTA_OK && person != 0 && person == seat.person) {
		snprintf(why, whylen, "Нельзя запретить писать самому себе");
		rc = PARTA_EVALIDATION;
	}
	unsigned flags = 0;
	if (rc == PARTA_OK && person != 0 && !lift &&
	    (rc = mstore_member_flags(app->db, chat, person, &flags)) == PARTA_OK &&
	    !chatm_member(flags)) {
		snprintf(why, whylen, "person_id: участник этого чата");
		rc = PARTA_EVALIDATION;
	}
	if (rc == PARTA_OK)
		rc = mstore_mute(app->db, chat, person, until);
	rc = rc == PARTA_OK ? db_commit(app->db) : (db_rollback(app->db), rc);
	if (rc == PARTA_OK)
		msg__tell(app, chat, 0,
			 json_pack("{s:s,s:I,s:I,s:I}", "type", "chat.muted", "chat_id",
				   (json_int_t)chat, "person_id", (json_int_t)person, "until",
				   (json_int_t)until));
	return rc;
}

int msg_typing(struct app *app, int64_t profile, int64_t chat)
{
	struct mstore_seat seat;
	int rc = msg__seat(app, profile, chat, true, &seat, NULL);
	if (rc == PARTA_OK)
		msg__tell(app, chat, profile,
			 json_pack("{s:s,s:I,s:I}", "type", "typing", "chat_id", (json_int_t)chat,
				   "profile_id", (json_int_t)profile));
	return rc;
}

/* Each member's mute as it holds now (0 when none or over). */
static void msg_members_mutes(json_t *members, const json_t *mutes, int64_t now)
{
	size_t i, j;
	json_t *member, *mute;
	json_array_foreach(members, i, member)
	{
		int64_t person = json_integer_value(json_object_get(member, "person_id")), until = 0;
		json_array_foreach(mutes, j, mute)
		{
			if (json_integer_value(json_object_get(mute, "person_id")) == person)
				until = json_integer_value(json_object_get(mute, "until"));
		}
		json_object_set_new(member, "muted_until", json_integer(msgrule_mute_left(until, now)));
	}
}

int msg_members(struct app *app, int64_t profile, int64_t chat, json_t **out)
{
	*out = NULL;
	struct mstore_seat seat;
	json_t *members = NULL, *mutes = NULL;
	int64_t all = 0, mine = 0, now = app_now(app);
	int rc = msg__seat(app, profile, chat, false, &seat, NULL);
	if (rc == PARTA_OK)
		rc = cstore_members(app->db, seat.org, chat, false, &members);
	if (rc == PARTA_OK)
		rc = mstore_chat_mutes(app->db, chat, &mutes);
	if (rc == PARTA_OK)
		rc = mstore_mutes(app->db, chat, seat.person, &all, &mine);
	if (rc == PARTA_OK) {
		msg_members_mutes(members, mutes, now);
		*out = json_pack("{s:O,s:I,s:{s:I,s:b}}", "members", members, "muted_until",
				 (json_int_t)msgrule_mute_left(all, now), "me", "person_id",
				 (json_int_t)seat.person, "admin", chatm_admin(seat.flags));
		rc = *out ? PARTA_OK : PARTA_ENOMEM;
	}
	json_decref(members);
	json_decref(mutes);
	return rc;
}

/* ---- search, pins, «важное», drafts ---- */

int msg_search(struct app *app, int64_t profile, int64_t chat, const char *q, json_t **out)
{
	size_t len = q ? strlen(q) : 0;
	if (len == 0 || len > 200 || !utf8_valid_text(q, len))
		return PARTA_EVALIDATION;
	/* Each word as a quoted prefix: the person's text never becomes FTS5 syntax. */
	char match[1024];
	size_t used = 0;
	for (const char *p = q; *p;) {
		p += strspn(p, " \t\r\n");
		size_t n = strcspn(p, " \t\r\n");
		if (n == 0)
			break;
		if (used + n + 5 >= sizeof match)
			return PARTA_EVALIDATION;
		if (used > 0)
			match[used++] = ' ';
		match[used++] = '"';
		for (size_t i = 0; i < n; i++) {
			/* ё and Ё (UTF-8 d1 91, d0 81) are searched as е and Е, as indexed. */
			if (i + 1 < n && (unsigned char)p[i] == 0xd1 && (unsigned char)p[i + 1] == 0x91) {
				match[used++] = (char)0xd0;
				match[used++] = (char)0xb5;
				i++;
			} else if (i + 1 < n && (unsigned char)p[i] == 0xd0 &&
				   (unsigned char)p[i + 1] == 0x81) {
				match[used++] = (char)0xd0;
				match[used++] = (char)0x95;
				i++;
			} else if (p[i] != '"') {
				match[used++] = p[i];
			}
		}
		match[used++] = '"';
		match[used++] = '*';
		p += n;
	}
	match[used] = '\0';
	if (used == 0)
		return PARTA_EVALIDATION;
	struct mstore_seat seat;
	int rc = msg__seat(app, profile, chat, false, &seat, NULL);
	return rc == PARTA_OK ? mstore_search(app->db, chat, match, 50, out) : rc;
}

int msg_pins(struct app *app, int64_t profile, int64_t chat, json_t **out)
{
	struct mstore_seat seat;
	int rc = msg__seat(app, profile, chat, false, &seat, NULL);
	return rc == PARTA_OK ? mstore_pins(app->db, chat, out) : rc;
}

int msg_mark(struct app *app, int64_t profile, int64_t message, bool on)
{
	struct mstore_seat seat;
	int64_t chat;
	int rc = msg_target(app, profile, message, false, &chat, &seat, NULL, NULL);
	return rc == PARTA_OK ? mstore_mark(app->db, profile, message, on) : rc;
}

int msg_marks(struct app *app, int64_t profile, json_t **out)
{
	return mstore_marks(app->db, profile, out);
}

int msg_draft_put(struct app *app, int64_t profile, int64_t chat, const char *text)
{
	size_t len = text ? strlen(text) : 0;
	if (text == NULL || len > MSG_TEXT_MAX || (len > 0 && !utf8_valid_text(text, len)))
		return PARTA_EVALIDATION;
	struct mstore_seat seat;
	int rc = msg__seat(app, profile, chat, false, &seat, NULL);
	return rc == PARTA_OK ? mstore_draft_put(app->db, profile, chat, text, app_now(app)) : rc;
}

int msg_draft(struct app *app, int64_t profile, int64_t chat, json_t **out)
{
	struct mstore_seat seat;
	int rc = msg__seat(app, profile, chat, false, &seat, NULL);
	return rc == PARTA_OK ? mstore_draft(app->db, profile, chat, out) : rc;
}

