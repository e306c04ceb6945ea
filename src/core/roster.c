#include "roster.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "vec.h"
#include "utf8.h"

/* ---- small helpers ---- */

#define ROSTER_RESERVE(r, field, need)                                                          \
	vec_reserve((void **)&(r)->field, &(r)->cap##field, (need), sizeof *(r)->field)

__attribute__((format(printf, 4, 5))) static int roster_fail(char *why, size_t whylen, int err,
								  const char *fmt, ...)
{
	if (why != NULL && whylen > 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return err;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

void roster_init(struct roster *r) { memset(r, 0, sizeof *r); }

void roster_free(struct roster *r)
{
	for (size_t i = 0; i < r->nloads; i++)
		free(r->loads[i].subgroup);
	free(r->classes);
	free(r->enrolments);
	free(r->staff);
	free(r->guardians);
	free(r->loads);
	memset(r, 0, sizeof *r);
}

static int roster_dup(void **dst, const void *src, size_t n, size_t elem)
{
	*dst = NULL;
	if (n == 0)
		return PARTA_OK;
	if ((*dst = malloc(n * elem)) == NULL)
		return PARTA_ENOMEM;
	memcpy(*dst, src, n * elem);
	return PARTA_OK;
}

/* Each array is copied and counted as soon as it exists, so that a failure part-way can
 * always be undone with roster_free. */
#define ROSTER_COPY(dst, src, field)                                                            \
	(roster_dup((void **)&(dst)->field, (src)->field, (src)->n##field, sizeof *(src)->field) ==  \
		 PARTA_OK                                                                          \
	 ? ((dst)->n##field = (dst)->cap##field = (src)->n##field, PARTA_OK)                   \
	 : PARTA_ENOMEM)

int roster_copy(struct roster *dst, const struct roster *src)
{
	roster_init(dst);
	int rc = ROSTER_COPY(dst, src, classes);
	if (rc == PARTA_OK)
		rc = ROSTER_COPY(dst, src, enrolments);
	if (rc == PARTA_OK)
		rc = ROSTER_COPY(dst, src, staff);
	if (rc == PARTA_OK)
		rc = ROSTER_COPY(dst, src, guardians);
	if (rc == PARTA_OK)
		rc = ROSTER_COPY(dst, src, loads);
	/* The loads' subgroups are owned per load: detach the borrowed pointers, then copy. */
	for (size_t i = 0; i < dst->nloads; i++)
		dst->loads[i].subgroup = NULL;
	for (size_t i = 0; rc == PARTA_OK && i < dst->nloads; i++)
		rc = roster_dup((void **)&dst->loads[i].subgroup, src->loads[i].subgroup,
				src->loads[i].nsubgroup, sizeof *src->loads[i].subgroup);
	if (rc != PARTA_OK)
		roster_free(dst);
	return rc;
}

/* ---- lookups ---- */

static struct roster_class *roster_class_mut(const struct roster *r, int64_t id)
{
	for (size_t i = 0; i < r->nclasses; i++)
		if (r->classes[i].id == id)
			return &r->classes[i];
	return NULL;
}

const struct roster_class *roster_class(const struct roster *r, int64_t id)
{
	return roster_class_mut(r, id);
}

static size_t roster_enrolment_index(const struct roster *r, int64_t student)
{
	for (size_t i = 0; i < r->nenrolments; i++)
		if (r->enrolments[i].student == student)
			return i;
	return SIZE_MAX;
}

int64_t roster_class_of(const struct roster *r, int64_t student)
{
	size_t i = roster_enrolment_index(r, student);
	return i == SIZE_MAX ? 0 : r->enrolments[i].class_id;
}

static size_t roster_staff_index(const struct roster *r, int64_t person)
{
	for (size_t i = 0; i < r->nstaff; i++)
		if (r->staff[i].person == person)
			return i;
	return SIZE_MAX;
}

const struct roster_staff *roster_staff(const struct roster *r, int64_t person)
{
	size_t i = roster_staff_index(r, person);
	return i == SIZE_MAX ? NULL : &r->staff[i];
}

static size_t roster_employment_index(const struct roster *r, int64_t person, int64_t position)
{
	for (size_t i = 0; i < r->nstaff; i++)
		if (r->staff[i].person == person && r->staff[i].position == position)
			return i;
	return SIZE_MAX;
}

bool roster_holds(const struct roster *r, int64_t person, int64_t position)
{
	return roster_employment_index(r, person, position) != SIZE_MAX;
}

static size_t roster_positions_of(const struct roster *r, int64_t person)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nstaff; i++)
		n += r->staff[i].person == person;
	return n;
}

static struct roster_load *roster_load_mut(const struct roster *r, int64_t id)
{
	for (size_t i = 0; i < r->nloads; i++)
		if (r->loads[i].id == id)
			return &r->loads[i];
	return NULL;
}

const struct roster_load *roster_load(const struct roster *r, int64_t id)
{
	return roster_load_mut(r, id);
}

static size_t roster_guardian_index(const struct roster *r, int64_t parent, int64_t student)
{
	for (size_t i = 0; i < r->nguardians; i++)
		if (r->guardians[i].parent == parent && r->guardians[i].student == student)
			return i;
	return SIZE_MAX;
}

bool roster_is_guardian(const struct roster *r, int64_t parent, int64_t student)
{
	return roster_guardian_index(r, parent, student) != SIZE_MAX;
}

/* ---- order kinds ---- */

static const char *const roster_kind_names[ROSTER_ORDER_KINDS] = {
	"class_create", "class_close", "enrol",	 "withdraw",	 "transfer",	    "hire",
	"dismiss",	"position_change", "homeroom", "load_set", "guardian_add", "guardian_remove",
	"year_transition", "position_add", "position_remove",
};

const char *roster_kind_name(enum roster_order_kind kind)
{
	return (unsigned)kind < ROSTER_ORDER_KINDS ? roster_kind_names[kind] : NULL;
}

int roster_kind_parse(const char *name, enum roster_order_kind *out)
{
	for (int k = 0; k < ROSTER_ORDER_KINDS; k++) {
		if (strcmp(name, roster_kind_names[k]) == 0) {
			*out = (enum roster_order_kind)k;
			return PARTA_OK;
		}
	}
	return PARTA_EVALIDATION;
}

/* ---- applying orders: each checks everything first, then changes the state ---- */

/* The class must exist and be open. */
static int roster_open_class(const struct roster *r, int64_t id, char *why, size_t whylen)
{
	const struct roster_class *c = roster_class(r, id);
	if (c == NULL)
		return roster_fail(why, whylen, PARTA_ECONFLICT, "Класс %" PRId64 " не существует", id);
	if (!c->open)
		return roster_fail(why, whylen, PARTA_ECONFLICT, "Класс %" PRId64 " закрыт", id);
	return PARTA_OK;
}

static int roster_class_create(struct roster *r, const struct roster_order *o, char *why,
			       size_t whylen)
{
	size_t len = o->name ? strlen(o->name) : 0;
	if (len == 0 || len > ROSTER_CLASS_NAME_MAX || !utf8_valid_text(o->name, len) ||
	    memchr(o->name, '\n', len) != NULL)
		return roster_fail(why, whylen, PARTA_EVALIDATION,
				   "Название класса: от 1 до %d байт текста",
				   ROSTER_CLASS_NAME_MAX);
	if (o->year < 2000 || o->year > 2100)
		return roster_fail(why, whylen, PARTA_EVALIDATION, "Неверный учебный год: %d",
				   o->year);
	if (o->parallel < 0 || o->parallel > 12)
		return roster_fail(why, whylen, PARTA_EVALIDATION, "Неверная параллель: %d",
				   o->parallel);
	if (roster_class(r, o->class_id) != NULL)
		return roster_fail(why, whylen, PARTA_ECONFLICT, "Класс %" PRId64 " уже существует",
				   o->class_id);
	if (ROSTER_RESERVE(r, classes, r->nclasses + 1) != PARTA_OK)
		return PARTA_ENOMEM;
	struct roster_class *c = &r->classes[r->nclasses++];
	memset(c, 0, sizeof *c);
	c->id = o->class_id;
	memcpy(c->name, o->name, len);
	c->year = o->year;
	c->parallel = o->parallel;
	c->open = true;
	return PARTA_OK;
}

static int roster_class_close(struct roster *r, const struct roster_order *o, char *why,
			      size_t whylen)
{
	int rc = roster_open_class(r, o->class_id, why, whylen);
	if (rc != PARTA_OK)
		return rc;
	for (size_t i = 0; i < r->nenrolments; i++)
		if (r->enrolments[i].class_id == o->class_id)
			return roster_fail(why, whylen, PARTA_ECONFLICT,
					   "В классе %" PRId64 " есть зачисленные ученики", o->class_id);
	roster_class_mut(r, o->class_id)->open = false;
	return PARTA_OK;
}

static int roster_enrol(struct roster *r, const struct roster_order *o, char *why, size_t whylen)
{
	int rc = roster_open_class(r, o->class_id, why, whylen);
	if (rc != PARTA_OK)
		return rc;
	if (roster_class_of(r, o->person) != 0)
		return roster_fail(why, whylen, PARTA_ECONFLICT, "Ученик %" PRId64 " уже зачислен",
				   o->person);
	if (ROSTER_RESERVE(r, enrolments, r->nenrolments + 1) != PARTA_OK)
		return PARTA_ENOMEM;
	r->enrolments[r->nenrolments++] = (struct roster_enrolment){o->person, o->class_id};
	return PARTA_OK;
}

static int roster_withdraw(struct roster *r, const struct roster_order *o, char *why,
			   size_t whylen)
{
	size_t i = roster_enrolment_index(r, o->person);
	if (i == SIZE_MAX)
		return roster_fail(why, whylen, PARTA_ECONFLICT, "Ученик %" PRId64 " не зачислен",
				   o->person);
	r->enrolments[i] = r->enrolments[--r->nenrolments];
	return PARTA_OK;
}

static int roster_transfer(struct roster *r, const struct roster_order *o, char *why,
			   size_t whylen)
{
	size_t i = roster_enrolment_index(r, o->person);
	if (i == SIZE_MAX)
		return roster_fail(why, whylen, PARTA_ECONFLICT, "Ученик %" PRId64 " не зачислен",
				   o->person);
	int rc = roster_open_class(r, o->class_id, why, whylen);
	if (rc != PARTA_OK)
		return rc;
	if (r->enrolments[i].class_id == o->class_id)
		return roster_fail(why, whylen, PARTA_ECONFLICT, "Ученик %" PRId64 " уже в этом классе",
				   o->person);
	r->enrolments[i].class_id = o->class_id;
	return PARTA_OK;
}

static int roster_hire(struct roster *r, const struct roster_order *o, char *why, size_t whylen)
{
	if (o->position <= 0)
		return roster_fail(why, whylen, PARTA_EVALIDATION, "Не указана должность");
	if (roster_staff(r, o->person) != NULL)
		return roster_fail(why, whylen, PARTA_ECONFLICT, "Сотрудник %" PRId64 " уже принят",
				   o->person);
	if (ROSTER_RESERVE(r, staff, r->nstaff + 1) != PARTA_OK)
		return PARTA_ENOMEM;
	r->staff[r->nstaff++] = (struct roster_staff){o->person, o->position};
	return PARTA_OK;
}

static int roster_employed(const struct roster *r, int64_t person, char *why, size_t whylen)
{
	if (roster_staff(r, person) == NULL)
		return roster_fail(why, whylen, PARTA_ECONFLICT, "Сотрудник %" PRId64 " не работает",
				   person);
	return PARTA_OK;
}

static int roster_dismiss(struct roster *r, const struct roster_order *o, char *why,
			  size_t whylen)
{
	int rc = roster_employed(r, o->person, why, whylen);
	if (rc != PARTA_OK)
		return rc;
	for (size_t i = 0; i < r->nstaff;) /* every position the person holds */
		if (r->staff[i].person == o->person)
			r->staff[i] = r->staff[--r->nstaff];
		else
			i++;
	return PARTA_OK;
}

static int roster_position_change(struct roster *r, const struct roster_order *o, char *why,
				  size_t whylen)
{
	if (o->position <= 0)
		return roster_fail(why, whylen, PARTA_EVALIDATION, "Не указана должность");
	int rc = roster_employed(r, o->person, why, whylen);
	if (rc != PARTA_OK)
		return rc;
	size_t i;
	if (o->from_position == 0) {
		if (roster_positions_of(r, o->person) != 1)
			return roster_fail(why, whylen, PARTA_EVALIDATION,
					   "Сотрудник %" PRId64 " занимает несколько должностей: "
					   "укажите, какую изменить",
					   o->person);
		i = roster_staff_index(r, o->person);
	} else if ((i = roster_employment_index(r, o->person, o->from_position)) == SIZE_MAX) {
		return roster_fail(why, whylen, PARTA_ECONFLICT,
				   "Сотрудник %" PRId64 " не занимает должность %" PRId64, o->person,
				   o->from_position);
	}
	if (roster_holds(r, o->person, o->position))
		return roster_fail(why, whylen, PARTA_ECONFLICT,
				   "Сотрудник %" PRId64 " уже занимает эту должность", o->person);
	r->staff[i].position = o->position;
	return PARTA_OK;
}

static int roster_position_add(struct roster *r, const struct roster_order *o, char *why,
			       size_t whylen)
{
	if (o->position <= 0)
		return roster_fail(why, whylen, PARTA_EVALIDATION, "Не указана должность");
	int rc = roster_employed(r, o->person, why, whylen);
	if (rc != PARTA_OK)
		return rc;
	if (roster_holds(r, o->person, o->position))
		return roster_fail(why, whylen, PARTA_ECONFLICT,
				   "Сотрудник %" PRId64 " уже занимает эту должность", o->person);
	if (ROSTER_RESERVE(r, staff, r->nstaff + 1) != PARTA_OK)
		return PARTA_ENOMEM;
	r->staff[r->nstaff++] = (struct roster_staff){o->person, o->position};
	return PARTA_OK;
}

static int roster_position_remove(struct roster *r, const struct roster_order *o, char *why,
				  size_t whylen)
{
	size_t i = roster_employment_index(r, o->person, o->position);
	if (i == SIZE_MAX)
		return roster_fail(why, whylen, PARTA_ECONFLICT,
				   "Сотрудник %" PRId64 " не занимает должность %" PRId64, o->person,
				   o->position);
	if (roster_positions_of(r, o->person) == 1)
		return roster_fail(why, whylen, PARTA_ECONFLICT,
				   "Это единственная должность сотрудника %" PRId64
				   ": оформите увольнение",
				   o->person);
	r->staff[i] = r->staff[--r->nstaff];
	return PARTA_OK;
}

static int roster_homeroom(struct roster *r, const struct roster_order *o, char *why,
			   size_t whylen)
{
	int rc = roster_open_class(r, o->class_id, why, whylen);
	if (rc == PARTA_OK && o->person != 0)
		rc = roster_employed(r, o->person, why, whylen);
	if (rc != PARTA_OK)
		return rc;
	roster_class_mut(r, o->class_id)->homeroom = o->person;
	return PARTA_OK;
}

/* A sorted copy of the subgroup without duplicates; every student must be enrolled in the
 * load's class. *out is NULL for no subgroup. */
static int roster_subgroup(const struct roster *r, const struct roster_order *o, int64_t **out,
			   size_t *nout, char *why, size_t whylen)
{
	*out = NULL;
	*nout = 0;
	if (o->nsubgroup == 0)
		return PARTA_OK;
	for (size_t i = 0; i < o->nsubgroup; i++)
		if (roster_class_of(r, o->subgroup[i]) != o->class_id)
			return roster_fail(why, whylen, PARTA_ECONFLICT,
					   "Ученик %" PRId64 " подгруппы не зачислен в этот класс",
					   o->subgroup[i]);
	int64_t *copy = malloc(o->nsubgroup * sizeof *copy);
	if (copy == NULL)
		return PARTA_ENOMEM;
	memcpy(copy, o->subgroup, o->nsubgroup * sizeof *copy);
	qsort(copy, o->nsubgroup, sizeof *copy, cmp_i64);
	size_t n = 0;
	for (size_t i = 0; i < o->nsubgroup; i++)
		if (n == 0 || copy[n - 1] != copy[i])
			copy[n++] = copy[i];
	*out = copy;
	*nout = n;
	return PARTA_OK;
}

static int roster_load_set(struct roster *r, const struct roster_order *o, char *why,
			   size_t whylen)
{
	if (o->load_id <= 0 || o->subject <= 0)
		return roster_fail(why, whylen, PARTA_EVALIDATION,
				   "Нагрузка: нужны номер и предмет");
	struct roster_load *existing = roster_load_mut(r, o->load_id);
	if (existing != NULL &&
	    (existing->class_id != o->class_id || existing->subject != o->subject))
		return roster_fail(why, whylen, PARTA_EVALIDATION,
				   "Нагрузка %" PRId64 " относится к другому классу или предмету",
				   o->load_id);
	int rc = roster_open_class(r, o->class_id, why, whylen);
	if (rc == PARTA_OK && o->person != 0)
		rc = roster_employed(r, o->person, why, whylen);
	if (rc != PARTA_OK)
		return rc;
	int64_t *subgroup;
	size_t nsubgroup;
	if ((rc = roster_subgroup(r, o, &subgroup, &nsubgroup, why, whylen)) != PARTA_OK)
		return rc;
	if (existing == NULL) {
		if (ROSTER_RESERVE(r, loads, r->nloads + 1) != PARTA_OK) {
			free(subgroup);
			return PARTA_ENOMEM;
		}
		existing = &r->loads[r->nloads++];
		*existing = (struct roster_load){.id = o->load_id, .class_id = o->class_id,
						 .subject = o->subject};
	}
	free(existing->subgroup);
	existing->subgroup = subgroup;
	existing->nsubgroup = nsubgroup;
	existing->teacher = o->person;
	return PARTA_OK;
}

static int roster_guardian_add(struct roster *r, const struct roster_order *o, char *why,
			       size_t whylen)
{
	if (o->student <= 0 || o->student == o->person)
		return roster_fail(why, whylen, PARTA_EVALIDATION,
				   "Родитель и ребёнок должны быть разными людьми");
	if (roster_is_guardian(r, o->person, o->student))
		return roster_fail(why, whylen, PARTA_ECONFLICT, "Связь с родителем %" PRId64 " уже есть",
				   o->person);
	if (ROSTER_RESERVE(r, guardians, r->nguardians + 1) != PARTA_OK)
		return PARTA_ENOMEM;
	r->guardians[r->nguardians++] = (struct roster_guardian){o->person, o->student};
	return PARTA_OK;
}

static int roster_guardian_remove(struct roster *r, const struct roster_order *o, char *why,
				  size_t whylen)
{
	size_t i = roster_guardian_index(r, o->person, o->student);
	if (i == SIZE_MAX)
		return roster_fail(why, whylen, PARTA_ECONFLICT, "Связи с родителем %" PRId64 " нет",
				   o->person);
	r->guardians[i] = r->guardians[--r->nguardians];
	return PARTA_OK;
}

int roster_next_name(const char *name, char *out, size_t len)
{
	size_t digits = strspn(name, "0123456789");
	int n = 0;
	if (digits > 0 && digits <= 2)
		n = snprintf(out, len, "%d%s", atoi(name) + 1, name + digits);
	else
		n = snprintf(out, len, "%s", name);
	return n >= 0 && (size_t)n < len ? PARTA_OK : PARTA_ETOOLARGE;
}

static const struct roster_carry *roster_carry_of(const struct roster_order *o, int64_t from)
{
	for (size_t i = 0; i < o->ncarry; i++)
		if (o->carry[i].from == from)
			return &o->carry[i];
	return NULL;
}

/* Checks everything before changing anything: see struct roster_order. */
static int roster_year_check(const struct roster *r, const struct roster_order *o, char *why,
			     size_t whylen)
{
	if (o->year < 2000 || o->year > 2100 || o->last_parallel < 1 || o->last_parallel > 12)
		return roster_fail(why, whylen, PARTA_EVALIDATION,
				   "Переход года: нужны год и последняя параллель");
	size_t open = 0;
	for (size_t i = 0; i < r->nclasses; i++) {
		const struct roster_class *c = &r->classes[i];
		if (!c->open || c->year != o->year)
			continue;
		open++;
		bool carried = roster_carry_of(o, c->id) != NULL;
		if (!carried && c->parallel != o->last_parallel)
			return roster_fail(why, whylen, PARTA_ECONFLICT,
					   "Класс %s не переведён в следующий год", c->name);
		if (carried && c->parallel == o->last_parallel)
			return roster_fail(why, whylen, PARTA_ECONFLICT,
					   "Класс %s выпускается и не может быть переведён", c->name);
	}
	if (open == 0)
		return roster_fail(why, whylen, PARTA_ECONFLICT,
				   "Нет открытых классов %d учебного года", o->year);
	for (size_t i = 0; i < o->ncarry; i++) {
		const struct roster_carry *k = &o->carry[i];
		const struct roster_class *from = roster_class(r, k->from);
		size_t len = k->name ? strlen(k->name) : 0;
		if (from == NULL || !from->open || from->year != o->year)
			return roster_fail(why, whylen, PARTA_ECONFLICT,
					   "Класс %" PRId64 " не относится к закрываемому году",
					   k->from);
		if (k->to <= 0 || roster_class(r, k->to) != NULL)
			return roster_fail(why, whylen, PARTA_ECONFLICT,
					   "Новый класс %" PRId64 " уже существует", k->to);
		if (len == 0 || len > ROSTER_CLASS_NAME_MAX || !utf8_valid_text(k->name, len))
			return roster_fail(why, whylen, PARTA_EVALIDATION,
					   "Название нового класса: от 1 до %d байт",
					   ROSTER_CLASS_NAME_MAX);
		for (size_t j = 0; j < i; j++)
			if (o->carry[j].from == k->from || o->carry[j].to == k->to)
				return roster_fail(why, whylen, PARTA_EVALIDATION,
						   "Класс переводится дважды");
	}
	return PARTA_OK;
}

static int roster_year_transition(struct roster *r, const struct roster_order *o, char *why,
				  size_t whylen)
{
	int rc = roster_year_check(r, o, why, whylen);
	if (rc != PARTA_OK)
		return rc;
	if (ROSTER_RESERVE(r, classes, r->nclasses + o->ncarry) != PARTA_OK)
		return PARTA_ENOMEM;
	size_t old_count = r->nclasses;
	for (size_t i = 0; i < o->ncarry; i++) {
		const struct roster_class *from = roster_class(r, o->carry[i].from);
		struct roster_class *c = &r->classes[r->nclasses++];
		memset(c, 0, sizeof *c);
		c->id = o->carry[i].to;
		memcpy(c->name, o->carry[i].name, strlen(o->carry[i].name));
		c->year = o->year + 1;
		c->parallel = from->parallel + 1;
		c->homeroom = from->homeroom;
		c->open = true;
	}
	/* Students follow their class or graduate; the closed year's classes keep their loads
	 * (their chats become archives). */
	for (size_t i = 0; i < r->nenrolments;) {
		const struct roster_class *c = roster_class(r, r->enrolments[i].class_id);
		if (c->year != o->year) {
			i++;
			continue;
		}
		const struct roster_carry *k = roster_carry_of(o, c->id);
		if (k != NULL) {
			r->enrolments[i++].class_id = k->to;
		} else {
			r->enrolments[i] = r->enrolments[--r->nenrolments];
		}
	}
	for (size_t i = 0; i < old_count; i++)
		if (r->classes[i].year == o->year)
			r->classes[i].open = false;
	return PARTA_OK;
}

int roster_apply(struct roster *r, const struct roster_order *o, char *why, size_t whylen)
{
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	typedef int (*apply_fn)(struct roster *, const struct roster_order *, char *, size_t);
	static const apply_fn fns[ROSTER_ORDER_KINDS] = {
		roster_class_create, roster_class_close,     roster_enrol,	  roster_withdraw,
		roster_transfer,     roster_hire,	     roster_dismiss,	  roster_position_change,
		roster_homeroom,     roster_load_set,	     roster_guardian_add, roster_guardian_remove,
		roster_year_transition, roster_position_add, roster_position_remove,
	};
	if ((unsigned)o->kind >= ROSTER_ORDER_KINDS)
		return roster_fail(why, whylen, PARTA_EVALIDATION, "Неизвестный вид приказа %d",
				   (int)o->kind);
	/* Every kind names a class or a person; ids are positive. */
	bool needs_class = o->kind == ROSTER_CLASS_CREATE || o->kind == ROSTER_CLASS_CLOSE ||
			   o->kind == ROSTER_ENROL || o->kind == ROSTER_TRANSFER ||
			   o->kind == ROSTER_HOMEROOM || o->kind == ROSTER_LOAD_SET;
	bool person_optional = o->kind == ROSTER_HOMEROOM || o->kind == ROSTER_LOAD_SET;
	bool needs_person = !person_optional && o->kind != ROSTER_CLASS_CREATE &&
			    o->kind != ROSTER_CLASS_CLOSE && o->kind != ROSTER_YEAR_TRANSITION;
	if ((needs_class && o->class_id <= 0) || (needs_person && o->person <= 0) || o->person < 0)
		return roster_fail(why, whylen, PARTA_EVALIDATION,
				   "В приказе не указан класс или человек");
	return fns[o->kind](r, o, why, whylen);
}

int roster_replay(const struct roster_order *orders, size_t n, size_t skip, struct roster *out,
		  int64_t *failed_ids, size_t max_failed, size_t *nfailed)
{
	roster_init(out);
	*nfailed = 0;
	for (size_t i = 0; i < n; i++) {
		if (i == skip)
			continue;
		int rc = roster_apply(out, &orders[i], NULL, 0);
		if (rc == PARTA_ENOMEM) {
			roster_free(out);
			return rc;
		}
		if (rc != PARTA_OK) {
			if (*nfailed < max_failed)
				failed_ids[*nfailed] = orders[i].id;
			(*nfailed)++;
		}
	}
	return PARTA_OK;
}

