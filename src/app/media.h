/* media.h — the media server (Janus with its VideoRoom plugin), driven through Janus's admin
 * API (`message_plugin` requests: one HTTP POST each, no Janus session to keep alive).
 *
 * Parta creates a room when a conference becomes active and destroys it when it ends; every
 * participant enters with a token Parta added to the room's allowed list (a join grant), so
 * nobody without a grant can join. Rooms are created with a secret (needed to edit, moderate
 * or destroy them) and a pin (needed to join), both known only to Parta and, for the pin, to
 * the holders of grants.
 *
 * A `struct media` is immutable after media_open, so its functions may run on several worker
 * threads at once (each call uses its own curl handle). libcurl must have been initialized
 * (curl_global_init) by the program. Errors: PARTA_EUNAVAILABLE when Janus cannot be reached
 * or does not answer within the timeout; PARTA_EIO when it answers with an error (the reason,
 * Janus's own text, in `why`; also a wrong admin secret); PARTA_ENOTFOUND when the room, or
 * for media_room_moderate the participant or its stream, does not exist.
 *
 * The admin secret is also sent as the VideoRoom plugin's admin_key on create: a Janus whose
 * plugin has an admin_key (scripts/janus.sh sets the same secret) lets nobody else make rooms. */
#ifndef PARTA_APP_MEDIA_H
#define PARTA_APP_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct media_config {
	char admin_url[512];    /* [media] admin_url, e.g. http://127.0.0.1:7088/admin; "" = none */
	char admin_secret[128]; /* [media] admin_secret: Janus's admin_secret and VideoRoom's admin_key */
	char public_url[512];   /* [media] public_url: Janus's HTTP API as browsers reach it */
	int timeout_ms;         /* [media] timeout_ms: one request at most (default 3000) */
};

struct media;

struct media_config media_config_default(void);

/* PARTA_EINVAL (with a reason in err) for a config without admin_url, admin_secret or
 * public_url, with urls that are not http:// or https://, or timeout_ms outside 100..60000. */
int media_open(const struct media_config *cfg, char *err, size_t errlen, struct media **out);
/* NULL is a no-op. */
void media_close(struct media *m);
/* The browsers' address of Janus's HTTP API. */
const char *media_public_url(const struct media *m);
/* Its origin ("scheme://host[:port]") into out; "" when it does not fit. */
void media_public_origin(const struct media *m, char *out, size_t len);

struct media_room {
	uint64_t room;            /* the room number (Parta chooses it, random) */
	const char *secret;       /* to edit, moderate, destroy */
	const char *pin;          /* to join */
	const char *description;  /* shown by Janus only; Parta passes the conference's name */
	int publishers;           /* how many may publish at once */
	int bitrate;              /* bits per second a publisher may send at most */
};

/* Creates the room (not permanent: it lives as long as Janus runs). A room that already
 * exists with this number is success (a retry after a lost answer). */
int media_room_create(const struct media *m, const struct media_room *room, char *why,
		      size_t whylen);
/* Destroys the room; the participants get Janus's "destroyed" event. A room that does not
 * exist is success (destroyed already, or Janus restarted). */
int media_room_destroy(const struct media *m, uint64_t room, const char *secret, char *why,
		       size_t whylen);
/* Adds a token to (allow = true) or removes it from the room's allowed list. */
int media_room_allow(const struct media *m, uint64_t room, const char *secret, const char *token,
		     bool allow, char *why, size_t whylen);
/* Mutes (true) or unmutes one stream (its mid, as the publisher announced it) of one
 * participant (feed), as the room's moderator. */
int media_room_moderate(const struct media *m, uint64_t room, const char *secret, uint64_t feed,
			const char *mid, bool mute, char *why, size_t whylen);

#endif
