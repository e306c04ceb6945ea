#include "demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/err.h"
#include "../core/timetable.h"
#include "../store/account.h"
#include "../store/rstore.h"
#include "auth.h"
#include "bundle.h"
#include "chatsync.h"
#include "demo_names.h"

#define DEMO_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define DEMO_MAX_CLASSES 48
#define DEMO_MAX_STUDENTS 32
#define DEMO_MAX_TEACHERS 96
#define DEMO_MAX_LOADS 1024
#define DEMO_DAYS 5
#define DEMO_PERIODS 7

/* ---- the curriculum ---- */

/* A subject taught to the classes whose parallel is in [from, to] (and whose name starts with
 * `prefix`, for college specialties), `hours` a week, by a teacher of `specialty`; split in
 * two subgroups when `subgroups`; by the class's own primary teacher when `primary`. */
struct demo_subject {
	const char *name;
	int specialty;
	int from, to, hours;
	bool subgroups, primary;
	const char *prefix;
};

enum { SP_PRIMARY, SP_RUSSIAN, SP_MATH, SP_ENGLISH, SP_INFORMATICS, SP_HISTORY, SP_GEOGRAPHY,
       SP_BIOLOGY, SP_PHYSICS, SP_CHEMISTRY, SP_MUSIC, SP_ART, SP_SAFETY, SP_PE, SP_COUNT };

static const struct demo_subject demo_school[] = {
	{"Русский язык", SP_PRIMARY, 1, 4, 5, false, true, NULL},
	{"Литературное чтение", SP_PRIMARY, 1, 4, 4, false, true, NULL},
	{"Математика", SP_PRIMARY, 1, 4, 4, false, true, NULL},
	{"Окружающий мир", SP_PRIMARY, 1, 4, 2, false, true, NULL},
	{"Изобразительное искусство", SP_PRIMARY, 1, 4, 1, false, true, NULL},
	{"Технология", SP_PRIMARY, 1, 4, 1, false, true, NULL},
	{"Русский язык", SP_RUSSIAN, 5, 9, 5, false, false, NULL},
	{"Русский язык", SP_RUSSIAN, 10, 11, 2, false, false, NULL},
	{"Литература", SP_RUSSIAN, 5, 11, 3, false, false, NULL},
	{"Математика", SP_MATH, 5, 6, 5, false, false, NULL},
	{"Алгебра", SP_MATH, 7, 11, 3, false, false, NULL},
	{"Геометрия", SP_MATH, 7, 11, 2, false, false, NULL},
	{"Английский язык", SP_ENGLISH, 2, 11, 3, true, false, NULL},
	{"Информатика", SP_INFORMATICS, 7, 11, 1, false, false, NULL},
	{"История", SP_HISTORY, 5, 11, 2, false, false, NULL},
	{"Обществознание", SP_HISTORY, 6, 11, 1, false, false, NULL},
	{"География", SP_GEOGRAPHY, 5, 11, 1, false, false, NULL},
	{"Биология", SP_BIOLOGY, 5, 11, 1, false, false, NULL},
	{"Физика", SP_PHYSICS, 7, 11, 2, false, false, NULL},
	{"Химия", SP_CHEMISTRY, 8, 11, 2, false, false, NULL},
	{"Музыка", SP_MUSIC, 1, 8, 1, false, false, NULL},
	{"Изобразительное искусство", SP_ART, 5, 7, 1, false, false, NULL},
	{"Технология", SP_ART, 5, 8, 2, true, false, NULL},
	{"ОБЗР", SP_SAFETY, 8, 11, 1, false, false, NULL},
	{"Физическая культура", SP_PE, 1, 11, 2, false, false, NULL},
};

