#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ev.h>
#include <libwebsockets.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../api/api.h"
#include "../core/err.h"
#include "../util/log.h"
#include "outq.h"

#define SRV_WRITE_CHUNK (32 * 1024)

struct ws_conn {
	struct srv *srv;
	struct lws *wsi;
	struct ws_conn *prev, *next;
	struct outq queue;
	int64_t account_id;     /* a journal account's connection, or */
	int64_t profile_id;     /* a messenger profile's */
	int64_t person_id;      /* the account's person: events about them come here */
	/* Chains of the connections of one person / one profile (srv buckets), so that an event
	 * finds its readers without scanning every connection. */
	struct ws_conn *person_next, *person_prev, *profile_next, *profile_prev;
	char *rx;               /* the message being reassembled */
	size_t rx_len;
	bool rx_overflow;
	bool closing;           /* a close is scheduled: send the reason at the next writable */
	double heard_at;        /* when the peer last sent anything (a pong too) */
	bool ping_sent;         /* a ping was due since then, at pinged_at (srv_keepalive) */
	double pinged_at;
	bool ping_wanted;       /* that ping is still to be written, at the next writable */
	enum lws_close_status close_code;
	char close_reason[64];
};

/* Per-connection user data of our one protocol: an HTTP transaction or a WebSocket. */
struct srv_conn {
	struct lws *wsi;
	struct http_req *req;    /* the current HTTP transaction, NULL between transactions */
	size_t sent;             /* body bytes written */
	bool headers_sent;
	bool head_only;
	int64_t ws_account;      /* set when the upgrade was admitted: a journal account */
	int64_t ws_profile;      /* … or a messenger profile */
	struct ws_conn *ws;
};

struct srv {
	struct srv_config cfg;
	struct app *app;
	/* lws runs in our libev loop (epoll): its own poll() loop walks every descriptor on
	 * every pass, which thousands of idle messenger connections make the main cost. */
	struct ev_loop *loop;
	struct lws_context *ctx;
	struct lws_vhost *vhost;
	struct work *work;
	struct metrics metrics;
	struct ws_conn *ws_list;
#define SRV_BUCKETS 4096
	struct ws_conn *by_person[SRV_BUCKETS], *by_profile[SRV_BUCKETS];
	/* WAL checkpoints run on a worker over their own connection, so that no commit of the
	 * loop waits for one (the loop's connection has auto-checkpoints off). */
	struct db *checkpoint_db;
	bool checkpoint_running;
	double checkpoint_at;
	double keepalive_at; /* the last srv_keepalive sweep */
	/* The once-a-second tick of timed work (app/vconf.h: conferences start and end by
	 * themselves): a timer wakes the loop, which then runs api_tick. */
	lws_sorted_usec_list_t tick_timer;
	double tick_at;
	bool tick_now;
	volatile sig_atomic_t stop;
	int port;
	/* The security headers of every response (srv_security_headers). */
	char csp[600];
	struct lws_protocol_vhost_options headers[5];
};

/* The headers libwebsockets' "security best practices" option adds, but with
 * cfg.connect_origin allowed in connect-src: the call page talks to Janus's HTTP API, which
 * lives on another port or host. */
static void srv_security_headers(struct srv *srv)
{
	snprintf(srv->csp, sizeof srv->csp,
		 "default-src 'none'; img-src 'self' data: ; script-src 'self'; font-src 'self'; "
		 "style-src 'self'; connect-src 'self' ws: wss:%s%s; frame-ancestors 'none'; "
		 "base-uri 'none';form-action 'self';",
		 srv->cfg.connect_origin[0] ? " " : "", srv->cfg.connect_origin);
	static const char *const names[] = {"content-security-policy:", "x-content-type-options:",
					    "x-xss-protection:", "x-frame-options:",
					    "referrer-policy:"};
	const char *values[] = {srv->csp, "nosniff", "1; mode=block", "deny", "no-referrer"};
	for (size_t i = 0; i < 5; i++)
		srv->headers[i] = (struct lws_protocol_vhost_options){
			.next = i + 1 < 5 ? &srv->headers[i + 1] : NULL,
			.name = names[i],
			.value = values[i]};
}

