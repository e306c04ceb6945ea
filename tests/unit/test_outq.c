/* test_outq.c — the bounded outbound WebSocket queue: FIFO order across ring growth, exact
 * byte accounting, headroom before each payload, buffers shared between queues, and a hard cap
 * that refuses rather than buffers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "net/outq.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define HEADROOM 16

static void test_fifo_and_accounting(void **state)
{
	(void)state;
	static const char *const msgs[] = {"first", "", "третье", "4"};
	struct outq q;
	outq_init(&q, 1024, HEADROOM);
	assert_null(outq_peek(&q));
	assert_int_equal(q.count, 0);
	assert_int_equal(q.bytes, 0);

	size_t total = 0;
	for (size_t i = 0; i < NELEM(msgs); i++) {
		assert_int_equal(outq_push(&q, msgs[i], strlen(msgs[i])), PARTA_OK);
		total += strlen(msgs[i]);
		assert_int_equal(q.count, i + 1);
		assert_int_equal(q.bytes, total);
	}
	for (size_t i = 0; i < NELEM(msgs); i++) {
		struct outq_buf *m = outq_peek(&q);
		assert_non_null(m);
		assert_int_equal(m->len, strlen(msgs[i]));
		/* The payload starts after the headroom. */
		assert_memory_equal(m->data + q.headroom, msgs[i], m->len);
		outq_pop(&q);
		total -= strlen(msgs[i]);
		assert_int_equal(q.count, NELEM(msgs) - i - 1);
		assert_int_equal(q.bytes, total);
	}
	assert_null(outq_peek(&q));
	outq_pop(&q); /* popping an empty queue is harmless */
	assert_int_equal(q.count, 0);

	/* The queue is usable again after being emptied. */
	assert_int_equal(outq_push(&q, "again", 5), PARTA_OK);
	assert_memory_equal(outq_peek(&q)->data + HEADROOM, "again", 5);
	outq_clear(&q);
}

/* The headroom bytes are writable in front of the payload (libwebsockets writes its frame
 * header there); under ASan an undersized allocation would be reported here. */
static void test_headroom_writable(void **state)
{
	(void)state;
	struct outq q;
	outq_init(&q, 100, HEADROOM);
	assert_int_equal(outq_push(&q, "abc", 3), PARTA_OK);
	struct outq_buf *m = outq_peek(&q);
	memset(m->data, 0xAA, HEADROOM);
	assert_memory_equal(m->data + HEADROOM, "abc", 3);
	m->data[HEADROOM + 2] = 'C';
	outq_clear(&q);

	/* Zero headroom: the payload is at data[0]. */
	outq_init(&q, 100, 0);
	assert_int_equal(outq_push(&q, "xyz", 3), PARTA_OK);
	assert_memory_equal(outq_peek(&q)->data, "xyz", 3);
	outq_clear(&q);
}

/* The cap bounds the queued payload bytes: a push that would exceed it is refused and changes
 * nothing; reaching the cap exactly is allowed. */
static void test_cap(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		size_t cap;
		size_t lens[4];
		size_t n;
		int want_last; /* result of the last push; the earlier ones succeed */
	} cases[] = {
		{"exactly at cap", 10, {4, 6}, 2, PARTA_OK},
		{"one over cap", 10, {4, 7}, 2, PARTA_EFULL},
		{"single message at cap", 10, {10}, 1, PARTA_OK},
		{"single message over cap", 10, {11}, 1, PARTA_EFULL},
		{"full, then even an empty message fits", 10, {10, 0}, 2, PARTA_OK},
		{"full, then one byte", 10, {10, 1}, 2, PARTA_EFULL},
		{"cap 0 refuses one byte", 0, {1}, 1, PARTA_EFULL},
		{"huge length does not wrap", 10, {3, SIZE_MAX}, 2, PARTA_EFULL},
	};
	static const unsigned char payload[16] = "0123456789abcde";
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct outq q;
		outq_init(&q, cases[i].cap, HEADROOM);
		size_t bytes = 0;
		for (size_t k = 0; k + 1 < cases[i].n; k++) {
			assert_int_equal(outq_push(&q, payload, cases[i].lens[k]), PARTA_OK);
			bytes += cases[i].lens[k];
		}
		size_t last = cases[i].lens[cases[i].n - 1];
		int rc = outq_push(&q, payload, last);
		if (rc != cases[i].want_last)
			fail_msg("%s: %s, want %s", cases[i].what, parta_strerror(rc),
				 parta_strerror(cases[i].want_last));
		size_t want_count = cases[i].n - (rc == PARTA_OK ? 0 : 1);
		size_t want_bytes = bytes + (rc == PARTA_OK ? last : 0);
		if (q.count != want_count || q.bytes != want_bytes)
			fail_msg("%s: count %zu bytes %zu, want %zu and %zu", cases[i].what, q.count,
				 q.bytes, want_count, want_bytes);
		outq_clear(&q);
	}
}

