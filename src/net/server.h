/* server.h — the libwebsockets server: one event loop owning every socket.
 *
 * HTTP requests are collected (headers, body up to the limit) into a struct http_req and
 * handed to api_http(); WebSocket connections at /api/v1/ws are admitted through
 * api_ws_admit() and their messages go to api_ws_message(). Work that must not block the loop
 * runs on the worker pool (srv_work) and comes back through srv_async_done(). */
#ifndef PARTA_NET_SERVER_H
#define PARTA_NET_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../app/app.h"
#include "http.h"
#include "metrics.h"
#include "work.h"

struct srv_config {
	char host[64];          /* IPv4/IPv6 address to listen on */
	int port;               /* 0 picks a free port (printed at start) */
	char web_dir[1024];     /* static files */
	size_t body_limit;      /* bytes of a request body */
	size_t ws_max_message;  /* bytes of one incoming WebSocket message */
	size_t ws_queue_cap;    /* bytes queued for one WebSocket before it is closed */
	int ws_ping_secs;       /* idle seconds before a ping; the peer has as long to answer */
	size_t workers;         /* worker threads */
	bool cookie_secure;     /* mark cookies Secure (behind a TLS-terminating proxy) */
	/* An origin pages may also connect to besides this server ("scheme://host[:port]",
	 * "" for none): the media server's HTTP API, which the call page talks to. */
	char connect_origin[300];
};

struct srv;
struct ws_conn;

/* Defaults: 127.0.0.1:8080, web/, 1 MiB bodies, 64 KiB messages, 1 MiB queues, 30 s pings,
 * 2 workers. */
struct srv_config srv_config_default(void);

/* Binds and prepares the server. On failure *out is NULL and `err` holds a one-line reason
 * (for instance the port is taken): PARTA_EIO. The server does not own `app`. */
int srv_create(const struct srv_config *cfg, struct app *app, struct srv **out, char *err,
	       size_t errlen);

/* The port actually listened on (useful with port 0). */
int srv_port(const struct srv *srv);

/* Serves until srv_request_stop(); then stops accepting, lets the workers finish what is in
 * flight and returns PARTA_OK. */
int srv_run(struct srv *srv);

/* Async-signal-safe: asks srv_run to return. */
void srv_request_stop(struct srv *srv);

/* Frees everything. Call after srv_run returned. NULL is a no-op. */
void srv_destroy(struct srv *srv);

struct app *srv_app(struct srv *srv);
/* Runs the timed work (api_tick) after this loop pass rather than at the next second: after
 * the test clock moved, or a conference was started or ended by hand. */
void srv_tick_soon(struct srv *srv);
struct work *srv_work(struct srv *srv);
struct metrics *srv_metrics(struct srv *srv);
const struct srv_config *srv_config(const struct srv *srv);

/* Called on the loop thread when a request handed to a worker has its response in req->resp.
 * If the client has gone meanwhile the request is freed here. */
void srv_async_done(struct http_req *req);

/* True when the request's client is still connected (for a worker's done callback). */
bool srv_req_alive(const struct http_req *req);

/* Queues a text message to a WebSocket. When the connection's queue is over its cap the
 * connection is closed with 1008 "slow consumer" and PARTA_EFULL is returned. */
int ws_send(struct ws_conn *conn, const char *text, size_t len);
/* The same for a buffer shared with other connections (outq.h): the queue takes a reference
 * of its own. */
struct outq_buf;
int ws_send_buf(struct ws_conn *conn, struct outq_buf *b);

/* The account a WebSocket connection was admitted for. */
int64_t ws_account(const struct ws_conn *conn);
/* The messenger profile of a messenger connection (0 for a journal one). */
int64_t ws_profile(const struct ws_conn *conn);
/* The roster person of the connection's account; events about them are sent here (through
 * app->publish, which srv_create points at the open connections). */
void ws_set_person(struct ws_conn *conn, int64_t person);
struct srv *ws_srv(const struct ws_conn *conn);

#endif
