/* journal.c — «Управление чатами» pages on a large school, as "name value unit" lines.
 *
 *   bench-journal DB     DB: a new (or empty) database file
 *
 *   journal.chats.page.p99_ms    one management page (50 rows) with a filter and a sort —
 *                                by name ascending, by kind and name descending, part of the
 *                                name, start of a member's surname — as the handler runs it:
 *                                the actor loaded, the page read, the rights of each row
 *   journal.picker.page.p99_ms   one page of the participant picker (50 people): by role,
 *                                surname, class, free text with the members of a chat marked
 *   journal.school.chats         chats of the generated school (target: about 5,000)
 *
 * The school: 160 classes of 25 students (4,000), a parent each, 200 teachers, 29 subjects a
 * class — imported as one roster bundle, then «Инициализировать список чатов». It drives the
 * app layer directly (what the API calls), on the release build. Targets: p99 < 50 ms. */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "app/bundle.h"
#include "app/chatman.h"
#include "app/chatsync.h"
#include "core/err.h"
#include "core/utf8.h"
#include "store/account.h"
#include "store/db.h"
#include "util/log.h"

enum { CLASSES = 160, PER_CLASS = 25, TEACHERS = 200, SAMPLES = 400 };

static const char *const surnames[] = {
	"Иванова", "Смирнова", "Кузнецова", "Попова", "Васильева", "Петрова", "Соколова",
	"Михайлова", "Новикова", "Фёдорова", "Морозова", "Волкова", "Алексеева", "Лебедева",
	"Семёнова", "Егорова", "Павлова", "Козлова", "Степанова", "Николаева", "Орлова",
	"Андреева", "Макарова", "Никитина", "Захарова", "Зайцева", "Соловьёва", "Борисова",
	"Яковлева", "Григорьева", "Романова", "Воробьёва", "Сергеева", "Кузьмина", "Фролова",
	"Ёлкина", "Дмитриева", "Королёва", "Гусева", "Киселёва", "Ильина", "Максимова"};
static const char *const first_names[] = {"Анна",  "Мария",	"Елена", "Ольга", "Дарья",
					  "Софья", "Алиса",	"Вера",	 "Полина", "Ксения",
					  "Ирина", "Татьяна", "Юлия"};
static const char *const subjects[] = {
	"Русский язык", "Литература", "Математика", "Алгебра", "Геометрия", "Информатика",
	"История", "Обществознание", "География", "Биология", "Физика", "Химия",
	"Английский язык", "Немецкий язык", "Музыка", "Изобразительное искусство", "Технология",
	"Физическая культура", "ОБЖ", "Астрономия", "Краеведение", "Экономика", "Право",
	"Черчение", "Риторика", "Шахматы", "Робототехника", "Финансовая грамотность",
	"Проектная деятельность"};
#define NSURNAMES (sizeof surnames / sizeof surnames[0])
#define NFIRST (sizeof first_names / sizeof first_names[0])
#define NSUBJECTS (sizeof subjects / sizeof subjects[0])

static const char *const letters[] = {"А", "Б", "В", "Г", "Д", "Е", "Ж", "З",
				      "И", "К", "Л", "М", "Н", "О", "П"};

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench-journal: %s: %s\n", what, parta_strerror(rc));
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static uint64_t rng = 0x9E3779B97F4A7C15u;
static size_t pick(size_t n)
{
	rng = rng * 6364136223846793005u + 1442695040888963407u;
	return (size_t)((rng >> 33) % n);
}

static void order(json_t *orders, json_t *o)
{
	static int number;
	char n[24];
	snprintf(n, sizeof n, "Б-%d", ++number);
	json_object_set_new(o, "number", json_string(n));
	json_object_set_new(o, "date", json_string("2026-09-01"));
	json_object_set_new(o, "effective_date", json_string("2026-09-01"));
	json_object_set_new(o, "status", json_string("applied"));
	json_array_append_new(orders, o);
}

static void add_person(json_t *persons, const char *ref, size_t i, const char *gender)
{
	json_array_append_new(persons, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "ref", ref,
						 "surname", surnames[i % NSURNAMES], "first_name",
						 first_names[(i / NSURNAMES) % NFIRST], "patronymic", "",
						 "birth_date", "", "gender", gender, "phone", "", "email",
						 ""));
}

