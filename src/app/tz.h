/* tz.h — the organisation's wall clock: local dates and times of a named IANA zone
 * (/usr/share/zoneinfo, read on each call: a file of a few kilobytes) to UTC and back.
 *
 * PARTA_EVALIDATION for a malformed date ("YYYY-MM-DD") or time ("HH:MM"), PARTA_ENOTFOUND
 * for a zone without a readable file, PARTA_EIO for a file that is not TZif. */
#ifndef PARTA_APP_TZ_H
#define PARTA_APP_TZ_H

#include <stdint.h>

#include "../core/tzif.h"

/* The zone's transitions, for many conversions (core/tzif.h); free with tzif_free. */
int tz_open(const char *zone, struct tzif *out);
int tz_local_to_utc(const char *zone, const char *date, const char *hhmm, int64_t *out);

#endif
