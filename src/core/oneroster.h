/* oneroster.h — OneRoster CSV 1.1 / 1.2 mapped onto the Parta roster, as a pure plan.
 *
 * Input: the parsed files of one export (any may be absent), the organisation's current
 * roster, the map of OneRoster sourcedIds to local ids written by earlier imports, and the
 * organisation's subjects and OneRoster positions. Output: the persons to create or update,
 * the subjects and positions to create, and the orders — in an order that applies — that
 * move the roster to the state the files describe; plus every rejected row (file, line,
 * reason) and counts. docs/oneroster.md has the mapping table.
 *
 * Each file is bulk (the whole truth about its records), delta (only its rows change
 * anything; status=tobedeleted removes) or absent (nothing it describes changes), as
 * manifest.csv says (present files are bulk without a manifest). Only records that came from
 * OneRoster (that have a sourcedId in the map) are ever withdrawn, dismissed or unlinked.
 *
 * New persons, subjects, positions, classes and loads get ids ONEROSTER_NEW_BASE + n, each
 * kind counting from 0 in its own field of the orders (person/student, subject, position,
 * class_id, load_id); the caller creates them and substitutes the real ids.
 *
 * Pure: no I/O, no clock (the default academic year comes in). Memory: the plan owns its
 * arrays; strings in it point into the csv tables and the input, which must outlive it. */
#ifndef PARTA_CORE_ONEROSTER_H
#define PARTA_CORE_ONEROSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csv.h"
#include "roster.h"

enum oneroster_file {
	ONEROSTER_MANIFEST = 0,
	ONEROSTER_ORGS,
	ONEROSTER_USERS,
	ONEROSTER_ROLES,
	ONEROSTER_CLASSES,
	ONEROSTER_COURSES,
	ONEROSTER_ENROLLMENTS,
	ONEROSTER_SESSIONS,
	ONEROSTER_DEMOGRAPHICS,
	ONEROSTER_NFILES
};

/* "users.csv" …; NULL for an unknown file. */
const char *oneroster_file_name(enum oneroster_file f);

/* What a sourcedId maps to: a person (users.csv), a class (a homeroom class of
 * classes.csv) or a teaching load (a scheduled class within one homeroom class: the source id
 * is "<scheduled sourcedId>|<homeroom sourcedId>"). */
enum oneroster_kind { ONEROSTER_USER = 0, ONEROSTER_CLASS, ONEROSTER_LOAD, ONEROSTER_NKINDS };
const char *oneroster_kind_name(enum oneroster_kind k); /* "user", "class", "load" */

struct oneroster_source {
	enum oneroster_kind kind;
	const char *source_id;
	int64_t local_id;
};

/* The positions staff roles map to. */
enum oneroster_position { ONEROSTER_TEACHER = 0, ONEROSTER_ADMINISTRATOR, ONEROSTER_AIDE,
			  ONEROSTER_NPOSITIONS };
const char *oneroster_position_name(enum oneroster_position p); /* «Учитель» … */
const char *oneroster_position_type(enum oneroster_position p); /* «Педагогический состав» … */

struct oneroster_named {
	const char *name;
	int64_t id;
};

struct oneroster_input {
	const struct csv_table *files[ONEROSTER_NFILES]; /* NULL: absent */
	const struct roster *current;
	const struct oneroster_source *sources;
	size_t nsources;
	const struct oneroster_named *subjects; /* the organisation's subjects by name */
	size_t nsubjects;
	int64_t positions[ONEROSTER_NPOSITIONS]; /* 0: no such position yet */
	int default_year; /* academic year (2026 for 2026/27) of classes no session dates */
};

#define ONEROSTER_NEW_BASE ((int64_t)1 << 60)
#define ONEROSTER_SUBGROUP_MAX 200 /* as orders accept */

struct oneroster_person {
	int64_t id; /* existing, or ONEROSTER_NEW_BASE + n */
	const char *source_id;
	const char *surname, *first_name, *patronymic, *email, *phone;
	const char *birth_date, *gender; /* NULL: not in the files (keep what is stored) */
};

/* A map entry to record: kind, source id, id (possibly a new one). */
struct oneroster_sourced {
	enum oneroster_kind kind;
	const char *source_id;
	int64_t id;
};

struct oneroster_reject {
	enum oneroster_file file;
	size_t line;
	char why[200];
};

/* A person who leaves: withdrawn (student) or dismissed (staff). */
struct oneroster_leaver {
	int64_t person;
	const char *source_id;
	bool staff;
};

struct oneroster_counts {
	size_t rows;                                   /* data rows read, every file */
	size_t persons_new, persons_seen;              /* persons created; in the files */
	size_t classes_created, classes_closed;
	size_t enrolled, transferred, withdrawn;
	size_t hired, position_changes, dismissed;
	size_t homerooms, loads_set, loads_removed;
	size_t guardians_added, guardians_removed;
	size_t students_now, staff_now;                /* in the current roster */
};

struct oneroster_plan {
	bool delta[ONEROSTER_NFILES]; /* per file: its rows are changes */
	bool bulk; /* users.csv or enrollments.csv is a bulk file: absence means leaving */
	struct oneroster_person *persons;
	size_t npersons;
	const char **new_subjects; /* names; ids ONEROSTER_NEW_BASE + index */
	size_t nnew_subjects;
	bool new_positions[ONEROSTER_NPOSITIONS]; /* id ONEROSTER_NEW_BASE + position */
	struct oneroster_sourced *sourced;
	size_t nsourced;
	struct roster_order *orders;
	size_t norders;
	struct oneroster_leaver *leavers;
	size_t nleavers;
	struct oneroster_reject *rejects;
	size_t nrejects;
	struct oneroster_counts counts;
	void *internal; /* storage of subgroups and composed strings */
};

/* Builds the plan.
 *   PARTA_OK          *out holds it (free with oneroster_plan_free), rejected rows included;
 *   PARTA_EVALIDATION a fatal problem with the files (a missing required column, a manifest
 *                     naming a missing file, users without roles): `why` says which, in
 *                     Russian, and *out is empty;
 *   PARTA_ENOMEM      *out is empty. */
int oneroster_plan(const struct oneroster_input *in, struct oneroster_plan *out, char *why,
		   size_t whylen);
void oneroster_plan_free(struct oneroster_plan *p);

/* "true"/"false" in any case, "1"/"0"; "" gives `dflt`. False for anything else. */
bool oneroster_bool(const char *v, bool dflt, bool *out);

#endif
