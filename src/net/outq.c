#include "outq.h"

#include <stdlib.h>
#include <string.h>

#include "../core/err.h"

struct outq_buf *outq_buf_new(const void *payload, size_t len, size_t headroom)
{
	struct outq_buf *b = malloc(sizeof *b + headroom + len);
	if (b == NULL)
		return NULL;
	b->refs = 1;
	b->len = len;
	if (len > 0)
		memcpy(b->data + headroom, payload, len);
	return b;
}

void outq_buf_unref(struct outq_buf *b)
{
	if (b != NULL && --b->refs == 0)
		free(b);
}

void outq_init(struct outq *q, size_t cap_bytes, size_t headroom)
{
	memset(q, 0, sizeof *q);
	q->cap_bytes = cap_bytes;
	q->headroom = headroom;
}

/* Doubles the ring, unrolling it so that the oldest entry is at 0 again. */
static int outq_grow(struct outq *q)
{
	size_t slots = q->slots ? q->slots * 2 : 8;
	struct outq_buf **ring = malloc(slots * sizeof *ring);
	if (ring == NULL)
		return PARTA_ENOMEM;
	for (size_t i = 0; i < q->count; i++)
		ring[i] = q->ring[(q->head + i) % q->slots];
	free(q->ring);
	q->ring = ring;
	q->slots = slots;
	q->head = 0;
	return PARTA_OK;
}

int outq_push_buf(struct outq *q, struct outq_buf *b)
{
	if (b->len > q->cap_bytes || q->bytes > q->cap_bytes - b->len)
		return PARTA_EFULL;
	if (q->count == q->slots && outq_grow(q) != PARTA_OK)
		return PARTA_ENOMEM;
	q->ring[(q->head + q->count) % q->slots] = b;
	b->refs++;
	q->count++;
	q->bytes += b->len;
	return PARTA_OK;
}

int outq_push(struct outq *q, const void *payload, size_t len)
{
	if (len > q->cap_bytes || q->bytes > q->cap_bytes - len)
		return PARTA_EFULL;
	struct outq_buf *b = outq_buf_new(payload, len, q->headroom);
	if (b == NULL)
		return PARTA_ENOMEM;
	int rc = outq_push_buf(q, b);
	outq_buf_unref(b);
	return rc;
}

struct outq_buf *outq_peek(const struct outq *q)
{
	return q->count ? q->ring[q->head] : NULL;
}

void outq_pop(struct outq *q)
{
	if (q->count == 0)
		return;
	struct outq_buf *b = q->ring[q->head];
	q->head = (q->head + 1) % q->slots;
	q->count--;
	q->bytes -= b->len;
	outq_buf_unref(b);
}

void outq_clear(struct outq *q)
{
	while (q->count)
		outq_pop(q);
	free(q->ring);
	q->ring = NULL;
	q->slots = q->head = 0;
}
