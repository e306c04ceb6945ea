/* utf8.h — input validation helpers shared by every module that accepts text. Pure. */
#ifndef PARTA_CORE_UTF8_H
#define PARTA_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF) and holds
 * no NUL and no C0 control character other than tab, LF and CR. */
bool utf8_valid_text(const char *s, size_t len);

/* Number of code points in well-formed UTF-8 s[0..len). */
size_t utf8_length(const char *s, size_t len);

/* Folds s[0..len) for comparisons as Russian users expect: Latin A–Z and Cyrillic А–Я to lower
 * case, and ё/Ё to е (people type either). Every fold keeps a character's byte length, so
 * `out` needs exactly `len` bytes; other bytes are copied unchanged. */
void utf8_fold(const char *s, size_t len, char *out);

/* A key that sorts names as people read them: folded (utf8_fold) and every run of ASCII
 * digits left-padded with zeros to UTF8_NATURAL_DIGITS, so «2А» comes before «10А». Writes
 * at most len * UTF8_NATURAL_DIGITS bytes (no NUL) to `out` and returns how many. */
#define UTF8_NATURAL_DIGITS 10
size_t utf8_natural_key(const char *s, size_t len, char *out);

#endif