static double srv_monotonic(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct srv_config srv_config_default(void)
{
	struct srv_config cfg = {
		.port = 8080,
		.body_limit = 1u << 20,
		.ws_max_message = 64u << 10,
		.ws_queue_cap = 1u << 20,
		.ws_ping_secs = 30,
		.workers = 2,
	};
	snprintf(cfg.host, sizeof cfg.host, "127.0.0.1");
	snprintf(cfg.web_dir, sizeof cfg.web_dir, "web");
	return cfg;
}

struct app *srv_app(struct srv *srv) { return srv->app; }
struct work *srv_work(struct srv *srv) { return srv->work; }
struct metrics *srv_metrics(struct srv *srv) { return &srv->metrics; }
const struct srv_config *srv_config(const struct srv *srv) { return &srv->cfg; }
int srv_port(const struct srv *srv) { return srv->port; }
int64_t ws_account(const struct ws_conn *conn) { return conn->account_id; }

int64_t ws_profile(const struct ws_conn *conn) { return conn->profile_id; }

static size_t srv_bucket(int64_t id) { return (size_t)((uint64_t)id % SRV_BUCKETS); }

/* Puts a connection in (or takes it out of) the bucket chains of its person and profile. */
static void srv_chain(struct srv *srv, struct ws_conn *c, bool in)
{
	if (c->person_id != 0) {
		struct ws_conn **head = &srv->by_person[srv_bucket(c->person_id)];
		if (in) {
			c->person_prev = NULL;
			c->person_next = *head;
			if (*head)
				(*head)->person_prev = c;
			*head = c;
		} else {
			if (c->person_prev)
				c->person_prev->person_next = c->person_next;
			else
				*head = c->person_next;
			if (c->person_next)
				c->person_next->person_prev = c->person_prev;
		}
	}
	if (c->profile_id != 0) {
		struct ws_conn **head = &srv->by_profile[srv_bucket(c->profile_id)];
		if (in) {
			c->profile_prev = NULL;
			c->profile_next = *head;
			if (*head)
				(*head)->profile_prev = c;
			*head = c;
		} else {
			if (c->profile_prev)
				c->profile_prev->profile_next = c->profile_next;
			else
				*head = c->profile_next;
			if (c->profile_next)
				c->profile_next->profile_prev = c->profile_prev;
		}
	}
}

void ws_set_person(struct ws_conn *conn, int64_t person)
{
	srv_chain(conn->srv, conn, false);
	conn->person_id = person;
	srv_chain(conn->srv, conn, true);
}

/* Queues one shared event to every open WebSocket whose person (by_profile: profile) is
 * `id`. A send that closes a slow consumer only schedules the close: the chain stays intact
 * while we walk it. */
static void srv_publish_to(struct srv *srv, bool by_profile, int64_t id, struct outq_buf *b)
{
	if (id == 0)
		return;
	struct ws_conn *c = by_profile ? srv->by_profile[srv_bucket(id)] : srv->by_person[srv_bucket(id)];
	for (; c != NULL; c = by_profile ? c->profile_next : c->person_next) {
		int64_t who = by_profile ? c->profile_id : c->person_id;
		if (who == id && !c->closing)
			(void)ws_send_buf(c, b); /* a refused send closes that connection */
	}
}

/* app->publish, app->publish_profile and app->publish_profiles: the event's text is stored
 * once for all its readers. */
static void srv_publish(void *ctx, int64_t person, const char *json)
{
	struct outq_buf *b = outq_buf_new(json, strlen(json), LWS_PRE);
	if (b != NULL)
		srv_publish_to(ctx, false, person, b);
	outq_buf_unref(b);
}

static void srv_publish_profiles(void *ctx, const int64_t *profiles, size_t n, const char *json)
{
	struct outq_buf *b = outq_buf_new(json, strlen(json), LWS_PRE);
	for (size_t i = 0; b != NULL && i < n; i++)
		srv_publish_to(ctx, true, profiles[i], b);
	outq_buf_unref(b);
}

static void srv_publish_profile(void *ctx, int64_t profile, const char *json)
{
	srv_publish_profiles(ctx, &profile, 1, json);
}

struct srv *ws_srv(const struct ws_conn *conn) { return conn->srv; }

/* ---- reading a request ---- */

static char *srv_hdr(struct lws *wsi, enum lws_token_indexes token)
{
	int len = lws_hdr_total_length(wsi, token);
	if (len <= 0)
		return NULL;
	char *buf = malloc((size_t)len + 1);
	if (buf == NULL || lws_hdr_copy(wsi, buf, len + 1, token) < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static char *srv_hdr_custom(struct lws *wsi, const char *name)
{
	int nlen = (int)strlen(name);
	int len = lws_hdr_custom_length(wsi, name, nlen);
	if (len <= 0)
		return NULL;
	char *buf = malloc((size_t)len + 1);
	if (buf == NULL || lws_hdr_custom_copy(wsi, buf, len + 1, name, nlen) < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The query string, reassembled from lws's fragments ("a=1&b=2"). */
static char *srv_query(struct lws *wsi)
{
	int total = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_URI_ARGS);
	if (total <= 0)
		return NULL;
	size_t cap = (size_t)total + 64;
	char *out = calloc(1, cap);
	if (out == NULL)
		return NULL;
	size_t used = 0;
	char frag[1024];
	for (int i = 0;; i++) {
		int n = lws_hdr_copy_fragment(wsi, frag, sizeof frag, WSI_TOKEN_HTTP_URI_ARGS, i);
		if (n <= 0)
			break;
		if (used + (size_t)n + 2 > cap)
			break;
		if (used)
			out[used++] = '&';
		memcpy(out + used, frag, (size_t)n);
		used += (size_t)n;
	}
	out[used] = '\0';
	return out;
}

static enum http_method srv_method(int lws_method)
{
	switch (lws_method) {
	case LWSHUMETH_GET: return HTTP_GET;
	case LWSHUMETH_POST: return HTTP_POST;
	case LWSHUMETH_PUT: return HTTP_PUT;
	case LWSHUMETH_PATCH: return HTTP_PATCH;
	case LWSHUMETH_DELETE: return HTTP_DELETE;
	case LWSHUMETH_HEAD: return HTTP_HEAD;
	case LWSHUMETH_OPTIONS: return HTTP_OPTIONS;
	default: return HTTP_OTHER;
	}
}

/* Builds the request from the parsed headers. NULL when out of memory. */
static struct http_req *srv_req_new(struct lws *wsi, bool with_uri)
{
	struct http_req *req = calloc(1, sizeof *req);
	if (req == NULL)
		return NULL;
	req->started = srv_monotonic();
	if (with_uri) {
		char *uri = NULL;
		int ulen = 0;
		int m = lws_http_get_uri_and_method(wsi, &uri, &ulen);
		req->method = srv_method(m);
		req->path = uri ? strndup(uri, (size_t)ulen) : strdup("/");
		if (req->path == NULL) {
			free(req);
			return NULL;
		}
		req->query = srv_query(wsi);
	}
	req->content_type = srv_hdr(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE);
	req->cookie = srv_hdr(wsi, WSI_TOKEN_HTTP_COOKIE);
	req->authorization = srv_hdr(wsi, WSI_TOKEN_HTTP_AUTHORIZATION);
	req->if_none_match = srv_hdr(wsi, WSI_TOKEN_HTTP_IF_NONE_MATCH);
	req->origin = srv_hdr(wsi, WSI_TOKEN_ORIGIN);
	req->host = srv_hdr(wsi, WSI_TOKEN_HOST);
	req->csrf_token = srv_hdr_custom(wsi, "x-csrf-token:");
	lws_get_peer_simple(wsi, req->addr, sizeof req->addr);
	/* IPv4 peers of a dual-stack socket appear as ::ffff:a.b.c.d; count them as a.b.c.d. */
	if (strncmp(req->addr, "::ffff:", 7) == 0)
		memmove(req->addr, req->addr + 7, strlen(req->addr + 7) + 1);
	return req;
}

/* ---- writing a response ---- */

static void srv_schedule_write(struct lws *wsi, struct srv_conn *conn)
{
	conn->req->responded = true;
	conn->sent = 0;
	conn->headers_sent = false;
	lws_callback_on_writable(wsi);
}

static void srv_finish_req(struct srv *srv, struct srv_conn *conn)
{
	struct http_req *req = conn->req;
	metrics_request(&srv->metrics, http_method_name(req->method),
			req->route_name ? req->route_name : "unmatched", req->resp.status,
			srv_monotonic() - req->started);
	log_msg(LOG_DEBUG, "http", "method=%s path=%s status=%d ms=%.2f",
		http_method_name(req->method), req->path, req->resp.status,
		(srv_monotonic() - req->started) * 1000);
	http_req_free(req);
	conn->req = NULL;
}

/* Writes headers, then the body in chunks. Returns -1 to close the connection. */
static int srv_write_http(struct srv *srv, struct lws *wsi, struct srv_conn *conn)
{
	struct http_req *req = conn->req;
	if (req == NULL || !req->responded)
		return 0;
	struct http_resp *resp = &req->resp;
	if (!conn->headers_sent) {
		unsigned char buf[LWS_PRE + 4096 + SRV_WRITE_CHUNK];
		unsigned char *start = buf + LWS_PRE, *p = start, *end = buf + LWS_PRE + 4096 - 1;
		if (lws_add_http_common_headers(wsi, (unsigned)resp->status,
						resp->content_type ? resp->content_type
								   : "text/plain",
						resp->body_len, &p, end))
			return -1;
		for (size_t i = 0; i < resp->nheaders; i++) {
			const char *v = resp->headers[i].value;
			if (lws_add_http_header_by_name(wsi,
							(const unsigned char *)resp->headers[i].name,
							(const unsigned char *)v, (int)strlen(v), &p,
							end))
				return -1;
		}
		if (resp->close &&
		    lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION,
						 (const unsigned char *)"close", 5, &p, end))
			return -1;
		size_t body = conn->head_only ? 0 : resp->body_len;
		if (body <= SRV_WRITE_CHUNK) {
			/* Headers and a small body in one write: one writable event per response,
			 * not two (each costs the loop two epoll changes). */
			if (lws_finalize_http_header(wsi, &p, end))
				return -1;
			if (body > 0)
				memcpy(p, resp->body, body);
			p += body;
			if (lws_write(wsi, start, (size_t)(p - start), LWS_WRITE_HTTP_FINAL) <
			    (int)(p - start))
				return -1;
			conn->sent = body;
		} else if (lws_finalize_write_http_header(wsi, start, &p, end)) {
			return -1;
		}
		conn->headers_sent = true;
	} else {
		unsigned char buf[LWS_PRE + SRV_WRITE_CHUNK];
		size_t left = resp->body_len - conn->sent;
		size_t n = left < SRV_WRITE_CHUNK ? left : SRV_WRITE_CHUNK;
		memcpy(buf + LWS_PRE, resp->body + conn->sent, n);
		enum lws_write_protocol kind = n == left ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP;
		if (lws_write(wsi, buf + LWS_PRE, n, kind) < (int)n)
			return -1;
		conn->sent += n;
	}
	if (conn->headers_sent && (conn->head_only || conn->sent == resp->body_len)) {
		bool close = resp->close;
		srv_finish_req(srv, conn);
		if (close)
			return -1;
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	}
	lws_callback_on_writable(wsi);
	return 0;
}

static void srv_dispatch(struct srv *srv, struct lws *wsi, struct srv_conn *conn)
{
	struct http_req *req = conn->req;
	req->conn = conn;
	if (api_http(srv, req) == API_ASYNC) {
		req->async = true;
		return;
	}
	srv_schedule_write(wsi, conn);
}

void srv_async_done(struct http_req *req)
{
	req->async = false;
	if (req->conn == NULL) {
		http_req_free(req); /* the client went away while the worker ran */
		return;
	}
	struct srv_conn *conn = req->conn;
	srv_schedule_write(conn->wsi, conn);
}

bool srv_req_alive(const struct http_req *req) { return req->conn != NULL; }

/* ---- HTTP callbacks ---- */

static int srv_on_http(struct srv *srv, struct lws *wsi, struct srv_conn *conn)
{
	if (conn->req != NULL) {
		/* A pipelined request while the previous one is pending: refuse politely. */
		return -1;
	}
	struct http_req *req = srv_req_new(wsi, true);
	if (req == NULL)
		return -1;
	req->conn = conn;
	conn->wsi = wsi;
	conn->req = req;
	conn->head_only = req->method == HTTP_HEAD;
	char *clen = srv_hdr(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH);
	long long length = clen ? strtoll(clen, NULL, 10) : 0;
	free(clen);
	if (length < 0) {
		http_error(&req->resp, PARTA_EINVAL, "bad_request", "Некорректный Content-Length");
		req->resp.close = true;
		srv_schedule_write(wsi, conn);
	} else if ((unsigned long long)length > srv->cfg.body_limit) {
		char msg[128];
		snprintf(msg, sizeof msg, "Тело запроса больше допустимого (%zu байт)",
			 srv->cfg.body_limit);
		http_error(&req->resp, PARTA_ETOOLARGE, "payload_too_large", msg);
		/* The unread body is still on the wire: the connection cannot be reused. */
		req->resp.close = true;
		srv_schedule_write(wsi, conn);
	} else if (length == 0) {
		srv_dispatch(srv, wsi, conn);
	}
	/* Otherwise the body follows in LWS_CALLBACK_HTTP_BODY. */
	return 0;
}

static int srv_on_body(struct srv *srv, struct srv_conn *conn, const void *in, size_t len)
{
	struct http_req *req = conn->req;
	if (req == NULL || req->responded)
		return 0; /* a refused request's body: discard */
	if (req->body_len + len > srv->cfg.body_limit)
		return -1; /* more than Content-Length announced */
	char *grown = realloc(req->body, req->body_len + len + 1);
	if (grown == NULL)
		return -1;
	req->body = grown;
	if (len > 0) /* lws may hand an empty chunk with no buffer (a POST without a body) */
		memcpy(req->body + req->body_len, in, len);
	req->body_len += len;
	req->body[req->body_len] = '\0';
	return 0;
}

static void srv_http_closed(struct srv_conn *conn)
{
	struct http_req *req = conn ? conn->req : NULL;
	if (req == NULL)
		return;
	conn->req = NULL;
	if (req->async)
		req->conn = NULL; /* the worker's done callback frees it */
	else
		http_req_free(req);
}

/* ---- WebSocket ---- */

static void ws_close_with(struct ws_conn *c, enum lws_close_status code, const char *reason)
{
	if (c->closing)
		return;
	c->closing = true;
	c->close_code = code;
	snprintf(c->close_reason, sizeof c->close_reason, "%s", reason);
	outq_clear(&c->queue);
	lws_callback_on_writable(c->wsi);
	/* A peer that never reads never makes us writable: do not wait for it forever. */
	lws_set_timeout(c->wsi, PENDING_TIMEOUT_CLOSE_SEND, 5);
}

int ws_send_buf(struct ws_conn *c, struct outq_buf *b)
{
	if (c->closing)
		return PARTA_EFULL;
	int rc = outq_push_buf(&c->queue, b);
	if (rc == PARTA_EFULL) {
		c->srv->metrics.ws_closed_slow++;
		log_msg(LOG_WARN, "ws", "slow_consumer account=%lld queued=%zu",
			(long long)c->account_id, c->queue.bytes);
		ws_close_with(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, "slow consumer");
		return rc;
	}
	if (rc != PARTA_OK)
		return rc;
	lws_callback_on_writable(c->wsi);
	return PARTA_OK;
}

int ws_send(struct ws_conn *c, const char *text, size_t len)
{
	struct outq_buf *b = outq_buf_new(text, len, LWS_PRE);
	if (b == NULL)
		return PARTA_ENOMEM;
	int rc = ws_send_buf(c, b);
	outq_buf_unref(b);
	return rc;
}

static int ws_on_established(struct srv *srv, struct lws *wsi, struct srv_conn *conn)
{
	struct ws_conn *c = calloc(1, sizeof *c);
	if (c == NULL)
		return -1;
	c->srv = srv;
	c->wsi = wsi;
	c->account_id = conn->ws_account;
	c->profile_id = conn->ws_profile;
	c->heard_at = srv_monotonic();
	srv_chain(srv, c, true);
	outq_init(&c->queue, srv->cfg.ws_queue_cap, LWS_PRE);
	c->next = srv->ws_list;
	if (srv->ws_list)
		srv->ws_list->prev = c;
	srv->ws_list = c;
	conn->ws = c;
	srv->metrics.ws_open++;
	api_ws_open(c);
	return 0;
}

static void ws_on_closed(struct srv *srv, struct srv_conn *conn)
{
	struct ws_conn *c = conn ? conn->ws : NULL;
	if (c == NULL)
		return;
	conn->ws = NULL;
	api_ws_close(c);
	srv_chain(srv, c, false);
	if (c->prev)
		c->prev->next = c->next;
	else
		srv->ws_list = c->next;
	if (c->next)
		c->next->prev = c->prev;
	outq_clear(&c->queue);
	free(c->rx);
	free(c);
	srv->metrics.ws_open--;
}

static void ws_heard(struct ws_conn *c)
{
	c->heard_at = srv_monotonic();
	c->ping_sent = false;
}

static int ws_on_receive(struct srv *srv, struct lws *wsi, struct ws_conn *c, const void *in,
			 size_t len)
{
	if (c->closing)
		return 0;
	ws_heard(c);
	if (lws_frame_is_binary(wsi)) {
		ws_close_with(c, LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE, "text frames only");
		return 0;
	}
	if (lws_is_first_fragment(wsi))
		c->rx_len = 0, c->rx_overflow = false;
	if (c->rx_overflow || c->rx_len + len > srv->cfg.ws_max_message) {
		c->rx_overflow = true;
		srv->metrics.ws_closed_large++;
		ws_close_with(c, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "message too large");
		return 0;
	}
	char *grown = realloc(c->rx, c->rx_len + len + 1);
	if (grown == NULL)
		return -1;
	c->rx = grown;
	memcpy(c->rx + c->rx_len, in, len);
	c->rx_len += len;
	c->rx[c->rx_len] = '\0';
	if (lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0) {
		api_ws_message(c, c->rx, c->rx_len);
		c->rx_len = 0;
	}
	return 0;
}

static int ws_on_writeable(struct lws *wsi, struct ws_conn *c)
{
	if (c->closing) {
		lws_close_reason(wsi, c->close_code, (unsigned char *)c->close_reason,
				 strlen(c->close_reason));
		return -1;
	}
	if (c->ping_wanted) {
		/* With a payload: lws 4.1 does not report an empty pong to us. */
		unsigned char ping[LWS_PRE + 4] = {[LWS_PRE] = 'p', 'i', 'n', 'g'};
		c->ping_wanted = false;
		if (lws_write(wsi, ping + LWS_PRE, 4, LWS_WRITE_PING) < 4)
			return -1;
	}
	/* As many queued messages as the socket takes now: one writable event each would cost a
	 * pass of the loop per message under fan-out. */
	struct outq_buf *m;
	while ((m = outq_peek(&c->queue)) != NULL) {
		unsigned char *payload = m->data + c->queue.headroom;
		if (lws_write(wsi, payload, m->len, LWS_WRITE_TEXT) < (int)m->len)
			return -1;
		outq_pop(&c->queue);
		if (lws_partial_buffered(wsi))
			break; /* the socket is full: lws keeps the rest of that one */
	}
	if (outq_peek(&c->queue) != NULL)
		lws_callback_on_writable(wsi);
	return 0;
}

/* Answers a refused upgrade with 401 and a JSON body. */
static int ws_refuse(struct lws *wsi)
{
	static const char body[] = "{\"error\":{\"code\":\"unauthenticated\","
				   "\"message\":\"Требуется вход в систему\"}}";
	unsigned char buf[LWS_PRE + 1024];
	unsigned char *start = buf + LWS_PRE, *p = start, *end = buf + sizeof buf - 1;
	if (lws_add_http_common_headers(wsi, HTTP_STATUS_UNAUTHORIZED,
					"application/json; charset=utf-8", sizeof body - 1, &p,
					end) ||
	    lws_finalize_http_header(wsi, &p, end))
		return -1;
	size_t hlen = (size_t)(p - start);
	if (hlen + sizeof body - 1 > (size_t)(end - start))
		return -1;
	memcpy(p, body, sizeof body - 1);
	p += sizeof body - 1;
	if (lws_write(wsi, start, (size_t)(p - start), LWS_WRITE_HTTP_FINAL) < 0)
		return -1;
	return 1;
}

static int ws_admit(struct srv *srv, struct lws *wsi, int64_t *account, int64_t *profile)
{
	char path[64] = "";
	lws_hdr_copy(wsi, path, sizeof path, WSI_TOKEN_GET_URI);
	/* The journal's socket, and the messenger's (a browser holding both faces' cookies
	 * must be able to open the messenger one). */
	bool messenger = strcmp(path, "/api/v1/messenger/ws") == 0;
	if (!messenger && strcmp(path, "/api/v1/ws") != 0)
		return PARTA_ENOTFOUND;
	struct http_req *req = srv_req_new(wsi, false);
	if (req == NULL)
		return PARTA_ENOMEM;
	int rc = api_ws_admit(srv, req, messenger, account, profile);
	http_req_free(req);
	return rc;
}

/* ---- the protocol callback ---- */

static int srv_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
			size_t len)
{
	struct srv *srv = lws_context_user(lws_get_context(wsi));
	struct srv_conn *conn = user;
	if (reason == LWS_CALLBACK_EVENT_WAIT_CANCELLED) {
		if (srv->work)
			work_drain(srv->work);
		return 0;
	}
	if (reason == LWS_CALLBACK_HTTP_CONFIRM_UPGRADE) {
		/* Comes before lws allocates the connection's user storage: decide from headers. */
		int64_t account = 0, profile = 0;
		int rc = ws_admit(srv, wsi, &account, &profile);
		if (rc == PARTA_ENOTFOUND)
			return -1;
		return rc == PARTA_OK ? 0 : ws_refuse(wsi);
	}
	/* Connections that never got their user storage (lws internals) are not ours. */
	if (conn == NULL)
		return 0;
	switch (reason) {
	case LWS_CALLBACK_HTTP:
		return srv_on_http(srv, wsi, conn);
	case LWS_CALLBACK_HTTP_BODY:
		return srv_on_body(srv, conn, in, len);
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (conn->req != NULL && !conn->req->responded && !conn->req->async)
			srv_dispatch(srv, wsi, conn);
		return 0;
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return srv_write_http(srv, wsi, conn);
	case LWS_CALLBACK_CLOSED_HTTP:
		srv_http_closed(conn);
		return 0;
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION: {
		/* The handshake is parsed and `user` is this WebSocket's storage: admit again and
		 * remember who it is. */
		int64_t account = 0, profile = 0;
		if (ws_admit(srv, wsi, &account, &profile) != PARTA_OK)
			return 1;
		conn->ws_account = account;
		conn->ws_profile = profile;
		return 0;
	}
	case LWS_CALLBACK_ESTABLISHED:
		return ws_on_established(srv, wsi, conn);
	case LWS_CALLBACK_RECEIVE:
		return conn->ws ? ws_on_receive(srv, wsi, conn->ws, in, len) : -1;
	case LWS_CALLBACK_RECEIVE_PONG:
		if (conn->ws)
			ws_heard(conn->ws);
		return 0;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return conn->ws ? ws_on_writeable(wsi, conn->ws) : 0;
	case LWS_CALLBACK_CLOSED:
		ws_on_closed(srv, conn);
		return 0;
	case LWS_CALLBACK_WSI_DESTROY:
		/* Idempotent: whichever of CLOSED / CLOSED_HTTP / DESTROY comes first cleans up. */
		srv_http_closed(conn);
		ws_on_closed(srv, conn);
		return 0;
	default:
		return 0;
	}
}

/* ---- lifecycle ---- */

static const struct lws_protocols srv_protocols[] = {
	{"parta", srv_callback, sizeof(struct srv_conn), 4096, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0},
};

static void srv_lws_log(int level, const char *line)
{
	char copy[512];
	snprintf(copy, sizeof copy, "%s", line);
	size_t n = strlen(copy);
	while (n > 0 && (copy[n - 1] == '\n' || copy[n - 1] == '\r'))
		copy[--n] = '\0';
	log_msg(level & LLL_ERR ? LOG_ERROR : LOG_WARN, "lws", "msg=\"%s\"", copy);
}

static void srv_wake(void *ctx) { lws_cancel_service(((struct srv *)ctx)->ctx); }

/* libwebsockets reports a failed bind only in its log: try the address first so that the
 * operator gets the reason in one line. */
static int srv_probe_bind(const struct srv_config *cfg, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	memset(&ss, 0, sizeof ss);
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, cfg->host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)cfg->port);
		sslen = sizeof *v4;
	} else if (inet_pton(AF_INET6, cfg->host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)cfg->port);
		sslen = sizeof *v6;
	} else {
		snprintf(err, errlen, "cannot listen on %s:%d: not an IP address", cfg->host,
			 cfg->port);
		return PARTA_EINVAL;
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create a socket: %s", strerror(errno));
		return PARTA_EIO;
	}
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	int rc = bind(fd, (struct sockaddr *)&ss, sslen);
	int saved = errno;
	close(fd);
	if (rc != 0) {
		snprintf(err, errlen, "cannot listen on %s:%d: %s", cfg->host, cfg->port,
			 strerror(saved));
		return PARTA_EIO;
	}
	return PARTA_OK;
}

