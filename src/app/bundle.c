#include "bundle.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../store/rstore.h"
#include "lessons.h"
#include "../util/log.h"
#include "chatsync.h"

#define BUNDLE_FORMAT "parta-roster"
#define BUNDLE_VERSION 1

/* An id ↔ reference map is a JSON object: keys are ids ("42") or references ("p1"). */
static void map_put_id(json_t *map, int64_t id, const char *ref)
{
	char key[32];
	snprintf(key, sizeof key, "%" PRId64, id);
	json_object_set_new(map, key, json_string(ref));
}

static const char *map_ref(json_t *map, json_t *id)
{
	char key[32];
	snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
	return json_string_value(json_object_get(map, key));
}

/* The reference of an id, creating "<prefix><n>" on first sight. */
static const char *map_ref_or_new(json_t *map, json_t *id, const char *prefix)
{
	const char *ref = map_ref(map, id);
	if (ref != NULL)
		return ref;
	char made[32];
	snprintf(made, sizeof made, "%s%zu", prefix, json_object_size(map) + 1);
	map_put_id(map, json_integer_value(id), made);
	return map_ref(map, id);
}

/* ---- export ---- */

/* A listing with "id" replaced by a "ref"; fills the id→ref map. */
static int bundle_export_list(struct app *app, int64_t org, const char *what,
			      const char *prefix, json_t *map, json_t **out)
{
	int rc = rstore_list(app->db, org, what, out);
	if (rc != PARTA_OK)
		return rc;
	size_t i;
	json_t *row;
	json_array_foreach(*out, i, row)
	{
		char ref[32];
		snprintf(ref, sizeof ref, "%s%zu", prefix, i + 1);
		map_put_id(map, json_integer_value(json_object_get(row, "id")), ref);
		json_object_del(row, "id");
		json_object_set_new(row, "ref", json_string(ref));
	}
	return PARTA_OK;
}

struct bundle_maps {
	json_t *persons, *subjects, *positions, *classes, *loads, *groups;
};

static json_t *bundle_export_order(json_t *row, const struct bundle_maps *m)
{
	json_t *payload = json_loads(json_string_value(json_object_get(row, "payload")), 0, NULL);
	if (payload == NULL)
		return NULL;
	json_t *o = json_pack("{s:O,s:O,s:O,s:O,s:O}", "number", json_object_get(row, "number"),
			      "date", json_object_get(row, "order_date"), "effective_date",
			      json_object_get(row, "effective_date"), "status",
			      json_object_get(row, "status"), "kind",
			      json_object_get(payload, "kind"));
	static const struct {
		const char *id_key, *ref_key;
		size_t map;
		const char *prefix;
	} refs[] = {
		{"person_id", "person", offsetof(struct bundle_maps, persons), NULL},
		{"student_id", "student", offsetof(struct bundle_maps, persons), NULL},
		{"position_id", "position", offsetof(struct bundle_maps, positions), NULL},
		{"from_position_id", "from_position", offsetof(struct bundle_maps, positions), NULL},
		{"subject_id", "subject", offsetof(struct bundle_maps, subjects), NULL},
		{"class_id", "class", offsetof(struct bundle_maps, classes), "c"},
		{"load_id", "load", offsetof(struct bundle_maps, loads), "l"},
	};
	for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
		json_t *id = json_object_get(payload, refs[i].id_key);
		if (id == NULL)
			continue;
		json_t *map = *(json_t *const *)(const void *)((const char *)m + refs[i].map);
		const char *ref = refs[i].prefix ? map_ref_or_new(map, id, refs[i].prefix)
						 : map_ref(map, id);
		json_object_set_new(o, refs[i].ref_key, ref ? json_string(ref) : json_null());
	}
	static const char *const plain[] = {"name", "year", "parallel", "last_parallel"};
	for (size_t i = 0; i < 4; i++)
		if (json_object_get(payload, plain[i]))
			json_object_set(o, plain[i], json_object_get(payload, plain[i]));
	json_t *carry = json_object_get(payload, "carry");
	if (carry != NULL) {
		json_t *refs_arr = json_array();
		size_t i;
		json_t *k;
		json_array_foreach(carry, i, k)
		{
			const char *from = map_ref(m->classes, json_object_get(k, "from"));
			const char *to = map_ref_or_new(m->classes, json_object_get(k, "to"), "c");
			json_array_append_new(refs_arr,
					      json_pack("{s:s?,s:s,s:O}", "from", from, "to", to,
							"name", json_object_get(k, "name")));
		}
		json_object_set_new(o, "carry", refs_arr);
	}
	json_t *sub = json_object_get(payload, "subgroup");
	if (sub != NULL) {
		json_t *refs_arr = json_array();
		size_t i;
		json_t *id;
		json_array_foreach(sub, i, id)
		{
			const char *ref = map_ref(m->persons, id);
			json_array_append_new(refs_arr, ref ? json_string(ref) : json_null());
		}
		json_object_set_new(o, "subgroup", refs_arr);
	}
	json_decref(payload);
	return o;
}

