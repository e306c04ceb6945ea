/* sms.c — the SMS gateway: the dev inbox (a table) and the http backend (libcurl). */
#include "sms.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../core/err.h"
#include "../core/utf8.h"
#include "../core/vec.h"
#include "../util/log.h"

struct sms_gateway {
	struct sms_config cfg;
};

struct sms_config sms_config_default(void)
{
	struct sms_config c;
	memset(&c, 0, sizeof c);
	c.backend = SMS_BACKEND_NONE;
	snprintf(c.body_template, sizeof c.body_template, "%s",
		 "{\"phone\":\"{phone}\",\"text\":\"{text}\"}");
	snprintf(c.content_type, sizeof c.content_type, "application/json");
	c.timeout_ms = 5000;
	c.retries = 2;
	return c;
}

static const char *const sms_backend_names[] = {"none", "dev", "http"};

int sms_backend_parse(const char *name, enum sms_backend *out)
{
	for (size_t i = 0; i < sizeof sms_backend_names / sizeof sms_backend_names[0]; i++) {
		if (strcmp(name, sms_backend_names[i]) == 0) {
			*out = (enum sms_backend)i;
			return PARTA_OK;
		}
	}
	return PARTA_EINVAL;
}

const char *sms_backend_name(enum sms_backend backend)
{
	return (unsigned)backend < sizeof sms_backend_names / sizeof sms_backend_names[0]
		       ? sms_backend_names[backend]
		       : "unknown";
}

/* ---- opening ---- */

/* "Name: value": a token before the colon, no line breaks anywhere. */
static bool sms_header_valid(const char *h)
{
	const char *colon = strchr(h, ':');
	if (colon == NULL || colon == h || strpbrk(h, "\r\n") != NULL)
		return false;
	for (const char *p = h; p < colon; p++)
		if (*p <= ' ' || *p >= 127)
			return false;
	return true;
}

static int sms_check_http(const struct sms_config *cfg, char *err, size_t errlen)
{
	if (cfg->url[0] == '\0') {
		snprintf(err, errlen, "[sms] gateway = http needs [sms] url");
		return PARTA_EINVAL;
	}
	if (strncmp(cfg->url, "http://", 7) != 0 && strncmp(cfg->url, "https://", 8) != 0) {
		snprintf(err, errlen, "[sms] url must start with http:// or https://");
		return PARTA_EINVAL;
	}
	if (cfg->content_type[0] == '\0' || strpbrk(cfg->content_type, "\r\n") != NULL) {
		snprintf(err, errlen, "[sms] content_type must be a media type");
		return PARTA_EINVAL;
	}
	if (cfg->auth_header[0] != '\0' && !sms_header_valid(cfg->auth_header)) {
		/* The value may be a secret: the message does not repeat it. */
		snprintf(err, errlen, "[sms] auth_header must look like \"Name: value\"");
		return PARTA_EINVAL;
	}
	return PARTA_OK;
}

int sms_gateway_open(const struct sms_config *cfg, char *err, size_t errlen, struct sms_gateway **out)
{
	if (cfg->backend != SMS_BACKEND_NONE && cfg->backend != SMS_BACKEND_DEV &&
	    cfg->backend != SMS_BACKEND_HTTP) {
		snprintf(err, errlen, "[sms] gateway must be none, dev or http");
		return PARTA_EINVAL;
	}
	if (cfg->timeout_ms < 100 || cfg->timeout_ms > 60000) {
		snprintf(err, errlen, "[sms] timeout_ms must be 100..60000");
		return PARTA_EINVAL;
	}
	if (cfg->retries < 0 || cfg->retries > 5) {
		snprintf(err, errlen, "[sms] retries must be 0..5");
		return PARTA_EINVAL;
	}
	if (cfg->backend == SMS_BACKEND_HTTP) {
		int rc = sms_check_http(cfg, err, errlen);
		if (rc != PARTA_OK)
			return rc;
	}
	struct sms_gateway *gw = calloc(1, sizeof *gw);
	if (gw == NULL) {
		snprintf(err, errlen, "out of memory");
		return PARTA_ENOMEM;
	}
	gw->cfg = *cfg;
	*out = gw;
	return PARTA_OK;
}

void sms_gateway_close(struct sms_gateway *gw) { free(gw); }

enum sms_backend sms_gateway_backend(const struct sms_gateway *gw)
{
	return gw ? gw->cfg.backend : SMS_BACKEND_NONE;
}

/* ---- the body template ---- */

void sms_mask_phone(const char *phone, char *buf, size_t len)
{
	size_t n = strlen(phone);
	if (n < 10)
		snprintf(buf, len, "***");
	else
		snprintf(buf, len, "%.5s***%s", phone, phone + n - 4);
}

/* A growing string. */
struct sms_buf {
	char *s;
	size_t len, cap;
};

