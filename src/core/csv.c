#include "csv.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "utf8.h"

static const char csv_empty[] = "";

__attribute__((format(printf, 5, 6))) static int csv_fail(size_t *line, size_t at, char *why,
							   size_t whylen, const char *fmt, ...)
{
	if (line != NULL)
		*line = at;
	if (why != NULL && whylen > 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return PARTA_EVALIDATION;
}

void csv_free(struct csv_table *t)
{
	free(t->text);
	free(t->cells);
	free(t->lines);
	free(t->widths);
	memset(t, 0, sizeof *t);
}

static int csv_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return PARTA_OK;
	size_t ncap = *cap ? *cap : 64;
	while (ncap < need)
		ncap *= 2;
	void *grown = realloc(*arr, ncap * elem);
	if (grown == NULL)
		return PARTA_ENOMEM;
	*arr = grown;
	*cap = ncap;
	return PARTA_OK;
}

/* The first line holding invalid text, for the error message. */
static size_t csv_bad_line(const char *s, size_t len)
{
	size_t line = 1;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) : len;
		if (!utf8_valid_text(s + i, end - i))
			return line;
		i = end + 1;
		line++;
	}
	return line;
}

/* The parser's state: reads at r, writes unescaped text at w (never ahead of r). */
struct csv_state {
	char *r, *w, *end;
	size_t line;
	const char **rec; /* the fields of the current record */
	size_t nrec, caprec;
	size_t capcells, caplines;
};

/* Reads one field starting at s->r; on success the field is NUL-terminated at its start and
 * *last tells whether it ended the record. */
static int csv_field(struct csv_state *s, const char **field, bool *last, size_t rec_line,
		     size_t *eline, char *why, size_t whylen)
{
	char *start = s->w;
	if (s->r < s->end && *s->r == '"') {
		s->r++;
		for (;;) {
			if (s->r >= s->end)
				return csv_fail(eline, rec_line, why, whylen,
						"Строка %zu: кавычка поля не закрыта до конца файла",
						rec_line);
			if (*s->r == '"') {
				if (s->r + 1 < s->end && s->r[1] == '"') {
					*s->w++ = '"';
					s->r += 2;
					continue;
				}
				s->r++;
				break;
			}
			if (*s->r == '\n')
				s->line++;
			*s->w++ = *s->r++;
		}
		if (s->r < s->end && *s->r == '\r' && (s->r + 1 == s->end || s->r[1] == '\n'))
			s->r++;
		if (s->r < s->end && *s->r != ',' && *s->r != '\n')
			return csv_fail(eline, s->line, why, whylen,
					"Строка %zu: после закрывающей кавычки ожидается запятая "
					"или конец строки",
					s->line);
	} else {
		while (s->r < s->end && *s->r != ',' && *s->r != '\n')
			*s->w++ = *s->r++;
		if (s->w > start && s->w[-1] == '\r' && (s->r >= s->end || *s->r == '\n'))
			s->w--;
	}
	char delim = s->r < s->end ? *s->r : '\n';
	if (s->r < s->end)
		s->r++;
	*s->w++ = '\0';
	*field = start;
	*last = delim == '\n';
	return PARTA_OK;
}

/* Appends the current record to the table (the header fixes the width). */
static int csv_store(struct csv_state *s, struct csv_table *t, size_t rec_line)
{
	size_t row = t->ncols == 0 ? 0 : t->nrows + 1;
	if (t->ncols == 0)
		t->ncols = s->nrec;
	if (csv_grow((void **)&t->cells, &s->capcells, (row + 1) * t->ncols, sizeof *t->cells) ||
	    csv_grow((void **)&t->lines, &s->caplines, row + 1, sizeof *t->lines))
		return PARTA_ENOMEM;
	/* widths grows with lines: same capacity. */
	size_t *widths = realloc(t->widths, s->caplines * sizeof *widths);
	if (widths == NULL)
		return PARTA_ENOMEM;
	t->widths = widths;
	const char **cells = t->cells + row * t->ncols;
	for (size_t c = 0; c < t->ncols; c++)
		cells[c] = c < s->nrec ? s->rec[c] : csv_empty;
	t->lines[row] = rec_line;
	t->widths[row] = s->nrec;
	if (row > 0)
		t->nrows++;
	return PARTA_OK;
}

static int csv_records(struct csv_state *s, struct csv_table *t, size_t *eline, char *why,
		       size_t whylen)
{
	while (s->r < s->end) {
		if (*s->r == '\n' || (*s->r == '\r' && s->r + 1 < s->end && s->r[1] == '\n')) {
			s->r += *s->r == '\r' ? 2 : 1; /* a blank line */
			s->line++;
			continue;
		}
		size_t rec_line = s->line;
		s->nrec = 0;
		bool last = false;
		while (!last) {
			const char *field = NULL;
			int rc = csv_field(s, &field, &last, rec_line, eline, why, whylen);
			if (rc != PARTA_OK)
				return rc;
			if (csv_grow((void **)&s->rec, &s->caprec, s->nrec + 1, sizeof *s->rec))
				return PARTA_ENOMEM;
			s->rec[s->nrec++] = field;
		}
		s->line++;
		if (csv_store(s, t, rec_line) != PARTA_OK)
			return PARTA_ENOMEM;
	}
	if (t->ncols == 0)
		return csv_fail(eline, 1, why, whylen, "Файл пуст: нет строки заголовков");
	return PARTA_OK;
}

int csv_parse(const char *data, size_t len, struct csv_table *out, size_t *line, char *why,
	      size_t whylen)
{
	memset(out, 0, sizeof *out);
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;
		len -= 3;
	}
	if (!utf8_valid_text(data, len)) {
		size_t at = csv_bad_line(data, len);
		return csv_fail(line, at, why, whylen,
				"Строка %zu: текст не в кодировке UTF-8 или содержит управляющие "
				"символы",
				at);
	}
	out->text = malloc(len + 1);
	if (out->text == NULL)
		return PARTA_ENOMEM;
	memcpy(out->text, data, len);
	out->text[len] = '\0';
	struct csv_state s = {.r = out->text, .w = out->text, .end = out->text + len, .line = 1};
	int rc = csv_records(&s, out, line, why, whylen);
	free(s.rec);
	if (rc != PARTA_OK)
		csv_free(out);
	return rc;
}

int csv_col(const struct csv_table *t, const char *name)
{
	size_t nlen = strlen(name);
	for (size_t c = 0; c < t->ncols; c++) {
		const char *h = t->cells[c];
		while (*h == ' ')
			h++;
		size_t hlen = strlen(h);
		while (hlen > 0 && h[hlen - 1] == ' ')
			hlen--;
		if (hlen == nlen && strncasecmp(h, name, nlen) == 0)
			return (int)c;
	}
	return -1;
}

const char *csv_cell(const struct csv_table *t, size_t row, int col)
{
	if (col < 0 || (size_t)col >= t->ncols || row >= t->nrows)
		return csv_empty;
	return t->cells[(row + 1) * t->ncols + (size_t)col];
}
