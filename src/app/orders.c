#include "orders.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/rights.h"
#include "../core/timetable.h"
#include "../core/utf8.h"
#include "../store/rstore.h"
#include "../util/log.h"
#include "rcache.h"

#define ORDERS_SUBGROUP_MAX 200
#define ORDERS_TEXT_MAX 200
#define ORDERS_CARRY_MAX 500

__attribute__((format(printf, 3, 4))) static int orders_fail(struct orders_result *out, int err,
							     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out->why, sizeof out->why, fmt, ap);
	va_end(ap);
	return err;
}

void orders_result_free(struct orders_result *out)
{
	roster_touched_free(&out->touched);
	chatsync_notes_free(&out->notes);
	json_decref(out->order);
	json_decref(out->dependents);
	memset(out, 0, sizeof *out);
}

/* ---- parsing ---- */

static bool orders_text_ok(const char *s, size_t max)
{
	size_t len = s ? strlen(s) : 0;
	return len > 0 && len <= max && utf8_valid_text(s, len) && memchr(s, '\n', len) == NULL;
}

/* Fills a core order from a stored or requested payload. `o->name` and carried class names
 * point into `payload`, which must outlive the order; *owned (the caller frees) holds the
 * subgroup ids and the carried classes. */
int orders_from_json(json_t *payload, int64_t id, struct roster_order *o, void **owned,
		     struct orders_result *out)
{
	memset(o, 0, sizeof *o);
	*owned = NULL;
	o->id = id;
	const char *kind = json_string_value(json_object_get(payload, "kind"));
	if (kind == NULL || roster_kind_parse(kind, &o->kind) != PARTA_OK)
		return orders_fail(out, PARTA_EVALIDATION, "Неизвестный вид приказа");
	static const struct {
		const char *key;
		size_t offset;
	} ids[] = {
		{"person_id", offsetof(struct roster_order, person)},
		{"student_id", offsetof(struct roster_order, student)},
		{"class_id", offsetof(struct roster_order, class_id)},
		{"position_id", offsetof(struct roster_order, position)},
		{"from_position_id", offsetof(struct roster_order, from_position)},
		{"load_id", offsetof(struct roster_order, load_id)},
		{"subject_id", offsetof(struct roster_order, subject)},
	};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		json_t *v = json_object_get(payload, ids[i].key);
		if (v == NULL || json_is_null(v))
			continue;
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return orders_fail(out, PARTA_EVALIDATION,
					   "%s: положительное целое число", ids[i].key);
		*(int64_t *)(void *)((char *)o + ids[i].offset) = json_integer_value(v);
	}
	o->name = json_string_value(json_object_get(payload, "name"));
	o->year = (int)json_integer_value(json_object_get(payload, "year"));
	o->parallel = (int)json_integer_value(json_object_get(payload, "parallel"));
	o->last_parallel = (int)json_integer_value(json_object_get(payload, "last_parallel"));
	json_t *sub = json_object_get(payload, "subgroup");
	json_t *carry = json_object_get(payload, "carry");
	size_t nsub = json_array_size(sub), ncarry = json_array_size(carry);
	if ((sub != NULL && !json_is_array(sub)) || nsub > ORDERS_SUBGROUP_MAX)
		return orders_fail(out, PARTA_EVALIDATION, "subgroup: массив до %d учеников",
				   ORDERS_SUBGROUP_MAX);
	if ((carry != NULL && !json_is_array(carry)) || ncarry > ORDERS_CARRY_MAX)
		return orders_fail(out, PARTA_EVALIDATION, "carry: массив до %d классов",
				   ORDERS_CARRY_MAX);
	if (nsub + ncarry == 0)
		return PARTA_OK;
	/* One block: the carried classes first (stricter alignment), then the subgroup. */
	char *block = malloc(ncarry * sizeof(struct roster_carry) + nsub * sizeof(int64_t));
	if (block == NULL)
		return PARTA_ENOMEM;
	*owned = block;
	struct roster_carry *carried = (struct roster_carry *)(void *)block;
	int64_t *students = (int64_t *)(void *)(block + ncarry * sizeof(struct roster_carry));
	for (size_t i = 0; i < nsub; i++) {
		json_t *v = json_array_get(sub, i);
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return orders_fail(out, PARTA_EVALIDATION, "subgroup: идентификаторы учеников");
		students[i] = json_integer_value(v);
	}
	for (size_t i = 0; i < ncarry; i++) {
		json_t *k = json_array_get(carry, i);
		json_t *from = json_object_get(k, "from"), *to = json_object_get(k, "to");
		carried[i] = (struct roster_carry){json_integer_value(from), json_integer_value(to),
						   json_string_value(json_object_get(k, "name"))};
		if (!json_is_integer(from) || !json_is_integer(to) || carried[i].name == NULL)
			return orders_fail(out, PARTA_EVALIDATION,
					   "carry: элементы {from, to, name}");
	}
	o->subgroup = nsub ? students : NULL;
	o->nsubgroup = nsub;
	o->carry = ncarry ? carried : NULL;
	o->ncarry = ncarry;
	return PARTA_OK;
}

