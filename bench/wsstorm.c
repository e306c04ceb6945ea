/* wsstorm.c — idle messenger connections and the reconnect storm, for `make bench`.
 *
 *   bench-wsstorm TOKENS CLIENTS PROCS -- PARTA serve … --listen @LISTEN@ …
 *
 * TOKENS is what `bench-msgload setup` printed ("token chat_id" per user). The tool starts the
 * server itself (the argument @LISTEN@ becomes 127.0.0.1:PORT, a free port), connects CLIENTS
 * users over the messenger's WebSocket from PROCS client processes, each client sending
 * `resume` after its hello as the web client does, and prints
 *   ws.idle.kib_per_conn          the server's RSS growth per idle connection
 *   ws.reconnect_storm.clients    how many clients (CLIENTS, or fewer when the descriptor
 *                                 limit cannot hold them: said on stderr)
 *   ws.reconnect_storm.20k.s      the server is killed (SIGKILL) and started again at once;
 *                                 the time from its start until every client, dropped by the
 *                                 kill, is live again (its `resume` answered with `resumed`)
 *   ws.reconnect_storm.peak_rss_mib  the restarted server's peak RSS (VmHWM) over the storm
 * Clients reconnect with the web client's backoff (web/messenger/socket.js): after a close,
 * a wait of cap/2 + random·cap/2 with cap = min(30 s, 0.5 s · 2^attempt), attempt counted
 * from the last hello. Loopback only; every process stops by itself (deadlines). */
#include <errno.h>
#include <fcntl.h>
#include <ev.h>
#include <libwebsockets.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BASE_DELAY_S 0.5
#define MAX_DELAY_S 30.0
#define STORM_DEADLINE_S 60
/* Handshakes one client process keeps in flight; the rest wait their turn. lws keeps each
 * one's timeouts in a sorted list that every new one walks: 20,000 browsers are 20,000
 * lists, our two processes only two. Waiting here only makes the figure worse. */
#define MAX_INFLIGHT 256

/* No lws validity (ping) timers: they sit in one sorted list that every connection's reset
 * walks, quadratic in connections. */
static const lws_retry_bo_t no_ping = {.secs_since_valid_ping = 0, .secs_since_valid_hangup = 0};

/* Counters every client process adds to; the parent reads them. */
struct shared {
	atomic_int live;      /* clients whose resume was answered since their last connect */
	atomic_int connected; /* clients with an open connection */
	atomic_long attempts; /* connection attempts, all processes */
	atomic_int epoch;     /* set by the parent just before it kills the server */
	atomic_int back;      /* clients that lost their connection in that epoch and resumed */
};

struct client {
	char auth[80];
	char source[16]; /* the client's own loopback address (see client_start) */
	long long chat, last_seq;
	struct lws *wsi;
	bool live, want_resume, established, connecting;
	int attempt;
	int lost_epoch, back_epoch; /* the epoch of the last loss; the one counted in `back` */
	ev_timer retry;
};

/* One client process. */
static struct {
	struct client *c;
	int n;
	int inflight;          /* handshakes under way */
	struct client **queue; /* connects waiting for a free place, a ring of n */
	int qhead, qlen;
	int port;
	struct lws_context *ctx;
	struct ev_loop *loop;
	struct shared *sh;
} P;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* The web client's backoff: the longer it keeps failing, the longer it waits, with jitter.
 * (Once per loss: a loss reported twice does not move the timer.) */
static void client_backoff(struct client *c)
{
	if (ev_is_active(&c->retry))
		return;
	double cap = BASE_DELAY_S * (double)(1 << (c->attempt < 10 ? c->attempt : 10));
	cap = cap < MAX_DELAY_S ? cap : MAX_DELAY_S;
	c->attempt++;
	ev_timer_set(&c->retry, cap / 2 + drand48() * cap / 2, 0);
	ev_timer_start(P.loop, &c->retry);
}

