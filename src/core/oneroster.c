#include "oneroster.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "hmap.h"
#include "timetable.h"
#include "utf8.h"

/* ---- names ---- */

static const char *const oneroster_files[ONEROSTER_NFILES] = {
	"manifest.csv", "orgs.csv",	   "users.csv",		  "roles.csv",	       "classes.csv",
	"courses.csv",	"enrollments.csv", "academicSessions.csv", "demographics.csv",
};

const char *oneroster_file_name(enum oneroster_file f)
{
	return (unsigned)f < ONEROSTER_NFILES ? oneroster_files[f] : NULL;
}

const char *oneroster_kind_name(enum oneroster_kind k)
{
	static const char *const names[] = {"user", "class", "load"};
	return (unsigned)k < ONEROSTER_NKINDS ? names[k] : NULL;
}

const char *oneroster_position_name(enum oneroster_position p)
{
	static const char *const names[] = {"Учитель", "Администратор", "Помощник учителя"};
	return (unsigned)p < ONEROSTER_NPOSITIONS ? names[p] : NULL;
}

const char *oneroster_position_type(enum oneroster_position p)
{
	static const char *const types[] = {"Педагогический состав", "Администрация",
					    "Учебно-вспомогательный персонал"};
	return (unsigned)p < ONEROSTER_NPOSITIONS ? types[p] : NULL;
}

bool oneroster_bool(const char *v, bool dflt, bool *out)
{
	if (v[0] == '\0')
		*out = dflt;
	else if (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0)
		*out = true;
	else if (strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0)
		*out = false;
	else
		return false;
	return true;
}

/* ---- the working state ---- */

enum or_role { OR_NONE = 0, OR_STUDENT, OR_STAFF, OR_PARENT };

struct or_user {
	const char *sid;
	int64_t id;      /* local id; 0 for a new user who gets no person (tobedeleted) */
	enum or_role role;
	int position;    /* staff: enum oneroster_position, -1: keep the current ones */
	bool in_file;    /* a row in users.csv */
	bool active;     /* holds a place in the target roster */
	const char *agents;
	size_t line;
	int64_t tgt_class; /* students: the target homeroom class */
	size_t tgt_line;   /* the enrollments.csv line that set it (0: none) */
};

struct or_class {
	const char *sid;
	bool homeroom, in_file, active;
	int64_t id;      /* homeroom: the class id (existing or new) */
	const char *title, *course;
	int year, parallel;
	size_t line;
	int64_t teacher; /* target homeroom teacher / teacher of the scheduled class */
	int64_t subject; /* scheduled, not in the file: the subject of its loads */
	bool teacher_from_file, teacher_primary;
};

/* A student's membership of a scheduled class, from a row (line > 0) or the current loads. */
struct or_member {
	size_t sched; /* index into classes */
	int64_t student;
	size_t line;
	bool removed;
};

struct or_alloc {
	void **ptrs;
	size_t n, cap;
};

struct or_state {
	const struct oneroster_input *in;
	struct oneroster_plan *p;
	int err; /* the first allocation failure */
	bool present[ONEROSTER_NFILES];
	struct or_user *users;
	size_t nusers, capusers;
	struct or_class *classes;
	size_t nclasses, capclasses;
	struct or_member *members;
	size_t nmembers, capmembers;
	int64_t new_ids[5]; /* counters: persons, subjects, classes, loads */
	size_t capsourced, caporders, capleavers, caprejects, cappersons, capsubjects;
	struct or_alloc alloc;
	/* lookups */
	struct hmap user_sid, class_sid, source, source_rev, sessions, courses, demo;
	struct hmap kept; /* (file, sourcedId) of rejected rows: their records keep their place */
	struct hmap class_ids; /* homeroom class id → index into classes */
	struct hmap cur_class, cur_holds, cur_npos, cur_guard, cur_load, cur_open;
	struct hmap subjects, tgt_guard;
};

enum { NEW_PERSON = 0, NEW_SUBJECT, NEW_CLASS, NEW_LOAD };

static int or_grow(struct or_state *st, void **arr, size_t *cap, size_t need, size_t elem)
{
	if (st->err != PARTA_OK)
		return st->err;
	if (need <= *cap)
		return PARTA_OK;
	size_t ncap = *cap ? *cap * 2 : 32;
	while (ncap < need)
		ncap *= 2;
	void *grown = realloc(*arr, ncap * elem);
	if (grown == NULL)
		return st->err = PARTA_ENOMEM;
	*arr = grown;
	*cap = ncap;
	return PARTA_OK;
}

#define OR_PUSH(st, arr, n, cap) or_grow((st), (void **)&(arr), &(cap), (n) + 1, sizeof *(arr))

static void *or_keep(struct or_state *st, size_t size)
{
	struct or_alloc *a = &st->alloc;
	if (OR_PUSH(st, a->ptrs, a->n, a->cap) != PARTA_OK)
		return NULL;
	void *p = malloc(size ? size : 1);
	if (p == NULL) {
		st->err = PARTA_ENOMEM;
		return NULL;
	}
	a->ptrs[a->n++] = p;
	return p;
}

static void or_put(struct or_state *st, struct hmap *m, struct hmap_key k, int64_t v)
{
	if (st->err == PARTA_OK && hmap_put(m, k, v) != PARTA_OK)
		st->err = PARTA_ENOMEM;
}

__attribute__((format(printf, 4, 5))) static void or_reject(struct or_state *st,
							     enum oneroster_file f, size_t line,
							     const char *fmt, ...)
{
	struct oneroster_plan *p = st->p;
	if (OR_PUSH(st, p->rejects, p->nrejects, st->caprejects) != PARTA_OK)
		return;
	struct oneroster_reject *r = &p->rejects[p->nrejects++];
	r->file = f;
	r->line = line;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof r->why, fmt, ap);
	va_end(ap);
}

static void or_order(struct or_state *st, struct roster_order o)
{
	struct oneroster_plan *p = st->p;
	if (OR_PUSH(st, p->orders, p->norders, st->caporders) == PARTA_OK)
		p->orders[p->norders++] = o;
}

static void or_sourced(struct or_state *st, enum oneroster_kind kind, const char *sid, int64_t id)
{
	struct oneroster_plan *p = st->p;
	if (OR_PUSH(st, p->sourced, p->nsourced, st->capsourced) == PARTA_OK)
		p->sourced[p->nsourced++] = (struct oneroster_sourced){kind, sid, id};
}

static const struct csv_table *or_file(const struct or_state *st, enum oneroster_file f)
{
	return st->present[f] ? st->in->files[f] : NULL;
}

static int64_t or_source(const struct or_state *st, enum oneroster_kind kind, const char *sid)
{
	int64_t id = 0;
	hmap_get(&st->source, hmap_str(kind, sid), &id);
	return id;
}

/* ---- validation helpers ---- */

static bool or_text_ok(const char *s, bool required)
{
	size_t len = strlen(s);
	if (len == 0)
		return !required;
	return len <= 200 && utf8_valid_text(s, len) && strpbrk(s, "\r\n") == NULL;
}

/* "YYYY-MM-DD" optionally followed by "T…" (an ISO 8601 time of day). */
static bool or_datetime_ok(const char *s)
{
	if (s[0] == '\0')
		return true;
	char date[11];
	if (strlen(s) < 10)
		return false;
	memcpy(date, s, 10);
	date[10] = '\0';
	return timetable_date_valid(date) && (s[10] == '\0' || s[10] == 'T' || s[10] == ' ');
}

/* The common checks of a data row: field count, status and dateLastModified. *deleted says
 * whether status is tobedeleted. False (rejected) otherwise. */
static bool or_row_ok(struct or_state *st, enum oneroster_file f, size_t row, bool *deleted)
{
	const struct csv_table *t = or_file(st, f);
	size_t line = t->lines[row + 1];
	if (t->widths[row + 1] != t->ncols) {
		or_reject(st, f, line, "ожидалось полей: %zu, в строке: %zu", t->ncols,
			  t->widths[row + 1]);
		return false;
	}
	const char *status = csv_cell(t, row, csv_col(t, "status"));
	*deleted = strcasecmp(status, "tobedeleted") == 0;
	if (!*deleted && status[0] != '\0' && strcasecmp(status, "active") != 0) {
		or_reject(st, f, line, "status: ожидается active или tobedeleted, а не «%.40s»",
			  status);
		return false;
	}
	const char *modified = csv_cell(t, row, csv_col(t, "dateLastModified"));
	if (!or_datetime_ok(modified)) {
		or_reject(st, f, line, "dateLastModified: ожидается дата ГГГГ-ММ-ДД[Tчч:мм:сс], а не "
				       "«%.40s»", modified);
		return false;
	}
	const char *sid = csv_cell(t, row, csv_col(t, "sourcedId"));
	if (csv_col(t, "sourcedId") >= 0 && (sid[0] == '\0' || strlen(sid) > 200)) {
		or_reject(st, f, line, "sourcedId: пустой или длиннее 200 байт");
		return false;
	}
	return true;
}