static const struct demo_subject demo_college[] = {
	{"Английский язык(ОГСЭ)", SP_ENGLISH, 1, 4, 2, true, false, NULL},
	{"История(ОГСЭ)", SP_HISTORY, 1, 2, 2, false, false, NULL},
	{"Основы философии(ОГСЭ)", SP_HISTORY, 2, 3, 2, false, false, NULL},
	{"Физическая культура(ОГСЭ)", SP_PE, 1, 4, 2, false, false, NULL},
	{"Математика(ЕН)", SP_MATH, 1, 2, 3, false, false, NULL},
	{"Информатика(ЕН)", SP_INFORMATICS, 1, 2, 2, false, false, NULL},
	{"Основы алгоритмизации и программирования(ОП)", SP_RUSSIAN, 1, 4, 4, false, false, "ИС"},
	{"Разработка программных модулей(МДК.01.01)", SP_RUSSIAN, 2, 4, 4, false, false, "ИС"},
	{"Компьютерные сети(ОП)", SP_PHYSICS, 1, 4, 4, false, false, "СА"},
	{"Организация администрирования компьютерных систем(МДК.01.01)", SP_PHYSICS, 2, 4, 4, false, false, "СА"},
	{"Педагогика(ОП)", SP_BIOLOGY, 1, 4, 4, false, false, "ДО"},
	{"Теоретические основы дошкольного образования(МДК.01.01)", SP_BIOLOGY, 2, 4, 4, false, false, "ДО"},
};

static const char *const demo_college_specs[] = {"ИС", "СА", "ДО"};

/* Bell times of the periods. */
static const char *const demo_bells[DEMO_PERIODS][2] = {
	{"08:00", "08:40"}, {"08:50", "09:30"}, {"09:45", "10:25"}, {"10:45", "11:25"},
	{"11:35", "12:15"}, {"12:25", "13:05"}, {"13:15", "13:55"},
};

/* ---- generator state ---- */

struct demo_family {
	int surname, father, mother; /* indexes into the name tables */
	int parents[2], nparents;    /* person indexes */
};

struct demo_class {
	char name[32];
	int parallel;
	int students[DEMO_MAX_STUDENTS], nstudents;
	int homeroom; /* teacher index */
	int primary;  /* teacher index of a primary class, -1 */
};

struct demo_teacher {
	int person, specialty;
	bool busy[DEMO_DAYS][DEMO_PERIODS];
};

struct demo_load {
	int class_idx, subject, teacher, hours, pair; /* pair: the other subgroup's load, -1 */
};

struct demo_gen {
	uint64_t rng;
	const struct demo_subject *curriculum;
	size_t ncurriculum;
	bool college;
	int year;
	char order_date[11];
	json_t *persons, *subjects, *positions, *orders, *lessons, *groups;
	int norders;
	struct demo_class classes[DEMO_MAX_CLASSES];
	int nclasses;
	struct demo_teacher teachers[DEMO_MAX_TEACHERS];
	int nteachers;
	struct demo_load loads[DEMO_MAX_LOADS];
	int nloads;
	struct demo_family *families;
	int nfamilies, capfamilies;
	int subject_ref[DEMO_COUNT(demo_school)]; /* curriculum entry → subject number */
};

static uint64_t demo_next(struct demo_gen *g)
{
	/* xorshift64*: small, fast and fully determined by the seed. */
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return g->rng * 2685821657736338717ull;
}

static int demo_pick(struct demo_gen *g, int n) { return (int)(demo_next(g) % (uint64_t)n); }

static void demo_ref(char *buf, size_t len, const char *prefix, int n)
{
	snprintf(buf, len, "%s%d", prefix, n + 1);
}

/* The feminine form of a masculine surname: -ов/-ев/-ёв/-ин → +а, -ский → -ская. */
static void demo_surname(int idx, bool female, char *out, size_t len)
{
	const char *m = demo_surnames[idx];
	size_t n = strlen(m);
	static const char *const plus_a[] = {"ов", "ев", "ёв", "ин"};
	if (female) {
		for (size_t i = 0; i < DEMO_COUNT(plus_a); i++) {
			size_t k = strlen(plus_a[i]);
			if (n > k && strcmp(m + n - k, plus_a[i]) == 0) {
				snprintf(out, len, "%sа", m);
				return;
			}
		}
		size_t k = strlen("ий");
		if (n > k && strcmp(m + n - k, "ий") == 0) {
			snprintf(out, len, "%.*sая", (int)(n - k), m);
			return;
		}
	}
	snprintf(out, len, "%s", m);
}

