/* media.c — Janus's VideoRoom through the admin API's message_plugin requests (libcurl). */
#include "media.h"

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/vec.h"

/* VideoRoom's error codes that mean something to us (plugins/janus_videoroom.c). */
#define MEDIA_NO_SUCH_ROOM 426
#define MEDIA_ROOM_EXISTS 427
#define MEDIA_NO_SUCH_FEED 428 /* no such participant, or no such stream of it */

struct media {
	struct media_config cfg;
};

struct media_config media_config_default(void)
{
	struct media_config c;
	memset(&c, 0, sizeof c);
	c.timeout_ms = 3000;
	return c;
}

static bool media_url_ok(const char *url)
{
	return strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;
}

int media_open(const struct media_config *cfg, char *err, size_t errlen, struct media **out)
{
	if (cfg->admin_url[0] == '\0' || !media_url_ok(cfg->admin_url)) {
		snprintf(err, errlen, "[media] admin_url must be an http:// or https:// address");
		return PARTA_EINVAL;
	}
	if (cfg->public_url[0] == '\0' || !media_url_ok(cfg->public_url)) {
		snprintf(err, errlen, "[media] public_url must be an http:// or https:// address");
		return PARTA_EINVAL;
	}
	if (cfg->admin_secret[0] == '\0') {
		snprintf(err, errlen, "[media] admin_secret is required (Janus's admin_secret)");
		return PARTA_EINVAL;
	}
	if (cfg->timeout_ms < 100 || cfg->timeout_ms > 60000) {
		snprintf(err, errlen, "[media] timeout_ms must be 100..60000");
		return PARTA_EINVAL;
	}
	struct media *m = calloc(1, sizeof *m);
	if (m == NULL)
		return PARTA_ENOMEM;
	m->cfg = *cfg;
	*out = m;
	return PARTA_OK;
}

void media_close(struct media *m)
{
	free(m);
}

const char *media_public_url(const struct media *m)
{
	return m->cfg.public_url;
}

void media_public_origin(const struct media *m, char *out, size_t len)
{
	const char *url = m->cfg.public_url, *host = strstr(url, "://");
	size_t n = host != NULL ? (size_t)(host + 3 - url) + strcspn(host + 3, "/?#") : 0;
	if (n == 0 || n >= len)
		n = 0;
	snprintf(out, len, "%.*s", (int)n, url);
}

struct media_body {
	char *data;
	size_t len, cap;
};

static size_t media_collect(char *data, size_t size, size_t n, void *ctx)
{
	struct media_body *body = ctx;
	size_t len = size * n;
	/* Janus's answers are small; a runaway answer is cut off (the transfer then fails). */
	if (body->len + len > 1u << 20 ||
	    vec_reserve((void **)&body->data, &body->cap, body->len + len, 1) != PARTA_OK)
		return 0;
	memcpy(body->data + body->len, data, len);
	body->len += len;
	return len;
}

/* POSTs one plugin request; on success *response is VideoRoom's "response" object (a new
 * reference). */
