/* vconf_int.h — what the two halves of the conferences module (vconf.c: the registry, the
 * journal, the diary; vconfrun.c: joining and the scheduler) share; not for other modules. */
#ifndef PARTA_APP_VCONF_INT_H
#define PARTA_APP_VCONF_INT_H

#include "vconf.h"

/* Fills `why` (may be NULL) with a stable code and a Russian text; returns rc. */
int vconf__fail(struct vconf_why *why, int rc, const char *code, const char *text);
/* Commits the caller's transaction when rc is PARTA_OK, else rolls it back; the outcome. */
int vconf__commit(struct app *app, int rc);

#endif
