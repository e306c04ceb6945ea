#include "lessons.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../core/err.h"
#include "../core/timetable.h"
#include "../core/utf8.h"
#include "../store/rstore.h"

#define LESSONS_TOPIC_MAX 500

static int lessons_ref(struct app *app, int64_t org, json_t *body, const char *key,
		       enum rstore_ref kind, int64_t *id, struct orders_result *out)
{
	json_t *v = json_object_get(body, key);
	*id = json_is_integer(v) ? json_integer_value(v) : 0;
	int rc = *id > 0 ? rstore_owned(app->db, org, kind, *id) : PARTA_ENOTFOUND;
	if (rc == PARTA_ENOTFOUND) {
		snprintf(out->why, sizeof out->why, "%s: не найден(а) в организации", key);
		return PARTA_EVALIDATION;
	}
	return rc;
}

int lessons_add(struct app *app, int64_t org, json_t *body, struct orders_result *out)
{
	memset(out, 0, sizeof *out);
	struct rstore_lesson l = {
		.date = json_string_value(json_object_get(body, "date")),
		.start = json_string_value(json_object_get(body, "start")),
		.end = json_string_value(json_object_get(body, "end")),
		.topic = json_string_value(json_object_get(body, "topic")),
	};
	int rc = lessons_ref(app, org, body, "class_id", RSTORE_CLASS, &l.class_id, out);
	if (rc == PARTA_OK)
		rc = lessons_ref(app, org, body, "subject_id", RSTORE_SUBJECT, &l.subject_id, out);
	if (rc == PARTA_OK)
		rc = lessons_ref(app, org, body, "teacher_id", RSTORE_PERSON, &l.teacher_id, out);
	if (rc != PARTA_OK)
		return rc;
	if (!timetable_date_valid(l.date) || !timetable_span_valid(l.start, l.end)) {
		snprintf(out->why, sizeof out->why,
			 "Дата ГГГГ-ММ-ДД, начало и конец ЧЧ:ММ, конец позже начала (до 8 часов)");
		return PARTA_EVALIDATION;
	}
	size_t topic_len = l.topic ? strlen(l.topic) : 0;
	if (topic_len > LESSONS_TOPIC_MAX || (l.topic && !utf8_valid_text(l.topic, topic_len))) {
		snprintf(out->why, sizeof out->why, "Тема урока: текст до %d байт", LESSONS_TOPIC_MAX);
		return PARTA_EVALIDATION;
	}
	return rstore_lesson_insert(app->db, org, &l, &out->id);
}

int lessons_delete(struct app *app, int64_t org, int64_t lesson_id)
{
	return rstore_lesson_delete(app->db, org, lesson_id);
}
