/* terms.h — the words the UI and generated names use, by organisation type (SPEC §1, §8):
 * a school has «Класс», «Ученики», «Учитель», «Классный руководитель»; a college «Группа»,
 * «Студенты», «Преподаватель», «Куратор». Pure: static strings, nothing allocated. */
#ifndef PARTA_CORE_TERMS_H
#define PARTA_CORE_TERMS_H

struct terms {
	const char *type;       /* "school", "college", "kindergarten", "authority" */
	const char *unit;       /* «Класс» */
	const char *units;      /* «Классы» */
	const char *students;   /* «Ученики» */
	const char *student;    /* «Ученик» */
	const char *teacher;    /* «Учитель» */
	const char *homeroom;   /* «Классный руководитель» */
};

/* The terms of an organisation type, or NULL when the type is unknown. */
const struct terms *terms_for(const char *org_type);

#endif
