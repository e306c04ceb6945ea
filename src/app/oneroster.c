#include "oneroster.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zip.h>

#include "../core/csv.h"
#include "../core/err.h"
#include "../store/orstore.h"
#include "../store/rstore.h"
#include "../util/log.h"
#include "orders.h"

#define ORIMPORT_FILE_MAX ((size_t)1 << 30)

void orimport_files_free(struct orimport_files *f)
{
	for (int i = 0; i < ONEROSTER_NFILES; i++)
		free(f->data[i]);
	memset(f, 0, sizeof *f);
}

/* The known file a (path inside an archive or folder) names, or -1. */
static int orimport_known(const char *name)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	if (strncmp(name, "__MACOSX/", 9) == 0 || base[0] == '.')
		return -1;
	for (int f = 0; f < ONEROSTER_NFILES; f++)
		if (strcasecmp(base, oneroster_file_name(f)) == 0)
			return f;
	return -1;
}

static int orimport_none(struct orimport_files *out, char *why, size_t whylen)
{
	for (int f = 0; f < ONEROSTER_NFILES; f++)
		if (out->data[f] != NULL)
			return PARTA_OK;
	snprintf(why, whylen, "Нет ни одного файла OneRoster (manifest.csv, users.csv, "
			      "classes.csv, enrollments.csv …)");
	return PARTA_EVALIDATION;
}

static int orimport_read_file(const char *path, char **data, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (fp == NULL)
		return PARTA_EIO;
	int rc = PARTA_OK;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	while (buf != NULL) {
		if (n == cap) {
			if (cap >= ORIMPORT_FILE_MAX) {
				rc = PARTA_ETOOLARGE;
				break;
			}
			char *grown = realloc(buf, cap * 2);
			if (grown == NULL) {
				rc = PARTA_ENOMEM;
				break;
			}
			buf = grown;
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, cap - n, fp);
		n += got;
		if (got == 0) {
			rc = ferror(fp) ? PARTA_EIO : PARTA_OK;
			break;
		}
	}
	fclose(fp);
	if (buf == NULL)
		rc = PARTA_ENOMEM;
	if (rc != PARTA_OK) {
		free(buf);
		return rc;
	}
	*data = buf;
	*len = n;
	return PARTA_OK;
}

int orimport_read_dir(const char *path, struct orimport_files *out, char *why, size_t whylen)
{
	memset(out, 0, sizeof *out);
	DIR *dir = opendir(path);
	if (dir == NULL) {
		snprintf(why, whylen, "Не удаётся открыть папку %.200s: %s", path, strerror(errno));
		return PARTA_EVALIDATION;
	}
	int rc = PARTA_OK;
	struct dirent *e;
	while (rc == PARTA_OK && (e = readdir(dir)) != NULL) {
		int f = orimport_known(e->d_name);
		if (f < 0 || out->data[f] != NULL)
			continue;
		char full[4096];
		snprintf(full, sizeof full, "%s/%s", path, e->d_name);
		rc = orimport_read_file(full, &out->data[f], &out->len[f]);
		if (rc != PARTA_OK)
			snprintf(why, whylen, "Не удаётся прочитать %.200s", full);
	}
	closedir(dir);
	if (rc == PARTA_EIO)
		rc = PARTA_EVALIDATION;
	if (rc == PARTA_OK)
		rc = orimport_none(out, why, whylen);
	if (rc != PARTA_OK)
		orimport_files_free(out);
	return rc;
}

static int orimport_zip_entry(zip_t *z, zip_uint64_t i, char **data, size_t *len)
{
	zip_stat_t zs;
	if (zip_stat_index(z, i, 0, &zs) != 0 || !(zs.valid & ZIP_STAT_SIZE))
		return PARTA_EVALIDATION;
	if (zs.size >= ORIMPORT_FILE_MAX)
		return PARTA_ETOOLARGE;
	char *buf = malloc(zs.size + 1);
	if (buf == NULL)
		return PARTA_ENOMEM;
	zip_file_t *zf = zip_fopen_index(z, i, 0);
	zip_int64_t got = zf ? zip_fread(zf, buf, zs.size) : -1;
	if (zf)
		zip_fclose(zf);
	if (got < 0 || (zip_uint64_t)got != zs.size) {
		free(buf);
		return PARTA_EVALIDATION;
	}
	*data = buf;
	*len = (size_t)zs.size;
	return PARTA_OK;
}

