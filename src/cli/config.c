#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"

enum config_kind { CFG_TEXT, CFG_SIZE, CFG_SECONDS, CFG_BOOL, CFG_LISTEN, CFG_LEVEL, CFG_GATEWAY };

struct config_option {
	const char *section, *key;
	enum config_kind kind;
	size_t offset;  /* into struct config */
	size_t size;    /* of the field (text buffers) or 0 */
	long long min, max;
	const char *help;
	const char *def;
};

#define CFG_FIELD(f) offsetof(struct config, f), sizeof(((struct config *)0)->f)

static const struct config_option config_options[] = {
	{"server", "listen", CFG_LISTEN, 0, 0, 0, 0, "address and port to listen on (HOST:PORT; port 0 picks a free one)", "127.0.0.1:8080"},
	{"server", "web", CFG_TEXT, CFG_FIELD(srv.web_dir), 0, 0, "directory of the browser UI", "web"},
	{"server", "body_limit", CFG_SIZE, CFG_FIELD(srv.body_limit), 1024, 1LL << 32, "largest request body in bytes (413 above)", "1048576"},
	{"server", "workers", CFG_SIZE, CFG_FIELD(srv.workers), 1, 64, "worker threads for slow work (password hashing)", "2"},
	{"server", "cookie_secure", CFG_BOOL, CFG_FIELD(srv.cookie_secure), 0, 1, "mark cookies Secure (set when TLS terminates in front)", "false"},
	{"server", "test_mode", CFG_BOOL, CFG_FIELD(test_mode), 0, 1, "enable test-only endpoints (never in production)", "false"},
	{"database", "path", CFG_TEXT, CFG_FIELD(db_path), 0, 0, "SQLite database file (created when absent)", "var/parta.db"},
	{"log", "level", CFG_LEVEL, CFG_FIELD(log_level), 0, 0, "debug, info, warn or error", "info"},
	{"session", "idle_ttl", CFG_SECONDS, CFG_FIELD(limits.session_idle_ttl), 60, 1LL << 31, "seconds a session survives unused", "43200"},
	{"session", "absolute_ttl", CFG_SECONDS, CFG_FIELD(limits.session_abs_ttl), 60, 1LL << 31, "seconds a session lives at most", "1209600"},
	{"login", "fail_limit_login", CFG_SIZE, CFG_FIELD(limits.login_fail_limit), 1, 1000, "failed logins per login within the window before 429", "5"},
	{"login", "fail_limit_addr", CFG_SIZE, CFG_FIELD(limits.addr_fail_limit), 1, 1000, "failed logins per client address within the window before 429", "20"},
	{"login", "fail_window", CFG_SECONDS, CFG_FIELD(limits.login_fail_window), 1, 86400, "the throttling window in seconds", "900"},
	{"websocket", "max_message", CFG_SIZE, CFG_FIELD(srv.ws_max_message), 128, 16 << 20, "largest incoming WebSocket message in bytes (closed with 1009 above)", "65536"},
	{"websocket", "queue_cap", CFG_SIZE, CFG_FIELD(srv.ws_queue_cap), 1024, 1LL << 30, "bytes queued to one WebSocket before it is closed as a slow consumer (1008)", "1048576"},
	{"websocket", "ping_interval", CFG_SECONDS, CFG_FIELD(srv.ws_ping_secs), 1, 3600, "idle seconds before a ping; as many again without an answer closes", "30"},
	{"sms", "gateway", CFG_GATEWAY, CFG_FIELD(sms.backend), 0, 0, "where SMS codes go: `none`, `dev` (an inbox at `GET /api/v1/dev/sms`, without a session: only with `parta demo`, where it is the default, or `--test-mode`) or `http`", "none"},
	{"sms", "url", CFG_TEXT, CFG_FIELD(sms.url), 0, 0, "the http gateway's address (http:// or https://); one POST per message", ""},
	{"sms", "body_template", CFG_TEXT, CFG_FIELD(sms.body_template), 0, 0, "the POST body; `{phone}` and `{text}` are replaced, JSON-escaped for application/json, percent-encoded for application/x-www-form-urlencoded", "{\"phone\":\"{phone}\",\"text\":\"{text}\"}"},
	{"sms", "content_type", CFG_TEXT, CFG_FIELD(sms.content_type), 0, 0, "the Content-Type of the POST", "application/json"},
	{"sms", "auth_header", CFG_TEXT, CFG_FIELD(sms.auth_header), 0, 0, "one header sent as is, e.g. `Authorization: Bearer …` (never logged)", ""},
	{"sms", "timeout_ms", CFG_SIZE, CFG_FIELD(sms.timeout_ms), 100, 60000, "milliseconds one message may take, retries included", "5000"},
	{"sms", "retries", CFG_SIZE, CFG_FIELD(sms.retries), 0, 5, "retries after a network error or a 5xx answer (2xx is success)", "2"},
	{"media", "admin_url", CFG_TEXT, CFG_FIELD(media.admin_url), 0, 0, "Janus's admin API (http:// or https://, e.g. `http://127.0.0.1:7088/admin`); empty: no media server, joining a call says it is unavailable (docs/media.md)", ""},
	{"media", "admin_secret", CFG_TEXT, CFG_FIELD(media.admin_secret), 0, 0, "Janus's `admin_secret`, also its VideoRoom plugin's `admin_key` (never logged)", ""},
	{"media", "public_url", CFG_TEXT, CFG_FIELD(media.public_url), 0, 0, "Janus's HTTP API as browsers reach it, e.g. `https://media.school.example/janus`", ""},
	{"media", "timeout_ms", CFG_SIZE, CFG_FIELD(media.timeout_ms), 100, 60000, "milliseconds one request to Janus may take", "3000"},
};

