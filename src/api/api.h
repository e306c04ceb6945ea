/* api.h — the HTTP and WebSocket handlers: parse → authorize → call app → render.
 *
 * The route table in api.c is the one place that says which endpoint exists, which method it
 * takes and who may call it. */
#ifndef PARTA_API_API_H
#define PARTA_API_API_H

#include <stdbool.h>
#include <stdint.h>

#include "../net/http.h"
#include "../net/server.h"

enum api_result { API_DONE = 0, API_ASYNC = 1 };

/* Handles a complete request: fills req->resp and returns API_DONE, or hands the request to a
 * worker and returns API_ASYNC (the response then comes through srv_async_done). */
int api_http(struct srv *srv, struct http_req *req);

/* Decides a WebSocket upgrade from the request headers: on /api/v1/ws a bearer token or the
 * journal's cookie (then the messenger's); on /api/v1/messenger/ws (`messenger`) a messenger
 * session only (bearer or parta_msession). PARTA_OK with *account_id (a journal session) or
 * *profile_id (a messenger session) set; PARTA_EUNAUTH otherwise. */
int api_ws_admit(struct srv *srv, struct http_req *req, bool messenger, int64_t *account_id,
		 int64_t *profile_id);

/* A WebSocket connection was established / received one complete text message / is going. */
void api_ws_open(struct ws_conn *conn);
void api_ws_message(struct ws_conn *conn, const char *text, size_t len);
void api_ws_close(struct ws_conn *conn);
/* After each pass of the event loop: the messages sent during it, in one transaction. */
void api_ws_flush(struct srv *srv);

/* Timed work, once a second and after srv_tick_soon: conferences due to start or end
 * (app/vconf.h), their rooms created and destroyed on workers. api_tick_start runs once
 * before the loop: what fell due while the server was down is applied then. */
void api_tick_start(struct srv *srv);
void api_tick(struct srv *srv);

#endif