/* ---- history ---- */

struct orders_history {
	json_t *rows; /* keeps the payload strings alive */
	struct roster_order *orders;
	void **owned; /* per order, from orders_from_json */
	size_t n;
};

static void orders_history_free(struct orders_history *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->owned[i]);
	free(h->owned);
	free(h->orders);
	json_decref(h->rows);
	memset(h, 0, sizeof *h);
}

static int orders_history_load(struct app *app, int64_t org, struct orders_history *h,
			       struct orders_result *out)
{
	memset(h, 0, sizeof *h);
	int rc = rstore_active_orders(app->db, org, &h->rows);
	if (rc != PARTA_OK)
		return rc;
	size_t n = json_array_size(h->rows);
	h->orders = calloc(n + 1, sizeof *h->orders);
	h->owned = calloc(n + 1, sizeof *h->owned);
	if (h->orders == NULL || h->owned == NULL) {
		orders_history_free(h);
		return PARTA_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *row = json_array_get(h->rows, i);
		rc = orders_from_json(json_object_get(row, "payload"),
				      json_integer_value(json_object_get(row, "id")),
				      &h->orders[i], &h->owned[i], out);
		h->n = i + 1;
		if (rc != PARTA_OK) {
			log_msg(LOG_ERROR, "orders", "stored_order_unreadable org=%" PRId64, org);
			orders_history_free(h);
			return PARTA_EIO;
		}
	}
	return PARTA_OK;
}

/* ---- references ---- */

static int orders_check_ref(struct app *app, int64_t org, enum rstore_ref kind, int64_t id,
			    const char *what, struct orders_result *out)
{
	if (id == 0)
		return PARTA_OK;
	int rc = rstore_owned(app->db, org, kind, id);
	if (rc == PARTA_ENOTFOUND)
		return orders_fail(out, PARTA_EVALIDATION, "%s %" PRId64 " не найден(а) в организации",
				   what, id);
	return rc;
}

static int orders_check_refs(struct app *app, int64_t org, const struct roster_order *o,
			     struct orders_result *out)
{
	int rc = orders_check_ref(app, org, RSTORE_PERSON, o->person, "Человек", out);
	if (rc == PARTA_OK)
		rc = orders_check_ref(app, org, RSTORE_PERSON, o->student, "Ученик", out);
	if (rc == PARTA_OK)
		rc = orders_check_ref(app, org, RSTORE_POSITION, o->position, "Должность", out);
	if (rc == PARTA_OK)
		rc = orders_check_ref(app, org, RSTORE_POSITION, o->from_position, "Должность", out);
	if (rc == PARTA_OK)
		rc = orders_check_ref(app, org, RSTORE_SUBJECT, o->subject, "Предмет", out);
	if (rc == PARTA_OK && o->kind != ROSTER_CLASS_CREATE)
		rc = orders_check_ref(app, org, RSTORE_CLASS, o->class_id, "Класс", out);
	if (rc == PARTA_OK)
		rc = orders_check_ref(app, org, RSTORE_LOAD, o->load_id, "Нагрузка", out);
	for (size_t i = 0; rc == PARTA_OK && i < o->nsubgroup; i++)
		rc = orders_check_ref(app, org, RSTORE_PERSON, o->subgroup[i], "Ученик", out);
	for (size_t i = 0; rc == PARTA_OK && i < o->ncarry; i++)
		rc = orders_check_ref(app, org, RSTORE_CLASS, o->carry[i].from, "Класс", out);
	return rc;
}

/* ---- issuing ---- */

/* Writes the new roster (only the changed rows, or every row when `rewrite`), the event, and
 * makes the chats follow, inside the transaction. */
