#include "link.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../core/err.h"
#include "../core/timetable.h"
#include "../core/utf8.h"
#include "../store/pstore.h"
#include "../util/log.h"
#include "auth.h"
#include "chatsync.h"

__attribute__((format(printf, 3, 4))) int link_fail(struct link_result *out, int err,
							   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out->why, sizeof out->why, fmt, ap);
	va_end(ap);
	return err;
}

void link_result_free(struct link_result *r)
{
	json_decref(r->profile);
	sodium_memzero(r->sms_text, sizeof r->sms_text);
	memset(r, 0, sizeof *r);
}

static json_t *link_profile_json(const struct pstore_profile *p)
{
	char masked[PHONE_LEN + 1];
	phone_mask(p->phone, masked);
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)p->id, "phone", masked,
			 "surname", p->surname, "first_name", p->first_name, "patronymic",
			 p->patronymic, "birth_date", p->birth_date, "gender", p->gender);
}

/* ---- tokens and codes ---- */

bool link_token_hash(const char *token, unsigned char hash[32])
{
	if (token == NULL || strlen(token) != 64)
		return false;
	for (const char *p = token; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	crypto_generichash(hash, 32, (const unsigned char *)token, 64, NULL, 0);
	return true;
}

void link_token_new(char token[65], unsigned char hash[32])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(token, 65, raw, sizeof raw);
	(void)link_token_hash(token, hash);
}

/* The code's hash binds it to its phone; the key is the app's, random per process. */
static void link_code_hash(const struct app *app, const char *phone, const char *code,
			   unsigned char hash[32])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, app->code_key, sizeof app->code_key, 32);
	crypto_generichash_update(&st, (const unsigned char *)phone, strlen(phone));
	crypto_generichash_update(&st, (const unsigned char *)code, strlen(code));
	crypto_generichash_final(&st, hash, 32);
}

/* Stores the flow under a new token and reports the step. */
static int link_advance(struct app *app, struct pstore_flow *f, struct link_result *out)
{
	unsigned char hash[32];
	link_token_new(out->flow, hash);
	f->expires_at = app_now(app) + LINK_FLOW_TTL;
	out->step = f->flow.step;
	out->has_password = f->flow.has_password;
	return pstore_flow_put(app->db, hash, f);
}

static int link_load(struct app *app, const struct account *acc, const char *flow,
		     struct pstore_flow *f, struct link_result *out)
{
	unsigned char hash[32];
	if (!link_token_hash(flow, hash))
		return link_fail(out, PARTA_ENOTFOUND, "Шаг привязки устарел: начните заново");
	int rc = pstore_flow_get(app->db, hash, acc->id, app_now(app), f);
	if (rc == PARTA_ENOTFOUND)
		return link_fail(out, rc, "Шаг привязки устарел: начните заново");
	return rc;
}

int link_new_code(struct app *app, const char *phone, const char *addr, struct link_result *out)
{
	struct smscode_history h;
	int64_t now = app_now(app);
	int rc = pstore_code_history(app->db, phone, addr ? addr : "", now, &h);
	if (rc != PARTA_OK)
		return rc;
	int64_t wait = smscode_wait(&h, now);
	if (wait > 0) {
		out->retry_after = wait;
		return link_fail(out, PARTA_ETHROTTLED,
				 "Код можно запросить повторно через %lld с", (long long)wait);
	}
	char code[SMSCODE_DIGITS + 1];
	snprintf(code, sizeof code, "%06" PRIu32, randombytes_uniform(1000000));
	unsigned char hash[32];
	link_code_hash(app, phone, code, hash);
	rc = pstore_code_insert(app->db, phone, addr ? addr : "", hash, now);
	if (rc == PARTA_OK) {
		snprintf(out->sms_phone, sizeof out->sms_phone, "%s", phone);
		snprintf(out->sms_text, sizeof out->sms_text,
			 "Код для привязки учебного профиля: %s. Никому его не сообщайте.", code);
		out->resend_after = SMSCODE_RESEND;
	}
	sodium_memzero(code, sizeof code);
	return rc;
}

