/* vconf.c — distance lesson and video conference rules. */
#include "vconf.h"

#include <stdio.h>
#include <string.h>

#include "timetable.h"
#include "utf8.h"

static const char *const vconf_kinds[] = {"lesson", "call"};
static const char *const vconf_states[] = {"planned", "active", "finished"};
static const char *const vconf_roles[] = {"student", "staff", "parent"};

static bool vconf_parse(const char *const *names, size_t n, const char *text, int *out)
{
	for (size_t i = 0; text != NULL && i < n; i++) {
		if (strcmp(names[i], text) == 0) {
			*out = (int)i;
			return true;
		}
	}
	return false;
}

const char *vconf_kind_name(enum vconf_kind kind)
{
	return vconf_kinds[kind];
}

bool vconf_kind_parse(const char *text, enum vconf_kind *out)
{
	int v;
	if (!vconf_parse(vconf_kinds, 2, text, &v))
		return false;
	*out = (enum vconf_kind)v;
	return true;
}

const char *vconf_state_name(enum vconf_state state)
{
	return vconf_states[state];
}

bool vconf_state_parse(const char *text, enum vconf_state *out)
{
	int v;
	if (!vconf_parse(vconf_states, 3, text, &v))
		return false;
	*out = (enum vconf_state)v;
	return true;
}

const char *vconf_role_name(enum vconf_role role)
{
	return vconf_roles[role];
}

bool vconf_role_parse(const char *text, enum vconf_role *out)
{
	int v;
	if (!vconf_parse(vconf_roles, 3, text, &v))
		return false;
	*out = (enum vconf_role)v;
	return true;
}

enum vconf_state vconf_due_state(enum vconf_state stored, int64_t starts, int64_t ends,
				 int64_t now)
{
	if (stored == VCONF_FINISHED || now >= ends)
		return VCONF_FINISHED;
	if (stored == VCONF_ACTIVE || now >= starts)
		return VCONF_ACTIVE;
	return VCONF_PLANNED;
}

enum vconf_open vconf_open_check(enum vconf_state stored, int64_t starts, int64_t ends,
				 int64_t now)
{
	switch (vconf_due_state(stored, starts, ends, now)) {
	case VCONF_PLANNED: return VCONF_OPEN_NOT_STARTED;
	case VCONF_ACTIVE: return VCONF_OPEN_OK;
	default: return VCONF_OPEN_FINISHED;
	}
}

bool vconf_takes(enum vconf_kind kind, const char *chat_kind, enum vconf_role role)
{
	if (role != VCONF_PARENT)
		return true;
	return kind == VCONF_CALL && chat_kind != NULL && strcmp(chat_kind, "parents") == 0;
}

const char *vconf_lesson_rule(enum vconf_kind kind, const char *chat_kind, bool has_lesson)
{
	if (kind == VCONF_CALL && has_lesson)
		return "Урок: для видеозвонка не указывается";
	if (kind == VCONF_LESSON && !has_lesson && chat_kind != NULL &&
	    strcmp(chat_kind, "subject") == 0)
		return "Урок: обязателен для онлайн-урока в предметном чате";
	return NULL;
}

enum vconf_create vconf_lesson_create_check(bool teaches_subject, int64_t lesson_ends,
					    int64_t now)
{
	if (!teaches_subject)
		return VCONF_CREATE_NOT_TEACHER;
	return now >= lesson_ends ? VCONF_CREATE_ENDED : VCONF_CREATE_OK;
}

bool vconf_moderator(enum vconf_role role, bool creator, bool lesson_teacher, bool chat_admin,
		     bool chats_admin)
{
	return role == VCONF_STAFF && (creator || lesson_teacher || chat_admin || chats_admin);
}

bool vconf_default_name(const char *subject, const char *date, const char *start, char *out,
			size_t size)
{
	if (subject == NULL || date == NULL || start == NULL || !timetable_date_valid(date) ||
	    timetable_minutes(start) < 0)
		return false;
	int n = snprintf(out, size, "Урок по предмету «%s» от %.2s.%.2s.%.4s %.5s", subject,
			 date + 8, date + 5, date, start);
	return n > 0 && (size_t)n < size;
}

bool vconf_name_valid(const char *name)
{
	if (name == NULL)
		return false;
	size_t len = strlen(name);
	if (len == 0 || !utf8_valid_text(name, len) || utf8_length(name, len) > VCONF_NAME_MAX)
		return false;
	return strspn(name, " ") < len;
}
