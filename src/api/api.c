#include "api.h"

#include <stdio.h>
#include <string.h>

#include "../app/sms.h"
#include "../core/err.h"
#include "../net/route.h"
#include "../net/static.h"
#include "handlers.h"

/* Who may call a route. */
enum api_access {
	API_PUBLIC,   /* anyone */
	API_SESSION,  /* any logged-in account */
	API_LOOPBACK, /* requests from this machine only (operators' scrapers) */
	API_TESTMODE, /* only when the server runs with --test-mode */
	API_DEV_SMS,  /* anyone, only while the SMS gateway is the dev inbox (demo, test mode) */
	API_ORG_ADMIN, /* an administrator of the organisation named by {org} */
	API_ORG_MEMBER, /* any account of {org}; the handler decides (chat management, chatperm) */
	API_PROFILE,   /* a messenger session (a profile: cookie parta_msession or bearer) */
};

struct api_route {
	enum http_method method;
	const char *pattern;
	api_handler handler;
	enum api_access access;
};

/* Every endpoint of the server. Keep docs/openapi.yaml in step with this table. */
static const struct api_route api_routes[] = {
	{HTTP_GET, "/healthz", api_healthz, API_PUBLIC},
	{HTTP_GET, "/metrics", api_metrics, API_LOOPBACK},
	{HTTP_POST, "/api/v1/auth/login", api_login, API_PUBLIC},
	{HTTP_POST, "/api/v1/auth/logout", api_logout, API_SESSION},
	{HTTP_GET, "/api/v1/me", api_me, API_SESSION},
	{HTTP_GET, "/api/v1/me/link", api_link_status, API_SESSION},
	{HTTP_DELETE, "/api/v1/me/link", api_link_delete, API_SESSION},
	{HTTP_POST, "/api/v1/me/link/start", api_link_start, API_SESSION},
	{HTTP_POST, "/api/v1/me/link/send-code", api_link_send_code, API_SESSION},
	{HTTP_POST, "/api/v1/me/link/code", api_link_code, API_SESSION},
	{HTTP_POST, "/api/v1/me/link/password", api_link_password, API_SESSION},
	{HTTP_POST, "/api/v1/me/link/confirm", api_link_confirm, API_SESSION},
	{HTTP_POST, "/api/v1/me/link/about", api_link_about, API_SESSION},
	{HTTP_GET, "/api/v1/me/chats", api_me_chats, API_SESSION},
	{HTTP_POST, "/api/v1/me/messenger", api_me_messenger, API_SESSION},
	{HTTP_POST, "/api/v1/messenger/login/start", api_msg_login_start, API_PUBLIC},
	{HTTP_POST, "/api/v1/messenger/login/send-code", api_msg_login_send_code, API_PUBLIC},
	{HTTP_POST, "/api/v1/messenger/login/code", api_msg_login_code, API_PUBLIC},
	{HTTP_POST, "/api/v1/messenger/login/password", api_msg_login_password, API_PUBLIC},
	{HTTP_POST, "/api/v1/messenger/logout", api_msg_logout, API_PROFILE},
	{HTTP_GET, "/api/v1/messenger/me", api_msg_me, API_PROFILE},
	{HTTP_GET, "/api/v1/messenger/chats", api_msg_chats, API_PROFILE},
	{HTTP_GET, "/api/v1/messenger/chats/{chat}/messages", api_msg_history, API_PROFILE},
	{HTTP_GET, "/api/v1/messenger/messages/{message}/readers", api_msg_readers, API_PROFILE},
	{HTTP_PUT, "/api/v1/messenger/messages/{message}/important", api_msg_important_put,
	 API_PROFILE},
	{HTTP_GET, "/api/v1/messenger/important", api_msg_important, API_PROFILE},
	{HTTP_GET, "/api/v1/messenger/chats/{chat}/members", api_msg_members, API_PROFILE},
	{HTTP_GET, "/api/v1/messenger/chats/{chat}/search", api_msg_search, API_PROFILE},
	{HTTP_GET, "/api/v1/messenger/chats/{chat}/pins", api_msg_pins, API_PROFILE},
	{HTTP_GET, "/api/v1/messenger/chats/{chat}/draft", api_msg_draft_get, API_PROFILE},
	{HTTP_PUT, "/api/v1/messenger/chats/{chat}/draft", api_msg_draft_put, API_PROFILE},
	{HTTP_GET, "/api/v1/messenger/saved", api_saved_list, API_PROFILE},
	{HTTP_POST, "/api/v1/messenger/saved", api_saved_add, API_PROFILE},
	{HTTP_GET, "/api/v1/messenger/saved/{saved}", api_saved_get, API_PROFILE},
	{HTTP_DELETE, "/api/v1/messenger/saved/{saved}", api_saved_delete, API_PROFILE},
	{HTTP_GET, "/api/v1/ws", api_ws_plain_get, API_SESSION},
	{HTTP_GET, "/api/v1/messenger/ws", api_ws_plain_get, API_PROFILE},
	{HTTP_POST, "/api/v1/test/clock", api_test_clock, API_TESTMODE},
	{HTTP_GET, "/api/v1/dev/sms", api_dev_sms, API_DEV_SMS},
	{HTTP_GET, "/api/v1/orgs/{org}", api_org_get, API_ORG_ADMIN},
	{HTTP_PATCH, "/api/v1/orgs/{org}", api_org_update, API_ORG_ADMIN},
	{HTTP_GET, "/api/v1/orgs/{org}/persons", api_persons_list, API_ORG_ADMIN},
	{HTTP_POST, "/api/v1/orgs/{org}/persons", api_persons_create, API_ORG_ADMIN},
	{HTTP_GET, "/api/v1/orgs/{org}/persons/{person}/rights", api_person_rights, API_ORG_ADMIN},
	{HTTP_GET, "/api/v1/orgs/{org}/rights", api_rights_catalogue, API_ORG_ADMIN},
	{HTTP_GET, "/api/v1/orgs/{org}/rights-groups", api_rights_groups_list, API_ORG_ADMIN},
	{HTTP_POST, "/api/v1/orgs/{org}/rights-groups", api_rights_groups_create, API_ORG_ADMIN},
	{HTTP_GET, "/api/v1/orgs/{org}/subjects", api_subjects_list, API_ORG_ADMIN},
	{HTTP_POST, "/api/v1/orgs/{org}/subjects", api_subjects_create, API_ORG_ADMIN},
	{HTTP_GET, "/api/v1/orgs/{org}/positions", api_positions_list, API_ORG_ADMIN},
	{HTTP_POST, "/api/v1/orgs/{org}/positions", api_positions_create, API_ORG_ADMIN},
	{HTTP_GET, "/api/v1/orgs/{org}/orders", api_orders_list, API_ORG_ADMIN},
	{HTTP_POST, "/api/v1/orgs/{org}/orders", api_orders_issue, API_ORG_ADMIN},
	{HTTP_POST, "/api/v1/orgs/{org}/orders/{order}/cancel", api_orders_cancel, API_ORG_ADMIN},
	{HTTP_GET, "/api/v1/orgs/{org}/lessons", api_lessons_list, API_ORG_ADMIN},
	{HTTP_POST, "/api/v1/orgs/{org}/lessons", api_lessons_create, API_ORG_ADMIN},
	{HTTP_DELETE, "/api/v1/orgs/{org}/lessons/{lesson}", api_lessons_delete, API_ORG_ADMIN},
	{HTTP_GET, "/api/v1/orgs/{org}/roster", api_roster, API_ORG_ADMIN},
	{HTTP_GET, "/api/v1/orgs/{org}/roster/events", api_roster_events, API_ORG_ADMIN},
	{HTTP_GET, "/api/v1/orgs/{org}/roster/export", api_roster_export, API_ORG_ADMIN},
	{HTTP_POST, "/api/v1/orgs/{org}/roster/import", api_roster_import, API_ORG_ADMIN},
	{HTTP_POST, "/api/v1/orgs/{org}/roster/import/oneroster", api_roster_import_oneroster,
	 API_ORG_ADMIN},
	{HTTP_GET, "/api/v1/orgs/{org}/conferences", api_conferences_list, API_ORG_MEMBER},
	{HTTP_POST, "/api/v1/orgs/{org}/conferences", api_conferences_create, API_ORG_MEMBER},
	{HTTP_GET, "/api/v1/orgs/{org}/conferences/{conf}", api_conference_get, API_ORG_MEMBER},
	{HTTP_PATCH, "/api/v1/orgs/{org}/conferences/{conf}", api_conference_update, API_ORG_MEMBER},
	{HTTP_DELETE, "/api/v1/orgs/{org}/conferences/{conf}", api_conference_delete, API_ORG_MEMBER},
	{HTTP_POST, "/api/v1/orgs/{org}/conferences/{conf}/start", api_conference_start, API_ORG_MEMBER},
	{HTTP_POST, "/api/v1/orgs/{org}/conferences/{conf}/end", api_conference_end, API_ORG_MEMBER},
	{HTTP_POST, "/api/v1/orgs/{org}/conferences/{conf}/join", api_conference_join, API_ORG_MEMBER},
	{HTTP_GET, "/api/v1/orgs/{org}/conference-candidates", api_conference_candidates, API_ORG_MEMBER},
	{HTTP_GET, "/api/v1/orgs/{org}/journal/loads", api_journal_loads, API_ORG_MEMBER},
	{HTTP_GET, "/api/v1/orgs/{org}/journal/lessons", api_journal_lessons, API_ORG_MEMBER},
	{HTTP_GET, "/api/v1/orgs/{org}/journal/lessons/{lesson}", api_journal_lesson, API_ORG_MEMBER},
	{HTTP_POST, "/api/v1/orgs/{org}/journal/lessons/{lesson}/distance", api_journal_distance, API_ORG_MEMBER},
	{HTTP_GET, "/api/v1/orgs/{org}/diary", api_diary, API_ORG_MEMBER},
	{HTTP_GET, "/api/v1/orgs/{org}/chats", api_chats_list, API_ORG_MEMBER},
	{HTTP_POST, "/api/v1/orgs/{org}/chats", api_chats_create, API_ORG_MEMBER},
	{HTTP_GET, "/api/v1/orgs/{org}/chats/proposal", api_chat_proposal, API_ORG_MEMBER},
	{HTTP_POST, "/api/v1/orgs/{org}/chats/init", api_chats_init, API_ORG_MEMBER},
	{HTTP_GET, "/api/v1/orgs/{org}/chats/init/{job}", api_chats_init_status, API_ORG_MEMBER},
	{HTTP_GET, "/api/v1/orgs/{org}/chats/{chat}", api_chat_get, API_ORG_MEMBER},
	{HTTP_PATCH, "/api/v1/orgs/{org}/chats/{chat}", api_chat_update, API_ORG_MEMBER},
	{HTTP_DELETE, "/api/v1/orgs/{org}/chats/{chat}", api_chat_delete, API_ORG_MEMBER},
	{HTTP_POST, "/api/v1/orgs/{org}/chats/{chat}/members", api_chat_member_add, API_ORG_MEMBER},
	{HTTP_DELETE, "/api/v1/orgs/{org}/chats/{chat}/members/{person}", api_chat_member_remove,
	 API_ORG_MEMBER},
	{HTTP_POST, "/api/v1/orgs/{org}/chats/{chat}/admins", api_chat_admin_add, API_ORG_MEMBER},
	{HTTP_DELETE, "/api/v1/orgs/{org}/chats/{chat}/admins/{person}", api_chat_admin_remove,
	 API_ORG_MEMBER},
	{HTTP_GET, "/api/v1/orgs/{org}/chat-candidates", api_chat_candidates, API_ORG_MEMBER},
	{HTTP_POST, "/api/v1/orgs/{org}/loads/{load}/chat", api_load_chat, API_ORG_MEMBER},
	/* Inside a conference's call (call_api.c): members of the conference only. */
	{HTTP_POST, "/api/v1/orgs/{org}/conferences/{conf}/presence", api_call_presence,
	 API_ORG_MEMBER},
	{HTTP_POST, "/api/v1/orgs/{org}/conferences/{conf}/signal", api_call_signal,
	 API_ORG_MEMBER},
	{HTTP_POST, "/api/v1/orgs/{org}/conferences/{conf}/moderate", api_call_moderate,
	 API_ORG_MEMBER},
	{HTTP_GET, "/api/v1/orgs/{org}/conferences/{conf}/participants",
	 api_call_participants, API_ORG_MEMBER},
	{HTTP_GET, "/api/v1/orgs/{org}/conferences/{conf}/attendance", api_call_attendance,
	 API_ORG_MEMBER},
};

