/* people.h — the participant picker of «Управление чатами» («Выбрать участников чата»): the
 * organisation's current people — employed staff, enrolled students, guardians — filtered,
 * sorted by surname and paged. Runs on the caller's connection, reads only `org`'s rows.
 * Errors: PARTA_EIO, PARTA_ENOMEM. JSON results are new references. */
#ifndef PARTA_STORE_PEOPLE_H
#define PARTA_STORE_PEOPLE_H

#include <jansson.h>
#include <stdint.h>

#include "db.h"

enum { PEOPLE_STAFF = 1, PEOPLE_STUDENT = 2, PEOPLE_PARENT = 4, PEOPLE_ALL = 7 };

/* Text filters are folded (core/utf8.h utf8_fold) by the caller; NULL: no filter.
 *   surname   start of the surname           q        part of «Фамилия Имя Отчество»
 *   roles     PEOPLE_* (a person matches with any of them)
 *   gender    "m", "f" or NULL               class_id its students, the parents of its
 *                                                     students, its homeroom and load teachers
 *   chat      marks the members of this chat of `org` (0: none) */
struct people_filter {
	const char *surname, *q, *gender;
	unsigned roles;
	int64_t class_id, chat;
	int64_t page, per_page; /* page from 1 */
};

#define PEOPLE_IDS_MAX 10000

/* *rows: [{"person_id","surname","first_name","patronymic","birth_date","gender",
 * "roles":["staff","student","parent"],"class_name","member","pending"}] (pending: no linked
 * messenger profile yet); *total counts every match;
 * when `ids` is not NULL it receives the ids of every match (at most PEOPLE_IDS_MAX) in the
 * same order. */
int people_find(struct db *db, int64_t org, const struct people_filter *f, int64_t *total,
		json_t **rows, json_t **ids);

/* The persons of `org` among `ids` (a JSON array of integers; others are left out), by
 * surname: [{"person_id","name","role":"staff"|"student"|"parent"|"","pending"}]; pending:
 * no linked messenger profile yet. */
int people_named(struct db *db, int64_t org, json_t *ids, json_t **rows);

#endif
