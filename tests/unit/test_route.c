/* test_route.c — route patterns: exact literal matching, {placeholders} with bounded values, and
 * http_param() lookups by name. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "net/http.h"
#include "net/route.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void test_match_table(void **state)
{
	(void)state;
	static const struct {
		const char *pattern, *path;
		bool match;
	} cases[] = {
		{"/", "/", true},
		{"/api/v1/health", "/api/v1/health", true},
		{"/api/v1/health", "/api/v1/healthz", false},
		{"/api/v1/health", "/api/v1/healt", false},
		{"/api/v1/health", "/api/v1/health/x", false},   /* extra segment */
		{"/api/v1/health", "/api/v1", false},            /* missing segment */
		{"/api/v1/health", "/api/v1/health/", false},    /* trailing slash differs */
		{"/api/v1/health/", "/api/v1/health", false},
		{"/api/v1/health", "/API/v1/health", false},     /* case-sensitive */
		{"/api/v1/health", "", false},
		{"/api/v1/health", "api/v1/health", false},
		{"/api/v1/orgs/{org}", "/api/v1/orgs/7", true},
		{"/api/v1/orgs/{org}", "/api/v1/orgs/", false},  /* empty segment */
		{"/api/v1/orgs/{org}", "/api/v1/orgs", false},
		{"/api/v1/orgs/{org}", "/api/v1/orgs//", false},
		{"/api/v1/orgs/{org}/classes", "/api/v1/orgs//classes", false},
		{"/api/v1/orgs/{org}", "/api/v1/orgs/7/", false},
		/* "{}" names no parameter: it is a literal segment. */
		{"/a/{}", "/a/7", false},
		{"/a/{}", "/a/{}", true},
		{"/{a}/{b}", "/x/y", true},
		{"/{a}/{b}", "/x", false},
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct http_param params[HTTP_MAX_PARAMS];
		size_t n = 99;
		bool got = route_match(cases[i].pattern, cases[i].path, params, &n);
		if (got != cases[i].match)
			fail_msg("%s vs %s: %s, want %s", cases[i].pattern, cases[i].path,
				 got ? "match" : "no match", cases[i].match ? "match" : "no match");
	}
}

/* Placeholders are written in order, named by the pattern text between the braces, and
 * http_param() finds them by name on a request. */
static void test_params_extracted(void **state)
{
	(void)state;
	struct http_param params[HTTP_MAX_PARAMS];
	size_t n = 0;
	assert_true(route_match("/api/v1/orgs/{org}/classes/{class}",
				"/api/v1/orgs/42/classes/5%D0%B0", params, &n));
	assert_int_equal(n, 2);
	assert_int_equal(params[0].name_len, 3);
	assert_memory_equal(params[0].name, "org", 3);
	assert_string_equal(params[0].value, "42");
	assert_int_equal(params[1].name_len, 5);
	assert_memory_equal(params[1].name, "class", 5);
	assert_string_equal(params[1].value, "5%D0%B0");

	struct http_req req;
	memset(&req, 0, sizeof req);
	memcpy(req.params, params, n * sizeof params[0]);
	req.nparams = n;
	assert_non_null(http_param(&req, "org"));
	assert_string_equal(http_param(&req, "org"), "42");
	assert_string_equal(http_param(&req, "class"), "5%D0%B0");
	assert_null(http_param(&req, "or"));     /* a prefix of a name is not the name */
	assert_null(http_param(&req, "orgs"));
	assert_null(http_param(&req, "classes"));
	assert_null(http_param(&req, ""));
	req.nparams = 0;
	assert_null(http_param(&req, "org")); /* only the first nparams count */
}

/* A placeholder value must fit in http_param.value with its NUL: 127 bytes, not 128. */
static void test_segment_length_limit(void **state)
{
	(void)state;
	char path[256];
	struct http_param params[HTTP_MAX_PARAMS];
	size_t n = 0;

	memcpy(path, "/c/", 3);
	memset(path + 3, 'x', 127);
	path[3 + 127] = '\0';
	assert_true(route_match("/c/{id}", path, params, &n));
	assert_int_equal(n, 1);
	assert_int_equal(strlen(params[0].value), 127);
	assert_memory_equal(params[0].value, path + 3, 127);

	memset(path + 3, 'x', 128);
	path[3 + 128] = '\0';
	assert_false(route_match("/c/{id}", path, params, &n));

	/* A literal segment has no such limit: it is compared, not copied. */
	char pattern[256];
	memcpy(pattern, path, sizeof pattern);
	assert_true(route_match(pattern, path, params, &n));
	assert_int_equal(n, 0);
}

/* At most HTTP_MAX_PARAMS placeholders are captured; a pattern with more never matches, so
 * params[] is never overrun. */
static void test_too_many_placeholders(void **state)
{
	(void)state;
	struct http_param params[HTTP_MAX_PARAMS];
	size_t n = 0;
	assert_int_equal(HTTP_MAX_PARAMS, 4);
	assert_true(route_match("/{a}/{b}/{c}/{d}", "/1/2/3/4", params, &n));
	assert_int_equal(n, 4);
	assert_string_equal(params[3].value, "4");
	assert_false(route_match("/{a}/{b}/{c}/{d}/{e}", "/1/2/3/4/5", params, &n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_table),
		cmocka_unit_test(test_params_extracted),
		cmocka_unit_test(test_segment_length_limit),
		cmocka_unit_test(test_too_many_placeholders),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
