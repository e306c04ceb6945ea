#include "terms.h"

#include <string.h>

static const struct terms terms_table[] = {
	{"school", "Класс", "Классы", "Ученики", "Ученик", "Учитель", "Классный руководитель"},
	{"college", "Группа", "Группы", "Студенты", "Студент", "Преподаватель", "Куратор"},
	{"kindergarten", "Группа", "Группы", "Воспитанники", "Воспитанник", "Воспитатель",
	 "Старший воспитатель"},
	{"authority", "Подразделение", "Подразделения", "Сотрудники", "Сотрудник", "Сотрудник",
	 "Руководитель подразделения"},
};

const struct terms *terms_for(const char *org_type)
{
	for (size_t i = 0; org_type && i < sizeof terms_table / sizeof terms_table[0]; i++)
		if (strcmp(terms_table[i].type, org_type) == 0)
			return &terms_table[i];
	return NULL;
}
