/*
 * Version ordering per ecosystem (deps/pkgver.h), checked against the examples of the
 * specifications themselves: SemVer 2.0.0's precedence list (section 11) and build-metadata
 * examples (section 10); PEP 440's ordering example ("Summary of permitted suffixes and
 * relative ordering"), its normalisation rules and epochs; Maven's ComparableVersionTest
 * sequences and JIRA edge cases (MNG-5568, 6572, 6964, 7644, 7714) and the POM reference's
 * "Version Order Specification". Each ordered list is checked pairwise (every earlier
 * entry < every later one, both ways round), so a table of n versions is n(n-1) checks.
 */
#include <stdlib.h>

#include "deps/pkgver.h"
#include "harness.h"
#include "lambdrift/buf.h"
#include "lambdrift/errors.h"

static int cmp(const char *eco, const char *a, const char *b)
{
	int r = 99;
	if (ld_pkgver_cmp(eco, a, b, &r) < 0) {
		ld_test_fail(__FILE__, __LINE__, "%s: cannot compare '%s' and '%s': %s", eco, a, b,
			     ld_error_last()->message);
		return 99;
	}
	return r < 0 ? -1 : r > 0;
}

static void check_ascending(const char *eco, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (cmp(eco, v[i], v[i]) != 0)
			ld_test_fail(__FILE__, __LINE__, "%s: expected %s == itself", eco, v[i]);
		for (size_t j = i + 1; j < n; j++) {
			if (cmp(eco, v[i], v[j]) != -1)
				ld_test_fail(__FILE__, __LINE__, "%s: expected %s < %s", eco, v[i], v[j]);
			if (cmp(eco, v[j], v[i]) != 1)
				ld_test_fail(__FILE__, __LINE__, "%s: expected %s > %s", eco, v[j], v[i]);
		}
	}
}

static void check_equal(const char *eco, const char *const (*pairs)[2], size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cmp(eco, pairs[i][0], pairs[i][1]) != 0 || cmp(eco, pairs[i][1], pairs[i][0]) != 0)
			ld_test_fail(__FILE__, __LINE__, "%s: expected %s == %s", eco, pairs[i][0],
				     pairs[i][1]);
}

