/* test_oneroster.c — OneRoster CSV mapped onto the roster: a bulk set with parents, a
 * subgroup, two teachers, a per-term duplicate, a disabled user and bad rows; idempotence; a
 * delta with tobedeleted rows; a truncated bulk export; OneRoster 1.2 roles.csv; fatal
 * errors. Plans are applied to a roster the way the app does it (new ids substituted). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/csv.h"
#include "core/err.h"
#include "core/oneroster.h"
#include "core/roster.h"

/* ---- the fixture: an organisation that the tests import into ---- */

struct world {
	struct roster roster;
	struct oneroster_source sources[256];
	char *source_ids[256];
	size_t nsources;
	struct oneroster_named subjects[32];
	char *subject_names[32];
	size_t nsubjects;
	int64_t positions[ONEROSTER_NPOSITIONS];
	int64_t next_id;
	struct csv_table tables[ONEROSTER_NFILES];
	bool have[ONEROSTER_NFILES];
};

static void world_init(struct world *w)
{
	memset(w, 0, sizeof *w);
	roster_init(&w->roster);
	w->next_id = 1000;
}

static void world_files_free(struct world *w)
{
	for (int f = 0; f < ONEROSTER_NFILES; f++)
		if (w->have[f])
			csv_free(&w->tables[f]);
	memset(w->have, 0, sizeof w->have);
}

static void world_free(struct world *w)
{
	world_files_free(w);
	roster_free(&w->roster);
	for (size_t i = 0; i < w->nsources; i++)
		free(w->source_ids[i]);
	for (size_t i = 0; i < w->nsubjects; i++)
		free(w->subject_names[i]);
}

static void world_file(struct world *w, enum oneroster_file f, const char *text)
{
	char why[200];
	size_t line;
	if (w->have[f])
		csv_free(&w->tables[f]);
	if (csv_parse(text, strlen(text), &w->tables[f], &line, why, sizeof why) != PARTA_OK)
		fail_msg("%s: %s", oneroster_file_name(f), why);
	w->have[f] = true;
}

static int world_plan(struct world *w, struct oneroster_plan *plan, char *why, size_t whylen)
{
	struct oneroster_input in = {.current = &w->roster, .sources = w->sources,
				     .nsources = w->nsources, .subjects = w->subjects,
				     .nsubjects = w->nsubjects, .default_year = 2026};
	memcpy(in.positions, w->positions, sizeof in.positions);
	for (int f = 0; f < ONEROSTER_NFILES; f++)
		in.files[f] = w->have[f] ? &w->tables[f] : NULL;
	return oneroster_plan(&in, plan, why, whylen);
}

/* What the app does: give new records ids, substitute them, apply every order in turn. */
static int64_t sub(int64_t id, const int64_t *base)
{
	return id >= ONEROSTER_NEW_BASE ? *base + (id - ONEROSTER_NEW_BASE) : id;
}

static void world_apply(struct world *w, const struct oneroster_plan *p)
{
	int64_t persons = w->next_id, subjects = persons + 100, classes = subjects + 100,
		loads = classes + 100, positions = loads + 100;
	w->next_id += 500;
	for (size_t i = 0; i < p->nnew_subjects; i++) {
		w->subject_names[w->nsubjects] = strdup(p->new_subjects[i]);
		w->subjects[w->nsubjects] = (struct oneroster_named){w->subject_names[w->nsubjects],
								     subjects + (int64_t)i};
		w->nsubjects++;
	}
	for (int k = 0; k < ONEROSTER_NPOSITIONS; k++)
		if (p->new_positions[k])
			w->positions[k] = positions + k;
	for (size_t i = 0; i < p->nsourced; i++) {
		const struct oneroster_sourced *s = &p->sourced[i];
		const int64_t *base = s->kind == ONEROSTER_USER    ? &persons
				      : s->kind == ONEROSTER_CLASS ? &classes
								   : &loads;
		w->source_ids[w->nsources] = strdup(s->source_id);
		w->sources[w->nsources] = (struct oneroster_source){s->kind, w->source_ids[w->nsources],
								    sub(s->id, base)};
		w->nsources++;
	}
	for (size_t i = 0; i < p->norders; i++) {
		struct roster_order o = p->orders[i];
		int64_t members[ONEROSTER_SUBGROUP_MAX];
		o.person = sub(o.person, &persons);
		o.student = sub(o.student, &persons);
		o.class_id = sub(o.class_id, &classes);
		o.load_id = sub(o.load_id, &loads);
		o.subject = sub(o.subject, &subjects);
		o.position = sub(o.position, &positions);
		for (size_t k = 0; k < o.nsubgroup; k++)
			members[k] = sub(o.subgroup[k], &persons);
		o.subgroup = o.nsubgroup ? members : NULL;
		char why[200];
		int rc = roster_apply(&w->roster, &o, why, sizeof why);
		if (rc != PARTA_OK)
			fail_msg("order %zu (%s) does not apply: %s", i, roster_kind_name(o.kind), why);
	}
}

