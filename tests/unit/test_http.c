/* test_http.c — the HTTP request/response helpers: the one error-to-status mapping, JSON error
 * bodies, cookies, request-body JSON parsing and response headers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "net/http.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Every value of enum parta_err has its documented status (core/err.h). */
static void test_status_for_every_error(void **state)
{
	(void)state;
	static const struct {
		int err, status;
	} cases[] = {
		{PARTA_OK, 200},          {PARTA_EINVAL, 400},      {PARTA_EUNAUTH, 401},
		{PARTA_EFORBIDDEN, 403},  {PARTA_ENOTFOUND, 404},   {PARTA_EMETHOD, 405},
		{PARTA_ECONFLICT, 409},   {PARTA_ETOOLARGE, 413},   {PARTA_EMEDIATYPE, 415},
		{PARTA_EVALIDATION, 422}, {PARTA_ETHROTTLED, 429},  {PARTA_EFULL, 503},
		{PARTA_ENOMEM, 500},      {PARTA_EIO, 500},         {PARTA_ESCHEMA, 500},
		{-1, 500},                {PARTA_ESCHEMA + 1, 500}, /* unknown values: 500 */
	};
	for (size_t i = 0; i < NELEM(cases); i++)
		if (http_status_for(cases[i].err) != cases[i].status)
			fail_msg("%s (%d): status %d, want %d", parta_strerror(cases[i].err),
				 cases[i].err, http_status_for(cases[i].err), cases[i].status);
	/* The table above covers the whole enum: the last value is PARTA_ESCHEMA. */
	assert_string_equal(parta_strerror(PARTA_ESCHEMA + 1), "unknown");
}

/* {"error":{"code":…,"message":…}} with the status of the error and a JSON content type. */
static void test_error_body(void **state)
{
	(void)state;
	struct http_resp resp;
	memset(&resp, 0, sizeof resp);
	http_error(&resp, PARTA_ECONFLICT, "login_taken", "Логин «ivan» уже занят");
	assert_int_equal(resp.status, 409);
	assert_non_null(resp.content_type);
	assert_non_null(strstr(resp.content_type, "application/json"));
	assert_non_null(resp.body);
	assert_int_equal(resp.body_len, strlen(resp.body));

	json_error_t jerr;
	json_t *root = json_loadb(resp.body, resp.body_len, JSON_REJECT_DUPLICATES, &jerr);
	assert_non_null(root);
	assert_true(json_is_object(root));
	assert_int_equal(json_object_size(root), 1);
	json_t *error = json_object_get(root, "error");
	assert_true(json_is_object(error));
	assert_int_equal(json_object_size(error), 2);
	assert_string_equal(json_string_value(json_object_get(error, "code")), "login_taken");
	assert_string_equal(json_string_value(json_object_get(error, "message")),
			    "Логин «ivan» уже занят");
	json_decref(root);

	/* A second error replaces the first body (no leak, new status). */
	http_error(&resp, PARTA_ENOTFOUND, "not_found", "нет");
	assert_int_equal(resp.status, 404);
	assert_non_null(strstr(resp.body, "\"not_found\""));
	http_resp_reset(&resp);
	assert_null(resp.body);
	assert_int_equal(resp.status, 0);
}

/* http_cookie finds the named cookie among several and never matches on a name prefix or
 * suffix. */
static void test_cookie(void **state)
{
	(void)state;
	static const struct {
		const char *header;
		size_t buflen;
		int rc;
		const char *value;
	} cases[] = {
		{"a=1; parta_session=XYZ; b=2", 64, PARTA_OK, "XYZ"},
		{"parta_session=XYZ", 64, PARTA_OK, "XYZ"},
		{"a=1;parta_session=XYZ", 64, PARTA_OK, "XYZ"},
		{"a=1; parta_session=", 64, PARTA_OK, ""},
		{"xparta_session=1", 64, PARTA_ENOTFOUND, NULL},
		{"xparta_session=1; parta_session=2", 64, PARTA_OK, "2"},
		{"parta_sessionx=1", 64, PARTA_ENOTFOUND, NULL},
		{"parta_session", 64, PARTA_ENOTFOUND, NULL},
		{"a=parta_session=1", 64, PARTA_ENOTFOUND, NULL},
		{"a=1; b=2", 64, PARTA_ENOTFOUND, NULL},
		{"", 64, PARTA_ENOTFOUND, NULL},
		{"; ;", 64, PARTA_ENOTFOUND, NULL},
		{"parta_session=XYZ", 4, PARTA_OK, "XYZ"},     /* exactly fits with its NUL */
		{"parta_session=XYZ", 3, PARTA_ETOOLARGE, NULL},
		{"a=1; parta_session=0123456789", 8, PARTA_ETOOLARGE, NULL},
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct http_req req;
		memset(&req, 0, sizeof req);
		req.cookie = (char *)cases[i].header;
		char buf[64];
		memset(buf, '#', sizeof buf);
		int rc = http_cookie(&req, "parta_session", buf, cases[i].buflen);
		if (rc != cases[i].rc)
			fail_msg("\"%s\" (buf %zu): %s, want %s", cases[i].header, cases[i].buflen,
				 parta_strerror(rc), parta_strerror(cases[i].rc));
		if (cases[i].value != NULL && strcmp(buf, cases[i].value) != 0)
			fail_msg("\"%s\": value \"%s\", want \"%s\"", cases[i].header, buf,
				 cases[i].value);
		/* Nothing is written past the given length. */
		for (size_t k = cases[i].buflen; k < sizeof buf; k++)
			if (buf[k] != '#')
				fail_msg("\"%s\": wrote byte %zu beyond buffer length %zu",
					 cases[i].header, k, cases[i].buflen);
	}

	/* No Cookie header at all. */
	struct http_req req;
	memset(&req, 0, sizeof req);
	char buf[8];
	assert_int_equal(http_cookie(&req, "parta_session", buf, sizeof buf), PARTA_ENOTFOUND);
}