static void client_start(struct client *c)
{
	struct lws_client_connect_info ci;
	memset(&ci, 0, sizeof ci);
	ci.context = P.ctx;
	ci.address = "127.0.0.1";
	ci.port = P.port;
	ci.path = "/api/v1/messenger/ws";
	ci.host = "127.0.0.1";
	ci.local_protocol_name = "parta-storm";
	ci.retry_and_idle_policy = &no_ping;
	/* Browsers come from many addresses; 20,000 connections from one address make the
	 * kernel search its whole port range for every connect(). */
	ci.iface = c->source;
	ci.opaque_user_data = c;
	ci.pwsi = &c->wsi;
	atomic_fetch_add(&P.sh->attempts, 1);
	c->connecting = true;
	P.inflight++;
	if (lws_client_connect_via_info(&ci) == NULL && c->connecting) {
		/* Refused at once, no callback followed: wait as after a close. */
		c->connecting = false;
		P.inflight--;
		client_backoff(c);
	}
}

static void client_connect(struct client *c)
{
	if (P.inflight < MAX_INFLIGHT) {
		client_start(c);
		return;
	}
	P.queue[(P.qhead + P.qlen++) % P.n] = c;
}

/* A handshake ended (done or failed): the next waiting connect takes its place. */
static void client_handshake_over(struct client *c)
{
	if (!c->connecting)
		return;
	c->connecting = false;
	P.inflight--;
	while (P.qlen > 0 && P.inflight < MAX_INFLIGHT) {
		struct client *next = P.queue[P.qhead];
		P.qhead = (P.qhead + 1) % P.n;
		P.qlen--;
		client_start(next);
	}
}

static void client_retry(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	client_connect(w->data);
}

static void client_lost(struct client *c)
{
	client_handshake_over(c);
	c->lost_epoch = atomic_load(&P.sh->epoch);
	if (c->live) {
		c->live = false;
		atomic_fetch_sub(&P.sh->live, 1);
	}
	if (c->established) {
		c->established = false;
		atomic_fetch_sub(&P.sh->connected, 1);
	}
	c->wsi = NULL;
	client_backoff(c);
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		    size_t len)
{
	struct client *c = lws_get_opaque_user_data(wsi);
	(void)user;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
		unsigned char **p = in, *end = *p + len;
		return lws_add_http_header_by_name(wsi, (const unsigned char *)"authorization:",
						   (const unsigned char *)c->auth,
						   (int)strlen(c->auth), p, end)
			       ? -1
			       : 0;
	}
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		client_handshake_over(c);
		c->established = true;
		atomic_fetch_add(&P.sh->connected, 1);
		return 0;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		if (c != NULL)
			client_lost(c);
		return 0;
	case LWS_CALLBACK_CLIENT_CLOSED:
		client_lost(c);
		return 0;
	case LWS_CALLBACK_CLIENT_RECEIVE: {
		const char *s = in;
		if (memmem(s, len, "\"type\":\"hello\"", 14) != NULL) {
			c->attempt = 0;
			c->want_resume = true;
			lws_callback_on_writable(wsi);
		} else if (memmem(s, len, "\"type\":\"resumed\"", 16) != NULL && !c->live) {
			c->live = true;
			atomic_fetch_add(&P.sh->live, 1);
			if (c->lost_epoch > 0 && c->back_epoch != c->lost_epoch) {
				c->back_epoch = c->lost_epoch;
				atomic_fetch_add(&P.sh->back, 1);
			}
		} else {
			const char *q = memmem(s, len, "\"seq\":", 6);
			long long seq = q ? strtoll(q + 6, NULL, 10) : 0;
			if (seq > c->last_seq)
				c->last_seq = seq;
		}
		return 0;
	}
	case LWS_CALLBACK_CLIENT_WRITEABLE: {
		if (!c->want_resume)
			return 0;
		c->want_resume = false;
		unsigned char buf[LWS_PRE + 128];
		int n = snprintf((char *)buf + LWS_PRE, 128,
				 "{\"type\":\"resume\",\"chats\":{\"%lld\":%lld}}", c->chat, c->last_seq);
		return lws_write(wsi, buf + LWS_PRE, (size_t)n, LWS_WRITE_TEXT) < n ? -1 : 0;
	}
	default: return 0;
	}
}

static const struct lws_protocols protocols[] = {{"parta-storm", callback, 0, 4096, 0, NULL, 0},
						 {NULL, NULL, 0, 0, 0, NULL, 0}};

