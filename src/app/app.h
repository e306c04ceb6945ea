/* app.h — the application context shared by the use cases: the store, the clock, the limits.
 *
 * One `struct app` lives as long as the server (or a CLI command). Its functions run on the
 * event loop thread only, except where a header says otherwise. */
#ifndef PARTA_APP_APP_H
#define PARTA_APP_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "../store/db.h"

struct sms_gateway;
struct media;

struct app_limits {
	int64_t session_idle_ttl; /* seconds a session survives without use */
	int64_t session_abs_ttl;  /* seconds a session lives at most */
	int login_fail_limit;     /* failed logins for one login within the window */
	int addr_fail_limit;      /* failed logins from one address within the window */
	int64_t login_fail_window;
};

struct app {
	struct db *db;
	struct app_limits limits;
	/* The server's one clock is the system clock plus this offset. In test mode the clock
	 * stands still at `clock_base` (the start time) and moves only when a test advances the
	 * offset through the test-mode endpoint: tests never sleep and never race the seconds. */
	int64_t clock_offset;
	int64_t clock_base;
	bool test_mode;
	/* Where events for a person's online clients go (the server's WebSocket hub), called on
	 * the loop thread after the change committed; NULL when nobody listens (the CLI). */
	void (*publish)(void *ctx, int64_t person, const char *json);
	/* The same for the messenger connections of a profile. */
	void (*publish_profile)(void *ctx, int64_t profile, const char *json);
	/* One event for several profiles (a chat's members): stored once for all of them. */
	void (*publish_profiles)(void *ctx, const int64_t *profiles, size_t n, const char *json);
	void *publish_ctx;
	/* The database file, for work on other threads that opens its own connection; NULL
	 * when there is none to open (then such work is refused). */
	const char *db_path;
	/* «Инициализировать список чатов» jobs started by the server (app/chatjob.h). */
	struct chatjob *chat_jobs;
	/* Rosters of recently changed organisations (app/rcache.h). */
	struct rcache *rosters;
	/* Sends waiting for the loop pass's one transaction (app/msg.h). */
	struct msg_queued *send_queue;
	size_t nsend_queue, capsend_queue;
	/* The SMS gateway (app/sms.h), opened by the command for serve and demo after app_init
	 * and closed by it after app_close; NULL in the other commands and in unit tests (then
	 * sms_gateway_backend() is SMS_BACKEND_NONE). The app does not own it. */
	struct sms_gateway *sms;
	/* The media server (app/media.h), opened and closed like `sms`; NULL when none is
	 * configured: conferences then start and end without rooms, and joining says the
	 * media server is unavailable. */
	struct media *media;
	/* A valid argon2id hash of a random password, verified against when a login names no
	 * account, so that an unknown login costs the same time as a wrong password. */
	char dummy_hash[129];
	/* Keys the hashes of one-time SMS codes (random per process: a restart voids the codes
	 * in flight, which live five minutes anyway). */
	unsigned char code_key[32];
};

/* Default limits: idle 12 h, absolute 14 days, 5 per login and 20 per address in 15 minutes. */
struct app_limits app_limits_default(void);

/* Fills `app` around an open database. Initializes libsodium. PARTA_EIO when libsodium cannot
 * start, PARTA_ENOMEM when the dummy hash cannot be computed. The app does not own `db`. */
int app_init(struct app *app, struct db *db, struct app_limits limits, bool test_mode);

/* Releases what the app gathered (jobs, cached rosters); not the database. */
void app_close(struct app *app);

/* Now, in Unix seconds, on the server's clock. */
int64_t app_now(const struct app *app);

#endif