static int64_t local(const struct world *w, enum oneroster_kind kind, const char *sid)
{
	for (size_t i = 0; i < w->nsources; i++)
		if (w->sources[i].kind == kind && strcmp(w->sources[i].source_id, sid) == 0)
			return w->sources[i].local_id;
	fail_msg("no %s %s in the source map", oneroster_kind_name(kind), sid);
	return 0;
}

static bool rejected(const struct oneroster_plan *p, enum oneroster_file f, size_t line,
		     const char *part)
{
	for (size_t i = 0; i < p->nrejects; i++)
		if (p->rejects[i].file == f && p->rejects[i].line == line &&
		    strstr(p->rejects[i].why, part) != NULL)
			return true;
	return false;
}

static void print_rejects(const struct oneroster_plan *p)
{
	for (size_t i = 0; i < p->nrejects; i++)
		print_message("reject %s:%zu %s\n", oneroster_file_name(p->rejects[i].file),
			      p->rejects[i].line, p->rejects[i].why);
}

/* ---- the set ---- */

static const char USERS[] =
	"sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
	"givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
	"password,metadata.ext.house\n"
	"t1,active,2026-08-20T10:00:00Z,true,o1,teacher,petrov,,Пётр,Петров,Петрович,,,,,,,,A\n"
	"t2,active,2026-08-20,TRUE,o1,teacher,sid,,Анна,Сидорова,,,,,,,,,\n"
	"a1,,,True,o1,administrator,dir,,Мария,Иванова,,,,,,,,,\n"
	"s1,active,,true,o1,student,s1,,Борис,Козлов,,,,,,p1,10,,\n"
	"s2,active,,true,o1,student,s2,,Вера,Козлова,,,,,,\"p1,p2\",10,,\n"
	"s3,active,,true,o1,student,s3,,Глеб,Орлов,,,,,,,10,,\n"
	"s4,active,,true,o1,student,s4,,Дина,Орлова,,,,,,,10,,\n"
	"s5,active,,true,o1,student,s5,,Ева,Нет-класса,,,,,,,10,,\n"
	"p1,active,,true,o1,parent,p1,,Ольга,Козлова,,,,,,\"s1,s2\",,,\n"
	"p2,active,,true,o1,guardian,p2,,Олег,Козлов,,,,,,,,,\n"
	"x1,active,,false,o1,student,x1,,Отключён,Отключенов,,,,,,,10,,\n"
	"bad1,active,,maybe,o1,student,b,,Плохой,Флаг,,,,,,,10,,\n"
	"bad2,active,,true,o1,wizard,b,,Плохая,Роль,,,,,,,10,,\n"
	"bad3,active,31.08.2026,true,o1,student,b,,Плохая,Дата,,,,,,,10,,\n";

static const char CLASSES[] =
	"sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,"
	"location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\n"
	"h10a,active,,10А,10,,10A,homeroom,,o1,y2026,,,\n"
	"m10a,active,,Алгебра 10А,10,c-math,,scheduled,,o1,t1,,,\n"
	"e10a1,active,,Английский 10А/1,10,c-eng,,scheduled,,o1,t1,,,\n"
	"empty,active,,Пустое занятие,10,c-eng,,scheduled,,o1,t1,,,\n";