static int orders_commit_change(struct app *app, int64_t org, const struct roster *before,
				const struct roster *after, bool rewrite, int64_t order_id,
				const char *action, struct orders_result *out)
{
	struct roster_changes changes;
	int rc = roster_changes(before, after, &changes, &out->touched);
	if (rc != PARTA_OK)
		return rc;
	rc = rewrite ? rstore_materialize(app->db, org, after)
		     : rstore_apply_changes(app->db, org, &changes);
	roster_changes_free(&changes);
	if (rc == PARTA_OK)
		rc = rstore_event_insert(app->db, org, order_id, action, &out->touched,
					 app_now(app), &out->event_id);
	if (rc == PARTA_OK)
		rc = chatsync_roster(app, org, after, &out->touched, &out->notes);
	if (rc == PARTA_OK)
		rc = rstore_roster_version(app->db, org, &out->roster_version);
	return rc;
}

/* The header fields of an order request; fills out->why on failure. */
int orders_header(json_t *body, const char **number, const char **date,
			 const char **effective, struct orders_result *out)
{
	*number = json_string_value(json_object_get(body, "number"));
	*date = json_string_value(json_object_get(body, "date"));
	*effective = json_string_value(json_object_get(body, "effective_date"));
	if (*effective == NULL)
		*effective = *date;
	if (!orders_text_ok(*number, 32))
		return orders_fail(out, PARTA_EVALIDATION, "Номер приказа: от 1 до 32 символов");
	if (!timetable_date_valid(*date) || !timetable_date_valid(*effective))
		return orders_fail(out, PARTA_EVALIDATION,
				   "Дата приказа и дата вступления в силу: ГГГГ-ММ-ДД");
	return PARTA_OK;
}

/* The order request's own fields only, so that stored payloads hold nothing else. */
static json_t *orders_payload(json_t *body)
{
	static const char *const keys[] = {"kind",	 "person_id", "student_id", "class_id",
					   "position_id", "load_id",   "subject_id", "name",
					   "year",	 "parallel",  "subgroup", "last_parallel", "carry",
					   "from_position_id"};
	json_t *payload = json_object();
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		json_t *v = json_object_get(body, keys[i]);
		if (v != NULL && !json_is_null(v))
			json_object_set_new(payload, keys[i], json_deep_copy(v));
	}
	return payload;
}

/* Proposes or completes the plan of a year transition: "carry" entries may give "from" and
 * an edited "name"; "to" ids are always assigned here. Without "carry" every open class of
 * the year below the last parallel is carried under its next name. */
static int orders_plan_year(struct app *app, int64_t org, const struct roster *now,
			    json_t *payload, struct orders_result *out)
{
	int year = (int)json_integer_value(json_object_get(payload, "year"));
	if (json_object_get(payload, "last_parallel") == NULL)
		json_object_set_new(payload, "last_parallel", json_integer(11));
	int last = (int)json_integer_value(json_object_get(payload, "last_parallel"));
	json_t *carry = json_object_get(payload, "carry");
	if (carry == NULL) {
		carry = json_array();
		json_object_set_new(payload, "carry", carry);
		for (size_t i = 0; i < now->nclasses; i++) {
			const struct roster_class *c = &now->classes[i];
			if (!c->open || c->year != year || c->parallel == last)
				continue;
			char name[ROSTER_CLASS_NAME_MAX + 8];
			if (roster_next_name(c->name, name, sizeof name) != PARTA_OK ||
			    strlen(name) > ROSTER_CLASS_NAME_MAX)
				snprintf(name, sizeof name, "%s", c->name);
			json_array_append_new(carry, json_pack("{s:I,s:s}", "from",
							       (json_int_t)c->id, "name", name));
		}
	}
	if (!json_is_array(carry))
		return orders_fail(out, PARTA_EVALIDATION, "carry: массив классов");
	size_t i;
	json_t *k;
	json_array_foreach(carry, i, k)
	{
		if (!json_is_object(k) || json_object_get(k, "to") != NULL)
			return orders_fail(out, PARTA_EVALIDATION,
					   "carry: элементы {from, name}; номера новых классов "
					   "назначает сервер");
		int64_t id;
		int rc = rstore_alloc_id(app->db, org, RSTORE_CLASS, &id);
		if (rc != PARTA_OK)
			return rc;
		json_object_set_new(k, "to", json_integer(id));
	}
	return PARTA_OK;
}

