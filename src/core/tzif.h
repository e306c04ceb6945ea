/* tzif.h — time zones from the IANA database's compiled files (TZif, RFC 8536). Pure: the
 * caller reads the file (app/tz.h) and hands its bytes in.
 *
 * Only the transitions are used, not the footer's rule for times after the last one: that
 * is exact for the zones whose offset no longer changes (every Russian zone since 2016) and
 * for any zone up to its file's last transition (zic writes transitions up to 2037 for zones
 * with daylight saving time). */
#ifndef PARTA_CORE_TZIF_H
#define PARTA_CORE_TZIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tzif {
	int64_t *at;     /* transition times, UTC seconds, ascending */
	int32_t *offset; /* the UTC offset in seconds from at[i] on */
	size_t n;
	int32_t initial; /* the offset before the first transition */
};

/* Parses a TZif file (version 1, or the 64-bit block of versions 2–4). PARTA_EINVAL for
 * anything malformed or truncated, PARTA_ENOMEM. On success free with tzif_free. */
int tzif_parse(const unsigned char *data, size_t len, struct tzif *out);
void tzif_free(struct tzif *tz);

/* The zone's UTC offset in seconds at a UTC time. */
int32_t tzif_offset_at(const struct tzif *tz, int64_t utc);

/* The UTC time of a local wall-clock time given as seconds since 1970-01-01 00:00 local. A
 * local time skipped by a transition maps as if the earlier offset still held; a repeated one
 * maps to its first occurrence. */
int64_t tzif_local_to_utc(const struct tzif *tz, int64_t local);

/* The UTC time of a local date "YYYY-MM-DD" and time "HH:MM" (as tzif_local_to_utc); false
 * when either is malformed (core/timetable.h). */
bool tzif_wall_to_utc(const struct tzif *tz, const char *date, const char *hhmm, int64_t *out);

/* The local date "YYYY-MM-DD" and time "HH:MM" of a UTC time. */
void tzif_local_parts(const struct tzif *tz, int64_t utc, char date[11], char hhmm[6]);

/* Days since 1970-01-01 of a civil date (proleptic Gregorian), and back. */
int64_t tzif_days_from_civil(int year, int month, int day);
void tzif_civil_from_days(int64_t days, int *year, int *month, int *day);

#endif