/* http_json_object: 415 unless the content type is JSON, 400 for malformed or non-UTF-8 JSON and
 * duplicate keys, 422 when the value is not an object; the error response is set on failure. */
static void test_json_object(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		const char *content_type; /* NULL: header absent */
		const char *body;         /* NULL: no body */
		int rc, status;
		const char *code; /* the error code word in the body, NULL on success */
	} cases[] = {
		{"empty object", "application/json", "{}", PARTA_OK, 0, NULL},
		{"object", "application/json", "{\"login\":\"иван\",\"n\":[1,2]}", PARTA_OK, 0, NULL},
		{"charset parameter", "application/json; charset=utf-8", "{}", PARTA_OK, 0, NULL},
		{"type is case-insensitive", "Application/JSON", "{}", PARTA_OK, 0, NULL},
		{"missing content type", NULL, "{}", PARTA_EMEDIATYPE, 415, "unsupported_media_type"},
		{"text/plain", "text/plain", "{}", PARTA_EMEDIATYPE, 415, "unsupported_media_type"},
		{"form", "application/x-www-form-urlencoded", "a=1", PARTA_EMEDIATYPE, 415,
		 "unsupported_media_type"},
		{"json prefix of another type", "application/jsonp", "{}", PARTA_EMEDIATYPE, 415,
		 "unsupported_media_type"},
		{"malformed", "application/json", "{\"a\":", PARTA_EINVAL, 400, "bad_json"},
		{"trailing garbage", "application/json", "{} x", PARTA_EINVAL, 400, "bad_json"},
		/* The parser's message quotes the bad token: the error body must still be JSON. */
		{"cyrillic bare word", "application/json", "{\"a\": тест}", PARTA_EINVAL, 400,
		 "bad_json"},
		{"empty body", "application/json", "", PARTA_EINVAL, 400, "bad_json"},
		{"no body", "application/json", NULL, PARTA_EINVAL, 400, "bad_json"},
		{"invalid UTF-8 in string", "application/json", "{\"a\":\"\xff\xfe\"}", PARTA_EINVAL,
		 400, "bad_json"},
		{"overlong UTF-8", "application/json", "{\"a\":\"\xC0\xAF\"}", PARTA_EINVAL, 400,
		 "bad_json"},
		{"escaped NUL", "application/json", "{\"a\":\"\\u0000\"}", PARTA_EINVAL, 400,
		 "bad_json"},
		{"duplicate keys", "application/json", "{\"a\":1,\"a\":2}", PARTA_EINVAL, 400,
		 "bad_json"},
		{"array", "application/json", "[1]", PARTA_EVALIDATION, 422, "validation"},
		{"array of objects", "application/json", "[{}]", PARTA_EVALIDATION, 422, "validation"},
	};
	/* Every case runs and frees its request; mismatches are collected and reported together. */
	int bad = 0;
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct http_req *req = calloc(1, sizeof *req);
		assert_non_null(req);
		if (cases[i].content_type)
			req->content_type = strdup(cases[i].content_type);
		if (cases[i].body) {
			req->body = strdup(cases[i].body);
			req->body_len = strlen(cases[i].body);
		}
		json_t *out = (json_t *)&bad; /* must be overwritten */
		int rc = http_json_object(req, &out);
		const char *why = NULL;
		json_t *body = NULL;
		const char *code = NULL;
		if (rc != cases[i].rc) {
			why = "wrong result";
		} else if (rc == PARTA_OK) {
			if (!json_is_object(out))
				why = "no object returned";
			else if (req->resp.status != 0 || req->resp.body != NULL)
				why = "a response was set on success";
		} else {
			body = json_loadb(req->resp.body ? req->resp.body : "", req->resp.body_len, 0,
					  NULL);
			code = json_string_value(
				json_object_get(json_object_get(body, "error"), "code"));
			if (out != NULL)
				why = "*out not NULL on failure";
			else if (req->resp.status != cases[i].status)
				why = "wrong status";
			else if (code == NULL || strcmp(code, cases[i].code) != 0)
				why = "wrong error code";
		}
		if (why != NULL) {
			print_error("%s: %s (got %s, status %d, code %s; want %s, %d, %s)\n",
				    cases[i].what, why, parta_strerror(rc), req->resp.status,
				    code ? code : "-", parta_strerror(cases[i].rc), cases[i].status,
				    cases[i].code ? cases[i].code : "-");
			bad++;
		}
		json_decref(body);
		if (rc == PARTA_OK)
			json_decref(out);
		http_req_free(req);
	}
	assert_int_equal(bad, 0);
}

