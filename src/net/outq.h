/* outq.h — a bounded FIFO of outbound WebSocket messages for one connection. Pure data.
 *
 * A message's bytes live in an outq_buf shared by every queue it is in: an event fanned out
 * to a chat's thirty members is stored once, not thirty times. Each buffer has `headroom`
 * spare bytes before its payload (libwebsockets writes its frame header there; the header of
 * one payload is the same for every connection, so sharing is safe on the one loop thread).
 * The queue refuses a message that would take its total payload above `cap_bytes`: the
 * connection's consumer has fallen behind and must be closed, not buffered without bound. */
#ifndef PARTA_NET_OUTQ_H
#define PARTA_NET_OUTQ_H

#include <stddef.h>

struct outq_buf {
	size_t refs;
	size_t len;
	unsigned char data[]; /* headroom bytes, then len payload bytes */
};

/* A buffer holding a copy of the payload, with one reference (the caller's); NULL when out
 * of memory. */
struct outq_buf *outq_buf_new(const void *payload, size_t len, size_t headroom);
/* Drops one reference; the last one frees the buffer. NULL is ignored. */
void outq_buf_unref(struct outq_buf *b);

struct outq {
	struct outq_buf **ring; /* `slots` entries, the oldest at `head` */
	size_t slots, head, count;
	size_t bytes; /* payload bytes queued */
	size_t cap_bytes;
	size_t headroom;
};

void outq_init(struct outq *q, size_t cap_bytes, size_t headroom);

/* Queues the buffer (made with this queue's headroom), taking a reference of its own.
 * PARTA_EFULL when it would exceed the cap, PARTA_ENOMEM when the ring cannot grow (nothing
 * queued either way). */
int outq_push_buf(struct outq *q, struct outq_buf *b);
/* Queues a copy of `len` bytes (a buffer of its own); errors as outq_push_buf. */
int outq_push(struct outq *q, const void *payload, size_t len);

/* The oldest message, or NULL. Its payload starts at buf->data + q->headroom. */
struct outq_buf *outq_peek(const struct outq *q);
void outq_pop(struct outq *q);
/* Empties the queue and frees its ring. */
void outq_clear(struct outq *q);

#endif
