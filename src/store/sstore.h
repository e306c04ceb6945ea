/* sstore.h — «Избранное»: a messenger profile's saved copies of messages and its notes
 * (migration 18). Every call is scoped by the owning profile: another profile's entry does not
 * exist here. Runs inside the caller's transaction. JSON results are new references.
 *
 * An entry: {"id","text","created_at","origin":null | {"message_id" (null once the chat is
 * gone),"chat_id","chat_name","sender_name","created_at"}}.
 * Errors: PARTA_ENOTFOUND, PARTA_ECONFLICT (a unique key), PARTA_EIO. */
#ifndef PARTA_STORE_SSTORE_H
#define PARTA_STORE_SSTORE_H

#include <jansson.h>
#include <stdint.h>

#include "db.h"

/* Copies a message (its text, chat name, author, time) into the profile's entries:
 * PARTA_ECONFLICT when it is there already (sstore_find_origin names it). */
int sstore_copy(struct db *db, int64_t profile, int64_t message, int64_t now, int64_t *id);
int sstore_find_origin(struct db *db, int64_t profile, int64_t message, int64_t *id);
/* A note of the profile's own. */
int sstore_note(struct db *db, int64_t profile, const char *text, int64_t now, int64_t *id);
int sstore_count(struct db *db, int64_t profile, int64_t *count);

int sstore_get(struct db *db, int64_t profile, int64_t id, json_t **out);
/* Entries with id < before (0: the newest), newest first, up to `limit`. */
int sstore_list(struct db *db, int64_t profile, int64_t before, int limit, json_t **out);
/* PARTA_ENOTFOUND when the profile has no such entry. */
int sstore_delete(struct db *db, int64_t profile, int64_t id);

#endif