/* A top-level scalar is well-formed JSON (RFC 8259) that is not an object: 422 "validation"
 * like "[1]", not 400 "bad_json" (http.h: "400 malformed …, 422 not an object"). */
static void test_json_scalar_is_not_an_object(void **state)
{
	(void)state;
	static const char *const bodies[] = {"\"x\"", "42", "null", "true"};
	int bad = 0;
	for (size_t i = 0; i < NELEM(bodies); i++) {
		struct http_req *req = calloc(1, sizeof *req);
		assert_non_null(req);
		req->content_type = strdup("application/json");
		req->body = strdup(bodies[i]);
		req->body_len = strlen(bodies[i]);
		json_t *out = NULL;
		int rc = http_json_object(req, &out);
		if (rc != PARTA_EVALIDATION || req->resp.status != 422) {
			print_error("%s: %s status %d, want evalidation 422\n", bodies[i],
				    parta_strerror(rc), req->resp.status);
			bad++;
		}
		json_decref(out);
		http_req_free(req);
	}
	assert_int_equal(bad, 0);
}

/* Only the first body_len bytes are parsed: the body need not be NUL-terminated. */
static void test_json_object_uses_body_len(void **state)
{
	(void)state;
	struct http_req *req = calloc(1, sizeof *req);
	assert_non_null(req);
	req->content_type = strdup("application/json");
	req->body = malloc(4);
	memcpy(req->body, "{}{}", 4); /* no NUL; the first two bytes are the whole body */
	req->body_len = 2;
	json_t *out = NULL;
	assert_int_equal(http_json_object(req, &out), PARTA_OK);
	assert_true(json_is_object(out));
	json_decref(out);
	http_req_free(req);
}

/* Response headers: names lower-cased with the trailing colon, values copied, the table
 * bounded by HTTP_MAX_RESP_HEADERS. */
static void test_headers_and_bodies(void **state)
{
	(void)state;
	struct http_resp resp;
	memset(&resp, 0, sizeof resp);
	char value[16] = "abc";
	assert_int_equal(http_header_add(&resp, "Set-Cookie", value), PARTA_OK);
	value[0] = 'X'; /* the header holds its own copy */
	assert_string_equal(resp.headers[0].name, "set-cookie:");
	assert_string_equal(resp.headers[0].value, "abc");
	for (size_t i = 1; i < HTTP_MAX_RESP_HEADERS; i++)
		assert_int_equal(http_header_add(&resp, "x-n", "v"), PARTA_OK);
	assert_int_equal(http_header_add(&resp, "x-over", "v"), PARTA_EFULL);
	assert_int_equal(resp.nheaders, HTTP_MAX_RESP_HEADERS);

	http_text(&resp, 201, "text/plain", "hello", 5);
	assert_int_equal(resp.status, 201);
	assert_int_equal(resp.body_len, 5);
	assert_memory_equal(resp.body, "hello", 5);

	http_json(&resp, 200, json_pack("{s:i}", "n", 1));
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.body, "{\"n\":1}");
	assert_int_equal(resp.body_len, 7);

	http_json(&resp, 204, NULL);
	assert_int_equal(resp.status, 204);
	assert_null(resp.body);
	assert_int_equal(resp.body_len, 0);
	http_resp_reset(&resp);
	assert_int_equal(resp.nheaders, 0);
}

static void test_method_names(void **state)
{
	(void)state;
	assert_string_equal(http_method_name(HTTP_GET), "GET");
	assert_string_equal(http_method_name(HTTP_DELETE), "DELETE");
	assert_string_equal(http_method_name(HTTP_OPTIONS), "OPTIONS");
	assert_string_equal(http_method_name((enum http_method)99), "OTHER");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_for_every_error),
		cmocka_unit_test(test_error_body),
		cmocka_unit_test(test_cookie),
		cmocka_unit_test(test_json_object),
		cmocka_unit_test(test_json_scalar_is_not_an_object),
		cmocka_unit_test(test_json_object_uses_body_len),
		cmocka_unit_test(test_headers_and_bodies),
		cmocka_unit_test(test_method_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