static int or_need_columns(const struct csv_table *t, enum oneroster_file f,
			   const char *const *cols, char *why, size_t whylen)
{
	for (size_t i = 0; cols[i] != NULL; i++) {
		if (csv_col(t, cols[i]) < 0) {
			snprintf(why, whylen, "%s: нет обязательного столбца %s",
				 oneroster_file_name(f), cols[i]);
			return PARTA_EVALIDATION;
		}
	}
	return PARTA_OK;
}

/* ---- manifest and the files' modes ---- */

static int or_manifest(struct or_state *st, char *why, size_t whylen)
{
	for (int f = 0; f < ONEROSTER_NFILES; f++)
		st->present[f] = st->in->files[f] != NULL;
	const struct csv_table *m = st->in->files[ONEROSTER_MANIFEST];
	if (m == NULL)
		return PARTA_OK;
	static const char *const cols[] = {"propertyName", "value", NULL};
	if (or_need_columns(m, ONEROSTER_MANIFEST, cols, why, whylen) != PARTA_OK)
		return PARTA_EVALIDATION;
	int cname = csv_col(m, "propertyName"), cvalue = csv_col(m, "value");
	for (size_t r = 0; r < m->nrows; r++) {
		const char *name = csv_cell(m, r, cname), *value = csv_cell(m, r, cvalue);
		if (strcasecmp(name, "oneroster.version") == 0) {
			if (strcmp(value, "1.1") != 0 && strcmp(value, "1.2") != 0) {
				snprintf(why, whylen,
					 "manifest.csv: версия OneRoster %.20s не поддерживается "
					 "(1.1, 1.2)",
					 value);
				return PARTA_EVALIDATION;
			}
			continue;
		}
		if (strncasecmp(name, "file.", 5) != 0)
			continue;
		for (int f = 1; f < ONEROSTER_NFILES; f++) {
			const char *fname = oneroster_files[f];
			size_t flen = strlen(fname) - 4; /* without ".csv" */
			if (strlen(name + 5) != flen || strncasecmp(name + 5, fname, flen) != 0)
				continue;
			bool absent = strcasecmp(value, "absent") == 0;
			bool delta = strcasecmp(value, "delta") == 0;
			if (!absent && !delta && strcasecmp(value, "bulk") != 0) {
				snprintf(why, whylen, "manifest.csv, строка %zu: %s = %.20s "
						      "(ожидается bulk, delta или absent)",
					 m->lines[r + 1], name, value);
				return PARTA_EVALIDATION;
			}
			if (!absent && st->in->files[f] == NULL) {
				snprintf(why, whylen, "manifest.csv: %s = %s, но файла %s нет", name,
					 value, fname);
				return PARTA_EVALIDATION;
			}
			st->present[f] = !absent;
			st->p->delta[f] = delta;
		}
	}
	return PARTA_OK;
}

static int or_columns(struct or_state *st, char *why, size_t whylen)
{
	static const char *const need[ONEROSTER_NFILES][6] = {
		[ONEROSTER_ORGS] = {"sourcedId", NULL},
		[ONEROSTER_USERS] = {"sourcedId", "givenName", "familyName", NULL},
		[ONEROSTER_ROLES] = {"userSourcedId", "role", NULL},
		[ONEROSTER_CLASSES] = {"sourcedId", "title", "classType", NULL},
		[ONEROSTER_COURSES] = {"sourcedId", "title", NULL},
		[ONEROSTER_ENROLLMENTS] = {"sourcedId", "classSourcedId", "userSourcedId", "role",
					   NULL},
		[ONEROSTER_SESSIONS] = {"sourcedId", NULL},
		[ONEROSTER_DEMOGRAPHICS] = {"sourcedId", NULL},
	};
	for (int f = 1; f < ONEROSTER_NFILES; f++) {
		const struct csv_table *t = or_file(st, f);
		if (t != NULL && or_need_columns(t, f, need[f], why, whylen) != PARTA_OK)
			return PARTA_EVALIDATION;
		if (t != NULL)
			st->p->counts.rows += t->nrows;
	}
	st->p->bulk = (or_file(st, ONEROSTER_USERS) && !st->p->delta[ONEROSTER_USERS]) ||
		      (or_file(st, ONEROSTER_ENROLLMENTS) && !st->p->delta[ONEROSTER_ENROLLMENTS]);
	const struct csv_table *users = or_file(st, ONEROSTER_USERS);
	if (users != NULL && csv_col(users, "role") < 0 && or_file(st, ONEROSTER_ROLES) == NULL) {
		snprintf(why, whylen, "users.csv без столбца role: роли нужны в roles.csv "
				      "(OneRoster 1.2)");
		return PARTA_EVALIDATION;
	}
	return PARTA_OK;
}

/* ---- the current roster, indexed ---- */

static void or_index_current(struct or_state *st)
{
	const struct roster *r = st->in->current;
	for (size_t i = 0; i < r->nenrolments; i++)
		or_put(st, &st->cur_class, hmap_int(r->enrolments[i].student, 0),
		       r->enrolments[i].class_id);
	for (size_t i = 0; i < r->nstaff; i++) {
		int64_t n = 0;
		hmap_get(&st->cur_npos, hmap_int(r->staff[i].person, 0), &n);
		or_put(st, &st->cur_npos, hmap_int(r->staff[i].person, 0), n + 1);
		or_put(st, &st->cur_holds, hmap_int(r->staff[i].person, r->staff[i].position), 1);
		if (n == 0)
			st->p->counts.staff_now++;
	}
	for (size_t i = 0; i < r->nguardians; i++)
		or_put(st, &st->cur_guard, hmap_int(r->guardians[i].parent, r->guardians[i].student),
		       1);
	for (size_t i = 0; i < r->nloads; i++)
		or_put(st, &st->cur_load, hmap_int(r->loads[i].id, 0), (int64_t)i);
	for (size_t i = 0; i < r->nclasses; i++)
		or_put(st, &st->cur_open, hmap_int(r->classes[i].id, 0), r->classes[i].open);
	st->p->counts.students_now = r->nenrolments;
	for (size_t i = 0; i < st->in->nsources; i++) {
		const struct oneroster_source *s = &st->in->sources[i];
		or_put(st, &st->source, hmap_str(s->kind, s->source_id), s->local_id);
		or_put(st, &st->source_rev, hmap_int(s->kind, s->local_id), (int64_t)i);
	}
	for (size_t i = 0; i < st->in->nsubjects; i++)
		or_put(st, &st->subjects, hmap_str(0, st->in->subjects[i].name),
		       st->in->subjects[i].id);
}

static int64_t or_cur_class(const struct or_state *st, int64_t student)
{
	int64_t c = 0;
	hmap_get(&st->cur_class, hmap_int(student, 0), &c);
	return c;
}

static bool or_cur_employed(const struct or_state *st, int64_t person)
{
	return hmap_get(&st->cur_npos, hmap_int(person, 0), NULL);
}

static bool or_sourced_person(const struct or_state *st, int64_t person)
{
	return hmap_get(&st->source_rev, hmap_int(ONEROSTER_USER, person), NULL);
}

/* ---- reference files: sessions, courses, demographics ---- */