static const char COURSES[] =
	"sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId\n"
	"c-math,active,,y2026,Алгебра,,10,o1\n"
	"c-eng,active,,y2026,Английский язык,,10,o1\n";

static const char SESSIONS[] =
	"sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear\n"
	"y2026,active,,2026/27,schoolYear,2026-09-01,2027-05-31,,2027\n"
	"t1,active,,1 полугодие,term,2026-09-01,2026-12-28,y2026,2027\n"
	"t2,active,,2 полугодие,term,2027-01-10,2027-05-31,y2026,2027\n"
	"bad,active,,Плохая,term,2027-02-30,2027-05-31,y2026,\n";

static const char ENROLLMENTS[] =
	"sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
	"primary,beginDate,endDate\n"
	"e1,active,,h10a,o1,t1,teacher,true,2026-09-01,\n"
	"e2,active,,h10a,o1,s1,student,false,2026-09-01,\n"
	"e3,active,,h10a,o1,s2,student,,2026-09-01,\n"
	"e4,active,,h10a,o1,s3,student,,,\n"
	"e5,active,,h10a,o1,s4,student,,,\n"
	"e5b,active,,h10a,o1,s4,student,,2027-01-10,\n" /* the same pair, next term */
	"e6,active,,m10a,o1,t2,teacher,false,,\n"
	"e7,active,,m10a,o1,t1,teacher,true,,\n" /* two teachers: the primary one wins */
	"e8,active,,m10a,o1,s1,student,,,\n"
	"e9,active,,m10a,o1,s2,student,,,\n"
	"e10,active,,m10a,o1,s3,student,,,\n"
	"e11,active,,m10a,o1,s4,student,,,\n"
	"e12,active,,e10a1,o1,t2,teacher,,,\n"
	"e13,active,,e10a1,o1,s1,student,,,\n"
	"e14,active,,e10a1,o1,s2,student,,,\n"
	"e15,active,,e10a1,o1,s2,student,,,\n"
	"e16,active,,h10a,o1,x1,student,,,\n"
	"e17,active,,h10a,o1,ghost,student,,,\n"
	"e18,active,,h10a,o1,s3,student,yes,,\n"
	"e19,active,,h10a,o1,s3,student,,2026-13-01,\n"
	"e20,active,,e10a1,o1,s5,student,,,\n";

static const char DEMOGRAPHICS[] =
	"sourcedId,status,dateLastModified,birthDate,sex\n"
	"s1,active,,2010-03-14,male\n"
	"s2,active,,14.03.2010,female\n";

static void load_set(struct world *w)
{
	world_file(w, ONEROSTER_USERS, USERS);
	world_file(w, ONEROSTER_CLASSES, CLASSES);
	world_file(w, ONEROSTER_COURSES, COURSES);
	world_file(w, ONEROSTER_SESSIONS, SESSIONS);
	world_file(w, ONEROSTER_ENROLLMENTS, ENROLLMENTS);
	world_file(w, ONEROSTER_DEMOGRAPHICS, DEMOGRAPHICS);
}

static void import_set(struct world *w, struct oneroster_plan *p)
{
	char why[200] = "";
	load_set(w);
	if (world_plan(w, p, why, sizeof why) != PARTA_OK)
		fail_msg("plan: %s", why);
	world_apply(w, p);
}

static const struct roster_load *load_of(const struct world *w, int64_t subject)
{
	for (size_t i = 0; i < w->roster.nloads; i++)
		if (w->roster.loads[i].subject == subject)
			return &w->roster.loads[i];
	return NULL;
}

static int64_t subject_id(const struct world *w, const char *name)
{
	for (size_t i = 0; i < w->nsubjects; i++)
		if (strcmp(w->subjects[i].name, name) == 0)
			return w->subjects[i].id;
	return 0;
}