/* The school as a roster bundle (docs/roster-bundle.md). */
static json_t *school(void)
{
	json_t *persons = json_array(), *subj = json_array(), *orders = json_array();
	char ref[32], ref2[32], cref[32];
	for (size_t s = 0; s < NSUBJECTS; s++) {
		snprintf(ref, sizeof ref, "s%zu", s);
		json_array_append_new(subj, json_pack("{s:s,s:s}", "ref", ref, "name", subjects[s]));
	}
	for (size_t t = 0; t < TEACHERS; t++) {
		snprintf(ref, sizeof ref, "t%zu", t);
		add_person(persons, ref, t * 7, "f");
		order(orders, json_pack("{s:s,s:s,s:s}", "kind", "hire", "person", ref, "position",
					"pos1"));
	}
	size_t load = 0;
	for (size_t c = 0; c < CLASSES; c++) {
		char name[32];
		snprintf(name, sizeof name, "%zu%s", 1 + c % 11, letters[c / 11]);
		snprintf(cref, sizeof cref, "c%zu", c);
		order(orders, json_pack("{s:s,s:s,s:s,s:i,s:i}", "kind", "class_create", "class", cref,
					"name", name, "year", 2026, "parallel", (int)(1 + c % 11)));
		snprintf(ref, sizeof ref, "t%zu", c % TEACHERS);
		order(orders, json_pack("{s:s,s:s,s:s}", "kind", "homeroom", "class", cref, "person",
					ref));
		for (size_t k = 0; k < PER_CLASS; k++) {
			size_t i = c * PER_CLASS + k;
			snprintf(ref, sizeof ref, "st%zu", i);
			snprintf(ref2, sizeof ref2, "pa%zu", i);
			add_person(persons, ref, i * 3 + 1, "f");
			add_person(persons, ref2, i * 5 + 2, "f");
			order(orders, json_pack("{s:s,s:s,s:s}", "kind", "enrol", "person", ref, "class",
						cref));
			order(orders, json_pack("{s:s,s:s,s:s}", "kind", "guardian_add", "person", ref2,
						"student", ref));
		}
		for (size_t s = 0; s < NSUBJECTS; s++, load++) {
			char lref[32], sref[32];
			snprintf(lref, sizeof lref, "l%zu", load);
			snprintf(sref, sizeof sref, "s%zu", s);
			snprintf(ref, sizeof ref, "t%zu", load % TEACHERS);
			order(orders, json_pack("{s:s,s:s,s:s,s:s,s:s}", "kind", "load_set", "load", lref,
						"class", cref, "subject", sref, "person", ref));
		}
	}
	return json_pack("{s:s,s:i,s:{s:s,s:s,s:s,s:s},s:o,s:o,s:[],s:[{s:s,s:s,s:s,s:n}],s:o}",
			 "format", "parta-roster", "version", 1, "organisation", "name",
			 "Большая школа", "type", "school", "profile", "sgo", "time_zone",
			 "Europe/Moscow", "persons", persons, "subjects", subj, "rights_groups",
			 "positions", "ref", "pos1", "name", "Учитель", "position_type",
			 "Педагогический состав", "rights_group", "orders", orders);
}

static void fold(const char *in, char *out, size_t len)
{
	snprintf(out, len, "%s", in);
	utf8_fold(out, strlen(out), out);
}

/* One management page as GET /chats runs it. */
static double chats_page(struct app *app, const struct account *acc, size_t kind)
{
	char text[64];
	struct cstore_page_filter f = {.page = 1, .per_page = 50};
	switch (kind % 4) {
	case 0: f.sort = CSTORE_SORT_NAME, f.page = 1 + (int64_t)pick(99); break;
	case 1: f.kind = "subject", f.sort = CSTORE_SORT_NAME_DESC, f.page = 1 + (int64_t)pick(90); break;
	case 2: fold(subjects[pick(NSUBJECTS)], text, sizeof text), f.name = text; break;
	default:
		fold(surnames[pick(NSURNAMES)], text, sizeof text);
		text[6] = '\0'; /* three Cyrillic letters */
		f.surname = text, f.sort = CSTORE_SORT_NAME;
	}
	double t = now_s();
	struct chatman_actor a;
	json_t *out;
	int rc = chatman_actor_load(app, acc, &a);
	if (rc == PARTA_OK)
		rc = chatman_list(app, &a, &f, &out);
	chatman_actor_free(&a);
	t = now_s() - t;
	if (rc != PARTA_OK)
		die("chats page", rc);
	if (json_array_size(json_object_get(out, "chats")) == 0)
		die("an empty chats page", PARTA_ENOTFOUND);
	json_decref(out);
	return t;
}

