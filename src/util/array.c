/*
 * Array growth behind array.h. The array is passed as the address of its pointer (any
 * T **) and read and written with memcpy, so no T ** is ever accessed as a void **.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lambdrift/errors.h"
#include "util/array.h"

size_t ld_array_capacity(size_t count)
{
	size_t c = LD_ARRAY_MIN;

	if (!count)
		return 0;
	while (c < count && c <= SIZE_MAX / 2)
		c *= 2;
	return c < count ? count : c;
}

int ld_array_reserve_(void *arrp, size_t *cap, size_t need, size_t elem)
{
	size_t n;
	void *arr, *grown;

	if (need <= *cap)
		return 0;
	n = ld_array_capacity(need);
	if (n > SIZE_MAX / elem)
		return ld_error_oom();
	memcpy(&arr, arrp, sizeof(arr));
	if (!(grown = realloc(arr, n * elem)))
		return ld_error_oom();
	memcpy(arrp, &grown, sizeof(grown));
	*cap = n;
	return 0;
}

int ld_array_grow_(void *arrp, size_t count, size_t add, size_t elem)
{
	size_t cap = ld_array_capacity(count);

	if (add > SIZE_MAX - count)
		return ld_error_oom();
	return ld_array_reserve_(arrp, &cap, count + add, elem);
}