static int sms_buf_add(struct sms_buf *b, const char *s, size_t n)
{
	if (vec_reserve((void **)&b->s, &b->cap, b->len + n + 1, 1) != PARTA_OK)
		return PARTA_ENOMEM;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return PARTA_OK;
}

/* True when the media type (before any ';') is `want`, case-insensitively. */
static bool sms_media_is(const char *content_type, const char *want)
{
	size_t n = strcspn(content_type, "; \t");
	return n == strlen(want) && strncasecmp(content_type, want, n) == 0;
}

/* A JSON string's contents, escaped as jansson escapes them, without the quotes. */
static int sms_add_json(struct sms_buf *b, const char *value)
{
	json_t *s = json_string(value);
	if (s == NULL)
		return PARTA_EINVAL;
	char *dumped = json_dumps(s, JSON_ENCODE_ANY);
	json_decref(s);
	if (dumped == NULL)
		return PARTA_ENOMEM;
	int rc = sms_buf_add(b, dumped + 1, strlen(dumped) - 2);
	free(dumped);
	return rc;
}

/* application/x-www-form-urlencoded: unreserved characters as they are, the rest %XX. */
static int sms_add_form(struct sms_buf *b, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		char enc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
		bool plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			     (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL;
		int rc = plain ? sms_buf_add(b, (const char *)p, 1) : sms_buf_add(b, enc, 3);
		if (rc != PARTA_OK)
			return rc;
	}
	return PARTA_OK;
}

static int sms_add_value(struct sms_buf *b, const char *content_type, const char *value)
{
	if (sms_media_is(content_type, "application/json"))
		return sms_add_json(b, value);
	if (sms_media_is(content_type, "application/x-www-form-urlencoded"))
		return sms_add_form(b, value);
	return sms_buf_add(b, value, strlen(value));
}

int sms_fill_template(const char *tmpl, const char *content_type, const char *phone,
		      const char *text, char **out)
{
	*out = NULL;
	struct sms_buf b = {0};
	int rc = sms_buf_add(&b, "", 0);
	for (const char *p = tmpl; rc == PARTA_OK && *p;) {
		if (strncmp(p, "{phone}", 7) == 0) {
			rc = sms_add_value(&b, content_type, phone);
			p += 7;
		} else if (strncmp(p, "{text}", 6) == 0) {
			rc = sms_add_value(&b, content_type, text);
			p += 6;
		} else {
			size_t n = strcspn(p + 1, "{") + 1;
			rc = sms_buf_add(&b, p, n);
			p += n;
		}
	}
	if (rc != PARTA_OK) {
		free(b.s);
		return rc;
	}
	*out = b.s;
	return PARTA_OK;
}

/* ---- sending ---- */

static bool sms_phone_valid(const char *phone)
{
	size_t n = strlen(phone);
	if (phone[0] != '+' || n < 11 || n > 16)
		return false;
	return strspn(phone + 1, "0123456789") == n - 1;
}

static int sms_send_dev(struct db *db, int64_t now, const char *phone, const char *text)
{
	sqlite3_stmt *st =
		db_stmt(db, "INSERT INTO sms_outbox(phone, text, created_at) VALUES (?, ?, ?)");
	if (st == NULL)
		return PARTA_EIO;
	sqlite3_bind_text(st, 1, phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	int step = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (step != SQLITE_DONE) {
		log_msg(LOG_ERROR, "sms", "outbox_insert_failed error=\"%s\"", db_errmsg(db));
		return PARTA_EIO;
	}
	return PARTA_OK;
}

static size_t sms_discard(char *data, size_t size, size_t n, void *ctx)
{
	(void)data, (void)ctx;
	return size * n;
}

static int64_t sms_clock_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One POST with at most `budget_ms`. Returns the CURLcode; *status the HTTP status (0 when
 * none came). */
static CURLcode sms_post(const struct sms_config *cfg, struct curl_slist *headers,
			 const char *body, int64_t budget_ms, long *status)
{
	*status = 0;
	CURL *c = curl_easy_init();
	if (c == NULL)
		return CURLE_OUT_OF_MEMORY;
	CURLcode rc = CURLE_OK;
	/* Each setopt is checked: a refused option would change what is sent. */
	if ((rc = curl_easy_setopt(c, CURLOPT_URL, cfg->url)) != CURLE_OK ||
	    (rc = curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https")) != CURLE_OK ||
	    (rc = curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L)) != CURLE_OK ||
	    (rc = curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers)) != CURLE_OK ||
	    (rc = curl_easy_setopt(c, CURLOPT_POSTFIELDS, body)) != CURLE_OK ||
	    (rc = curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body))) != CURLE_OK ||
	    (rc = curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)budget_ms)) != CURLE_OK ||
	    (rc = curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)budget_ms)) != CURLE_OK ||
	    (rc = curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sms_discard)) != CURLE_OK ||
	    (rc = curl_easy_perform(c)) != CURLE_OK) {
		curl_easy_cleanup(c);
		return rc;
	}
	rc = curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	curl_easy_cleanup(c);
	return rc;
}

