/* rcache.h — recently used organisations' rosters kept in memory, so that an order does not
 * read the whole materialized roster back from the database each time.
 *
 * An entry is current while the organisation's roster version in the database (bumped by every
 * write of the materialized roster, by whichever process) equals the entry's; otherwise the
 * roster is read again. Loop thread only (a worker's copy of the app has no cache).
 * Errors: PARTA_EIO, PARTA_ENOMEM. */
#ifndef PARTA_APP_RCACHE_H
#define PARTA_APP_RCACHE_H

#include <stdint.h>

#include "../core/roster.h"
#include "app.h"

#define RCACHE_ORGS 64

/* Gives the app an empty cache (PARTA_ENOMEM). */
int rcache_init(struct app *app);

/* A copy of the organisation's current roster into `out` (initialized here; free it with
 * roster_free), read inside the caller's transaction; a roster read from the database is
 * cached when the app has a cache (the loop's, made by app_init). */
int rcache_get(struct app *app, int64_t org, struct roster *out);

/* After the caller's transaction committed a change: `r` (copied) is the roster at `version`
 * (read inside that transaction, after the write). */
void rcache_put(struct app *app, int64_t org, int64_t version, const struct roster *r);

void rcache_free(struct app *app);

#endif