/* Adds a person; returns their index. */
static int demo_person(struct demo_gen *g, int surname, bool female, const char *first,
		       int father, int birth_year)
{
	char sur[96], ref[16], birth[11];
	demo_surname(surname, female, sur, sizeof sur);
	int idx = (int)json_array_size(g->persons);
	demo_ref(ref, sizeof ref, "p", idx);
	snprintf(birth, sizeof birth, "%04d-%02d-%02d", birth_year, 1 + demo_pick(g, 12),
		 1 + demo_pick(g, 28));
	json_array_append_new(g->persons,
			      json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "ref", ref, "surname",
					sur, "first_name", first, "patronymic",
					demo_male[father][female ? 2 : 1], "birth_date", birth,
					"gender", female ? "f" : "m", "phone", "", "email", ""));
	return idx;
}

static int demo_adult(struct demo_gen *g, bool female, int birth_from)
{
	int surname = demo_pick(g, DEMO_COUNT(demo_surnames));
	const char *first = female ? demo_female[demo_pick(g, DEMO_COUNT(demo_female))]
				   : demo_male[demo_pick(g, DEMO_COUNT(demo_male))][0];
	return demo_person(g, surname, female, first, demo_pick(g, DEMO_COUNT(demo_male)),
			   birth_from + demo_pick(g, 25));
}

/* Appends an order with the given fields (stolen). */
static void demo_order(struct demo_gen *g, const char *kind, json_t *fields)
{
	char number[32];
	snprintf(number, sizeof number, "Д-%d", ++g->norders);
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "number", number, "date", g->order_date,
			      "effective_date", g->order_date, "status", "applied", "kind", kind);
	json_object_update(o, fields);
	json_decref(fields);
	json_array_append_new(g->orders, o);
}

static json_t *demo_pref(int person)
{
	char ref[16];
	demo_ref(ref, sizeof ref, "p", person);
	return json_string(ref);
}

static json_t *demo_cref(int class_idx)
{
	char ref[16];
	demo_ref(ref, sizeof ref, "c", class_idx);
	return json_string(ref);
}

/* ---- structure: positions, subjects, classes, staff ---- */

static void demo_positions(struct demo_gen *g)
{
	/* The administration manages chats and the «Сферум» module; so does the teacher given
	 * the extra position «Ответственный по Сферуму» (SPEC §5). */
	json_array_append_new(g->groups,
			      json_pack("{s:s,s:s,s:[s,s,s,s,s]}", "ref", "g1", "name", "Администрация",
					"rights", "chat_management", "sferum_add", "sferum_delete",
					"sferum_edit", "sferum_view"));
	json_array_append_new(g->groups,
			      json_pack("{s:s,s:s,s:[s,s]}", "ref", "g2", "name",
					"Ответственные по Сферуму", "rights", "chat_management",
					"sferum_view"));
	const char *const rows[][3] = {
		{"Директор", "Администрация", "g1"},
		{"Заместитель директора", "Администрация", "g1"},
		{g->college ? "Преподаватель" : "Учитель", "Педагогический состав", NULL},
		{"Педагог-психолог", "Педагогический состав", NULL},
		{"Библиотекарь", "Учебно-вспомогательный персонал", NULL},
		{"Ответственный по Сферуму", "Педагогический состав", "g2"},
	};
	for (size_t i = 0; i < DEMO_COUNT(rows); i++) {
		char ref[16];
		demo_ref(ref, sizeof ref, "pos", (int)i);
		json_array_append_new(g->positions,
				      json_pack("{s:s,s:s,s:s,s:s?}", "ref", ref, "name", rows[i][0],
						"position_type", rows[i][1], "rights_group",
						rows[i][2]));
	}
}

static void demo_subjects(struct demo_gen *g)
{
	for (size_t i = 0; i < g->ncurriculum; i++) {
		int found = -1;
		for (size_t j = 0; j < i && found < 0; j++)
			if (strcmp(g->curriculum[j].name, g->curriculum[i].name) == 0)
				found = g->subject_ref[j];
		if (found < 0) {
			found = (int)json_array_size(g->subjects);
			char ref[16];
			demo_ref(ref, sizeof ref, "s", found);
			json_array_append_new(g->subjects, json_pack("{s:s,s:s}", "ref", ref, "name",
								     g->curriculum[i].name));
		}
		g->subject_ref[i] = found;
	}
}

