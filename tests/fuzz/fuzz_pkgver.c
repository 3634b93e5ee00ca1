/*
 * Version orderings (npm SemVer, PyPI PEP 440, Maven ComparableVersion): the first byte
 * picks the ecosystem, the rest is up to three versions separated by newlines. An ordering
 * must be one: a version equals itself, swapping the sides flips the sign, and (npm, PyPI)
 * it is transitive; a version is valid exactly when it compares. Maven's ComparableVersion
 * is not transitive itself (0-SNAPSHOT-x < 0 < v1, yet 0-SNAPSHOT-x > v1: "0" before a
 * sub-list is dropped and a string orders before a list), and lambdrift orders as Maven
 * does, so that one property is not asked of it.
 */
#include "deps/pkgver.h"
#include "fuzz.h"

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static bool cmp(ld_ecosystem eco, const char *a, const char *b, int *out)
{
	int rc = ld_pkgver_cmp_eco(eco, a, b, out);

	ld_fuzz_check_error(rc);
	if ((rc == 0) != (ld_pkgver_valid(eco, a) && ld_pkgver_valid(eco, b)))
		abort();
	*out = sign(*out);
	return rc == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const ld_ecosystem ecos[] = { LD_ECO_NPM, LD_ECO_PYPI, LD_ECO_MAVEN };
	char *s, *v[3] = { "", "", "" };
	ld_ecosystem eco;
	int ab, ba, bc, ac, aa;

	if (size < 1 || !(s = ld_fuzz_cstr(data + 1, size - 1)))
		return 0;
	eco = ecos[data[0] % 3];
	for (int i = 0, at = 0; i < 3; i++) {
		v[i] = s + at;
		at += (int)strcspn(s + at, "\n");
		if (s[at] == '\n')
			s[at++] = '\0';
	}
	if (cmp(eco, v[0], v[0], &aa) && aa != 0)
		abort();
	if (cmp(eco, v[0], v[1], &ab) && cmp(eco, v[1], v[0], &ba) && ab != -ba)
		abort();
	if (eco != LD_ECO_MAVEN && cmp(eco, v[0], v[1], &ab) && cmp(eco, v[1], v[2], &bc) &&
	    cmp(eco, v[0], v[2], &ac) && ab <= 0 && bc <= 0 && ac > 0)
		abort();
	free(s);
	return 0;
}