#define API_NROUTES (sizeof api_routes / sizeof api_routes[0])

static bool api_is_loopback(const char *addr)
{
	return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0;
}

static bool api_is_unsafe(enum http_method m)
{
	return m == HTTP_POST || m == HTTP_PUT || m == HTTP_PATCH || m == HTTP_DELETE;
}

/* True when `origin` ("http://host:port") names the same host as the Host header. */
static bool api_same_origin(const char *origin, const char *host)
{
	if (host == NULL)
		return false;
	const char *rest = strncmp(origin, "https://", 8) == 0   ? origin + 8
			   : strncmp(origin, "http://", 7) == 0 ? origin + 7
								 : NULL;
	return rest != NULL && strcmp(rest, host) == 0;
}

/* The session token of a request: "Authorization: Bearer …" first, then the cookie (the
 * journal's parta_session, the messenger's parta_msession). */
static const char *api_token(const struct http_req *req, const char *cookie, char *buf,
			     size_t len, bool *by_cookie)
{
	*by_cookie = false;
	if (req->authorization != NULL) {
		if (strncmp(req->authorization, "Bearer ", 7) != 0)
			return NULL;
		snprintf(buf, len, "%s", req->authorization + 7);
		return buf;
	}
	if (http_cookie(req, cookie, buf, len) == PARTA_OK) {
		*by_cookie = true;
		return buf;
	}
	return NULL;
}