static void or_sessions(struct or_state *st)
{
	const struct csv_table *t = or_file(st, ONEROSTER_SESSIONS);
	for (size_t r = 0; t && r < t->nrows; r++) {
		bool deleted;
		if (!or_row_ok(st, ONEROSTER_SESSIONS, r, &deleted) || deleted)
			continue;
		const char *start = csv_cell(t, r, csv_col(t, "startDate"));
		const char *end = csv_cell(t, r, csv_col(t, "endDate"));
		const char *year = csv_cell(t, r, csv_col(t, "schoolYear"));
		if ((start[0] && !timetable_date_valid(start)) || (end[0] && !timetable_date_valid(end))) {
			or_reject(st, ONEROSTER_SESSIONS, t->lines[r + 1],
				  "startDate, endDate: ожидается дата ГГГГ-ММ-ДД");
			continue;
		}
		int y = 0;
		if (strlen(year) == 4 && strspn(year, "0123456789") == 4)
			y = atoi(year) - 1; /* schoolYear is the year the school year ends */
		else if (start[0])
			y = atoi(start) - (atoi(start + 5) < 7);
		if (y < 2000 || y > 2100) {
			or_reject(st, ONEROSTER_SESSIONS, t->lines[r + 1],
				  "schoolYear или startDate: учебный год не определён");
			continue;
		}
		or_put(st, &st->sessions, hmap_str(0, csv_cell(t, r, csv_col(t, "sourcedId"))), y);
	}
}

static void or_courses(struct or_state *st)
{
	const struct csv_table *t = or_file(st, ONEROSTER_COURSES);
	for (size_t r = 0; t && r < t->nrows; r++) {
		bool deleted;
		if (!or_row_ok(st, ONEROSTER_COURSES, r, &deleted) || deleted)
			continue;
		const char *title = csv_cell(t, r, csv_col(t, "title"));
		if (!or_text_ok(title, true)) {
			or_reject(st, ONEROSTER_COURSES, t->lines[r + 1],
				  "title: название курса от 1 до 200 байт в одну строку");
			continue;
		}
		or_put(st, &st->courses, hmap_str(0, csv_cell(t, r, csv_col(t, "sourcedId"))),
		       (int64_t)r);
	}
}

static void or_demographics(struct or_state *st)
{
	const struct csv_table *t = or_file(st, ONEROSTER_DEMOGRAPHICS);
	for (size_t r = 0; t && r < t->nrows; r++) {
		bool deleted;
		if (!or_row_ok(st, ONEROSTER_DEMOGRAPHICS, r, &deleted) || deleted)
			continue;
		const char *birth = csv_cell(t, r, csv_col(t, "birthDate"));
		if (birth[0] && !timetable_date_valid(birth)) {
			or_reject(st, ONEROSTER_DEMOGRAPHICS, t->lines[r + 1],
				  "birthDate: ожидается дата ГГГГ-ММ-ДД, а не «%.40s»", birth);
			continue;
		}
		or_put(st, &st->demo, hmap_str(0, csv_cell(t, r, csv_col(t, "sourcedId"))),
		       (int64_t)r);
	}
}

/* The continuing orgs.csv rows are only checked. */
static void or_orgs(struct or_state *st)
{
	const struct csv_table *t = or_file(st, ONEROSTER_ORGS);
	for (size_t r = 0; t && r < t->nrows; r++) {
		bool deleted;
		(void)or_row_ok(st, ONEROSTER_ORGS, r, &deleted);
	}
}

/* ---- users ---- */

static enum or_role or_role_of(const char *role, int *position)
{
	static const struct {
		const char *name;
		enum or_role role;
		int position;
	} roles[] = {
		{"student", OR_STUDENT, 0},
		{"teacher", OR_STAFF, ONEROSTER_TEACHER},
		{"administrator", OR_STAFF, ONEROSTER_ADMINISTRATOR},
		{"siteAdministrator", OR_STAFF, ONEROSTER_ADMINISTRATOR},
		{"districtAdministrator", OR_STAFF, ONEROSTER_ADMINISTRATOR},
		{"systemAdministrator", OR_STAFF, ONEROSTER_ADMINISTRATOR},
		{"principal", OR_STAFF, ONEROSTER_ADMINISTRATOR},
		{"aide", OR_STAFF, ONEROSTER_AIDE},
		{"proctor", OR_STAFF, ONEROSTER_AIDE},
		{"counselor", OR_STAFF, ONEROSTER_AIDE},
		{"parent", OR_PARENT, 0},
		{"guardian", OR_PARENT, 0},
		{"relative", OR_PARENT, 0},
	};
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
		if (strcasecmp(role, roles[i].name) == 0) {
			*position = roles[i].position;
			return roles[i].role;
		}
	}
	return OR_NONE;
}

/* roles.csv (1.2): user → role, the primary one winning. */
static void or_roles(struct or_state *st, struct hmap *by_user)
{
	const struct csv_table *t = or_file(st, ONEROSTER_ROLES);
	for (size_t r = 0; t && r < t->nrows; r++) {
		bool deleted;
		if (!or_row_ok(st, ONEROSTER_ROLES, r, &deleted) || deleted)
			continue;
		const char *user = csv_cell(t, r, csv_col(t, "userSourcedId"));
		const char *role = csv_cell(t, r, csv_col(t, "role"));
		int position;
		if (or_role_of(role, &position) == OR_NONE) {
			or_reject(st, ONEROSTER_ROLES, t->lines[r + 1], "role: неизвестная роль «%.40s»",
				  role);
			continue;
		}
		bool primary = strcasecmp(csv_cell(t, r, csv_col(t, "roleType")), "primary") == 0;
		if (primary || !hmap_get(by_user, hmap_str(0, user), NULL))
			or_put(st, by_user, hmap_str(0, user), (int64_t)r);
	}
}

static struct or_user *or_add_user(struct or_state *st, const char *sid)
{
	if (OR_PUSH(st, st->users, st->nusers, st->capusers) != PARTA_OK)
		return NULL;
	struct or_user *u = &st->users[st->nusers];
	memset(u, 0, sizeof *u);
	u->sid = sid;
	or_put(st, &st->user_sid, hmap_str(0, sid), (int64_t)st->nusers);
	st->nusers++;
	return u;
}

static struct or_user *or_user(struct or_state *st, const char *sid)
{
	int64_t i;
	return hmap_get(&st->user_sid, hmap_str(0, sid), &i) ? &st->users[i] : NULL;
}

/* The person record of a users.csv row. */
static bool or_person(struct or_state *st, const struct csv_table *t, size_t r, struct or_user *u)
{
	struct oneroster_person person = {
		.id = u->id,
		.source_id = u->sid,
		.surname = csv_cell(t, r, csv_col(t, "familyName")),
		.first_name = csv_cell(t, r, csv_col(t, "givenName")),
		.patronymic = csv_cell(t, r, csv_col(t, "middleName")),
		.email = csv_cell(t, r, csv_col(t, "email")),
		.phone = csv_cell(t, r, csv_col(t, "phone")),
	};
	if (person.phone[0] == '\0')
		person.phone = csv_cell(t, r, csv_col(t, "sms"));
	if (!or_text_ok(person.surname, true) || !or_text_ok(person.first_name, true)) {
		or_reject(st, ONEROSTER_USERS, u->line,
			  "familyName, givenName: фамилия и имя от 1 до 200 байт в одну строку");
		return false;
	}
	if (!or_text_ok(person.patronymic, false) || !or_text_ok(person.email, false) ||
	    !or_text_ok(person.phone, false)) {
		or_reject(st, ONEROSTER_USERS, u->line,
			  "middleName, email, phone: до 200 байт в одну строку");
		return false;
	}
	int64_t d;
	const struct csv_table *demo = or_file(st, ONEROSTER_DEMOGRAPHICS);
	if (demo != NULL && hmap_get(&st->demo, hmap_str(0, u->sid), &d)) {
		person.birth_date = csv_cell(demo, (size_t)d, csv_col(demo, "birthDate"));
		const char *sex = csv_cell(demo, (size_t)d, csv_col(demo, "sex"));
		person.gender = strcasecmp(sex, "male") == 0 ? "m" : strcasecmp(sex, "female") == 0 ? "f" : "";
	}
	if (u->id == 0)
		u->id = person.id = ONEROSTER_NEW_BASE + st->new_ids[NEW_PERSON]++;
	struct oneroster_plan *p = st->p;
	if (OR_PUSH(st, p->persons, p->npersons, st->cappersons) != PARTA_OK)
		return false;
	p->persons[p->npersons++] = person;
	if (person.id >= ONEROSTER_NEW_BASE) {
		or_sourced(st, ONEROSTER_USER, u->sid, person.id);
		p->counts.persons_new++;
	}
	p->counts.persons_seen++;
	return true;
}

