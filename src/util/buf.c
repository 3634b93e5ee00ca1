/* ld_buf: bounded, growable, always NUL-terminated byte buffer (see buf.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lambdrift/buf.h"
#include "lambdrift/errors.h"

char ld_buf__empty[1];

void ld_buf_init(ld_buf *buf, size_t cap)
{
	buf->ptr = ld_buf__empty;
	buf->size = buf->asize = 0;
	buf->cap = cap;
	buf->error = 0;
}

static int fail(ld_buf *buf, int code)
{
	size_t cap = buf->cap;
	ld_buf_dispose(buf);
	buf->cap = cap;
	buf->error = code;
	if (code == LD_ELIMIT)
		return ld_error_setc(LD_ELIMIT, LD_ERR_OS, "data exceeds the %zu-byte limit", cap);
	return ld_error_oom();
}

int ld_buf_grow(ld_buf *buf, size_t extra)
{
	size_t need, nsize;
	char *p;

	if (buf->error)
		return buf->error;
	if (extra > buf->cap || buf->size > buf->cap - extra)
		return fail(buf, LD_ELIMIT);
	need = buf->size + extra + 1;
	if (need <= buf->asize)
		return 0;
	nsize = buf->asize ? buf->asize : 64;
	while (nsize < need)
		nsize = nsize > ((size_t)-1) / 2 ? need : nsize * 2;
	p = realloc(buf->asize ? buf->ptr : NULL, nsize);
	if (!p)
		return fail(buf, LD_ERROR);
	if (!buf->asize)
		p[0] = '\0';
	buf->ptr = p;
	buf->asize = nsize;
	return 0;
}

int ld_buf_put(ld_buf *buf, const void *data, size_t len)
{
	int error;
	if ((error = ld_buf_grow(buf, len)) < 0)
		return error;
	if (len)
		memmove(buf->ptr + buf->size, data, len);
	buf->size += len;
	buf->ptr[buf->size] = '\0';
	return 0;
}

int ld_buf_puts(ld_buf *buf, const char *s)
{
	return ld_buf_put(buf, s, strlen(s));
}

int ld_buf_putc(ld_buf *buf, char c)
{
	return ld_buf_put(buf, &c, 1);
}

int ld_buf_vprintf(ld_buf *buf, const char *fmt, va_list ap)
{
	va_list cp;
	int n, error;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return ld_error_set(LD_ERR_OS, "invalid format");
	if ((error = ld_buf_grow(buf, (size_t)n)) < 0)
		return error;
	vsnprintf(buf->ptr + buf->size, (size_t)n + 1, fmt, ap);
	buf->size += (size_t)n;
	return 0;
}

int ld_buf_printf(ld_buf *buf, const char *fmt, ...)
{
	va_list ap;
	int error;
	va_start(ap, fmt);
	error = ld_buf_vprintf(buf, fmt, ap);
	va_end(ap);
	return error;
}

void ld_buf_clear(ld_buf *buf)
{
	buf->size = 0;
	buf->error = 0;
	if (buf->asize)
		buf->ptr[0] = '\0';
}

void ld_buf_truncate(ld_buf *buf, size_t len)
{
	if (len >= buf->size)
		return;
	buf->size = len;
	buf->ptr[len] = '\0';
}

char *ld_buf_detach(ld_buf *buf)
{
	char *p;
	size_t cap = buf->cap;

	if (buf->error)
		return NULL;
	p = buf->asize ? buf->ptr : calloc(1, 1);
	ld_buf_init(buf, cap);
	if (!p)
		ld_error_oom();
	return p;
}

void ld_buf_dispose(ld_buf *buf)
{
	size_t cap = buf->cap;
	if (buf->asize)
		free(buf->ptr);
	ld_buf_init(buf, cap);
}

void ld_buf_dispose_secret(ld_buf *buf)
{
	if (buf->asize) {
		volatile char *p = buf->ptr;
		for (size_t i = 0; i < buf->asize; i++)
			p[i] = 0;
	}
	ld_buf_dispose(buf);
}
