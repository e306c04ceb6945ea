#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The only process-wide state of the logger: written before threads start, read after. */
static enum log_level log_threshold = LOG_INFO;

static const char *const log_names[] = {"debug", "info", "warn", "error"};

int log_level_parse(const char *name, enum log_level *out)
{
	for (int i = 0; i < 4; i++) {
		if (strcmp(name, log_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

void log_set_level(enum log_level level) { log_threshold = level; }

enum log_level log_get_level(void) { return log_threshold; }

void log_msg(enum log_level level, const char *module, const char *fmt, ...)
{
	if (level < log_threshold)
		return;
	char line[2048];
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	int n = snprintf(line, sizeof line, "ts=%s level=%s mod=%s ", ts, log_names[level], module);
	if (n < 0 || (size_t)n >= sizeof line)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	va_end(ap);
	/* One fprintf per line so that lines from different threads do not interleave. */
	fprintf(stderr, "%s\n", line);
}
