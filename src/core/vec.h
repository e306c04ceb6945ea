/* vec.h — growing an array that is kept as (pointer, count, capacity): doubling, so that n
 * appends cost O(n). Pure. */
#ifndef PARTA_CORE_VEC_H
#define PARTA_CORE_VEC_H

#include <stddef.h>

/* Makes room for `need` elements of `elem` bytes in *arr (realloc'd; *cap updated).
 * PARTA_ENOMEM leaves *arr and *cap as they were. */
int vec_reserve(void **arr, size_t *cap, size_t need, size_t elem);

#endif
