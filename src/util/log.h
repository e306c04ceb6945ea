/* log.h — one line per event, key=value, to stderr.
 *
 * log_msg(LOG_INFO, "http", "method=%s path=%s status=%d", ...) prints
 *   ts=2026-11-23T09:00:00Z level=info mod=http method=GET path=/ status=200
 * Values with spaces are the caller's to quote. The level threshold is process-wide: it is set
 * once at start-up by the command line, before any thread exists. */
#ifndef PARTA_UTIL_LOG_H
#define PARTA_UTIL_LOG_H

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Parses "debug", "info", "warn", "error". Returns 0 and sets *out, or -1 when unknown. */
int log_level_parse(const char *name, enum log_level *out);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

void log_msg(enum log_level level, const char *module, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
