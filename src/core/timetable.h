/* timetable.h — lesson times. Pure.
 *
 * Times are local wall-clock "HH:MM" in the organisation's time zone; dates "YYYY-MM-DD". */
#ifndef PARTA_CORE_TIMETABLE_H
#define PARTA_CORE_TIMETABLE_H

#include <stdbool.h>

/* Minutes since midnight of "HH:MM" (00:00–23:59), or -1 when malformed. */
int timetable_minutes(const char *hhmm);

/* True for a real calendar date "YYYY-MM-DD" (1900–2999, leap years honoured). */
bool timetable_date_valid(const char *date);

/* True when start and end are valid times and the lesson lasts 1 minute to 8 hours. */
bool timetable_span_valid(const char *start, const char *end);

#endif