/* The server's part of an order: ids of new classes and loads, and for a year transition
 * without an explicit plan the proposed one (every open class of the year below the last
 * parallel goes on under its next name). Written into the payload before it is parsed. */
static int orders_plan(struct app *app, int64_t org, const struct roster *now, json_t *payload,
		       struct orders_result *out)
{
	const char *kind = json_string_value(json_object_get(payload, "kind"));
	if (kind == NULL)
		return PARTA_OK; /* reported by the parser */
	int64_t id;
	int rc = PARTA_OK;
	if (strcmp(kind, "class_create") == 0) {
		if (json_object_get(payload, "class_id") != NULL)
			return orders_fail(out, PARTA_EVALIDATION,
					   "class_id нового класса назначает сервер");
		if ((rc = rstore_alloc_id(app->db, org, RSTORE_CLASS, &id)) == PARTA_OK)
			json_object_set_new(payload, "class_id", json_integer(id));
	} else if (strcmp(kind, "load_set") == 0 && json_object_get(payload, "load_id") == NULL) {
		if ((rc = rstore_alloc_id(app->db, org, RSTORE_LOAD, &id)) == PARTA_OK)
			json_object_set_new(payload, "load_id", json_integer(id));
	} else if (strcmp(kind, "year_transition") == 0) {
		rc = orders_plan_year(app, org, now, payload, out);
	}
	return rc;
}

