/* orders.h — roster use cases: reference data (persons, subjects, positions) and orders.
 *
 * Issuing an order and cancelling one each run in one transaction that also rewrites the
 * materialized roster and records a roster event naming the touched classes; nothing is
 * half written. Every id in a request must belong to the organisation: ids of other
 * organisations are reported exactly like ids that do not exist.
 *
 * Errors: PARTA_EVALIDATION (bad fields, unknown ids; out->why says which, in Russian),
 * PARTA_ECONFLICT (the roster does not allow it; for a cancel with dependents,
 * out->dependents lists them), PARTA_ENOTFOUND (no such order), PARTA_EIO, PARTA_ENOMEM. */
#ifndef PARTA_APP_ORDERS_H
#define PARTA_APP_ORDERS_H

#include <jansson.h>
#include <stdint.h>

#include "../core/roster.h"
#include "app.h"
#include "chatsync.h"

struct orders_result {
	int64_t id;                   /* the order (or person, subject, position) created */
	int64_t event_id;             /* the roster event recorded */
	struct roster_touched touched;
	json_t *order;                /* the stored order as the API shows it; owned */
	json_t *dependents;           /* [{"id","number"}] on a refused cancel; owned */
	struct chatsync_notes notes;  /* membership changes to publish after the commit */
	int64_t roster_version;       /* of the roster written, for the cache */
	char why[256];
};

void orders_result_free(struct orders_result *out);

/* body: {"kind","number","date","effective_date"?, and the kind's fields: person_id,
 * student_id, class_id, position_id, load_id, subject_id, name, year, parallel, subgroup}. */
int orders_issue(struct app *app, int64_t org, int64_t by, json_t *body,
		 struct orders_result *out);
int orders_cancel(struct app *app, int64_t org, int64_t order_id, struct orders_result *out);

/* body: {"surname","first_name","patronymic"?,"birth_date"?,"gender"?,"phone"?,"email"?}. */
int orders_add_person(struct app *app, int64_t org, json_t *body, struct orders_result *out);
/* body: {"name"} for a subject; {"name","position_type"} for a position. */
int orders_add_subject(struct app *app, int64_t org, json_t *body, struct orders_result *out);
int orders_add_position(struct app *app, int64_t org, json_t *body, struct orders_result *out);
/* body: {"name","rights":["chat_management","sferum_view",…]} (core/rights.h codes). A
 * position then names its group: {"name","position_type","rights_group_id"}. */
int orders_add_rights_group(struct app *app, int64_t org, json_t *body,
			    struct orders_result *out);

/* ---- for the other use cases of the app layer (bundle.c) ---- */

/* Validates number, date and effective date of an order request. */
int orders_header(json_t *body, const char **number, const char **date, const char **effective,
		  struct orders_result *out);
/* Fills a core order from a payload; names point into `payload`; *owned (subgroup and
 * carried classes) is freed by the caller, also on failure. */
int orders_from_json(json_t *payload, int64_t id, struct roster_order *o, void **owned,
		     struct orders_result *out);
/* Replays the stored active orders, writes the roster and one event (tied to `last_order`)
 * touching everything that exists. PARTA_EVALIDATION when some order does not apply
 * (out->dependents lists them). Runs in the caller's transaction. */
int orders_rebuild(struct app *app, int64_t org, int64_t last_order, struct orders_result *out);

#endif
