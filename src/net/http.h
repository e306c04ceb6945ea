/* http.h — one HTTP request and its response, independent of libwebsockets.
 *
 * The server (server.c) fills a `struct http_req` from the wire, the API layer reads it and
 * fills `req->resp`, and the server writes that out. A request and everything it points to is
 * owned by the server and freed with http_req_free() — except while it is handed to a worker
 * (see srv_async_done in server.h). Response bodies are heap strings owned by the response. */
#ifndef PARTA_NET_HTTP_H
#define PARTA_NET_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum http_method { HTTP_GET = 0, HTTP_POST, HTTP_PUT, HTTP_PATCH, HTTP_DELETE, HTTP_HEAD,
		   HTTP_OPTIONS, HTTP_OTHER };

#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_RESP_HEADERS 8

struct http_param {
	const char *name; /* points into the static route pattern: not NUL-terminated */
	size_t name_len;
	char value[128];
};

struct http_resp {
	int status;
	const char *content_type; /* static string */
	char *body;               /* owned; may be NULL for an empty body */
	size_t body_len;
	size_t nheaders;
	struct {
		char name[40];  /* lower case, with the trailing colon: "set-cookie:" */
		char *value;    /* owned */
	} headers[HTTP_MAX_RESP_HEADERS];
	bool close;               /* close the connection after the response */
};

struct http_req {
	enum http_method method;
	char *path;          /* without the query string */
	char *query;         /* raw query string, NULL when none */
	char *content_type;  /* NULL when absent */
	char *cookie;        /* the Cookie header, NULL when absent */
	char *authorization; /* the Authorization header, NULL when absent */
	char *csrf_token;    /* the X-CSRF-Token header, NULL when absent */
	char *if_none_match; /* NULL when absent */
	char *origin;        /* NULL when absent */
	char *host;          /* NULL when absent */
	char addr[64];       /* the peer's address */
	char *body;
	size_t body_len;
	size_t nparams;
	struct http_param params[HTTP_MAX_PARAMS];
	const char *route_name; /* the matched route pattern (metrics label) */
	double started;         /* monotonic seconds */
	struct http_resp resp;
	/* Server bookkeeping. */
	void *conn;       /* the server's connection, NULL once it closed */
	bool async;       /* a worker holds the request */
	bool responded;   /* resp is final */
};

const char *http_method_name(enum http_method m);

/* The HTTP status for a Parta error code (core/err.h). The one place where this is decided. */
int http_status_for(int err);

/* Sets `resp` to the JSON error body {"error":{"code":…,"message":…}} with the status for
 * `err`. `code` is a stable machine-readable word, `message` Russian text for people. */
void http_error(struct http_resp *resp, int err, const char *code, const char *message);

/* Sets `resp` to `status` with `body` serialized as JSON. Steals the reference to `body`
 * (it is released here, also on failure). NULL body gives an empty response. */
void http_json(struct http_resp *resp, int status, json_t *body);

/* Sets a plain body (copied). */
void http_text(struct http_resp *resp, int status, const char *content_type, const char *text,
	       size_t len);

/* Adds a response header (value copied). Returns PARTA_EFULL when the table is full. */
int http_header_add(struct http_resp *resp, const char *name, const char *value);

/* Parses the request body as a JSON object. On success returns PARTA_OK and *out owns a
 * reference (json_decref it). On failure sets the error response (415 not JSON, 400 malformed
 * or not UTF-8, 422 not an object) and returns the error. */
int http_json_object(struct http_req *req, json_t **out);

/* Copies the value of cookie `name` into buf (NUL-terminated). PARTA_ENOTFOUND when absent,
 * PARTA_ETOOLARGE when it does not fit. */
int http_cookie(const struct http_req *req, const char *name, char *buf, size_t len);

/* The value of a path parameter, or NULL. */
const char *http_param(const struct http_req *req, const char *name);

void http_resp_reset(struct http_resp *resp);
void http_req_free(struct http_req *req);

#endif
