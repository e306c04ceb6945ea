#include "utf8.h"

#include <stdint.h>

/* Length of the sequence starting at s[i] and its code point, or 0 when it is malformed. */
static size_t utf8_decode(const unsigned char *s, size_t len, size_t i, uint32_t *cp)
{
	unsigned char c = s[i];
	size_t need;
	uint32_t min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		need = 2, min = 0x80, *cp = c & 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		need = 3, min = 0x800, *cp = c & 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		need = 4, min = 0x10000, *cp = c & 0x07;
	} else {
		return 0;
	}
	if (len - i < need)
		return 0;
	for (size_t k = 1; k < need; k++) {
		if ((s[i + k] & 0xC0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i + k] & 0x3F);
	}
	if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
		return 0;
	return need;
}

bool utf8_valid_text(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(u, len, i, &cp);
		if (n == 0)
			return false;
		if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')
			return false;
		if (cp == 0x7F)
			return false;
		i += n;
	}
	return true;
}

size_t utf8_length(const char *s, size_t len)
{
	size_t count = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			count++;
	return count;
}

void utf8_fold(const char *s, size_t len, char *out)
{
	const unsigned char *in = (const unsigned char *)s;
	unsigned char *o = (unsigned char *)out;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = in[i];
		o[i] = c;
		if (c >= 'A' && c <= 'Z') {
			o[i] = (unsigned char)(c + ('a' - 'A'));
		} else if ((c == 0xD0 || c == 0xD1) && i + 1 < len) {
			unsigned char n = in[i + 1];
			o[i + 1] = n;
			if (c == 0xD0 && n >= 0x90 && n <= 0x9F) { /* А–П → а–п */
				o[i + 1] = (unsigned char)(n + 0x20);
			} else if (c == 0xD0 && n >= 0xA0 && n <= 0xAF) { /* Р–Я → р–я */
				o[i] = 0xD1;
				o[i + 1] = (unsigned char)(n - 0x20);
			} else if ((c == 0xD0 && n == 0x81) || (c == 0xD1 && n == 0x91)) { /* Ё ё → е */
				o[i] = 0xD0;
				o[i + 1] = 0xB5;
			}
			i++;
		}
	}
}

size_t utf8_natural_key(const char *s, size_t len, char *out)
{
	size_t n = 0;
	for (size_t i = 0; i < len;) {
		size_t run = 0;
		while (i + run < len && s[i + run] >= '0' && s[i + run] <= '9')
			run++;
		if (run == 0) {
			/* Up to the next digit, folded as a whole (a fold never splits a character). */
			size_t text = 0;
			while (i + text < len && !(s[i + text] >= '0' && s[i + text] <= '9'))
				text++;
			utf8_fold(s + i, text, out + n);
			n += text;
			i += text;
			continue;
		}
		for (size_t pad = run; pad < UTF8_NATURAL_DIGITS; pad++)
			out[n++] = '0';
		for (size_t k = 0; k < run; k++)
			out[n++] = s[i + k];
		i += run;
	}
	return n;
}
