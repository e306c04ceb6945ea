/* test_static.c — serving the browser UI: path safety, content types, and static_serve against
 * a real temporary web directory (200, index.html, 301 for directories, 404, ETag/304). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/http.h"
#include "net/static.h"
#include "tmpdir.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Nothing outside the web directory may be reachable: "." and ".." segments, backslashes,
 * control bytes and relative paths are refused. Names that merely start with dots are files
 * like any other ("/..." is a three-dot name, "/.hidden" a dot file): they are not segments
 * that walk the tree, so they are allowed. */
static void test_path_safe(void **state)
{
	(void)state;
	static const struct {
		const char *path;
		bool safe;
	} cases[] = {
		{"/", true},
		{"/a/b.js", true},
		{"/index.html", true},
		{"/sub/", true},
		{"/a.b.c/d", true},
		{"/...", true},
		{"/.hidden", true},
		{"/a/..b", true},
		{"/..", false},
		{"/../", false},
		{"/../etc/passwd", false},
		{"/a/../b", false},
		{"/a/..", false},
		{"/./a", false},
		{"/a/.", false},
		{"/a/./b", false},
		{"a", false},
		{"", false},
		{"a/b", false},
		{"/a\\b", false},
		{"/..\\x", false},
		{"/a\x01", false},
		{"/a\x1f", false},
		{"/a\x7f", false},
		{"/a\tb", false},
		{"/a\nb", false},
	};
	for (size_t i = 0; i < NELEM(cases); i++)
		if (static_path_safe(cases[i].path) != cases[i].safe)
			fail_msg("\"%s\": %s, want %s", cases[i].path,
				 cases[i].safe ? "refused" : "accepted",
				 cases[i].safe ? "accepted" : "refused");
}

static void test_content_type(void **state)
{
	(void)state;
	static const struct {
		const char *name, *type;
	} cases[] = {
		{"/index.html", "text/html; charset=utf-8"},
		{"/app.js", "text/javascript; charset=utf-8"},
		{"/mod.mjs", "text/javascript; charset=utf-8"},
		{"/style.css", "text/css; charset=utf-8"},
		{"/logo.svg", "image/svg+xml"},
		{"/data.json", "application/json; charset=utf-8"},
		{"/pic.png", "image/png"},
		{"/a/b.min.js", "text/javascript; charset=utf-8"},
		{"/archive.tar.gz", "application/octet-stream"},
		{"/file.HTML", "application/octet-stream"}, /* extensions are case-sensitive */
		{"/README", "application/octet-stream"},
		{"/dir.d/file", "application/octet-stream"}, /* a dot in a directory is no extension */
		{"/dir.html/file", "application/octet-stream"},
		{"/trailing.", "application/octet-stream"},
		{"", "application/octet-stream"},
	};
	for (size_t i = 0; i < NELEM(cases); i++)
		if (strcmp(static_content_type(cases[i].name), cases[i].type) != 0)
			fail_msg("\"%s\": %s, want %s", cases[i].name,
				 static_content_type(cases[i].name), cases[i].type);
}

/* ---- static_serve against a temporary web directory ---- */

struct web {
	char dir[TMPDIR_PATH_MAX];
};

static void web_write(const struct web *w, const char *rel, const char *text)
{
	assert_int_equal(tmpdir_write(w->dir, rel, text), 0);
}

/* index.html, app.js, sub/index.html, an empty file and a directory without index.html. */
static int web_setup(void **state)
{
	struct web *w = calloc(1, sizeof *w);
	if (w == NULL || tmpdir_make(w->dir, "static") != 0)
		return -1;
	char sub[TMPDIR_PATH_MAX], empty[TMPDIR_PATH_MAX];
	if (tmpdir_file(sub, w->dir, "sub") != 0 || mkdir(sub, 0700) != 0 ||
	    tmpdir_file(empty, w->dir, "empty") != 0 || mkdir(empty, 0700) != 0)
		return -1;
	if (tmpdir_write(w->dir, "index.html", "<!doctype html><title>Парта</title>") != 0 ||
	    tmpdir_write(w->dir, "app.js", "console.log('hi');\n") != 0 ||
	    tmpdir_write(w->dir, "sub/index.html", "sub index") != 0 ||
	    tmpdir_write(w->dir, "zero.txt", "") != 0)
		return -1;
	*state = w;
	return 0;
}

static int web_teardown(void **state)
{
	struct web *w = *state;
	int rc = tmpdir_remove(w->dir);
	free(w);
	return rc;
}

static struct http_req *req_new(const char *path, const char *if_none_match)
{
	struct http_req *req = calloc(1, sizeof *req);
	assert_non_null(req);
	req->method = HTTP_GET;
	req->path = strdup(path);
	if (if_none_match)
		req->if_none_match = strdup(if_none_match);
	return req;
}

static const char *resp_header(const struct http_resp *resp, const char *name)
{
	for (size_t i = 0; i < resp->nheaders; i++)
		if (strcmp(resp->headers[i].name, name) == 0)
			return resp->headers[i].value;
	return NULL;
}

/* Files are served with 200, their exact bytes, their content type, a weak ETag and
 * Cache-Control: no-cache; "/x/" serves "/x/index.html". */
