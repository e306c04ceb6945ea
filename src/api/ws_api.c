/* ws_api.c — messages on /api/v1/ws. Protocol: docs/protocol.md.
 *
 * Client → server: {"type":"ping","id":…} → {"type":"pong","id":…}.
 * Test mode only: {"type":"debug.flood","count":N,"size":S} queues N messages of S bytes of
 * padding at once, to exercise the outbound queue cap. */
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../util/log.h"
#include "../app/msg.h"
#include "../core/msgrule.h"
#include "../store/account.h"
#include "api.h"
#include "handlers.h"

static void api_ws_send_json(struct ws_conn *conn, json_t *msg)
{
	char *text = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (text == NULL)
		return;
	ws_send(conn, text, strlen(text));
	free(text);
}

static void api_ws_error(struct ws_conn *conn, const char *code, const char *message)
{
	api_ws_send_json(conn, json_pack("{s:s,s:s,s:s}", "type", "error", "code", code, "message",
					 message));
}

void api_ws_open(struct ws_conn *conn)
{
	struct app *app = srv_app(ws_srv(conn));
	struct account acc;
	int64_t person = ws_account(conn) != 0 &&
					 account_find_by_id(app->db, ws_account(conn), &acc) == PARTA_OK
				 ? acc.person_id
				 : 0;
	ws_set_person(conn, person);
	api_ws_send_json(conn, json_pack("{s:s,s:I,s:I,s:I,s:I}", "type", "hello", "account_id",
					 (json_int_t)ws_account(conn), "person_id",
					 (json_int_t)person, "profile_id",
					 (json_int_t)ws_profile(conn), "server_time",
					 (json_int_t)app_now(app)));
}

/* ---- the messenger's commands (messenger sessions only) ---- */

static const char *api_ws_code(int rc)
{
	switch (rc) {
	case PARTA_EVALIDATION: return "validation";
	case PARTA_ENOTFOUND: return "not_found";
	case PARTA_EFORBIDDEN: return "forbidden";
	case PARTA_ECONFLICT: return "conflict";
	default: return "internal";
	}
}

static void api_ws_reply(struct ws_conn *conn, int rc, json_t *client_id,
			 const struct msg_result *res)
{
	if (rc == PARTA_OK)
		api_ws_send_json(conn, json_pack("{s:s,s:O?,s:I,s:O}", "type", "ack", "client_id",
						 client_id, "seq", (json_int_t)res->seq, "message",
						 res->message));
	else
		api_ws_send_json(conn, json_pack("{s:s,s:O?,s:s,s:s}", "type", "error", "client_id",
						 client_id, "code", api_ws_code(rc), "message",
						 res->why[0] ? res->why : "Внутренняя ошибка сервера"));
}

static void api_ws_answer(void *ctx, const struct msg_queued *q)
{
	(void)ctx;
	if (q->owner == NULL)
		return; /* the sender went away; it will resume */
	json_t *client_id = q->client_id ? json_string(q->client_id) : NULL;
	api_ws_reply(q->owner, q->rc, client_id, &q->res);
	json_decref(client_id);
}

void api_ws_flush(struct srv *srv)
{
	msg_queue_flush(srv_app(srv), api_ws_answer, NULL);
}

void api_ws_close(struct ws_conn *conn)
{
	msg_queue_forget(srv_app(ws_srv(conn)), conn);
}

/* edit / delete / react / confirm: the answer to the sender carries its client id. */
static void api_ws_change(struct ws_conn *conn, json_t *msg, const char *type)
{
	struct app *app = srv_app(ws_srv(conn));
	json_t *client_id = json_object_get(msg, "client_id");
	struct msg_result res;
	int rc;
	if (strcmp(type, "react") == 0)
		rc = msg_react(app, ws_profile(conn),
			       json_integer_value(json_object_get(msg, "message_id")),
			       json_string_value(json_object_get(msg, "emoji")),
			       !json_is_false(json_object_get(msg, "on")), &res);
	else if (strcmp(type, "confirm") == 0)
		rc = msg_confirm(app, ws_profile(conn),
				 json_integer_value(json_object_get(msg, "message_id")), &res);
	else if (strcmp(type, "edit") == 0)
		rc = msg_edit(app, ws_profile(conn),
			      json_integer_value(json_object_get(msg, "message_id")),
			      json_string_value(json_object_get(msg, "text")), &res);
	else
		rc = msg_delete(app, ws_profile(conn),
				json_integer_value(json_object_get(msg, "message_id")), &res);
	api_ws_reply(conn, rc, client_id, &res);
	msg_result_free(&res);
}

/* forward: {"client_id","message_id","chat_ids":[…]} → {"type":"ack","client_id",
 * "forwarded":[per chat]}. mute: {"client_id","chat_id","person_id"?,"hours"|"lift"}. */
