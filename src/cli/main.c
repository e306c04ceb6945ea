/* main.c — the `parta` command: serve, demo, initdb, user add|passwd, check-db. */
#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../app/app.h"
#include "../app/auth.h"
#include "../app/bundle.h"
#include "../app/chatsync.h"
#include "../app/demo.h"
#include "../app/media.h"
#include "../app/oneroster.h"
#include "../app/sms.h"
#include "../core/chatplan.h"
#include "../core/err.h"
#include "../net/server.h"
#include "../store/db.h"
#include "../util/log.h"
#include "config.h"

#define PARTA_VERSION "0.1.0"


/* The one server of this process, for the signal handler. */
static struct srv *main_server;

static void main_on_signal(int sig)
{
	(void)sig;
	if (main_server != NULL)
		srv_request_stop(main_server);
}

static void main_usage(FILE *out)
{
	fputs("usage: parta COMMAND [options]\n"
	      "\n"
	      "commands:\n"
	      "  serve        run the server\n"
	      "  demo         run the server on var/demo.db with a generated demo region:\n"
	      "               [--schools N] (default 2, plus a college) [--seed S]\n"
	      "               [--generate-only] (generate, print the logins, exit)\n"
	      "  initdb       create or migrate the database, then exit\n"
	      "  user add     create an account: --org NAME --login L --name \"Фамилия Имя\"\n"
	      "               [--role admin|staff|student|parent]; the password is read from\n"
	      "               PARTA_PASSWORD or the first line of standard input\n"
	      "  user passwd  set a password: --login L (password as for user add)\n"
	      "  check-db     run PRAGMA integrity_check on the database\n"
	      "  export       write an organisation's roster as JSON: --org ID [--out FILE]\n"
	      "  import       read a roster: --org ID --format json FILE (into an empty\n"
	      "               organisation), or --org ID --format oneroster PATH (a OneRoster CSV\n"
	      "               1.1/1.2 folder or .zip, bulk or delta) [--allow-mass-changes]\n"
	      "               [--dry-run]\n"
	      "  chats init   «Инициализировать список чатов»: --org ID [--kinds staff,class,\n"
	      "               parents,subject] (default: all) [--dry-run] (show the plan only)\n"
	      "\n"
	      "options (every command):\n"
	      "  --config FILE       ini file (see parta --help-config)\n"
	      "  --listen HOST:PORT  address to listen on (default 127.0.0.1:8080)\n"
	      "  --db PATH           SQLite database (default var/parta.db)\n"
	      "  --web DIR           browser UI directory (default web)\n"
	      "  --log-level LEVEL   debug, info, warn, error\n"
	      "  --test-mode         enable test-only endpoints (never in production)\n"
	      "  --help, --help-config, --version\n",
	      out);
}

struct main_args {
	const char *command, *subcommand;
	const char *org, *login, *name, *role, *format, *out, *schools, *seed, *kinds;
	bool generate_only, allow_mass_changes, dry_run;
};

/* The slot of a command flag that takes a value, or NULL. */
static const char **main_value_flag(const char *flag, struct main_args *args)
{
	const struct {
		const char *name;
		const char **slot;
	} slots[] = {{"--org", &args->org},	  {"--login", &args->login},
		     {"--name", &args->name},	  {"--role", &args->role},
		     {"--format", &args->format}, {"--out", &args->out},
		     {"--schools", &args->schools}, {"--seed", &args->seed},
		     {"--kinds", &args->kinds}};
	for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
		if (strcmp(flag, slots[i].name) == 0)
			return slots[i].slot;
	return NULL;
}

