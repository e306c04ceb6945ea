/* migrations.h — the numbered schema migrations, applied in order at start-up. */
#ifndef PARTA_STORE_MIGRATIONS_H
#define PARTA_STORE_MIGRATIONS_H

#include <stddef.h>

struct migration {
	int version;     /* 1, 2, 3 … ascending; each applied once, when not yet recorded */
	const char *sql; /* one or more statements, run in one transaction */
};

extern const struct migration migrations[];
extern const size_t migrations_count;

#endif
