#include "timetable.h"

#include <string.h>

static int timetable_digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int timetable_minutes(const char *hhmm)
{
	if (hhmm == NULL || strlen(hhmm) != 5 || hhmm[2] != ':')
		return -1;
	int h = timetable_digits(hhmm, 2), m = timetable_digits(hhmm + 3, 2);
	if (h < 0 || h > 23 || m < 0 || m > 59)
		return -1;
	return h * 60 + m;
}

bool timetable_date_valid(const char *date)
{
	if (date == NULL || strlen(date) != 10 || date[4] != '-' || date[7] != '-')
		return false;
	int y = timetable_digits(date, 4), m = timetable_digits(date + 5, 2),
	    d = timetable_digits(date + 8, 2);
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return !(m == 2 && d == 29 && !leap);
}

bool timetable_span_valid(const char *start, const char *end)
{
	int s = timetable_minutes(start), e = timetable_minutes(end);
	return s >= 0 && e > s && e - s <= 8 * 60;
}
