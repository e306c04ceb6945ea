/* phone.h — Russian phone numbers as the messenger profiles keep them: "+7" and ten digits.
 * Pure. */
#ifndef PARTA_CORE_PHONE_H
#define PARTA_CORE_PHONE_H

#include <stddef.h>

#define PHONE_LEN 12 /* "+79991234567" */

/* Normalises what a person typed: "+7 (999) 123-45-67", "8 999 123 45 67", "79991234567",
 * "9991234567" → "+79991234567" in out (PHONE_LEN + 1 bytes). Spaces, dashes, dots and
 * brackets are ignored; anything else, another country code or a wrong count of digits is
 * PARTA_EVALIDATION, with a Russian reason in why (may be NULL). */
int phone_normalize(const char *input, char out[PHONE_LEN + 1], char *why, size_t whylen);

/* "+7999***4567": for logs and screens. */
void phone_mask(const char *phone, char out[PHONE_LEN + 1]);

#endif
