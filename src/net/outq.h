/* outq.h — a bounded FIFO of outbound WebSocket messages for one connection. Pure data.
 *
 * Each message is stored with `headroom` spare bytes before its payload (libwebsockets needs
 * LWS_PRE bytes there). The queue refuses a message that would take its total payload above
 * `cap_bytes`: the connection's consumer has fallen behind and must be closed, not buffered
 * without bound. */
#ifndef PARTA_NET_OUTQ_H
#define PARTA_NET_OUTQ_H

#include <stddef.h>

struct outq_msg {
	struct outq_msg *next;
	size_t len;
	unsigned char data[]; /* headroom bytes, then len payload bytes */
};

struct outq {
	struct outq_msg *head, *tail;
	size_t bytes;     /* payload bytes queued */
	size_t count;
	size_t cap_bytes;
	size_t headroom;
};

void outq_init(struct outq *q, size_t cap_bytes, size_t headroom);

/* Copies `len` bytes to the tail. PARTA_EFULL when it would exceed the cap (nothing queued),
 * PARTA_ENOMEM when allocation fails. */
int outq_push(struct outq *q, const void *payload, size_t len);

/* The oldest message, or NULL. Its payload starts at msg->data + q->headroom. */
struct outq_msg *outq_peek(const struct outq *q);
void outq_pop(struct outq *q);
void outq_clear(struct outq *q);

#endif
