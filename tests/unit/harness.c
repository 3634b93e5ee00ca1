/* Runner for tests/unit/test_*.c (see harness.h). */
#include <stdarg.h>
#include <stdlib.h>

#include "harness.h"
#include "lambdrift/errors.h"

int ld_test_failures;
static const char *current;

void ld_test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "FAIL %s (%s:%d): ", current, file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (ld_error_last()->message[0])
		fprintf(stderr, "\n  last error: %s", ld_error_last()->message);
	fputc('\n', stderr);
	ld_test_failures++;
}

char *ld_test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (data = malloc((size_t)n + 1)) != NULL) {
		if (fread(data, 1, (size_t)n, f) != (size_t)n) {
			free(data);
			data = NULL;
		} else {
			data[n] = '\0';
			if (len)
				*len = (size_t)n;
		}
	}
	fclose(f);
	return data;
}

int ld_test_sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

int main(int argc, char **argv)
{
	int ran = 0;
	for (const ld_test *t = ld_tests; t->name; t++) {
		if (argc > 1 && !strstr(t->name, argv[1]))
			continue;
		current = t->name;
		ld_error_clear();
		t->fn();
		ran++;
	}
	printf("%d tests, %d failures\n", ran, ld_test_failures);
	return ld_test_failures ? 1 : 0;
}
