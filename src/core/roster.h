/* roster.h — the school roster as a pure state machine of orders.
 *
 * The roster of one organisation is the fold of its active orders, in the order they were
 * issued. Applying an order checks its preconditions against the state and changes nothing
 * when they fail. Cancelling an order is replaying every other active order from an empty
 * roster: if some later order no longer applies (a transfer of a student whose enrolment is
 * cancelled), those orders depend on the cancelled one and the cancel must be refused, naming
 * them. roster_diff names what a change touched, so that only those chats are recomputed.
 *
 * Pure: no I/O, no clock, no globals. Memory: a roster owns its arrays; roster_free releases
 * them. Orders are borrowed: the roster copies what it keeps. */
#ifndef PARTA_CORE_ROSTER_H
#define PARTA_CORE_ROSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ROSTER_CLASS_NAME_MAX 32 /* bytes, «10А», «ДО-19-3» */

enum roster_order_kind {
	ROSTER_CLASS_CREATE = 0, /* class, name, year, parallel */
	ROSTER_CLASS_CLOSE,      /* class; it must have no enrolled student */
	ROSTER_ENROL,            /* person (student) into class */
	ROSTER_WITHDRAW,         /* person (student) out of the class they are in */
	ROSTER_TRANSFER,         /* person (student) from their class into class */
	ROSTER_HIRE,             /* person with position */
	ROSTER_DISMISS,          /* person */
	ROSTER_POSITION_CHANGE,  /* person from from_position (0: their only one) to position */
	ROSTER_HOMEROOM,         /* class gets person (0: none) as homeroom teacher */
	ROSTER_LOAD_SET,         /* load (class × subject [× subgroup]) gets teacher (0: removed) */
	ROSTER_GUARDIAN_ADD,     /* person (parent) of student */
	ROSTER_GUARDIAN_REMOVE,
	ROSTER_YEAR_TRANSITION,  /* close year: carry classes to year+1, graduate last_parallel */
	ROSTER_POSITION_ADD,     /* person (employed) takes position too, on top of the others */
	ROSTER_POSITION_REMOVE,  /* person gives up position, keeping at least one */
	ROSTER_ORDER_KINDS
};

/* One order, as the core sees it. Which fields matter depends on the kind (see above). */
/* One class carried into the next academic year: «10А» (from) becomes «11А» (to, new id). */
struct roster_carry {
	int64_t from, to;
	const char *name;
};

struct roster_order {
	int64_t id; /* the order's id, reported back in dependency lists */
	enum roster_order_kind kind;
	int64_t person;
	int64_t student;  /* guardianship: the child */
	int64_t class_id;
	int64_t position;
	int64_t from_position;
	int64_t load_id;
	int64_t subject;
	const char *name; /* class name (CLASS_CREATE) */
	int year;         /* academic year start, 2026 for 2026/27 (CLASS_CREATE) */
	int parallel;     /* grade 1..11, or course for a college (CLASS_CREATE) */
	/* LOAD_SET: the subgroup's students; none means the whole class studies the subject. */
	const int64_t *subgroup;
	size_t nsubgroup;
	/* YEAR_TRANSITION: `year` is the year being closed. Every open class of that year is
	 * either carried (its students move to the new class, with the homeroom teacher) or in
	 * `last_parallel` (its students graduate: withdrawn). All classes of the year close. */
	const struct roster_carry *carry;
	size_t ncarry;
	int last_parallel;
};

struct roster_class {
	int64_t id;
	char name[ROSTER_CLASS_NAME_MAX + 1];
	int year, parallel;
	int64_t homeroom; /* 0: none */
	bool open;
};

struct roster_enrolment {
	int64_t student, class_id;
};

/* One employment: a person may hold several positions, one entry each. */
struct roster_staff {
	int64_t person, position;
};

struct roster_guardian {
	int64_t parent, student;
};

struct roster_load {
	int64_t id, class_id, subject, teacher; /* teacher 0: the load has no teacher */
	int64_t *subgroup;                      /* sorted; NULL when the whole class */
	size_t nsubgroup;
};

struct roster {
	struct roster_class *classes;
	size_t nclasses, capclasses;
	struct roster_enrolment *enrolments; /* one per enrolled student */
	size_t nenrolments, capenrolments;
	struct roster_staff *staff; /* employments of the employed staff */
	size_t nstaff, capstaff;
	struct roster_guardian *guardians;
	size_t nguardians, capguardians;
	struct roster_load *loads;
	size_t nloads, caploads;
};