/* One picker page as GET /chat-candidates runs it. */
static double picker_page(struct app *app, const struct account *acc, size_t kind,
			  int64_t first_class, int64_t nchats)
{
	char text[64];
	struct people_filter f = {.page = 1, .per_page = 50};
	switch (kind % 4) {
	case 0: f.roles = PEOPLE_STUDENT, f.page = 1 + (int64_t)pick(79); break;
	case 1:
		fold(surnames[pick(NSURNAMES)], text, sizeof text);
		text[4] = '\0';
		f.surname = text;
		break;
	case 2: f.class_id = first_class + (int64_t)pick(CLASSES), f.roles = PEOPLE_STUDENT | PEOPLE_PARENT; break;
	default:
		fold(first_names[pick(NFIRST)], text, sizeof text);
		f.q = text, f.chat = 1 + (int64_t)pick((size_t)nchats);
	}
	double t = now_s();
	struct chatman_actor a;
	json_t *out;
	int rc = chatman_actor_load(app, acc, &a);
	if (rc == PARTA_OK)
		rc = chatman_people(app, &a, &f, false, &out);
	chatman_actor_free(&a);
	t = now_s() - t;
	if (rc != PARTA_OK)
		die("picker page", rc);
	json_decref(out);
	return t;
}

static int64_t scalar(struct db *db, const char *sql)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	int64_t v = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	if (st)
		sqlite3_reset(st);
	return v;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: bench-journal DB\n", stderr);
		return 2;
	}
	log_set_level(LOG_WARN);
	struct db *db;
	char err[256];
	if (db_open(argv[1], &db, err, sizeof err) != PARTA_OK) {
		fprintf(stderr, "bench-journal: %s\n", err);
		return 1;
	}
	struct app app;
	if (app_init(&app, db, app_limits_default(), false) != PARTA_OK)
		die("app", PARTA_EIO);
	int64_t org;
	int rc = account_org_ensure(db, "Большая школа", 0, &org);
	if (rc != PARTA_OK)
		die("org", rc);
	json_t *bundle = school();
	struct orders_result res;
	rc = bundle_import(&app, org, bundle, &res);
	json_decref(bundle);
	if (rc != PARTA_OK)
		die(res.why[0] ? res.why : "import", rc);
	orders_result_free(&res);
	json_t *summary;
	rc = chatsync_initialize(&app, org, (1u << CHAT_KINDS) - 1, false, NULL, NULL, &summary,
				 NULL);
	if (rc != PARTA_OK)
		die("initialize", rc);
	json_decref(summary);
	int64_t nchats = scalar(db, "SELECT count(*) FROM chats");
	int64_t first_class = scalar(db, "SELECT min(id) FROM classes");
	struct account admin = {.org_id = org, .role = "admin"};
	double chats[SAMPLES], picker[SAMPLES];
	for (size_t i = 0; i < SAMPLES; i++) {
		chats[i] = chats_page(&app, &admin, i);
		picker[i] = picker_page(&app, &admin, i, first_class, nchats);
	}
	qsort(chats, SAMPLES, sizeof chats[0], cmp_double);
	qsort(picker, SAMPLES, sizeof picker[0], cmp_double);
	printf("journal.school.chats %lld chats\n", (long long)nchats);
	printf("journal.chats.page.p50_ms %.2f ms\n", chats[SAMPLES / 2] * 1e3);
	printf("journal.chats.page.p99_ms %.2f ms\n", chats[SAMPLES * 99 / 100] * 1e3);
	printf("journal.picker.page.p50_ms %.2f ms\n", picker[SAMPLES / 2] * 1e3);
	printf("journal.picker.page.p99_ms %.2f ms\n", picker[SAMPLES * 99 / 100] * 1e3);
	app_close(&app);
	db_close(db);
	return 0;
}
