/* metrics.h — counters and histograms exported at GET /metrics in Prometheus text format.
 * Loop thread only (no locking). */
#ifndef PARTA_NET_METRICS_H
#define PARTA_NET_METRICS_H

#include <stddef.h>
#include <stdint.h>

#define METRICS_BUCKETS 12

struct metrics_hist {
	uint64_t buckets[METRICS_BUCKETS]; /* cumulative counts are computed when rendering */
	uint64_t count;
	double sum;
};

struct metrics_series {
	char method[8];
	char route[96];
	int status;
	uint64_t count;
};

struct metrics {
	struct metrics_series *series;
	size_t nseries, cap;
	struct metrics_hist request_seconds;
	struct metrics_hist commit_seconds;
	int64_t ws_open;
	uint64_t ws_closed_slow;  /* closed for falling behind */
	uint64_t ws_closed_large; /* closed for an oversized message */
	uint64_t ws_closed_silent; /* dropped for not answering a ping */
};

void metrics_init(struct metrics *m);
void metrics_free(struct metrics *m);

void metrics_request(struct metrics *m, const char *method, const char *route, int status,
		     double seconds);
/* Matches db_commit_hook: ctx is the struct metrics. */
void metrics_commit(void *ctx, double seconds);

/* The exposition text; the caller frees it. NULL when out of memory. */
char *metrics_render(const struct metrics *m);

#endif