/* `after` (initialized by the caller) receives the roster after the order. */
static int orders_issue_tx(struct app *app, int64_t org, int64_t by, json_t *body,
			   json_t *payload, struct roster *after, struct orders_result *out)
{
	const char *number, *date, *effective;
	int rc = orders_header(body, &number, &date, &effective, out);
	/* The materialized roster is the fold of the active orders: no replay needed here. */
	struct roster before;
	roster_init(&before);
	if (rc == PARTA_OK)
		rc = rcache_get(app, org, &before);
	if (rc == PARTA_OK)
		rc = roster_copy(after, &before);
	if (rc == PARTA_OK)
		rc = orders_plan(app, org, &before, payload, out);
	struct roster_order o;
	void *owned = NULL;
	if (rc == PARTA_OK)
		rc = orders_from_json(payload, 0, &o, &owned, out);
	if (rc == PARTA_OK)
		rc = orders_check_refs(app, org, &o, out);
	if (rc == PARTA_OK)
		rc = roster_apply(after, &o, out->why, sizeof out->why);
	char *text = NULL;
	if (rc == PARTA_OK && (text = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		rc = PARTA_ENOMEM;
	if (rc == PARTA_OK)
		rc = rstore_order_insert(app->db, org, number, date, effective,
					 json_string_value(json_object_get(payload, "kind")), text,
					 by, app_now(app), &out->id);
	if (rc == PARTA_OK)
		rc = orders_commit_change(app, org, &before, after, false, out->id, "applied", out);
	if (rc == PARTA_OK)
		out->order = json_pack("{s:I,s:s,s:s,s:s,s:s,s:O}", "id", (json_int_t)out->id,
				       "number", number, "date", date, "effective_date", effective,
				       "status", "applied", "payload", payload);
	free(text);
	free(owned);
	roster_free(&before);
	return rc;
}

int orders_issue(struct app *app, int64_t org, int64_t by, json_t *body,
		 struct orders_result *out)
{
	memset(out, 0, sizeof *out);
	json_t *payload = orders_payload(body);
	bool dry_run = json_is_true(json_object_get(body, "dry_run"));
	struct roster after;
	roster_init(&after);
	int rc = db_begin(app->db);
	if (rc == PARTA_OK) {
		rc = orders_issue_tx(app, org, by, body, payload, &after, out);
		/* A dry run does everything, reports it, and keeps nothing. */
		if (rc == PARTA_OK && !dry_run)
			rc = db_commit(app->db);
		else
			db_rollback(app->db);
	}
	if (rc == PARTA_OK && !dry_run)
		rcache_put(app, org, out->roster_version, &after);
	roster_free(&after);
	json_decref(payload);
	if (rc == PARTA_OK && dry_run) {
		json_object_set_new(out->order, "status", json_string("dry_run"));
		json_object_del(out->order, "id");
		out->id = 0;
		out->event_id = 0;
	} else if (rc == PARTA_OK) {
		chatsync_publish(app, &out->notes);
		log_msg(LOG_INFO, "orders", "issued org=%" PRId64 " order=%" PRId64 " classes=%zu",
			org, out->id, out->touched.nclass_ids);
	}
	return rc;
}

int orders_rebuild(struct app *app, int64_t org, int64_t last_order, struct orders_result *out)
{
	struct orders_history h;
	int rc = orders_history_load(app, org, &h, out);
	if (rc != PARTA_OK)
		return rc;
	struct roster empty, after;
	roster_init(&empty);
	size_t nfailed = 0;
	int64_t failed[64];
	rc = roster_replay(h.orders, h.n, h.n, &after, failed, 64, &nfailed);
	if (rc == PARTA_OK && nfailed > 0) {
		rc = rstore_order_numbers(app->db, org, failed, nfailed < 64 ? nfailed : 64,
					  &out->dependents);
		if (rc == PARTA_OK)
			rc = orders_fail(out, PARTA_EVALIDATION,
					 "Приказы не применяются к составу (%zu), первый: %s",
					 nfailed,
					 json_string_value(json_object_get(
						 json_array_get(out->dependents, 0), "number")));
	}
	if (rc == PARTA_OK && h.n > 0)
		rc = orders_commit_change(app, org, &empty, &after, true, last_order, "applied", out);
	roster_free(&after);
	orders_history_free(&h);
	return rc;
}

/* ---- cancelling ---- */

static int orders_cancel_tx(struct app *app, int64_t org, int64_t order_id,
			    struct orders_result *out)
{
	char status[16];
	int rc = rstore_order_status(app->db, org, order_id, status);
	if (rc == PARTA_ENOTFOUND)
		return orders_fail(out, rc, "Приказ не найден");
	if (rc == PARTA_OK && strcmp(status, "cancelled") == 0)
		return orders_fail(out, PARTA_ECONFLICT, "Приказ уже отменён");
	struct orders_history h = {0};
	if (rc == PARTA_OK)
		rc = orders_history_load(app, org, &h, out);
	size_t index = h.n;
	for (size_t i = 0; i < h.n; i++)
		if (h.orders[i].id == order_id)
			index = i;
	struct roster before, after;
	roster_init(&before);
	roster_init(&after);
	size_t nfailed = 0;
	int64_t failed[64];
	if (rc == PARTA_OK)
		rc = roster_replay(h.orders, h.n, index, &after, failed, 64, &nfailed);
	if (rc == PARTA_OK && nfailed > 0) {
		rc = rstore_order_numbers(app->db, org, failed, nfailed < 64 ? nfailed : 64,
					  &out->dependents);
		if (rc == PARTA_OK)
			rc = orders_fail(out, PARTA_ECONFLICT,
					 "Отмена невозможна: от приказа зависят более поздние "
					 "приказы (%zu)",
					 nfailed);
	}
	if (rc == PARTA_OK)
		rc = roster_replay(h.orders, h.n, h.n, &before, failed, 1, &nfailed);
	if (rc == PARTA_OK)
		rc = rstore_order_cancel(app->db, order_id, app_now(app));
	if (rc == PARTA_OK)
		rc = orders_commit_change(app, org, &before, &after, false, order_id, "cancelled",
					  out);
	out->id = order_id;
	roster_free(&before);
	roster_free(&after);
	orders_history_free(&h);
	return rc;
}

int orders_cancel(struct app *app, int64_t org, int64_t order_id, struct orders_result *out)
{
	memset(out, 0, sizeof *out);
	int rc = db_begin(app->db);
	if (rc != PARTA_OK)
		return rc;
	rc = orders_cancel_tx(app, org, order_id, out);
	rc = rc == PARTA_OK ? db_commit(app->db) : (db_rollback(app->db), rc);
	if (rc == PARTA_OK) {
		chatsync_publish(app, &out->notes);
		log_msg(LOG_INFO, "orders", "cancelled org=%" PRId64 " order=%" PRId64, org,
			order_id);
	}
	return rc;
}

/* ---- reference data ---- */

static const char *orders_opt_text(json_t *body, const char *key)
{
	const char *v = json_string_value(json_object_get(body, key));
	return v ? v : "";
}

int orders_add_person(struct app *app, int64_t org, json_t *body, struct orders_result *out)
{
	memset(out, 0, sizeof *out);
	struct rstore_person p = {
		.surname = orders_opt_text(body, "surname"),
		.first_name = orders_opt_text(body, "first_name"),
		.patronymic = orders_opt_text(body, "patronymic"),
		.birth_date = orders_opt_text(body, "birth_date"),
		.gender = orders_opt_text(body, "gender"),
		.phone = orders_opt_text(body, "phone"),
		.email = orders_opt_text(body, "email"),
	};
	if (!orders_text_ok(p.surname, ORDERS_TEXT_MAX) ||
	    !orders_text_ok(p.first_name, ORDERS_TEXT_MAX))
		return orders_fail(out, PARTA_EVALIDATION, "Укажите фамилию и имя (до 200 байт)");
	const char *optional[] = {p.patronymic, p.phone, p.email};
	for (size_t i = 0; i < 3; i++)
		if (optional[i][0] != '\0' && !orders_text_ok(optional[i], ORDERS_TEXT_MAX))
			return orders_fail(out, PARTA_EVALIDATION,
					   "Отчество, телефон и e-mail: текст до 200 байт");
	if (p.birth_date[0] != '\0' && !timetable_date_valid(p.birth_date))
		return orders_fail(out, PARTA_EVALIDATION, "Дата рождения: ГГГГ-ММ-ДД");
	if (strcmp(p.gender, "") != 0 && strcmp(p.gender, "m") != 0 && strcmp(p.gender, "f") != 0)
		return orders_fail(out, PARTA_EVALIDATION, "Пол: m или f");
	return rstore_person_insert(app->db, org, &p, app_now(app), &out->id);
}

static int orders_add_named(struct app *app, int64_t org, enum rstore_ref kind, json_t *body,
			    struct orders_result *out)
{
	memset(out, 0, sizeof *out);
	const char *name = json_string_value(json_object_get(body, "name"));
	const char *type = orders_opt_text(body, "position_type");
	if (!orders_text_ok(name, ORDERS_TEXT_MAX))
		return orders_fail(out, PARTA_EVALIDATION, "Укажите название (до 200 байт)");
	if (kind == RSTORE_POSITION && !orders_text_ok(type, ORDERS_TEXT_MAX))
		return orders_fail(out, PARTA_EVALIDATION,
				   "Укажите тип должности («Педагогический состав» …)");
	json_t *group = json_object_get(body, "rights_group_id");
	int64_t group_id = json_is_integer(group) ? json_integer_value(group) : 0;
	if (kind == RSTORE_POSITION && group != NULL && !json_is_null(group) &&
	    (group_id <= 0 || rstore_owned(app->db, org, RSTORE_RIGHTS_GROUP, group_id) != PARTA_OK))
		return orders_fail(out, PARTA_EVALIDATION,
				   "rights_group_id: группа прав не найдена в организации");
	int rc = rstore_named_insert(app->db, org, kind, name, type, group_id, &out->id);
	if (rc == PARTA_ECONFLICT)
		return orders_fail(out, rc, "Такое название уже есть");
	return rc;
}

int orders_add_rights_group(struct app *app, int64_t org, json_t *body,
			    struct orders_result *out)
{
	memset(out, 0, sizeof *out);
	const char *name = json_string_value(json_object_get(body, "name"));
	json_t *rights = json_object_get(body, "rights");
	if (!orders_text_ok(name, ORDERS_TEXT_MAX))
		return orders_fail(out, PARTA_EVALIDATION, "Укажите название группы прав");
	size_t n = json_array_size(rights);
	if (!json_is_array(rights) || n > 32)
		return orders_fail(out, PARTA_EVALIDATION, "rights: массив кодов прав");
	const char *codes[32];
	for (size_t i = 0; i < n; i++) {
		codes[i] = json_string_value(json_array_get(rights, i));
		if (rights_find(codes[i]) == NULL)
			return orders_fail(out, PARTA_EVALIDATION, "Неизвестное право: %.60s",
					   codes[i] ? codes[i] : "?");
	}
	int rc = rstore_rights_group_insert(app->db, org, name, codes, n, &out->id);
	if (rc == PARTA_ECONFLICT)
		return orders_fail(out, rc, "Такое название уже есть");
	return rc;
}

int orders_add_subject(struct app *app, int64_t org, json_t *body, struct orders_result *out)
{
	return orders_add_named(app, org, RSTORE_SUBJECT, body, out);
}

int orders_add_position(struct app *app, int64_t org, json_t *body, struct orders_result *out)
{
	return orders_add_named(app, org, RSTORE_POSITION, body, out);
}
