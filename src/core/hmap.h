/* hmap.h — a hash map for the core's bulk work (imports of hundreds of thousands of rows):
 * keys are a pair of integers and an optional string, values one integer. Open addressing
 * with linear probing; no removal.
 *
 * Pure. Memory: the map owns its table (hmap_free); key strings are borrowed and must
 * outlive the map. */
#ifndef PARTA_CORE_HMAP_H
#define PARTA_CORE_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hmap_key {
	int64_t a, b;
	const char *s; /* NULL: no string part */
};

struct hmap_slot {
	struct hmap_key key;
	uint64_t hash; /* 0: empty */
	int64_t value;
};

struct hmap {
	struct hmap_slot *slots;
	size_t cap, n;
};

void hmap_init(struct hmap *m);
void hmap_free(struct hmap *m);

/* Inserts or overwrites. PARTA_OK or PARTA_ENOMEM (the map is unchanged). */
int hmap_put(struct hmap *m, struct hmap_key key, int64_t value);

/* True when the key is present; *value (may be NULL) receives its value. */
bool hmap_get(const struct hmap *m, struct hmap_key key, int64_t *value);

/* Shorthands. */
static inline struct hmap_key hmap_int(int64_t a, int64_t b)
{
	return (struct hmap_key){a, b, NULL};
}
static inline struct hmap_key hmap_str(int64_t a, const char *s)
{
	return (struct hmap_key){a, 0, s};
}

#endif