static void demo_add_class(struct demo_gen *g, const char *name, int parallel)
{
	struct demo_class *c = &g->classes[g->nclasses];
	memset(c, 0, sizeof *c);
	snprintf(c->name, sizeof c->name, "%s", name);
	c->parallel = parallel;
	c->primary = -1;
	demo_order(g, "class_create", json_pack("{s:o,s:s,s:i,s:i}", "class", demo_cref(g->nclasses),
						"name", name, "year", g->year, "parallel", parallel));
	g->nclasses++;
}

static void demo_classes(struct demo_gen *g)
{
	char name[32];
	if (!g->college) {
		static const char *const letters[] = {"А", "Б", "В"};
		for (int p = 1; p <= 11; p++)
			for (size_t l = 0; l < DEMO_COUNT(letters); l++) {
				snprintf(name, sizeof name, "%d%s", p, letters[l]);
				demo_add_class(g, name, p);
			}
		return;
	}
	for (size_t s = 0; s < DEMO_COUNT(demo_college_specs); s++)
		for (int course = 1; course <= 4; course++)
			for (int group = 1; group <= (course <= 2 ? 2 : 1); group++) {
				snprintf(name, sizeof name, "%s-%02d-%d", demo_college_specs[s],
					 (g->year - course + 1) % 100, group);
				demo_add_class(g, name, course);
			}
}

static int demo_hire(struct demo_gen *g, int position, int specialty, bool female)
{
	int person = demo_adult(g, female, g->year - 65);
	char pos[16];
	demo_ref(pos, sizeof pos, "pos", position);
	demo_order(g, "hire", json_pack("{s:o,s:s}", "person", demo_pref(person), "position", pos));
	if (specialty < 0)
		return -1;
	struct demo_teacher *t = &g->teachers[g->nteachers];
	memset(t, 0, sizeof *t);
	t->person = person;
	t->specialty = specialty;
	return g->nteachers++;
}

static bool demo_applies(const struct demo_subject *s, const struct demo_class *c)
{
	return c->parallel >= s->from && c->parallel <= s->to &&
	       (s->prefix == NULL || strncmp(c->name, s->prefix, strlen(s->prefix)) == 0);
}

/* The k-th teacher of a specialty (cycling), or -1 when there is none. */
static int demo_specialist(const struct demo_gen *g, int specialty, int k)
{
	int n = 0;
	for (int t = 0; t < g->nteachers; t++)
		n += g->teachers[t].specialty == specialty;
	if (n == 0)
		return -1;
	k %= n;
	for (int t = 0; t < g->nteachers; t++)
		if (g->teachers[t].specialty == specialty && k-- == 0)
			return t;
	return -1;
}

/* Staff: administration, one primary teacher per primary class, specialists sized by the
 * hours of their specialty (about 24 a week each), a psychologist and a librarian. */
static void demo_staff(struct demo_gen *g)
{
	demo_hire(g, 0, -1, demo_pick(g, 2));
	demo_hire(g, 1, -1, true);
	demo_hire(g, 1, -1, demo_pick(g, 2));
	for (int i = 0; i < g->nclasses; i++)
		if (!g->college && g->classes[i].parallel <= 4)
			g->classes[i].primary = demo_hire(g, 2, SP_PRIMARY, demo_pick(g, 10) != 0);
	int hours[SP_COUNT] = {0};
	for (int i = 0; i < g->nclasses; i++)
		for (size_t s = 0; s < g->ncurriculum; s++)
			if (!g->curriculum[s].primary && demo_applies(&g->curriculum[s], &g->classes[i]))
				hours[g->curriculum[s].specialty] +=
					g->curriculum[s].hours * (g->curriculum[s].subgroups ? 2 : 1);
	for (int sp = 0; sp < SP_COUNT; sp++)
		for (int n = 0; n < (hours[sp] + 23) / 24; n++)
			demo_hire(g, 2, sp, demo_pick(g, 4) != 0);
	demo_hire(g, 3, -1, true);
	demo_hire(g, 4, -1, true);
	/* One teacher also answers for the messenger, on top of teaching. */
	int teacher = demo_specialist(g, SP_INFORMATICS, 0);
	if (teacher >= 0)
		demo_order(g, "position_add", json_pack("{s:o,s:s}", "person",
							demo_pref(g->teachers[teacher].person),
							"position", "pos6"));
}

