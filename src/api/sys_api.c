/* sys_api.c — operational endpoints: health, metrics, the test clock, and a plain GET of the
 * WebSocket address. */
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../util/log.h"
#include "api.h"
#include "handlers.h"

int api_healthz(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)srv, (void)who;
	static const char body[] = "{\"status\":\"ok\"}";
	http_text(&req->resp, 200, "application/json; charset=utf-8", body, sizeof body - 1);
	return API_DONE;
}

int api_metrics(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	char *text = metrics_render(srv_metrics(srv));
	if (text == NULL) {
		http_error(&req->resp, PARTA_ENOMEM, "internal", "Внутренняя ошибка сервера");
		return API_DONE;
	}
	http_resp_reset(&req->resp);
	req->resp.status = 200;
	req->resp.content_type = "text/plain; version=0.0.4; charset=utf-8";
	req->resp.body = text;
	req->resp.body_len = strlen(text);
	return API_DONE;
}

/* Test mode only: moves the server's clock forward, so tests never sleep. */
int api_test_clock(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	json_t *body;
	if (http_json_object(req, &body) != PARTA_OK)
		return API_DONE;
	json_t *advance = json_object_get(body, "advance_seconds");
	if (!json_is_integer(advance) || json_integer_value(advance) < 0) {
		json_decref(body);
		http_error(&req->resp, PARTA_EVALIDATION, "validation",
			   "advance_seconds: неотрицательное целое число");
		return API_DONE;
	}
	struct app *app = srv_app(srv);
	app->clock_offset += (int64_t)json_integer_value(advance);
	json_decref(body);
	srv_tick_soon(srv); /* what fell due runs right after this answer */
	log_msg(LOG_INFO, "test", "clock_advanced offset=%lld", (long long)app->clock_offset);
	http_json(&req->resp, 200, json_pack("{s:I}", "now", (json_int_t)app_now(app)));
	return API_DONE;
}

int api_ws_plain_get(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)srv, (void)who;
	http_error(&req->resp, PARTA_EINVAL, "upgrade_required",
		   "Этот адрес принимает только WebSocket-соединения");
	return API_DONE;
}
