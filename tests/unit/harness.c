/* Runner for tests/unit/test_*.c (see harness.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "inventory/build.h"
#include "lambdrift/errors.h"
#include "util/json.h"

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

/* --- the moto ListFunctions fixture as an inventory ------------------------------------ */

/* The unqualified ARN: "$LATEST" entries from moto carry a ":$LATEST" suffix, AWS's do not. */
static void unqualified(char *out, size_t len, const char *arn)
{
	const char *p = arn;
	int colons = 0;
	size_t n;
	for (; *p; p++)
		if (*p == ':' && ++colons == 7)
			break;
	n = (size_t)(p - arn) < len - 1 ? (size_t)(p - arn) : len - 1;
	memcpy(out, arn, n);
	out[n] = '\0';
}

int ld_test_inventory_from_moto(ld_inventory *inv, const uint8_t *key, size_t key_len)
{
	char *text = ld_test_read_file("fixtures/aws/moto-listfunctions-all.json", NULL);
	ld_json *root = NULL;
	int error;

	ld_inventory_init(inv);
	if (!text)
		return LD_ERROR;
	if ((error = ld_json_parse(&root, text, strlen(text), "moto fixture")) == 0) {
		for (ld_json *c = ld_json_first(ld_json_get(root, "Functions")); c && error == 0;
		     c = ld_json_next(c)) {
			char arn[256];
			ld_function *fn;
			unqualified(arn, sizeof(arn), ld_json_get_str(c, "FunctionArn"));
			fn = ld_inventory_function(inv, "us-east-1", ld_json_get_str(c, "FunctionName"), arn);
			error = fn ? ld_version_from_api(ld_function_add_version(fn), c, key, key_len)
				   : LD_ERROR;
		}
	}
	ld_inventory_set_digest_key(inv, key, key_len);
	free(inv->account);
	inv->account = strdup("123456789012");
	ld_inventory_add_region(inv, "us-east-1");
	ld_inventory_sort(inv);
	ld_json_free(root);
	free(text);
	return error;
}

const ld_function *ld_test_find_function(const ld_inventory *inv, const char *name)
{
	for (size_t i = 0; i < inv->nfunctions; i++)
		if (!strcmp(inv->functions[i].name, name))
			return &inv->functions[i];
	return NULL;
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
