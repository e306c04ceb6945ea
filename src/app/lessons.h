/* lessons.h — the timetable: lessons of a class in a subject with a teacher, on a local date
 * from a start to an end time (the organisation's time zone).
 *
 * lessons_add: body {"class_id","subject_id","teacher_id","date","start","end","topic"?}; every
 * id must belong to the organisation. PARTA_EVALIDATION with out->why on bad input.
 * lessons_delete: PARTA_ENOTFOUND when the lesson is not the organisation's. */
#ifndef PARTA_APP_LESSONS_H
#define PARTA_APP_LESSONS_H

#include <jansson.h>
#include <stdint.h>

#include "app.h"
#include "orders.h"

int lessons_add(struct app *app, int64_t org, json_t *body, struct orders_result *out);
int lessons_delete(struct app *app, int64_t org, int64_t lesson_id);

#endif