static void test_bulk_import(void **state)
{
	(void)state;
	struct world w;
	world_init(&w);
	struct oneroster_plan p;
	import_set(&w, &p);
	if (getenv("ONEROSTER_TEST_VERBOSE"))
		print_rejects(&p);
	/* Persons: every valid users.csv row, the disabled one too. */
	assert_int_equal(p.counts.persons_new, 11);
	assert_int_equal(p.counts.rows, 14 + 4 + 2 + 4 + 21 + 2);
	const struct oneroster_person *boris = NULL, *vera = NULL;
	for (size_t i = 0; i < p.npersons; i++) {
		if (strcmp(p.persons[i].source_id, "s1") == 0)
			boris = &p.persons[i];
		if (strcmp(p.persons[i].source_id, "s2") == 0)
			vera = &p.persons[i];
	}
	assert_non_null(boris);
	assert_string_equal(boris->surname, "Козлов");
	assert_string_equal(boris->birth_date, "2010-03-14");
	assert_string_equal(boris->gender, "m");
	assert_null(vera->birth_date); /* its demographics row was rejected */
	/* Bad rows, each with its file, line and reason. */
	assert_true(rejected(&p, ONEROSTER_USERS, 13, "enabledUser"));
	assert_true(rejected(&p, ONEROSTER_USERS, 14, "role"));
	assert_true(rejected(&p, ONEROSTER_USERS, 15, "dateLastModified"));
	assert_true(rejected(&p, ONEROSTER_SESSIONS, 5, "ГГГГ-ММ-ДД"));
	assert_true(rejected(&p, ONEROSTER_DEMOGRAPHICS, 3, "birthDate"));
	assert_true(rejected(&p, ONEROSTER_ENROLLMENTS, 19, "ghost"));
	assert_true(rejected(&p, ONEROSTER_ENROLLMENTS, 20, "primary"));
	assert_true(rejected(&p, ONEROSTER_ENROLLMENTS, 21, "beginDate"));
	assert_true(rejected(&p, ONEROSTER_ENROLLMENTS, 22, "не зачислен"));
	assert_true(rejected(&p, ONEROSTER_CLASSES, 5, "нет учеников"));
	assert_int_equal(p.nrejects, 10);
	/* The roster: one class with four students (not the disabled one, not s5). */
	assert_int_equal(w.roster.nclasses, 1);
	const struct roster_class *c = &w.roster.classes[0];
	assert_string_equal(c->name, "10А");
	assert_int_equal(c->year, 2026);
	assert_int_equal(c->parallel, 10);
	assert_int_equal(c->id, local(&w, ONEROSTER_CLASS, "h10a"));
	assert_int_equal(c->homeroom, local(&w, ONEROSTER_USER, "t1"));
	assert_int_equal(w.roster.nenrolments, 4);
	assert_int_equal(roster_class_of(&w.roster, local(&w, ONEROSTER_USER, "x1")), 0);
	assert_int_equal(roster_class_of(&w.roster, local(&w, ONEROSTER_USER, "s5")), 0);
	/* Staff: two teachers and the administrator. */
	assert_int_equal(w.roster.nstaff, 3);
	assert_true(roster_holds(&w.roster, local(&w, ONEROSTER_USER, "a1"),
				 w.positions[ONEROSTER_ADMINISTRATOR]));
	assert_true(p.new_positions[ONEROSTER_TEACHER]);
	/* Loads: algebra for the whole class by the primary teacher; English for a subgroup. */
	const struct roster_load *math = load_of(&w, subject_id(&w, "Алгебра"));
	const struct roster_load *eng = load_of(&w, subject_id(&w, "Английский язык"));
	assert_non_null(math);
	assert_non_null(eng);
	assert_int_equal(w.roster.nloads, 2);
	assert_int_equal(math->teacher, local(&w, ONEROSTER_USER, "t1"));
	assert_int_equal(math->nsubgroup, 0);
	assert_int_equal(eng->teacher, local(&w, ONEROSTER_USER, "t2"));
	assert_int_equal(eng->nsubgroup, 2);
	/* Parents: p1 of s1 and s2 (named from both sides), p2 of s2. */
	assert_int_equal(w.roster.nguardians, 3);
	assert_true(roster_is_guardian(&w.roster, local(&w, ONEROSTER_USER, "p2"),
				       local(&w, ONEROSTER_USER, "s2")));
	assert_int_equal(p.counts.withdrawn + p.counts.dismissed, 0);
	oneroster_plan_free(&p);

	/* The same files again change nothing. */
	char why[200];
	assert_int_equal(world_plan(&w, &p, why, sizeof why), PARTA_OK);
	assert_int_equal(p.norders, 0);
	assert_int_equal(p.counts.persons_new, 0);
	assert_int_equal(p.nsourced, 0);
	assert_int_equal(p.nnew_subjects, 0);
	assert_int_equal(p.counts.students_now, 4);
	assert_int_equal(p.counts.staff_now, 3);
	oneroster_plan_free(&p);
	world_free(&w);
}

