#include "app.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/err.h"
#include "chatjob.h"
#include "msg.h"
#include "rcache.h"

struct app_limits app_limits_default(void)
{
	return (struct app_limits){
		.session_idle_ttl = 12 * 3600,
		.session_abs_ttl = 14 * 24 * 3600,
		.login_fail_limit = 5,
		.addr_fail_limit = 20,
		.login_fail_window = 15 * 60,
	};
}

int app_init(struct app *app, struct db *db, struct app_limits limits, bool test_mode)
{
	memset(app, 0, sizeof *app);
	if (sodium_init() < 0)
		return PARTA_EIO;
	app->db = db;
	app->limits = limits;
	app->test_mode = test_mode;
	app->clock_base = test_mode ? (int64_t)time(NULL) : 0;
	randombytes_buf(app->code_key, sizeof app->code_key);
	char random_password[33];
	unsigned char raw[16];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(random_password, sizeof random_password, raw, sizeof raw);
	if (crypto_pwhash_str(app->dummy_hash, random_password, strlen(random_password),
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return PARTA_ENOMEM;
	/* The loop's roster cache; a worker's copy of the app has none. */
	return rcache_init(app);
}

int64_t app_now(const struct app *app)
{
	int64_t base = app->test_mode ? app->clock_base : (int64_t)time(NULL);
	return base + app->clock_offset;
}

void app_close(struct app *app)
{
	chatjob_free_all(app);
	rcache_free(app);
	/* Sends still queued at shutdown are applied, their answers going nowhere. */
	msg_queue_flush(app, NULL, NULL);
	free(app->send_queue);
	app->send_queue = NULL;
	app->nsend_queue = app->capsend_queue = 0;
}
