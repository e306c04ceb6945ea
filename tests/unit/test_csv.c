/* test_csv.c — the RFC 4180 parser: quoting, line ends, BOM, blank lines, ragged records,
 * line numbers, UTF-8 validation, header lookup, and every malformed input refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/csv.h"
#include "core/err.h"

static void parse_ok(const char *text, struct csv_table *t)
{
	char why[200] = "";
	size_t line = 0;
	int rc = csv_parse(text, strlen(text), t, &line, why, sizeof why);
	if (rc != PARTA_OK)
		fail_msg("parse failed at line %zu: %s", line, why);
}

static void test_simple_table(void **state)
{
	(void)state;
	struct csv_table t;
	parse_ok("sourcedId,givenName,familyName\nu1,Анна,Иванова\nu2,Борис,Петров\n", &t);
	assert_int_equal(t.ncols, 3);
	assert_int_equal(t.nrows, 2);
	assert_string_equal(csv_cell(&t, 0, 1), "Анна");
	assert_string_equal(csv_cell(&t, 1, 2), "Петров");
	assert_int_equal(t.lines[0], 1);
	assert_int_equal(t.lines[1], 2);
	assert_int_equal(t.lines[2], 3);
	assert_int_equal(t.widths[1], 3);
	csv_free(&t);
}

static void test_quotes_and_embedded_newlines(void **state)
{
	(void)state;
	struct csv_table t;
	parse_ok("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"line1\r\nline2\nline3\"\r\n"
		 "\"\",plain,\"end\"\r\nnext,\"q\",z",
		 &t);
	assert_int_equal(t.nrows, 3);
	assert_string_equal(csv_cell(&t, 0, 0), "x, y");
	assert_string_equal(csv_cell(&t, 0, 1), "say \"hi\"");
	assert_string_equal(csv_cell(&t, 0, 2), "line1\r\nline2\nline3");
	assert_string_equal(csv_cell(&t, 1, 0), "");
	assert_string_equal(csv_cell(&t, 1, 2), "end");
	/* Records after a field with two line breaks start two lines later. */
	assert_int_equal(t.lines[1], 2);
	assert_int_equal(t.lines[2], 5);
	assert_int_equal(t.lines[3], 6);
	assert_string_equal(csv_cell(&t, 2, 1), "q");
	assert_string_equal(csv_cell(&t, 2, 2), "z"); /* no line end at the end of the input */
	csv_free(&t);
}

static void test_bom_crlf_blank_lines_and_trailing_cr(void **state)
{
	(void)state;
	struct csv_table t;
	parse_ok("\xEF\xBB\xBFsourcedId,Status\r\n\r\nu1,active\r\n\n\nu2,\"tobedeleted\"\r", &t);
	assert_int_equal(t.nrows, 2);
	assert_int_equal(csv_col(&t, "sourcedid"), 0);
	assert_int_equal(csv_col(&t, "STATUS"), 1);
	assert_string_equal(csv_cell(&t, 0, 1), "active");
	assert_string_equal(csv_cell(&t, 1, 1), "tobedeleted");
	assert_int_equal(t.lines[1], 3);
	assert_int_equal(t.lines[2], 6);
	csv_free(&t);
}

static void test_ragged_records_and_lookup(void **state)
{
	(void)state;
	struct csv_table t;
	parse_ok(" a , b ,c\n1\n1,2,3,4\n,,\n", &t);
	assert_int_equal(csv_col(&t, "a"), 0);
	assert_int_equal(csv_col(&t, "b"), 1);
	assert_int_equal(csv_col(&t, "missing"), -1);
	assert_int_equal(t.widths[1], 1);
	assert_int_equal(t.widths[2], 4);
	assert_int_equal(t.widths[3], 3);
	assert_string_equal(csv_cell(&t, 0, 2), "");
	assert_string_equal(csv_cell(&t, 1, 2), "3");
	assert_string_equal(csv_cell(&t, 0, -1), "");
	assert_string_equal(csv_cell(&t, 9, 0), "");
	/* A bare quote inside an unquoted field is data. */
	csv_free(&t);
	parse_ok("name\nab\"c\n", &t);
	assert_string_equal(csv_cell(&t, 0, 0), "ab\"c");
	csv_free(&t);
}

static void test_header_only_and_empty(void **state)
{
	(void)state;
	struct csv_table t;
	parse_ok("a,b\n", &t);
	assert_int_equal(t.nrows, 0);
	assert_int_equal(t.ncols, 2);
	csv_free(&t);
	char why[200] = "";
	size_t line = 0;
	assert_int_equal(csv_parse("", 0, &t, &line, why, sizeof why), PARTA_EVALIDATION);
	assert_non_null(strstr(why, "заголовков"));
	assert_int_equal(csv_parse("\n\r\n", 3, &t, &line, why, sizeof why), PARTA_EVALIDATION);
	assert_null(t.cells);
}

static void expect_error(const char *text, size_t len, size_t want_line, const char *want)
{
	struct csv_table t;
	char why[200] = "";
	size_t line = 0;
	assert_int_equal(csv_parse(text, len, &t, &line, why, sizeof why), PARTA_EVALIDATION);
	assert_int_equal(line, want_line);
	if (strstr(why, want) == NULL)
		fail_msg("expected \"%s\" in \"%s\"", want, why);
	assert_null(t.text);
	assert_null(t.cells);
}

static void test_malformed_inputs(void **state)
{
	(void)state;
	const char unterminated[] = "a,b\n1,2\n3,\"open\nstill open\n";
	expect_error(unterminated, strlen(unterminated), 3, "кавычка");
	const char after_quote[] = "a,b\n\"x\"y,2\n";
	expect_error(after_quote, strlen(after_quote), 2, "закрывающей кавычки");
	const char latin1[] = "a,b\n1,2\n3,caf\xe9\n";
	expect_error(latin1, strlen(latin1), 3, "UTF-8");
	const char nul[] = "a,b\n1,\0\n";
	expect_error(nul, sizeof nul - 1, 2, "UTF-8");
	const char overlong[] = "a\n\xc0\xaf\n";
	expect_error(overlong, strlen(overlong), 2, "UTF-8");
	const char truncated[] = "a\n\xd0";
	expect_error(truncated, strlen(truncated), 2, "UTF-8");
}

/* Every prefix of a tricky input parses or fails cleanly (no reads past the end: ASan). */
static void test_every_prefix(void **state)
{
	(void)state;
	const char text[] = "\xEF\xBB\xBF\"a\"\"b\",c\r\n\"x\r\ny\",\"\"\r\n\nz,\"Ё\"";
	for (size_t n = 0; n <= sizeof text - 1; n++) {
		char *copy = malloc(n ? n : 1);
		memcpy(copy, text, n);
		struct csv_table t;
		int rc = csv_parse(copy, n, &t, NULL, NULL, 0);
		assert_true(rc == PARTA_OK || rc == PARTA_EVALIDATION);
		if (rc == PARTA_OK)
			csv_free(&t);
		free(copy);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_table),
		cmocka_unit_test(test_quotes_and_embedded_newlines),
		cmocka_unit_test(test_bom_crlf_blank_lines_and_trailing_cr),
		cmocka_unit_test(test_ragged_records_and_lookup),
		cmocka_unit_test(test_header_only_and_empty),
		cmocka_unit_test(test_malformed_inputs),
		cmocka_unit_test(test_every_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
