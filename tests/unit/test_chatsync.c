/* test_chatsync.c — chat sync through the real store (an SQLite file): after every order or
 * cancellation of random histories, per profile, «Инициализировать список чатов» finds nothing
 * to change in the chats that exist (incremental sync kept them equal to a full recompute);
 * pending members and their activation; notes for online clients. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/app.h"
#include "app/chatsync.h"
#include "app/orders.h"
#include "core/chatplan.h"
#include "core/err.h"
#include "store/account.h"
#include "store/cstore.h"
#include "store/rstore.h"
#include "tmpdir.h"
#include "util/log.h"

struct fixture {
	char dir[TMPDIR_PATH_MAX];
	struct db *db;
	struct app app;
	int64_t org;
	int64_t students[8], staff[4], parents[3], positions[3], subjects[2];
	int number;
	/* what app->publish received */
	int64_t published_person[256];
	char published[256][160];
	size_t npublished;
};

static void capture(void *ctx, int64_t person, const char *json)
{
	struct fixture *f = ctx;
	if (f->npublished < 256) {
		f->published_person[f->npublished] = person;
		snprintf(f->published[f->npublished], sizeof f->published[0], "%s", json);
		f->npublished++;
	}
}

static int64_t add_person(struct fixture *f, const char *surname)
{
	struct orders_result res;
	json_t *body = json_pack("{s:s,s:s}", "surname", surname, "first_name", "Тест");
	assert_int_equal(orders_add_person(&f->app, f->org, body, &res), PARTA_OK);
	json_decref(body);
	int64_t id = res.id;
	orders_result_free(&res);
	return id;
}

static int64_t add_named(struct fixture *f, bool position, const char *name, const char *type)
{
	struct orders_result res;
	json_t *body = json_pack("{s:s,s:s}", "name", name, "position_type", type);
	int rc = position ? orders_add_position(&f->app, f->org, body, &res)
			  : orders_add_subject(&f->app, f->org, body, &res);
	assert_int_equal(rc, PARTA_OK);
	json_decref(body);
	int64_t id = res.id;
	orders_result_free(&res);
	return id;
}

static void setup_org(struct fixture *f, const char *profile)
{
	memset(f, 0, sizeof *f);
	log_set_level(LOG_WARN);
	assert_int_equal(tmpdir_make(f->dir, "chatsync"), 0);
	char path[TMPDIR_PATH_MAX];
	assert_int_equal(tmpdir_file(path, f->dir, "p.db"), 0);
	assert_int_equal(db_open(path, &f->db, NULL, 0), PARTA_OK);
	assert_int_equal(app_init(&f->app, f->db, app_limits_default(), true), PARTA_OK);
	f->app.publish = capture;
	f->app.publish_ctx = f;
	assert_int_equal(account_org_ensure(f->db, "Школа", 0, &f->org), PARTA_OK);
	assert_int_equal(rstore_org_set(f->db, f->org, "school", profile, "Europe/Moscow", 0),
			 PARTA_OK);
	for (int i = 0; i < 8; i++)
		f->students[i] = add_person(f, "Ученик");
	for (int i = 0; i < 4; i++)
		f->staff[i] = add_person(f, "Учитель");
	for (int i = 0; i < 3; i++)
		f->parents[i] = add_person(f, "Родитель");
	f->positions[0] = add_named(f, true, "Учитель", "Педагогический состав");
	f->positions[1] = add_named(f, true, "Директор", "Администрация");
	f->positions[2] = add_named(f, true, "Завхоз", "Учебно-вспомогательный персонал");
	f->subjects[0] = add_named(f, false, "Химия", "");
	f->subjects[1] = add_named(f, false, "Английский язык", "");
}

static void teardown_org(struct fixture *f)
{
	app_close(&f->app);
	db_close(f->db);
	tmpdir_remove(f->dir);
}

/* Issues an order; returns its id, or 0 when the roster refused it. */
static int64_t issue(struct fixture *f, json_t *body)
{
	char number[16];
	snprintf(number, sizeof number, "Т-%d", ++f->number);
	json_object_set_new(body, "number", json_string(number));
	json_object_set_new(body, "date", json_string("2026-09-01"));
	struct orders_result res;
	int rc = orders_issue(&f->app, f->org, 0, body, &res);
	json_decref(body);
	assert_true(rc == PARTA_OK || rc == PARTA_ECONFLICT || rc == PARTA_EVALIDATION);
	int64_t id = rc == PARTA_OK ? res.id : 0;
	orders_result_free(&res);
	return id;
}