int orimport_read_zip(const void *data, size_t len, struct orimport_files *out, char *why,
		      size_t whylen)
{
	memset(out, 0, sizeof *out);
	zip_error_t err;
	zip_error_init(&err);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &err);
	zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &err) : NULL;
	if (z == NULL) {
		if (src)
			zip_source_free(src);
		snprintf(why, whylen, "Архив zip не читается: %s", zip_error_strerror(&err));
		zip_error_fini(&err);
		return PARTA_EVALIDATION;
	}
	zip_error_fini(&err);
	int rc = PARTA_OK;
	zip_int64_t n = zip_get_num_entries(z, 0);
	for (zip_int64_t i = 0; rc == PARTA_OK && i < n; i++) {
		const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
		int f = name ? orimport_known(name) : -1;
		if (f < 0 || out->data[f] != NULL)
			continue;
		rc = orimport_zip_entry(z, (zip_uint64_t)i, &out->data[f], &out->len[f]);
		if (rc == PARTA_EVALIDATION)
			snprintf(why, whylen, "Архив zip: не удаётся распаковать %.200s", name);
		else if (rc == PARTA_ETOOLARGE)
			snprintf(why, whylen, "Архив zip: файл %.200s больше 1 ГиБ", name);
	}
	zip_discard(z);
	if (rc == PARTA_OK)
		rc = orimport_none(out, why, whylen);
	if (rc != PARTA_OK)
		orimport_files_free(out);
	return rc;
}

/* ---- the import ---- */

struct orimport {
	struct app *app;
	int64_t org;
	const struct orimport_options *opt;
	struct csv_table tables[ONEROSTER_NFILES];
	struct roster current;
	struct oneroster_source *sources;
	size_t nsources;
	struct oneroster_named *subjects;
	size_t nsubjects;
	struct oneroster_plan plan;
	/* real ids of new records, by their index among the new ones */
	int64_t *persons, *subjects_new, *classes, *loads;
	int64_t positions[ONEROSTER_NPOSITIONS];
	size_t nclasses, nloads; /* capacity of classes and loads */
	size_t persons_updated, orders_written;
	char why[600];
	size_t step, steps;
};

static void orimport_progress(struct orimport *im, size_t add)
{
	im->step += add;
	if (im->opt->progress != NULL)
		im->opt->progress(im->step < im->steps ? im->step : im->steps, im->steps,
				  im->opt->ctx);
}

static int orimport_parse(struct orimport *im, const struct orimport_files *files)
{
	for (int f = 0; f < ONEROSTER_NFILES; f++) {
		if (files->data[f] == NULL)
			continue;
		size_t line = 0;
		char why[200];
		int rc = csv_parse(files->data[f], files->len[f], &im->tables[f], &line, why,
				   sizeof why);
		if (rc == PARTA_EVALIDATION)
			snprintf(im->why, sizeof im->why, "%s: %s", oneroster_file_name(f), why);
		if (rc != PARTA_OK)
			return rc;
		im->steps += im->tables[f].nrows;
	}
	return PARTA_OK;
}

static int orimport_academic_year(int64_t now)
{
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	return tm.tm_year + 1900 - (tm.tm_mon < 7); /* before August: the year that started */
}