/* Parses flags into cfg (after the file and the environment) and args. 0 on success. */
static int main_parse(int argc, char **argv, struct config *cfg, struct main_args *args)
{
	char err[512];
	const char *config_file = NULL;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config_file = argv[i + 1];
	if (config_file && config_load_file(cfg, config_file, err, sizeof err) != PARTA_OK) {
		fprintf(stderr, "parta: %s\n", err);
		return -1;
	}
	if (config_load_env(cfg, err, sizeof err) != PARTA_OK) {
		fprintf(stderr, "parta: environment: %s\n", err);
		return -1;
	}
	static const struct {
		const char *flag, *section, *key;
	} flags[] = {
		{"--listen", "server", "listen"}, {"--db", "database", "path"},
		{"--web", "server", "web"},       {"--log-level", "log", "level"},
	};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;
		bool matched = false;
		for (size_t f = 0; f < sizeof flags / sizeof flags[0]; f++) {
			if (strcmp(a, flags[f].flag) != 0)
				continue;
			if (next == NULL) {
				fprintf(stderr, "parta: %s needs a value\n", a);
				return -1;
			}
			if (config_set(cfg, flags[f].section, flags[f].key, next, err, sizeof err) !=
			    PARTA_OK) {
				fprintf(stderr, "parta: %s: %s\n", a, err);
				return -1;
			}
			matched = true;
			i++;
		}
		if (matched)
			continue;
		if (strcmp(a, "--config") == 0) {
			i++;
		} else if (strcmp(a, "--test-mode") == 0) {
			cfg->test_mode = true;
		} else if (strcmp(a, "--generate-only") == 0) {
			args->generate_only = true;
		} else if (strcmp(a, "--allow-mass-changes") == 0) {
			args->allow_mass_changes = true;
		} else if (strcmp(a, "--dry-run") == 0) {
			args->dry_run = true;
		} else if (main_value_flag(a, args) != NULL && next != NULL) {
			*main_value_flag(a, args) = next;
			i++;
		} else if (a[0] != '-' && args->command == NULL) {
			args->command = a;
		} else if (a[0] != '-' && args->subcommand == NULL) {
			args->subcommand = a;
		} else {
			fprintf(stderr, "parta: unknown argument %s (see parta --help)\n", a);
			return -1;
		}
	}
	return 0;
}

static int main_open(const struct config *cfg, struct db **db, struct app *app)
{
	char err[512];
	/* Create the database's directory (var/ by default) so a fresh checkout just works. */
	char dir[1024];
	snprintf(dir, sizeof dir, "%s", cfg->db_path);
	char *slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
			fprintf(stderr, "parta: cannot create %s: %s\n", dir, strerror(errno));
			return -1;
		}
	}
	if (db_open(cfg->db_path, db, err, sizeof err) != PARTA_OK) {
		fprintf(stderr, "parta: %s\n", err);
		return -1;
	}
	if (app_init(app, *db, cfg->limits, cfg->test_mode) != PARTA_OK) {
		fprintf(stderr, "parta: cannot initialise libsodium\n");
		db_close(*db);
		*db = NULL;
		return -1;
	}
	return 0;
}

