/* session.h — login sessions and failed-login records in the store.
 *
 * Tokens are never stored: only their 32-byte hashes. Functions run in the caller's transaction
 * (or in autocommit) and allocate nothing. Errors: PARTA_ENOTFOUND, PARTA_EIO. */
#ifndef PARTA_STORE_SESSION_H
#define PARTA_STORE_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define SESSION_HASH_BYTES 32

/* A session of a journal account (account_id) or of a messenger profile (profile_id); never
 * both. */
struct session_row {
	int64_t id;
	int64_t account_id;
	int64_t profile_id;
	int64_t created_at;
	int64_t last_seen_at;
	int64_t expires_at;
	int64_t revoked_at;
	unsigned char csrf_hash[SESSION_HASH_BYTES];
};

int session_insert(struct db *db, const unsigned char token_hash[SESSION_HASH_BYTES],
		   const unsigned char csrf_hash[SESSION_HASH_BYTES], int64_t account_id,
		   int64_t profile_id, int64_t now, int64_t expires_at, const char *addr,
		   int64_t *id);
int session_find(struct db *db, const unsigned char token_hash[SESSION_HASH_BYTES],
		 struct session_row *out);
int session_touch(struct db *db, int64_t id, int64_t now);
int session_revoke(struct db *db, int64_t id, int64_t now);

/* Failed logins. `key_is_addr` selects the column: 0 the login, 1 the client address.
 * session_failures fills up to `max` times newer than `since`, newest first. */
int session_failure_record(struct db *db, const char *login, const char *addr, int64_t now);
int session_failures(struct db *db, int key_is_addr, const char *key, int64_t since,
		     int64_t *times_desc, size_t max, size_t *n);
int session_failures_clear_login(struct db *db, const char *login);

#endif
