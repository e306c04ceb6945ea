/* tz.c — reading zone files for core/tzif. */
#include "tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
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
