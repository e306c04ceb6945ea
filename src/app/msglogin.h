/* msglogin.h — the messenger face's own sign-in (SPEC §2): a profile linked to at least one
 * journal account signs in with its phone, then its password or an SMS code, and gets a
 * messenger session (one profile session sees the chats of every organisation it is linked
 * in). The steps follow core/linkflow.h from AUTH (or straight from CODE when the profile has
 * no password); reaching its CONFIRM signs in. Errors as in app/link.h; PARTA_ENOTFOUND for a
 * phone without a profile or whose profile is linked nowhere (one answer for both). Like the
 * link flow of SPEC §2, the answer tells whether a phone has a usable profile; codes and
 * passwords stay behind their limits. */
#ifndef PARTA_APP_MSGLOGIN_H
#define PARTA_APP_MSGLOGIN_H

#include "auth.h"
#include "link.h"

int msglogin_start(struct app *app, const char *phone, const char *addr, struct link_result *out);
int msglogin_send_code(struct app *app, const char *flow, const char *addr,
		       struct link_result *out);
/* On PARTA_OK *issued holds the new messenger session and out->profile the profile. */
int msglogin_code(struct app *app, const char *flow, const char *code, const char *addr,
		  struct link_result *out, struct auth_issued *issued);
int msglogin_password_begin(struct app *app, const char *flow, const char *password,
			    const char *addr, struct link_password_job *job, struct link_result *out);
int msglogin_password_finish(struct app *app, const struct link_password_job *job,
			     struct link_result *out, struct auth_issued *issued);

#endif