static void demo_homerooms(struct demo_gen *g)
{
	int next = 0;
	for (int i = 0; i < g->nclasses; i++) {
		struct demo_class *c = &g->classes[i];
		if (c->primary >= 0) {
			c->homeroom = c->primary;
		} else {
			/* Specialists lead the older classes, each at most one. */
			do
				c->homeroom = next++ % g->nteachers;
			while (g->teachers[c->homeroom].specialty == SP_PRIMARY);
		}
		demo_order(g, "homeroom", json_pack("{s:o,s:o}", "class", demo_cref(i), "person",
						    demo_pref(g->teachers[c->homeroom].person)));
	}
}

/* ---- students and parents ---- */

static struct demo_family *demo_new_family(struct demo_gen *g)
{
	if (g->nfamilies == g->capfamilies) {
		int cap = g->capfamilies ? g->capfamilies * 2 : 256;
		struct demo_family *grown = realloc(g->families, (size_t)cap * sizeof *grown);
		if (grown == NULL)
			return NULL;
		g->families = grown;
		g->capfamilies = cap;
	}
	struct demo_family *f = &g->families[g->nfamilies++];
	memset(f, 0, sizeof *f);
	f->surname = demo_pick(g, DEMO_COUNT(demo_surnames));
	f->father = demo_pick(g, DEMO_COUNT(demo_male));
	f->mother = demo_pick(g, DEMO_COUNT(demo_female));
	int parent_birth = g->year - 50;
	bool both = demo_pick(g, 10) < 7, mother = both || demo_pick(g, 10) < 8;
	if (mother)
		f->parents[f->nparents++] = demo_person(g, f->surname, true, demo_female[f->mother],
							demo_pick(g, DEMO_COUNT(demo_male)),
							parent_birth + demo_pick(g, 20));
	if (both || !mother)
		f->parents[f->nparents++] = demo_person(g, f->surname, false,
							demo_male[f->father][0],
							demo_pick(g, DEMO_COUNT(demo_male)),
							parent_birth + demo_pick(g, 20));
	return f;
}

/* About one student in eight is a younger or older sibling of an earlier one: the same
 * family, the same parents, possibly the same class. */
static int demo_students(struct demo_gen *g)
{
	for (int i = 0; i < g->nclasses; i++) {
		struct demo_class *c = &g->classes[i];
		int n = g->college ? 20 + demo_pick(g, 6) : 25 + demo_pick(g, 6);
		int birth = g->college ? g->year - 15 - c->parallel : g->year - 6 - c->parallel;
		for (int k = 0; k < n; k++) {
			struct demo_family *f =
				g->nfamilies > 0 && demo_pick(g, 8) == 0
					? &g->families[demo_pick(g, g->nfamilies)]
					: demo_new_family(g);
			if (f == NULL)
				return PARTA_ENOMEM;
			bool female = demo_pick(g, 2);
			const char *first = female ? demo_female[demo_pick(g, DEMO_COUNT(demo_female))]
						   : demo_male[demo_pick(g, DEMO_COUNT(demo_male))][0];
			int student = demo_person(g, f->surname, female, first, f->father, birth);
			c->students[c->nstudents++] = student;
			demo_order(g, "enrol", json_pack("{s:o,s:o}", "person", demo_pref(student),
							 "class", demo_cref(i)));
			for (int p = 0; p < f->nparents; p++)
				demo_order(g, "guardian_add",
					   json_pack("{s:o,s:o}", "person", demo_pref(f->parents[p]),
						     "student", demo_pref(student)));
		}
	}
	return PARTA_OK;
}

/* ---- teaching loads ---- */

static void demo_load_order(struct demo_gen *g, int load, const int *sub, int nsub)
{
	const struct demo_load *l = &g->loads[load];
	char lref[16], sref[16];
	demo_ref(lref, sizeof lref, "l", load);
	demo_ref(sref, sizeof sref, "s", g->subject_ref[l->subject]);
	json_t *fields = json_pack("{s:s,s:o,s:s,s:o}", "load", lref, "class",
				   demo_cref(l->class_idx), "subject", sref, "person",
				   demo_pref(g->teachers[l->teacher].person));
	if (nsub > 0) {
		json_t *refs = json_array();
		for (int i = 0; i < nsub; i++)
			json_array_append_new(refs, demo_pref(sub[i]));
		json_object_set_new(fields, "subgroup", refs);
	}
	demo_order(g, "load_set", fields);
}