/* One users.csv row. Rows that are rejected add nothing: the person keeps what they have. */
static void or_users_row(struct or_state *st, const struct csv_table *t, size_t r,
			 const struct hmap *roles)
{
	bool deleted, enabled;
	size_t line = t->lines[r + 1];
	if (!or_row_ok(st, ONEROSTER_USERS, r, &deleted))
		return;
	const char *sid = csv_cell(t, r, csv_col(t, "sourcedId"));
	if (or_user(st, sid) != NULL) {
		or_reject(st, ONEROSTER_USERS, line, "sourcedId %.60s повторяется", sid);
		return;
	}
	const char *enabled_text = csv_cell(t, r, csv_col(t, "enabledUser"));
	if (!oneroster_bool(enabled_text, true, &enabled)) {
		or_reject(st, ONEROSTER_USERS, line,
			  "enabledUser: ожидается true или false, а не «%.20s»", enabled_text);
		return;
	}
	const struct csv_table *rt = or_file(st, ONEROSTER_ROLES);
	int crole = csv_col(t, "role");
	const char *role = crole >= 0 ? csv_cell(t, r, crole) : "";
	int64_t rr;
	if (crole < 0 && rt != NULL && hmap_get(roles, hmap_str(0, sid), &rr))
		role = csv_cell(rt, (size_t)rr, csv_col(rt, "role"));
	int position = 0;
	enum or_role kind = or_role_of(role, &position);
	if (kind == OR_NONE && !deleted) {
		or_reject(st, ONEROSTER_USERS, line, "role: неизвестная или пустая роль «%.40s»",
			  role);
		return;
	}
	int64_t existing = or_source(st, ONEROSTER_USER, sid);
	if (deleted && existing == 0)
		return; /* never imported: nothing to remove */
	struct or_user probe = {.sid = sid, .id = existing, .role = kind, .position = position,
				.in_file = true, .active = !deleted && enabled,
				.agents = csv_cell(t, r, csv_col(t, "agentSourcedIds")),
				.line = line};
	if (!deleted && !or_person(st, t, r, &probe))
		return;
	struct or_user *u = or_add_user(st, sid);
	if (u != NULL)
		*u = probe;
}

static void or_users_file(struct or_state *st)
{
	const struct csv_table *t = or_file(st, ONEROSTER_USERS);
	if (t == NULL)
		return;
	struct hmap roles;
	hmap_init(&roles);
	or_roles(st, &roles);
	for (size_t r = 0; r < t->nrows; r++) {
		size_t before = st->p->nrejects;
		or_users_row(st, t, r, &roles);
		if (st->p->nrejects != before)
			or_put(st, &st->kept,
			       hmap_str(ONEROSTER_USERS, csv_cell(t, r, csv_col(t, "sourcedId"))), 1);
	}
	hmap_free(&roles);
}

/* Persons imported before and not in users.csv: they keep their place unless users.csv is
 * bulk, which says they are gone. */
static void or_users_known(struct or_state *st)
{
	bool keep = or_file(st, ONEROSTER_USERS) == NULL || st->p->delta[ONEROSTER_USERS];
	const struct roster *cur = st->in->current;
	struct hmap parents;
	hmap_init(&parents);
	for (size_t i = 0; i < cur->nguardians; i++)
		or_put(st, &parents, hmap_int(cur->guardians[i].parent, 0), 1);
	for (size_t i = 0; i < st->in->nsources; i++) {
		const struct oneroster_source *s = &st->in->sources[i];
		if (s->kind != ONEROSTER_USER || or_user(st, s->source_id) != NULL)
			continue;
		struct or_user *u = or_add_user(st, s->source_id);
		if (u == NULL)
			break;
		enum or_role role = or_cur_class(st, s->local_id) ? OR_STUDENT
				    : or_cur_employed(st, s->local_id) ? OR_STAFF
				    : hmap_get(&parents, hmap_int(s->local_id, 0), NULL) ? OR_PARENT
											: OR_NONE;
		bool kept = hmap_get(&st->kept, hmap_str(ONEROSTER_USERS, s->source_id), NULL);
		*u = (struct or_user){.sid = s->source_id, .id = s->local_id, .role = role,
				      .position = -1, .active = keep || kept};
	}
	hmap_free(&parents);
}

/* ---- classes ---- */

static struct or_class *or_add_class(struct or_state *st, const char *sid)
{
	if (OR_PUSH(st, st->classes, st->nclasses, st->capclasses) != PARTA_OK)
		return NULL;
	struct or_class *c = &st->classes[st->nclasses];
	memset(c, 0, sizeof *c);
	c->sid = sid;
	or_put(st, &st->class_sid, hmap_str(0, sid), (int64_t)st->nclasses);
	st->nclasses++;
	return c;
}

static struct or_class *or_class(struct or_state *st, const char *sid)
{
	int64_t i;
	return hmap_get(&st->class_sid, hmap_str(0, sid), &i) ? &st->classes[i] : NULL;
}

/* The academic year of a class: its first term's, else the default. */
static int or_class_year(struct or_state *st, const char *terms)
{
	char first[201];
	size_t n = strcspn(terms, ",");
	snprintf(first, sizeof first, "%.*s", (int)(n < 200 ? n : 200), terms);
	int64_t y;
	if (first[0] && hmap_get(&st->sessions, hmap_str(0, first), &y))
		return (int)y;
	return st->in->default_year;
}

static int or_parallel(const char *grades)
{
	if (strncasecmp(grades, "KG", 2) == 0 || strncasecmp(grades, "PK", 2) == 0)
		return 0;
	int g = atoi(grades);
	return g >= 0 && g <= 12 ? g : 0;
}

static void or_class_row(struct or_state *st, const struct csv_table *t, size_t r)
{
	bool deleted;
	size_t line = t->lines[r + 1];
	if (!or_row_ok(st, ONEROSTER_CLASSES, r, &deleted))
		return;
	const char *sid = csv_cell(t, r, csv_col(t, "sourcedId"));
	const char *type = csv_cell(t, r, csv_col(t, "classType"));
	const char *title = csv_cell(t, r, csv_col(t, "title"));
	bool homeroom = strcasecmp(type, "homeroom") == 0;
	if (!homeroom && strcasecmp(type, "scheduled") != 0) {
		or_reject(st, ONEROSTER_CLASSES, line,
			  "classType: ожидается homeroom или scheduled, а не «%.40s»", type);
		return;
	}
	if (or_class(st, sid) != NULL) {
		or_reject(st, ONEROSTER_CLASSES, line, "sourcedId %.60s повторяется", sid);
		return;
	}
	size_t tlen = strlen(title);
	if (homeroom && !deleted &&
	    (tlen == 0 || tlen > ROSTER_CLASS_NAME_MAX || !or_text_ok(title, true))) {
		or_reject(st, ONEROSTER_CLASSES, line,
			  "title: название класса от 1 до %d байт в одну строку",
			  ROSTER_CLASS_NAME_MAX);
		return;
	}
	int64_t existing = homeroom ? or_source(st, ONEROSTER_CLASS, sid) : 0, open = 1;
	if (existing != 0 && !deleted && hmap_get(&st->cur_open, hmap_int(existing, 0), &open) &&
	    !open) {
		or_reject(st, ONEROSTER_CLASSES, line, "класс %.60s уже закрыт и не открывается снова",
			  sid);
		return;
	}
	const char *course = csv_cell(t, r, csv_col(t, "courseSourcedId"));
	int64_t cr;
	const struct csv_table *courses = or_file(st, ONEROSTER_COURSES);
	if (courses != NULL && hmap_get(&st->courses, hmap_str(0, course), &cr))
		course = csv_cell(courses, (size_t)cr, csv_col(courses, "title"));
	else
		course = NULL;
	if (!homeroom && !deleted && course == NULL && !or_text_ok(title, true)) {
		or_reject(st, ONEROSTER_CLASSES, line,
			  "нет курса (courseSourcedId) и названия: предмет не определён");
		return;
	}
	struct or_class *c = or_add_class(st, sid);
	if (c == NULL)
		return;
	*c = (struct or_class){.sid = sid, .homeroom = homeroom, .in_file = true,
			       .active = !deleted, .id = existing, .title = title,
			       .course = course ? course : title, .line = line,
			       .year = or_class_year(st, csv_cell(t, r, csv_col(t, "termSourcedIds"))),
			       .parallel = or_parallel(csv_cell(t, r, csv_col(t, "grades")))};
	if (homeroom && existing == 0 && !deleted) {
		c->id = ONEROSTER_NEW_BASE + st->new_ids[NEW_CLASS]++;
		or_sourced(st, ONEROSTER_CLASS, sid, c->id);
	}
}

/* Classes imported before and not in classes.csv. Scheduled classes are known by their
 * loads ("<scheduled>|<homeroom>"). */