/* Keepalive is ours (srv_keepalive), not lws's: its per-connection validity timers sit in one
 * sorted list that every connection's reset walks — quadratic in connections. A policy with
 * no hangup time turns them off. */
static const lws_retry_bo_t srv_no_validity = {.secs_since_valid_ping = 0,
					       .secs_since_valid_hangup = 0};

int srv_create(const struct srv_config *cfg, struct app *app, struct srv **out, char *err,
	       size_t errlen)
{
	*out = NULL;
	int rc = srv_probe_bind(cfg, err, errlen);
	if (rc != PARTA_OK)
		return PARTA_EIO;
	struct srv *srv = calloc(1, sizeof *srv);
	if (srv == NULL) {
		snprintf(err, errlen, "out of memory");
		return PARTA_ENOMEM;
	}
	srv->cfg = *cfg;
	srv->app = app;
	app->publish = srv_publish;
	app->publish_profile = srv_publish_profile;
	app->publish_profiles = srv_publish_profiles;
	app->publish_ctx = srv;
	metrics_init(&srv->metrics);
	db_set_commit_hook(app->db, metrics_commit, &srv->metrics);

	lws_set_log_level(LLL_ERR | LLL_WARN, srv_lws_log);
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof info);
	info.port = cfg->port;
	info.iface = cfg->host;
	info.protocols = srv_protocols;
	info.user = srv;
	info.retry_and_idle_policy = &srv_no_validity;
	srv_security_headers(srv);
	info.headers = srv->headers;
	info.options = LWS_SERVER_OPTION_VALIDATE_UTF8 | LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
	if (strchr(cfg->host, ':') == NULL)
		info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
	info.timeout_secs = 30;
	srv->loop = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOSIGMASK);
	void *loops[1] = {srv->loop};
	info.options |= LWS_SERVER_OPTION_LIBEV;
	info.foreign_loops = loops;
	srv->ctx = srv->loop ? lws_create_context(&info) : NULL;
	if (srv->ctx == NULL) {
		snprintf(err, errlen, "cannot start the HTTP server");
		srv_destroy(srv);
		return PARTA_EIO;
	}
	srv->vhost = lws_create_vhost(srv->ctx, &info);
	if (srv->vhost == NULL) {
		snprintf(err, errlen, "cannot listen on %s:%d", cfg->host, cfg->port);
		srv_destroy(srv);
		return PARTA_EIO;
	}
	srv->port = lws_get_vhost_listen_port(srv->vhost);
	rc = work_start(cfg->workers, srv_wake, srv, &srv->work);
	if (rc != PARTA_OK) {
		snprintf(err, errlen, "cannot start worker threads");
		srv_destroy(srv);
		return rc;
	}
	if (app->db_path != NULL) {
		char dberr[256];
		if (db_open(app->db_path, &srv->checkpoint_db, dberr, sizeof dberr) == PARTA_OK)
			(void)db_autocheckpoint(app->db, 0);
		else
			log_msg(LOG_WARN, "server", "checkpoint_connection err=%s", dberr);
	}
	*out = srv;
	return PARTA_OK;
}