#define CONFIG_NOPTIONS (sizeof config_options / sizeof config_options[0])

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->srv = srv_config_default();
	cfg->limits = app_limits_default();
	cfg->sms = sms_config_default();
	cfg->media = media_config_default();
	snprintf(cfg->db_path, sizeof cfg->db_path, "var/parta.db");
	cfg->log_level = LOG_INFO;
}

static int config_number(const char *value, long long *out)
{
	char *end = NULL;
	errno = 0;
	long long v = strtoll(value, &end, 10);
	if (errno != 0 || end == value || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int config_listen(struct config *cfg, const char *value)
{
	const char *colon = strrchr(value, ':');
	if (colon == NULL || colon == value)
		return -1;
	long long port;
	if (config_number(colon + 1, &port) != 0 || port < 0 || port > 65535)
		return -1;
	size_t hlen = (size_t)(colon - value);
	/* "[::1]:8080"; a bracket must be closed, and only around the whole host. */
	bool open_bracket = value[0] == '[', close_bracket = value[hlen - 1] == ']';
	if (open_bracket != close_bracket || (open_bracket && hlen < 3))
		return -1;
	if (open_bracket)
		value++, hlen -= 2;
	if (hlen == 0 || hlen >= sizeof cfg->srv.host)
		return -1;
	memcpy(cfg->srv.host, value, hlen);
	cfg->srv.host[hlen] = '\0';
	cfg->srv.port = (int)port;
	return 0;
}

static int config_apply(struct config *cfg, const struct config_option *o, const char *value)
{
	char *field = (char *)cfg + o->offset;
	long long n;
	switch (o->kind) {
	case CFG_TEXT:
		if (value[0] == '\0' || strlen(value) >= o->size)
			return -1;
		memcpy(field, value, strlen(value) + 1);
		return 0;
	case CFG_LISTEN:
		return config_listen(cfg, value);
	case CFG_LEVEL:
		return log_level_parse(value, (enum log_level *)(void *)field);
	case CFG_GATEWAY:
		return sms_backend_parse(value, (enum sms_backend *)(void *)field) == PARTA_OK ? 0 : -1;
	case CFG_BOOL:
		if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0 || strcmp(value, "yes") == 0)
			*(bool *)(void *)field = true;
		else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0 ||
			 strcmp(value, "no") == 0)
			*(bool *)(void *)field = false;
		else
			return -1;
		return 0;
	case CFG_SIZE:
	case CFG_SECONDS:
		if (config_number(value, &n) != 0 || n < o->min || n > o->max)
			return -1;
		if (o->size == sizeof(int))
			*(int *)(void *)field = (int)n;
		else if (o->size == sizeof(int64_t) && o->kind == CFG_SECONDS)
			*(int64_t *)(void *)field = n;
		else
			*(size_t *)(void *)field = (size_t)n;
		return 0;
	}
	return -1;
}

