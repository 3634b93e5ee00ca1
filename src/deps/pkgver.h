/*
 * Version ordering per ecosystem, as OSV advisories need it: npm versions follow SemVer
 * 2.0.0 precedence, PyPI versions PEP 440, Maven versions the ordering of Maven 3.9's
 * ComparableVersion. Comparison works on the strings directly (numbers of any length
 * compare as digit strings, so nothing overflows) and allocates nothing. Ecosystem names
 * are OSV's ("npm", "PyPI", "Maven"), matched case-insensitively. Package names are
 * normalised by ld_deps_normalise() (deps/detect.h), the one place for that.
 */
#ifndef LD_DEPS_PKGVER_H
#define LD_DEPS_PKGVER_H

#include <stdbool.h>

#include "lambdrift/buf.h"

typedef enum {
	LD_ECO_OTHER = 0, /* an ecosystem whose ordering lambdrift does not know */
	LD_ECO_NPM,
	LD_ECO_PYPI,
	LD_ECO_MAVEN
} ld_ecosystem;

/* Longest version string accepted; longer ones are invalid in every ecosystem. */
#define LD_PKGVER_MAX_LEN 256

/** The ecosystem called `name` ("npm", "PyPI", "Maven"; any case), else LD_ECO_OTHER. */
ld_ecosystem ld_ecosystem_of(const char *name);

/** OSV's spelling of `eco` ("npm", "PyPI", "Maven"), or NULL for LD_ECO_OTHER. */
const char *ld_ecosystem_name(ld_ecosystem eco);

/**
 * Compare two versions of one ecosystem.
 * npm: SemVer 2.0.0 precedence (pre-release identifiers numeric < alphanumeric, build
 * metadata ignored); a leading "v" or "=", surrounding blanks and a missing minor or patch
 * number ("1.0" is 1.0.0, as OSV coerces it) are tolerated.
 * PyPI: PEP 440 (epochs, trailing zeros of the release ignored, a/b/rc pre-releases with
 * their alternate spellings, post and dev releases, local versions), case-insensitive.
 * Maven: ComparableVersion (any string is a version; only empty or over-long ones fail).
 * @param ecosystem OSV ecosystem name
 * @param result set to <0, 0 or >0 as a orders before, equal to or after b
 * @return 0; LD_EINVALID when a or b is not a valid version of that ecosystem (message
 *         names it); LD_ENOTFOUND for an ecosystem without a known ordering
 */
int ld_pkgver_cmp(const char *ecosystem, const char *a, const char *b, int *result);

/** As ld_pkgver_cmp, for an already-resolved ecosystem. */
int ld_pkgver_cmp_eco(ld_ecosystem eco, const char *a, const char *b, int *result);

/** Whether `v` is a valid version of `eco` (no error is recorded). */
bool ld_pkgver_valid(ld_ecosystem eco, const char *v);

#endif