static void test_serve_files(void **state)
{
	const struct web *w = *state;
	static const struct {
		const char *path, *body, *type;
	} cases[] = {
		{"/app.js", "console.log('hi');\n", "text/javascript; charset=utf-8"},
		{"/", "<!doctype html><title>Парта</title>", "text/html; charset=utf-8"},
		{"/index.html", "<!doctype html><title>Парта</title>", "text/html; charset=utf-8"},
		{"/sub/", "sub index", "text/html; charset=utf-8"},
		{"/zero.txt", "", "text/plain; charset=utf-8"},
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct http_req *req = req_new(cases[i].path, NULL);
		int status = static_serve(w->dir, req);
		if (status != 200 || req->resp.status != 200)
			fail_msg("%s: status %d/%d, want 200", cases[i].path, status, req->resp.status);
		size_t len = strlen(cases[i].body);
		if (req->resp.body_len != len ||
		    (len > 0 && memcmp(req->resp.body, cases[i].body, len) != 0))
			fail_msg("%s: wrong body (%zu bytes)", cases[i].path, req->resp.body_len);
		if (req->resp.content_type == NULL ||
		    strcmp(req->resp.content_type, cases[i].type) != 0)
			fail_msg("%s: type %s, want %s", cases[i].path,
				 req->resp.content_type ? req->resp.content_type : "(null)",
				 cases[i].type);
		const char *etag = resp_header(&req->resp, "etag:");
		if (etag == NULL || strncmp(etag, "W/\"", 3) != 0 || etag[strlen(etag) - 1] != '"')
			fail_msg("%s: etag %s", cases[i].path, etag ? etag : "(none)");
		const char *cc = resp_header(&req->resp, "cache-control:");
		if (cc == NULL || strcmp(cc, "no-cache") != 0)
			fail_msg("%s: cache-control %s", cases[i].path, cc ? cc : "(none)");
		http_req_free(req);
	}
}

/* A directory named without its slash is redirected to the slashed path. */
static void test_serve_directory_redirect(void **state)
{
	const struct web *w = *state;
	struct http_req *req = req_new("/sub", NULL);
	assert_int_equal(static_serve(w->dir, req), 301);
	assert_int_equal(req->resp.status, 301);
	const char *location = resp_header(&req->resp, "location:");
	assert_non_null(location);
	assert_string_equal(location, "/sub/");
	http_req_free(req);
}

/* Missing files, unsafe paths and directories without index.html are 404 with a JSON error. */
static void test_serve_not_found(void **state)
{
	const struct web *w = *state;
	static const char *const paths[] = {
		"/missing.js", "/sub/missing", "/empty/", "/../etc/passwd", "/sub/../index.html",
		"/./index.html", "/app.js/", "/index.html\\",
	};
	for (size_t i = 0; i < NELEM(paths); i++) {
		struct http_req *req = req_new(paths[i], NULL);
		int status = static_serve(w->dir, req);
		if (status != 404 || req->resp.status != 404)
			fail_msg("%s: status %d, want 404", paths[i], status);
		if (req->resp.body == NULL || strstr(req->resp.body, "\"not_found\"") == NULL)
			fail_msg("%s: no not_found error body", paths[i]);
		http_req_free(req);
	}
}

/* If-None-Match equal to the current ETag gives 304 with no body (and the ETag again); any
 * other value gives the full 200. */
static void test_serve_etag_revalidation(void **state)
{
	const struct web *w = *state;
	struct http_req *req = req_new("/app.js", NULL);
	assert_int_equal(static_serve(w->dir, req), 200);
	char etag[128];
	const char *got = resp_header(&req->resp, "etag:");
	assert_non_null(got);
	snprintf(etag, sizeof etag, "%s", got);
	http_req_free(req);

	req = req_new("/app.js", etag);
	assert_int_equal(static_serve(w->dir, req), 304);
	assert_int_equal(req->resp.status, 304);
	assert_int_equal(req->resp.body_len, 0);
	assert_null(req->resp.body);
	assert_non_null(resp_header(&req->resp, "etag:"));
	assert_string_equal(resp_header(&req->resp, "etag:"), etag);
	http_req_free(req);

	req = req_new("/app.js", "W/\"0-0\"");
	assert_int_equal(static_serve(w->dir, req), 200);
	assert_int_equal(req->resp.body_len, strlen("console.log('hi');\n"));
	http_req_free(req);

	/* The ETag changes with the content. */
	web_write(w, "app.js", "console.log('changed');\n");
	req = req_new("/app.js", etag);
	assert_int_equal(static_serve(w->dir, req), 200);
	const char *fresh = resp_header(&req->resp, "etag:");
	assert_non_null(fresh);
	assert_string_not_equal(fresh, etag);
	http_req_free(req);
	web_write(w, "app.js", "console.log('hi');\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_safe),
		cmocka_unit_test(test_content_type),
		cmocka_unit_test(test_serve_files),
		cmocka_unit_test(test_serve_directory_redirect),
		cmocka_unit_test(test_serve_not_found),
		cmocka_unit_test(test_serve_etag_revalidation),
	};
	return cmocka_run_group_tests(tests, web_setup, web_teardown);
}
