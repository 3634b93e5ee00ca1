/*
 * ld_buf: the one growable byte buffer. `ptr` is never NULL and always NUL-terminated;
 * each buffer has a size cap fixed at init, so no input can grow it without bound. A failed
 * append (no memory, cap reached) frees the contents, sets `error`, records the error and
 * makes every later append fail too (sticky), so a chain of appends can be checked once.
 * The caller owns the contents and releases them with ld_buf_dispose().
 */
#ifndef LAMBDRIFT_BUF_H
#define LAMBDRIFT_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct {
	char *ptr;     /* contents, NUL-terminated; never NULL */
	size_t size;   /* bytes used, excluding the NUL */
	size_t asize;  /* bytes allocated; 0 while ptr points at the shared empty string */
	size_t cap;    /* most bytes `size` may reach */
	int error;     /* sticky: LD_ELIMIT or LD_ERROR after a failed append */
} ld_buf;

extern char ld_buf__empty[];

#define LD_BUF_CAP_DEFAULT ((size_t)64 * 1024 * 1024)
#define LD_BUF_INIT_CAP(c) { ld_buf__empty, 0, 0, (c), 0 }
#define LD_BUF_INIT LD_BUF_INIT_CAP(LD_BUF_CAP_DEFAULT)

/** Initialise an empty buffer that may hold at most `cap` bytes. */
void ld_buf_init(ld_buf *buf, size_t cap);

/** Append `len` bytes. @return 0, LD_ELIMIT past the cap, LD_ERROR without memory */
int ld_buf_put(ld_buf *buf, const void *data, size_t len);
int ld_buf_puts(ld_buf *buf, const char *s);
int ld_buf_putc(ld_buf *buf, char c);
int ld_buf_printf(ld_buf *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int ld_buf_vprintf(ld_buf *buf, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/** Make room for `extra` more bytes without changing size. */
int ld_buf_grow(ld_buf *buf, size_t extra);

/** Empty the buffer but keep its memory and cap; clears `error`. */
void ld_buf_clear(ld_buf *buf);

/** Shorten to `len` bytes (len <= size). */
void ld_buf_truncate(ld_buf *buf, size_t len);

/** Hand the contents (malloc'd, NUL-terminated) to the caller and reset the buffer.
 *  Returns NULL after an error, or on allocation failure. */
char *ld_buf_detach(ld_buf *buf);

/** Free the contents; the buffer is empty and reusable afterwards (same cap). */
void ld_buf_dispose(ld_buf *buf);

/** Overwrite the contents with zeros before disposing: for buffers that held secrets. */
void ld_buf_dispose_secret(ld_buf *buf);

#endif