/* The new password from PARTA_PASSWORD or the first line of standard input. */
static int main_read_password(char *buf, size_t len)
{
	const char *env = getenv("PARTA_PASSWORD");
	if (env != NULL) {
		snprintf(buf, len, "%s", env);
		return 0;
	}
	if (isatty(STDIN_FILENO))
		fputs("password: ", stderr);
	if (fgets(buf, (int)len, stdin) == NULL)
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

static const char *main_err_text(int rc)
{
	switch (rc) {
	case PARTA_ECONFLICT: return "this login is already taken";
	case PARTA_EVALIDATION:
		return "invalid value (password: at least 8 characters; names: non-empty UTF-8 "
		       "text up to 200 bytes; role: admin, staff, student or parent)";
	case PARTA_ENOTFOUND: return "no such account";
	default: return parta_strerror(rc);
	}
}

static int main_user(struct app *app, const struct main_args *args)
{
	char password[1100];
	if (args->subcommand == NULL || args->login == NULL) {
		fputs("parta: user add|passwd --login L ...\n", stderr);
		return 2;
	}
	if (main_read_password(password, sizeof password) != 0) {
		fputs("parta: no password given (PARTA_PASSWORD or standard input)\n", stderr);
		return 2;
	}
	int rc;
	if (strcmp(args->subcommand, "add") == 0) {
		if (args->org == NULL || args->name == NULL) {
			fputs("parta: user add needs --org and --name\n", stderr);
			return 2;
		}
		int64_t id = 0;
		rc = auth_user_add(app, args->org, args->login, args->name,
				   args->role ? args->role : "admin", password, &id);
		if (rc == PARTA_OK)
			printf("created account %lld (%s)\n", (long long)id, args->login);
	} else if (strcmp(args->subcommand, "passwd") == 0) {
		rc = auth_user_passwd(app, args->login, password);
		if (rc == PARTA_OK)
			printf("password changed for %s\n", args->login);
	} else {
		fprintf(stderr, "parta: unknown command user %s\n", args->subcommand);
		return 2;
	}
	if (rc != PARTA_OK) {
		fprintf(stderr, "parta: %s\n", main_err_text(rc));
		return 1;
	}
	return 0;
}

static int64_t main_org_id(const struct main_args *args)
{
	char *end = NULL;
	long long id = args->org ? strtoll(args->org, &end, 10) : 0;
	return id > 0 && end && *end == '\0' ? (int64_t)id : 0;
}

static int main_export(struct app *app, const struct main_args *args)
{
	int64_t org = main_org_id(args);
	if (org == 0) {
		fputs("parta: export needs --org ID\n", stderr);
		return 2;
	}
	json_t *bundle = NULL;
	int rc = bundle_export(app, org, &bundle);
	if (rc != PARTA_OK) {
		fprintf(stderr, "parta: export failed: %s\n",
			rc == PARTA_ENOTFOUND ? "no such organisation" : parta_strerror(rc));
		return 1;
	}
	int flags = JSON_INDENT(2) | JSON_PRESERVE_ORDER;
	rc = args->out ? json_dump_file(bundle, args->out, flags) : json_dumpf(bundle, stdout, flags);
	json_decref(bundle);
	if (rc != 0) {
		fprintf(stderr, "parta: cannot write %s\n", args->out ? args->out : "the output");
		return 1;
	}
	return 0;
}

/* A progress bar on the terminal; `unit` (a string, may be NULL) names what is counted. */
static void main_bar(size_t done, size_t total, void *unit)
{
	if (!isatty(STDERR_FILENO))
		return;
	int width = 30, filled = (int)(done * (size_t)width / (total ? total : 1));
	fprintf(stderr, "\r  [%.*s%*s] %zu/%zu %s", filled, "##############################",
		width - filled, "", done, total, unit ? (const char *)unit : "");
	if (done == total)
		fputc('\n', stderr);
}

/* The report of a OneRoster import, for people. */
static void main_print_report(json_t *r, FILE *out)
{
	fprintf(out, "%s\n", json_string_value(json_object_get(r, "message")));
	fprintf(out, "  строк: %lld, приказов: %lld\n",
		(long long)json_integer_value(json_object_get(r, "rows")),
		(long long)json_integer_value(json_object_get(r, "orders")));
	const char *groups[] = {"created", "updated", "counts"};
	for (size_t g = 0; g < 3; g++) {
		const char *key;
		json_t *v;
		fprintf(out, "  %s:", groups[g]);
		json_object_foreach(json_object_get(r, groups[g]), key, v)
			fprintf(out, " %s=%lld", key, (long long)json_integer_value(v));
		fputc('\n', out);
	}
	const char *leavers[] = {"withdrawn", "dismissed"};
	for (size_t g = 0; g < 2; g++) {
		size_t i;
		json_t *l;
		json_array_foreach(json_object_get(r, leavers[g]), i, l)
			fprintf(out, "  %s: %s (%s)\n", g ? "увольнение" : "выбытие",
				json_string_value(json_object_get(l, "name")),
				json_string_value(json_object_get(l, "source_id")));
	}
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(r, "rejected"), i, x)
		fprintf(out, "  отклонено %s:%lld: %s\n", json_string_value(json_object_get(x, "file")),
			(long long)json_integer_value(json_object_get(x, "line")),
			json_string_value(json_object_get(x, "reason")));
}

