/* handlers.h — the handler functions behind the route table (internal to src/api). */
#ifndef PARTA_API_HANDLERS_H
#define PARTA_API_HANDLERS_H

#include "../app/auth.h"
#include "../app/link.h"
#include "../net/http.h"
#include "../net/server.h"

/* `who` is NULL for public routes. Returns API_DONE or API_ASYNC. */
typedef int (*api_handler)(struct srv *srv, struct http_req *req, const struct auth_ctx *who);

/* The account as the API shows it: {"id","login","display_name","role","org":{"id","name"}}. */
json_t *api_account_json(const struct account *acc);

int api_healthz(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_metrics(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_test_clock(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_ws_plain_get(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
/* The development SMS inbox (dev_api.c). */
int api_dev_sms(struct srv *srv, struct http_req *req, const struct auth_ctx *who);

int api_login(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_logout(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_me(struct srv *srv, struct http_req *req, const struct auth_ctx *who);

/* Sets a cookie for the whole site (SameSite=Lax, Secure by configuration). */
void api_set_cookie(struct http_resp *resp, const struct srv_config *cfg, const char *name,
		    const char *value, int64_t max_age, bool http_only);

/* A password step of linking or of the messenger's sign-in waiting for argon2id on a worker:
 * api_password_submit queues it (PARTA_OK: the request is answered later by `finish`, on the
 * loop, and `p` freed; otherwise the caller still owns `p`). */
struct api_password_pending {
	struct srv *srv;
	struct http_req *req;
	struct account account;
	struct link_password_job job;
	void (*finish)(struct api_password_pending *p);
};
int api_password_submit(struct srv *srv, struct http_req *req, struct api_password_pending *p);

/* Renders a link or sign-in step (app/link.h) or its error, delivering its SMS code; frees
 * the result. */
int api_link_reply(struct srv *srv, struct http_req *req, int rc, struct link_result *res);

/* The positive integer path parameter `name`, or 0 when absent or malformed. */
int64_t api_param_id(const struct http_req *req, const char *name);
/* The value of query parameter `name` (copied into buf, "" when absent); whether it is 1 or
 * true. */
void api_query_value(const struct http_req *req, const char *name, char *buf, size_t len);
bool api_query_flag(const struct http_req *req, const char *name);

/* vconf_api.c */
int api_conferences_list(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_conferences_create(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_conference_get(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_conference_update(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_conference_delete(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_conference_start(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_conference_end(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_conference_join(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_conference_candidates(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_journal_loads(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_journal_lessons(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_journal_lesson(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_journal_distance(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_diary(struct srv *srv, struct http_req *req, const struct auth_ctx *who);

int api_persons_list(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_persons_create(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_subjects_list(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_subjects_create(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_positions_list(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_positions_create(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_orders_list(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_orders_issue(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_orders_cancel(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_roster(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_org_get(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_org_update(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_lessons_create(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_lessons_list(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_lessons_delete(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_rights_groups_list(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_rights_groups_create(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_rights_catalogue(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_person_rights(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_roster_export(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_roster_import(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_roster_import_oneroster(struct srv *srv, struct http_req *req,
				const struct auth_ctx *who);
int api_roster_events(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_chats_list(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_chats_create(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_chat_proposal(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_chat_update(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_chat_candidates(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_chat_get(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_chats_init(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_chats_init_status(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_chat_member_add(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_chat_member_remove(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_chat_admin_add(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_chat_admin_remove(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_chat_delete(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_link_status(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_link_start(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_link_send_code(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_link_code(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_link_password(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_link_confirm(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_link_about(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_link_delete(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_me_chats(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_me_messenger(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_msg_login_start(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_msg_login_send_code(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_msg_login_code(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_msg_login_password(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_msg_logout(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_msg_me(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_msg_chats(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_msg_history(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_msg_readers(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_msg_members(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_msg_search(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_msg_pins(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_msg_draft_get(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_msg_draft_put(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_msg_important_put(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_msg_important(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_saved_list(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_saved_add(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_saved_get(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_saved_delete(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_load_chat(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
/* Inside a conference's call (call_api.c). */
int api_call_presence(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_call_signal(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_call_moderate(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_call_participants(struct srv *srv, struct http_req *req, const struct auth_ctx *who);
int api_call_attendance(struct srv *srv, struct http_req *req, const struct auth_ctx *who);

#endif
