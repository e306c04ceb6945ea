/* tz.h — a named IANA zone's file (/usr/share/zoneinfo, a few kilobytes) read for
 * core/tzif.h, which converts the organisation's wall clock to UTC and back.
 *
 * PARTA_ENOTFOUND for a zone without a readable file, PARTA_EIO for a file that is not TZif. */
#ifndef PARTA_APP_TZ_H
#define PARTA_APP_TZ_H

#include <stdint.h>

#include "../core/tzif.h"

/* The zone's transitions, for many conversions (core/tzif.h); free with tzif_free. */
int tz_open(const char *zone, struct tzif *out);

#endif