static int main_import_oneroster(struct app *app, int64_t org, const struct main_args *args)
{
	char why[600] = "";
	struct orimport_files files;
	struct stat sb;
	int rc;
	if (stat(args->subcommand, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		rc = orimport_read_dir(args->subcommand, &files, why, sizeof why);
	} else {
		FILE *fp = fopen(args->subcommand, "rb");
		char *data = NULL;
		size_t len = 0;
		rc = PARTA_EVALIDATION;
		snprintf(why, sizeof why, "не удаётся прочитать %s", args->subcommand);
		if (fp != NULL && fstat(fileno(fp), &sb) == 0 && (data = malloc((size_t)sb.st_size + 1)))
			len = fread(data, 1, (size_t)sb.st_size, fp);
		if (data != NULL && len == (size_t)sb.st_size)
			rc = orimport_read_zip(data, len, &files, why, sizeof why);
		if (fp)
			fclose(fp);
		free(data);
	}
	if (rc != PARTA_OK) {
		fprintf(stderr, "parta: import refused, nothing changed: %s\n", why);
		return 1;
	}
	struct orimport_options opt = {.allow_mass_changes = args->allow_mass_changes,
				       .dry_run = args->dry_run,
				       .progress = main_bar,
				       .ctx = "шагов"};
	json_t *report = NULL;
	rc = orimport_run(app, org, &files, &opt, &report, why, sizeof why);
	orimport_files_free(&files);
	if (report != NULL)
		main_print_report(report, rc == PARTA_OK ? stdout : stderr);
	json_decref(report);
	if (rc != PARTA_OK && rc != PARTA_ECONFLICT)
		fprintf(stderr, "parta: import refused, nothing changed: %s\n",
			why[0] ? why : parta_strerror(rc));
	return rc == PARTA_OK ? 0 : 1;
}

static int main_import(struct app *app, const struct main_args *args)
{
	int64_t org = main_org_id(args);
	if (org == 0 || args->subcommand == NULL || args->format == NULL) {
		fputs("parta: import needs --org ID --format json|oneroster PATH\n", stderr);
		return 2;
	}
	if (strcmp(args->format, "oneroster") == 0)
		return main_import_oneroster(app, org, args);
	if (strcmp(args->format, "json") != 0) {
		fprintf(stderr, "parta: unknown import format %s (json, oneroster)\n", args->format);
		return 2;
	}
	json_error_t jerr;
	json_t *bundle = json_load_file(args->subcommand, JSON_REJECT_DUPLICATES, &jerr);
	if (bundle == NULL) {
		fprintf(stderr, "parta: %s:%d: %s\n", args->subcommand, jerr.line, jerr.text);
		return 1;
	}
	struct orders_result res;
	int rc = bundle_import(app, org, bundle, &res);
	json_decref(bundle);
	if (rc == PARTA_OK)
		printf("imported %lld orders into organisation %lld\n", (long long)res.id,
		       (long long)org);
	else
		fprintf(stderr, "parta: import refused, nothing changed: %s\n",
			res.why[0] ? res.why : parta_strerror(rc));
	orders_result_free(&res);
	return rc == PARTA_OK ? 0 : 1;
}

/* Parses "staff,class,…" into a kind bit set; 0 when a name is unknown. */
static unsigned main_kinds(const char *list)
{
	if (list == NULL)
		return (1u << CHAT_KINDS) - 1;
	unsigned kinds = 0;
	char buf[128];
	snprintf(buf, sizeof buf, "%s", list);
	char *save = NULL;
	for (char *k = strtok_r(buf, ",", &save); k != NULL; k = strtok_r(NULL, ",", &save)) {
		enum chat_kind kind;
		if (chat_kind_parse(k, &kind) != PARTA_OK || kind == CHAT_OTHER)
			return 0;
		kinds |= CHAT_KIND_BIT(kind);
	}
	return kinds;
}

static int main_chats(struct app *app, const struct main_args *args)
{
	int64_t org = main_org_id(args);
	unsigned kinds = main_kinds(args->kinds);
	if (args->subcommand == NULL || strcmp(args->subcommand, "init") != 0 || org == 0 ||
	    kinds == 0) {
		fputs("parta: chats init --org ID [--kinds staff,class,parents,subject] [--dry-run]\n",
		      stderr);
		return 2;
	}
	json_t *summary = NULL;
	int rc = chatsync_initialize(app, org, kinds, args->dry_run, main_bar, "чатов", &summary,
				     NULL);
	if (rc != PARTA_OK) {
		fprintf(stderr, "parta: chats init failed: %s\n", parta_strerror(rc));
		return 1;
	}
	printf("%s: создать чатов %lld, в архив %lld, добавить участников %lld, удалить %lld\n",
	       args->dry_run ? "План (ничего не изменено)" : "Готово",
	       (long long)json_integer_value(json_object_get(summary, "created")),
	       (long long)json_integer_value(json_object_get(summary, "archived")),
	       (long long)json_integer_value(json_object_get(summary, "joined")),
	       (long long)json_integer_value(json_object_get(summary, "left")));
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(summary, "chats"), i, c)
	{
		if (!args->dry_run)
			break;
		printf("  %-9s %-40s +%lld -%lld\n", json_string_value(json_object_get(c, "action")),
		       json_string_value(json_object_get(c, "name")),
		       (long long)json_integer_value(json_object_get(c, "join")),
		       (long long)json_integer_value(json_object_get(c, "leave")));
	}
	json_decref(summary);
	return 0;
}

