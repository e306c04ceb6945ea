#include "rcache.h"

#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../store/rstore.h"

struct rcache_entry {
	int64_t org, version;
	uint64_t used; /* a tick: the least recently used entry goes first */
	struct roster roster;
};

struct rcache {
	struct rcache_entry entries[RCACHE_ORGS];
	size_t n;
	uint64_t tick;
};

static struct rcache_entry *rcache_find(struct rcache *c, int64_t org)
{
	for (size_t i = 0; c != NULL && i < c->n; i++)
		if (c->entries[i].org == org)
			return &c->entries[i];
	return NULL;
}

int rcache_get(struct app *app, int64_t org, struct roster *out)
{
	int64_t version;
	int rc = rstore_roster_version(app->db, org, &version);
	if (rc != PARTA_OK)
		return rc;
	struct rcache_entry *e = rcache_find(app->rosters, org);
	if (e != NULL && e->version == version) {
		e->used = ++app->rosters->tick;
		return roster_copy(out, &e->roster);
	}
	rc = rstore_roster_load(app->db, org, out);
	/* Kept for the next reader (the management screens read it on every request); a
	 * worker's copy of the app has no cache and keeps none. */
	if (rc == PARTA_OK && app->rosters != NULL)
		rcache_put(app, org, version, out);
	return rc;
}

int rcache_init(struct app *app)
{
	app->rosters = calloc(1, sizeof *app->rosters);
	return app->rosters ? PARTA_OK : PARTA_ENOMEM;
}

void rcache_put(struct app *app, int64_t org, int64_t version, const struct roster *r)
{
	if (app->rosters == NULL)
		return; /* a worker's copy of the app, or no memory at start: nothing is kept */
	struct rcache *c = app->rosters;
	struct rcache_entry *e = rcache_find(c, org);
	if (e == NULL && c->n < RCACHE_ORGS) {
		e = &c->entries[c->n++];
		roster_init(&e->roster);
	} else if (e == NULL) {
		e = &c->entries[0];
		for (size_t i = 1; i < c->n; i++)
			if (c->entries[i].used < e->used)
				e = &c->entries[i];
	}
	roster_free(&e->roster);
	e->org = org;
	e->used = ++c->tick;
	/* On failure the entry stays empty with a version that never matches. */
	e->version = roster_copy(&e->roster, r) == PARTA_OK ? version : -1;
}

void rcache_free(struct app *app)
{
	struct rcache *c = app->rosters;
	for (size_t i = 0; c != NULL && i < c->n; i++)
		roster_free(&c->entries[i].roster);
	free(c);
	app->rosters = NULL;
}