/* The request headers: content type, the optional auth header, and no "Expect: 100-continue"
 * (a gateway need not speak it). NULL when out of memory. */
static struct curl_slist *sms_headers(const struct sms_config *cfg)
{
	char ct[96];
	snprintf(ct, sizeof ct, "Content-Type: %s", cfg->content_type);
	struct curl_slist *h = curl_slist_append(NULL, ct), *next;
	if (h == NULL || (next = curl_slist_append(h, "Expect:")) == NULL)
		goto fail;
	h = next;
	if (cfg->auth_header[0] != '\0') {
		if ((next = curl_slist_append(h, cfg->auth_header)) == NULL)
			goto fail;
		h = next;
	}
	return h;
fail:
	curl_slist_free_all(h);
	return NULL;
}

static int sms_send_http(const struct sms_config *cfg, const char *masked, const char *phone,
			 const char *text)
{
	char *body = NULL;
	int rc = sms_fill_template(cfg->body_template, cfg->content_type, phone, text, &body);
	if (rc != PARTA_OK)
		return rc == PARTA_ENOMEM ? PARTA_EIO : rc;
	struct curl_slist *headers = sms_headers(cfg);
	if (headers == NULL) {
		free(body);
		log_msg(LOG_ERROR, "sms", "send_failed backend=http phone=%s error=nomem", masked);
		return PARTA_EIO;
	}
	int64_t deadline = sms_clock_ms() + cfg->timeout_ms;
	long status = 0;
	CURLcode cc = CURLE_OK;
	int attempt = 0;
	for (int64_t left = cfg->timeout_ms; attempt <= cfg->retries && left > 0;
	     left = deadline - sms_clock_ms()) {
		attempt++;
		cc = sms_post(cfg, headers, body, left, &status);
		if (cc == CURLE_OK && status < 500)
			break;
	}
	curl_slist_free_all(headers);
	free(body);
	if (cc == CURLE_OK && status >= 200 && status < 300) {
		log_msg(LOG_INFO, "sms", "sent backend=http phone=%s status=%ld attempts=%d", masked,
			status, attempt);
		return PARTA_OK;
	}
	log_msg(LOG_WARN, "sms", "send_failed backend=http phone=%s status=%ld attempts=%d error=\"%s\"",
		masked, status, attempt, cc == CURLE_OK ? "not 2xx" : curl_easy_strerror(cc));
	return PARTA_EIO;
}

int sms_send(struct sms_gateway *gw, struct db *db, int64_t now, const char *phone, const char *text)
{
	char masked[32];
	sms_mask_phone(phone, masked, sizeof masked);
	if (!sms_phone_valid(phone) || text[0] == '\0' || !utf8_valid_text(text, strlen(text)))
		return PARTA_EINVAL;
	switch (sms_gateway_backend(gw)) {
	case SMS_BACKEND_DEV: {
		int rc = db ? sms_send_dev(db, now, phone, text) : PARTA_EIO;
		if (rc == PARTA_OK)
			log_msg(LOG_INFO, "sms", "sent backend=dev phone=%s", masked);
		return rc;
	}
	case SMS_BACKEND_HTTP:
		return sms_send_http(&gw->cfg, masked, phone, text);
	case SMS_BACKEND_NONE:
		break;
	}
	log_msg(LOG_WARN, "sms", "send_failed backend=none phone=%s error=\"no gateway configured\"",
		masked);
	return PARTA_EIO;
}

/* ---- the dev inbox ---- */

int sms_outbox(struct db *db, const char *phone, int limit, json_t **out)
{
	*out = NULL;
	if (limit < 1 || limit > 1000)
		return PARTA_EINVAL;
	sqlite3_stmt *st = db_stmt(db, "SELECT phone, text, created_at FROM sms_outbox"
				       " WHERE ?1 = '' OR phone = ?1 ORDER BY id DESC LIMIT ?2");
	if (st == NULL)
		return PARTA_EIO;
	json_t *list = json_array();
	if (list == NULL)
		return PARTA_ENOMEM;
	sqlite3_bind_text(st, 1, phone, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, limit);
	int step = SQLITE_DONE, rc = PARTA_OK;
	while (rc == PARTA_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *m = json_pack("{s:s, s:s, s:I}", "phone",
				      (const char *)sqlite3_column_text(st, 0), "text",
				      (const char *)sqlite3_column_text(st, 1), "created_at",
				      (json_int_t)sqlite3_column_int64(st, 2));
		if (m == NULL || json_array_append_new(list, m) != 0)
			rc = PARTA_ENOMEM;
	}
	if (rc == PARTA_OK && step != SQLITE_DONE)
		rc = PARTA_EIO;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != PARTA_OK) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return PARTA_OK;
}