/* Lessons with references instead of ids (classes are known from the orders). */
static int bundle_export_lessons(struct app *app, int64_t org, const struct bundle_maps *m,
				 json_t **out)
{
	json_t *rows;
	int rc = rstore_lessons(app->db, org, "", "", &rows);
	if (rc != PARTA_OK)
		return rc;
	*out = json_array();
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		const char *cls = map_ref(m->classes, json_object_get(row, "class_id"));
		const char *subject = map_ref(m->subjects, json_object_get(row, "subject_id"));
		const char *teacher = map_ref(m->persons, json_object_get(row, "teacher_id"));
		json_array_append_new(
			*out, json_pack("{s:s?,s:s?,s:s?,s:O,s:O,s:O,s:O}", "class", cls, "subject",
					subject, "teacher", teacher, "date",
					json_object_get(row, "date"), "start",
					json_object_get(row, "start"), "end",
					json_object_get(row, "end"), "topic",
					json_object_get(row, "topic")));
	}
	json_decref(rows);
	return PARTA_OK;
}

/* Positions name their rights group by reference. */
static void bundle_export_position_groups(json_t *positions, json_t *group_map)
{
	size_t i;
	json_t *row;
	json_array_foreach(positions, i, row)
	{
		json_t *id = json_object_get(row, "rights_group_id");
		const char *ref = json_is_integer(id) ? map_ref(group_map, id) : NULL;
		json_object_del(row, "rights_group_id");
		json_object_set_new(row, "rights_group", ref ? json_string(ref) : json_null());
	}
}