/* After a refused push the queue keeps working: popping frees room again. */
static void test_room_after_pop(void **state)
{
	(void)state;
	struct outq q;
	outq_init(&q, 8, HEADROOM);
	assert_int_equal(outq_push(&q, "aaaa", 4), PARTA_OK);
	assert_int_equal(outq_push(&q, "bbbb", 4), PARTA_OK);
	assert_int_equal(outq_push(&q, "c", 1), PARTA_EFULL);
	outq_pop(&q);
	assert_int_equal(outq_push(&q, "cccc", 4), PARTA_OK);
	assert_memory_equal(outq_peek(&q)->data + HEADROOM, "bbbb", 4);
	assert_int_equal(q.bytes, 8);
	outq_clear(&q);
}

/* outq_clear frees everything (LeakSanitizer checks) and leaves an empty, reusable queue. */
static void test_clear(void **state)
{
	(void)state;
	struct outq q;
	outq_init(&q, 1 << 20, HEADROOM);
	for (int i = 0; i < 100; i++)
		assert_int_equal(outq_push(&q, "message", 7), PARTA_OK);
	assert_int_equal(q.count, 100);
	outq_clear(&q);
	assert_int_equal(q.count, 0);
	assert_int_equal(q.bytes, 0);
	assert_null(q.ring);
	assert_int_equal(q.cap_bytes, 1 << 20);
	assert_int_equal(q.headroom, HEADROOM);
	outq_clear(&q); /* clearing twice is harmless */
	assert_int_equal(outq_push(&q, "x", 1), PARTA_OK);
	outq_clear(&q);
}

/* Pushes and pops interleaved so that the ring wraps and grows while wrapped: the order holds. */
static void test_ring_order(void **state)
{
	(void)state;
	struct outq q;
	outq_init(&q, 1 << 20, HEADROOM);
	char text[16];
	int next_in = 0, next_out = 0;
	for (int round = 0; round < 40; round++) {
		for (int k = 0; k < round % 7 + 2; k++) {
			snprintf(text, sizeof text, "m%d", next_in++);
			assert_int_equal(outq_push(&q, text, strlen(text)), PARTA_OK);
		}
		for (int k = 0; k < round % 5 + 1 && q.count > 0; k++) {
			snprintf(text, sizeof text, "m%d", next_out++);
			struct outq_buf *m = outq_peek(&q);
			assert_int_equal(m->len, strlen(text));
			assert_memory_equal(m->data + HEADROOM, text, m->len);
			outq_pop(&q);
		}
	}
	assert_int_equal(q.count, (size_t)(next_in - next_out));
	outq_clear(&q);
}

/* One buffer in several queues: each holds a reference; it lives until the last pop, and a
 * refused push takes no reference (ASan reports a use after free or a leak otherwise). */
static void test_shared(void **state)
{
	(void)state;
	struct outq a, b, small;
	outq_init(&a, 100, HEADROOM);
	outq_init(&b, 100, HEADROOM);
	outq_init(&small, 2, HEADROOM);
	struct outq_buf *buf = outq_buf_new("event", 5, HEADROOM);
	assert_non_null(buf);
	assert_int_equal(outq_push_buf(&a, buf), PARTA_OK);
	assert_int_equal(outq_push_buf(&b, buf), PARTA_OK);
	assert_int_equal(outq_push_buf(&small, buf), PARTA_EFULL);
	assert_int_equal(buf->refs, 3);
	assert_int_equal(a.bytes + b.bytes + small.bytes, 10);
	outq_buf_unref(buf); /* the publisher's reference */
	outq_pop(&a);
	assert_int_equal(buf->refs, 1);
	assert_memory_equal(outq_peek(&b)->data + HEADROOM, "event", 5);
	outq_clear(&b);
	outq_clear(&a);
	outq_clear(&small);
	outq_buf_unref(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo_and_accounting),
		cmocka_unit_test(test_headroom_writable),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_room_after_pop),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_ring_order),
		cmocka_unit_test(test_shared),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
