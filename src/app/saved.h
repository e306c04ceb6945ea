/* saved.h — «Избранное» (SPEC §6): each messenger profile's personal space of saved messages
 * and its own notes. Only the owner ever reads or changes it: another profile's entry is
 * PARTA_ENOTFOUND, like one that does not exist.
 *
 * Saving a message keeps a copy (text, chat name, author, time) with a reference to its
 * origin, so the entry stays readable after the original is deleted or its owner leaves the
 * chat. Each change is published after its commit to the owner's messenger connections:
 * {"type":"saved","entry":{…}} and {"type":"saved.deleted","id"}. Entries: store/sstore.h.
 *
 * Errors: PARTA_EVALIDATION (why says it), PARTA_ENOTFOUND, PARTA_ECONFLICT (full: why says
 * it), PARTA_EIO. Returned JSON is a new reference, owned by the caller; NULL on failure. */
#ifndef PARTA_APP_SAVED_H
#define PARTA_APP_SAVED_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app.h"

/* Saves a message the profile may read (a member of its chat; not deleted — otherwise
 * PARTA_ENOTFOUND). Saving it again answers the existing entry with *created false. */
int saved_add_message(struct app *app, int64_t profile, int64_t message, json_t **entry,
		      bool *created, char *why, size_t whylen);
/* A note: a text of 1..4096 bytes (core/msgrule.h msgrule_text). */
int saved_add_note(struct app *app, int64_t profile, const char *text, json_t **entry,
		   char *why, size_t whylen);
/* Entries with id < before (0: the newest), newest first; limit 1..200. */
int saved_list(struct app *app, int64_t profile, int64_t before, int limit, json_t **out);
int saved_get(struct app *app, int64_t profile, int64_t id, json_t **out);
int saved_delete(struct app *app, int64_t profile, int64_t id);

#endif