static void or_classes_known(struct or_state *st)
{
	bool keep = or_file(st, ONEROSTER_CLASSES) == NULL || st->p->delta[ONEROSTER_CLASSES];
	for (size_t i = 0; i < st->in->nsources; i++) {
		const struct oneroster_source *s = &st->in->sources[i];
		char sched[256];
		const char *sid = s->source_id;
		if (s->kind == ONEROSTER_LOAD) {
			size_t n = strcspn(sid, "|");
			if (n >= sizeof sched)
				continue;
			memcpy(sched, sid, n);
			sched[n] = '\0';
			sid = sched;
		} else if (s->kind != ONEROSTER_CLASS) {
			continue;
		}
		if (or_class(st, sid) != NULL)
			continue;
		char *copy = or_keep(st, strlen(sid) + 1);
		if (copy == NULL)
			return;
		strcpy(copy, sid);
		struct or_class *c = or_add_class(st, copy);
		if (c == NULL)
			return;
		int64_t open = 0, li;
		hmap_get(&st->cur_open, hmap_int(s->local_id, 0), &open);
		bool kept = hmap_get(&st->kept, hmap_str(ONEROSTER_CLASSES, copy), NULL);
		c->homeroom = s->kind == ONEROSTER_CLASS;
		c->id = c->homeroom ? s->local_id : 0;
		c->active = (keep || kept) && (!c->homeroom || open);
		if (!c->homeroom && hmap_get(&st->cur_load, hmap_int(s->local_id, 0), &li))
			c->subject = st->in->current->loads[li].subject;
	}
}

static void or_classes(struct or_state *st)
{
	const struct csv_table *t = or_file(st, ONEROSTER_CLASSES);
	for (size_t r = 0; t && r < t->nrows; r++) {
		size_t before = st->p->nrejects;
		or_class_row(st, t, r);
		if (st->p->nrejects != before)
			or_put(st, &st->kept,
			       hmap_str(ONEROSTER_CLASSES, csv_cell(t, r, csv_col(t, "sourcedId"))),
			       1);
	}
	or_classes_known(st);
	for (size_t i = 0; i < st->nclasses; i++)
		if (st->classes[i].homeroom && st->classes[i].id != 0)
			or_put(st, &st->class_ids, hmap_int(st->classes[i].id, 0), (int64_t)i);
}

/* ---- enrollments ---- */

/* The state the enrollments start from: the current one unless enrollments.csv is bulk. */
static void or_enrol_start(struct or_state *st)
{
	bool keep = or_file(st, ONEROSTER_ENROLLMENTS) == NULL ||
		    st->p->delta[ONEROSTER_ENROLLMENTS];
	const struct roster *cur = st->in->current;
	for (size_t i = 0; i < st->nusers; i++) {
		struct or_user *u = &st->users[i];
		u->tgt_class = keep && u->active && u->role == OR_STUDENT && u->id < ONEROSTER_NEW_BASE
				       ? or_cur_class(st, u->id)
				       : 0;
	}
	for (size_t i = 0; i < st->nclasses; i++) {
		struct or_class *c = &st->classes[i];
		const struct roster_class *rc = c->homeroom && c->id < ONEROSTER_NEW_BASE
							? roster_class(cur, c->id)
							: NULL;
		c->teacher = keep && rc ? rc->homeroom : 0;
	}
	if (!keep)
		return;
	/* The scheduled classes' current members and teachers, from their loads. */
	for (size_t i = 0; i < st->in->nsources; i++) {
		const struct oneroster_source *s = &st->in->sources[i];
		int64_t li;
		if (s->kind != ONEROSTER_LOAD || !hmap_get(&st->cur_load, hmap_int(s->local_id, 0), &li))
			continue;
		const struct roster_load *l = &cur->loads[li];
		char sched[256];
		size_t n = strcspn(s->source_id, "|");
		if (n >= sizeof sched)
			continue;
		memcpy(sched, s->source_id, n);
		sched[n] = '\0';
		struct or_class *c = or_class(st, sched);
		if (c == NULL)
			continue;
		size_t ci = (size_t)(c - st->classes);
		if (l->teacher != 0)
			c->teacher = l->teacher;
		/* A whole-class load: a marker, expanded to the class's target students. */
		if (l->nsubgroup == 0 &&
		    OR_PUSH(st, st->members, st->nmembers, st->capmembers) == PARTA_OK)
			st->members[st->nmembers++] = (struct or_member){ci, -l->class_id, 0, false};
		for (size_t k = 0; k < l->nsubgroup; k++)
			if (OR_PUSH(st, st->members, st->nmembers, st->capmembers) == PARTA_OK)
				st->members[st->nmembers++] =
					(struct or_member){ci, l->subgroup[k], 0, false};
	}
}

static void or_teacher_row(struct or_class *c, const struct or_user *u,
			   bool deleted, bool primary)
{
	if (deleted) {
		if (c->teacher == u->id && !c->teacher_from_file)
			c->teacher = 0;
		return;
	}
	if (!c->teacher_from_file || (primary && !c->teacher_primary)) {
		c->teacher = u->id;
		c->teacher_from_file = true;
		c->teacher_primary = primary;
	}
}

static void or_student_row(struct or_state *st, struct or_class *c, struct or_user *u,
			   bool deleted, size_t line)
{
	if (!c->homeroom) {
		if (OR_PUSH(st, st->members, st->nmembers, st->capmembers) == PARTA_OK)
			st->members[st->nmembers++] =
				(struct or_member){(size_t)(c - st->classes), u->id, line, deleted};
		return;
	}
	if (deleted) {
		if (u->tgt_class == c->id && u->tgt_line == 0)
			u->tgt_class = 0;
		return;
	}
	if (u->tgt_line != 0 && u->tgt_class != c->id) {
		or_reject(st, ONEROSTER_ENROLLMENTS, line,
			  "ученик %.60s уже зачислен в другой класс (строка %zu)", u->sid,
			  u->tgt_line);
		return;
	}
	if (u->tgt_line == 0) {
		u->tgt_class = c->id;
		u->tgt_line = line;
	}
}

/* One enrollments.csv row; tobedeleted rows in the first pass, the others in the second. */
static void or_enrollment(struct or_state *st, const struct csv_table *t, size_t r, bool pass2)
{
	bool deleted, primary;
	size_t line = t->lines[r + 1];
	const char *status = csv_cell(t, r, csv_col(t, "status"));
	if ((strcasecmp(status, "tobedeleted") != 0) != pass2)
		return;
	if (!or_row_ok(st, ONEROSTER_ENROLLMENTS, r, &deleted))
		return;
	const char *role = csv_cell(t, r, csv_col(t, "role"));
	const char *csid = csv_cell(t, r, csv_col(t, "classSourcedId"));
	const char *usid = csv_cell(t, r, csv_col(t, "userSourcedId"));
	const char *primary_text = csv_cell(t, r, csv_col(t, "primary"));
	const char *dates[] = {csv_cell(t, r, csv_col(t, "beginDate")),
			       csv_cell(t, r, csv_col(t, "endDate"))};
	for (int i = 0; i < 2; i++) {
		if (dates[i][0] && !timetable_date_valid(dates[i])) {
			or_reject(st, ONEROSTER_ENROLLMENTS, line,
				  "%s: ожидается дата ГГГГ-ММ-ДД, а не «%.40s»",
				  i ? "endDate" : "beginDate", dates[i]);
			return;
		}
	}
	if (!oneroster_bool(primary_text, false, &primary)) {
		or_reject(st, ONEROSTER_ENROLLMENTS, line,
			  "primary: ожидается true или false, а не «%.20s»", primary_text);
		return;
	}
	bool student = strcasecmp(role, "student") == 0, teacher = strcasecmp(role, "teacher") == 0;
	if (!student && !teacher)
		return; /* administrators, aides, guardians of a class: no place in the roster */
	struct or_class *c = or_class(st, csid);
	struct or_user *u = or_user(st, usid);
	if (c == NULL || (!c->active && !deleted)) {
		if (c == NULL && deleted)
			return;
		or_reject(st, ONEROSTER_ENROLLMENTS, line, "класс %.60s не найден или удалён", csid);
		return;
	}
	if (u == NULL) {
		if (!deleted)
			or_reject(st, ONEROSTER_ENROLLMENTS, line, "пользователь %.60s не найден",
				  usid);
		return;
	}
	if ((!u->active && !deleted) || u->id == 0)
		return; /* removed or disabled: holds no place */
	if ((student && u->role != OR_STUDENT) || (teacher && u->role != OR_STAFF)) {
		or_reject(st, ONEROSTER_ENROLLMENTS, line,
			  "роль %s не совпадает с ролью пользователя %.60s", role, usid);
		return;
	}
	if (teacher)
		or_teacher_row(c, u, deleted, primary);
	else
		or_student_row(st, c, u, deleted, line);
}

