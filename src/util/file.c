/* Opening a named file for reading (see file.h). */
#include <errno.h>
#include <sys/stat.h>

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
