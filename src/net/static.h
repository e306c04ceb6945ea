/* static.h — serving the browser UI from the web directory.
 *
 * GET and HEAD only. "/x/" serves "/x/index.html"; a directory without the slash is redirected
 * (301) to the slashed path. Paths with "." or ".." segments, backslashes or control bytes are
 * refused with 404, so nothing outside the web directory is reachable. Every response carries
 * a weak ETag and "Cache-Control: no-cache", so browsers revalidate cheaply (304). */
#ifndef PARTA_NET_STATIC_H
#define PARTA_NET_STATIC_H

#include "http.h"

#define STATIC_FILE_MAX (32u << 20)

/* Fills req->resp. Returns the HTTP status it set. */
int static_serve(const char *web_dir, struct http_req *req);

/* The Content-Type for a file name, by its extension ("application/octet-stream" when unknown). */
const char *static_content_type(const char *name);

/* True when `path` (starting with '/') is safe to append to the web directory. */
bool static_path_safe(const char *path);

#endif
