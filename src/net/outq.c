#include "outq.h"

#include <stdlib.h>
#include <string.h>

#include "../core/err.h"

void outq_init(struct outq *q, size_t cap_bytes, size_t headroom)
{
	memset(q, 0, sizeof *q);
	q->cap_bytes = cap_bytes;
	q->headroom = headroom;
}

int outq_push(struct outq *q, const void *payload, size_t len)
{
	if (len > q->cap_bytes || q->bytes > q->cap_bytes - len)
		return PARTA_EFULL;
	struct outq_msg *m = malloc(sizeof *m + q->headroom + len);
	if (m == NULL)
		return PARTA_ENOMEM;
	m->next = NULL;
	m->len = len;
	memcpy(m->data + q->headroom, payload, len);
	if (q->tail)
		q->tail->next = m;
	else
		q->head = m;
	q->tail = m;
	q->bytes += len;
	q->count++;
	return PARTA_OK;
}

struct outq_msg *outq_peek(const struct outq *q) { return q->head; }

void outq_pop(struct outq *q)
{
	struct outq_msg *m = q->head;
	if (m == NULL)
		return;
	q->head = m->next;
	if (q->head == NULL)
		q->tail = NULL;
	q->bytes -= m->len;
	q->count--;
	free(m);
}

void outq_clear(struct outq *q)
{
	while (q->head)
		outq_pop(q);
}