static int orimport_load(struct orimport *im)
{
	struct db *db = im->app->db;
	int rc = rstore_roster_load(db, im->org, &im->current);
	if (rc == PARTA_OK)
		rc = orstore_sources(db, im->org, &im->sources, &im->nsources);
	if (rc == PARTA_OK)
		rc = orstore_subjects(db, im->org, &im->subjects, &im->nsubjects);
	struct oneroster_input in = {.current = &im->current, .sources = im->sources,
				     .nsources = im->nsources, .subjects = im->subjects,
				     .nsubjects = im->nsubjects,
				     .default_year = orimport_academic_year(app_now(im->app))};
	for (int p = 0; rc == PARTA_OK && p < ONEROSTER_NPOSITIONS; p++)
		rc = orstore_position(db, im->org, oneroster_position_name(p), &in.positions[p]);
	memcpy(im->positions, in.positions, sizeof im->positions);
	for (int f = 0; f < ONEROSTER_NFILES; f++)
		in.files[f] = im->tables[f].cells ? &im->tables[f] : NULL;
	if (rc == PARTA_OK)
		rc = oneroster_plan(&in, &im->plan, im->why, sizeof im->why);
	return rc;
}

/* The share of students or staff leaving is above the threshold. */
static bool orimport_mass(const struct orimport *im)
{
	const struct oneroster_counts *c = &im->plan.counts;
	double t = im->opt->threshold > 0 ? im->opt->threshold : 0.10;
	return im->plan.bulk && ((double)c->withdrawn > t * (double)c->students_now ||
				 (double)c->dismissed > t * (double)c->staff_now);
}

/* A new record's real id; allocates classes and loads on first sight. */
static int orimport_id(struct orimport *im, int64_t id, int64_t *table, size_t cap,
		       enum rstore_ref kind, int64_t *out)
{
	*out = id;
	if (id < ONEROSTER_NEW_BASE)
		return PARTA_OK;
	size_t k = (size_t)(id - ONEROSTER_NEW_BASE);
	if (k >= cap)
		return PARTA_EIO;
	if (table[k] == 0 && (kind == RSTORE_CLASS || kind == RSTORE_LOAD)) {
		int rc = rstore_alloc_id(im->app->db, im->org, kind, &table[k]);
		if (rc != PARTA_OK)
			return rc;
	}
	*out = table[k];
	return table[k] ? PARTA_OK : PARTA_EIO;
}

static int orimport_reference(struct orimport *im)
{
	const struct oneroster_plan *p = &im->plan;
	struct db *db = im->app->db;
	int rc = PARTA_OK;
	for (int k = 0; rc == PARTA_OK && k < ONEROSTER_NPOSITIONS; k++)
		if (p->new_positions[k])
			rc = rstore_named_insert(db, im->org, RSTORE_POSITION,
						 oneroster_position_name(k),
						 oneroster_position_type(k), 0, &im->positions[k]);
	for (size_t i = 0; rc == PARTA_OK && i < p->nnew_subjects; i++)
		rc = rstore_named_insert(db, im->org, RSTORE_SUBJECT, p->new_subjects[i], "", 0,
					 &im->subjects_new[i]);
	for (size_t i = 0; rc == PARTA_OK && i < p->npersons; i++) {
		const struct oneroster_person *x = &p->persons[i];
		if (x->id >= ONEROSTER_NEW_BASE) {
			struct rstore_person rp = {x->surname, x->first_name, x->patronymic,
						   x->birth_date ? x->birth_date : "",
						   x->gender ? x->gender : "", x->phone, x->email};
			rc = rstore_person_insert(db, im->org, &rp, app_now(im->app),
						  &im->persons[x->id - ONEROSTER_NEW_BASE]);
		} else {
			bool changed = false;
			rc = orstore_person_update(db, im->org, x, &changed);
			im->persons_updated += changed;
		}
	}
	orimport_progress(im, p->npersons);
	for (size_t i = 0; rc == PARTA_OK && i < p->nsourced; i++) {
		const struct oneroster_sourced *s = &p->sourced[i];
		int64_t id;
		rc = s->kind == ONEROSTER_USER
			     ? orimport_id(im, s->id, im->persons, p->counts.persons_new, RSTORE_PERSON,
					   &id)
		     : s->kind == ONEROSTER_CLASS
			     ? orimport_id(im, s->id, im->classes, im->nclasses, RSTORE_CLASS, &id)
			     : orimport_id(im, s->id, im->loads, im->nloads, RSTORE_LOAD, &id);
		if (rc == PARTA_OK)
			rc = orstore_source_put(db, im->org, s->kind, s->source_id, id);
	}
	return rc;
}

