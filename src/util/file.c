/* Opening and reading a named file (see file.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file.h"

FILE *ld_file_open(const char *path)
{
	struct stat st;
	FILE *f = fopen(path, "rb");

	if (f && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		errno = EISDIR;
		return NULL;
	}
	return f;
}

int ld_file_dir_error(const char *path, const char *what, ld_error_class klass)
{
	return ld_error_setc(LD_EUSAGE, klass, "'%s' is a directory, not %s: pass the file",
			     path, what);
}

/* One byte, to learn whether the file goes on before growing the buffer for it. */
static ssize_t read_probe(int fd, char *c)
{
	ssize_t n;

	while ((n = read(fd, c, 1)) < 0 && errno == EINTR)
		;
	return n;
}

/* Read until end of file into buf, refusing more than `limit` bytes in all. The buffer's
 * spare room is filled first and it grows only once a byte beyond it has arrived. */
static int read_all(ld_buf *buf, int fd, size_t limit)
{
	size_t start = buf->size;
	char probe = 0;
	ssize_t n;

	for (;;) {
		size_t room = limit - (buf->size - start);
		size_t spare = buf->asize > buf->size + 1 ? buf->asize - buf->size - 1 : 0;
		size_t want = room < spare ? room : spare;

		if (!want) {
			if ((n = read_probe(fd, &probe)) <= 0)
				return n < 0 ? LD_ERROR : 0;
			if (!room) {
				probe = 0;
				errno = EFBIG;
				return LD_ELIMIT;
			}
			if (ld_buf_grow(buf, room < 65536 ? room : 65536) < 0)
				return LD_ERROR;
			buf->ptr[buf->size++] = probe;
			buf->ptr[buf->size] = '\0';
			probe = 0;
			continue;
		}
		if ((n = read(fd, buf->ptr + buf->size, want)) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? LD_ERROR : 0;
		buf->size += (size_t)n;
		buf->ptr[buf->size] = '\0';
	}
}

int ld_buf_read_file(ld_buf *buf, const char *path, size_t cap)
{
	size_t start = buf->size, limit = buf->cap - buf->size < cap ? buf->cap - buf->size : cap;
	struct stat st;
	int fd, error, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		saved = errno;
		error = ld_error_setc(saved == ENOENT || saved == ENOTDIR ? LD_ENOTFOUND : LD_EUSAGE,
				      LD_ERR_OS, "cannot open '%s': %s", path, strerror(saved));
		errno = saved;
		return error;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		error = ld_file_dir_error(path, "a file", LD_ERR_OS);
		errno = EISDIR;
		return error;
	}
	/* one allocation for a regular file that fits: nothing to move, nothing left behind */
	if (S_ISREG(st.st_mode) && st.st_size > 0 && (uint64_t)st.st_size <= limit &&
	    ld_buf_grow(buf, (size_t)st.st_size) < 0)
		error = LD_ERROR;
	else
		error = read_all(buf, fd, limit);
	saved = errno;
	close(fd);
	if (error < 0 && buf->size > start)
		ld_buf_truncate(buf, start);
	if (error == LD_ELIMIT)
		ld_error_setc(LD_ELIMIT, LD_ERR_OS, "'%s' is larger than %zu bytes", path, limit);
	else if (error < 0 && !buf->error) /* (no memory is recorded by ld_buf) */
		ld_error_set(LD_ERR_OS, "cannot read '%s': %s", path, strerror(saved));
	errno = saved;
	return error;
}
