/* Small string helpers behind str.h. */
#include <stdlib.h>
#include <string.h>

#include "lambdrift/errors.h"
#include "util/str.h"

bool ld_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool ld_is_hex64(const char *s)
{
	size_t n = 0;

	while (s && ((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
		n++;
	return s && n == 64 && !s[n];
}

int ld_dup_or_null(char **out, const char *s)
{
	*out = NULL;
	if (s && !(*out = strdup(s)))
		return ld_error_oom();
	return 0;
}

int ld_strcmp_ptrs(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}