static int demo_loads(struct demo_gen *g)
{
	for (int i = 0; i < g->nclasses; i++) {
		const struct demo_class *c = &g->classes[i];
		for (size_t s = 0; s < g->ncurriculum; s++) {
			const struct demo_subject *subj = &g->curriculum[s];
			if (!demo_applies(subj, c))
				continue;
			int teacher = subj->primary ? c->primary
						    : demo_specialist(g, subj->specialty, i);
			if (teacher < 0 || g->nloads + 2 > DEMO_MAX_LOADS)
				return PARTA_EVALIDATION;
			int first = g->nloads;
			g->loads[g->nloads++] = (struct demo_load){i, (int)s, teacher, subj->hours, -1};
			if (!subj->subgroups) {
				demo_load_order(g, first, NULL, 0);
				continue;
			}
			/* Two subgroups, split by the class list, usually with two teachers. */
			int other = demo_specialist(g, subj->specialty, i + 1);
			g->loads[g->nloads++] = (struct demo_load){i, (int)s, other, subj->hours, first};
			g->loads[first].pair = first + 1;
			int half = c->nstudents / 2;
			demo_load_order(g, first, c->students, half);
			demo_load_order(g, first + 1, c->students + half, c->nstudents - half);
		}
	}
	return PARTA_OK;
}

/* ---- the week's timetable ---- */

static int demo_periods(const struct demo_gen *g, const struct demo_class *c)
{
	if (g->college)
		return 6;
	return c->parallel == 1 ? 4 : c->parallel <= 4 ? 5 : c->parallel <= 6 ? 6 : 7;
}

static bool demo_free(const struct demo_gen *g, int load, int day, int period)
{
	const struct demo_load *l = &g->loads[load];
	return !g->teachers[l->teacher].busy[day][period] &&
	       (l->pair < 0 || !g->teachers[g->loads[l->pair].teacher].busy[day][period]);
}

static void demo_add_lesson(struct demo_gen *g, int load, const char *date, int period)
{
	const struct demo_load *l = &g->loads[load];
	char sref[16];
	demo_ref(sref, sizeof sref, "s", g->subject_ref[l->subject]);
	json_array_append_new(g->lessons,
			      json_pack("{s:o,s:s,s:o,s:s,s:s,s:s,s:s}", "class",
					demo_cref(l->class_idx), "subject", sref, "teacher",
					demo_pref(g->teachers[l->teacher].person), "date", date,
					"start", demo_bells[period][0], "end", demo_bells[period][1],
					"topic", ""));
}