/* Authenticates the caller with a session of the right face (a journal account's, or a
 * messenger profile's when `profile`); on failure sets the error response and returns it. */
static int api_authenticate(struct srv *srv, struct http_req *req, bool profile,
			    struct auth_ctx *who)
{
	char token[128];
	bool by_cookie = false;
	const char *t = api_token(req, profile ? "parta_msession" : "parta_session", token,
				  sizeof token, &by_cookie);
	int rc = t ? auth_authenticate(srv_app(srv), t, who) : PARTA_EUNAUTH;
	if (rc == PARTA_OK && (profile ? who->session.profile_id : who->session.account_id) == 0)
		rc = PARTA_EUNAUTH; /* the other face's session */
	if (rc == PARTA_EUNAUTH) {
		http_error(&req->resp, rc, "unauthenticated", "Требуется вход в систему");
		return rc;
	}
	if (rc != PARTA_OK) {
		http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера");
		return rc;
	}
	/* A browser sends the cookie with any request, also one forged by another site; only
	 * our own pages can read the CSRF cookie and echo it in a header. */
	if (by_cookie && api_is_unsafe(req->method) &&
	    auth_check_csrf(who, req->csrf_token) != PARTA_OK) {
		http_error(&req->resp, PARTA_EFORBIDDEN, "csrf",
			   "Запрос отклонён: отсутствует или неверен CSRF-токен");
		return PARTA_EFORBIDDEN;
	}
	return PARTA_OK;
}