int bundle_export(struct app *app, int64_t org, json_t **out)
{
	*out = NULL;
	struct bundle_maps m = {json_object(), json_object(), json_object(), json_object(),
				json_object(), json_object()};
	json_t *organisation = NULL, *persons = NULL, *subjects = NULL, *positions = NULL,
	       *orders = NULL, *groups = NULL;
	int rc = rstore_org_get(app->db, org, &organisation);
	if (rc == PARTA_OK)
		rc = bundle_export_list(app, org, "rights_groups", "g", m.groups, &groups);
	if (rc == PARTA_OK)
		rc = bundle_export_list(app, org, "persons", "p", m.persons, &persons);
	if (rc == PARTA_OK)
		rc = bundle_export_list(app, org, "subjects", "s", m.subjects, &subjects);
	if (rc == PARTA_OK)
		rc = bundle_export_list(app, org, "positions", "pos", m.positions, &positions);
	if (rc == PARTA_OK)
		bundle_export_position_groups(positions, m.groups);
	if (rc == PARTA_OK)
		rc = rstore_list(app->db, org, "orders", &orders);
	json_t *exported = json_array();
	size_t i;
	json_t *row;
	if (rc == PARTA_OK) {
		json_array_foreach(orders, i, row)
		{
			json_t *o = bundle_export_order(row, &m);
			if (o == NULL) {
				rc = PARTA_EIO;
				break;
			}
			json_array_append_new(exported, o);
		}
	}
	json_t *lessons = NULL;
	if (rc == PARTA_OK)
		rc = bundle_export_lessons(app, org, &m, &lessons);
	if (rc == PARTA_OK)
		*out = json_pack("{s:s,s:i,s:O,s:O,s:O,s:O,s:O,s:O,s:o}", "format",
				 BUNDLE_FORMAT, "version", BUNDLE_VERSION, "organisation",
				 organisation, "persons", persons, "subjects", subjects,
				 "rights_groups", groups, "positions", positions, "orders", exported,
				 "lessons", lessons);
	json_decref(exported);
	json_decref(groups);
	json_decref(orders);
	json_decref(positions);
	json_decref(subjects);
	json_decref(persons);
	json_decref(organisation);
	json_decref(m.persons);
	json_decref(m.subjects);
	json_decref(m.positions);
	json_decref(m.classes);
	json_decref(m.loads);
	json_decref(m.groups);
	return rc;
}

/* ---- import ---- */

static int bundle_fail(struct orders_result *out, int err, const char *msg, const char *detail)
{
	snprintf(out->why, sizeof out->why, "%s%s%s", msg, detail ? ": " : "",
		 detail ? detail : "");
	return err;
}

static bool bundle_one_of(const char *v, const char *const *options, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		if (strcmp(v, options[i]) == 0)
			return true;
	return false;
}

static int bundle_import_org(struct app *app, int64_t org, json_t *o, struct orders_result *out)
{
	static const char *const types[] = {"school", "college", "kindergarten", "authority"};
	static const char *const profiles[] = {"sgo", "bars", "paragraf"};
	const char *type = json_string_value(json_object_get(o, "type"));
	const char *profile = json_string_value(json_object_get(o, "profile"));
	const char *tz = json_string_value(json_object_get(o, "time_zone"));
	if (!bundle_one_of(type, types, 4) || !bundle_one_of(profile, profiles, 3) || tz == NULL ||
	    tz[0] == '\0' || strlen(tz) > 64)
		return bundle_fail(out, PARTA_EVALIDATION,
				   "organisation: type, profile и time_zone обязательны", NULL);
	return rstore_org_set(app->db, org, type, profile, tz, 0);
}

typedef int (*bundle_add_fn)(struct app *, int64_t, json_t *, struct orders_result *);

/* Adds every row of a list; records ref → new id in `map`. */
static int bundle_import_list(struct app *app, int64_t org, json_t *list, bundle_add_fn add,
			      json_t *map, struct orders_result *out)
{
	if (!json_is_array(list))
		return bundle_fail(out, PARTA_EVALIDATION, "Ожидается массив", NULL);
	size_t i;
	json_t *row;
	json_array_foreach(list, i, row)
	{
		const char *ref = json_string_value(json_object_get(row, "ref"));
		if (ref == NULL || json_object_get(map, ref) != NULL)
			return bundle_fail(out, PARTA_EVALIDATION, "Нет или повторяется ref", ref);
		struct orders_result res;
		int rc = add(app, org, row, &res);
		if (rc != PARTA_OK) {
			/* The reason is cut to fit after the reference. */
			snprintf(out->why, sizeof out->why, "%.40s: %.200s", ref, res.why);
			orders_result_free(&res);
			return rc;
		}
		json_object_set_new(map, ref, json_integer(res.id));
		orders_result_free(&res);
	}
	return PARTA_OK;
}

