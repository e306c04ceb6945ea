#include "hmap.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"

void hmap_init(struct hmap *m) { memset(m, 0, sizeof *m); }

void hmap_free(struct hmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof *m);
}

static uint64_t hmap_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static uint64_t hmap_hash(struct hmap_key k)
{
	uint64_t h = hmap_mix((uint64_t)k.a * 0x9E3779B97F4A7C15ULL ^ (uint64_t)k.b);
	if (k.s != NULL) {
		uint64_t f = 1469598103934665603ULL; /* FNV-1a */
		for (const unsigned char *p = (const unsigned char *)k.s; *p; p++)
			f = (f ^ *p) * 1099511628211ULL;
		h = hmap_mix(h ^ f);
	}
	return h ? h : 1;
}

static bool hmap_same(struct hmap_key x, struct hmap_key y)
{
	if (x.a != y.a || x.b != y.b || (x.s == NULL) != (y.s == NULL))
		return false;
	return x.s == NULL || strcmp(x.s, y.s) == 0;
}

/* The slot holding `key`, or the empty slot where it would go. */
static struct hmap_slot *hmap_find(const struct hmap *m, struct hmap_key key, uint64_t hash)
{
	size_t mask = m->cap - 1;
	for (size_t i = hash & mask;; i = (i + 1) & mask) {
		struct hmap_slot *s = &m->slots[i];
		if (s->hash == 0 || (s->hash == hash && hmap_same(s->key, key)))
			return s;
	}
}

static int hmap_grow(struct hmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	struct hmap_slot *slots = calloc(cap, sizeof *slots);
	if (slots == NULL)
		return PARTA_ENOMEM;
	struct hmap old = *m;
	m->slots = slots;
	m->cap = cap;
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].hash != 0)
			*hmap_find(m, old.slots[i].key, old.slots[i].hash) = old.slots[i];
	free(old.slots);
	return PARTA_OK;
}

int hmap_put(struct hmap *m, struct hmap_key key, int64_t value)
{
	if ((m->n + 1) * 4 > m->cap * 3 && hmap_grow(m) != PARTA_OK)
		return PARTA_ENOMEM;
	uint64_t hash = hmap_hash(key);
	struct hmap_slot *s = hmap_find(m, key, hash);
	if (s->hash == 0) {
		*s = (struct hmap_slot){key, hash, value};
		m->n++;
	} else {
		s->value = value;
	}
	return PARTA_OK;
}

bool hmap_get(const struct hmap *m, struct hmap_key key, int64_t *value)
{
	if (m->cap == 0)
		return false;
	const struct hmap_slot *s = hmap_find(m, key, hmap_hash(key));
	if (s->hash == 0)
		return false;
	if (value != NULL)
		*value = s->value;
	return true;
}