static int api_call(struct srv *srv, struct http_req *req, const struct api_route *r)
{
	req->route_name = r->pattern;
	switch (r->access) {
	case API_PUBLIC:
		return r->handler(srv, req, NULL);
	case API_LOOPBACK:
		if (!api_is_loopback(req->addr)) {
			http_error(&req->resp, PARTA_EFORBIDDEN, "forbidden",
				   "Доступно только с этого сервера");
			return API_DONE;
		}
		return r->handler(srv, req, NULL);
	case API_TESTMODE:
		if (!srv_app(srv)->test_mode) {
			http_error(&req->resp, PARTA_ENOTFOUND, "not_found", "Ресурс не найден");
			return API_DONE;
		}
		return r->handler(srv, req, NULL);
	case API_DEV_SMS:
		if (sms_gateway_backend(srv_app(srv)->sms) != SMS_BACKEND_DEV) {
			http_error(&req->resp, PARTA_ENOTFOUND, "not_found", "Ресурс не найден");
			return API_DONE;
		}
		return r->handler(srv, req, NULL);
	case API_PROFILE: {
		struct auth_ctx who;
		if (api_authenticate(srv, req, true, &who) != PARTA_OK)
			return API_DONE;
		return r->handler(srv, req, &who);
	}
	case API_SESSION:
	case API_ORG_MEMBER:
	case API_ORG_ADMIN: {
		struct auth_ctx who;
		if (api_authenticate(srv, req, false, &who) != PARTA_OK)
			return API_DONE;
		/* Another organisation is answered as if it did not exist: no probing of ids. */
		if (r->access != API_SESSION && api_param_id(req, "org") != who.account.org_id) {
			http_error(&req->resp, PARTA_ENOTFOUND, "not_found",
				   "Организация не найдена");
			return API_DONE;
		}
		if (r->access == API_ORG_ADMIN && strcmp(who.account.role, "admin") != 0) {
			http_error(&req->resp, PARTA_EFORBIDDEN, "forbidden", "Недостаточно прав");
			return API_DONE;
		}
		return r->handler(srv, req, &who);
	}
	}
	return API_DONE;
}

