/* rosterdiff.c — row-level differences between two rosters and the classes they touch
 * (roster.h: roster_changes, roster_diff). Both rosters are sorted by key into scratch copies
 * and merged, so that one order in a large school costs n log n, not n². */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "roster.h"

struct rd_vec {
	void *v;
	size_t n, cap, elem;
	int err;
};

static void *rd_push(struct rd_vec *vec)
{
	if (vec->err != PARTA_OK)
		return NULL;
	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 16;
		void *grown = realloc(vec->v, cap * vec->elem);
		if (grown == NULL) {
			vec->err = PARTA_ENOMEM;
			return NULL;
		}
		vec->v = grown;
		vec->cap = cap;
	}
	return (char *)vec->v + vec->n++ * vec->elem;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int cmp_pair(int64_t a1, int64_t b1, int64_t a2, int64_t b2)
{
	if (a1 != a2)
		return a1 < a2 ? -1 : 1;
	return (b1 > b2) - (b1 < b2);
}

static int cmp_class_ptr(const void *a, const void *b)
{
	const struct roster_class *x = *(const struct roster_class *const *)a;
	const struct roster_class *y = *(const struct roster_class *const *)b;
	return (x->id > y->id) - (x->id < y->id);
}

static int cmp_load_ptr(const void *a, const void *b)
{
	const struct roster_load *x = *(const struct roster_load *const *)a;
	const struct roster_load *y = *(const struct roster_load *const *)b;
	return (x->id > y->id) - (x->id < y->id);
}

static int cmp_enrol(const void *a, const void *b)
{
	const struct roster_enrolment *x = a, *y = b;
	return (x->student > y->student) - (x->student < y->student);
}

static int cmp_staff(const void *a, const void *b)
{
	const struct roster_staff *x = a, *y = b;
	return cmp_pair(x->person, x->position, y->person, y->position);
}

static int cmp_guard(const void *a, const void *b)
{
	const struct roster_guardian *x = a, *y = b;
	return cmp_pair(x->parent, x->student, y->parent, y->student);
}

/* Sorted views of one roster. */
struct rd_sorted {
	const struct roster_class **classes;
	struct roster_enrolment *enrol;
	struct roster_staff *staff;
	struct roster_guardian *guard;
	const struct roster_load **loads;
};

static void rd_sorted_free(struct rd_sorted *s)
{
	free(s->classes);
	free(s->enrol);
	free(s->staff);
	free(s->guard);
	free(s->loads);
}

static int rd_sort(const struct roster *r, struct rd_sorted *s)
{
	memset(s, 0, sizeof *s);
	s->classes = malloc((r->nclasses + 1) * sizeof *s->classes);
	s->enrol = malloc((r->nenrolments + 1) * sizeof *s->enrol);
	s->staff = malloc((r->nstaff + 1) * sizeof *s->staff);
	s->guard = malloc((r->nguardians + 1) * sizeof *s->guard);
	s->loads = malloc((r->nloads + 1) * sizeof *s->loads);
	if (!s->classes || !s->enrol || !s->staff || !s->guard || !s->loads) {
		rd_sorted_free(s);
		return PARTA_ENOMEM;
	}
	for (size_t i = 0; i < r->nclasses; i++)
		s->classes[i] = &r->classes[i];
	for (size_t i = 0; i < r->nloads; i++)
		s->loads[i] = &r->loads[i];
	if (r->nenrolments)
		memcpy(s->enrol, r->enrolments, r->nenrolments * sizeof *s->enrol);
	if (r->nstaff)
		memcpy(s->staff, r->staff, r->nstaff * sizeof *s->staff);
	if (r->nguardians)
		memcpy(s->guard, r->guardians, r->nguardians * sizeof *s->guard);
	qsort(s->classes, r->nclasses, sizeof *s->classes, cmp_class_ptr);
	qsort(s->enrol, r->nenrolments, sizeof *s->enrol, cmp_enrol);
	qsort(s->staff, r->nstaff, sizeof *s->staff, cmp_staff);
	qsort(s->guard, r->nguardians, sizeof *s->guard, cmp_guard);
	qsort(s->loads, r->nloads, sizeof *s->loads, cmp_load_ptr);
	return PARTA_OK;
}

static bool class_same(const struct roster_class *a, const struct roster_class *b)
{
	return strcmp(a->name, b->name) == 0 && a->year == b->year && a->parallel == b->parallel &&
	       a->homeroom == b->homeroom && a->open == b->open;
}

static bool load_same(const struct roster_load *a, const struct roster_load *b)
{
	return a->class_id == b->class_id && a->subject == b->subject && a->teacher == b->teacher &&
	       a->nsubgroup == b->nsubgroup &&
	       (a->nsubgroup == 0 ||
		memcmp(a->subgroup, b->subgroup, a->nsubgroup * sizeof *a->subgroup) == 0);
}

void roster_changes_free(struct roster_changes *c)
{
	free(c->class_put);
	free(c->class_del);
	free(c->enrol_put);
	free(c->enrol_del);
	free(c->staff_add);
	free(c->staff_del);
	free(c->guard_add);
	free(c->guard_del);
	free(c->load_put);
	free(c->load_del);
	memset(c, 0, sizeof *c);
}

