/* demo.h — a realistic, deterministic demo region.
 *
 * demo_bundle builds one organisation as a roster bundle (bundle.h): a school with classes
 * 1–11 «А»–«В», 25–30 students each, one or two parents per student (siblings in the same and
 * in different classes), about 60 staff with subjects by grade following the Russian
 * curriculum, homerooms, subgroups for English and technology, and a weekly timetable without
 * double-booked teachers; or a college with groups such as «ИС-24-1», curators and disciplines
 * such as «Английский язык(ОГСЭ)». Everything follows from the seed: the same seed gives the
 * same document. Pure apart from memory: no clock (the week is a parameter), no I/O.
 *
 * demo_region creates the organisations in the database (skipping those that exist), imports
 * their bundles and creates a login for each kind of user (administrator, homeroom teacher,
 * subject teacher, student, parent) of each. */
#ifndef PARTA_APP_DEMO_H
#define PARTA_APP_DEMO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"

#define DEMO_PASSWORD "parta-demo"

struct demo_org_spec {
	char name[96];
	const char *type, *profile, *time_zone;
};

/* The organisations of a region: `nschools` schools (profiles sgo, bars, paragraf in turn;
 * Europe/Moscow and Asia/Sakhalin alternating) and one college. Returns how many were
 * written (at most max). */
size_t demo_region_specs(size_t nschools, struct demo_org_spec *out, size_t max);

/* `week_monday` is the Monday of the timetable's week, "YYYY-MM-DD". On success *out is a new
 * reference. PARTA_EVALIDATION for a bad date, PARTA_ENOMEM. */
int demo_bundle(const struct demo_org_spec *spec, uint64_t seed, const char *week_monday,
		json_t **out);

/* Called after each organisation: done of total. */
typedef void (*demo_progress_fn)(size_t done, size_t total, void *ctx);

/* On success *logins (new reference) is [{"organisation","profile","kind","login",
 * "display_name"}], the password of every demo login being DEMO_PASSWORD. */
int demo_region(struct app *app, size_t nschools, uint64_t seed, const char *week_monday,
		bool with_logins, demo_progress_fn progress, void *ctx, json_t **logins);

#endif