static int media_call(const struct media *m, json_t *request, json_t **response, char *why,
		      size_t whylen)
{
	char transaction[17];
	unsigned char raw[8];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(transaction, sizeof transaction, raw, sizeof raw);
	json_t *msg = json_pack("{s:s,s:s,s:s,s:s,s:o}", "janus", "message_plugin", "transaction",
				transaction, "admin_secret", m->cfg.admin_secret, "plugin",
				"janus.plugin.videoroom", "request", request);
	char *text = msg != NULL ? json_dumps(msg, JSON_COMPACT) : NULL;
	json_decref(msg);
	if (text == NULL)
		return PARTA_ENOMEM;

	struct media_body body = {0};
	CURL *c = curl_easy_init();
	struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
	CURLcode cc = CURLE_OUT_OF_MEMORY;
	long status = 0;
	if (c != NULL && headers != NULL &&
	    (cc = curl_easy_setopt(c, CURLOPT_URL, m->cfg.admin_url)) == CURLE_OK &&
	    (cc = curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https")) == CURLE_OK &&
	    (cc = curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L)) == CURLE_OK &&
	    (cc = curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers)) == CURLE_OK &&
	    (cc = curl_easy_setopt(c, CURLOPT_POSTFIELDS, text)) == CURLE_OK &&
	    (cc = curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)m->cfg.timeout_ms)) == CURLE_OK &&
	    (cc = curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)m->cfg.timeout_ms)) ==
		    CURLE_OK &&
	    (cc = curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, media_collect)) == CURLE_OK &&
	    (cc = curl_easy_setopt(c, CURLOPT_WRITEDATA, &body)) == CURLE_OK)
		cc = curl_easy_perform(c);
	if (cc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	free(text);
	if (cc != CURLE_OK || status != 200) {
		snprintf(why, whylen, "%s",
			 cc != CURLE_OK ? curl_easy_strerror(cc) : "unexpected HTTP status");
		free(body.data);
		return cc == CURLE_OUT_OF_MEMORY ? PARTA_ENOMEM : PARTA_EUNAVAILABLE;
	}

	json_t *answer = json_loadb(body.data, body.len, 0, NULL);
	free(body.data);
	const char *janus = json_string_value(json_object_get(answer, "janus"));
	json_t *resp = json_object_get(answer, "response");
	if (janus == NULL || strcmp(janus, "success") != 0 || !json_is_object(resp)) {
		const char *reason =
			json_string_value(json_object_get(json_object_get(answer, "error"), "reason"));
		snprintf(why, whylen, "%s", reason != NULL ? reason : "unexpected answer");
		json_decref(answer);
		return PARTA_EIO;
	}
	json_int_t code = json_integer_value(json_object_get(resp, "error_code"));
	if (code != 0) {
		const char *reason = json_string_value(json_object_get(resp, "error"));
		snprintf(why, whylen, "%s", reason != NULL ? reason : "videoroom error");
		json_decref(answer);
		return code == MEDIA_NO_SUCH_ROOM || code == MEDIA_NO_SUCH_FEED ? PARTA_ENOTFOUND
		       : code == MEDIA_ROOM_EXISTS				? PARTA_ECONFLICT
										: PARTA_EIO;
	}
	*response = json_incref(resp);
	json_decref(answer);
	return PARTA_OK;
}

static int media_request(const struct media *m, json_t *request, char *why, size_t whylen)
{
	if (request == NULL)
		return PARTA_ENOMEM;
	json_t *resp = NULL;
	int rc = media_call(m, request, &resp, why, whylen);
	json_decref(resp);
	return rc;
}

int media_room_create(const struct media *m, const struct media_room *room, char *why,
		      size_t whylen)
{
	/* An empty allowed list switches the token check on: only grant holders enter as
	 * publishers. Subscribing needs the pin and (require_pvtid) the private id of one's own
	 * publisher, so only those who entered watch. The plugin's admin_key, when Janus has one
	 * (scripts/janus.sh sets it to the admin secret), keeps room creation to Parta. */
	json_t *req = json_pack("{s:s,s:I,s:b,s:b,s:s,s:s,s:s,s:s,s:i,s:i,s:[],s:b,s:b}",
				"request", "create", "room", (json_int_t)room->room, "permanent",
				0, "is_private", 1, "admin_key", m->cfg.admin_secret,
				"description", room->description, "secret", room->secret, "pin",
				room->pin, "publishers", room->publishers, "bitrate",
				room->bitrate, "allowed", "notify_joining", 1, "require_pvtid", 1);
	int rc = media_request(m, req, why, whylen);
	return rc == PARTA_ECONFLICT ? PARTA_OK : rc;
}

int media_room_destroy(const struct media *m, uint64_t room, const char *secret, char *why,
		       size_t whylen)
{
	json_t *req = json_pack("{s:s,s:I,s:s,s:b}", "request", "destroy", "room",
				(json_int_t)room, "secret", secret, "permanent", 0);
	int rc = media_request(m, req, why, whylen);
	return rc == PARTA_ENOTFOUND ? PARTA_OK : rc;
}

int media_room_allow(const struct media *m, uint64_t room, const char *secret, const char *token,
		     bool allow, char *why, size_t whylen)
{
	json_t *req = json_pack("{s:s,s:I,s:s,s:s,s:[s]}", "request", "allowed", "room",
				(json_int_t)room, "secret", secret, "action",
				allow ? "add" : "remove", "allowed", token);
	return media_request(m, req, why, whylen);
}

int media_room_moderate(const struct media *m, uint64_t room, const char *secret, uint64_t feed,
			const char *mid, bool mute, char *why, size_t whylen)
{
	json_t *req = json_pack("{s:s,s:I,s:s,s:I,s:s,s:b}", "request", "moderate", "room",
				(json_int_t)room, "secret", secret, "id", (json_int_t)feed, "mid",
				mid, "mute", mute);
	return media_request(m, req, why, whylen);
}
