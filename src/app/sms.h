/* sms.h — the pluggable SMS gateway: where one-time codes go.
 *
 * The backend is chosen in the configuration ([sms] gateway):
 *   none  no gateway: sms_send fails (PARTA_EIO); features that need SMS must check
 *         sms_gateway_backend() first and say that SMS is not available;
 *   dev   a development inbox: messages are stored in the sms_outbox table and read back with
 *         sms_outbox() (GET /api/v1/dev/sms). The command refuses it unless the server runs
 *         as `parta demo` or with --test-mode: codes must never be readable in production;
 *   http  one POST per message through libcurl to [sms] url, the body filled from
 *         [sms] body_template, bounded by [sms] timeout_ms, retried on network errors and 5xx.
 *
 * The text carries a code: it is never written to the log. The phone is logged masked
 * (+7999***4567). A gateway is immutable after sms_gateway_open, so sms_send may run on
 * several worker threads at once (each with its own database connection). libcurl must have
 * been initialized (curl_global_init) by the program before the first http send. */
#ifndef PARTA_APP_SMS_H
#define PARTA_APP_SMS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../store/db.h"

enum sms_backend { SMS_BACKEND_NONE = 0, SMS_BACKEND_DEV, SMS_BACKEND_HTTP };

struct sms_config {
	enum sms_backend backend;      /* [sms] gateway = none | dev | http (default none) */
	char url[512];                 /* [sms] url (http) */
	char body_template[1024];      /* [sms] body_template, with {phone} and {text} placeholders,
	                                  JSON-escaped when content_type is application/json */
	char content_type[64];         /* [sms] content_type, default application/json */
	char auth_header[256];         /* [sms] auth_header, e.g. "Authorization: Bearer …" (never logged) */
	int timeout_ms;                /* [sms] timeout_ms, default 5000 */
	int retries;                   /* [sms] retries, default 2 (on network errors and 5xx) */
};

struct sms_gateway;

/* The defaults: backend none, content type application/json, body template
 * {"phone":"{phone}","text":"{text}"}, timeout 5000 ms, 2 retries. */
struct sms_config sms_config_default(void);

/* Parses "none", "dev", "http". PARTA_OK and *out, or PARTA_EINVAL for another name. */
int sms_backend_parse(const char *name, enum sms_backend *out);
/* "none", "dev", "http". Never NULL. */
const char *sms_backend_name(enum sms_backend backend);

/* Opens a gateway for `cfg` (copied; the gateway does not keep the pointer). Every backend,
 * none included, gives a gateway. PARTA_EINVAL for a bad config, with a one-line reason in
 * `err`: http without url or with a url that is not http:// or https://, an auth_header that
 * is not "Name: value", timeout_ms outside 100..60000, retries outside 0..5. PARTA_ENOMEM when
 * out of memory. *out is set only on success; free it with sms_gateway_close. */
int sms_gateway_open(const struct sms_config *cfg, char *err, size_t errlen, struct sms_gateway **out);
/* NULL is a no-op. */
void sms_gateway_close(struct sms_gateway *gw);
/* The backend; SMS_BACKEND_NONE for NULL (no gateway opened, as in the CLI commands). */
enum sms_backend sms_gateway_backend(const struct sms_gateway *gw);

/* Sends `text` to `phone` ("+7XXXXXXXXXX"). dev: inserts into the sms_outbox table of `db`
 * (phone, text, created_at = now). http: one POST through libcurl; `db` is not used (may be
 * NULL). The whole send, retries included, ends within timeout_ms; a network error or a 5xx
 * answer is retried at once up to `retries` times while time remains; 2xx is success; any
 * other answer fails without retrying. Blocking for http: callers run it on a worker thread
 * with their own db connection.
 *   PARTA_EINVAL  phone is not "+" and 10..15 digits, or text is empty or not UTF-8;
 *   PARTA_EIO     not delivered: no gateway (none or NULL), a database error (dev), or the
 *                 gateway did not accept it (http). The reason is logged without the text. */
int sms_send(struct sms_gateway *gw, struct db *db, int64_t now, const char *phone, const char *text);

/* The dev inbox: the newest `limit` (1..1000) messages for `phone` ("" for all), newest
 * first, as a new array [{"phone","text","created_at"}] the caller owns. PARTA_EINVAL for a
 * bad limit, PARTA_EIO on a database error, PARTA_ENOMEM; *out is NULL on failure. */
int sms_outbox(struct db *db, const char *phone, int limit, json_t **out);

/* ---- exposed for tests ---- */

/* Fills `tmpl`, replacing every {phone} and {text}. The values are JSON-escaped (without the
 * enclosing quotes) when `content_type` is application/json (parameters such as "; charset"
 * allowed), percent-encoded when it is application/x-www-form-urlencoded, inserted as they are
 * otherwise. Other braces are kept. PARTA_OK and a malloc'ed *out the caller frees;
 * PARTA_EINVAL when a value is not valid UTF-8 (JSON), PARTA_ENOMEM. */
int sms_fill_template(const char *tmpl, const char *content_type, const char *phone,
		      const char *text, char **out);

/* The phone for logs: the first 5 and the last 4 characters around "***" ("+7999***4567");
 * just "***" when shorter than 10 characters. */
void sms_mask_phone(const char *phone, char *buf, size_t len);

#endif
