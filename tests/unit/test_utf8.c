/* test_utf8.c — the text validation every input goes through: well-formed UTF-8 only, no NUL,
 * no C0 control characters except tab, LF and CR, no DEL. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "core/utf8.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct utf8_case {
	const char *what;
	const char *s;
	size_t len; /* explicit, so that NUL bytes can be part of the input */
	bool valid;
};

#define T(what, lit, valid) {what, lit, sizeof(lit) - 1, valid}

static void test_valid_text(void **state)
{
	(void)state;
	static const struct utf8_case cases[] = {
		T("empty", "", true),
		T("ascii", "Hello, world! 0123456789 ~", true),
		T("russian", "Привет, мир! Ёлка, щука, ЪЫЬ", true),
		T("4-byte emoji", "\xF0\x9F\x98\x80 \xF0\x9F\x8E\x93", true),
		T("highest code point U+10FFFF", "\xF4\x8F\xBF\xBF", true),
		T("last before surrogates U+D7FF", "\xED\x9F\xBF", true),
		T("first after surrogates U+E000", "\xEE\x80\x80", true),
		T("smallest 2-byte U+0080", "\xC2\x80", true),
		T("smallest 3-byte U+0800", "\xE0\xA0\x80", true),
		T("smallest 4-byte U+10000", "\xF0\x90\x80\x80", true),
		T("tab, LF, CR", "a\tb\nc\r\n", true),
		T("overlong NUL C0 80", "\xC0\x80", false),
		T("overlong slash C1 AF", "\xC1\xAF", false),
		T("overlong 3-byte E0 80 80", "\xE0\x80\x80", false),
		T("overlong 3-byte E0 9F BF", "\xE0\x9F\xBF", false),
		T("overlong 4-byte F0 8F BF BF", "\xF0\x8F\xBF\xBF", false),
		T("high surrogate ED A0 80", "\xED\xA0\x80", false),
		T("low surrogate ED BF BF", "\xED\xBF\xBF", false),
		T("above U+10FFFF F4 90 80 80", "\xF4\x90\x80\x80", false),
		T("lead byte F5", "\xF5\x80\x80\x80", false),
		T("lead byte F8 (5-byte form)", "\xF8\x88\x80\x80\x80", false),
		T("byte FF", "\xFF", false),
		T("truncated 2-byte", "\xD0", false),
		T("truncated 3-byte", "\xE2\x82", false),
		T("truncated 4-byte", "\xF0\x9F\x98", false),
		T("truncated in the middle", "a\xD0 b", false),
		T("stray continuation byte", "\x80", false),
		T("stray continuation after text", "ok\xBF", false),
		T("NUL", "a\0b", false),
		T("control 0x01", "a\x01", false),
		T("escape 0x1B", "\x1B[31m", false),
		T("DEL 0x7F", "a\x7F", false),
	};
	for (size_t i = 0; i < NELEM(cases); i++)
		if (utf8_valid_text(cases[i].s, cases[i].len) != cases[i].valid)
			fail_msg("%s: expected %s", cases[i].what, cases[i].valid ? "valid" : "invalid");
}

/* The length in bytes is taken from the argument, not from a terminating NUL: a sequence cut by
 * `len` is truncated even when the buffer continues. */
static void test_valid_text_respects_len(void **state)
{
	(void)state;
	const char *s = "Щ"; /* D0 A9 */
	assert_true(utf8_valid_text(s, 2));
	assert_false(utf8_valid_text(s, 1));
	assert_true(utf8_valid_text("abc\x01", 3));
}

static void test_length_counts_code_points(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		size_t want;
	} cases[] = {
		{"", 0},
		{"abc", 3},
		{"Привет", 6},
		{"\xF0\x9F\x98\x80", 1},
		{"a\xF0\x9F\x98\x80Ё\t", 4},
		{"€", 1},
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		size_t got = utf8_length(cases[i].s, strlen(cases[i].s));
		if (got != cases[i].want)
			fail_msg("\"%s\": length %zu, want %zu", cases[i].s, got, cases[i].want);
	}
}

static void fold_is(const char *in, const char *want)
{
	size_t len = strlen(in);
	char out[256];
	assert_true(len < sizeof out);
	utf8_fold(in, len, out);
	out[len] = '\0';
	assert_string_equal(out, want);
}

static void test_fold(void **state)
{
	(void)state;
	fold_is("АБВГДЕЖЗИЙКЛМНОП", "абвгдежзийклмноп");
	fold_is("РСТУФХЦЧШЩЪЫЬЭЮЯ", "рстуфхцчшщъыьэюя");
	fold_is("Ёлкин ёж", "елкин еж");
	fold_is("абв xyz XYZ 10А", "абв xyz xyz 10а");
	fold_is("Ѣ ÄÖ €", "Ѣ ÄÖ €"); /* outside the two alphabets: unchanged */
	fold_is("\xD0", "\xD0");     /* a truncated sequence is copied, not read past */
}

static void key_is(const char *in, const char *want)
{
	size_t len = strlen(in);
	char out[512];
	assert_true(len * UTF8_NATURAL_DIGITS < sizeof out);
	size_t n = utf8_natural_key(in, len, out);
	out[n] = '\0';
	assert_string_equal(out, want);
}

static void test_natural_key(void **state)
{
	(void)state;
	key_is("10А - Ученики", "0000000010а - ученики");
	key_is("2Ё", "0000000002е");
	key_is("ДО-19-3", "до-0000000019-0000000003");
	key_is("", "");
	key_is("12345678901", "12345678901"); /* longer than the width: kept */
	/* «2а» sorts before «10а», «Ёлка» among the е. */
	char a[64], b[64];
	size_t na = utf8_natural_key("2а", strlen("2а"), a), nb = utf8_natural_key("10а", 4, b);
	assert_true(memcmp(a, b, na < nb ? na : nb) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_text),
		cmocka_unit_test(test_valid_text_respects_len),
		cmocka_unit_test(test_length_counts_code_points),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_natural_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