/* A client process: connects its clients in small batches, then keeps them connected
 * (reconnecting as above) until the parent ends it. */
static int client_main(struct client *clients, int n, int port, struct shared *sh)
{
	P.c = clients;
	P.n = n;
	P.port = port;
	P.sh = sh;
	srand48((long)getpid());
	lws_set_log_level(LLL_ERR, NULL);
	P.loop = ev_loop_new(EVFLAG_AUTO);
	void *loops[1] = {P.loop};
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.retry_and_idle_policy = &no_ping;
	info.protocols = protocols;
	/* No fd_limit_per_thread: given one, lws finds a descriptor's connection by walking
	 * them all; from the process's limit (raised in main) it indexes. */
	info.options = LWS_SERVER_OPTION_LIBEV;
	info.foreign_loops = loops;
	P.ctx = P.loop ? lws_create_context(&info) : NULL;
	if (P.ctx == NULL)
		return 1;
	P.queue = calloc((size_t)n, sizeof *P.queue);
	if (P.queue == NULL)
		return 1;
	for (int i = 0; i < n; i++) {
		ev_timer_init(&clients[i].retry, client_retry, 0, 0);
		clients[i].retry.data = &clients[i];
		client_connect(&clients[i]);
	}
	double deadline = now_s() + 3 * STORM_DEADLINE_S;
	while (now_s() < deadline && getppid() != 1)
		ev_run(P.loop, EVRUN_ONCE);
	return 0;
}

/* ---- the parent: the server, the measurements ---- */

static long status_kib(pid_t pid, const char *field)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	FILE *f = fopen(path, "r");
	long kib = -1;
	size_t flen = strlen(field);
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, field, flen) == 0)
			kib = strtol(line + flen, NULL, 10);
	if (f)
		fclose(f);
	return kib;
}