/* One merge of two sorted arrays: `put` gets the `b` elements that are new or differ, `del`
 * the keys of `a` elements that are gone (or, for set-like arrays, the removed elements). */
#define RD_MERGE(na, nb, cmp, on_put, on_del, on_both)                                          \
	do {                                                                                   \
		size_t i = 0, k = 0;                                                           \
		while (i < (na) || k < (nb)) {                                                 \
			int c = i >= (na) ? 1 : k >= (nb) ? -1 : (cmp);                        \
			if (c < 0) {                                                           \
				on_del;                                                        \
				i++;                                                           \
			} else if (c > 0) {                                                    \
				on_put;                                                        \
				k++;                                                           \
			} else {                                                               \
				on_both;                                                       \
				i++;                                                           \
				k++;                                                           \
			}                                                                      \
		}                                                                              \
	} while (0)

#define RD_VEC(type) {NULL, 0, 0, sizeof(type), PARTA_OK}

static int rd_changes(const struct roster *before, const struct roster *after,
		      const struct rd_sorted *a, const struct rd_sorted *b, struct roster_changes *out)
{
	struct rd_vec class_put = RD_VEC(const struct roster_class *), class_del = RD_VEC(int64_t),
		      enrol_put = RD_VEC(struct roster_enrolment), enrol_del = RD_VEC(int64_t),
		      staff_add = RD_VEC(struct roster_staff), staff_del = RD_VEC(struct roster_staff),
		      guard_add = RD_VEC(struct roster_guardian),
		      guard_del = RD_VEC(struct roster_guardian),
		      load_put = RD_VEC(const struct roster_load *), load_del = RD_VEC(int64_t);
	void *slot;
#define PUT(vec, value)                                                                         \
	do {                                                                                   \
		if ((slot = rd_push(&(vec))) != NULL)                                          \
			memcpy(slot, &(value), (vec).elem);                                    \
	} while (0)
	RD_MERGE(before->nclasses, after->nclasses, cmp_class_ptr(&a->classes[i], &b->classes[k]),
		 PUT(class_put, b->classes[k]), PUT(class_del, a->classes[i]->id),
		 if (!class_same(a->classes[i], b->classes[k])) PUT(class_put, b->classes[k]));
	RD_MERGE(before->nenrolments, after->nenrolments, cmp_enrol(&a->enrol[i], &b->enrol[k]),
		 PUT(enrol_put, b->enrol[k]), PUT(enrol_del, a->enrol[i].student),
		 if (a->enrol[i].class_id != b->enrol[k].class_id) PUT(enrol_put, b->enrol[k]));
	RD_MERGE(before->nstaff, after->nstaff, cmp_staff(&a->staff[i], &b->staff[k]),
		 PUT(staff_add, b->staff[k]), PUT(staff_del, a->staff[i]), (void)0);
	RD_MERGE(before->nguardians, after->nguardians, cmp_guard(&a->guard[i], &b->guard[k]),
		 PUT(guard_add, b->guard[k]), PUT(guard_del, a->guard[i]), (void)0);
	RD_MERGE(before->nloads, after->nloads, cmp_load_ptr(&a->loads[i], &b->loads[k]),
		 PUT(load_put, b->loads[k]), PUT(load_del, a->loads[i]->id),
		 if (!load_same(a->loads[i], b->loads[k])) PUT(load_put, b->loads[k]));
#undef PUT
	struct rd_vec *all[] = {&class_put, &class_del, &enrol_put, &enrol_del, &staff_add,
				&staff_del, &guard_add, &guard_del, &load_put, &load_del};
	int err = PARTA_OK;
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (all[i]->err != PARTA_OK)
			err = all[i]->err;
	*out = (struct roster_changes){
		.class_put = class_put.v, .class_del = class_del.v, .enrol_put = enrol_put.v,
		.enrol_del = enrol_del.v, .staff_add = staff_add.v, .staff_del = staff_del.v,
		.guard_add = guard_add.v, .guard_del = guard_del.v, .load_put = load_put.v,
		.load_del = load_del.v, .nclass_put = class_put.n, .nclass_del = class_del.n,
		.nenrol_put = enrol_put.n, .nenrol_del = enrol_del.n, .nstaff_add = staff_add.n,
		.nstaff_del = staff_del.n, .nguard_add = guard_add.n, .nguard_del = guard_del.n,
		.nload_put = load_put.n, .nload_del = load_del.n};
	if (err != PARTA_OK)
		roster_changes_free(out);
	return err;
}

/* ---- touched classes ---- */

static int64_t rd_class_of(const struct rd_sorted *s, size_t n, int64_t student)
{
	struct roster_enrolment key = {student, 0};
	const struct roster_enrolment *e = bsearch(&key, s->enrol, n, sizeof key, cmp_enrol);
	return e ? e->class_id : 0;
}