/* A year transition's carried classes: "from" is known, "to" is a class it creates. */
static int bundle_payload_carry(struct app *app, int64_t org, json_t *carry,
				const struct bundle_maps *m, json_t *payload,
				struct orders_result *out)
{
	if (carry == NULL)
		return PARTA_OK;
	json_t *ids = json_array();
	json_object_set_new(payload, "carry", ids);
	size_t i;
	json_t *k;
	json_array_foreach(carry, i, k)
	{
		const char *from = json_string_value(json_object_get(k, "from"));
		const char *to = json_string_value(json_object_get(k, "to"));
		json_t *from_id = from ? json_object_get(m->classes, from) : NULL;
		if (from_id == NULL || to == NULL || json_object_get(m->classes, to) != NULL)
			return bundle_fail(out, PARTA_EVALIDATION, "carry: неверные ссылки на классы",
					   from ? from : "from");
		int64_t new_id;
		int rc = rstore_alloc_id(app->db, org, RSTORE_CLASS, &new_id);
		if (rc != PARTA_OK)
			return rc;
		json_object_set_new(m->classes, to, json_integer(new_id));
		json_array_append_new(ids, json_pack("{s:O,s:I,s:O}", "from", from_id, "to",
						     (json_int_t)new_id, "name",
						     json_object_get(k, "name")));
	}
	return PARTA_OK;
}

/* Resolves references of one order into a payload with ids. */
static int bundle_payload(struct app *app, int64_t org, json_t *o, const struct bundle_maps *m,
			  json_t *payload, struct orders_result *out)
{
	const char *kind = json_string_value(json_object_get(o, "kind"));
	json_object_set_new(payload, "kind", json_string(kind ? kind : ""));
	static const struct {
		const char *ref_key, *id_key;
		size_t map;
	} refs[] = {
		{"person", "person_id", offsetof(struct bundle_maps, persons)},
		{"student", "student_id", offsetof(struct bundle_maps, persons)},
		{"position", "position_id", offsetof(struct bundle_maps, positions)},
		{"from_position", "from_position_id", offsetof(struct bundle_maps, positions)},
		{"subject", "subject_id", offsetof(struct bundle_maps, subjects)},
		{"class", "class_id", offsetof(struct bundle_maps, classes)},
		{"load", "load_id", offsetof(struct bundle_maps, loads)},
	};
	for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
		json_t *v = json_object_get(o, refs[i].ref_key);
		if (v == NULL || json_is_null(v))
			continue;
		const char *ref = json_string_value(v);
		json_t *map = *(json_t *const *)(const void *)((const char *)m + refs[i].map);
		json_t *id = ref ? json_object_get(map, ref) : NULL;
		bool creates = ref && ((strcmp(refs[i].ref_key, "class") == 0 && kind &&
					strcmp(kind, "class_create") == 0) ||
				       (strcmp(refs[i].ref_key, "load") == 0 && id == NULL));
		if (creates) {
			if (id != NULL)
				return bundle_fail(out, PARTA_EVALIDATION, "Класс создаётся дважды",
						   ref);
			int64_t new_id;
			int rc = rstore_alloc_id(app->db, org,
						 refs[i].ref_key[0] == 'c' ? RSTORE_CLASS
									   : RSTORE_LOAD,
						 &new_id);
			if (rc != PARTA_OK)
				return rc;
			json_object_set_new(map, ref, json_integer(new_id));
			id = json_object_get(map, ref);
		}
		if (id == NULL)
			return bundle_fail(out, PARTA_EVALIDATION, "Неизвестная ссылка",
					   ref ? ref : refs[i].ref_key);
		json_object_set(payload, refs[i].id_key, id);
	}
	static const char *const plain[] = {"name", "year", "parallel", "last_parallel"};
	for (size_t i = 0; i < 4; i++)
		if (json_object_get(o, plain[i]))
			json_object_set(payload, plain[i], json_object_get(o, plain[i]));
	int rc = bundle_payload_carry(app, org, json_object_get(o, "carry"), m, payload, out);
	if (rc != PARTA_OK)
		return rc;
	json_t *sub = json_object_get(o, "subgroup");
	if (sub != NULL) {
		json_t *ids = json_array();
		size_t i;
		json_t *v;
		json_array_foreach(sub, i, v)
		{
			const char *ref = json_string_value(v);
			json_t *id = ref ? json_object_get(m->persons, ref) : NULL;
			if (id == NULL) {
				json_decref(ids);
				return bundle_fail(out, PARTA_EVALIDATION, "Неизвестная ссылка",
						   ref ? ref : "subgroup");
			}
			json_array_append(ids, id);
		}
		json_object_set_new(payload, "subgroup", ids);
	}
	return PARTA_OK;
}