/* The stored payload of one order, as orders_issue would store it. */
static json_t *orimport_payload(struct orimport *im, const struct roster_order *o, int *rc)
{
	const struct oneroster_plan *p = &im->plan;
	int64_t person, student, class_id, load, subject, position = o->position;
	*rc = orimport_id(im, o->person, im->persons, p->counts.persons_new, RSTORE_PERSON, &person);
	if (*rc == PARTA_OK)
		*rc = orimport_id(im, o->student, im->persons, p->counts.persons_new, RSTORE_PERSON,
				  &student);
	if (*rc == PARTA_OK)
		*rc = orimport_id(im, o->class_id, im->classes, im->nclasses, RSTORE_CLASS, &class_id);
	if (*rc == PARTA_OK)
		*rc = orimport_id(im, o->load_id, im->loads, im->nloads, RSTORE_LOAD, &load);
	if (*rc == PARTA_OK)
		*rc = orimport_id(im, o->subject, im->subjects_new, p->nnew_subjects, RSTORE_SUBJECT,
				  &subject);
	if (*rc != PARTA_OK)
		return NULL;
	if (position >= ONEROSTER_NEW_BASE)
		position = im->positions[position - ONEROSTER_NEW_BASE];
	json_t *j = json_pack("{s:s}", "kind", roster_kind_name(o->kind));
	const struct {
		const char *key;
		int64_t v;
	} ids[] = {{"person_id", person}, {"student_id", student}, {"class_id", class_id},
		   {"load_id", load},	  {"subject_id", subject}, {"position_id", position}};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		if (ids[i].v != 0)
			json_object_set_new(j, ids[i].key, json_integer(ids[i].v));
	if (o->kind == ROSTER_CLASS_CREATE) {
		json_object_set_new(j, "name", json_string(o->name));
		json_object_set_new(j, "year", json_integer(o->year));
		json_object_set_new(j, "parallel", json_integer(o->parallel));
	}
	if (o->nsubgroup > 0) {
		json_t *sub = json_array();
		for (size_t k = 0; k < o->nsubgroup && *rc == PARTA_OK; k++) {
			int64_t id;
			*rc = orimport_id(im, o->subgroup[k], im->persons, p->counts.persons_new,
					  RSTORE_PERSON, &id);
			json_array_append_new(sub, json_integer(id));
		}
		json_object_set_new(j, "subgroup", sub);
	}
	return j;
}

static int orimport_orders(struct orimport *im, int64_t *last)
{
	char date[11], prefix[24], number[48];
	time_t t = (time_t)app_now(im->app);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%Y-%m-%d", &tm);
	snprintf(prefix, sizeof prefix, "OR-%s-", date);
	int64_t seq = 0;
	int rc = orstore_count_numbers(im->app->db, im->org, prefix, &seq);
	for (size_t i = 0; rc == PARTA_OK && i < im->plan.norders; i++) {
		json_t *payload = orimport_payload(im, &im->plan.orders[i], &rc);
		char *text = payload ? json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		if (rc == PARTA_OK && text == NULL)
			rc = PARTA_ENOMEM;
		snprintf(number, sizeof number, "%s%" PRId64, prefix, ++seq);
		if (rc == PARTA_OK)
			rc = rstore_order_insert(im->app->db, im->org, number, date, date,
						 roster_kind_name(im->plan.orders[i].kind), text, 0,
						 app_now(im->app), last);
		free(text);
		json_decref(payload);
		im->orders_written++;
		if (i % 4096 == 4095)
			orimport_progress(im, 4096);
	}
	return rc;
}

