#include "static.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/err.h"

const char *static_content_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".html", "text/html; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".json", "application/json; charset=utf-8"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".jpg", "image/jpeg"},
		{".jpeg", "image/jpeg"},
		{".ico", "image/x-icon"},
		{".webp", "image/webp"},
		{".woff2", "font/woff2"},
		{".txt", "text/plain; charset=utf-8"},
		{".webmanifest", "application/manifest+json"},
	};
	const char *dot = strrchr(name, '.');
	if (dot != NULL && strchr(dot, '/') == NULL)
		for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
			if (strcmp(dot, types[i].ext) == 0)
				return types[i].type;
	return "application/octet-stream";
}

bool static_path_safe(const char *path)
{
	if (path[0] != '/')
		return false;
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == '\\' || *p == 0x7f)
			return false;
	for (const char *seg = path; seg != NULL; seg = strchr(seg + 1, '/')) {
		const char *s = seg + 1;
		size_t len = strcspn(s, "/");
		if ((len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
			return false;
	}
	return true;
}

static int static_not_found(struct http_req *req)
{
	http_error(&req->resp, PARTA_ENOTFOUND, "not_found", "Страница не найдена");
	return 404;
}

static int static_read(int fd, size_t size, char **out)
{
	char *buf = malloc(size ? size : 1);
	if (buf == NULL)
		return PARTA_ENOMEM;
	size_t got = 0;
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n <= 0) {
			free(buf);
			return PARTA_EIO;
		}
		got += (size_t)n;
	}
	*out = buf;
	return PARTA_OK;
}

int static_serve(const char *web_dir, struct http_req *req)
{
	if (!static_path_safe(req->path))
		return static_not_found(req);
	char full[4096];
	const char *index = req->path[strlen(req->path) - 1] == '/' ? "index.html" : "";
	int n = snprintf(full, sizeof full, "%s%s%s", web_dir, req->path, index);
	if (n < 0 || (size_t)n >= sizeof full)
		return static_not_found(req);
	int fd = open(full, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		return static_not_found(req);
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		char location[4096];
		snprintf(location, sizeof location, "%s/", req->path);
		http_text(&req->resp, 301, "text/plain; charset=utf-8", "", 0);
		http_header_add(&req->resp, "location", location);
		return 301;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > (off_t)STATIC_FILE_MAX) {
		close(fd);
		return static_not_found(req);
	}
	char etag[64];
	snprintf(etag, sizeof etag, "W/\"%llx-%llx\"", (unsigned long long)st.st_size,
		 (unsigned long long)st.st_mtim.tv_sec * 1000000000ull +
			 (unsigned long long)st.st_mtim.tv_nsec);
	const char *type = static_content_type(full);
	if (req->if_none_match != NULL && strcmp(req->if_none_match, etag) == 0) {
		close(fd);
		http_text(&req->resp, 304, type, "", 0);
	} else {
		char *body = NULL;
		int rc = static_read(fd, (size_t)st.st_size, &body);
		close(fd);
		if (rc != PARTA_OK) {
			http_error(&req->resp, rc, "io", "Не удалось прочитать файл");
			return req->resp.status;
		}
		http_resp_reset(&req->resp);
		req->resp.status = 200;
		req->resp.content_type = type;
		req->resp.body = body;
		req->resp.body_len = (size_t)st.st_size;
	}
	http_header_add(&req->resp, "etag", etag);
	http_header_add(&req->resp, "cache-control", "no-cache");
	return req->resp.status;
}