static void or_enrollments(struct or_state *st)
{
	or_enrol_start(st);
	const struct csv_table *t = or_file(st, ONEROSTER_ENROLLMENTS);
	for (int pass = 0; t && pass < 2; pass++)
		for (size_t r = 0; r < t->nrows; r++)
			or_enrollment(st, t, r, pass == 1);
	/* Users without a place in the target lose it; classes that go lose their teachers. */
	struct hmap staff;
	hmap_init(&staff);
	for (size_t i = 0; i < st->nusers; i++) {
		struct or_user *u = &st->users[i];
		if (!u->active || u->role != OR_STUDENT)
			u->tgt_class = 0;
		if (u->active && u->role == OR_STAFF)
			or_put(st, &staff, hmap_int(u->id, 0), 1);
	}
	for (size_t i = 0; i < st->nclasses; i++) {
		struct or_class *c = &st->classes[i];
		bool sourced_teacher = or_sourced_person(st, c->teacher) ||
				       c->teacher >= ONEROSTER_NEW_BASE;
		if (c->teacher && sourced_teacher && !hmap_get(&staff, hmap_int(c->teacher, 0), NULL))
			c->teacher = 0;
		if (!c->active)
			c->teacher = 0;
	}
	hmap_free(&staff);
}

/* ---- the target: students per class ---- */

struct or_pair {
	int64_t a, b;
};

static int or_cmp_pair(const void *x, const void *y)
{
	const struct or_pair *p = x, *q = y;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return (p->b > q->b) - (p->b < q->b);
}

/* Target (class, student) pairs, sorted; *index maps a class to its first pair. */
struct or_target {
	struct or_pair *pairs;
	size_t n;
	struct hmap first, count;
	struct hmap student_class; /* every student's target class */
};

static void or_target_build(struct or_state *st, struct or_target *tg)
{
	const struct roster *cur = st->in->current;
	memset(tg, 0, sizeof *tg);
	tg->pairs = malloc((cur->nenrolments + st->nusers + 1) * sizeof *tg->pairs);
	if (tg->pairs == NULL) {
		st->err = PARTA_ENOMEM;
		return;
	}
	for (size_t i = 0; i < cur->nenrolments; i++) /* students from elsewhere stay */
		if (!or_sourced_person(st, cur->enrolments[i].student))
			tg->pairs[tg->n++] = (struct or_pair){cur->enrolments[i].class_id,
							      cur->enrolments[i].student};
	for (size_t i = 0; i < st->nusers; i++)
		if (st->users[i].tgt_class != 0)
			tg->pairs[tg->n++] = (struct or_pair){st->users[i].tgt_class, st->users[i].id};
	qsort(tg->pairs, tg->n, sizeof *tg->pairs, or_cmp_pair);
	for (size_t i = 0; i < tg->n; i++) {
		int64_t n = 0;
		if (!hmap_get(&tg->first, hmap_int(tg->pairs[i].a, 0), NULL))
			or_put(st, &tg->first, hmap_int(tg->pairs[i].a, 0), (int64_t)i);
		hmap_get(&tg->count, hmap_int(tg->pairs[i].a, 0), &n);
		or_put(st, &tg->count, hmap_int(tg->pairs[i].a, 0), n + 1);
		or_put(st, &tg->student_class, hmap_int(tg->pairs[i].b, 0), tg->pairs[i].a);
	}
}

static void or_target_free(struct or_target *tg)
{
	free(tg->pairs);
	hmap_free(&tg->first);
	hmap_free(&tg->count);
	hmap_free(&tg->student_class);
}

static size_t or_target_count(const struct or_target *tg, int64_t class_id)
{
	int64_t n = 0;
	hmap_get(&tg->count, hmap_int(class_id, 0), &n);
	return (size_t)n;
}

/* ---- orders: classes, staff, students ---- */

static void or_class_orders(struct or_state *st)
{
	for (size_t i = 0; i < st->nclasses; i++) {
		const struct or_class *c = &st->classes[i];
		if (!c->homeroom || !c->active || c->id < ONEROSTER_NEW_BASE)
			continue;
		or_order(st, (struct roster_order){.kind = ROSTER_CLASS_CREATE, .class_id = c->id,
						   .name = c->title, .year = c->year,
						   .parallel = c->parallel});
		st->p->counts.classes_created++;
	}
}

static int64_t or_position_id(struct or_state *st, int position)
{
	if (st->in->positions[position] != 0)
		return st->in->positions[position];
	st->p->new_positions[position] = true;
	return ONEROSTER_NEW_BASE + position;
}

static void or_leaver(struct or_state *st, const struct or_user *u, bool staff)
{
	struct oneroster_plan *p = st->p;
	if (OR_PUSH(st, p->leavers, p->nleavers, st->capleavers) == PARTA_OK)
		p->leavers[p->nleavers++] = (struct oneroster_leaver){u->id, u->sid, staff};
}

static void or_staff_orders(struct or_state *st)
{
	for (size_t i = 0; i < st->nusers; i++) {
		const struct or_user *u = &st->users[i];
		if (!u->active || u->role != OR_STAFF || u->position < 0 || u->id == 0)
			continue;
		int64_t pos = or_position_id(st, u->position);
		int64_t npos = 0;
		bool employed = u->id < ONEROSTER_NEW_BASE &&
				hmap_get(&st->cur_npos, hmap_int(u->id, 0), &npos);
		if (employed && hmap_get(&st->cur_holds, hmap_int(u->id, pos), NULL))
			continue;
		enum roster_order_kind kind = !employed ? ROSTER_HIRE
					      : npos == 1 ? ROSTER_POSITION_CHANGE
							  : ROSTER_POSITION_ADD;
		or_order(st, (struct roster_order){.kind = kind, .person = u->id, .position = pos});
		if (kind == ROSTER_HIRE)
			st->p->counts.hired++;
		else
			st->p->counts.position_changes++;
	}
}

static void or_student_orders(struct or_state *st)
{
	for (size_t i = 0; i < st->nusers; i++) {
		const struct or_user *u = &st->users[i];
		if (u->tgt_class == 0)
			continue;
		int64_t now = u->id < ONEROSTER_NEW_BASE ? or_cur_class(st, u->id) : 0;
		if (now == u->tgt_class)
			continue;
		or_order(st, (struct roster_order){.kind = now ? ROSTER_TRANSFER : ROSTER_ENROL,
						   .person = u->id, .class_id = u->tgt_class});
		if (now)
			st->p->counts.transferred++;
		else
			st->p->counts.enrolled++;
	}
}

static void or_homeroom_orders(struct or_state *st)
{
	for (size_t i = 0; i < st->nclasses; i++) {
		const struct or_class *c = &st->classes[i];
		if (!c->homeroom || !c->active || c->id == 0)
			continue;
		const struct roster_class *now = c->id < ONEROSTER_NEW_BASE
							 ? roster_class(st->in->current, c->id)
							 : NULL;
		int64_t before = now ? now->homeroom : 0;
		if (before == c->teacher)
			continue;
		or_order(st, (struct roster_order){.kind = ROSTER_HOMEROOM, .class_id = c->id,
						   .person = c->teacher});
		st->p->counts.homerooms++;
	}
}

/* ---- loads ---- */

static int or_cmp_member(const void *x, const void *y)
{
	const struct or_member *p = x, *q = y;
	if (p->sched != q->sched)
		return p->sched < q->sched ? -1 : 1;
	return (p->student > q->student) - (p->student < q->student);
}

static int64_t or_subject(struct or_state *st, const char *name)
{
	int64_t id;
	if (hmap_get(&st->subjects, hmap_str(0, name), &id))
		return id;
	struct oneroster_plan *p = st->p;
	if (OR_PUSH(st, p->new_subjects, p->nnew_subjects, st->capsubjects) != PARTA_OK)
		return 0;
	p->new_subjects[p->nnew_subjects++] = name;
	id = ONEROSTER_NEW_BASE + st->new_ids[NEW_SUBJECT]++;
	or_put(st, &st->subjects, hmap_str(0, name), id);
	return id;
}