static void api_ws_moderate(struct ws_conn *conn, json_t *msg, const char *type)
{
	struct app *app = srv_app(ws_srv(conn));
	json_t *client_id = json_object_get(msg, "client_id");
	char why[160] = "";
	json_t *acks = NULL;
	int rc;
	if (strcmp(type, "forward") == 0) {
		json_t *list = json_object_get(msg, "chat_ids");
		int64_t chats[MSG_FORWARD_MAX + 1];
		size_t n = json_array_size(list);
		for (size_t i = 0; i < n && i <= MSG_FORWARD_MAX; i++)
			chats[i] = json_integer_value(json_array_get(list, i));
		rc = msg_forward(app, ws_profile(conn),
				 json_integer_value(json_object_get(msg, "message_id")), chats,
				 n <= MSG_FORWARD_MAX ? n : MSG_FORWARD_MAX + 1,
				 json_string_value(client_id), &acks, why, sizeof why);
	} else if (strcmp(type, "pin") == 0) {
		rc = msg_pin(app, ws_profile(conn), json_integer_value(json_object_get(msg, "message_id")),
			     !json_is_false(json_object_get(msg, "on")), why, sizeof why);
	} else {
		json_t *hours = json_object_get(msg, "hours");
		rc = msg_mute(app, ws_profile(conn), json_integer_value(json_object_get(msg, "chat_id")),
			      json_integer_value(json_object_get(msg, "person_id")),
			      json_is_integer(hours) ? (int)json_integer_value(hours) : -1,
			      json_is_true(json_object_get(msg, "lift")), why, sizeof why);
	}
	if (rc == PARTA_OK)
		api_ws_send_json(conn, json_pack("{s:s,s:O?,s:o?}", "type", "ack", "client_id",
						 client_id, "forwarded", acks));
	else
		api_ws_send_json(conn, json_pack("{s:s,s:O?,s:s,s:s}", "type", "error", "client_id",
						 client_id, "code", api_ws_code(rc), "message",
						 why[0] ? why : "Чат не найден"));
}

/* One logged event as the live one it was: a change of the message (with who confirmed), or
 * a pin; NULL for none (api_ws_send_json sends nothing then). */
static json_t *api_ws_replayed(int64_t chat, json_t *e)
{
	static const char *const kinds[] = {"message", "edit", "delete", "reaction", "confirm"};
	static const char *const types[] = {"message", "message.edited", "message.deleted",
					    "message.reacted", "message.confirmed"};
	const char *kind = json_string_value(json_object_get(e, "kind"));
	json_int_t seq = json_integer_value(json_object_get(e, "seq"));
	json_t *message = json_object_get(e, "message");
	if (kind != NULL && (strcmp(kind, "pin") == 0 || strcmp(kind, "unpin") == 0))
		return json_pack("{s:s,s:I,s:I,s:O,s:b,s:O}", "type", "message.pinned", "chat_id",
				 (json_int_t)chat, "seq", seq, "message_id",
				 json_object_get(message, "id"), "pinned", strcmp(kind, "pin") == 0,
				 "message", message);
	size_t k = 0, n = sizeof kinds / sizeof kinds[0];
	while (kind != NULL && k < n && strcmp(kind, kinds[k]) != 0)
		k++;
	if (kind == NULL || k == n)
		return NULL; /* a kind this server does not know: nothing to replay */
	json_t *ev = json_pack("{s:s,s:I,s:I,s:O}", "type", types[k], "chat_id", (json_int_t)chat,
			       "seq", seq, "message", message);
	if (ev != NULL && strcmp(kinds[k], "confirm") == 0)
		json_object_set(ev, "profile_id", json_object_get(e, "profile_id"));
	return ev;
}

/* resume: {"chats":{"<chat id>": last seq seen, or null for a chat held without its
 * events}} → the membership and mutes (msg_resume_state), then per stated chat the events
 * after its seq, in order, then {"type":"resumed"}. */
static void api_ws_resume(struct ws_conn *conn, json_t *msg)
{
	struct app *app = srv_app(ws_srv(conn));
	json_t *chats = json_object_get(msg, "chats"), *state, *v;
	const char *key;
	size_t i;
	/* One snapshot for the membership, the mutes and every chat's events. */
	if (db_begin_read(app->db) != PARTA_OK) {
		api_ws_error(conn, "internal", "Внутренняя ошибка сервера");
		return;
	}
	if (msg_resume_state(app, ws_profile(conn), chats, &state) != PARTA_OK) {
		db_end_read(app->db);
		api_ws_error(conn, "internal", "Внутренняя ошибка сервера");
		return;
	}
	json_array_foreach(state, i, v)
		api_ws_send_json(conn, json_incref(v));
	json_decref(state);
	json_object_foreach(chats, key, v)
	{
		int64_t chat = strtoll(key, NULL, 10), after = json_integer_value(v);
		for (bool more = !json_is_null(v); more;) {
			json_t *events, *e;
			if (msg_events(app, ws_profile(conn), chat, after, 500, &events) != PARTA_OK)
				break; /* not the caller's (told above), or a bad seq */
			json_array_foreach(events, i, e)
			{
				after = json_integer_value(json_object_get(e, "seq"));
				api_ws_send_json(conn, api_ws_replayed(chat, e));
			}
			more = json_array_size(events) == 500;
			json_decref(events);
		}
	}
	db_end_read(app->db);
	api_ws_send_json(conn, json_pack("{s:s}", "type", "resumed"));
}