static const struct roster_load *rd_load(const struct rd_sorted *s, size_t n, int64_t id)
{
	struct roster_load key = {.id = id};
	const struct roster_load *kp = &key;
	const struct roster_load *const *l = bsearch(&kp, s->loads, n, sizeof kp, cmp_load_ptr);
	return l ? *l : NULL;
}

/* Classes whose chats a person's employment change affects: where they lead or teach. */
static void rd_touch_teacher(const struct roster *r, int64_t person, struct rd_vec *ids)
{
	void *slot;
	for (size_t i = 0; i < r->nclasses; i++)
		if (r->classes[i].homeroom == person && (slot = rd_push(ids)) != NULL)
			*(int64_t *)slot = r->classes[i].id;
	for (size_t i = 0; i < r->nloads; i++)
		if (r->loads[i].teacher == person && (slot = rd_push(ids)) != NULL)
			*(int64_t *)slot = r->loads[i].class_id;
}

static int rd_touched(const struct roster *before, const struct roster *after,
		      const struct rd_sorted *a, const struct rd_sorted *b,
		      const struct roster_changes *c, struct roster_touched *out)
{
	struct rd_vec ids = RD_VEC(int64_t);
	void *slot;
#define ADD(id)                                                                                 \
	do {                                                                                   \
		if ((slot = rd_push(&ids)) != NULL)                                            \
			*(int64_t *)slot = (id);                                               \
	} while (0)
	size_t na = before->nenrolments, nb = after->nenrolments;
	for (size_t i = 0; i < c->nclass_put; i++)
		ADD(c->class_put[i]->id);
	for (size_t i = 0; i < c->nclass_del; i++)
		ADD(c->class_del[i]);
	for (size_t i = 0; i < c->nenrol_put; i++) {
		ADD(c->enrol_put[i].class_id);
		ADD(rd_class_of(a, na, c->enrol_put[i].student));
	}
	for (size_t i = 0; i < c->nenrol_del; i++)
		ADD(rd_class_of(a, na, c->enrol_del[i]));
	for (size_t i = 0; i < c->nload_put; i++) {
		const struct roster_load *old = rd_load(a, before->nloads, c->load_put[i]->id);
		ADD(c->load_put[i]->class_id);
		if (old != NULL)
			ADD(old->class_id);
	}
	for (size_t i = 0; i < c->nload_del; i++)
		ADD(rd_load(a, before->nloads, c->load_del[i])->class_id);
	const struct roster_guardian *guards[] = {c->guard_add, c->guard_del};
	size_t nguards[] = {c->nguard_add, c->nguard_del};
	for (size_t g = 0; g < 2; g++)
		for (size_t i = 0; i < nguards[g]; i++) {
			ADD(rd_class_of(a, na, guards[g][i].student));
			ADD(rd_class_of(b, nb, guards[g][i].student));
		}
	const struct roster_staff *staff[] = {c->staff_add, c->staff_del};
	size_t nstaff[] = {c->nstaff_add, c->nstaff_del};
	for (size_t g = 0; g < 2; g++)
		for (size_t i = 0; i < nstaff[g]; i++) {
			/* a person's several positions change together: once per person */
			if (i > 0 && staff[g][i - 1].person == staff[g][i].person)
				continue;
			rd_touch_teacher(before, staff[g][i].person, &ids);
			rd_touch_teacher(after, staff[g][i].person, &ids);
		}
#undef ADD
	if (ids.err != PARTA_OK) {
		free(ids.v);
		return ids.err;
	}
	int64_t *v = ids.v;
	if (ids.n > 1)
		qsort(v, ids.n, sizeof *v, cmp_i64);
	size_t n = 0;
	for (size_t i = 0; i < ids.n; i++)
		if (v[i] != 0 && (n == 0 || v[n - 1] != v[i]))
			v[n++] = v[i];
	out->class_ids = v;
	out->nclass_ids = n;
	out->staff = c->nstaff_add + c->nstaff_del > 0;
	return PARTA_OK;
}

int roster_changes(const struct roster *before, const struct roster *after,
		   struct roster_changes *out, struct roster_touched *touched)
{
	memset(out, 0, sizeof *out);
	if (touched != NULL)
		memset(touched, 0, sizeof *touched);
	struct rd_sorted a, b;
	int rc = rd_sort(before, &a);
	if (rc != PARTA_OK)
		return rc;
	if ((rc = rd_sort(after, &b)) == PARTA_OK) {
		rc = rd_changes(before, after, &a, &b, out);
		if (rc == PARTA_OK && touched != NULL &&
		    (rc = rd_touched(before, after, &a, &b, out, touched)) != PARTA_OK)
			roster_changes_free(out);
		rd_sorted_free(&b);
	}
	rd_sorted_free(&a);
	return rc;
}

int roster_diff(const struct roster *before, const struct roster *after,
		struct roster_touched *out)
{
	struct roster_changes c;
	int rc = roster_changes(before, after, &c, out);
	if (rc == PARTA_OK)
		roster_changes_free(&c);
	return rc;
}

void roster_touched_free(struct roster_touched *t)
{
	free(t->class_ids);
	memset(t, 0, sizeof *t);
}
