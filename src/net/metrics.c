#include "metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Upper bounds in seconds; the last bucket is +Inf. */
static const double metrics_bounds[METRICS_BUCKETS - 1] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0};

void metrics_init(struct metrics *m) { memset(m, 0, sizeof *m); }

void metrics_free(struct metrics *m)
{
	free(m->series);
	memset(m, 0, sizeof *m);
}

static void metrics_observe(struct metrics_hist *h, double seconds)
{
	size_t i = 0;
	while (i < METRICS_BUCKETS - 1 && seconds > metrics_bounds[i])
		i++;
	h->buckets[i]++;
	h->count++;
	h->sum += seconds;
}

void metrics_request(struct metrics *m, const char *method, const char *route, int status,
		     double seconds)
{
	metrics_observe(&m->request_seconds, seconds);
	for (size_t i = 0; i < m->nseries; i++) {
		struct metrics_series *s = &m->series[i];
		if (s->status == status && strcmp(s->route, route) == 0 &&
		    strcmp(s->method, method) == 0) {
			s->count++;
			return;
		}
	}
	if (m->nseries == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 32;
		struct metrics_series *grown = realloc(m->series, cap * sizeof *grown);
		if (grown == NULL)
			return; /* a lost sample is better than a failed request */
		m->series = grown;
		m->cap = cap;
	}
	struct metrics_series *s = &m->series[m->nseries++];
	snprintf(s->method, sizeof s->method, "%s", method);
	snprintf(s->route, sizeof s->route, "%s", route);
	s->status = status;
	s->count = 1;
}

void metrics_commit(void *ctx, double seconds)
{
	metrics_observe(&((struct metrics *)ctx)->commit_seconds, seconds);
}

static void metrics_render_hist(FILE *f, const char *name, const char *help,
				const struct metrics_hist *h)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name);
	uint64_t cumulative = 0;
	for (size_t i = 0; i < METRICS_BUCKETS; i++) {
		cumulative += h->buckets[i];
		if (i < METRICS_BUCKETS - 1)
			fprintf(f, "%s_bucket{le=\"%g\"} %llu\n", name, metrics_bounds[i],
				(unsigned long long)cumulative);
		else
			fprintf(f, "%s_bucket{le=\"+Inf\"} %llu\n", name,
				(unsigned long long)cumulative);
	}
	fprintf(f, "%s_sum %.6f\n%s_count %llu\n", name, h->sum, name,
		(unsigned long long)h->count);
}

char *metrics_render(const struct metrics *m)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f == NULL)
		return NULL;
	fputs("# HELP parta_http_requests_total HTTP requests by route and status.\n"
	      "# TYPE parta_http_requests_total counter\n",
	      f);
	for (size_t i = 0; i < m->nseries; i++) {
		const struct metrics_series *s = &m->series[i];
		fprintf(f, "parta_http_requests_total{method=\"%s\",route=\"%s\",status=\"%d\"} %llu\n",
			s->method, s->route, s->status, (unsigned long long)s->count);
	}
	metrics_render_hist(f, "parta_http_request_duration_seconds",
			    "Time from a complete request to its response.", &m->request_seconds);
	metrics_render_hist(f, "parta_db_commit_duration_seconds",
			    "Duration of database COMMITs.", &m->commit_seconds);
	fprintf(f,
		"# HELP parta_ws_connections Open WebSocket connections.\n"
		"# TYPE parta_ws_connections gauge\nparta_ws_connections %lld\n"
		"# HELP parta_ws_closed_slow_total WebSockets closed for falling behind.\n"
		"# TYPE parta_ws_closed_slow_total counter\nparta_ws_closed_slow_total %llu\n"
		"# HELP parta_ws_closed_too_large_total WebSockets closed for an oversized "
		"message.\n"
		"# TYPE parta_ws_closed_too_large_total counter\n"
		"parta_ws_closed_too_large_total %llu\n"
		"# HELP parta_ws_closed_silent_total WebSockets dropped for not answering a ping.\n"
		"# TYPE parta_ws_closed_silent_total counter\nparta_ws_closed_silent_total %llu\n",
		(long long)m->ws_open, (unsigned long long)m->ws_closed_slow,
		(unsigned long long)m->ws_closed_large, (unsigned long long)m->ws_closed_silent);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