static int bundle_import_order(struct app *app, int64_t org, json_t *o,
			       const struct bundle_maps *m, int64_t *order_id,
			       struct orders_result *out)
{
	const char *number, *date, *effective;
	int rc = orders_header(o, &number, &date, &effective, out);
	const char *status = json_string_value(json_object_get(o, "status"));
	if (rc == PARTA_OK && (status == NULL || (strcmp(status, "applied") != 0 &&
						  strcmp(status, "cancelled") != 0)))
		rc = bundle_fail(out, PARTA_EVALIDATION, "status: applied или cancelled", number);
	json_t *payload = json_object();
	if (rc == PARTA_OK)
		rc = bundle_payload(app, org, o, m, payload, out);
	struct roster_order parsed;
	void *owned = NULL;
	if (rc == PARTA_OK)
		rc = orders_from_json(payload, 0, &parsed, &owned, out);
	free(owned);
	char *text = rc == PARTA_OK ? json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (rc == PARTA_OK && text == NULL)
		rc = PARTA_ENOMEM;
	if (rc == PARTA_OK)
		rc = rstore_order_insert(app->db, org, number, date, effective,
					 json_string_value(json_object_get(payload, "kind")), text,
					 0, app_now(app), order_id);
	if (rc == PARTA_OK && strcmp(status, "cancelled") == 0)
		rc = rstore_order_cancel(app->db, *order_id, app_now(app));
	free(text);
	json_decref(payload);
	return rc;
}

/* Lessons after the orders, so that their class references are known. Optional. */
static int bundle_import_lessons(struct app *app, int64_t org, json_t *lessons,
				 const struct bundle_maps *m, struct orders_result *out)
{
	if (lessons == NULL)
		return PARTA_OK;
	if (!json_is_array(lessons))
		return bundle_fail(out, PARTA_EVALIDATION, "lessons: ожидается массив", NULL);
	size_t i;
	json_t *l;
	json_array_foreach(lessons, i, l)
	{
		const char *keys[][2] = {{"class", "class_id"}, {"subject", "subject_id"},
					 {"teacher", "teacher_id"}};
		json_t *const maps[] = {m->classes, m->subjects, m->persons};
		json_t *body = json_pack("{s:O?,s:O?,s:O?,s:O?}", "date", json_object_get(l, "date"),
					 "start", json_object_get(l, "start"), "end",
					 json_object_get(l, "end"), "topic",
					 json_object_get(l, "topic"));
		for (size_t k = 0; k < 3; k++) {
			const char *ref = json_string_value(json_object_get(l, keys[k][0]));
			json_t *id = ref ? json_object_get(maps[k], ref) : NULL;
			if (id != NULL)
				json_object_set(body, keys[k][1], id);
		}
		struct orders_result res;
		int rc = lessons_add(app, org, body, &res);
		json_decref(body);
		if (rc != PARTA_OK) {
			snprintf(out->why, sizeof out->why, "Урок %zu: %.200s", i + 1, res.why);
			orders_result_free(&res);
			return rc;
		}
		orders_result_free(&res);
	}
	return PARTA_OK;
}

