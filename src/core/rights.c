#include "rights.h"

#include <string.h>

/* SGO's «Управление чатами» and the four rights of BARS's «Сферум» module. */
static const struct right_def rights_table[] = {
	{"chat_management", "Управление чатами"},
	{"sferum_view", "Сферум: просмотр"},
	{"sferum_add", "Сферум: добавление"},
	{"sferum_edit", "Сферум: редактирование"},
	{"sferum_delete", "Сферум: удаление"},
};

size_t rights_count(void) { return sizeof rights_table / sizeof rights_table[0]; }

const struct right_def *rights_at(size_t i) { return i < rights_count() ? &rights_table[i] : NULL; }

const struct right_def *rights_find(const char *code)
{
	for (size_t i = 0; code && i < rights_count(); i++)
		if (strcmp(rights_table[i].code, code) == 0)
			return &rights_table[i];
	return NULL;
}
