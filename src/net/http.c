#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/err.h"

const char *http_method_name(enum http_method m)
{
	static const char *const names[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD",
					    "OPTIONS", "OTHER"};
	return (unsigned)m < sizeof names / sizeof names[0] ? names[m] : "OTHER";
}

int http_status_for(int err)
{
	switch ((enum parta_err)err) {
	case PARTA_OK: return 200;
	case PARTA_EINVAL: return 400;
	case PARTA_EUNAUTH: return 401;
	case PARTA_EFORBIDDEN: return 403;
	case PARTA_ENOTFOUND: return 404;
	case PARTA_EMETHOD: return 405;
	case PARTA_ECONFLICT: return 409;
	case PARTA_ETOOLARGE: return 413;
	case PARTA_EMEDIATYPE: return 415;
	case PARTA_EVALIDATION: return 422;
	case PARTA_ETHROTTLED: return 429;
	case PARTA_EFULL: return 503;
	case PARTA_EUNAVAILABLE: return 503;
	case PARTA_ENOMEM:
	case PARTA_EIO:
	case PARTA_ESCHEMA: return 500;
	}
	return 500;
}

void http_resp_reset(struct http_resp *resp)
{
	free(resp->body);
	for (size_t i = 0; i < resp->nheaders; i++)
		free(resp->headers[i].value);
	memset(resp, 0, sizeof *resp);
}

void http_text(struct http_resp *resp, int status, const char *content_type, const char *text,
	       size_t len)
{
	free(resp->body);
	resp->body = NULL;
	resp->body_len = 0;
	resp->status = status;
	resp->content_type = content_type;
	if (len > 0) {
		resp->body = malloc(len);
		if (resp->body == NULL) {
			resp->status = 500;
			return;
		}
		memcpy(resp->body, text, len);
		resp->body_len = len;
	}
}

void http_json(struct http_resp *resp, int status, json_t *body)
{
	free(resp->body);
	resp->body = NULL;
	resp->body_len = 0;
	resp->status = status;
	resp->content_type = "application/json; charset=utf-8";
	if (body == NULL)
		return;
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (text == NULL) {
		resp->status = 500;
		return;
	}
	resp->body = text;
	resp->body_len = strlen(text);
}

void http_error(struct http_resp *resp, int err, const char *code, const char *message)
{
	json_t *body = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", message);
	http_json(resp, http_status_for(err), body);
}

int http_header_add(struct http_resp *resp, const char *name, const char *value)
{
	if (resp->nheaders == HTTP_MAX_RESP_HEADERS)
		return PARTA_EFULL;
	char *copy = strdup(value);
	if (copy == NULL)
		return PARTA_ENOMEM;
	size_t i = resp->nheaders++;
	snprintf(resp->headers[i].name, sizeof resp->headers[i].name, "%s:", name);
	for (char *p = resp->headers[i].name; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	resp->headers[i].value = copy;
	return PARTA_OK;
}

static bool http_is_json_type(const char *ct)
{
	if (ct == NULL)
		return false;
	size_t n = strlen("application/json");
	return strncasecmp(ct, "application/json", n) == 0 && (ct[n] == '\0' || ct[n] == ';' ||
								 ct[n] == ' ');
}

int http_json_object(struct http_req *req, json_t **out)
{
	*out = NULL;
	if (!http_is_json_type(req->content_type)) {
		http_error(&req->resp, PARTA_EMEDIATYPE, "unsupported_media_type",
			   "Ожидается тело запроса в формате JSON (Content-Type: application/json)");
		return PARTA_EMEDIATYPE;
	}
	json_error_t jerr;
	json_t *root = json_loadb(req->body ? req->body : "", req->body_len,
				  JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
				  &jerr);
	if (root == NULL) {
		char msg[256];
		snprintf(msg, sizeof msg, "Некорректный JSON: %s (строка %d, позиция %d)", jerr.text,
			 jerr.line, jerr.column);
		http_error(&req->resp, PARTA_EINVAL, "bad_json", msg);
		return PARTA_EINVAL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		http_error(&req->resp, PARTA_EVALIDATION, "validation",
			   "Тело запроса должно быть JSON-объектом");
		return PARTA_EVALIDATION;
	}
	*out = root;
	return PARTA_OK;
}

int http_cookie(const struct http_req *req, const char *name, char *buf, size_t len)
{
	if (req->cookie == NULL)
		return PARTA_ENOTFOUND;
	size_t nlen = strlen(name);
	const char *p = req->cookie;
	while (*p) {
		while (*p == ' ' || *p == ';')
			p++;
		const char *end = strchr(p, ';');
		size_t plen = end ? (size_t)(end - p) : strlen(p);
		if (plen > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			size_t vlen = plen - nlen - 1;
			if (vlen + 1 > len)
				return PARTA_ETOOLARGE;
			memcpy(buf, p + nlen + 1, vlen);
			buf[vlen] = '\0';
			return PARTA_OK;
		}
		p += plen;
	}
	return PARTA_ENOTFOUND;
}

const char *http_param(const struct http_req *req, const char *name)
{
	size_t len = strlen(name);
	for (size_t i = 0; i < req->nparams; i++)
		if (req->params[i].name_len == len && memcmp(req->params[i].name, name, len) == 0)
			return req->params[i].value;
	return NULL;
}

void http_req_free(struct http_req *req)
{
	if (req == NULL)
		return;
	free(req->path);
	free(req->query);
	free(req->content_type);
	free(req->cookie);
	free(req->authorization);
	free(req->csrf_token);
	free(req->if_none_match);
	free(req->origin);
	free(req->host);
	free(req->body);
	http_resp_reset(&req->resp);
	free(req);
}