static int orimport_write(struct orimport *im)
{
	const struct oneroster_plan *p = &im->plan;
	for (size_t i = 0; i < p->nsourced; i++) {
		im->nclasses += p->sourced[i].kind == ONEROSTER_CLASS;
		im->nloads += p->sourced[i].kind == ONEROSTER_LOAD;
	}
	im->persons = calloc(p->counts.persons_new + 1, sizeof *im->persons);
	im->subjects_new = calloc(p->nnew_subjects + 1, sizeof *im->subjects_new);
	im->classes = calloc(im->nclasses + 1, sizeof *im->classes);
	im->loads = calloc(im->nloads + 1, sizeof *im->loads);
	if (!im->persons || !im->subjects_new || !im->classes || !im->loads)
		return PARTA_ENOMEM;
	int rc = orimport_reference(im);
	int64_t last = 0;
	if (rc == PARTA_OK)
		rc = orimport_orders(im, &last);
	if (rc == PARTA_OK && p->norders > 0) {
		struct orders_result res;
		memset(&res, 0, sizeof res);
		rc = orders_rebuild(im->app, im->org, last, &res);
		if (rc != PARTA_OK && res.why[0])
			snprintf(im->why, sizeof im->why, "Приказы импорта не применяются: %.250s",
				 res.why);
		orders_result_free(&res);
	}
	orimport_progress(im, im->steps);
	return rc;
}

/* ---- the report ---- */

static json_t *orimport_leavers(struct orimport *im, bool staff)
{
	json_t *list = json_array();
	for (size_t i = 0; i < im->plan.nleavers; i++) {
		const struct oneroster_leaver *l = &im->plan.leavers[i];
		if (l->staff != staff)
			continue;
		char name[400];
		if (orstore_person_name(im->app->db, im->org, l->person, name, sizeof name) != PARTA_OK)
			name[0] = '\0';
		json_array_append_new(list, json_pack("{s:s,s:I,s:s}", "source_id", l->source_id,
						      "person_id", (json_int_t)l->person, "name",
						      name));
	}
	return list;
}

static json_t *orimport_report(struct orimport *im, const char *status, const char *message)
{
	const struct oneroster_plan *p = &im->plan;
	const struct oneroster_counts *c = &p->counts;
	json_t *rejected = json_array();
	for (size_t i = 0; i < p->nrejects; i++)
		json_array_append_new(rejected,
				      json_pack("{s:s,s:I,s:s}", "file",
						oneroster_file_name(p->rejects[i].file), "line",
						(json_int_t)p->rejects[i].line, "reason",
						p->rejects[i].why));
	json_t *counts = json_pack(
		"{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "enrolled",
		(json_int_t)c->enrolled, "transferred", (json_int_t)c->transferred, "withdrawn",
		(json_int_t)c->withdrawn, "hired", (json_int_t)c->hired, "position_changes",
		(json_int_t)c->position_changes, "dismissed", (json_int_t)c->dismissed, "homerooms",
		(json_int_t)c->homerooms, "loads_set", (json_int_t)c->loads_set, "loads_removed",
		(json_int_t)c->loads_removed, "guardians_added", (json_int_t)c->guardians_added,
		"guardians_removed", (json_int_t)c->guardians_removed, "classes_closed",
		(json_int_t)c->classes_closed);
	json_t *created = json_pack("{s:I,s:I,s:I,s:I}", "persons", (json_int_t)c->persons_new,
				    "classes", (json_int_t)c->classes_created, "subjects",
				    (json_int_t)p->nnew_subjects, "loads",
				    (json_int_t)im->nloads);
	return json_pack("{s:s,s:s,s:I,s:I,s:o,s:{s:I},s:o,s:{s:I,s:I},s:o,s:o,s:o}", "status",
			 status, "message", message, "rows", (json_int_t)c->rows, "orders",
			 (json_int_t)p->norders, "created", created, "updated", "persons",
			 (json_int_t)im->persons_updated, "counts", counts, "current", "students",
			 (json_int_t)c->students_now, "staff", (json_int_t)c->staff_now,
			 "withdrawn", orimport_leavers(im, false), "dismissed",
			 orimport_leavers(im, true), "rejected", rejected);
}

