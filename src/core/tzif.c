/* tzif.c — TZif parsing and offset lookup. */
#include "tzif.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "timetable.h"

static uint32_t tzif_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t tzif_be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)tzif_be32(p) << 32 | tzif_be32(p + 4));
}

struct tzif_counts {
	uint32_t isut, isstd, leap, time, type, chars;
};

/* Reads a 44-byte header; PARTA_EINVAL when it is not one. */
static int tzif_header(const unsigned char *p, size_t len, struct tzif_counts *c)
{
	if (len < 44 || memcmp(p, "TZif", 4) != 0)
		return PARTA_EINVAL;
	c->isut = tzif_be32(p + 20);
	c->isstd = tzif_be32(p + 24);
	c->leap = tzif_be32(p + 28);
	c->time = tzif_be32(p + 32);
	c->type = tzif_be32(p + 36);
	c->chars = tzif_be32(p + 40);
	/* Counts bounded so the sizes below cannot overflow (real files hold a few hundred). */
	if (c->type == 0 || c->type > 256 || c->time > 100000 || c->leap > 100000 ||
	    c->chars > 100000 || c->isut > 256 || c->isstd > 256)
		return PARTA_EINVAL;
	return PARTA_OK;
}

static size_t tzif_block_size(const struct tzif_counts *c, size_t timesize)
{
	return (size_t)c->time * timesize + c->time + (size_t)c->type * 6 + c->chars +
	       (size_t)c->leap * (timesize + 4) + c->isstd + c->isut;
}

int tzif_parse(const unsigned char *data, size_t len, struct tzif *out)
{
	memset(out, 0, sizeof *out);
	struct tzif_counts c;
	if (tzif_header(data, len, &c) != PARTA_OK)
		return PARTA_EINVAL;
	size_t timesize = 4;
	const unsigned char *p = data + 44;
	size_t left = len - 44;
	if (data[4] >= '2') {
		/* Skip the 32-bit block; the 64-bit one follows with its own header. */
		size_t skip = tzif_block_size(&c, 4);
		if (skip > left || tzif_header(p + skip, left - skip, &c) != PARTA_OK)
			return PARTA_EINVAL;
		p += skip + 44;
		left -= skip + 44;
		timesize = 8;
	}
	if (tzif_block_size(&c, timesize) > left)
		return PARTA_EINVAL;
	const unsigned char *times = p, *idx = p + (size_t)c.time * timesize,
			    *types = idx + c.time;
	int32_t *offs = malloc((size_t)c.type * sizeof *offs);
	out->at = malloc(((size_t)c.time + 1) * sizeof *out->at);
	out->offset = malloc(((size_t)c.time + 1) * sizeof *out->offset);
	if (offs == NULL || out->at == NULL || out->offset == NULL) {
		free(offs);
		tzif_free(out);
		return PARTA_ENOMEM;
	}
	for (uint32_t i = 0; i < c.type; i++)
		offs[i] = (int32_t)tzif_be32(types + (size_t)i * 6);
	/* RFC 8536 3.2: before the first transition, the first type applies. */
	out->initial = offs[0];
	for (uint32_t i = 0; i < c.time; i++) {
		int64_t at = timesize == 8 ? tzif_be64(times + (size_t)i * 8)
					   : (int32_t)tzif_be32(times + (size_t)i * 4);
		if (idx[i] >= c.type || (i > 0 && at <= out->at[i - 1])) {
			free(offs);
			tzif_free(out);
			return PARTA_EINVAL;
		}
		out->at[i] = at;
		out->offset[i] = offs[idx[i]];
	}
	out->n = c.time;
	free(offs);
	return PARTA_OK;
}

void tzif_free(struct tzif *tz)
{
	free(tz->at);
	free(tz->offset);
	tz->at = NULL;
	tz->offset = NULL;
	tz->n = 0;
}

int32_t tzif_offset_at(const struct tzif *tz, int64_t utc)
{
	/* The last transition at or before utc. */
	size_t lo = 0, hi = tz->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tz->at[mid] <= utc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == 0 ? tz->initial : tz->offset[lo - 1];
}

int64_t tzif_local_to_utc(const struct tzif *tz, int64_t local)
{
	/* The offsets in force a day before and a day after bracket every candidate. */
	int32_t before = tzif_offset_at(tz, local - 86400), after = tzif_offset_at(tz, local + 86400);
	int64_t first = local - before;
	if (tzif_offset_at(tz, first) == before)
		return first; /* also the first of a repeated hour */
	int64_t second = local - after;
	if (tzif_offset_at(tz, second) == after)
		return second;
	return first; /* skipped: as if the earlier offset still held */
}

/* Howard Hinnant's civil-date algorithms (public domain descriptions), restated. */
int64_t tzif_days_from_civil(int year, int month, int day)
{
	int64_t y = (int64_t)year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void tzif_civil_from_days(int64_t days, int *year, int *month, int *day)
{
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t doe = days - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = (int)(yoe + era * 400 + (m <= 2));
	*month = m;
	*day = d;
}

void tzif_local_parts(const struct tzif *tz, int64_t utc, char date[11], char hhmm[6])
{
	int64_t local = utc + tzif_offset_at(tz, utc);
	int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	int64_t secs = local - days * 86400;
	int y, m, d;
	tzif_civil_from_days(days, &y, &m, &d);
	/* Bounded by construction (a 4-digit year, months, days, hours, minutes); the casts and
	 * remainders tell the compiler so. */
	snprintf(date, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
		 (unsigned)d % 100u);
	snprintf(hhmm, 6, "%02u:%02u", (unsigned)(secs / 3600) % 100u,
		 (unsigned)(secs / 60 % 60) % 100u);
}

bool tzif_wall_to_utc(const struct tzif *tz, const char *date, const char *hhmm, int64_t *out)
{
	int minutes = hhmm != NULL ? timetable_minutes(hhmm) : -1;
	if (date == NULL || !timetable_date_valid(date) || minutes < 0)
		return false;
	int64_t days = tzif_days_from_civil(atoi(date), atoi(date + 5), atoi(date + 8));
	*out = tzif_local_to_utc(tz, days * 86400 + (int64_t)minutes * 60);
	return true;
}
