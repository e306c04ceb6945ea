/* tmpdir.h — a private temporary directory for unit tests that need real files (SQLite
 * databases, config files, a web directory), removed with everything in it at the end. */
#ifndef PARTA_TESTS_TMPDIR_H
#define PARTA_TESTS_TMPDIR_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TMPDIR_PATH_MAX 256

/* Creates /tmp/parta-<name>-XXXXXX into dir. Returns 0 or -1. */
static inline int tmpdir_make(char dir[TMPDIR_PATH_MAX], const char *name)
{
	const char *base = getenv("TMPDIR");
	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	int n = snprintf(dir, TMPDIR_PATH_MAX, "%s/parta-%s-XXXXXX", base, name);
	if (n < 0 || n >= TMPDIR_PATH_MAX)
		return -1;
	return mkdtemp(dir) != NULL ? 0 : -1;
}

/* dir/rel into out. Returns 0, or -1 when it does not fit. */
static inline int tmpdir_file(char out[TMPDIR_PATH_MAX], const char *dir, const char *rel)
{
	int n = snprintf(out, TMPDIR_PATH_MAX, "%s/%s", dir, rel);
	return n >= 0 && n < TMPDIR_PATH_MAX ? 0 : -1;
}

static inline int tmpdir_remove_one(const char *path, const struct stat *st, int flag,
				    struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* Removes dir and everything below it. Returns 0 or -1. */
static inline int tmpdir_remove(const char *dir)
{
	return nftw(dir, tmpdir_remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Writes text to dir/rel (created or truncated). Returns 0 or -1. */
static inline int tmpdir_write(const char *dir, const char *rel, const char *text)
{
	char path[TMPDIR_PATH_MAX];
	if (tmpdir_file(path, dir, rel) != 0)
		return -1;
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		return -1;
	size_t len = strlen(text);
	int ok = fwrite(text, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

#endif