static void test_delta_with_tobedeleted(void **state)
{
	(void)state;
	struct world w;
	world_init(&w);
	struct oneroster_plan p;
	import_set(&w, &p);
	oneroster_plan_free(&p);
	world_files_free(&w);
	world_file(&w, ONEROSTER_MANIFEST,
		   "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\n"
		   "file.users,delta\nfile.enrollments,delta\nfile.classes,absent\n");
	world_file(&w, ONEROSTER_USERS,
		   "sourcedId,status,dateLastModified,enabledUser,role,givenName,familyName,"
		   "agentSourcedIds\n"
		   "p2,tobedeleted,2026-10-01,,,,,\n"
		   "s6,active,2026-10-01,true,student,Жанна,Новикова,\n");
	world_file(&w, ONEROSTER_ENROLLMENTS,
		   "sourcedId,status,dateLastModified,classSourcedId,userSourcedId,role,primary\n"
		   "e4,tobedeleted,2026-10-01,h10a,s3,student,\n"
		   "e21,active,2026-10-01,h10a,s6,student,\n"
		   "e22,active,2026-10-01,e10a1,s6,student,\n"
		   "e13,tobedeleted,2026-10-01,e10a1,s1,student,\n"
		   "e7,tobedeleted,2026-10-01,m10a,t1,teacher,\n");
	char why[200] = "";
	assert_int_equal(world_plan(&w, &p, why, sizeof why), PARTA_OK);
	if (getenv("ONEROSTER_TEST_VERBOSE"))
		print_rejects(&p);
	assert_int_equal(p.nrejects, 0);
	assert_int_equal(p.counts.withdrawn, 1);
	assert_int_equal(p.counts.enrolled, 1);
	assert_int_equal(p.counts.guardians_removed, 1);
	assert_int_equal(p.nleavers, 1);
	assert_string_equal(p.leavers[0].source_id, "s3");
	world_apply(&w, &p);
	int64_t s1 = local(&w, ONEROSTER_USER, "s1"), s2 = local(&w, ONEROSTER_USER, "s2"),
		s3 = local(&w, ONEROSTER_USER, "s3"), s6 = local(&w, ONEROSTER_USER, "s6");
	assert_int_equal(roster_class_of(&w.roster, s3), 0);
	assert_int_equal(roster_class_of(&w.roster, s6), local(&w, ONEROSTER_CLASS, "h10a"));
	assert_int_equal(w.roster.nguardians, 2);
	/* English: s1 out, s6 in; algebra stays for the whole class, without its teacher. */
	const struct roster_load *eng = load_of(&w, subject_id(&w, "Английский язык"));
	assert_int_equal(eng->nsubgroup, 2);
	assert_true(eng->subgroup[0] == s2 || eng->subgroup[1] == s2);
	assert_true(eng->subgroup[0] == s6 || eng->subgroup[1] == s6);
	(void)s1;
	const struct roster_load *math = load_of(&w, subject_id(&w, "Алгебра"));
	assert_int_equal(math->teacher, 0);
	assert_int_equal(math->nsubgroup, 0);
	oneroster_plan_free(&p);
	/* The delta again: nothing left to do. */
	assert_int_equal(world_plan(&w, &p, why, sizeof why), PARTA_OK);
	assert_int_equal(p.norders, 0);
	oneroster_plan_free(&p);
	world_free(&w);
}

/* A delta row restates its person's agents: a parent's row lists exactly their children; a
 * student's row that names agents lists exactly their parents; rows not in the delta keep
 * theirs. */