static void srv_tick_wake(lws_sorted_usec_list_t *sul)
{
	struct srv *srv = lws_container_of(sul, struct srv, tick_timer);
	lws_sul_schedule(srv->ctx, 0, &srv->tick_timer, srv_tick_wake, LWS_US_PER_SEC);
}

void srv_tick_soon(struct srv *srv)
{
	srv->tick_now = true;
}

static void srv_maybe_tick(struct srv *srv)
{
	double now = srv_monotonic();
	if (!srv->tick_now && now - srv->tick_at < 1.0)
		return;
	srv->tick_now = false;
	srv->tick_at = now;
	api_tick(srv);
}

/* Once a second: a connection idle for the ping interval gets a ping; one that answers
 * nothing for as long again after it is dropped (a peer gone without a close). */
static void srv_keepalive(struct srv *srv)
{
	double now = srv_monotonic(), ping = srv->cfg.ws_ping_secs;
	if (now - srv->keepalive_at < 1.0)
		return;
	srv->keepalive_at = now;
	for (struct ws_conn *c = srv->ws_list; c != NULL; c = c->next) {
		if (c->closing)
			continue;
		if (c->ping_sent && now - c->pinged_at >= ping) {
			c->closing = true;
			srv->metrics.ws_closed_silent++;
			lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
		} else if (!c->ping_sent && now - c->heard_at >= ping) {
			c->ping_sent = c->ping_wanted = true;
			c->pinged_at = now;
			lws_callback_on_writable(c->wsi);
		}
	}
}

