/* rights.h — the named rights a rights group («Группа прав» / «Профиль доступа») can grant.
 * Pure constant data. */
#ifndef PARTA_CORE_RIGHTS_H
#define PARTA_CORE_RIGHTS_H

#include <stddef.h>

struct right_def {
	const char *code;  /* stable: "chat_management" */
	const char *label; /* Russian, as in the source systems: «Управление чатами» */
};

size_t rights_count(void);
const struct right_def *rights_at(size_t i);
/* The right with this code, or NULL. */
const struct right_def *rights_find(const char *code);

#endif
