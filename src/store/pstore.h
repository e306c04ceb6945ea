/* pstore.h — messenger profiles, the links of journal accounts to them, the link flows and
 * the one-time SMS codes (SPEC §2). Run inside the caller's transaction.
 * Errors: PARTA_ENOTFOUND, PARTA_ECONFLICT (a phone or a link that is taken), PARTA_EIO. */
#ifndef PARTA_STORE_PSTORE_H
#define PARTA_STORE_PSTORE_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/linkflow.h"
#include "../core/phone.h"
#include "db.h"

#define PSTORE_TEXT_MAX 200

struct pstore_profile {
	int64_t id;
	char phone[PHONE_LEN + 1];
	char surname[PSTORE_TEXT_MAX + 1], first_name[PSTORE_TEXT_MAX + 1],
		patronymic[PSTORE_TEXT_MAX + 1];
	char birth_date[11], gender[2];
	char pw_hash[129]; /* "" when the profile has no password */
};

int pstore_profile_by_phone(struct db *db, const char *phone, struct pstore_profile *out);
int pstore_profile_by_id(struct db *db, int64_t id, struct pstore_profile *out);
/* PARTA_ECONFLICT when the phone has a profile already. */
int pstore_profile_insert(struct db *db, const struct pstore_profile *p, int64_t now,
			  int64_t *id);

/* The profile linked to an account (0: none). */
int pstore_account_profile(struct db *db, int64_t account, int64_t *profile);
/* Links (profile > 0) or unlinks (0). PARTA_ECONFLICT when another account of the same
 * organisation holds that profile. */
int pstore_account_link(struct db *db, int64_t account, int64_t profile);

struct pstore_flow {
	int64_t account, profile;
	char phone[PHONE_LEN + 1];
	struct linkflow flow;
	int64_t expires_at;
};
/* Keeps the account's one flow under `token_hash` (its earlier flows go). */
int pstore_flow_put(struct db *db, const unsigned char token_hash[32], const struct pstore_flow *f);
/* The account's flow behind the token; PARTA_ENOTFOUND when unknown, another account's or
 * expired at `now`. */
int pstore_flow_get(struct db *db, const unsigned char token_hash[32], int64_t account,
		    int64_t now, struct pstore_flow *out);
int pstore_flow_drop(struct db *db, int64_t account);

/* The messenger's sign-in flows: a profile's step behind a token. */
int pstore_login_flow_put(struct db *db, const unsigned char token_hash[32], int64_t profile,
			  const struct linkflow *f, int64_t expires_at);
/* PARTA_ENOTFOUND when unknown or expired at `now`. */
int pstore_login_flow_get(struct db *db, const unsigned char token_hash[32], int64_t now,
			  int64_t *profile, struct linkflow *f);
int pstore_login_flow_drop(struct db *db, const unsigned char token_hash[32]);
/* How many journal accounts hold the profile. */
int pstore_profile_accounts(struct db *db, int64_t profile, int64_t *n);

/* Codes: sent ones in the last hour for the limits; the latest unused one of a phone. */
int pstore_code_history(struct db *db, const char *phone, const char *addr, int64_t now,
			struct smscode_history *out);
int pstore_code_insert(struct db *db, const char *phone, const char *addr,
		       const unsigned char hash[32], int64_t now);
struct pstore_code {
	int64_t id, created_at;
	unsigned attempts;
	unsigned char hash[32];
};
int pstore_code_latest(struct db *db, const char *phone, struct pstore_code *out);
/* Records a wrong try, or spends the code (used). */
int pstore_code_mark(struct db *db, int64_t id, bool used);

#endif