/* The Monday of the week `now` falls in (UTC), "YYYY-MM-DD". */
static void main_week_monday(int64_t now, char out[11])
{
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	t -= (time_t)((tm.tm_wday + 6) % 7) * 86400;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static int main_demo_setup(struct app *app, const struct main_args *args)
{
	long long schools = args->schools ? strtoll(args->schools, NULL, 10) : 2;
	unsigned long long seed = args->seed ? strtoull(args->seed, NULL, 10) : 1;
	if (schools < 1 || schools > 1000) {
		fputs("parta: --schools takes 1 to 1000\n", stderr);
		return -1;
	}
	char monday[11];
	main_week_monday(app_now(app), monday);
	json_t *logins = NULL;
	int rc = demo_region(app, (size_t)schools, seed, monday, true, main_bar, "организаций",
			     &logins);
	if (rc != PARTA_OK) {
		fprintf(stderr, "parta: cannot prepare the demo: %s\n", parta_strerror(rc));
		json_decref(logins);
		return -1;
	}
	printf("Демо-регион: школ — %lld, колледж — 1, неделя с %s. Пароль всех входов: %s\n",
	       schools, monday, DEMO_PASSWORD);
	size_t i;
	json_t *l;
	const char *last_org = "";
	json_array_foreach(logins, i, l)
	{
		const char *org = json_string_value(json_object_get(l, "organisation"));
		if (strcmp(org, last_org) != 0)
			printf("  %s (%s)\n", org, json_string_value(json_object_get(l, "profile")));
		last_org = org;
		printf("    %-9s %-12s %s\n", json_string_value(json_object_get(l, "kind")),
		       json_string_value(json_object_get(l, "login")),
		       json_string_value(json_object_get(l, "display_name")));
	}
	fflush(stdout);
	json_decref(logins);
	return 0;
}

/* Every messenger connection holds a descriptor: the soft limit (often 1024) goes up to the
 * hard one, which the administrator sets. */
static void main_raise_fd_limit(void)
{
	struct rlimit lim;
	if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= lim.rlim_max)
		return;
	rlim_t was = lim.rlim_cur;
	lim.rlim_cur = lim.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &lim) == 0)
		log_msg(LOG_INFO, "server", "fd_limit from=%llu to=%llu", (unsigned long long)was,
			(unsigned long long)lim.rlim_cur);
}

static int main_serve(const struct config *cfg, struct app *app, bool demo)
{
	char err[512];
	struct srv *srv = NULL;
	main_raise_fd_limit();
	if (srv_create(&cfg->srv, app, &srv, err, sizeof err) != PARTA_OK) {
		fprintf(stderr, "parta: %s\n", err);
		return 1;
	}
	main_server = srv;
	log_msg(LOG_INFO, "sms", "gateway backend=%s",
		sms_backend_name(sms_gateway_backend(app->sms)));
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = main_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (demo) {
		printf("Parta demo: http://%s:%d/  (Ctrl+C stops the server)\n", cfg->srv.host,
		       srv_port(srv));
		fflush(stdout);
	}
	int rc = srv_run(srv);
	srv_destroy(srv);
	main_server = NULL;
	log_msg(LOG_INFO, "server", "stopped");
	return rc == PARTA_OK ? 0 : 1;
}

/* For serve and demo: libcurl, once, before any thread exists; then the SMS gateway. The dev
 * inbox shows codes to anyone who asks, so a production `serve` refuses it. */
static int main_open_sms(const struct config *cfg, bool demo, struct sms_gateway **out)
{
	if (cfg->sms.backend == SMS_BACKEND_DEV && !demo && !cfg->test_mode) {
		fputs("parta: [sms] gateway = dev only with demo or --test-mode\n", stderr);
		return -1;
	}
	CURLcode cc = curl_global_init(CURL_GLOBAL_DEFAULT);
	if (cc != CURLE_OK) {
		fprintf(stderr, "parta: cannot initialise libcurl: %s\n", curl_easy_strerror(cc));
		return -1;
	}
	char err[256];
	if (sms_gateway_open(&cfg->sms, err, sizeof err, out) != PARTA_OK) {
		fprintf(stderr, "parta: %s\n", err);
		curl_global_cleanup();
		return -1;
	}
	return 0;
}