static int orimport_tx(struct orimport *im, json_t **report)
{
	int rc = orimport_load(im);
	if (rc != PARTA_OK)
		return rc;
	const struct oneroster_counts *c = &im->plan.counts;
	char msg[512];
	im->steps += im->plan.npersons + im->plan.norders;
	if (orimport_mass(im) && !im->opt->allow_mass_changes) {
		snprintf(msg, sizeof msg,
			 "Импорт остановлен, ничего не изменено: выбывают %zu из %zu учеников и "
			 "увольняются %zu из %zu сотрудников — больше %.0f %%. Проверьте, что "
			 "выгрузка полная, и повторите с --allow-mass-changes (в API: "
			 "allow_mass_changes=1).",
			 c->withdrawn, c->students_now, c->dismissed, c->staff_now,
			 100 * (im->opt->threshold > 0 ? im->opt->threshold : 0.10));
		snprintf(im->why, sizeof im->why, "%s", msg);
		*report = orimport_report(im, "refused", msg);
		return PARTA_ECONFLICT;
	}
	rc = orimport_write(im);
	if (rc != PARTA_OK)
		return rc;
	bool unchanged = im->plan.norders == 0 && c->persons_new == 0 && im->persons_updated == 0;
	if (unchanged)
		snprintf(msg, sizeof msg, "Изменений нет: состав уже совпадает с выгрузкой.");
	else
		snprintf(msg, sizeof msg,
			 "%s: приказов %zu, новых людей %zu, обновлено %zu, выбыло %zu, уволено "
			 "%zu, отклонено строк %zu.",
			 im->opt->dry_run ? "Пробный импорт, ничего не сохранено" : "Импорт выполнен",
			 im->plan.norders, c->persons_new, im->persons_updated, c->withdrawn,
			 c->dismissed, im->plan.nrejects);
	*report = orimport_report(im, im->opt->dry_run ? "dry_run" : unchanged ? "unchanged" : "applied",
				  msg);
	return PARTA_OK;
}

static void orimport_free(struct orimport *im)
{
	for (int f = 0; f < ONEROSTER_NFILES; f++)
		csv_free(&im->tables[f]);
	roster_free(&im->current);
	free(im->sources);
	free(im->subjects);
	oneroster_plan_free(&im->plan);
	free(im->persons);
	free(im->subjects_new);
	free(im->classes);
	free(im->loads);
}

int orimport_run(struct app *app, int64_t org, const struct orimport_files *files,
		 const struct orimport_options *opt, json_t **report, char *why, size_t whylen)
{
	*report = NULL;
	struct orimport_options none = {0};
	struct orimport im = {.app = app, .org = org, .opt = opt ? opt : &none};
	int rc = orimport_parse(&im, files);
	if (rc == PARTA_OK)
		orimport_progress(&im, 0);
	if (rc == PARTA_OK && (rc = db_begin(app->db)) == PARTA_OK) {
		rc = orimport_tx(&im, report);
		if (rc == PARTA_OK && !im.opt->dry_run)
			rc = db_commit(app->db);
		else
			db_rollback(app->db);
	}
	if (rc != PARTA_OK && rc != PARTA_ECONFLICT) {
		json_decref(*report);
		*report = NULL;
	}
	snprintf(why, whylen, "%s", im.why);
	if (rc == PARTA_OK)
		log_msg(LOG_INFO, "oneroster",
			"imported org=%" PRId64 " rows=%zu orders=%zu persons_new=%zu rejected=%zu",
			org, im.plan.counts.rows, im.plan.norders, im.plan.counts.persons_new,
			im.plan.nrejects);
	orimport_free(&im);
	return rc;
}