static void test_delta_restates_agents(void **state)
{
	(void)state;
	struct world w;
	world_init(&w);
	struct oneroster_plan p;
	import_set(&w, &p);
	oneroster_plan_free(&p);
	world_files_free(&w);
	int64_t s1 = local(&w, ONEROSTER_USER, "s1"), s2 = local(&w, ONEROSTER_USER, "s2"),
		p1 = local(&w, ONEROSTER_USER, "p1"), p2 = local(&w, ONEROSTER_USER, "p2");
	assert_true(roster_is_guardian(&w.roster, p1, s1));
	world_file(&w, ONEROSTER_MANIFEST,
		   "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\n"
		   "file.users,delta\n");
	world_file(&w, ONEROSTER_USERS,
		   "sourcedId,status,dateLastModified,enabledUser,role,givenName,familyName,"
		   "agentSourcedIds\n"
		   "p1,active,2026-10-01,true,parent,Ольга,Козлова,s2\n");
	char why[200] = "";
	assert_int_equal(world_plan(&w, &p, why, sizeof why), PARTA_OK);
	assert_int_equal(p.counts.guardians_removed, 1);
	assert_int_equal(p.counts.guardians_added, 0);
	world_apply(&w, &p);
	oneroster_plan_free(&p);
	assert_false(roster_is_guardian(&w.roster, p1, s1));
	assert_true(roster_is_guardian(&w.roster, p1, s2));
	assert_true(roster_is_guardian(&w.roster, p2, s2));
	world_files_free(&w);
	world_file(&w, ONEROSTER_MANIFEST,
		   "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\n"
		   "file.users,delta\n");
	world_file(&w, ONEROSTER_USERS,
		   "sourcedId,status,dateLastModified,enabledUser,role,givenName,familyName,"
		   "agentSourcedIds\n"
		   "s2,active,2026-10-02,true,student,Вера,Козлова,p2\n");
	assert_int_equal(world_plan(&w, &p, why, sizeof why), PARTA_OK);
	assert_int_equal(p.counts.guardians_removed, 1);
	world_apply(&w, &p);
	oneroster_plan_free(&p);
	assert_false(roster_is_guardian(&w.roster, p1, s2));
	assert_true(roster_is_guardian(&w.roster, p2, s2));
	world_free(&w);
}

static void test_truncated_bulk_withdraws_and_dismisses(void **state)
{
	(void)state;
	struct world w;
	world_init(&w);
	struct oneroster_plan p;
	import_set(&w, &p);
	oneroster_plan_free(&p);
	world_files_free(&w);
	/* Only the administrator and one student left in the export. */
	world_file(&w, ONEROSTER_USERS,
		   "sourcedId,role,givenName,familyName\na1,administrator,Мария,Иванова\n"
		   "s1,student,Борис,Козлов\n");
	world_file(&w, ONEROSTER_CLASSES, "sourcedId,title,classType\nh10a,10А,homeroom\n");
	world_file(&w, ONEROSTER_ENROLLMENTS,
		   "sourcedId,classSourcedId,userSourcedId,role\ne2,h10a,s1,student\n");
	char why[200];
	assert_int_equal(world_plan(&w, &p, why, sizeof why), PARTA_OK);
	assert_int_equal(p.counts.withdrawn, 3);
	assert_int_equal(p.counts.dismissed, 2);
	assert_int_equal(p.counts.guardians_removed, 3);
	assert_int_equal(p.counts.loads_removed, 2);
	assert_int_equal(p.counts.homerooms, 1);
	assert_int_equal(p.nleavers, 5);
	world_apply(&w, &p);
	assert_int_equal(w.roster.nenrolments, 1);
	assert_int_equal(w.roster.nstaff, 1);
	assert_int_equal(w.roster.classes[0].homeroom, 0);
	oneroster_plan_free(&p);
	world_free(&w);
}