int link_check_code(struct app *app, const char *phone, const char *code,
		    struct link_result *out)
{
	if (code == NULL || strlen(code) != SMSCODE_DIGITS || strspn(code, "0123456789") != 6)
		return link_fail(out, PARTA_EVALIDATION, "Код — 6 цифр из SMS");
	struct pstore_code c;
	int rc = pstore_code_latest(app->db, phone, &c);
	if (rc == PARTA_ENOTFOUND)
		return link_fail(out, PARTA_ECONFLICT, "Код не действует: запросите новый");
	if (rc != PARTA_OK)
		return rc;
	unsigned char hash[32];
	link_code_hash(app, phone, code, hash);
	bool matches = sodium_memcmp(hash, c.hash, 32) == 0;
	switch (smscode_check(c.created_at, c.attempts, matches, app_now(app))) {
	case SMSCODE_OK: break;
	case SMSCODE_EXPIRED:
		if ((rc = pstore_code_mark(app->db, c.id, true)) != PARTA_OK)
			return rc;
		return link_fail(out, PARTA_ECONFLICT, "Срок действия кода истёк: запросите новый");
	case SMSCODE_EXHAUSTED:
		if ((rc = pstore_code_mark(app->db, c.id, true)) != PARTA_OK)
			return rc;
		out->attempts_left = 0;
		return link_fail(out, PARTA_EUNAUTH,
				 "Неверный код. Попытки исчерпаны: запросите новый код");
	case SMSCODE_WRONG:
		if ((rc = pstore_code_mark(app->db, c.id, false)) != PARTA_OK)
			return rc;
		out->attempts_left = SMSCODE_ATTEMPTS - c.attempts - 1;
		return link_fail(out, PARTA_EUNAUTH, "Неверный код. Осталось попыток: %u",
				 out->attempts_left);
	}
	return pstore_code_mark(app->db, c.id, true);
}

/* ---- linking itself ---- */

/* Links the account to the profile and activates the person's chats; *chats for the notes. */
static int link_attach(struct app *app, const struct account *acc, int64_t profile,
		       json_t **chats, struct link_result *out)
{
	int rc = pstore_account_link(app->db, acc->id, profile);
	if (rc == PARTA_ECONFLICT)
		return link_fail(out, rc, "Этот учебный профиль уже связан с другой учётной "
					  "записью вашей организации");
	if (rc == PARTA_OK)
		rc = pstore_flow_drop(app->db, acc->id);
	if (rc == PARTA_OK && acc->person_id != 0)
		rc = chatsync_mark_linked(app, acc->org_id, acc->person_id, true, chats);
	struct pstore_profile p;
	if (rc == PARTA_OK && (rc = pstore_profile_by_id(app->db, profile, &p)) == PARTA_OK)
		out->profile = link_profile_json(&p);
	out->step = LINK_DONE;
	out->flow[0] = '\0';
	return rc;
}

typedef int (*link_step_fn)(struct app *, const struct account *, const void *,
			    struct link_result *, json_t **chats);

/* Runs one step in a transaction; after the commit, the person's chats are told. */
static int link_run(struct app *app, const struct account *acc, const void *arg, link_step_fn fn,
		    struct link_result *out)
{
	memset(out, 0, sizeof *out);
	json_t *chats = NULL;
	int rc = db_begin(app->db);
	if (rc != PARTA_OK)
		return rc;
	rc = fn(app, acc, arg, out, &chats);
	/* A wrong code is counted even though the step fails. */
	bool keep = rc == PARTA_OK || rc == PARTA_EUNAUTH;
	int crc = keep ? db_commit(app->db) : (db_rollback(app->db), PARTA_OK);
	if (crc != PARTA_OK)
		rc = crc;
	if (rc == PARTA_OK && chats != NULL) {
		chatsync_publish_linked(app, acc->org_id, acc->person_id, true, chats);
		log_msg(LOG_INFO, "link", "linked account=%" PRId64, acc->id);
	}
	json_decref(chats);
	if (rc != PARTA_OK) {
		out->sms_phone[0] = '\0';
		sodium_memzero(out->sms_text, sizeof out->sms_text);
	}
	return rc;
}

