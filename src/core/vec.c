#include "vec.h"

#include <stdint.h>
#include <stdlib.h>

#include "err.h"

int vec_reserve(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return PARTA_OK;
	size_t ncap = *cap ? *cap * 2 : 16;
	while (ncap < need)
		ncap *= 2;
	if (elem != 0 && ncap > SIZE_MAX / elem)
		return PARTA_ENOMEM;
	void *grown = realloc(*arr, ncap * elem);
	if (grown == NULL)
		return PARTA_ENOMEM;
	*arr = grown;
	*cap = ncap;
	return PARTA_OK;
}