/* The source id of the load of scheduled class `c` in homeroom class `class_id`: the
 * homeroom class by its sourcedId, or "#<id>" for a class that did not come from OneRoster. */
static const char *or_load_sid(struct or_state *st, const struct or_class *c, int64_t class_id)
{
	char local[32];
	int64_t ci;
	const char *hsid = local;
	if (hmap_get(&st->class_ids, hmap_int(class_id, 0), &ci))
		hsid = st->classes[ci].sid;
	else
		snprintf(local, sizeof local, "#%lld", (long long)class_id);
	size_t len = strlen(c->sid) + strlen(hsid) + 2;
	char *sid = or_keep(st, len);
	if (sid != NULL)
		snprintf(sid, len, "%s|%s", c->sid, hsid);
	return sid;
}

/* One load: scheduled class `c` × homeroom class `class_id` with `members` (sorted). */
static void or_load(struct or_state *st, const struct or_class *c, int64_t class_id,
		    const int64_t *members, size_t n, const struct or_target *tg,
		    struct hmap *done)
{
	const char *sid = or_load_sid(st, c, class_id);
	if (sid == NULL)
		return;
	int64_t id = or_source(st, ONEROSTER_LOAD, sid), li;
	const struct roster_load *now = NULL;
	if (id != 0 && hmap_get(&st->cur_load, hmap_int(id, 0), &li))
		now = &st->in->current->loads[li];
	bool whole = n == or_target_count(tg, class_id);
	if (!whole && n > ONEROSTER_SUBGROUP_MAX) {
		or_reject(st, ONEROSTER_CLASSES, c->line,
			  "подгруппа занятия %.60s больше %d учеников", c->sid,
			  ONEROSTER_SUBGROUP_MAX);
		return;
	}
	if (id != 0)
		or_put(st, done, hmap_int(id, 0), 1);
	int64_t subject = now ? now->subject : c->course ? or_subject(st, c->course) : c->subject;
	if (subject == 0)
		return;
	if (now != NULL && now->teacher == c->teacher && now->class_id == class_id &&
	    (whole ? now->nsubgroup == 0
		   : now->nsubgroup == n && memcmp(now->subgroup, members, n * sizeof *members) == 0))
		return;
	if (id == 0) {
		id = ONEROSTER_NEW_BASE + st->new_ids[NEW_LOAD]++;
		or_sourced(st, ONEROSTER_LOAD, sid, id);
	}
	int64_t *sub = NULL;
	if (!whole && (sub = or_keep(st, n * sizeof *sub)) != NULL)
		memcpy(sub, members, n * sizeof *sub);
	or_order(st, (struct roster_order){.kind = ROSTER_LOAD_SET, .load_id = id,
					   .class_id = class_id, .subject = subject,
					   .person = c->teacher, .subgroup = sub,
					   .nsubgroup = whole ? 0 : n});
	st->p->counts.loads_set++;
}

static void or_push_pair(struct or_state *st, struct or_pair **arr, size_t *n, size_t *cap,
			 int64_t a, int64_t b)
{
	if (or_grow(st, (void **)arr, cap, *n + 1, sizeof **arr) == PARTA_OK)
		(*arr)[(*n)++] = (struct or_pair){a, b};
}

/* The members of one scheduled class (a run of members sorted by student; whole-class
 * markers, negative, first), as (target class, student) pairs, sorted and unique. */
static size_t or_sched_members(struct or_state *st, const struct or_class *c,
			       const struct or_member *m, size_t n, const struct or_target *tg,
			       struct or_pair **out)
{
	size_t k = 0, cap = 0;
	struct hmap removed;
	hmap_init(&removed);
	for (size_t i = 0; i < n; i++)
		if (m[i].removed)
			or_put(st, &removed, hmap_int(m[i].student, 0), 1);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		if (m[i].student < 0) { /* the whole class, as it will be */
			int64_t cls = -m[i].student, first;
			if (hmap_get(&tg->first, hmap_int(cls, 0), &first))
				for (size_t p = (size_t)first; p < tg->n && tg->pairs[p].a == cls; p++)
					if (!hmap_get(&removed, hmap_int(tg->pairs[p].b, 0), NULL))
						or_push_pair(st, out, &k, &cap, cls, tg->pairs[p].b);
			i++;
			continue;
		}
		/* A student's rows: an addition from the file beats a removal, which beats the
		 * current membership. */
		bool current = false, add = false, del = false;
		size_t line = 0;
		for (; j < n && m[j].student == m[i].student; j++) {
			if (m[j].line == 0)
				current = true;
			else if (m[j].removed)
				del = true;
			else
				add = true, line = m[j].line;
		}
		int64_t cls = 0;
		hmap_get(&tg->student_class, hmap_int(m[i].student, 0), &cls);
		if (add && cls == 0)
			or_reject(st, ONEROSTER_ENROLLMENTS, line,
				  "ученик не зачислен ни в один класс (homeroom): в подгруппу "
				  "занятия %.60s не включён",
				  c->sid);
		if ((add || (current && !del)) && cls != 0)
			or_push_pair(st, out, &k, &cap, cls, m[i].student);
		i = j;
	}
	hmap_free(&removed);
	if (k > 0)
		qsort(*out, k, sizeof **out, or_cmp_pair);
	size_t u = 0;
	for (size_t i = 0; i < k; i++)
		if (u == 0 || or_cmp_pair(&(*out)[u - 1], &(*out)[i]) != 0)
			(*out)[u++] = (*out)[i];
	return u;
}

static void or_sched_loads(struct or_state *st, const struct or_class *c,
			   const struct or_member *m, size_t n, const struct or_target *tg,
			   struct hmap *done)
{
	struct or_pair *byclass = NULL;
	size_t k = or_sched_members(st, c, m, n, tg, &byclass);
	int64_t *ids = malloc((k + 1) * sizeof *ids);
	if (ids == NULL)
		st->err = PARTA_ENOMEM;
	for (size_t i = 0; ids && i < k;) {
		size_t j = i;
		while (j < k && byclass[j].a == byclass[i].a) {
			ids[j - i] = byclass[j].b;
			j++;
		}
		or_load(st, c, byclass[i].a, ids, j - i, tg, done);
		i = j;
	}
	if (k == 0 && c->in_file)
		or_reject(st, ONEROSTER_CLASSES, c->line,
			  "у занятия %.60s нет учеников из классов: нагрузка не создана", c->sid);
	free(ids);
	free(byclass);
}

static void or_load_orders(struct or_state *st, const struct or_target *tg)
{
	if (st->nmembers > 0)
		qsort(st->members, st->nmembers, sizeof *st->members, or_cmp_member);
	struct hmap done;
	hmap_init(&done);
	size_t mi = 0;
	for (size_t ci = 0; ci < st->nclasses; ci++) {
		const struct or_class *c = &st->classes[ci];
		size_t from = mi;
		while (mi < st->nmembers && st->members[mi].sched == ci)
			mi++;
		if (!c->homeroom && c->active)
			or_sched_loads(st, c, st->members + from, mi - from, tg, &done);
	}
	/* Loads that no scheduled class produced any more lose their teacher. */
	const struct roster *cur = st->in->current;
	for (size_t i = 0; i < st->in->nsources; i++) {
		const struct oneroster_source *s = &st->in->sources[i];
		int64_t li;
		if (s->kind != ONEROSTER_LOAD || hmap_get(&done, hmap_int(s->local_id, 0), NULL) ||
		    !hmap_get(&st->cur_load, hmap_int(s->local_id, 0), &li) ||
		    cur->loads[li].teacher == 0)
			continue;
		int64_t open = 0;
		hmap_get(&st->cur_open, hmap_int(cur->loads[li].class_id, 0), &open);
		if (!open)
			continue;
		const struct roster_load *l = &cur->loads[li];
		or_order(st, (struct roster_order){.kind = ROSTER_LOAD_SET, .load_id = l->id,
						   .class_id = l->class_id, .subject = l->subject,
						   .person = 0});
		st->p->counts.loads_removed++;
	}
	hmap_free(&done);
}

/* ---- guardians ---- */

