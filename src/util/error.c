/* Per-thread last-error storage behind include/lambdrift/errors.h. */
#include <stdio.h>
#include <string.h>

#include "lambdrift/errors.h"

static _Thread_local ld_error last_error;

__attribute__((format(printf, 3, 0)))
static void vset(int code, ld_error_class klass, const char *fmt, va_list ap)
{
	last_error.code = code;
	last_error.klass = klass;
	vsnprintf(last_error.message, sizeof(last_error.message), fmt, ap);
}

int ld_error_set(ld_error_class klass, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(LD_ERROR, klass, fmt, ap);
	va_end(ap);
	return LD_ERROR;
}

int ld_error_setc(int code, ld_error_class klass, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(code, klass, fmt, ap);
	va_end(ap);
	return code;
}

int ld_error_oom(void)
{
	return ld_error_set(LD_ERR_NOMEM, "out of memory");
}

int ld_error_about(int error, const char *what)
{
	size_t n = what ? strlen(what) + 2 : 0, len = strlen(last_error.message);

	if (error >= 0 || !what || strstr(last_error.message, what) ||
	    n >= sizeof(last_error.message))
		return error;
	/* shift the message right (its end cut off when it no longer fits) and put WHAT first */
	if (len + n >= sizeof(last_error.message))
		len = sizeof(last_error.message) - n - 1;
	memmove(last_error.message + n, last_error.message, len);
	last_error.message[n + len] = '\0';
	memcpy(last_error.message, what, n - 2);
	memcpy(last_error.message + n - 2, ": ", 2);
	return error;
}

const ld_error *ld_error_last(void)
{
	return &last_error;
}

void ld_error_clear(void)
{
	memset(&last_error, 0, sizeof(last_error));
}