static int open_fds(pid_t pid)
{
	char cmd[64];
	snprintf(cmd, sizeof cmd, "ls /proc/%ld/fd | wc -l", (long)pid);
	FILE *p = popen(cmd, "r");
	int n = -1;
	if (p && fscanf(p, "%d", &n) != 1)
		n = -1;
	if (p)
		pclose(p);
	return n;
}

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof a;
	int port = -1;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &alen) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static bool accepts(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

static pid_t server_start(char **argv, int port)
{
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlives the bench */
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	double deadline = now_s() + 30;
	while (pid > 0 && !accepts(port) && now_s() < deadline && waitpid(pid, NULL, WNOHANG) == 0)
		pause_ms(10);
	return pid > 0 && accepts(port) ? pid : -1;
}

/* Waits until `*counter` reaches `want` (or the deadline); true when it did. With
 * STORM_DEBUG set, a line a second tells how far it got. */
static bool wait_count(struct shared *sh, atomic_int *counter, int want, double deadline)
{
	double report = now_s() + 1;
	while (atomic_load(counter) != want && now_s() < deadline) {
		pause_ms(5);
		if (getenv("STORM_DEBUG") && now_s() > report) {
			report += 1;
			fprintf(stderr, "bench-wsstorm: live %d back %d connected %d attempts %ld\n",
				atomic_load(&sh->live), atomic_load(&sh->back),
				atomic_load(&sh->connected), atomic_load(&sh->attempts));
		}
	}
	return atomic_load(counter) == want;
}

int main(int argc, char **argv)
{
	if (argc < 6 || strcmp(argv[4], "--") != 0) {
		fputs("usage: bench-wsstorm TOKENS CLIENTS PROCS -- PARTA serve … --listen @LISTEN@\n",
		      stderr);
		return 2;
	}
	int want = atoi(argv[2]), procs = atoi(argv[3]);
	char **server_argv = argv + 5;
	int port = free_port();
	char listen_at[32];
	snprintf(listen_at, sizeof listen_at, "127.0.0.1:%d", port);
	for (char **a = server_argv; *a; a++)
		if (strcmp(*a, "@LISTEN@") == 0)
			*a = listen_at;
	/* The client processes and the server each hold one descriptor per connection. */
	struct rlimit lim;
	if (getrlimit(RLIMIT_NOFILE, &lim) == 0) {
		lim.rlim_cur = lim.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &lim);
	}
	pid_t server = server_start(server_argv, port);
	if (server < 0) {
		fprintf(stderr, "bench-wsstorm: the server did not start\n");
		return 1;
	}
	int reserve = open_fds(server) + 64;
	int clients = want;
	if (lim.rlim_max != RLIM_INFINITY && (rlim_t)(clients + reserve) > lim.rlim_max) {
		clients = (int)lim.rlim_max - reserve;
		fprintf(stderr,
			"bench-wsstorm: the descriptor limit (%llu, hard) holds %d clients, not %d\n",
			(unsigned long long)lim.rlim_max, clients, want);
	}
	FILE *f = fopen(argv[1], "r");
	struct client *all = calloc((size_t)clients, sizeof *all);
	char tok[64];
	long long chat;
	int n = 0;
	while (f && all && n < clients && fscanf(f, "%63s %lld", tok, &chat) == 2) {
		snprintf(all[n].auth, sizeof all[n].auth, "Bearer %s", tok);
		snprintf(all[n].source, sizeof all[n].source, "127.0.1.%d", n % 200 + 1);
		all[n++].chat = chat;
	}
	if (f)
		fclose(f);
	struct shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				 -1, 0);
	if (n < clients || sh == MAP_FAILED) {
		fprintf(stderr, "bench-wsstorm: %d tokens for %d clients\n", n, clients);
		kill(server, SIGKILL);
		return 1;
	}
	long before = status_kib(server, "VmRSS:");
	pid_t kids[64];
	procs = procs < 1 ? 1 : procs > 64 ? 64 : procs;
	for (int p = 0; p < procs; p++) {
		int from = clients * p / procs, to = clients * (p + 1) / procs;
		kids[p] = fork();
		if (kids[p] == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			_exit(client_main(all + from, to - from, port, sh));
		}
	}
	int rc = 0;
	if (!wait_count(sh, &sh->live, clients, now_s() + STORM_DEADLINE_S)) {
		fprintf(stderr, "bench-wsstorm: %d of %d clients connected\n", atomic_load(&sh->live),
			clients);
		rc = 1;
	}
	pause_ms(500); /* the server settles after the last resume */
	long after = status_kib(server, "VmRSS:");
	if (rc == 0) {
		printf("ws.idle.kib_per_conn %.1f KiB\n", (double)(after - before) / clients);
		printf("ws.reconnect_storm.clients %d clients\n", clients);
		fflush(stdout);
		/* The restart, as a supervisor does it: killed, started again at once; everyone is
		 * dropped and comes back on their own backoff. */
		atomic_store(&sh->epoch, 1);
		long attempts = atomic_load(&sh->attempts);
		kill(server, SIGKILL);
		waitpid(server, NULL, 0);
		double start = now_s();
		server = server_start(server_argv, port);
		if (server < 0 || !wait_count(sh, &sh->back, clients, start + STORM_DEADLINE_S)) {
			fprintf(stderr, "bench-wsstorm: %d of %d clients live again after %d s\n",
				atomic_load(&sh->back), clients, STORM_DEADLINE_S);
			rc = 1;
		} else {
			printf("ws.reconnect_storm.20k.s %.2f s\n", now_s() - start);
			printf("ws.reconnect_storm.peak_rss_mib %.1f MiB\n",
			       (double)status_kib(server, "VmHWM:") / 1024.0);
			fprintf(stderr, "bench-wsstorm: %ld connection attempts in the storm\n",
				atomic_load(&sh->attempts) - attempts);
		}
	}
	/* The server first: the side that closes first keeps the TIME_WAIT, and the server's
	 * are all on its one port; the clients' would hold 20,000 ephemeral ports for a minute
	 * (Janus, started next in the bench, failed to find a port). */
	if (server > 0) {
		kill(server, SIGTERM);
		waitpid(server, NULL, 0);
	}
	for (int p = 0; p < procs; p++) {
		kill(kids[p], SIGTERM);
		waitpid(kids[p], NULL, 0);
	}
	munmap(sh, sizeof *sh);
	free(all);
	return rc;
}
