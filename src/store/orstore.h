/* orstore.h — what OneRoster imports read and write in the store: the sourcedId map, the
 * materialized roster read back as a core roster, names of subjects and positions, and
 * person updates.
 *
 * Every function takes the organisation and touches only its rows; they run inside the
 * caller's transaction. Errors: PARTA_EIO, PARTA_ENOMEM, PARTA_ECONFLICT (a unique key). */
#ifndef PARTA_STORE_ORSTORE_H
#define PARTA_STORE_ORSTORE_H

#include <stdint.h>

#include "../core/oneroster.h"
#include "../core/roster.h"
#include "db.h"

/* The organisation's sourcedId map. On PARTA_OK *out (n entries) and the strings it points to
 * are in one allocation the caller frees with free(*out). */
int orstore_sources(struct db *db, int64_t org, struct oneroster_source **out, size_t *n);
int orstore_source_put(struct db *db, int64_t org, enum oneroster_kind kind,
		       const char *source_id, int64_t local_id);


/* The organisation's subjects as name → id, in one allocation freed with free(*out). */
int orstore_subjects(struct db *db, int64_t org, struct oneroster_named **out, size_t *n);
/* The id of the position named `name`, 0 when there is none. */
int orstore_position(struct db *db, int64_t org, const char *name, int64_t *id);

/* Updates a person's fields (birth date and gender only when not NULL); *changed says
 * whether anything differed. */
int orstore_person_update(struct db *db, int64_t org, const struct oneroster_person *p,
			  bool *changed);

/* "Фамилия Имя" of a person of `org` into out ("" when there is none). */
int orstore_person_name(struct db *db, int64_t org, int64_t id, char *out, size_t len);

/* How many orders of `org` have a number starting with `prefix`. */
int orstore_count_numbers(struct db *db, int64_t org, const char *prefix, int64_t *n);

#endif
