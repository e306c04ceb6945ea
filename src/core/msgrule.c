#include "msgrule.h"

#include <stdio.h>
#include <string.h>

#include "err.h"
#include "utf8.h"

int msgrule_text(const char *text, char *why, size_t whylen)
{
	size_t len = text ? strlen(text) : 0;
	const char *reason = NULL;
	if (len == 0)
		reason = "Пустое сообщение";
	else if (len > MSG_TEXT_MAX)
		reason = "Сообщение длиннее 4096 байт";
	else if (!utf8_valid_text(text, len))
		reason = "Сообщение не в UTF-8 или с управляющими символами";
	if (reason == NULL)
		return PARTA_OK;
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "%s", reason);
	return PARTA_EVALIDATION;
}

bool msgrule_client_id(const char *id)
{
	size_t len = id ? strlen(id) : 0;
	if (len == 0 || len > MSG_CLIENT_ID_MAX)
		return false;
	return strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == len;
}

bool msgrule_may_edit(int64_t sender, int64_t me, int64_t created_at, int64_t now, bool deleted)
{
	return sender == me && !deleted && now - created_at < MSG_EDIT_WINDOW;
}

bool msgrule_may_delete(int64_t sender, int64_t me, bool chat_admin)
{
	return sender == me || chat_admin;
}

bool msgrule_muted(int64_t until, int64_t now) { return until == -1 || until > now; }

int msgrule_mute_until(int hours, int64_t now, int64_t *until)
{
	if (hours == 0) {
		*until = -1;
		return PARTA_OK;
	}
	if (hours != 1 && hours != 8 && hours != 24)
		return PARTA_EVALIDATION;
	*until = now + (int64_t)hours * 3600;
	return PARTA_OK;
}

int64_t msgrule_mute_left(int64_t until, int64_t now) { return msgrule_muted(until, now) ? until : 0; }

static int msgrule_refuse(int rc, const char *reason, char *why, size_t whylen)
{
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "%s", reason);
	return rc;
}

int msgrule_may_confirm(bool requested, bool deleted, int64_t sender, int64_t me, char *why,
			size_t whylen)
{
	if (deleted)
		return msgrule_refuse(PARTA_EVALIDATION, "Сообщение удалено", why, whylen);
	if (!requested)
		return msgrule_refuse(PARTA_EVALIDATION, "Это сообщение не просит подтвердить прочтение",
				      why, whylen);
	if (sender == me)
		return msgrule_refuse(PARTA_EVALIDATION, "Своё сообщение подтверждать не нужно", why,
				      whylen);
	return PARTA_OK;
}

int msgrule_saved_room(int64_t count, char *why, size_t whylen)
{
	if (count < MSG_SAVED_MAX)
		return PARTA_OK;
	return msgrule_refuse(PARTA_ECONFLICT, "В «Избранном» уже 10 000 записей: удалите лишние",
			      why, whylen);
}