static void api_method_not_allowed(struct http_req *req, const char *allow)
{
	http_error(&req->resp, PARTA_EMETHOD, "method_not_allowed",
		   "Метод не поддерживается для этого адреса");
	http_header_add(&req->resp, "allow", allow);
}

int api_http(struct srv *srv, struct http_req *req)
{
	char allow[64] = "";
	for (size_t i = 0; i < API_NROUTES; i++) {
		const struct api_route *r = &api_routes[i];
		size_t nparams = 0;
		struct http_param params[HTTP_MAX_PARAMS];
		if (!route_match(r->pattern, req->path, params, &nparams))
			continue;
		enum http_method m = req->method == HTTP_HEAD ? HTTP_GET : req->method;
		if (m == r->method) {
			memcpy(req->params, params, sizeof params);
			req->nparams = nparams;
			return api_call(srv, req, r);
		}
		size_t used = strlen(allow);
		snprintf(allow + used, sizeof allow - used, "%s%s", used ? ", " : "",
			 http_method_name(r->method));
	}
	if (allow[0] != '\0') {
		req->route_name = "method_not_allowed";
		api_method_not_allowed(req, allow);
		return API_DONE;
	}
	if (strncmp(req->path, "/api/", 5) == 0) {
		req->route_name = "not_found";
		http_error(&req->resp, PARTA_ENOTFOUND, "not_found", "Ресурс не найден");
		return API_DONE;
	}
	if (req->method != HTTP_GET && req->method != HTTP_HEAD) {
		req->route_name = "method_not_allowed";
		api_method_not_allowed(req, "GET, HEAD");
		return API_DONE;
	}
	req->route_name = "static";
	static_serve(srv_config(srv)->web_dir, req);
	return API_DONE;
}

int api_ws_admit(struct srv *srv, struct http_req *req, bool messenger, int64_t *account_id,
		 int64_t *profile_id)
{
	struct auth_ctx who;
	char token[128];
	bool by_cookie = false;
	*account_id = *profile_id = 0;
	const char *t = messenger ? NULL
				  : api_token(req, "parta_session", token, sizeof token, &by_cookie);
	if (t == NULL)
		t = api_token(req, "parta_msession", token, sizeof token, &by_cookie);
	if (t == NULL || auth_authenticate(srv_app(srv), t, &who) != PARTA_OK ||
	    (messenger && who.session.profile_id == 0))
		return PARTA_EUNAUTH;
	/* Browsers attach cookies to cross-site WebSocket handshakes too: with a cookie, the
	 * page that opens the socket must come from this server. */
	if (by_cookie && req->origin != NULL && !api_same_origin(req->origin, req->host))
		return PARTA_EUNAUTH;
	*account_id = who.session.account_id;
	*profile_id = who.session.profile_id;
	return PARTA_OK;
}
