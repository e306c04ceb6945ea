/* oneroster.h (app) — importing a OneRoster CSV export (a folder or a .zip) into an
 * organisation: the use case around the pure mapping of core/oneroster.h.
 * Prefix orimport_ (the core module owns oneroster_).
 *
 * An import runs in one transaction: the persons, subjects and positions it creates, the
 * sourcedId map, and the orders (numbered «OR-<date>-N», dated today), then one rebuild of
 * the roster (orders_rebuild, so that the chats follow). A fatal error changes nothing.
 * Importing the same files again changes nothing and says so. When a bulk import would
 * withdraw more than `threshold` of the current students or dismiss more than that share of
 * the current staff, it is refused unless allow_mass_changes is set. docs/oneroster.md. */
#ifndef PARTA_APP_ONEROSTER_H
#define PARTA_APP_ONEROSTER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/oneroster.h"
#include "app.h"

/* The files of one export, as read. */
struct orimport_files {
	char *data[ONEROSTER_NFILES]; /* NULL: absent; owned */
	size_t len[ONEROSTER_NFILES];
};
void orimport_files_free(struct orimport_files *f);

/* Reads the known files (manifest.csv, users.csv …) of a folder, or of a zip archive in
 * memory (at any depth inside it; names compared case-insensitively). PARTA_EVALIDATION
 * with `why` (Russian) when the folder or archive cannot be read or holds no known file;
 * PARTA_ETOOLARGE for a file over 1 GiB; PARTA_ENOMEM. `out` is empty on failure. */
int orimport_read_dir(const char *path, struct orimport_files *out, char *why, size_t whylen);
int orimport_read_zip(const void *data, size_t len, struct orimport_files *out, char *why,
		      size_t whylen);

struct orimport_options {
	bool allow_mass_changes;
	bool dry_run;       /* do everything, report, keep nothing */
	double threshold;   /* share of students or staff; 0 means the default 0.10 */
	/* Progress (may be NULL): steps done of total, called on the calling thread. */
	void (*progress)(size_t done, size_t total, void *ctx);
	void *ctx;
};

/* Imports `files` into `org`. *report (always set when the files could be parsed; a new
 * reference) is {"status": "applied"|"unchanged"|"dry_run"|"refused", "message", "rows",
 * "orders", "created": {...}, "updated": {...}, "counts": {...}, "withdrawn": [...],
 * "dismissed": [...], "rejected": [{"file","line","reason"}]}.
 *   PARTA_OK          applied, unchanged or dry run;
 *   PARTA_ECONFLICT   refused: too many withdrawals or dismissals (nothing changed);
 *   PARTA_EVALIDATION a fatal problem (a malformed file, a missing column; or the orders do
 *                     not apply): `why` says which, nothing changed; *report may be NULL;
 *   PARTA_EIO, PARTA_ENOMEM. */
int orimport_run(struct app *app, int64_t org, const struct orimport_files *files,
		 const struct orimport_options *opt, json_t **report, char *why, size_t whylen);

#endif