static void test_oneroster_12_roles(void **state)
{
	(void)state;
	struct world w;
	world_init(&w);
	world_file(&w, ONEROSTER_MANIFEST, "propertyName,value\noneroster.version,1.2\n");
	world_file(&w, ONEROSTER_USERS,
		   "sourcedId,status,dateLastModified,enabledUser,username,givenName,familyName,"
		   "resourceSourcedIds,metadata.note\n"
		   "t1,active,,true,t,Пётр,Петров,r1,x\ns1,active,,true,s,Анна,Белова,,\n");
	char why[200] = "";
	struct oneroster_plan p;
	assert_int_equal(world_plan(&w, &p, why, sizeof why), PARTA_EVALIDATION);
	assert_non_null(strstr(why, "roles.csv"));
	world_file(&w, ONEROSTER_ROLES,
		   "sourcedId,status,dateLastModified,userSourcedId,roleType,role,orgSourcedId\n"
		   "r1,active,,t1,secondary,aide,o1\nr2,active,,t1,primary,teacher,o1\n"
		   "r3,active,,s1,primary,student,o1\n");
	assert_int_equal(world_plan(&w, &p, why, sizeof why), PARTA_OK);
	assert_int_equal(p.counts.hired, 1);
	assert_true(p.new_positions[ONEROSTER_TEACHER]);
	assert_false(p.new_positions[ONEROSTER_AIDE]);
	assert_int_equal(p.counts.persons_new, 2);
	assert_int_equal(p.counts.enrolled, 0); /* a user with no enrolment is fine */
	oneroster_plan_free(&p);
	world_free(&w);
}

static void test_fatal_errors(void **state)
{
	(void)state;
	struct world w;
	world_init(&w);
	struct oneroster_plan p;
	char why[200];
	world_file(&w, ONEROSTER_USERS, "sourcedId,role,familyName\nu1,student,Иванов\n");
	assert_int_equal(world_plan(&w, &p, why, sizeof why), PARTA_EVALIDATION);
	assert_non_null(strstr(why, "givenName"));
	assert_null(p.orders);
	world_file(&w, ONEROSTER_USERS, "sourcedId,role,givenName,familyName\nu1,student,А,Б\n");
	world_file(&w, ONEROSTER_MANIFEST, "propertyName,value\nfile.classes,bulk\n");
	assert_int_equal(world_plan(&w, &p, why, sizeof why), PARTA_EVALIDATION);
	assert_non_null(strstr(why, "classes.csv"));
	world_file(&w, ONEROSTER_MANIFEST, "propertyName,value\noneroster.version,2.0\n");
	assert_int_equal(world_plan(&w, &p, why, sizeof why), PARTA_EVALIDATION);
	assert_non_null(strstr(why, "2.0"));
	world_file(&w, ONEROSTER_MANIFEST, "propertyName,value\nfile.users,sometimes\n");
	assert_int_equal(world_plan(&w, &p, why, sizeof why), PARTA_EVALIDATION);
	/* A manifest may declare a present file absent: it is then left alone. */
	world_file(&w, ONEROSTER_MANIFEST, "propertyName,value\nfile.users,absent\n");
	assert_int_equal(world_plan(&w, &p, why, sizeof why), PARTA_OK);
	assert_int_equal(p.counts.persons_seen, 0);
	oneroster_plan_free(&p);
	world_free(&w);
}

static void test_bool_and_names(void **state)
{
	(void)state;
	bool v = false;
	assert_true(oneroster_bool("TRUE", false, &v) && v);
	assert_true(oneroster_bool("False", true, &v) && !v);
	assert_true(oneroster_bool("", true, &v) && v);
	assert_true(oneroster_bool("0", true, &v) && !v);
	assert_false(oneroster_bool("yes", true, &v));
	assert_string_equal(oneroster_file_name(ONEROSTER_SESSIONS), "academicSessions.csv");
	assert_null(oneroster_file_name(ONEROSTER_NFILES));
	assert_string_equal(oneroster_kind_name(ONEROSTER_LOAD), "load");
	assert_string_equal(oneroster_position_name(ONEROSTER_TEACHER), "Учитель");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bulk_import),
		cmocka_unit_test(test_delta_with_tobedeleted),
		cmocka_unit_test(test_delta_restates_agents),
		cmocka_unit_test(test_truncated_bulk_withdraws_and_dismisses),
		cmocka_unit_test(test_oneroster_12_roles),
		cmocka_unit_test(test_fatal_errors),
		cmocka_unit_test(test_bool_and_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