static void or_guardian_pairs(struct or_state *st)
{
	bool keep = or_file(st, ONEROSTER_USERS) == NULL || st->p->delta[ONEROSTER_USERS];
	const struct roster *cur = st->in->current;
	struct hmap active, restated;
	hmap_init(&active);
	hmap_init(&restated);
	for (size_t i = 0; i < st->nusers; i++) {
		const struct or_user *u = &st->users[i];
		if (u->active)
			or_put(st, &active, hmap_int(u->id, 0), u->role);
		/* A delta row restates its person's agents: a parent's row always (no agents: no
		 * children), a student's when it names any (exports often leave them to parents). */
		bool agents = u->agents != NULL && u->agents[0] != '\0';
		if (u->in_file && (u->role == OR_PARENT || agents))
			or_put(st, &restated, hmap_int(u->id, 0), 1);
	}
	for (size_t i = 0; keep && i < cur->nguardians; i++) {
		const struct roster_guardian *g = &cur->guardians[i];
		int64_t rp = 0, rs = 0;
		bool sourced = or_sourced_person(st, g->parent) && or_sourced_person(st, g->student);
		if (sourced && (hmap_get(&restated, hmap_int(g->parent, 0), NULL) ||
				hmap_get(&restated, hmap_int(g->student, 0), NULL)))
			continue; /* kept only if the restated agents name the pair (below) */
		if (!sourced || (hmap_get(&active, hmap_int(g->parent, 0), &rp) && rp == OR_PARENT &&
				 hmap_get(&active, hmap_int(g->student, 0), &rs) && rs == OR_STUDENT))
			or_put(st, &st->tgt_guard, hmap_int(g->parent, g->student), 1);
	}
	for (size_t i = 0; i < st->nusers; i++) {
		const struct or_user *u = &st->users[i];
		if (!u->in_file || !u->active || u->agents == NULL || u->agents[0] == '\0')
			continue;
		for (const char *a = u->agents; *a;) {
			size_t n = strcspn(a, ",");
			char sid[201];
			snprintf(sid, sizeof sid, "%.*s", (int)(n < 200 ? n : 200), a);
			a += n + (a[n] == ',');
			char *s = sid;
			while (*s == ' ')
				s++;
			if (*s == '\0')
				continue;
			const struct or_user *o = or_user(st, s);
			bool pair = o && o->active &&
				    ((u->role == OR_PARENT && o->role == OR_STUDENT) ||
				     (u->role == OR_STUDENT && o->role == OR_PARENT));
			if (!pair) {
				if (u->role == OR_PARENT || u->role == OR_STUDENT)
					or_reject(st, ONEROSTER_USERS, u->line,
						  "agentSourcedIds: %.60s — не найден, отключён или "
						  "не родитель ученика",
						  s);
				continue;
			}
			const struct or_user *parent = u->role == OR_PARENT ? u : o;
			const struct or_user *child = u->role == OR_PARENT ? o : u;
			or_put(st, &st->tgt_guard, hmap_int(parent->id, child->id), 1);
		}
	}
	hmap_free(&active);
	hmap_free(&restated);
}

static void or_guardian_orders(struct or_state *st)
{
	or_guardian_pairs(st);
	for (size_t i = 0; i < st->tgt_guard.cap; i++) {
		const struct hmap_slot *s = &st->tgt_guard.slots[i];
		if (s->hash == 0 || hmap_get(&st->cur_guard, s->key, NULL))
			continue;
		or_order(st, (struct roster_order){.kind = ROSTER_GUARDIAN_ADD, .person = s->key.a,
						   .student = s->key.b});
		st->p->counts.guardians_added++;
	}
	const struct roster *cur = st->in->current;
	for (size_t i = 0; i < cur->nguardians; i++) {
		const struct roster_guardian *g = &cur->guardians[i];
		if (hmap_get(&st->tgt_guard, hmap_int(g->parent, g->student), NULL))
			continue;
		or_order(st, (struct roster_order){.kind = ROSTER_GUARDIAN_REMOVE,
						   .person = g->parent, .student = g->student});
		st->p->counts.guardians_removed++;
	}
}

/* ---- leaving ---- */

static void or_leave_orders(struct or_state *st, const struct or_target *tg)
{
	for (size_t i = 0; i < st->nusers; i++) {
		const struct or_user *u = &st->users[i];
		if (u->id == 0 || u->id >= ONEROSTER_NEW_BASE || u->tgt_class != 0 ||
		    or_cur_class(st, u->id) == 0)
			continue;
		or_order(st, (struct roster_order){.kind = ROSTER_WITHDRAW, .person = u->id});
		or_leaver(st, u, false);
		st->p->counts.withdrawn++;
	}
	for (size_t i = 0; i < st->nusers; i++) {
		const struct or_user *u = &st->users[i];
		if (u->id == 0 || u->id >= ONEROSTER_NEW_BASE || (u->active && u->role == OR_STAFF) ||
		    !or_cur_employed(st, u->id))
			continue;
		or_order(st, (struct roster_order){.kind = ROSTER_DISMISS, .person = u->id});
		or_leaver(st, u, true);
		st->p->counts.dismissed++;
	}
	for (size_t i = 0; i < st->nclasses; i++) {
		struct or_class *c = &st->classes[i];
		int64_t open = 0;
		if (!c->homeroom || c->active || c->id == 0 || c->id >= ONEROSTER_NEW_BASE ||
		    !hmap_get(&st->cur_open, hmap_int(c->id, 0), &open) || !open)
			continue;
		size_t left = or_target_count(tg, c->id);
		if (left > 0) {
			or_reject(st, ONEROSTER_CLASSES, c->line,
				  "класс %.60s не закрыт: в нём остаются ученики (%zu)", c->sid, left);
			continue;
		}
		or_order(st, (struct roster_order){.kind = ROSTER_CLASS_CLOSE, .class_id = c->id});
		st->p->counts.classes_closed++;
	}
}

/* ---- the plan ---- */

static void or_state_free(struct or_state *st)
{
	free(st->users);
	free(st->classes);
	free(st->members);
	struct hmap *maps[] = {&st->user_sid, &st->class_sid, &st->source,   &st->source_rev,
			       &st->sessions, &st->courses,   &st->demo,     &st->cur_class,
			       &st->kept, &st->class_ids, &st->cur_holds, &st->cur_npos, &st->cur_guard,
			       &st->cur_load, &st->cur_open,  &st->subjects, &st->tgt_guard};
	for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
		hmap_free(maps[i]);
}

void oneroster_plan_free(struct oneroster_plan *p)
{
	struct or_alloc *a = p->internal;
	for (size_t i = 0; a && i < a->n; i++)
		free(a->ptrs[i]);
	if (a)
		free(a->ptrs);
	free(a);
	free(p->persons);
	free(p->new_subjects);
	free(p->sourced);
	free(p->orders);
	free(p->leavers);
	free(p->rejects);
	memset(p, 0, sizeof *p);
}

static int or_run(struct or_state *st, char *why, size_t whylen)
{
	int rc = or_manifest(st, why, whylen);
	if (rc == PARTA_OK)
		rc = or_columns(st, why, whylen);
	if (rc != PARTA_OK)
		return rc;
	or_index_current(st);
	or_orgs(st);
	or_sessions(st);
	or_courses(st);
	or_demographics(st);
	or_users_file(st);
	or_users_known(st);
	or_classes(st);
	or_enrollments(st);
	if (st->err != PARTA_OK)
		return st->err;
	struct or_target tg;
	or_target_build(st, &tg);
	or_class_orders(st);
	or_staff_orders(st);
	or_student_orders(st);
	or_homeroom_orders(st);
	or_load_orders(st, &tg);
	or_guardian_orders(st);
	or_leave_orders(st, &tg);
	or_target_free(&tg);
	return st->err;
}

int oneroster_plan(const struct oneroster_input *in, struct oneroster_plan *out, char *why,
		   size_t whylen)
{
	memset(out, 0, sizeof *out);
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	char scratch[8];
	if (why == NULL) {
		why = scratch;
		whylen = sizeof scratch;
	}
	struct or_state st = {.in = in, .p = out};
	int rc = or_run(&st, why, whylen);
	/* The plan keeps the storage of subgroups and composed source ids. */
	struct or_alloc *a = malloc(sizeof *a);
	if (a == NULL) {
		for (size_t i = 0; i < st.alloc.n; i++)
			free(st.alloc.ptrs[i]);
		free(st.alloc.ptrs);
		rc = PARTA_ENOMEM;
	} else {
		*a = st.alloc;
		out->internal = a;
	}
	or_state_free(&st);
	if (rc != PARTA_OK)
		oneroster_plan_free(out);
	return rc;
}