int link_status(struct app *app, const struct account *acc, json_t **out)
{
	int64_t profile;
	int rc = pstore_account_profile(app->db, acc->id, &profile);
	if (rc != PARTA_OK)
		return rc;
	struct pstore_profile p;
	json_t *pj = json_null();
	if (profile != 0) {
		if ((rc = pstore_profile_by_id(app->db, profile, &p)) != PARTA_OK)
			return rc;
		pj = link_profile_json(&p);
	}
	bool staff = strcmp(acc->role, "staff") == 0 || strcmp(acc->role, "admin") == 0;
	*out = json_pack("{s:b,s:o,s:b}", "linked", profile != 0, "profile", pj,
			 "verified_staff", profile != 0 && staff);
	return *out ? PARTA_OK : PARTA_ENOMEM;
}

struct link_start_arg {
	const char *phone, *addr;
};

static int link_start_step(struct app *app, const struct account *acc, const void *arg,
			   struct link_result *out, json_t **chats)
{
	(void)chats;
	const struct link_start_arg *a = arg;
	int64_t linked;
	int rc = pstore_account_profile(app->db, acc->id, &linked);
	if (rc != PARTA_OK)
		return rc;
	if (linked != 0)
		return link_fail(out, PARTA_ECONFLICT,
				 "Учётная запись уже связана с учебным профилем");
	struct pstore_flow f = {.account = acc->id};
	if (phone_normalize(a->phone, f.phone, out->why, sizeof out->why) != PARTA_OK)
		return PARTA_EVALIDATION;
	struct pstore_profile p;
	rc = pstore_profile_by_phone(app->db, f.phone, &p);
	if (rc != PARTA_OK && rc != PARTA_ENOTFOUND)
		return rc;
	bool exists = rc == PARTA_OK;
	f.profile = exists ? p.id : 0;
	f.flow = linkflow_start(exists, exists && p.pw_hash[0] != '\0');
	rc = PARTA_OK;
	if (!exists) /* a new profile starts with a code */
		rc = link_new_code(app, f.phone, a->addr, out);
	if (rc == PARTA_OK)
		rc = link_advance(app, &f, out);
	return rc;
}

int link_start(struct app *app, const struct account *acc, const char *phone, const char *addr,
	       struct link_result *out)
{
	struct link_start_arg a = {phone, addr};
	return link_run(app, acc, &a, link_start_step, out);
}

struct link_flow_arg {
	const char *flow, *text;
	json_t *body;
};

static int link_send_step(struct app *app, const struct account *acc, const void *arg,
			  struct link_result *out, json_t **chats)
{
	(void)chats;
	const struct link_flow_arg *a = arg;
	struct pstore_flow f;
	int rc = link_load(app, acc, a->flow, &f, out);
	if (rc != PARTA_OK)
		return rc;
	if (linkflow_next(&f.flow, LINK_SEND_CODE) != PARTA_OK)
		return link_fail(out, PARTA_ECONFLICT, "На этом шаге код не отправляется");
	rc = link_new_code(app, f.phone, a->text, out);
	return rc == PARTA_OK ? link_advance(app, &f, out) : rc;
}

int link_send_code(struct app *app, const struct account *acc, const char *flow,
		   const char *addr, struct link_result *out)
{
	struct link_flow_arg a = {flow, addr, NULL};
	return link_run(app, acc, &a, link_send_step, out);
}

static int link_code_step(struct app *app, const struct account *acc, const void *arg,
			  struct link_result *out, json_t **chats)
{
	(void)chats;
	const struct link_flow_arg *a = arg;
	struct pstore_flow f;
	int rc = link_load(app, acc, a->flow, &f, out);
	if (rc != PARTA_OK)
		return rc;
	if (f.flow.step != LINK_CODE)
		return link_fail(out, PARTA_ECONFLICT, "Сначала запросите код");
	if ((rc = link_check_code(app, f.phone, a->text, out)) != PARTA_OK)
		return rc;
	if ((rc = linkflow_next(&f.flow, LINK_CODE_OK)) != PARTA_OK)
		return rc;
	struct pstore_profile p;
	if (f.flow.step == LINK_CONFIRM && (rc = pstore_profile_by_id(app->db, f.profile, &p)) ==
						   PARTA_OK)
		out->profile = link_profile_json(&p);
	return rc == PARTA_OK ? link_advance(app, &f, out) : rc;
}