void roster_init(struct roster *r);
void roster_free(struct roster *r);

/* A deep copy of `src` into `dst` (initialized here; free it with roster_free). PARTA_ENOMEM
 * leaves `dst` empty. */
int roster_copy(struct roster *dst, const struct roster *src);

/* Applies one order.
 *   PARTA_OK          applied;
 *   PARTA_EVALIDATION the order is malformed (missing ids, bad name or kind); `why` says what;
 *   PARTA_ECONFLICT   the roster does not allow it now (student not enrolled, class closed …);
 *   PARTA_ENOMEM.
 * On any error the roster is unchanged. `why` (may be NULL) receives a Russian sentence. */
int roster_apply(struct roster *r, const struct roster_order *o, char *why, size_t whylen);

/* Rebuilds a roster from `orders` (in issue order), leaving out the order at index `skip`
 * (pass n or more to leave out none). Orders that no longer apply are skipped and their ids
 * written to failed_ids (up to max_failed; *nfailed counts all of them). On PARTA_OK `out`
 * holds the result (free it with roster_free); PARTA_ENOMEM leaves it empty. */
int roster_replay(const struct roster_order *orders, size_t n, size_t skip, struct roster *out,
		  int64_t *failed_ids, size_t max_failed, size_t *nfailed);

/* The rows that differ between two rosters (rosterdiff.c), so that the store writes only
 * those: classes and loads new or changed in `after` (pointers into it) or gone, enrolments by
 * student, employments and guardianships added or removed. Sorted by key. The arrays are
 * owned by the struct (roster_changes_free); the pointed-to rows belong to `after`. */
struct roster_changes {
	const struct roster_class **class_put;
	int64_t *class_del;
	struct roster_enrolment *enrol_put; /* the student's class in `after` */
	int64_t *enrol_del;                 /* students no longer enrolled */
	struct roster_staff *staff_add, *staff_del;
	struct roster_guardian *guard_add, *guard_del;
	const struct roster_load **load_put;
	int64_t *load_del;
	size_t nclass_put, nclass_del, nenrol_put, nenrol_del, nstaff_add, nstaff_del,
		nguard_add, nguard_del, nload_put, nload_del;
};
void roster_changes_free(struct roster_changes *c);

/* What changed between two rosters, for recomputing chats:
 *   class_ids  every class whose record, enrolments, loads or its students' guardians differ,
 *              and every class where a person whose employment changed leads or teaches
 *              (sorted, unique; the caller frees the array);
 *   staff      whether employment or positions differ (the staff room).
 * O(n log n) in the size of the rosters. */
struct roster_touched {
	int64_t *class_ids;
	size_t nclass_ids;
	bool staff;
};
int roster_diff(const struct roster *before, const struct roster *after,
		struct roster_touched *out);
void roster_touched_free(struct roster_touched *t);

/* Both at once: the changed rows and (when `touched` is not NULL) the touched classes. On an
 * error both are left empty. */
int roster_changes(const struct roster *before, const struct roster *after,
		   struct roster_changes *out, struct roster_touched *touched);

/* The name of a class in the next year: a leading grade number is incremented («10А» →
 * «11А», «9 б» → «10 б»); a name without one («ДО-19-3») stays. Writes at most len bytes
 * (NUL included); PARTA_ETOOLARGE when it does not fit. */
int roster_next_name(const char *name, char *out, size_t len);

/* Lookups (NULL / 0 when absent). */
const struct roster_class *roster_class(const struct roster *r, int64_t class_id);
int64_t roster_class_of(const struct roster *r, int64_t student); /* 0: not enrolled */
/* The person's first employment: non-NULL exactly when they are employed. */
const struct roster_staff *roster_staff(const struct roster *r, int64_t person);
bool roster_holds(const struct roster *r, int64_t person, int64_t position);
const struct roster_load *roster_load(const struct roster *r, int64_t load_id);
bool roster_is_guardian(const struct roster *r, int64_t parent, int64_t student);

/* A stable English name of an order kind ("enrol"), NULL for an unknown kind; and back. */
const char *roster_kind_name(enum roster_order_kind kind);
int roster_kind_parse(const char *name, enum roster_order_kind *out);

#endif
