/* Dependency inventory (src/deps/detect.c), lockfiles and drift (src/deps/lockfile.c),
 * and the zip reader's content access (src/pkg/zip.c). Packages are built at test time:
 * Node, Python and .NET trees in C with the deterministic writer, the Java package (stored,
 * deflated and pipe-written jars) by tests/unit/make_deps_fixtures.py into a temp dir. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deps/detect.h"
#include "deps/lockfile.h"
#include "harness.h"
#include "lambdrift/errors.h"
#include "pkg/zip.h"
#include "pkg/zipwrite.h"
#include "util/hash.h"
#include "util/json.h"

#define LAYER_ARN "arn:aws:lambda:us-east-1:123456789012:layer:shared:3"
#define SP "python/lib/python3.12/site-packages/"

typedef struct {
	const char *path;
	const char *text;      /* NUL-terminated content, unless len is set */
	size_t len;
} file;

/* A zip of `n` files (format v1, deflated, sorted by path). */
static int build(ld_buf *out, const file *f, size_t n)
{
	ld_zipw_entry *e = calloc(n ? n : 1, sizeof(*e));
	int error;

	if (!e)
		return LD_ERROR;
	for (size_t i = 0; i < n; i++) {
		e[i].path = f[i].path;
		e[i].mode = LD_ZIPW_FILE;
		e[i].data = f[i].text;
		e[i].len = f[i].len ? f[i].len : strlen(f[i].text);
	}
	ld_buf_init(out, (size_t)256 << 20);
	error = ld_zip_write(out, e, n);
	free(e);
	return error;
}

/* "eco name version path origin" lines of a finished inventory. */
static char *lines_of(ld_deps *d)
{
	ld_buf b = LD_BUF_INIT;

	ld_deps_finish(d);
	for (size_t i = 0; i < d->count; i++)
		ld_buf_printf(&b, "%s %s %s %s %s\n", d->items[i].ecosystem, d->items[i].name,
			      d->items[i].version, d->items[i].path, d->items[i].origin);
	return ld_buf_detach(&b);
}

#define CHECK_LINES(d, want) \
	do { char *got_ = lines_of(d); \
	     if (!got_ || strcmp(got_, want)) \
		ld_test_fail(__FILE__, __LINE__, "inventory:\n%s\nexpected:\n%s", \
			     got_ ? got_ : "(null)", want); \
	     free(got_); } while (0)

/* ---- fixtures ---- */

static const char node_lock_v3[] =
	"{\"name\":\"my-fn\",\"version\":\"1.0.0\",\"lockfileVersion\":3,\"requires\":true,"
	"\"packages\":{"
	"\"\":{\"name\":\"my-fn\",\"version\":\"1.0.0\"},"
	"\"node_modules/@aws-sdk/client-s3\":{\"version\":\"3.400.0\"},"
	"\"node_modules/@aws-sdk/client-s3/node_modules/tslib\":{\"version\":\"2.5.0\"},"
	"\"node_modules/tslib\":{\"version\":\"2.6.2\"},"
	"\"node_modules/lodash\":{\"version\":\"4.17.21\"},"
	"\"node_modules/jest\":{\"version\":\"29.7.0\",\"dev\":true},"
	"\"node_modules/local-lib\":{\"resolved\":\"packages/local-lib\",\"link\":true},"
	"\"packages/local-lib\":{\"version\":\"0.1.0\"},"
	"\"node_modules/string-width-cjs\":{\"name\":\"string-width\",\"version\":\"4.2.3\"}}}";

static const file node_files[] = {
	{ "index.js", "exports.handler = async () => 1;\n", 0 },
	{ "package.json", "{\"name\":\"my-fn\",\"version\":\"1.0.0\"}", 0 },
	{ "package-lock.json", node_lock_v3, 0 },
	{ "node_modules/.package-lock.json",
	  "{\"lockfileVersion\":3,\"packages\":{\"node_modules/lodash\":{\"version\":\"4.17.21\"},"
	  "\"node_modules/tslib\":{\"version\":\"2.6.2\"}}}", 0 },
	{ "node_modules/lodash/package.json", "{\"name\":\"lodash\",\"version\":\"4.17.21\"}", 0 },
	{ "node_modules/lodash/package-lock.json",
	  "{\"lockfileVersion\":1,\"dependencies\":{\"mocha\":{\"version\":\"1.0.0\"}}}", 0 },
	{ "node_modules/lodash/lodash.js", "module.exports = {};\n", 0 },
	{ "node_modules/@aws-sdk/client-s3/package.json",
	  "{\n  \"name\": \"@aws-sdk/client-s3\",\n  \"description\": \"AWS SDK for JavaScript S3 "
	  "Client\",\n  \"version\": \"3.400.0\",\n  \"main\": \"./dist-cjs/index.js\"\n}\n", 0 },
	{ "node_modules/@aws-sdk/client-s3/dist-es/package.json", "{\"type\":\"module\"}", 0 },
	{ "node_modules/@aws-sdk/client-s3/node_modules/tslib/package.json",
	  "{\"name\":\"tslib\",\"version\":\"2.5.0\"}", 0 },
	{ "node_modules/tslib/package.json", "{\"name\":\"tslib\",\"version\":\"2.6.2\"}", 0 },
	{ "node_modules/uuid/package.json", "{\"name\":\"uuid\",\"version\":\"9.0.1\"}", 0 },
	{ "node_modules/uuid/test/fixtures/node_modules/fake/package.json",
	  "{\"description\":\"a test fixture\"}", 0 },
	{ "node_modules/JSONStream/package.json", "{\"name\":\"JSONStream\",\"version\":\"1.3.5\"}",
	  0 },
	{ "node_modules/string-width-cjs/package.json",
	  "{\"name\":\"string-width\",\"version\":\"4.2.3\"}", 0 },
	{ "node_modules/broken/package.json", "{\"name\": \"broken\", \"version\": ", 0 },
	{ "node_modules/evil/package.json", "{\"name\":\"evil\\u0001x\",\"version\":\"1.0.0\"}", 0 },
};

static const char layer_lock_v1[] =
	"{\"name\":\"shared\",\"lockfileVersion\":1,\"dependencies\":{"
	"\"axios\":{\"version\":\"1.6.0\",\"dependencies\":{"
	"\"follow-redirects\":{\"version\":\"1.15.3\"}}},"
	"\"follow-redirects\":{\"version\":\"1.15.4\"},"
	"\"my-alias\":{\"version\":\"npm:left-pad@1.3.0\"},"
	"\"from-git\":{\"version\":\"github:user/repo#abc123\"},"
	"\"eslint\":{\"version\":\"8.0.0\",\"dev\":true}}}";

static const file layer_files[] = {
	{ "nodejs/package-lock.json", layer_lock_v1, 0 },
	{ "nodejs/node_modules/axios/package.json", "{\"name\":\"axios\",\"version\":\"1.6.0\"}", 0 },
};

static const file python_files[] = {
	{ SP "requests-2.31.0.dist-info/METADATA",
	  "Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\nSummary: Python HTTP for "
	  "Humans.\nClassifier: Natural Language :: English\n\nName: not-this\nVersion: 0\n", 0 },
	{ SP "requests-2.31.0.dist-info/RECORD", "requests/__init__.py,sha256=x,1\n", 0 },
	{ SP "requests/__init__.py", "__version__ = '2.31.0'\n", 0 },
	{ SP "Typing_Extensions-4.8.0.dist-info/METADATA",
	  "Metadata-Version: 2.1\r\nName: typing_extensions\r\nVersion: 4.8.0\r\n\r\nbody\r\n", 0 },
	{ SP "zope.interface-6.0-py3.12.egg-info/PKG-INFO",
	  "Metadata-Version: 1.2\nName: zope.interface\nVersion: 6.0\n", 0 },
	{ SP "six-1.16.0-py3.12.egg-info", "Metadata-Version: 1.1\nName: six\nVersion: 1.16.0\n", 0 },
	{ SP "ruamel.yaml.clib-0.2.8.dist-info/METADATA",
	  "Metadata-Version: 2.1\nsummary: C version of reader,\n  parser and emitter\n"
	  "name: ruamel.yaml.clib\nversion: 0.2.8\n", 0 },
	{ SP "broken-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: broken\n\nVersion: 1.0\n",
	  0 },
};