/* For serve and demo, after main_open_sms (libcurl is initialised): the media server, when
 * [media] admin_url is set; *out stays NULL otherwise (calls then say it is unavailable). */
static int main_open_media(const struct config *cfg, struct media **out)
{
	*out = NULL;
	if (cfg->media.admin_url[0] == '\0' && cfg->media.public_url[0] == '\0')
		return 0;
	char err[256];
	if (media_open(&cfg->media, err, sizeof err, out) != PARTA_OK) {
		fprintf(stderr, "parta: %s\n", err);
		return -1;
	}
	log_msg(LOG_INFO, "media", "janus admin=%s public=%s", cfg->media.admin_url,
		media_public_url(*out));
	return 0;
}

static void main_close_sms(struct sms_gateway *sms)
{
	if (sms == NULL)
		return;
	sms_gateway_close(sms);
	curl_global_cleanup();
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			main_usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--help-config") == 0) {
			config_print_reference(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("parta %s\n", PARTA_VERSION);
			return 0;
		}
	}
	struct config cfg;
	config_defaults(&cfg);
	struct main_args args = {0};
	bool demo = argc > 1 && strcmp(argv[1], "demo") == 0;
	if (demo) {
		snprintf(cfg.db_path, sizeof cfg.db_path, "var/demo.db");
		/* The demo shows the codes it "sends" in its inbox unless told otherwise. */
		cfg.sms.backend = SMS_BACKEND_DEV;
	}
	if (main_parse(argc, argv, &cfg, &args) != 0)
		return 2;
	if (args.command == NULL) {
		main_usage(stderr);
		return 2;
	}
	log_set_level(cfg.log_level);
	bool known = demo || strcmp(args.command, "serve") == 0 ||
		     strcmp(args.command, "initdb") == 0 || strcmp(args.command, "user") == 0 ||
		     strcmp(args.command, "check-db") == 0 || strcmp(args.command, "export") == 0 ||
		     strcmp(args.command, "import") == 0 || strcmp(args.command, "chats") == 0;
	if (!known) {
		fprintf(stderr, "parta: unknown command %s (see parta --help)\n", args.command);
		return 2;
	}
	bool serving = demo || strcmp(args.command, "serve") == 0;
	struct sms_gateway *sms = NULL;
	struct media *media = NULL;
	if (serving && main_open_sms(&cfg, demo, &sms) != 0)
		return 1;
	if (serving && main_open_media(&cfg, &media) != 0) {
		main_close_sms(sms);
		return 1;
	}
	if (media != NULL) /* the call page's pages may talk to it (Content-Security-Policy) */
		media_public_origin(media, cfg.srv.connect_origin, sizeof cfg.srv.connect_origin);
	struct db *db = NULL;
	struct app app;
	if (main_open(&cfg, &db, &app) != 0) {
		media_close(media);
		main_close_sms(sms);
		return 1;
	}
	app.db_path = cfg.db_path;
	app.sms = sms;
	app.media = media;
	/* Test mode only: the clock starts at a given time, so that a restarted test server
	 * continues where the previous one's moved clock stood. */
	const char *test_clock = getenv("PARTA_TEST_CLOCK");
	if (cfg.test_mode && test_clock != NULL && atoll(test_clock) > 0)
		app.clock_base = (int64_t)atoll(test_clock);
	int rc = 0;
	if (strcmp(args.command, "initdb") == 0) {
		printf("database %s at schema version %d\n", cfg.db_path, db_schema_version(db));
	} else if (strcmp(args.command, "check-db") == 0) {
		rc = db_integrity_check(db) == PARTA_OK ? 0 : 1;
		puts(rc == 0 ? "ok" : "integrity check failed");
	} else if (strcmp(args.command, "user") == 0) {
		rc = main_user(&app, &args);
	} else if (strcmp(args.command, "export") == 0) {
		rc = main_export(&app, &args);
	} else if (strcmp(args.command, "import") == 0) {
		rc = main_import(&app, &args);
	} else if (strcmp(args.command, "chats") == 0) {
		rc = main_chats(&app, &args);
	} else {
		if (demo && main_demo_setup(&app, &args) != 0)
			rc = 1;
		else if (demo && args.generate_only)
			rc = 0;
		else
			rc = main_serve(&cfg, &app, demo);
	}
	app_close(&app);
	db_close(db);
	media_close(media);
	main_close_sms(sms);
	return rc;
}