/* A field of the payload of the organisation's latest order (ids the server assigned). */
static int64_t last_payload(struct fixture *f, const char *key)
{
	json_t *rows;
	assert_int_equal(rstore_list(f->db, f->org, "orders", &rows), PARTA_OK);
	json_t *last = json_array_get(rows, json_array_size(rows) - 1);
	json_t *payload = json_loads(json_string_value(json_object_get(last, "payload")), 0, NULL);
	int64_t v = json_integer_value(json_object_get(payload, key));
	json_decref(payload);
	json_decref(rows);
	return v;
}

static uint32_t rng(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* The chats that exist are exactly as a full recompute says; the chats the profile keeps
 * automatically all exist. Subject chats an Initialize would create are allowed (sgo makes
 * them only by Initialize). */
static void assert_in_step(struct fixture *f, bool sgo)
{
	json_t *plan;
	assert_int_equal(chatsync_initialize(&f->app, f->org, (1u << CHAT_KINDS) - 1, true, NULL,
					     NULL, &plan, NULL),
			 PARTA_OK);
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(plan, "chats"), i, c)
	{
		const char *action = json_string_value(json_object_get(c, "action"));
		const char *kind = json_string_value(json_object_get(c, "kind"));
		if (strcmp(action, "create") == 0 && sgo && strcmp(kind, "subject") == 0)
			continue;
		fail_msg("out of step: %s %s %s (+%lld -%lld)", action, kind,
			 json_string_value(json_object_get(c, "name")),
			 (long long)json_integer_value(json_object_get(c, "join")),
			 (long long)json_integer_value(json_object_get(c, "leave")));
	}
	json_decref(plan);
}

static void run_histories(const char *profile, unsigned sequences)
{
	bool sgo = strcmp(profile, "sgo") == 0;
	size_t applied = 0, cancelled = 0;
	for (unsigned seq = 0; seq < sequences; seq++) {
		struct fixture f;
		setup_org(&f, profile);
		uint32_t s = (seq + 1) * 2654435761u;
		int64_t classes[3] = {0}, loads[4] = {0}, done[64];
		size_t ndone = 0;
		for (int i = 0; i < 3; i++) {
			assert_true(issue(&f, json_pack("{s:s,s:s,s:i,s:i}", "kind", "class_create",
							"name", i == 0 ? "5А" : i == 1 ? "5Б" : "6А",
							"year", 2026, "parallel", 5 + i / 2)));
			classes[i] = last_payload(&f, "class_id");
		}
		for (int step = 0; step < 30; step++) {
			uint32_t what = rng(&s) % 12;
			int64_t student = f.students[rng(&s) % 8], teacher = f.staff[rng(&s) % 4];
			int64_t cls = classes[rng(&s) % 3];
			json_t *body = NULL;
			if (what == 0 && ndone > 0) {
				struct orders_result res;
				int rc = orders_cancel(&f.app, f.org, done[rng(&s) % ndone], &res);
				assert_true(rc == PARTA_OK || rc == PARTA_ECONFLICT);
				cancelled += rc == PARTA_OK;
				orders_result_free(&res);
			} else if (what == 1 && sgo) {
				json_t *summary;
				assert_int_equal(chatsync_initialize(&f.app, f.org,
								     CHAT_KIND_BIT(CHAT_SUBJECT), false,
								     NULL, NULL, &summary, NULL),
						 PARTA_OK);
				json_decref(summary);
			} else if (what <= 3) {
				body = json_pack("{s:s,s:I,s:I}", "kind", "enrol", "person_id",
						 (json_int_t)student, "class_id", (json_int_t)cls);
			} else if (what == 4) {
				body = json_pack("{s:s,s:I}", "kind", rng(&s) % 2 ? "withdraw" : "dismiss",
						 "person_id", (json_int_t)(rng(&s) % 2 ? student : teacher));
			} else if (what == 5) {
				body = json_pack("{s:s,s:I,s:I}", "kind", "transfer", "person_id",
						 (json_int_t)student, "class_id", (json_int_t)cls);
			} else if (what == 6) {
				body = json_pack("{s:s,s:I,s:I}", "kind", "hire", "person_id",
						 (json_int_t)teacher, "position_id",
						 (json_int_t)f.positions[rng(&s) % 3]);
			} else if (what == 7) {
				body = json_pack("{s:s,s:I,s:I}", "kind", "homeroom", "person_id",
						 (json_int_t)teacher, "class_id", (json_int_t)cls);
			} else if (what == 8) {
				size_t l = rng(&s) % 4;
				body = json_pack("{s:s,s:I,s:I,s:I}", "kind", "load_set", "class_id",
						 (json_int_t)classes[l % 3], "subject_id",
						 (json_int_t)f.subjects[l % 2], "person_id",
						 (json_int_t)teacher);
				if (loads[l])
					json_object_set_new(body, "load_id", json_integer(loads[l]));
				json_object_set_new(body, "slot", json_integer((json_int_t)l));
				if (l == 3)
					json_object_set_new(body, "subgroup",
							    json_pack("[I]", (json_int_t)student));
			} else {
				body = json_pack("{s:s,s:I,s:I}", "kind",
						 what == 11 ? "guardian_remove" : "guardian_add",
						 "person_id", (json_int_t)f.parents[rng(&s) % 3],
						 "student_id", (json_int_t)student);
			}
			if (body != NULL) {
				bool is_load = strcmp(json_string_value(json_object_get(body, "kind")),
						      "load_set") == 0;
				json_t *keep = json_incref(body);
				int64_t id = issue(&f, body);
				if (id && is_load) {
					/* remember the load's id for later changes of its teacher */
					size_t l = (size_t)json_integer_value(json_object_get(keep, "slot"));
					if (!loads[l])
						loads[l] = last_payload(&f, "load_id");
				}
				json_decref(keep);
				if (id && ndone < 64)
					done[ndone++] = id;
				applied += id != 0;
			}
			assert_in_step(&f, sgo);
		}
		teardown_org(&f);
	}
	print_message("%s: %u histories, %zu orders, %zu cancels\n", profile, sequences, applied,
		      cancelled);
	assert_true(applied > sequences * 8);
}

