/* bundle.h — the roster of one organisation as a JSON document (docs/roster-bundle.md):
 * its descriptive fields, persons, subjects, positions and every order (cancelled ones too),
 * with database ids replaced by stable references ("p1", "c1" …) so that exporting,
 * importing into an empty organisation and exporting again gives the same document.
 *
 * Errors as in orders.h; an import runs in one transaction and changes nothing on error. */
#ifndef PARTA_APP_BUNDLE_H
#define PARTA_APP_BUNDLE_H

#include <jansson.h>
#include <stdint.h>

#include "app.h"
#include "orders.h"

/* On success *out is a new reference. */
int bundle_export(struct app *app, int64_t org, json_t **out);

/* Imports into an organisation that has no roster yet (PARTA_ECONFLICT otherwise). On
 * success out->id is the number of orders imported. */
int bundle_import(struct app *app, int64_t org, json_t *bundle, struct orders_result *out);

#endif