static const file dotnet_files[] = {
	{ "MyFunction.dll", "MZ\x90", 0 },
	{ "MyFunction.deps.json",
	  "\xef\xbb\xbf{\"runtimeTarget\":{\"name\":\".NETCoreApp,Version=v8.0\"},"
	  "\"targets\":{\".NETCoreApp,Version=v8.0\":{}},\"libraries\":{"
	  "\"MyFunction/1.0.0\":{\"type\":\"project\",\"serviceable\":false,\"sha512\":\"\"},"
	  "\"Amazon.Lambda.Core/2.2.0\":{\"type\":\"package\",\"serviceable\":true,"
	  "\"sha512\":\"sha512-x\",\"path\":\"amazon.lambda.core/2.2.0\"},"
	  "\"Newtonsoft.Json/13.0.3\":{\"type\":\"package\"},"
	  "\"runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.0\":{\"type\":\"runtimepack\"},"
	  "\"Bad\":{\"type\":\"package\"}}}", 0 },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Inventory of a package built from `f`, added to `d`. */
static int scan(ld_deps *d, const file *f, size_t n, const char *origin, int with_manifest)
{
	ld_buf zip = LD_BUF_INIT;
	ld_manifest *m = NULL;
	int error;

	if ((error = build(&zip, f, n)) < 0)
		return error;
	error = with_manifest ? ld_deps_manifest(&m, d, zip.ptr, zip.size, NULL, origin)
			      : ld_deps_from_zip(d, zip.ptr, zip.size, NULL, origin);
	ld_manifest_free(m);
	ld_buf_dispose(&zip);
	return error;
}

static const char node_want[] =
	"npm @aws-sdk/client-s3 3.400.0 node_modules/@aws-sdk/client-s3/package.json function\n"
	"npm @aws-sdk/client-s3 3.400.0 package-lock.json function\n"
	"npm jsonstream 1.3.5 node_modules/JSONStream/package.json function\n"
	"npm lodash 4.17.21 node_modules/.package-lock.json function\n"
	"npm lodash 4.17.21 node_modules/lodash/package.json function\n"
	"npm lodash 4.17.21 package-lock.json function\n"
	"npm string-width 4.2.3 node_modules/string-width-cjs/package.json function\n"
	"npm string-width 4.2.3 package-lock.json function\n"
	"npm tslib 2.5.0 node_modules/@aws-sdk/client-s3/node_modules/tslib/package.json function\n"
	"npm tslib 2.5.0 package-lock.json function\n"
	"npm tslib 2.6.2 node_modules/.package-lock.json function\n"
	"npm tslib 2.6.2 node_modules/tslib/package.json function\n"
	"npm tslib 2.6.2 package-lock.json function\n"
	"npm uuid 9.0.1 node_modules/uuid/package.json function\n";

static void test_deps__node_package(void)
{
	for (int manifest = 0; manifest <= 1; manifest++) {
		ld_deps d = LD_DEPS_INIT;
		LD_CHECK_INT(scan(&d, node_files, N(node_files), NULL, manifest), 0);
		CHECK_LINES(&d, node_want);
		LD_CHECK_INT(d.malformed, 2);
		LD_CHECK_INT(d.skipped, 0);
		LD_CHECK(d.first_problem && strstr(d.first_problem, "node_modules/broken/package.json"));
		ld_deps_dispose(&d);
	}
}

static void test_deps__layer_origin_and_lock_v1(void)
{
	ld_deps d = LD_DEPS_INIT;

	LD_CHECK_INT(scan(&d, layer_files, N(layer_files), LAYER_ARN, 1), 0);
	CHECK_LINES(&d,
		    "npm axios 1.6.0 nodejs/node_modules/axios/package.json " LAYER_ARN "\n"
		    "npm axios 1.6.0 nodejs/package-lock.json " LAYER_ARN "\n"
		    "npm follow-redirects 1.15.3 nodejs/package-lock.json " LAYER_ARN "\n"
		    "npm follow-redirects 1.15.4 nodejs/package-lock.json " LAYER_ARN "\n"
		    "npm left-pad 1.3.0 nodejs/package-lock.json " LAYER_ARN "\n");
	LD_CHECK_INT(d.malformed, 0);
	ld_deps_dispose(&d);
}

static void test_deps__python_package(void)
{
	ld_deps d = LD_DEPS_INIT;

	LD_CHECK_INT(scan(&d, python_files, N(python_files), NULL, 1), 0);
	CHECK_LINES(&d,
		    "PyPI requests 2.31.0 " SP "requests-2.31.0.dist-info/METADATA function\n"
		    "PyPI ruamel-yaml-clib 0.2.8 " SP "ruamel.yaml.clib-0.2.8.dist-info/METADATA function\n"
		    "PyPI six 1.16.0 " SP "six-1.16.0-py3.12.egg-info function\n"
		    "PyPI typing-extensions 4.8.0 " SP "Typing_Extensions-4.8.0.dist-info/METADATA function\n"
		    "PyPI zope-interface 6.0 " SP "zope.interface-6.0-py3.12.egg-info/PKG-INFO function\n");
	LD_CHECK_INT(d.malformed, 1);
	ld_deps_dispose(&d);
}

static void test_deps__dotnet_package(void)
{
	ld_deps d = LD_DEPS_INIT;

	LD_CHECK_INT(scan(&d, dotnet_files, N(dotnet_files), NULL, 1), 0);
	CHECK_LINES(&d,
		    "NuGet amazon.lambda.core 2.2.0 MyFunction.deps.json function\n"
		    "NuGet newtonsoft.json 13.0.3 MyFunction.deps.json function\n");
	LD_CHECK_INT(d.malformed, 1);
	ld_deps_dispose(&d);
}

/* ---- Java: the generated package ---- */

static char fixture_dir[64];

static void remove_fixtures(void)
{
	char cmd[128];
	if (fixture_dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fixture_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", fixture_dir);
	}
}

static char *java_zip(size_t *len)
{
	static int state;
	char cmd[256], path[128];

	if (state == 0) {
		strcpy(fixture_dir, "/tmp/ld-deps-XXXXXX");
		state = -1;
		if (mkdtemp(fixture_dir)) {
			atexit(remove_fixtures);
			snprintf(cmd, sizeof(cmd), "python3 tests/unit/make_deps_fixtures.py '%s'",
				 fixture_dir);
			if (system(cmd) == 0)
				state = 1;
		}
	}
	if (state != 1)
		return NULL;
	snprintf(path, sizeof(path), "%s/java.zip", fixture_dir);
	return ld_test_read_file(path, len);
}

#define MVN "/META-INF/maven/"

static void test_deps__java_package_and_nested_jars(void)
{
	ld_zip_limits lim = LD_ZIP_LIMITS_INIT;
	ld_deps d = LD_DEPS_INIT;
	ld_manifest *m = NULL, *plain = NULL;
	char d1[LD_SHA256_HEX_LEN + 1], d2[LD_SHA256_HEX_LEN + 1];
	size_t len = 0;
	char *zip = java_zip(&len);

	LD_REQUIRE(zip != NULL);
	lim.max_content_entry = 64 << 10;   /* lib/huge.jar (100 kB) is over it */
	for (unsigned threads = 1; threads <= 4; threads += 3) {
		lim.max_threads = threads;
		LD_CHECK_INT(ld_deps_manifest(&m, &d, zip, len, &lim, NULL), 0);
		CHECK_LINES(&d,
			    "Maven com.amazonaws:aws-lambda-java-core 1.2.3 lib/aws-lambda-java-core-1.2.3.jar!"
			    MVN "com.amazonaws/aws-lambda-java-core/pom.properties function\n"
			    "Maven com.example:orders 1.4.0 META-INF/maven/com.example/orders/pom.properties "
			    "function\n"
			    "Maven com.fasterxml.jackson.core:jackson-databind 2.15.2 "
			    "lib/jackson-databind-2.15.2.jar!" MVN
			    "com.fasterxml.jackson.core/jackson-databind/pom.properties function\n"
			    "Maven org.slf4j:slf4j-api 2.0.9 lib/descriptor.jar!" MVN
			    "org.slf4j/slf4j-api/pom.properties function\n"
			    "Maven org.yaml:snakeyaml 2.0 lib/jackson-databind-2.15.2.jar!" MVN
			    "org.yaml/snakeyaml/pom.properties function\n");
		LD_CHECK_INT(d.malformed, 1);   /* noversion.jar */
		LD_CHECK_INT(d.skipped, 2);     /* not-a-jar.jar, huge.jar */
		LD_CHECK_STR(d.first_problem, "lib/not-a-jar.jar: zip archive has no end of central "
			     "directory record (truncated or not a zip)");
		/* the jars are still hashed like any file */
		LD_CHECK_INT(ld_zip_manifest(&plain, zip, len, NULL), 0);
		LD_CHECK(m && plain && ld_manifest_digest(d1, m) == 0 &&
			 ld_manifest_digest(d2, plain) == 0 && strcmp(d1, d2) == 0);
		ld_manifest_free(m);
		ld_manifest_free(plain);
		m = plain = NULL;
		ld_deps_dispose(&d);
	}
	/* without the bound, huge.jar is read too */
	LD_CHECK_INT(ld_deps_from_zip(&d, zip, len, NULL, NULL), 0);
	LD_CHECK_INT(d.skipped, 1);
	ld_deps_finish(&d);
	LD_CHECK_INT(d.count, 6);
	ld_deps_dispose(&d);
	free(zip);
}

/* ---- malformed and hostile content ---- */

static const char *const samples[][2] = {
	{ "node_modules/a/package.json", "{\"name\":\"a\",\"version\":\"1.0.0\",\"x\":[1,2,{\"y\":null}]}" },
	{ "package-lock.json", node_lock_v3 },
	{ "nodejs/package-lock.json", layer_lock_v1 },
	{ SP "x-1.dist-info/METADATA", "Metadata-Version: 2.1\nName: x\nVersion: 1\n\nbody" },
	{ "META-INF/maven/g/a/pom.properties", "#c\ngroupId=g\nartifactId=a\nversion=1\n" },
	{ "lib/a.jar!/META-INF/maven/g/a/pom.properties", "groupId=g\nartifactId=a\nversion=1" },
};

static void test_deps__parsers_survive_truncation_and_noise(void)
{
	uint32_t seed = 12345;

	for (size_t s = 0; s < N(samples); s++) {
		const char *text = samples[s][1];
		size_t len = strlen(text);
		char *copy = malloc(len + 1);
		LD_REQUIRE(copy != NULL);
		for (size_t cut = 0; cut <= len; cut++) {     /* every prefix */
			ld_deps d = LD_DEPS_INIT;
			memcpy(copy, text, cut);
			LD_CHECK_INT(ld_deps_parse_file(&d, samples[s][0], copy, cut, NULL), 0);
			ld_deps_dispose(&d);
		}
		for (int round = 0; round < 300; round++) {   /* random byte changes */
			ld_deps d = LD_DEPS_INIT;
			memcpy(copy, text, len);
			for (int k = 0; k < 3; k++) {
				seed = seed * 1103515245u + 12345u;
				copy[(seed >> 8) % len] = (char)(seed >> 20);
			}
			LD_CHECK_INT(ld_deps_parse_file(&d, samples[s][0], copy, len, NULL), 0);
			ld_deps_dispose(&d);
		}
		free(copy);
	}
}

/* What util/json.h (cJSON) makes of a package.json: the reference for the fast scan. */
static int reference_fields(const char *text, size_t len, const char **name,
			    const char **version, ld_json **root)
{
	*root = NULL;
	if (ld_json_parse(root, text, len, "package.json") < 0 || !ld_json_is_object(*root))
		return -1;
	*name = ld_json_get_str(*root, "name");
	*version = ld_json_get_str(*root, "version");
	return *name && *version ? 1 : 0;
}

static const char *const package_samples[] = {
	"{\n  \"name\": \"@smithy/util-base64\",\n  \"version\": \"2.0.1\",\n  \"description\": "
	"\"A Base64 <-> UInt8Array converter\",\n  \"main\": \"./dist-cjs/index.js\",\n  \"scripts\": "
	"{\n    \"build\": \"concurrently 'yarn:build:cjs' 'yarn:build:es'\",\n    \"test\": \"jest\"\n"
	"  },\n  \"keywords\": [\"aws\", \"base64\"],\n  \"dependencies\": {\n    \"@smithy/util-buffer-from\": "
	"\"^2.0.0\",\n    \"tslib\": \"^2.5.0\"\n  },\n  \"engines\": {\"node\": \">=14.0.0\"},\n"
	"  \"typesVersions\": {\"<4.0\": {\"dist-types/*\": [\"dist-types/ts3.4/*\"]}},\n"
	"  \"files\": [\"dist-*/**\"],\n  \"sideEffects\": false,\n  \"publishConfig\": {\"directory\": "
	"\".release/package\"},\n  \"n\": [1, -2.5e+3, 0, 0.25, true, null, {}, []]\n}\n",
	"{\"version\":\"1.0.0\",\"name\":\"x\",\"name\":\"second\",\"version\":5}",
	"{\"name\":5,\"name\":\"later\",\"version\":\"1\"}",
	"{\"name\":\"caf\\u00e9\",\"version\":\"1\"}",
	"{\"n\\u0061me\":\"x\",\"version\":\"1\"}",
	"  {\"name\" : \"spaced\" , \"version\" : \"0.0.1-beta.2\" }  \r\n",
	"{\"private\":true,\"description\":\"a fixture without name or version\"}",
};

/* The fast scan agrees with the full parser wherever it answers, on real-looking files
 * and on thousands of mutations of them (it may refuse more: trailing bytes, "1.", ...). */
static void test_deps__package_json_scan_matches_full_parse(void)
{
	static const char noise[] = "{}[]\":,\\ 0-e.atrunl\x01\xc3";
	uint32_t seed = 4242;
	int stricter = 0, compared = 0;

	for (size_t s = 0; s < N(package_samples); s++) {
		size_t len = strlen(package_samples[s]);
		char *copy = malloc(len + 1);
		LD_REQUIRE(copy != NULL);
		for (int round = 0; round < 2000; round++) {
			const char *n = NULL, *v = NULL, *rn = NULL, *rv = NULL;
			size_t nl = 0, vl = 0, cut = len;
			ld_json *root = NULL;
			int fast, full;
			memcpy(copy, package_samples[s], len);
			for (int k = 0; round && k < 1 + round % 3; k++) {
				seed = seed * 1103515245u + 12345u;
				copy[(seed >> 8) % len] = noise[(seed >> 20) % (sizeof(noise) - 1)];
			}
			if (round % 7 == 6)
				cut = (seed >> 4) % len;
			fast = ld_deps__package_fields(copy, cut, &n, &nl, &v, &vl);
			full = reference_fields(copy, cut, &rn, &rv, &root);
			if (fast == 2) {
				ld_json_free(root);
				continue;
			}
			compared++;
			if (fast == -1 && full != -1)
				stricter++;
			else if (fast != full || (fast == 1 && (strlen(rn) != nl || memcmp(rn, n, nl) ||
							      strlen(rv) != vl || memcmp(rv, v, vl))))
				ld_test_fail(__FILE__, __LINE__, "sample %zu round %d: scan %d, parser %d "
					     "on '%.*s'", s, round, fast, full, (int)cut, copy);
			ld_json_free(root);
		}
		free(copy);
	}
	LD_CHECK(compared > 10000);
	LD_CHECK(stricter < compared / 10);
	/* the samples themselves */
	{
		const char *n, *v;
		size_t nl, vl;
		LD_CHECK_INT(ld_deps__package_fields(package_samples[1], strlen(package_samples[1]),
						     &n, &nl, &v, &vl), 1);
		LD_CHECK(nl == 1 && *n == 'x' && vl == 5 && memcmp(v, "1.0.0", 5) == 0);
		LD_CHECK_INT(ld_deps__package_fields(package_samples[2], strlen(package_samples[2]),
						     &n, &nl, &v, &vl), 0);
		LD_CHECK_INT(ld_deps__package_fields(package_samples[3], strlen(package_samples[3]),
						     &n, &nl, &v, &vl), 2);
		LD_CHECK_INT(ld_deps__package_fields(package_samples[4], strlen(package_samples[4]),
						     &n, &nl, &v, &vl), 2);
		LD_CHECK_INT(ld_deps__package_fields("{\"a\":1,}", 8, &n, &nl, &v, &vl), -1);
		LD_CHECK_INT(ld_deps__package_fields("{\"a\":01}", 8, &n, &nl, &v, &vl), -1);
		LD_CHECK_INT(ld_deps__package_fields("{} x", 4, &n, &nl, &v, &vl), -1);
	}
}

static void test_deps__huge_and_deep_inputs(void)
{
	size_t big = (size_t)2 << 20;
	char *text = malloc(big + 64);
	ld_deps d = LD_DEPS_INIT;

	LD_REQUIRE(text != NULL);
	/* a 2 MiB header line: the name is too long, counted as malformed */
	memcpy(text, "Name: ", 6);
	memset(text + 6, 'a', big);
	memcpy(text + 6 + big, "\nVersion: 1\n", 12);
	LD_CHECK_INT(ld_deps_parse_file(&d, SP "a-1.dist-info/METADATA", text, big + 18, NULL), 0);
	LD_CHECK_INT(d.count, 0);
	LD_CHECK_INT(d.malformed, 1);
	/* 2 MiB of headers before the ones that matter: still found */
	for (size_t i = 0; i + 16 <= big; i += 16)
		memcpy(text + i, "X-Header: 12345\n", 16);
	memcpy(text + big, "Name: b\nVersion: 2\n", 19);
	LD_CHECK_INT(ld_deps_parse_file(&d, SP "b-2.dist-info/METADATA", text, big + 19, NULL), 0);
	LD_CHECK_INT(d.count, 1);
	/* JSON nested far deeper than any real file */
	memset(text, '[', big);
	LD_CHECK_INT(ld_deps_parse_file(&d, "node_modules/x/package.json", text, big, NULL), 0);
	LD_CHECK_INT(ld_deps_parse_file(&d, "package-lock.json", text, big, NULL), 0);
	LD_CHECK_INT(d.malformed, 3);
	/* names and versions with control characters or too long */
	LD_CHECK_INT(ld_deps_add(&d, "npm", "ok\x01", "1", "p", NULL), LD_EINVALID);
	LD_CHECK_INT(ld_deps_add(&d, "npm", "ok", "", "p", NULL), LD_EINVALID);
	LD_CHECK_INT(ld_deps_add(&d, "cargo", "ok", "1", "p", NULL), LD_EINVALID);
	LD_CHECK_INT(ld_deps_add(&d, "pypi", " Foo__Bar..baz ", " 1.0 ", "p", NULL), 0);
	LD_CHECK_STR(d.items[d.count - 1].name, "foo-bar-baz");
	LD_CHECK_STR(d.items[d.count - 1].version, "1.0");
	LD_CHECK(d.items[d.count - 1].ecosystem == ld_eco_pypi);
	ld_deps_dispose(&d);
	free(text);
}

static void test_deps__mutated_packages_never_crash(void)
{
	uint32_t seed = 99;
	ld_buf zip = LD_BUF_INIT;

	LD_REQUIRE(build(&zip, node_files, N(node_files)) == 0);
	for (int round = 0; round < 400; round++) {
		char *copy = malloc(zip.size);
		ld_deps d = LD_DEPS_INIT;
		ld_manifest *m = NULL;
		int code;
		LD_REQUIRE(copy != NULL);
		memcpy(copy, zip.ptr, zip.size);
		seed = seed * 1103515245u + 12345u;
		copy[(seed >> 8) % zip.size] ^= (char)(1 + (seed >> 24) % 255);
		code = ld_deps_manifest(&m, &d, copy, zip.size, NULL, NULL);
		LD_CHECK(code == 0 || code == LD_EINVALID || code == LD_ELIMIT);
		LD_CHECK(code == 0 ? m != NULL : m == NULL && d.count == 0);
		ld_manifest_free(m);
		ld_deps_dispose(&d);
		free(copy);
	}
	ld_buf_dispose(&zip);
}

/* ---- lockfiles ---- */

static char *lock_lines(const ld_lock *l)
{
	ld_buf b = LD_BUF_INIT;

	for (size_t i = 0; i < l->count; i++)
		ld_buf_printf(&b, "%s %s %s%s%s\n", l->items[i].ecosystem, l->items[i].name,
			      l->items[i].version ? l->items[i].version : "(unpinned)",
			      l->items[i].flags & LD_LOCK_DEV ? " dev" : "",
			      l->items[i].flags & LD_LOCK_OPTIONAL ? " optional" : "");
	return ld_buf_detach(&b);
}

static void check_lock(const char *name, const char *text, const char *want)
{
	ld_lock l = LD_LOCK_INIT;
	char *got;

	if (ld_lock_parse(&l, name, text, strlen(text)) < 0) {
		ld_test_fail(__FILE__, __LINE__, "%s refused", name);
		ld_lock_dispose(&l);
		return;
	}
	got = lock_lines(&l);
	if (!got || strcmp(got, want))
		ld_test_fail(__FILE__, __LINE__, "%s:\n%s\nexpected:\n%s", name, got ? got : "", want);
	free(got);
	ld_lock_dispose(&l);
}

static const char tag_lock_v3[] =
	"{\"lockfileVersion\":3,\"packages\":{"
	"\"\":{\"name\":\"my-fn\",\"version\":\"1.0.0\"},"
	"\"node_modules/@aws-sdk/client-s3\":{\"version\":\"3.400.0\"},"
	"\"node_modules/@aws-sdk/client-s3/node_modules/tslib\":{\"version\":\"2.5.0\"},"
	"\"node_modules/tslib\":{\"version\":\"2.6.2\"},"
	"\"node_modules/lodash\":{\"version\":\"4.17.20\"},"
	"\"node_modules/jest\":{\"version\":\"29.7.0\",\"dev\":true},"
	"\"node_modules/fsevents\":{\"version\":\"2.3.3\",\"optional\":true},"
	"\"node_modules/express\":{\"version\":\"4.18.2\"},"
	"\"node_modules/axios\":{\"version\":\"1.6.0\"},"
	"\"node_modules/follow-redirects\":{\"version\":\"1.15.4\"},"
	"\"node_modules/string-width-cjs\":{\"name\":\"string-width\",\"version\":\"4.2.3\"},"
	"\"node_modules/uuid\":{\"version\":\"9.0.1\"},"
	"\"node_modules/left-pad\":{\"version\":\"1.3.0\",\"devOptional\":true},"
	"\"node_modules/my-git\":{\"version\":\"git+ssh://git@github.com/x/y.git#abc\"},"
	"\"node_modules/ws\":{\"link\":true}}}";

static void test_lock__package_lock(void)
{
	check_lock("package-lock.json", tag_lock_v3,
		   "npm @aws-sdk/client-s3 3.400.0\n"
		   "npm axios 1.6.0\n"
		   "npm express 4.18.2\n"
		   "npm follow-redirects 1.15.4\n"
		   "npm fsevents 2.3.3 optional\n"
		   "npm jest 29.7.0 dev\n"
		   "npm left-pad 1.3.0 dev optional\n"
		   "npm lodash 4.17.20\n"
		   "npm my-git (unpinned)\n"
		   "npm string-width 4.2.3\n"
		   "npm tslib 2.5.0\n"
		   "npm tslib 2.6.2\n"
		   "npm uuid 9.0.1\n");
	check_lock("services/shared/package-lock.json", layer_lock_v1,
		   "npm axios 1.6.0\n"
		   "npm eslint 8.0.0 dev\n"
		   "npm follow-redirects 1.15.3\n"
		   "npm follow-redirects 1.15.4\n"
		   "npm from-git (unpinned)\n"
		   "npm left-pad 1.3.0\n");
	check_lock("npm-shrinkwrap.json", "{\"lockfileVersion\":2,\"requires\":true}", "");
}

static const char poetry_lock[] =
	"# This file is automatically @generated by Poetry 1.6.1 and should not be changed by hand.\n"
	"\n"
	"[[package]]\n"
	"name = \"Requests\"\n"
	"version = \"2.31.0\"\n"
	"description = \"Python HTTP for Humans.\"\n"
	"optional = false\n"
	"python-versions = \">=3.7\"\n"
	"files = [\n"
	"    {file = \"requests-2.31.0-py3-none-any.whl\", hash = \"sha256:58cd\"},\n"
	"    {file = \"requests-2.31.0.tar.gz\", hash = \"sha256:942c\"},  # trailing comment\n"
	"]\n"
	"\n"
	"[package.dependencies]\n"
	"certifi = \">=2017.4.17\"\n"
	"name = \"not a package name\"\n"
	"urllib3 = {version = \">=1.21.1,<3\", markers = \"python_version >= '3.7'\"}\n"
	"\n"
	"[package.extras]\n"
	"socks = [\"PySocks (>=1.5.6,!=1.5.7)\"]\n"
	"\n"
	"[[package]]\n"
	"name = 'typing_extensions'\n"
	"version = '4.8.0'\n"
	"description = \"\"\"A multi-line\n"
	"description with \"quotes\" and [brackets]\n"
	"name = \"fake\"\"\"\"\n"
	"optional = true\n"
	"python-versions = \">=3.8\"\n"
	"\n"
	"[[package]]\n"
	"name = \"pytest\"\n"
	"version = \"7.4.2\"\n"
	"category = \"dev\"\n"
	"optional = false\n"
	"\n"
	"[[package]]\n"
	"name = \"black\"\n"
	"version = \"23.9.1\"\n"
	"groups = [\"lint\", \"dev\"]\n"
	"\n"
	"[[package]]\n"
	"name = \"zope.interface\"\n"
	"version = \"6.0\"\n"
	"groups = [\n  \"main\",\n  \"dev\",\n]\n"
	"\n"
	"[metadata]\n"
	"lock-version = \"2.0\"\n"
	"python-versions = \"^3.11\"\n"
	"content-hash = \"abc\"\n"
	"\n"
	"[metadata.files]\n"
	"requests = [\n"
	"    {file = \"requests-2.31.0.tar.gz\", hash = \"sha256:942c\"},\n"
	"]\n";

static void test_lock__poetry(void)
{
	check_lock("poetry.lock", poetry_lock,
		   "PyPI black 23.9.1 dev\n"
		   "PyPI pytest 7.4.2 dev\n"
		   "PyPI requests 2.31.0\n"
		   "PyPI typing-extensions 4.8.0 optional\n"
		   "PyPI zope-interface 6.0\n");
}

static const char pipfile_lock[] =
	"{\"_meta\":{\"hash\":{\"sha256\":\"x\"},\"pipfile-spec\":6,\"requires\":{\"python_version\":"
	"\"3.11\"},\"sources\":[{\"name\":\"pypi\",\"url\":\"https://pypi.org/simple\"}]},"
	"\"default\":{"
	"\"requests\":{\"hashes\":[\"sha256:58cd\"],\"index\":\"pypi\",\"version\":\"==2.31.0\"},"
	"\"colorama\":{\"markers\":\"sys_platform == 'win32'\",\"version\":\"==0.4.6\"},"
	"\"mylib\":{\"git\":\"https://github.com/x/mylib.git\",\"ref\":\"abc\"},"
	"\"Six\":{\"version\":\"==1.16.0\"}},"
	"\"develop\":{"
	"\"pytest\":{\"version\":\"==7.4.2\"},"
	"\"six\":{\"version\":\"==1.16.0\"},"
	"\"any\":{\"version\":\"*\"}}}";

static void test_lock__pipfile(void)
{
	check_lock("Pipfile.lock", pipfile_lock,
		   "PyPI any (unpinned) dev\n"
		   "PyPI colorama 0.4.6 optional\n"
		   "PyPI mylib (unpinned)\n"
		   "PyPI pytest 7.4.2 dev\n"
		   "PyPI requests 2.31.0\n"
		   "PyPI six 1.16.0\n");
}

static const char requirements_txt[] =
	"# production pins\n"
	"-r base.txt\n"
	"--index-url https://pypi.org/simple\n"
	"-e git+https://github.com/x/y.git#egg=y\n"
	"requests==2.31.0 \\\n"
	"    --hash=sha256:58cd \\\n"
	"    --hash=sha256:942c\n"
	"six == 1.15.0   # pinned, spaces\n"
	"urllib3[socks,secure]==2.0.7\n"
	"colorama==0.4.6 ; sys_platform == \"win32\"\n"
	"Typing_Extensions>=4.0\n"
	"boto3===1.28.0\n"
	"attrs==23.*\n"
	"idna==3.4,!=3.3\n"
	"mylib @ https://example.com/mylib-1.0.tar.gz\n"
	"https://example.com/other-2.0.tar.gz\n"
	"./local/package\n"
	"pyyaml\r\n"
	"\n"
	"   # indented comment\n"
	"last==1.0";

static void test_lock__requirements(void)
{
	check_lock("requirements.txt", requirements_txt,
		   "PyPI attrs (unpinned)\n"
		   "PyPI boto3 1.28.0\n"
		   "PyPI colorama 0.4.6 optional\n"
		   "PyPI idna (unpinned)\n"
		   "PyPI last 1.0\n"
		   "PyPI mylib (unpinned)\n"
		   "PyPI pyyaml (unpinned)\n"
		   "PyPI requests 2.31.0\n"
		   "PyPI six 1.15.0\n"
		   "PyPI typing-extensions (unpinned)\n"
		   "PyPI urllib3 2.0.7\n");
	LD_CHECK(ld_lock_ecosystem("deploy/requirements-prod.txt") == ld_eco_pypi);
	LD_CHECK(ld_lock_ecosystem("requirements.txt") == ld_eco_pypi);
	LD_CHECK(ld_lock_ecosystem("requirements.in") == NULL);
	LD_CHECK(ld_lock_ecosystem("yarn.lock") == NULL);
}

static void test_lock__refusals_and_truncation(void)
{
	const char *const texts[][2] = {
		{ "poetry.lock", poetry_lock },
		{ "Pipfile.lock", pipfile_lock },
		{ "requirements.txt", requirements_txt },
		{ "package-lock.json", tag_lock_v3 },
		{ "package-lock.json", layer_lock_v1 },
	};
	ld_lock l = LD_LOCK_INIT;
	int code;

	LD_CHECK_INT(ld_lock_parse(&l, "yarn.lock", "x", 1), LD_EUSAGE);
	LD_CHECK_INT(ld_lock_parse(&l, "poetry.lock", "[[package]]\nname = \"x\"\n", 23), LD_EINVALID);
	LD_CHECK(strstr(ld_error_last()->message, "poetry.lock line 1: a [[package]] without name"));
	LD_CHECK_INT(ld_lock_parse(&l, "poetry.lock", "[[package]]\nname = \"x\nversion = \"1\"\n",
				   36), LD_EINVALID);
	LD_CHECK(strstr(ld_error_last()->message, "line 2: newline in a string"));
	LD_CHECK_INT(ld_lock_parse(&l, "requirements.txt", "a[x==1\n", 7), LD_EINVALID);
	LD_CHECK_INT(ld_lock_parse(&l, "Pipfile.lock", "{\"default\":[]}", 14), LD_EINVALID);
	LD_CHECK_INT(ld_lock_parse(&l, "package-lock.json", "{\"packages\":", 12), LD_EINVALID);
	/* a file refused half-way leaves none of its entries behind */
	LD_CHECK_INT(ld_lock_parse(&l, "requirements.txt", "a==1\nb==2\nc[x==1\n", 17),
		     LD_EINVALID);
	LD_CHECK_INT(l.count, 0);
	LD_CHECK_INT(l.ncovered, 0);
	ld_lock_dispose(&l);
	for (size_t t = 0; t < N(texts); t++) {
		size_t len = strlen(texts[t][1]);
		char *copy = malloc(len + 1);
		LD_REQUIRE(copy != NULL);
		for (size_t cut = 0; cut <= len; cut++) {
			ld_lock_init(&l);
			memcpy(copy, texts[t][1], cut);
			code = ld_lock_parse(&l, texts[t][0], copy, cut);
			if (code != 0 && code != LD_EINVALID)
				ld_test_fail(__FILE__, __LINE__, "%s cut at %zu: code %d", texts[t][0],
					     cut, code);
			ld_lock_dispose(&l);
		}
		free(copy);
	}
}

/* ---- drift ---- */

static char *diff_lines(const ld_deps_diff *df)
{
	ld_buf b = LD_BUF_INIT;

	for (size_t i = 0; i < df->count; i++) {
		const ld_deps_change *c = &df->changes[i];
		ld_buf_printf(&b, "%s %s %s deployed=%s locked=%s at=%s (%s)\n",
			      ld_deps_change_name(c->kind), c->ecosystem, c->name,
			      c->deployed ? c->deployed : "-", c->locked ? c->locked : "-",
			      c->path ? c->path : "-", c->origin ? c->origin : "-");
	}
	return ld_buf_detach(&b);
}

static void test_deps__compare_with_lockfiles(void)
{
	ld_deps d = LD_DEPS_INIT;
	ld_lock l = LD_LOCK_INIT;
	ld_deps_diff df;
	char *got;
	static const char want_npm[] =
		"missing npm express deployed=- locked=4.18.2 at=- (-)\n"
		"changed npm follow-redirects deployed=1.15.3, 1.15.4 locked=1.15.4 "
		"at=nodejs/package-lock.json (" LAYER_ARN ")\n"
		"unexpected npm jsonstream deployed=1.3.5 locked=- at=node_modules/JSONStream/package.json "
		"(function)\n"
		"changed npm lodash deployed=4.17.21 locked=4.17.20 at=node_modules/.package-lock.json "
		"(function)\n";
	static const char want_pypi[] =
		"missing PyPI boto3 deployed=- locked=1.28.0 at=- (-)\n"
		"missing PyPI last deployed=- locked=1.0 at=- (-)\n"
		"missing PyPI requests deployed=- locked=2.31.0 at=- (-)\n"
		"unexpected PyPI ruamel-yaml-clib deployed=0.2.8 locked=- at=" SP
		"ruamel.yaml.clib-0.2.8.dist-info/METADATA (function)\n"
		"changed PyPI six deployed=1.16.0 locked=1.15.0 at=" SP "six-1.16.0-py3.12.egg-info "
		"(function)\n"
		"missing PyPI urllib3 deployed=- locked=2.0.7 at=- (-)\n"
		"unexpected PyPI zope-interface deployed=6.0 locked=- at=" SP
		"zope.interface-6.0-py3.12.egg-info/PKG-INFO (function)\n";
	static const char same[] = "six==1.16.0\nzope.interface==6.0\nruamel-yaml-clib==0.2.8\n"
				   "typing-extensions==4.8.0\n";

	LD_REQUIRE(scan(&d, node_files, N(node_files), NULL, 1) == 0);
	LD_REQUIRE(scan(&d, layer_files, N(layer_files), LAYER_ARN, 1) == 0);
	LD_REQUIRE(scan(&d, python_files + 3, N(python_files) - 3, NULL, 1) == 0);
	ld_deps_finish(&d);
	/* only npm is covered: python deps are not compared */
	LD_REQUIRE(ld_lock_parse(&l, "package-lock.json", tag_lock_v3, strlen(tag_lock_v3)) == 0);
	LD_REQUIRE(ld_deps_compare(&d, &l, &df) == 0);
	got = diff_lines(&df);
	if (!got || strcmp(got, want_npm))
		ld_test_fail(__FILE__, __LINE__, "diff:\n%s\nexpected:\n%s", got ? got : "", want_npm);
	LD_CHECK_INT(df.changed, 2);
	LD_CHECK_INT(df.missing, 1);
	LD_CHECK_INT(df.unexpected, 1);
	free(got);
	ld_deps_diff_dispose(&df);
	/* add requirements.txt: PyPI now compared too ("PyPI" sorts before "npm") */
	LD_REQUIRE(ld_lock_parse(&l, "requirements.txt", requirements_txt,
				 strlen(requirements_txt)) == 0);
	LD_CHECK(ld_lock_covers(&l, ld_eco_pypi) && ld_lock_covers(&l, ld_eco_npm));
	LD_REQUIRE(ld_deps_compare(&d, &l, &df) == 0);
	got = diff_lines(&df);
	LD_CHECK(got && strncmp(got, want_pypi, strlen(want_pypi)) == 0);
	if (got && strcmp(got + strlen(want_pypi), want_npm))
		ld_test_fail(__FILE__, __LINE__, "diff:\n%s\nexpected:\n%s%s", got, want_pypi,
			     want_npm);
	free(got);
	ld_deps_diff_dispose(&df);
	ld_lock_dispose(&l);
	/* identical: an empty diff */
	ld_lock_init(&l);
	LD_REQUIRE(ld_lock_parse(&l, "requirements.txt", same, strlen(same)) == 0);
	LD_REQUIRE(ld_deps_compare(&d, &l, &df) == 0);
	LD_CHECK_INT(df.count, 0);
	ld_deps_diff_dispose(&df);
	ld_lock_dispose(&l);
	ld_deps_dispose(&d);
}

/* ---- the zip reader's content access ---- */

typedef struct {
	ld_buf log;              /* "container|path status len sha\n" per item */
	size_t wanted, calls, stop_at;
} recorder;

static ld_zip_want want_some(const char *container, const char *path, uint64_t size,
			     void *payload)
{
	size_t n = strlen(path);

	if (!container)
		((recorder *)payload)->wanted++;
	if (n > 4 && strcmp(path + n - 4, ".jar") == 0)
		return LD_ZIP_OPEN;
	return strstr(path, "want") || strstr(path, "pom.properties") ? LD_ZIP_TAKE : LD_ZIP_SKIP;
}

static ld_zip_want want_all(const char *container, const char *path, uint64_t size,
			    void *payload)
{
	return LD_ZIP_TAKE;
}

static int record(const ld_zip_item *it, void *payload)
{
	recorder *r = payload;
	char hex[LD_SHA256_HEX_LEN + 1] = "-";

	if (r->stop_at && ++r->calls == r->stop_at)
		return ld_error_setc(LD_ELIMIT, LD_ERR_ZIP, "stopped by the callback");
	if (it->data)
		ld_sha256_hex(hex, it->data, it->len);
	ld_buf_printf(&r->log, "%s|%s %d %zu/%llu %.12s%s%s\n", it->container ? it->container : "",
		      it->path, (int)it->status, it->len, (unsigned long long)it->size, hex,
		      it->why ? " " : "", it->why ? it->why : "");
	return 0;
}

/* A package past the threading threshold: 400 small files (every third wanted), a 5 MiB
 * text, and jars: one with 300 pom.properties (more content than a nested archive may
 * keep), one with 1500 (more entries than even their records fit in), and one holding a
 * jar (never opened). */
static int big_package(ld_buf *zip)
{
	enum { NSMALL = 400, NPOM = 1500, NKEEP = 300 };
	static char names[NSMALL][40], bodies[NSMALL][200], pnames[NPOM][64], pbodies[NPOM][256];
	file f[NSMALL + 5], pf[NPOM], inner_f[1], outer_f[1];
	ld_buf pom = LD_BUF_INIT, many = LD_BUF_INIT, inner = LD_BUF_INIT, outer = LD_BUF_INIT;
	size_t big = (size_t)5 << 20;
	char *text = malloc(big + 1);
	int error;

	if (!text)
		return LD_ERROR;
	for (size_t i = 0; i < big; i++)
		text[i] = "abcdefgh ijklmnop\n"[(i * 7 + i / 13) % 18];
	text[big] = '\0';
	for (int i = 0; i < NSMALL; i++) {
		snprintf(names[i], sizeof(names[i]), "d%02d/%s%03d.txt", i % 17,
			 i % 3 ? "skip" : "want", i);
		snprintf(bodies[i], sizeof(bodies[i]), "content of file %d %s\n", i,
			 i % 5 ? "short" : "a little longer than the others");
		f[i] = (file){ names[i], bodies[i], 0 };
	}
	for (int i = 0; i < NPOM; i++) {
		snprintf(pnames[i], sizeof(pnames[i]), "META-INF/maven/g%04d/a/pom.properties", i);
		snprintf(pbodies[i], sizeof(pbodies[i]), "#%0160d\ngroupId=g%04d\nartifactId=a\n"
			 "version=%d\n", 0, i, i);
		pf[i] = (file){ pnames[i], pbodies[i], 0 };
	}
	inner_f[0] = (file){ "META-INF/maven/deep/inner/pom.properties", "groupId=deep\n", 0 };
	if ((error = build(&pom, pf, NKEEP)) < 0 || (error = build(&many, pf, NPOM)) < 0 ||
	    (error = build(&inner, inner_f, 1)) < 0)
		goto done;
	outer_f[0] = (file){ "lib/inner.jar", inner.ptr, inner.size };
	if ((error = build(&outer, outer_f, 1)) < 0)
		goto done;
	f[NSMALL] = (file){ "big.txt", text, big };
	f[NSMALL + 1] = (file){ "lib/many-poms.jar", pom.ptr, pom.size };
	f[NSMALL + 2] = (file){ "lib/outer.jar", outer.ptr, outer.size };
	f[NSMALL + 3] = (file){ "lib/too-many.jar", many.ptr, many.size };
	f[NSMALL + 4] = (file){ "want-big.txt", text, (size_t)1 << 20 };
	error = build(zip, f, NSMALL + 5);
done:
	ld_buf_dispose(&pom);
	ld_buf_dispose(&many);
	ld_buf_dispose(&inner);
	ld_buf_dispose(&outer);
	free(text);
	return error;
}

static char *run_manifest(const ld_buf *zip, unsigned threads, ld_zip_limits *lim,
			  char digest[LD_SHA256_HEX_LEN + 1], size_t *wanted)
{
	recorder r;
	ld_manifest *m = NULL;

	memset(&r, 0, sizeof(r));
	ld_buf_init(&r.log, (size_t)64 << 20);
	lim->max_threads = threads;
	if (ld_zip_manifest_visit(&m, zip->ptr, zip->size, lim, want_some, record, &r) < 0 ||
	    ld_manifest_digest(digest, m) < 0) {
		ld_manifest_free(m);
		ld_buf_dispose(&r.log);
		return NULL;
	}
	ld_manifest_free(m);
	*wanted = r.wanted;
	return ld_buf_detach(&r.log);
}

static void test_zip_content__one_pass_same_order_any_threads(void)
{
	ld_zip_limits lim = LD_ZIP_LIMITS_INIT;
	ld_buf zip = LD_BUF_INIT;
	ld_manifest *plain = NULL;
	char want_digest[LD_SHA256_HEX_LEN + 1], digest[LD_SHA256_HEX_LEN + 1];
	char *first = NULL, *log;
	size_t wanted = 0, lines = 0;
	recorder r;

	LD_REQUIRE(big_package(&zip) == 0);
	LD_REQUIRE(zip.size < ((size_t)5 << 20) && ld_zip_manifest(&plain, zip.ptr, zip.size, NULL) == 0);
	LD_REQUIRE(ld_manifest_digest(want_digest, plain) == 0);
	for (unsigned threads = 1; threads <= 4; threads++) {
		for (int round = 0; round < 3; round++) {
			log = run_manifest(&zip, threads, &lim, digest, &wanted);
			LD_REQUIRE(log != NULL);
			LD_CHECK_STR(digest, want_digest);
			LD_CHECK_INT(wanted, plain->count);   /* asked once per file */
			if (!first)
				first = log;
			else if (strcmp(first, log)) {
				ld_test_fail(__FILE__, __LINE__, "%u threads: a different delivery", threads);
				free(log);
			} else {
				free(log);
			}
		}
	}
	LD_REQUIRE(first != NULL);
	/* archive order (the writer sorts by path), nested items in place of their jar */
	LD_CHECK(strncmp(first, "|d00/want000.txt 0 ", 19) == 0);
	LD_CHECK(strstr(first, "|d16/want033.txt") &&
		 strstr(first, "|d16/want033.txt") < strstr(first, "lib/many-poms.jar|"));
	LD_CHECK(strstr(first, "lib/many-poms.jar|") < strstr(first, "|want-big.txt 0 1048576/1048576"));
	LD_CHECK(!strstr(first, "inner"));   /* one level deep only */
	for (const char *p = first; (p = strchr(p, '\n')); p++)
		lines++;
	LD_CHECK_INT(lines, 134 + 300 + 1 + 1);
	/* what a nested archive may keep is bounded: the later pom.properties are not read,
	 * and one whose wanted entries do not even fit as records is not read at all */
	LD_CHECK(strstr(first, "lib/many-poms.jar|META-INF/maven/g0000/a/pom.properties 0 "));
	LD_CHECK(strstr(first, "lib/many-poms.jar|META-INF/maven/g0299/a/pom.properties 2 0/"));
	LD_CHECK(strstr(first, "|lib/too-many.jar 3 0/") &&
		 strstr(first, "zip archive holds more wanted entries than fit in the 65536 bytes"));
	/* ld_zip_visit delivers exactly the same */
	memset(&r, 0, sizeof(r));
	ld_buf_init(&r.log, (size_t)64 << 20);
	LD_CHECK_INT(ld_zip_visit(zip.ptr, zip.size, NULL, want_some, record, &r), 0);
	LD_CHECK_STR(r.log.ptr, first);
	ld_buf_dispose(&r.log);
	free(first);
	ld_manifest_free(plain);
	ld_buf_dispose(&zip);
}

static void test_zip_content__bounds_and_stops(void)
{
	ld_zip_limits lim = LD_ZIP_LIMITS_INIT;
	ld_buf zip = LD_BUF_INIT;
	ld_manifest *m = NULL;
	char digest[LD_SHA256_HEX_LEN + 1];
	size_t wanted = 0, len = 0;
	char *log, *data;
	recorder r;

	LD_REQUIRE(big_package(&zip) == 0);
	/* per entry: want-big.txt (1 MiB) and too-many.jar are not read */
	lim.max_content_entry = 100000;
	log = run_manifest(&zip, 2, &lim, digest, &wanted);
	LD_REQUIRE(log != NULL);
	LD_CHECK(strstr(log, "|want-big.txt 1 0/1048576 -\n"));
	LD_CHECK(strstr(log, "|lib/too-many.jar 1 0/"));
	free(log);
	/* in total: the first wanted files fit, the rest are reported over the budget */
	lim = (ld_zip_limits)LD_ZIP_LIMITS_INIT;
	lim.max_content_total = 1000;
	log = run_manifest(&zip, 4, &lim, digest, &wanted);
	LD_REQUIRE(log != NULL);
	LD_CHECK(strstr(log, "|d00/want000.txt 0 "));
	LD_CHECK(strstr(log, "|d16/want033.txt 2 0/"));
	LD_CHECK(strstr(log, "|lib/many-poms.jar 2 0/"));
	free(log);
	/* a callback's error stops the reading and is returned; no manifest */
	memset(&r, 0, sizeof(r));
	ld_buf_init(&r.log, (size_t)1 << 20);
	r.stop_at = 3;
	LD_CHECK_INT(ld_zip_manifest_visit(&m, zip.ptr, zip.size, NULL, want_some, record, &r),
		     LD_ELIMIT);
	LD_CHECK(m == NULL);
	LD_CHECK_STR(ld_error_last()->message, "stopped by the callback");
	ld_buf_dispose(&r.log);
	ld_buf_dispose(&zip);
	/* a refused archive gets no callback; ld_zip_visit delivers up to the bad entry */
	LD_REQUIRE((data = ld_test_read_file("fixtures/zip/hostile/crc-two.zip", &len)) != NULL);
	memset(&r, 0, sizeof(r));
	ld_buf_init(&r.log, (size_t)1 << 20);
	LD_CHECK_INT(ld_zip_manifest_visit(&m, data, len, NULL, want_all, record, &r), LD_EINVALID);
	LD_CHECK_INT(r.log.size, 0);
	LD_CHECK_INT(ld_zip_visit(data, len, NULL, want_all, record, &r), LD_EINVALID);
	LD_CHECK_STR(ld_error_last()->message, "zip entry 'f12.txt' fails its CRC-32 check");
	LD_CHECK(strncmp(r.log.ptr, "|f00.txt 0 11291/11291 ", 23) == 0);
	LD_CHECK(strstr(r.log.ptr, "|f11.txt 0 11292/11292 ") && !strstr(r.log.ptr, "f12"));
	ld_buf_dispose(&r.log);
	/* nothing wanted: ld_zip_visit checks the structure only */
	LD_CHECK_INT(ld_zip_visit(data, len, NULL, NULL, NULL, NULL), 0);
	free(data);
}

/* Every hostile archive of test_zip: ld_zip_visit refuses it exactly as ld_zip_manifest
 * does; packed as a jar inside a package, it costs the package nothing but that jar. */
static void test_zip_content__hostile_archives(void)
{
	static const file ok_jar[] = {
		{ "META-INF/maven/g/ok/pom.properties", "groupId=g\nartifactId=ok\nversion=1\n", 0 },
	};
	char path[512], msg[sizeof(((ld_error *)0)->message)];
	ld_buf ok = LD_BUF_INIT;
	struct dirent *de;
	DIR *dir = opendir("fixtures/zip/hostile");
	int checked = 0;

	LD_REQUIRE(dir != NULL);
	LD_REQUIRE(build(&ok, ok_jar, 1) == 0);
	while ((de = readdir(dir))) {
		size_t len = 0, n = strlen(de->d_name);
		char *data;
		int code1, code2;
		ld_manifest *m = NULL;
		recorder r;
		if (n < 5 || strcmp(de->d_name + n - 4, ".zip"))
			continue;
		snprintf(path, sizeof(path), "fixtures/zip/hostile/%s", de->d_name);
		LD_REQUIRE((data = ld_test_read_file(path, &len)) != NULL);
		code1 = ld_zip_manifest(&m, data, len, NULL);
		snprintf(msg, sizeof(msg), "%s", ld_error_last()->message);
		ld_manifest_free(m);
		memset(&r, 0, sizeof(r));
		ld_buf_init(&r.log, (size_t)16 << 20);
		code2 = ld_zip_visit(data, len, NULL, want_all, record, &r);
		ld_buf_dispose(&r.log);
		if (code1 >= 0 || code1 != code2 || strcmp(msg, ld_error_last()->message))
			ld_test_fail(__FILE__, __LINE__, "%s: manifest %d '%s', visit %d '%s'",
				     de->d_name, code1, msg, code2, ld_error_last()->message);
		{
			file f[2] = { { "lib/hostile.jar", data, len ? len : 1 },
				      { "lib/ok.jar", ok.ptr, ok.size } };
			ld_buf pkg = LD_BUF_INIT;
			ld_deps d = LD_DEPS_INIT;
			LD_CHECK(build(&pkg, f, 2) == 0);
			LD_CHECK_INT(ld_deps_manifest(&m, &d, pkg.ptr, pkg.size, NULL, NULL), 0);
			ld_deps_finish(&d);
			LD_CHECK(d.count >= 1 && d.skipped <= 1);
			LD_CHECK(d.count >= 1 && strcmp(d.items[d.count - 1].name, "g:ok") == 0);
			ld_manifest_free(m);
			ld_deps_dispose(&d);
			ld_buf_dispose(&pkg);
		}
		free(data);
		checked++;
	}
	closedir(dir);
	ld_buf_dispose(&ok);
	LD_CHECK(checked >= 40);
}

/* One normalisation for the inventory, lock files and OSV: the rules of each ecosystem's
 * index, so a name found in a package matches the advisory that spells it differently. */
static void test_deps__normalise_names(void)
{
	static const char *const cases[][3] = {
		{ "npm", "Axios", "axios" },
		{ "npm", "@Scope/Pkg", "@scope/pkg" },
		{ "npm", " lodash ", "lodash" },
		{ "PyPI", "Jinja2", "jinja2" },
		{ "PyPI", "Friendly-Bard", "friendly-bard" },
		{ "pypi", "FRIENDLY-BARD", "friendly-bard" },
		{ "PyPI", "friendly.bard", "friendly-bard" },
		{ "PyPI", "friendly_bard", "friendly-bard" },
		{ "PyPI", "friendly--bard", "friendly-bard" },
		{ "PyPI", "FrIeNdLy-._.-bArD", "friendly-bard" },
		{ "PyPI", "zope.interface", "zope-interface" },
		{ "PyPI", "\tfoo\n", "foo" },
		{ "NuGet", "Newtonsoft.Json", "newtonsoft.json" },
		{ "nuget", " Amazon.Lambda.Core ", "amazon.lambda.core" },
		{ "Maven", "org.apache.logging.log4j:log4j-core", "org.apache.logging.log4j:log4j-core" },
		{ "Maven", "Org.Example:Thing", "Org.Example:Thing" },
		/* an ecosystem OSV has and lambdrift does not read: kept as published */
		{ "crates.io", "Serde_Json", "Serde_Json" },
	};
	char out[LD_DEP_NAME_MAX + 1], big[LD_DEP_NAME_MAX + 2];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		LD_CHECK_INT(ld_deps_normalise(out, cases[i][0], cases[i][1]), 0);
		LD_CHECK_STR(out, cases[i][2]);
	}
	LD_CHECK_INT(ld_deps_normalise(out, "npm", "  "), LD_EINVALID);
	LD_CHECK_INT(ld_deps_normalise(out, "npm", NULL), LD_EINVALID);
	LD_CHECK_INT(ld_deps_normalise(out, "npm", "a\x01"), LD_EINVALID);
	LD_CHECK_INT(ld_deps_normalise(out, "NuGet", "Caf\xc3\xa9"), LD_EINVALID);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	LD_CHECK_INT(ld_deps_normalise(out, "npm", big), LD_EINVALID);
	big[sizeof(big) - 2] = '\0';
	LD_CHECK_INT(ld_deps_normalise(out, "npm", big), 0);
}

const ld_test ld_tests[] = {
	LD_TEST(test_zip_content__hostile_archives),
	LD_TEST(test_deps__normalise_names),
	LD_TEST(test_deps__node_package),
	LD_TEST(test_deps__layer_origin_and_lock_v1),
	LD_TEST(test_deps__python_package),
	LD_TEST(test_deps__dotnet_package),
	LD_TEST(test_deps__java_package_and_nested_jars),
	LD_TEST(test_deps__parsers_survive_truncation_and_noise),
	LD_TEST(test_deps__package_json_scan_matches_full_parse),
	LD_TEST(test_deps__huge_and_deep_inputs),
	LD_TEST(test_deps__mutated_packages_never_crash),
	LD_TEST(test_lock__package_lock),
	LD_TEST(test_lock__poetry),
	LD_TEST(test_lock__pipfile),
	LD_TEST(test_lock__requirements),
	LD_TEST(test_lock__refusals_and_truncation),
	LD_TEST(test_deps__compare_with_lockfiles),
	LD_TEST(test_zip_content__one_pass_same_order_any_threads),
	LD_TEST(test_zip_content__bounds_and_stops),
	{ NULL, NULL },
};