int link_code(struct app *app, const struct account *acc, const char *flow, const char *code,
	      struct link_result *out)
{
	struct link_flow_arg a = {flow, code, NULL};
	return link_run(app, acc, &a, link_code_step, out);
}

static int link_confirm_step(struct app *app, const struct account *acc, const void *arg,
			     struct link_result *out, json_t **chats)
{
	const struct link_flow_arg *a = arg;
	struct pstore_flow f;
	int rc = link_load(app, acc, a->flow, &f, out);
	if (rc != PARTA_OK)
		return rc;
	if (linkflow_next(&f.flow, LINK_CONFIRMED) != PARTA_OK)
		return link_fail(out, PARTA_ECONFLICT, "Сначала подтвердите телефон");
	return link_attach(app, acc, f.profile, chats, out);
}

int link_confirm(struct app *app, const struct account *acc, const char *flow,
		 struct link_result *out)
{
	struct link_flow_arg a = {flow, NULL, NULL};
	return link_run(app, acc, &a, link_confirm_step, out);
}

static bool link_text_ok(const char *s, bool required)
{
	size_t len = s ? strlen(s) : 0;
	if (len == 0)
		return !required;
	return len <= PSTORE_TEXT_MAX && utf8_valid_text(s, len) && strchr(s, '\n') == NULL;
}

static int link_about_step(struct app *app, const struct account *acc, const void *arg,
			   struct link_result *out, json_t **chats)
{
	const struct link_flow_arg *a = arg;
	struct pstore_flow f;
	int rc = link_load(app, acc, a->flow, &f, out);
	if (rc != PARTA_OK)
		return rc;
	if (f.flow.step != LINK_ABOUT)
		return link_fail(out, PARTA_ECONFLICT, "Сначала подтвердите телефон");
	struct pstore_profile p = {0};
	const char *v[5];
	static const char *const keys[] = {"surname", "first_name", "patronymic", "birth_date",
					   "gender"};
	for (int i = 0; i < 5; i++) {
		v[i] = json_string_value(json_object_get(a->body, keys[i]));
		if (v[i] == NULL)
			v[i] = "";
	}
	if (!link_text_ok(v[0], true) || !link_text_ok(v[1], true) || !link_text_ok(v[2], false))
		return link_fail(out, PARTA_EVALIDATION,
				 "Укажите фамилию и имя; отчество — по желанию (до 200 байт)");
	if (v[3][0] != '\0' && !timetable_date_valid(v[3]))
		return link_fail(out, PARTA_EVALIDATION, "Дата рождения: ГГГГ-ММ-ДД");
	if (strcmp(v[4], "") != 0 && strcmp(v[4], "m") != 0 && strcmp(v[4], "f") != 0)
		return link_fail(out, PARTA_EVALIDATION, "Пол: m или f");
	snprintf(p.phone, sizeof p.phone, "%s", f.phone);
	snprintf(p.surname, sizeof p.surname, "%s", v[0]);
	snprintf(p.first_name, sizeof p.first_name, "%s", v[1]);
	snprintf(p.patronymic, sizeof p.patronymic, "%s", v[2]);
	snprintf(p.birth_date, sizeof p.birth_date, "%s", v[3]);
	snprintf(p.gender, sizeof p.gender, "%s", v[4]);
	int64_t id;
	rc = pstore_profile_insert(app->db, &p, app_now(app), &id);
	if (rc == PARTA_ECONFLICT)
		return link_fail(out, rc, "Профиль с этим телефоном уже создан: начните заново");
	if (rc == PARTA_OK && (rc = linkflow_next(&f.flow, LINK_ABOUT_GIVEN)) == PARTA_OK)
		rc = link_attach(app, acc, id, chats, out);
	return rc;
}

int link_about(struct app *app, const struct account *acc, const char *flow, json_t *body,
	       struct link_result *out)
{
	struct link_flow_arg a = {flow, NULL, body};
	return link_run(app, acc, &a, link_about_step, out);
}

/* ---- the password ---- */

