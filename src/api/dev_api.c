/* dev_api.c — tools for demos and tests: the development SMS inbox.
 *
 * GET /api/v1/dev/sms?phone=+79991234567 lists what the dev gateway "sent" (all phones when
 * `phone` is absent), newest first. It needs no session — a tester reads the code the way a
 * person would read their phone — so it exists only while the gateway is `dev`, which the
 * command allows only for `parta demo` and --test-mode (the route table's API_DEV_SMS). */
#include <stdio.h>
#include <string.h>

#include "../app/sms.h"
#include "../core/err.h"
#include "api.h"
#include "handlers.h"

/* How many messages the inbox shows. */
#define DEV_SMS_LIMIT 50

/* The phone filter from the query, which libwebsockets has already decoded: "%2B7…" arrives
 * as "+7…", and a bare "+7…" as " 7…" (a form-encoded space); both mean the same phone. Then
 * 10..15 digits. PARTA_OK with "" when absent, PARTA_EVALIDATION otherwise. */
static int dev_sms_phone(const struct http_req *req, char *phone, size_t len)
{
	char raw[64];
	api_query_value(req, "phone", raw, sizeof raw);
	if (raw[0] != '\0' && raw[0] != '+' && raw[0] != ' ')
		return PARTA_EVALIDATION;
	const char *digits = raw[0] ? raw + 1 : raw;
	size_t n = strlen(digits);
	if (raw[0] != '\0' && (n < 10 || n > 15 || strspn(digits, "0123456789") != n))
		return PARTA_EVALIDATION;
	snprintf(phone, len, "%s%s", raw[0] ? "+" : "", digits);
	return PARTA_OK;
}

int api_dev_sms(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	char phone[72];
	if (dev_sms_phone(req, phone, sizeof phone) != PARTA_OK) {
		http_error(&req->resp, PARTA_EVALIDATION, "validation",
			   "Параметр phone: номер в формате +79991234567");
		return API_DONE;
	}
	json_t *list = NULL;
	int rc = sms_outbox(srv_app(srv)->db, phone, DEV_SMS_LIMIT, &list);
	if (rc != PARTA_OK) {
		http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера");
		return API_DONE;
	}
	http_json(&req->resp, 200, json_pack("{s:o}", "messages", list));
	return API_DONE;
}