static void srv_checkpoint_run(void *arg)
{
	struct srv *srv = arg;
	if (db_checkpoint(srv->checkpoint_db) != PARTA_OK)
		log_msg(LOG_WARN, "server", "checkpoint_failed");
}

static void srv_checkpoint_done(void *arg)
{
	struct srv *srv = arg;
	srv->checkpoint_running = false;
}

/* At most once a second, when the loop is awake anyway (an idle server writes nothing). */
static void srv_maybe_checkpoint(struct srv *srv)
{
	double now = srv_monotonic();
	if (srv->checkpoint_db == NULL || srv->checkpoint_running || now - srv->checkpoint_at < 1.0)
		return;
	srv->checkpoint_at = now;
	if (work_submit(srv->work, srv_checkpoint_run, srv_checkpoint_done, srv) == PARTA_OK)
		srv->checkpoint_running = true;
}

int srv_run(struct srv *srv)
{
	log_msg(LOG_INFO, "server", "listening url=http://%s:%d/", srv->cfg.host, srv->port);
	api_tick_start(srv);
	lws_sul_schedule(srv->ctx, 0, &srv->tick_timer, srv_tick_wake, LWS_US_PER_SEC);
	while (!srv->stop) {
		ev_run(srv->loop, EVRUN_ONCE);
		api_ws_flush(srv);
		srv_keepalive(srv);
		srv_maybe_tick(srv);
		srv_maybe_checkpoint(srv);
	}
	lws_sul_cancel(&srv->tick_timer);
	log_msg(LOG_INFO, "server", "stopping pending_jobs=%zu ws=%lld", work_pending(srv->work),
		(long long)srv->metrics.ws_open);
	/* Requests in flight on workers finish; their results are applied (a login's session is
	 * committed) even though the response may no longer reach the client. */
	work_stop(srv->work);
	srv->work = NULL;
	return PARTA_OK;
}

void srv_request_stop(struct srv *srv)
{
	srv->stop = 1;
	if (srv->ctx)
		lws_cancel_service(srv->ctx);
}

void srv_destroy(struct srv *srv)
{
	if (srv == NULL)
		return;
	work_stop(srv->work);
	db_close(srv->checkpoint_db);
	if (srv->app != NULL && srv->checkpoint_db != NULL && srv->app->db != NULL)
		(void)db_autocheckpoint(srv->app->db, 1000);
	if (srv->app != NULL && srv->app->publish_ctx == srv) {
		srv->app->publish = NULL;
		srv->app->publish_profile = NULL;
		srv->app->publish_profiles = NULL;
		srv->app->publish_ctx = NULL;
	}
	if (srv->ctx)
		lws_context_destroy(srv->ctx);
	if (srv->loop)
		ev_loop_destroy(srv->loop);
	if (srv->app && srv->app->db)
		db_set_commit_hook(srv->app->db, NULL, NULL);
	metrics_free(&srv->metrics);
	free(srv);
}