int link_password_begin(struct app *app, const struct account *acc, const char *flow,
			const char *password, const char *addr, struct link_password_job *job,
			struct link_result *out)
{
	memset(out, 0, sizeof *out);
	memset(job, 0, sizeof *job);
	struct pstore_flow f;
	int rc = link_load(app, acc, flow, &f, out);
	if (rc != PARTA_OK)
		return rc;
	if (f.flow.step != LINK_AUTH || !f.flow.has_password)
		return link_fail(out, PARTA_ECONFLICT, "Вход по паролю для этого профиля недоступен");
	struct pstore_profile p;
	if ((rc = pstore_profile_by_id(app->db, f.profile, &p)) != PARTA_OK)
		return rc;
	if ((rc = link_password_job_fill(app, &p, flow, password, addr, job, out)) != PARTA_OK)
		return rc;
	job->account = acc->id;
	return PARTA_OK;
}

int link_password_job_fill(struct app *app, const struct pstore_profile *p, const char *flow,
			   const char *password, const char *addr, struct link_password_job *job,
			   struct link_result *out)
{
	snprintf(job->key, sizeof job->key, "profile:%s", p->phone);
	snprintf(job->addr, sizeof job->addr, "%s", addr ? addr : "");
	int rc = auth_secret_throttle(app, job->key, job->addr, &out->retry_after);
	if (rc == PARTA_ETHROTTLED)
		return link_fail(out, rc, "Слишком много неверных паролей. Повторите через %lld мин.",
				 (long long)((out->retry_after + 59) / 60));
	if (rc != PARTA_OK)
		return rc;
	size_t len = password ? strlen(password) : 0;
	if (len == 0 || len >= sizeof job->password)
		return link_fail(out, PARTA_EVALIDATION, "Введите пароль учебного профиля");
	snprintf(job->flow, sizeof job->flow, "%s", flow);
	snprintf(job->pw_hash, sizeof job->pw_hash, "%s", p->pw_hash);
	memcpy(job->password, password, len + 1);
	return PARTA_OK;
}

void link_password_verify(struct link_password_job *job)
{
	job->matches = crypto_pwhash_str_verify(job->pw_hash, job->password,
						strlen(job->password)) == 0;
	sodium_memzero(job->password, sizeof job->password);
}

static int link_password_step(struct app *app, const struct account *acc, const void *arg,
			      struct link_result *out, json_t **chats)
{
	(void)chats;
	const struct link_password_job *job = arg;
	struct pstore_flow f;
	int rc = link_load(app, acc, job->flow, &f, out);
	if (rc != PARTA_OK)
		return rc;
	if (!job->matches) {
		if ((rc = auth_secret_failed(app, job->key, job->addr)) != PARTA_OK)
			return rc;
		return link_fail(out, PARTA_EUNAUTH, "Неверный пароль учебного профиля");
	}
	if (linkflow_next(&f.flow, LINK_PASSWORD_OK) != PARTA_OK)
		return link_fail(out, PARTA_ECONFLICT, "Вход по паролю для этого профиля недоступен");
	struct pstore_profile p;
	if ((rc = pstore_profile_by_id(app->db, f.profile, &p)) != PARTA_OK)
		return rc;
	out->profile = link_profile_json(&p);
	return link_advance(app, &f, out);
}

int link_password_finish(struct app *app, const struct account *acc,
			 const struct link_password_job *job, struct link_result *out)
{
	return link_run(app, acc, job, link_password_step, out);
}

/* ---- unlinking ---- */

int link_unlink(struct app *app, const struct account *acc)
{
	json_t *chats = NULL;
	int64_t profile;
	int rc = db_begin(app->db);
	if (rc != PARTA_OK)
		return rc;
	rc = pstore_account_profile(app->db, acc->id, &profile);
	if (rc == PARTA_OK && profile == 0)
		rc = PARTA_ENOTFOUND;
	if (rc == PARTA_OK)
		rc = pstore_account_link(app->db, acc->id, 0);
	if (rc == PARTA_OK && acc->person_id != 0)
		rc = chatsync_mark_linked(app, acc->org_id, acc->person_id, false, &chats);
	rc = rc == PARTA_OK ? db_commit(app->db) : (db_rollback(app->db), rc);
	if (rc == PARTA_OK) {
		chatsync_publish_linked(app, acc->org_id, acc->person_id, false, chats);
		log_msg(LOG_INFO, "link", "unlinked account=%" PRId64, acc->id);
	}
	json_decref(chats);
	return rc;
}
