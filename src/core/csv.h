/* csv.h — an RFC 4180 parser for the CSV files of roster exchange formats (OneRoster).
 *
 * Accepts fields in double quotes (a doubled quote inside stands for one quote; commas, CR
 * and LF inside are data), records ended by CRLF or LF (or the end of the input), an optional
 * UTF-8 byte order mark, and blank lines between records (skipped). The whole input must be
 * valid UTF-8 text (core/utf8.h: no NUL, no control characters other than tab, CR, LF).
 * The first record is the header; columns are found by name, ASCII case-insensitively.
 * Every record remembers the line it starts on, so that rejections can name it.
 *
 * Pure: no I/O. Memory: a table owns one copy of the input (fields are unescaped in place,
 * each NUL-terminated) and its index arrays; csv_free releases them. */
#ifndef PARTA_CORE_CSV_H
#define PARTA_CORE_CSV_H

#include <stddef.h>

struct csv_table {
	char *text;          /* the unescaped fields, NUL-terminated; owned */
	const char **cells;  /* (nrows + 1) × ncols, row 0 is the header; owned */
	size_t *lines;       /* line of each record, [0] the header's; owned */
	size_t *widths;      /* number of fields each record really had; owned */
	size_t ncols, nrows; /* nrows counts the records after the header */
};

/* Parses `data` (len bytes, not NUL-terminated) into `out`.
 *   PARTA_OK          out holds the table (free with csv_free); a record with fewer fields
 *                     than the header reads "" for the missing ones, extra fields are
 *                     dropped; widths[] says how many it had, so the caller can reject it;
 *   PARTA_EVALIDATION malformed: invalid UTF-8, an unterminated quoted field, text after a
 *                     closing quote, or no header; *line (may be NULL) is the line and `why`
 *                     (may be NULL) a Russian sentence; out is left empty;
 *   PARTA_ENOMEM      out is left empty. */
int csv_parse(const char *data, size_t len, struct csv_table *out, size_t *line, char *why,
	      size_t whylen);
void csv_free(struct csv_table *t);

/* The index of the column named `name` (ASCII case-insensitive, surrounding spaces of the
 * header ignored), or -1. */
int csv_col(const struct csv_table *t, const char *name);

/* The field of record `row` (0-based, after the header) in column `col`; "" when col < 0. */
const char *csv_cell(const struct csv_table *t, size_t row, int col);

#endif
