#include "phone.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

static int phone_fail(char *why, size_t whylen, const char *reason)
{
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "%s", reason);
	return PARTA_EVALIDATION;
}

int phone_normalize(const char *input, char out[PHONE_LEN + 1], char *why, size_t whylen)
{
	char digits[16];
	size_t n = 0;
	bool plus = false;
	if (input == NULL)
		return phone_fail(why, whylen, "Укажите номер телефона");
	for (const char *p = input; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n == sizeof digits - 1)
				return phone_fail(why, whylen, "Слишком много цифр в номере телефона");
			digits[n++] = *p;
		} else if (*p == '+' && n == 0 && !plus) {
			plus = true;
		} else if (strchr(" -().\t", *p) == NULL) {
			return phone_fail(why, whylen,
					  "Номер телефона: только цифры, пробелы, скобки и дефисы");
		}
	}
	digits[n] = '\0';
	const char *national;
	if (n == 10 && !plus)
		national = digits; /* 9991234567 */
	else if (n == 11 && digits[0] == '7')
		national = digits + 1; /* +7 999 …, 7 999 … */
	else if (n == 11 && digits[0] == '8' && !plus)
		national = digits + 1; /* 8 999 … */
	else if (plus && n > 0 && digits[0] != '7')
		return phone_fail(why, whylen, "Поддерживаются только российские номера (+7)");
	else
		return phone_fail(why, whylen, "Номер телефона: 10 цифр после +7 или 8");
	if (national[0] == '0')
		return phone_fail(why, whylen, "Номер телефона: код после +7 не начинается с 0");
	out[0] = '+';
	out[1] = '7';
	memcpy(out + 2, national, 10);
	out[PHONE_LEN] = '\0';
	return PARTA_OK;
}

void phone_mask(const char *phone, char out[PHONE_LEN + 1])
{
	if (strlen(phone) != PHONE_LEN) {
		snprintf(out, PHONE_LEN + 1, "***");
		return;
	}
	snprintf(out, PHONE_LEN + 1, "%.5s***%.4s", phone, phone + 8);
}
