/*
 * Shared by the libFuzzer targets in tests/fuzz (built with -DLD_FUZZ=ON and clang; see
 * scripts/fuzz.sh). Each target feeds one parser of untrusted input and checks only what
 * must hold for any input: no crash, no leak, no sanitizer report, and an error set
 * whenever a call fails.
 */
#ifndef LD_FUZZ_H
#define LD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lambdrift/errors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string (it may hold NULs of its own); NULL without memory. */
static inline char *ld_fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

/* A failing call must say why: an empty message is a bug the user would see. */
static inline void ld_fuzz_check_error(int rc)
{
	if (rc < 0 && !ld_error_last()->message[0])
		abort();
}

#endif
