/* account.h — organisations and journal accounts in the store.
 *
 * All functions run on the caller's connection and transaction (they do not BEGIN). Returned
 * structs are filled by value; nothing is allocated. Errors: PARTA_ENOTFOUND when no row
 * matches, PARTA_ECONFLICT on a duplicate unique key, PARTA_EIO on a database failure. */
#ifndef PARTA_STORE_ACCOUNT_H
#define PARTA_STORE_ACCOUNT_H

#include <stdint.h>

#include "db.h"

#define ACCOUNT_LOGIN_MAX 64     /* bytes */
#define ACCOUNT_NAME_MAX 200     /* bytes of a display or organisation name */
#define ACCOUNT_HASH_MAX 128     /* crypto_pwhash_STRBYTES */

struct account {
	int64_t id;
	int64_t org_id;
	int64_t person_id; /* the person of the roster this account belongs to, 0 when none */
	char login[ACCOUNT_LOGIN_MAX + 1];
	char display_name[ACCOUNT_NAME_MAX + 1];
	char role[16];
	char org_name[ACCOUNT_NAME_MAX + 1];
	char pw_hash[ACCOUNT_HASH_MAX + 1];
};

/* The id of the organisation named `name`, creating it (school, sgo, Europe/Moscow) when absent. */
int account_org_ensure(struct db *db, const char *name, int64_t now, int64_t *org_id);

/* Creates an account. `role` is one of admin, staff, student, parent (PARTA_EVALIDATION
 * otherwise); a login already taken is PARTA_ECONFLICT. */
int account_create(struct db *db, int64_t org_id, const char *login, const char *pw_hash,
		   const char *display_name, const char *role, int64_t now, int64_t *id);

int account_find_by_login(struct db *db, const char *login, struct account *out);
int account_find_by_id(struct db *db, int64_t id, struct account *out);

/* Replaces the password hash of `login`. PARTA_ENOTFOUND when there is no such account. */
int account_set_password(struct db *db, const char *login, const char *pw_hash);

#endif