static int demo_date_add(const char *monday, int days, char out[11])
{
	struct tm tm = {0};
	if (sscanf(monday, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		return PARTA_EVALIDATION;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_mday += days;
	tm.tm_hour = 12;
	time_t t = timegm(&tm);
	struct tm norm;
	gmtime_r(&t, &norm);
	strftime(out, 11, "%Y-%m-%d", &norm);
	return PARTA_OK;
}

/* Each class gets its subjects' weekly hours spread over Monday–Friday; a period is filled
 * only when every teacher of it is free then, so nobody is in two rooms at once. */
static int demo_timetable(struct demo_gen *g, const char *monday)
{
	int *pending = malloc(sizeof(int) * 64);
	if (pending == NULL)
		return PARTA_ENOMEM;
	for (int c = 0; c < g->nclasses; c++) {
		int n = 0;
		for (int l = 0; l < g->nloads; l++) {
			const struct demo_load *ld = &g->loads[l];
			if (ld->class_idx != c || (ld->pair >= 0 && ld->pair < l))
				continue; /* the second subgroup goes with the first */
			for (int h = 0; h < ld->hours && n < 64; h++)
				pending[n++] = l;
		}
		for (int i = n - 1; i > 0; i--) { /* Fisher–Yates with the seeded generator */
			int j = demo_pick(g, i + 1), t = pending[i];
			pending[i] = pending[j];
			pending[j] = t;
		}
		int periods = demo_periods(g, &g->classes[c]);
		for (int day = 0; day < DEMO_DAYS; day++) {
			char date[11];
			if (demo_date_add(monday, day, date) != PARTA_OK) {
				free(pending);
				return PARTA_EVALIDATION;
			}
			for (int p = 0; p < periods; p++) {
				int k = 0;
				while (k < n && !demo_free(g, pending[k], day, p))
					k++;
				if (k == n)
					continue; /* a free period for this class */
				int load = pending[k];
				pending[k] = pending[--n];
				const struct demo_load *ld = &g->loads[load];
				g->teachers[ld->teacher].busy[day][p] = true;
				demo_add_lesson(g, load, date, p);
				if (ld->pair >= 0) {
					g->teachers[g->loads[ld->pair].teacher].busy[day][p] = true;
					demo_add_lesson(g, ld->pair, date, p);
				}
			}
		}
	}
	free(pending);
	return PARTA_OK;
}

/* ---- assembling ---- */

int demo_bundle(const struct demo_org_spec *spec, uint64_t seed, const char *week_monday,
		json_t **out)
{
	*out = NULL;
	if (!timetable_date_valid(week_monday))
		return PARTA_EVALIDATION;
	struct demo_gen *g = calloc(1, sizeof *g);
	if (g == NULL)
		return PARTA_ENOMEM;
	/* Mix the seed with the organisation's name so that organisations differ. */
	g->rng = seed * 0x9E3779B97F4A7C15ull + 1;
	for (const char *p = spec->name; *p; p++)
		g->rng = (g->rng ^ (unsigned char)*p) * 0x100000001B3ull;
	if (g->rng == 0)
		g->rng = 1;
	g->college = strcmp(spec->type, "college") == 0;
	g->curriculum = g->college ? demo_college : demo_school;
	g->ncurriculum = g->college ? DEMO_COUNT(demo_college) : DEMO_COUNT(demo_school);
	int y = atoi(week_monday), m = atoi(week_monday + 5);
	g->year = m >= 9 ? y : y - 1; /* the academic year that week belongs to */
	snprintf(g->order_date, sizeof g->order_date, "%04d-09-01", g->year);
	g->persons = json_array();
	g->subjects = json_array();
	g->positions = json_array();
	g->orders = json_array();
	g->lessons = json_array();
	g->groups = json_array();
	demo_positions(g);
	demo_subjects(g);
	demo_classes(g);
	demo_staff(g);
	demo_homerooms(g);
	int rc = demo_students(g);
	if (rc == PARTA_OK)
		rc = demo_loads(g);
	if (rc == PARTA_OK)
		rc = demo_timetable(g, week_monday);
	if (rc == PARTA_OK)
		*out = json_pack("{s:s,s:i,s:{s:s,s:s,s:s,s:s},s:O,s:O,s:O,s:O,s:O}", "format",
				 "parta-roster", "version", 1, "organisation", "name", spec->name,
				 "type", spec->type, "profile", spec->profile, "time_zone",
				 spec->time_zone, "persons", g->persons, "subjects", g->subjects,
				 "positions", g->positions, "orders", g->orders, "lessons",
				 g->lessons);
	if (*out != NULL)
		json_object_set(*out, "rights_groups", g->groups);
	json_decref(g->persons);
	json_decref(g->subjects);
	json_decref(g->positions);
	json_decref(g->orders);
	json_decref(g->lessons);
	json_decref(g->groups);
	free(g->families);
	free(g);
	return rc;
}

size_t demo_region_specs(size_t nschools, struct demo_org_spec *out, size_t max)
{
	static const char *const profiles[] = {"sgo", "bars", "paragraf"};
	static const char *const zones[] = {"Europe/Moscow", "Asia/Sakhalin"};
	size_t n = 0;
	for (size_t i = 0; i < nschools && n < max; i++, n++) {
		snprintf(out[n].name, sizeof out[n].name, "МБОУ «Средняя школа №%zu»", i + 1);
		out[n].type = "school";
		out[n].profile = profiles[i % 3];
		out[n].time_zone = zones[i % 2];
	}
	if (n < max) {
		snprintf(out[n].name, sizeof out[n].name, "%s",
			 "ГБПОУ «Колледж информационных технологий»");
		out[n].type = "college";
		out[n].profile = "paragraf";
		out[n].time_zone = "Europe/Moscow";
		n++;
	}
	return n;
}

/* ---- the region in the database ---- */

static const char *const demo_kinds[5][2] = {
	{"admin", "admin"},	{"homeroom", "staff"}, {"teacher", "staff"},
	{"student", "student"}, {"parent", "parent"},
};

/* Creates (or finds) the five logins of one organisation and lists them. */
static int demo_logins(struct app *app, int64_t org, size_t index, const char *hash,
		       const struct demo_org_spec *spec, json_t *logins)
{
	int64_t ids[5];
	char names[5][200];
	int rc = rstore_demo_people(app->db, org, ids, names);
	for (int k = 0; rc == PARTA_OK && k < 5; k++) {
		char login[32];
		snprintf(login, sizeof login, "%s%zu", demo_kinds[k][0], index + 1);
		struct account existing;
		int64_t account = 0;
		rc = account_find_by_login(app->db, login, &existing);
		if (rc == PARTA_ENOTFOUND) {
			rc = account_create(app->db, org, login, hash, names[k], demo_kinds[k][1],
					    app_now(app), &account);
			if (rc == PARTA_OK)
				rc = rstore_account_person(app->db, org, account, ids[k]);
		}
		if (rc == PARTA_OK)
			json_array_append_new(logins,
					      json_pack("{s:s,s:s,s:s,s:s,s:s}", "organisation",
							spec->name, "profile", spec->profile, "kind",
							demo_kinds[k][0], "login", login,
							"display_name", names[k]));
	}
	return rc;
}

/* One organisation: created when absent, its roster imported when it has none yet. */
static int demo_org(struct app *app, const struct demo_org_spec *spec, uint64_t seed,
		    const char *week_monday, int64_t *org, bool *fresh)
{
	*fresh = false;
	int rc = db_begin(app->db);
	if (rc == PARTA_OK)
		rc = account_org_ensure(app->db, spec->name, app_now(app), org);
	if (rc == PARTA_OK)
		rc = db_commit(app->db);
	else
		db_rollback(app->db);
	if (rc != PARTA_OK)
		return rc;
	if (rstore_org_empty(app->db, *org) != PARTA_OK)
		return PARTA_OK; /* generated before: keep it as it is */
	json_t *bundle;
	rc = demo_bundle(spec, seed, week_monday, &bundle);
	if (rc != PARTA_OK)
		return rc;
	struct orders_result res;
	rc = bundle_import(app, *org, bundle, &res);
	*fresh = rc == PARTA_OK;
	orders_result_free(&res);
	json_decref(bundle);
	return rc;
}

int demo_region(struct app *app, size_t nschools, uint64_t seed, const char *week_monday,
		bool with_logins, demo_progress_fn progress, void *ctx, json_t **logins)
{
	*logins = json_array();
	size_t cap = nschools + 1;
	struct demo_org_spec *specs = calloc(cap, sizeof *specs);
	if (specs == NULL)
		return PARTA_ENOMEM;
	size_t n = demo_region_specs(nschools, specs, cap);
	/* One argon2id hash serves every demo login: they share the published password. */
	char hash[ACCOUNT_HASH_MAX + 1];
	int rc = with_logins ? auth_hash_password(DEMO_PASSWORD, hash) : PARTA_OK;
	for (size_t i = 0; rc == PARTA_OK && i < n; i++) {
		int64_t org = 0;
		bool fresh;
		rc = demo_org(app, &specs[i], seed, week_monday, &org, &fresh);
		if (rc == PARTA_OK && with_logins) {
			rc = db_begin(app->db);
			if (rc == PARTA_OK) {
				rc = demo_logins(app, org, i, hash, &specs[i], *logins);
				/* The administrators now have persons: the staff room follows. */
				if (rc == PARTA_OK)
					rc = chatsync_refresh(app, org, NULL);
				if (rc == PARTA_OK)
					rc = db_commit(app->db);
				else
					db_rollback(app->db);
			}
			/* As an administrator would on the first day: every chat of the profile. */
			json_t *summary = NULL;
			if (rc == PARTA_OK && fresh)
				rc = chatsync_initialize(app, org, (1u << CHAT_KINDS) - 1, false, NULL,
							 NULL, &summary, NULL);
			json_decref(summary);
		}
		if (progress != NULL)
			progress(i + 1, n, ctx);
	}
	free(specs);
	return rc;
}
