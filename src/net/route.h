/* route.h — matching request paths against route patterns with parameters. Pure.
 *
 * A pattern is a path whose segments are literals or `{name}` placeholders:
 *   "/api/v1/orgs/{org}/classes/{class}"
 * A placeholder matches one non-empty segment of at most 127 bytes. Paths are matched exactly
 * (no trailing-slash folding). */
#ifndef PARTA_NET_ROUTE_H
#define PARTA_NET_ROUTE_H

#include <stdbool.h>

#include "http.h"

/* True when `path` matches `pattern`. On a match the placeholders are written to params[] (up
 * to HTTP_MAX_PARAMS) and *nparams is set; on no match they are left unspecified. */
bool route_match(const char *pattern, const char *path, struct http_param *params,
		 size_t *nparams);

#endif
