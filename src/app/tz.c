/* tz.c — reading zone files for core/tzif. */
#include "tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/timetable.h"
#include "orgs.h"

#define TZ_FILE_MAX (256 * 1024)

int tz_open(const char *zone, struct tzif *out)
{
	if (!orgs_time_zone_valid(zone))
		return PARTA_ENOTFOUND;
	char path[128];
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", zone);
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return PARTA_ENOTFOUND;
	unsigned char *buf = malloc(TZ_FILE_MAX);
	size_t len = buf != NULL ? fread(buf, 1, TZ_FILE_MAX, f) : 0;
	int failed = ferror(f);
	fclose(f);
	if (buf == NULL)
		return PARTA_ENOMEM;
	int rc = failed ? PARTA_EIO : tzif_parse(buf, len, out);
	free(buf);
	return rc == PARTA_EINVAL ? PARTA_EIO : rc;
}

int tz_local_to_utc(const char *zone, const char *date, const char *hhmm, int64_t *out)
{
	int minutes = hhmm != NULL ? timetable_minutes(hhmm) : -1;
	if (date == NULL || !timetable_date_valid(date) || minutes < 0)
		return PARTA_EVALIDATION;
	int y = atoi(date), m = atoi(date + 5), d = atoi(date + 8);
	struct tzif tz;
	int rc = tz_open(zone, &tz);
	if (rc != PARTA_OK)
		return rc;
	*out = tzif_local_to_utc(&tz, tzif_days_from_civil(y, m, d) * 86400 + minutes * 60);
	tzif_free(&tz);
	return PARTA_OK;
}