static int bundle_import_tx(struct app *app, int64_t org, json_t *bundle,
			    const struct bundle_maps *m, struct orders_result *out)
{
	const char *format = json_string_value(json_object_get(bundle, "format"));
	if (format == NULL || strcmp(format, BUNDLE_FORMAT) != 0 ||
	    json_integer_value(json_object_get(bundle, "version")) != BUNDLE_VERSION)
		return bundle_fail(out, PARTA_EVALIDATION,
				   "Ожидается документ format=parta-roster, version=1", NULL);
	int rc = rstore_org_empty(app->db, org);
	if (rc == PARTA_ECONFLICT)
		return bundle_fail(out, rc,
				   "Импорт возможен только в организацию без состава и приказов",
				   NULL);
	if (rc == PARTA_OK)
		rc = bundle_import_org(app, org, json_object_get(bundle, "organisation"), out);
	if (rc == PARTA_OK)
		rc = bundle_import_list(app, org, json_object_get(bundle, "persons"),
					orders_add_person, m->persons, out);
	if (rc == PARTA_OK)
		rc = bundle_import_list(app, org, json_object_get(bundle, "subjects"),
					orders_add_subject, m->subjects, out);
	json_t *groups = json_object_get(bundle, "rights_groups");
	if (rc == PARTA_OK && groups != NULL)
		rc = bundle_import_list(app, org, groups, orders_add_rights_group, m->groups, out);
	/* Positions name their rights group by reference: resolve into a copy. */
	json_t *positions = json_deep_copy(json_object_get(bundle, "positions"));
	size_t pi;
	json_t *prow;
	json_array_foreach(positions, pi, prow)
	{
		const char *ref = json_string_value(json_object_get(prow, "rights_group"));
		json_t *id = ref ? json_object_get(m->groups, ref) : NULL;
		if (ref != NULL && id == NULL && rc == PARTA_OK)
			rc = bundle_fail(out, PARTA_EVALIDATION, "Неизвестная группа прав", ref);
		if (id != NULL)
			json_object_set(prow, "rights_group_id", id);
	}
	if (rc == PARTA_OK)
		rc = bundle_import_list(app, org, positions, orders_add_position, m->positions, out);
	json_decref(positions);
	json_t *orders = json_object_get(bundle, "orders");
	if (rc == PARTA_OK && !json_is_array(orders))
		rc = bundle_fail(out, PARTA_EVALIDATION, "orders: ожидается массив", NULL);
	int64_t last = 0;
	size_t i;
	json_t *o;
	if (rc == PARTA_OK) {
		json_array_foreach(orders, i, o)
		{
			rc = bundle_import_order(app, org, o, m, &last, out);
			if (rc != PARTA_OK)
				break;
		}
	}
	if (rc == PARTA_OK)
		rc = bundle_import_lessons(app, org, json_object_get(bundle, "lessons"), m, out);
	if (rc == PARTA_OK)
		rc = orders_rebuild(app, org, last, out);
	out->id = (int64_t)json_array_size(orders);
	return rc;
}

int bundle_import(struct app *app, int64_t org, json_t *bundle, struct orders_result *out)
{
	memset(out, 0, sizeof *out);
	struct bundle_maps m = {json_object(), json_object(), json_object(), json_object(),
				json_object(), json_object()};
	int rc = db_begin(app->db);
	if (rc == PARTA_OK) {
		rc = bundle_import_tx(app, org, bundle, &m, out);
		rc = rc == PARTA_OK ? db_commit(app->db) : (db_rollback(app->db), rc);
	}
	if (rc == PARTA_OK)
		chatsync_publish(app, &out->notes);
	json_decref(m.persons);
	json_decref(m.subjects);
	json_decref(m.positions);
	json_decref(m.classes);
	json_decref(m.loads);
	json_decref(m.groups);
	if (rc == PARTA_OK)
		log_msg(LOG_INFO, "bundle", "imported org=%" PRId64 " orders=%" PRId64, org,
			out->id);
	return rc;
}