static void check_invalid(const char *eco, const char *const *v, size_t n)
{
	int r;
	for (size_t i = 0; i < n; i++) {
		if (ld_pkgver_cmp(eco, v[i], "1.0.0", &r) != LD_EINVALID ||
		    ld_pkgver_cmp(eco, "1.0.0", v[i], &r) != LD_EINVALID)
			ld_test_fail(__FILE__, __LINE__, "%s: expected '%s' to be invalid", eco, v[i]);
		if (ld_pkgver_valid(ld_ecosystem_of(eco), v[i]))
			ld_test_fail(__FILE__, __LINE__, "%s: ld_pkgver_valid('%s')", eco, v[i]);
	}
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- npm / SemVer 2.0.0 ---- */

static void test_pkgver__semver_spec_precedence(void)
{
	/* SemVer 2.0.0 section 11, items 2 to 4, as one chain. */
	static const char *const v[] = {
		"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
		"1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1",
	};
	check_ascending("npm", v, N(v));
}

static void test_pkgver__semver_prerelease_identifiers(void)
{
	/* numeric identifiers compare numerically and sort before alphanumeric ones; hyphens
	 * are part of identifiers; a longer set wins when the shorter is its prefix */
	static const char *const v[] = {
		"1.0.0-0", "1.0.0-1", "1.0.0-2", "1.0.0-10", "1.0.0-100000000000000000000",
		"1.0.0--", "1.0.0--1", "1.0.0-A", "1.0.0-a", "1.0.0-a.0", "1.0.0-a.0.0", "1.0.0-a.1",
		"1.0.0-a.a", "1.0.0-a-b", "1.0.0-b", "1.0.0", "1.0.1-0", "99999999999999999999.0.0",
	};
	check_ascending("npm", v, N(v));
}

static void test_pkgver__semver_build_metadata_and_prefixes(void)
{
	/* SemVer 2.0.0 section 10's examples: build metadata does not take part in precedence */
	static const char *const eq[][2] = {
		{ "1.0.0-alpha+001", "1.0.0-alpha" },
		{ "1.0.0+20130313144700", "1.0.0" },
		{ "1.0.0-beta+exp.sha.5114f85", "1.0.0-beta" },
		{ "1.0.0+21AF26D3----117B344092BD", "1.0.0" },
		{ "1.0.0+a", "1.0.0+b" },
		{ "v1.2.3", "1.2.3" },
		{ "=1.2.3", "1.2.3" },
		{ "=v1.2.3", "1.2.3" },
		{ " 1.2.3\t", "1.2.3" },
		{ "01.2.3", "1.2.3" },
		/* partial versions, coerced as OSV does ("introduced": "1.0" in GHSA-r683) */
		{ "1.0", "1.0.0" }, { "1", "1.0.0" }, { "v2-rc.1", "2.0.0-rc.1" },
	};
	static const char *const bad[] = {
		"", "1.", "1.2.", "1.2.3.4", "1..2", "1.2.3-", "1.2.3-a..b", "1.2.3+", "1.2.3+a..b",
		"1.2.3-a_b", "latest", "^1.2.3", "1.2.x", "v", "1.2.3 4",
	};
	check_equal("npm", eq, N(eq));
	check_invalid("npm", bad, N(bad));
}

/* ---- PyPI / PEP 440 ---- */

static void test_pkgver__pep440_spec_ordering(void)
{
	/* PEP 440, "Summary of permitted suffixes and relative ordering" */
	static const char *const v[] = {
		"1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12",
		"1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456",
		"1.0rc1", "1.0", "1.0+abc.5", "1.0+abc.7", "1.0+5", "1.0.post456.dev34",
		"1.0.post456", "1.0.15", "1.1.dev1",
	};
	check_ascending("PyPI", v, N(v));
}

static void test_pkgver__pep440_epochs_and_release(void)
{
	/* an epoch outranks everything: 2013.10 (date-based) < 1!1.0 (after switching) */
	static const char *const v[] = {
		"0.9", "1.0", "1.0.1", "1.1", "1.10", "2013.10", "2014.04",
		"1!0.1", "1!1.0", "1!1.0.post1", "2!0.0.dev0", "2!0.0",
		"10!1.0",
	};
	static const char *const eq[][2] = {
		{ "1.0", "1.0.0" }, { "1", "1.0.0.0" }, { "0!1.0", "1.0" }, { "00!1.00", "1.0" },
		{ "1.0.0+local", "1.0+local" }, { "1.0.01", "1.0.1" },
	};
	check_ascending("PyPI", v, N(v));
	check_equal("PyPI", eq, N(eq));
}

static void test_pkgver__pep440_normalisation(void)
{
	/* PEP 440 "Normalization": case, separators, alternate spellings, implicit numbers */
	static const char *const eq[][2] = {
		{ "1.1RC1", "1.1rc1" }, { "1.0A1", "1.0a1" }, { "V1.0", "1.0" }, { "v1.0", "1.0" },
		{ "1.1.a1", "1.1a1" }, { "1.1-a1", "1.1a1" }, { "1.1_a1", "1.1a1" },
		{ "1.0a.1", "1.0a1" }, { "1.0a-1", "1.0a1" }, { "1.0a", "1.0a0" },
		{ "1.0alpha1", "1.0a1" }, { "1.0beta2", "1.0b2" }, { "1.0c3", "1.0rc3" },
		{ "1.0pre4", "1.0rc4" }, { "1.0preview5", "1.0rc5" }, { "1.0-Preview-5", "1.0rc5" },
		{ "1.0.post", "1.0.post0" }, { "1.0post1", "1.0.post1" }, { "1.0-post1", "1.0.post1" },
		{ "1.0_post_1", "1.0.post1" }, { "1.0-r4", "1.0.post4" }, { "1.0rev4", "1.0.post4" },
		{ "1.0-1", "1.0.post1" }, { "1.0.dev", "1.0.dev0" }, { "1.0-dev1", "1.0.dev1" },
		{ "1.0DEV1", "1.0.dev1" }, { "1.0+ubuntu-1", "1.0+ubuntu.1" },
		{ "1.0+ubuntu_1", "1.0+UBUNTU.1" }, { "1.0+01", "1.0+1" }, { " 1.0\n", "1.0" },
		{ "1.0a1-1", "1.0a1.post1" }, { "1.0.dev1", "1.0.0.dev1" },
	};
	check_equal("PyPI", eq, N(eq));
}

static void test_pkgver__pep440_local_and_dev(void)
{
	/* local segments: alphanumeric before numeric, numeric by value, more segments after
	 * fewer; a dev release of a post release sorts before that post release */
	static const char *const v[] = {
		"1.0.dev0", "1.0a0", "1.0", "1.0+a", "1.0+a.1", "1.0+b", "1.0+0", "1.0+1",
		"1.0+1.a", "1.0+1.0", "1.0+2", "1.0+10", "1.0.post0.dev0", "1.0.post0",
		"1.0.post1+local", "1.0.1.dev0", "1.0.1",
	};
	check_ascending("PyPI", v, N(v));
}

static void test_pkgver__pep440_invalid(void)
{
	static const char *const bad[] = {
		"", "french toast", "1.0.", "1..0", ".1.0", "1.0+", "1.0+a..b", "1.0+a_", "1.0-",
		"1.0a1b1", "1.0.post1.post2", "1.0.dev1.dev2", "1!", "!1.0", "1.0.0-beta-final",
		"1.0 2", "v", "1.0-+local", "1.0rc1a", "1.0_", "1.0++1",
	};
	check_invalid("PyPI", bad, N(bad));
}

/* ---- Maven / ComparableVersion ---- */

static void test_pkgver__maven_qualifier_sequence(void)
{
	/* ComparableVersionTest.VERSIONS_QUALIFIER */
	static const char *const v[] = {
		"1-alpha2snapshot", "1-alpha2", "1-alpha-123", "1-beta-2", "1-beta123", "1-m2",
		"1-m11", "1-rc", "1-cr2", "1-rc123", "1-SNAPSHOT", "1", "1-sp", "1-sp2", "1-sp123",
		"1-abc", "1-def", "1-pom-1", "1-1-snapshot", "1-1", "1-2", "1-123",
	};
	check_ascending("Maven", v, N(v));
}

static void test_pkgver__maven_number_sequence(void)
{
	/* ComparableVersionTest.VERSIONS_NUMBER of the 3.9 line ("2.0.0.a" equals "2.0.a" now) */
	static const char *const v[] = {
		"2.0", "2.0.a", "2-1", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b", "2.1-c",
		"2.1-1", "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11", "11.m2",
		"11.m11", "11", "11.a", "11b", "11c", "11m",
	};
	check_ascending("Maven", v, N(v));
}

static void test_pkgver__maven_equal(void)
{
	/* ComparableVersionTest.testVersionsEqual and the release aliases */
	static const char *const eq[][2] = {
		{ "1", "1" }, { "1", "1.0" }, { "1", "1.0.0" }, { "1.0", "1.0.0" }, { "1", "1-0" },
		{ "1", "1.0-0" }, { "1.0", "1.0-0" }, { "1a", "1-a" }, { "1a", "1.0-a" },
		{ "1a", "1.0.0-a" }, { "1.0a", "1-a" }, { "1.0.0a", "1-a" }, { "1x", "1-x" },
		{ "1x", "1.0-x" }, { "1x", "1.0.0-x" }, { "1.0x", "1-x" }, { "1.0.0x", "1-x" },
		{ "1cr", "1rc" }, { "1a1", "1-alpha-1" }, { "1b2", "1-beta-2" },
		{ "1m3", "1-milestone-3" }, { "1X", "1x" }, { "1A", "1a" }, { "1B", "1b" },
		{ "1M", "1m" }, { "1Cr", "1Rc" }, { "1cR", "1rC" }, { "1m3", "1Milestone3" },
		{ "1m3", "1MileStone3" }, { "1m3", "1MILESTONE3" },
		{ "1ga", "1" }, { "1release", "1" }, { "1final", "1" }, { "1GA", "1" },
		{ "1RELeaSE", "1" }, { "1FinaL", "1" }, { "1.0.0-ga", "1" }, { "1.0.FINAL", "1.0" },
		{ "1-abcdefghijklmnopqrstuvwxyz", "1-ABCDEFGHIJKLMNOPQRSTUVWXYZ" },
		{ "1.0.0-alpha1", "1.0.0-ALPHA1" }, { "1.a", "1.A" },
		{ "0000000000000000001", "1" }, { "000000001", "01" }, { "0000000000000000000", "0" },
	};
	check_equal("Maven", eq, N(eq));
}

static void test_pkgver__maven_comparing(void)
{
	/* ComparableVersionTest.testVersionComparing, one pair at a time */
	static const char *const lt[][2] = {
		{ "1", "2" }, { "1.5", "2" }, { "1", "2.5" }, { "1.0", "1.1" }, { "1.1", "1.2" },
		{ "1.0.0", "1.1" }, { "1.0.1", "1.1" }, { "1.1", "1.2.0" },
		{ "1.0-alpha-1", "1.0" }, { "1.0-alpha-1", "1.0-alpha-2" },
		{ "1.0-alpha-1", "1.0-beta-1" }, { "1.0-beta-1", "1.0-SNAPSHOT" },
		{ "1.0-SNAPSHOT", "1.0" }, { "1.0-alpha-1-SNAPSHOT", "1.0-alpha-1" },
		{ "1.0", "1.0-1" }, { "1.0-1", "1.0-2" }, { "1.0.0", "1.0-1" }, { "2.0-1", "2.0.1" },
		{ "2.0.1-klm", "2.0.1-lmn" }, { "2.0.1", "2.0.1-xyz" }, { "2.0.1", "2.0.1-123" },
		{ "2.0.1-xyz", "2.0.1-123" }, { "0.7", "2" }, { "0.2", "1.0.7" },
		/* MNG-5568: transitivity with an odd version */
		{ "6.1.0rc3", "6.1.0" }, { "6.1.0rc3", "6.1H.5-beta" }, { "6.1.0", "6.1H.5-beta" },
		/* MNG-6572: 10, 15 and 20 digit numbers */
		{ "20190126.230843", "1234567890.12345" },
		{ "1234567890.12345", "123456789012345.1H.5-beta" },
		{ "123456789012345.1H.5-beta", "12345678901234567890.1H.5-beta" },
		/* MNG-6964 */
		{ "1-0.alpha", "1" }, { "1-0.beta", "1" }, { "1-0.alpha", "1-0.beta" },
		/* MNG-7714 */
		{ "1.0.final-redhat", "1.0-sp1-redhat" }, { "1.0.final-redhat", "1.0-sp-1-redhat" },
		{ "1.0.final-redhat", "1.0-sp.1-redhat" },
		/* POM reference, Version Order Specification */
		{ "1", "1.1" }, { "1-snapshot", "1" }, { "1", "1-sp" }, { "1-foo2", "1-foo10" },
		{ "1.foo", "1-1" }, { "1-1", "1.1" }, { "1-ga", "1-sp" }, { "1-ga.1", "1-sp.1" },
		/* the page's older text had "1-sp-1" < "1-ga-1" = "1-1"; since 3.9 reads "X-1" as
		 * "X1" the code orders ga1 < sp1 and keeps ga1 below 1 (MRESOLVER-334 notes the
		 * disagreement): the code is what resolves dependencies, so it is what we follow */
		{ "1-ga-1", "1-sp-1" }, { "1-ga-1", "1-1" },
		/* qualifier ranks */
		{ "1-alpha", "1-beta" }, { "1-beta", "1-milestone" }, { "1-milestone", "1-rc" },
		{ "1-rc", "1-snapshot" }, { "1-snapshot", "1" }, { "1", "1-sp" }, { "1-sp", "1-zzz" },
		{ "4.9.9.RELEASE", "5.0.0.RELEASE" }, { "5.3.18", "5.3.20" }, { "2.13.4", "2.13.4.2" },
	};
	static const char *const eq[][2] = {
		{ "1.foo", "1-foo" }, { "1-a1", "1-alpha-1" }, { "1.0-alpha1", "1.0-ALPHA1" },
		{ "1.ga", "1-ga" }, { "1-0", "1.0" },
	};
	for (size_t i = 0; i < N(lt); i++) {
		if (cmp("Maven", lt[i][0], lt[i][1]) != -1 || cmp("Maven", lt[i][1], lt[i][0]) != 1)
			ld_test_fail(__FILE__, __LINE__, "Maven: expected %s < %s", lt[i][0], lt[i][1]);
	}
	check_equal("Maven", eq, N(eq));
}

static void test_pkgver__maven_mng7644(void)
{
	/* 1.0.0.X1 < 1.0.0-X2, and 2-X == 2.0.X == 2.0.0.X, for any string X */
	static const char *const xs[] = { "abc", "alpha", "a", "beta", "b", "def", "milestone",
					  "m", "RC" };
	char a[64], b[64], c[64];
	for (size_t i = 0; i < N(xs); i++) {
		snprintf(a, sizeof(a), "1.0.0.%s1", xs[i]);
		snprintf(b, sizeof(b), "1.0.0-%s2", xs[i]);
		if (cmp("Maven", a, b) != -1 || cmp("Maven", b, a) != 1)
			ld_test_fail(__FILE__, __LINE__, "Maven: expected %s < %s", a, b);
		snprintf(a, sizeof(a), "2-%s", xs[i]);
		snprintf(b, sizeof(b), "2.0.%s", xs[i]);
		snprintf(c, sizeof(c), "2.0.0.%s", xs[i]);
		if (cmp("Maven", a, b) || cmp("Maven", a, c) || cmp("Maven", b, c) || cmp("Maven", c, a))
			ld_test_fail(__FILE__, __LINE__, "Maven: expected %s == %s == %s", a, b, c);
	}
}

static void test_pkgver__maven_invalid_and_long(void)
{
	char big[LD_PKGVER_MAX_LEN + 2];
	int r;
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	LD_CHECK_INT(ld_pkgver_cmp("Maven", "", "1", &r), LD_EINVALID);
	LD_CHECK_INT(ld_pkgver_cmp("Maven", big, "1", &r), LD_EINVALID);
	big[LD_PKGVER_MAX_LEN] = '\0'; /* exactly at the bound: a 256-digit number */
	LD_CHECK_INT(ld_pkgver_cmp("Maven", big, "1", &r), 0);
	LD_CHECK(r > 0);
	memset(big, '-', LD_PKGVER_MAX_LEN); /* many empty items stay within the item pool */
	LD_CHECK_INT(ld_pkgver_cmp("Maven", big, "1", &r), 0);
	for (size_t i = 0; i < LD_PKGVER_MAX_LEN; i++)
		big[i] = "a1.-"[i % 4];
	LD_CHECK_INT(ld_pkgver_cmp("Maven", big, big, &r), 0);
	LD_CHECK_INT(r, 0);
}

/* ---- ecosystems and names ---- */

static void test_pkgver__ecosystems(void)
{
	int r = 5;
	LD_CHECK(ld_ecosystem_of("npm") == LD_ECO_NPM);
	LD_CHECK(ld_ecosystem_of("PyPI") == LD_ECO_PYPI);
	LD_CHECK(ld_ecosystem_of("pypi") == LD_ECO_PYPI);
	LD_CHECK(ld_ecosystem_of("Maven") == LD_ECO_MAVEN);
	LD_CHECK(ld_ecosystem_of("crates.io") == LD_ECO_OTHER);
	LD_CHECK(ld_ecosystem_of("npmx") == LD_ECO_OTHER);
	LD_CHECK(ld_ecosystem_of(NULL) == LD_ECO_OTHER);
	LD_CHECK_STR(ld_ecosystem_name(LD_ECO_PYPI), "PyPI");
	LD_CHECK(ld_ecosystem_name(LD_ECO_OTHER) == NULL);
	LD_CHECK_INT(ld_pkgver_cmp("crates.io", "1.0.0", "1.0.1", &r), LD_ENOTFOUND);
	LD_CHECK_INT(r, 0);
	LD_CHECK_INT(ld_pkgver_cmp("npm", "1.0.0", "2.0.x", &r), LD_EINVALID);
	LD_CHECK(strstr(ld_error_last()->message, "'2.0.x' is not a valid npm version") != NULL);
	LD_CHECK(ld_pkgver_valid(LD_ECO_NPM, "1.2.3-rc.1+b"));
	LD_CHECK(!ld_pkgver_valid(LD_ECO_OTHER, "1.2.3"));
	LD_CHECK(!ld_pkgver_valid(LD_ECO_PYPI, NULL));
}

const ld_test ld_tests[] = {
	LD_TEST(test_pkgver__semver_spec_precedence),
	LD_TEST(test_pkgver__semver_prerelease_identifiers),
	LD_TEST(test_pkgver__semver_build_metadata_and_prefixes),
	LD_TEST(test_pkgver__pep440_spec_ordering),
	LD_TEST(test_pkgver__pep440_epochs_and_release),
	LD_TEST(test_pkgver__pep440_normalisation),
	LD_TEST(test_pkgver__pep440_local_and_dev),
	LD_TEST(test_pkgver__pep440_invalid),
	LD_TEST(test_pkgver__maven_qualifier_sequence),
	LD_TEST(test_pkgver__maven_number_sequence),
	LD_TEST(test_pkgver__maven_equal),
	LD_TEST(test_pkgver__maven_comparing),
	LD_TEST(test_pkgver__maven_mng7644),
	LD_TEST(test_pkgver__maven_invalid_and_long),
	LD_TEST(test_pkgver__ecosystems),
	{ NULL, NULL },
};