int config_set(struct config *cfg, const char *section, const char *key, const char *value,
	       char *err, size_t errlen)
{
	for (size_t i = 0; i < CONFIG_NOPTIONS; i++) {
		const struct config_option *o = &config_options[i];
		if (strcmp(o->section, section) != 0 || strcmp(o->key, key) != 0)
			continue;
		if (config_apply(cfg, o, value) != 0) {
			if (o->kind == CFG_SIZE || o->kind == CFG_SECONDS)
				snprintf(err, errlen, "%s.%s: bad value \"%s\" (a whole number %lld..%lld)",
					 section, key, value, o->min, o->max);
			else if (o->kind == CFG_GATEWAY)
				snprintf(err, errlen, "%s.%s: bad value \"%s\" (none, dev or http)",
					 section, key, value);
			else
				snprintf(err, errlen, "%s.%s: bad value \"%s\"", section, key, value);
			return PARTA_EVALIDATION;
		}
		return PARTA_OK;
	}
	snprintf(err, errlen, "unknown option %s.%s", section, key);
	return PARTA_ENOTFOUND;
}

struct config_ini_ctx {
	struct config *cfg;
	char *err;
	size_t errlen;
	int rc;
};

static int config_ini_line(void *user, const char *section, const char *key, const char *value)
{
	struct config_ini_ctx *ctx = user;
	if (ctx->rc != PARTA_OK)
		return 0;
	ctx->rc = config_set(ctx->cfg, section, key, value, ctx->err, ctx->errlen);
	return ctx->rc == PARTA_OK;
}

int config_load_file(struct config *cfg, const char *path, char *err, size_t errlen)
{
	struct config_ini_ctx ctx = {cfg, err, errlen, PARTA_OK};
	int line = ini_parse(path, config_ini_line, &ctx);
	if (line < 0) {
		snprintf(err, errlen, "cannot read config file %s", path);
		return PARTA_EIO;
	}
	if (ctx.rc != PARTA_OK) {
		char inner[256];
		snprintf(inner, sizeof inner, "%s", err);
		snprintf(err, errlen, "%s:%d: %s", path, line, inner);
		return ctx.rc;
	}
	if (line > 0) {
		snprintf(err, errlen, "%s:%d: syntax error", path, line);
		return PARTA_EVALIDATION;
	}
	return PARTA_OK;
}

static void config_env_name(const struct config_option *o, char *buf, size_t len)
{
	snprintf(buf, len, "PARTA_%s_%s", o->section, o->key);
	for (char *p = buf; *p; p++)
		*p = (char)toupper((unsigned char)*p);
}

int config_load_env(struct config *cfg, char *err, size_t errlen)
{
	for (size_t i = 0; i < CONFIG_NOPTIONS; i++) {
		const struct config_option *o = &config_options[i];
		char name[96];
		config_env_name(o, name, sizeof name);
		const char *value = getenv(name);
		if (value == NULL)
			continue;
		int rc = config_set(cfg, o->section, o->key, value, err, errlen);
		if (rc != PARTA_OK)
			return rc;
	}
	return PARTA_OK;
}

void config_print_reference(FILE *out)
{
	fputs("| ini `[section] key` | environment | default | meaning |\n|---|---|---|---|\n", out);
	for (size_t i = 0; i < CONFIG_NOPTIONS; i++) {
		const struct config_option *o = &config_options[i];
		char name[96];
		config_env_name(o, name, sizeof name);
		/* An option without a default shows an empty cell. */
		fprintf(out, "| `[%s] %s` | `%s` | %s%s%s | %s |\n", o->section, o->key, name,
			o->def[0] ? "`" : "", o->def, o->def[0] ? "`" : "", o->help);
	}
}