static void api_ws_flood(struct ws_conn *conn, json_t *msg)
{
	json_int_t count = json_integer_value(json_object_get(msg, "count"));
	json_int_t size = json_integer_value(json_object_get(msg, "size"));
	if (count <= 0 || count > 100000 || size < 0 || size > 65536) {
		api_ws_error(conn, "validation", "count 1..100000, size 0..65536");
		return;
	}
	char *pad = malloc((size_t)size + 1);
	if (pad == NULL)
		return;
	memset(pad, 'x', (size_t)size);
	pad[size] = '\0';
	for (json_int_t i = 0; i < count; i++) {
		json_t *m = json_pack("{s:s,s:I,s:s}", "type", "debug.flood", "seq", i, "pad", pad);
		char *text = json_dumps(m, JSON_COMPACT);
		json_decref(m);
		int rc = text ? ws_send(conn, text, strlen(text)) : PARTA_ENOMEM;
		free(text);
		if (rc != PARTA_OK)
			break; /* the connection is being closed */
	}
	free(pad);
}

void api_ws_message(struct ws_conn *conn, const char *text, size_t len)
{
	json_error_t jerr;
	json_t *msg = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(msg)) {
		json_decref(msg);
		api_ws_error(conn, "bad_json", "Сообщение должно быть JSON-объектом");
		return;
	}
	const char *type = json_string_value(json_object_get(msg, "type"));
	if (type != NULL && strcmp(type, "ping") == 0) {
		json_t *id = json_object_get(msg, "id");
		api_ws_send_json(conn, json_pack("{s:s,s:O?}", "type", "pong", "id", id));
	} else if (type != NULL && ws_profile(conn) != 0 && strcmp(type, "send") == 0) {
		/* Applied with the other sends of this loop pass, in one transaction. */
		if (msg_queue_push(srv_app(ws_srv(conn)), conn, ws_profile(conn),
				   json_integer_value(json_object_get(msg, "chat_id")),
				   json_string_value(json_object_get(msg, "client_id")),
				   json_string_value(json_object_get(msg, "text")),
				   json_integer_value(json_object_get(msg, "reply_to")),
				   json_is_true(json_object_get(msg, "confirm"))) != PARTA_OK)
			api_ws_error(conn, "internal", "Внутренняя ошибка сервера");
	} else if (type != NULL && ws_profile(conn) != 0 &&
		   (strcmp(type, "edit") == 0 || strcmp(type, "delete") == 0)) {
		api_ws_change(conn, msg, type);
	} else if (type != NULL && ws_profile(conn) != 0 &&
		   (strcmp(type, "react") == 0 || strcmp(type, "confirm") == 0)) {
		api_ws_change(conn, msg, type);
	} else if (type != NULL && ws_profile(conn) != 0 &&
		   (strcmp(type, "forward") == 0 || strcmp(type, "mute") == 0 ||
		    strcmp(type, "pin") == 0)) {
		api_ws_moderate(conn, msg, type);
	} else if (type != NULL && ws_profile(conn) != 0 && strcmp(type, "typing") == 0) {
		(void)msg_typing(srv_app(ws_srv(conn)), ws_profile(conn),
				 json_integer_value(json_object_get(msg, "chat_id")));
	} else if (type != NULL && ws_profile(conn) != 0 && strcmp(type, "read") == 0) {
		int rc = msg_read(srv_app(ws_srv(conn)), ws_profile(conn),
				  json_integer_value(json_object_get(msg, "chat_id")),
				  json_integer_value(json_object_get(msg, "seq")));
		if (rc != PARTA_OK)
			api_ws_send_json(conn, json_pack("{s:s,s:s,s:s}", "type", "error", "code",
							 api_ws_code(rc), "message",
							 "read: chat_id вашего чата и seq до последнего"));
	} else if (type != NULL && ws_profile(conn) != 0 && strcmp(type, "resume") == 0) {
		api_ws_resume(conn, msg);
	} else if (type != NULL && strcmp(type, "debug.flood") == 0 &&
		   srv_app(ws_srv(conn))->test_mode) {
		api_ws_flood(conn, msg);
	} else {
		api_ws_error(conn, "unknown_type", "Неизвестный тип сообщения");
	}
	json_decref(msg);
}