static unsigned histories(void)
{
	const char *v = getenv("PARTA_SOAK_SEQUENCES");
	return v ? (unsigned)strtoul(v, NULL, 10) / 100 + 1 : 8;
}

static void test_sgo_histories(void **state)
{
	(void)state;
	run_histories("sgo", histories());
}

static void test_bars_histories(void **state)
{
	(void)state;
	run_histories("bars", histories());
}

static void test_paragraf_histories(void **state)
{
	(void)state;
	run_histories("paragraf", histories());
}

/* Pending members become present at once when their person links a profile; notes reach the
 * person's online clients after the commit. */
static void test_pending_and_notes(void **state)
{
	(void)state;
	struct fixture f;
	setup_org(&f, "sgo");
	int64_t cls = issue(&f, json_pack("{s:s,s:s,s:i,s:i}", "kind", "class_create", "name", "7В",
					  "year", 2026, "parallel", 7));
	assert_true(cls != 0);
	int64_t class_id = last_payload(&f, "class_id");
	f.npublished = 0;
	assert_true(issue(&f, json_pack("{s:s,s:I,s:I}", "kind", "enrol", "person_id",
					(json_int_t)f.students[0], "class_id", (json_int_t)class_id)));
	assert_int_equal(f.npublished, 1);
	assert_int_equal(f.published_person[0], f.students[0]);
	assert_non_null(strstr(f.published[0], "\"type\":\"chat.member\""));
	assert_non_null(strstr(f.published[0], "\"member\":true"));

	json_t *list;
	assert_int_equal(cstore_list(f.db, f.org, &list), PARTA_OK);
	json_t *class_chat = NULL;
	size_t i;
	json_t *c;
	json_array_foreach(list, i, c) if (strcmp(json_string_value(json_object_get(c, "kind")),
						  "class") == 0) class_chat = c;
	assert_non_null(class_chat);
	assert_int_equal(json_integer_value(json_object_get(class_chat, "pending")), 1);
	int64_t chat = json_integer_value(json_object_get(class_chat, "id"));
	json_decref(list);

	f.npublished = 0;
	json_t *chats;
	assert_int_equal(chatsync_set_linked(&f.app, f.org, f.students[0], true, &chats), PARTA_OK);
	assert_int_equal(json_array_size(chats), 1);
	assert_int_equal(json_integer_value(json_array_get(chats, 0)), chat);
	json_decref(chats);
	assert_int_equal(f.npublished, 1);
	json_t *one;
	assert_int_equal(cstore_chat(f.db, f.org, chat, &one), PARTA_OK);
	assert_int_equal(json_integer_value(json_object_get(one, "pending")), 0);
	json_decref(one);
	/* A person of another organisation cannot be linked through this one. */
	assert_int_equal(chatsync_set_linked(&f.app, f.org + 1000, f.students[0], true, NULL),
			 PARTA_ENOTFOUND);
	/* Changes by hand: an archived or foreign chat is refused. */
	assert_int_equal(chatsync_by_hand(&f.app, f.org + 1000, chat, f.staff[0], CHATSYNC_ADD),
			 PARTA_ENOTFOUND);
	teardown_org(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sgo_histories),
		cmocka_unit_test(test_bars_histories),
		cmocka_unit_test(test_paragraf_histories),
		cmocka_unit_test(test_pending_and_notes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
