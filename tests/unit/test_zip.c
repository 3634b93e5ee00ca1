/* The zip reader, manifests and the deterministic writer (src/pkg/). Archives written by
 * real tools are generated at test time by tests/unit/make_zip_fixtures.sh into a temp dir;
 * hand-crafted valid and hostile archives are committed under fixtures/zip/ (regenerate
 * them with fixtures/zip/make_hostile.py). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lambdrift/errors.h"
#include "pkg/manifest.h"
#include "pkg/zip.h"
#include "pkg/zipwrite.h"
#include "util/hash.h"

/* The fixture tree's digest, with and without exec bits (jar keeps no modes). */
#define TREE_DIGEST "8bb43327632044767708dc03acb752588a9c4f28829a84273b7057ecbdbe152a"
#define TREE_DIGEST_NOEXEC "e2f7152a28763573cd2dc7610221c17b2a6da7e9dbb71e270f700bc7e98d1687"

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

/* Generated once per run; NULL when the generator failed. */
static const char *tool_fixtures(void)
{
	static int state;   /* 0 not yet, 1 ok, -1 failed */
	char cmd[256];

	if (state == 0) {
		strcpy(fixture_dir, "/tmp/ld-zip-XXXXXX");
		state = -1;
		if (mkdtemp(fixture_dir)) {
			atexit(remove_fixtures);
			snprintf(cmd, sizeof(cmd), "sh tests/unit/make_zip_fixtures.sh '%s'",
				 fixture_dir);
			if (system(cmd) == 0)
				state = 1;
		}
	}
	return state == 1 ? fixture_dir : NULL;
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return ld_test_read_file(path, len);
}

/* Manifest of an archive file; NULL (and the error left in ld_error_last) on refusal. */
static ld_manifest *manifest_of(const char *dir, const char *name, int *code)
{
	ld_manifest *m = NULL;
	size_t len = 0;
	char *data = slurp(dir, name, &len);

	*code = LD_ERROR;
	if (!data) {
		ld_test_fail(__FILE__, __LINE__, "cannot read %s/%s", dir, name);
		return NULL;
	}
	*code = ld_zip_manifest(&m, data, len, NULL);
	free(data);
	return m;
}

static void check_digest(const char *dir, const char *name, const char *want)
{
	char digest[LD_SHA256_HEX_LEN + 1];
	int code;
	ld_manifest *m = manifest_of(dir, name, &code);

	if (!m) {
		ld_test_fail(__FILE__, __LINE__, "%s refused: %s", name, ld_error_last()->message);
		return;
	}
	LD_CHECK_INT(ld_manifest_digest(digest, m), 0);
	if (strcmp(digest, want))
		ld_test_fail(__FILE__, __LINE__, "%s: digest %s, expected %s", name, digest, want);
	ld_manifest_free(m);
}

static void check_lines(const char *dir, const char *name, const char *want)
{
	ld_buf b = LD_BUF_INIT;
	int code;
	ld_manifest *m = manifest_of(dir, name, &code);

	if (!m) {
		ld_test_fail(__FILE__, __LINE__, "%s refused: %s", name, ld_error_last()->message);
		return;
	}
	LD_CHECK_INT(ld_manifest_lines(&b, m), 0);
	if (strcmp(b.ptr, want))
		ld_test_fail(__FILE__, __LINE__, "%s lines:\n%s\nexpected:\n%s", name, b.ptr, want);
	ld_buf_dispose(&b);
	ld_manifest_free(m);
}

static void check_refused(const char *dir, const char *name, int code, const char *needle)
{
	int got;
	ld_manifest *m = manifest_of(dir, name, &got);

	if (m) {
		ld_test_fail(__FILE__, __LINE__, "%s was accepted; expected a refusal", name);
		ld_manifest_free(m);
		return;
	}
	if (got != code || !strstr(ld_error_last()->message, needle))
		ld_test_fail(__FILE__, __LINE__, "%s: code %d '%s'; expected %d '...%s...'", name,
			     got, ld_error_last()->message, code, needle);
}

static int skipped(const char *dir, const char *tool)
{
	size_t len = 0;
	char *list = slurp(dir, "skipped", &len), line[32];
	int skip;

	snprintf(line, sizeof(line), "%s\n", tool);
	skip = list && strstr(list, line) != NULL;
	if (skip)
		printf("  skip: %s is not installed; its archives were not checked\n", tool);
	free(list);
	return skip;
}

static void test_zip__tool_archives_share_one_digest(void)
{
	const char *dir = tool_fixtures();
	char *want, *want_noexec;
	size_t len;
	static const char *const same[] = { "py-stored.zip", "py-deflated.zip", "py-zip64.zip",
					    "py-descriptor.zip" };
	static const char *const zips[] = { "zip-X.zip", "zip-extra.zip", "zip-older.zip",
					    "zip-stream.zip", "zip-fz.zip" };

	LD_REQUIRE(dir != NULL);
	want = slurp(dir, "expected.digest", &len);
	want_noexec = slurp(dir, "expected-noexec.digest", &len);
	LD_REQUIRE(want && want_noexec);
	want[LD_SHA256_HEX_LEN] = want_noexec[LD_SHA256_HEX_LEN] = '\0';
	/* The oracle and the constant agree, so neither can drift alone. */
	LD_CHECK_STR(want, TREE_DIGEST);
	LD_CHECK_STR(want_noexec, TREE_DIGEST_NOEXEC);
	for (size_t i = 0; i < sizeof(same) / sizeof(*same); i++)
		check_digest(dir, same[i], want);
	if (!skipped(dir, "zip"))
		for (size_t i = 0; i < sizeof(zips) / sizeof(*zips); i++)
			check_digest(dir, zips[i], want);
	if (!skipped(dir, "jar"))
		check_digest(dir, "jar.zip", want_noexec);
	if (!skipped(dir, "7z")) {
		check_digest(dir, "7z.zip", want);
		check_refused(dir, "7z-deflate64.zip", LD_EINVALID,
			      "uses unsupported compression method 9");
	}
	free(want);
	free(want_noexec);
}

static void test_zip__timestamps_change_bytes_not_digest(void)
{
	const char *dir = tool_fixtures();
	size_t la = 0, lb = 0;
	char *a, *b;

	LD_REQUIRE(dir != NULL);
	if (skipped(dir, "zip"))
		return;
	a = slurp(dir, "zip-extra.zip", &la);
	b = slurp(dir, "zip-older.zip", &lb);
	LD_REQUIRE(a && b);
	LD_CHECK(la != lb || memcmp(a, b, la) != 0);
	check_digest(dir, "zip-extra.zip", TREE_DIGEST);
	check_digest(dir, "zip-older.zip", TREE_DIGEST);
	free(a);
	free(b);
}

static void test_zip__piped_input_and_symlinks(void)
{
	const char *dir = tool_fixtures();

	LD_REQUIRE(dir != NULL);
	if (skipped(dir, "zip"))
		return;
	/* `... | zip z.zip -`: a zip64 entry named "-" with a FIFO mode. */
	check_lines(dir, "zip-stdin.zip",
		    "-\t0\t6\t5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\n");
	check_lines(dir, "zip-symlink.zip",
		    "l\tl\t5\te7672d43e5301b2d0ecc29e2630846deb911231032e27173638c5c2dc3c4adc9\n"
		    "t.txt\t0\t7\tc97ecfda4d205190b973232dcfdb0c29748521c2534dd866bcc782f30b086738\n");
}

static void test_zip__crafted(void)
{
	const char *dir = "fixtures/zip/crafted";
	const char *body = "a71414c7f9b9e4264cde8dcded83f0f0a89ec9bdc74e8a30f4f2bea9bfeb0ac4";
	char want[512];

	snprintf(want, sizeof(want), "a.txt\t0\t16890\t%s\nbin/run\t1\t17\t"
		 "306c6ca7407560340797866e077e053627ad409277d1b9da58106fce4cf717cb\n", body);
	check_lines(dir, "zip64-full.zip", want);
	snprintf(want, sizeof(want), "after.txt\t0\t6\t"
		 "7b9a72466d3960eb2aacccfc848939453490db0678bd4725def3f789b891c919\n"
		 "nosig.txt\t0\t16890\t%s\n", body);
	check_lines(dir, "descriptor-nosig.zip", want);
	snprintf(want, sizeof(want), "wide.txt\t0\t16890\t%s\n", body);
	check_lines(dir, "descriptor-zip64.zip", want);
	/* MS-DOS host: the Unix-looking mode bits are not trusted, the directory is skipped. */
	snprintf(want, sizeof(want), "docs/readme.txt\t0\t16890\t%s\ntool.exe\t0\t2\t"
		 "9b8db510ef42b8ed54a3712636fda55a4f8cfcd5493e20b74ab00cd4f3979f2d\n", body);
	check_lines(dir, "dos-host.zip", want);
	check_lines(dir, "symlink.zip",
		    "lib/current\tl\t9\t"
		    "564f89ea9e915dcb5bb88da7948c63ed515cd3b70b2e1b53a9d14783d7577e74\n"
		    "lib/v2/lib.so\t0\t3\t"
		    "706abe3c90152075e656b661079730facf323f3ebccda7547ee1935c90845a09\n");
	check_lines(dir, "comment.zip",
		    "a.txt\t0\t6\t5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\n");
	check_lines(dir, "empty.zip", "");
	check_digest(dir, "empty.zip",
		     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_zip__hostile_archives_are_refused(void)
{
	static const struct {
		const char *file;
		int code;
		const char *message;
	} cases[] = {
		{ "bomb-ratio.zip", LD_ELIMIT, "entry 'zeros.bin' claims a compression ratio above 1000:1" },
		{ "bomb-total.zip", LD_ELIMIT, "inflates to more than the 536870912-byte limit (at entry 'huge.bin')" },
		{ "size-lie-short.zip", LD_EINVALID, "entry 'lie.txt' inflates to more than its declared 100 bytes" },
		{ "size-lie-long.zip", LD_EINVALID, "entry 'lie.txt' inflates to 11290 bytes but declares 11790" },
		{ "crc.zip", LD_EINVALID, "entry 'bad-crc.txt' fails its CRC-32 check" },
		{ "crc-two.zip", LD_EINVALID, "entry 'f12.txt' fails its CRC-32 check" },
		{ "overlap.zip", LD_EINVALID, "entries 'outer.bin' and 'inner.txt' overlap" },
		{ "overlap-same-offset.zip", LD_EINVALID, "entry 'b.txt' has a local header with a different name" },
		{ "hidden-entry.zip", LD_EINVALID, "60 unaccounted bytes before entry 'shown.txt'" },
		{ "cd-gap.zip", LD_EINVALID, "4 unaccounted bytes after its central directory" },
		{ "dotdot.zip", LD_EINVALID, "entry '../evil.txt' is unsafe: '..' component" },
		{ "dotdot-inner.zip", LD_EINVALID, "entry 'a/../../evil.txt' is unsafe: '..' component" },
		{ "absolute.zip", LD_EINVALID, "entry '/etc/cron.d/evil' is unsafe: absolute path" },
		{ "backslash.zip", LD_EINVALID, "entry '..\\x5cevil.txt' is unsafe: backslash in name" },
		{ "drive.zip", LD_EINVALID, "entry 'C:/evil.txt' is unsafe: drive letter" },
		{ "nul.zip", LD_EINVALID, "entry 'a.txt\\x00.sh' is unsafe: NUL byte in name" },
		{ "control.zip", LD_EINVALID, "entry 'a\\x0ab.txt' is unsafe: control character" },
		{ "badutf8.zip", LD_EINVALID, "entry 'caf\\xe9.txt' is unsafe: name is not valid UTF-8" },
		{ "dup.zip", LD_EINVALID, "holds path 'a.txt' twice" },
		{ "dup-normalised.zip", LD_EINVALID, "holds path 'lib/a.txt' twice" },
		{ "file-dir-clash.zip", LD_EINVALID, "path 'lib' is a file but 'lib/a.txt' uses it as a directory" },
		{ "encrypted.zip", LD_EINVALID, "entry 'secret.txt' is encrypted" },
		{ "method.zip", LD_EINVALID, "entry 'a.bz2' uses unsupported compression method 12" },
		{ "device.zip", LD_EINVALID, "entry 'dev' is a device or socket (mode 020644)" },
		{ "dir-content.zip", LD_EINVALID, "entry 'dir/' is a directory with 7 bytes of content" },
		{ "stored-size.zip", LD_EINVALID, "entry 'stored.txt' is stored but declares 6 bytes compressed and 3" },
		{ "deflate-trailing.zip", LD_EINVALID, "entry 'trail.txt' has 4 bytes after the end of its compressed stream" },
		{ "deflate-corrupt.zip", LD_EINVALID, "entry 'corrupt.txt' has corrupt compressed data" },
		{ "deflate-truncated.zip", LD_EINVALID, "entry 'cut.txt' has truncated compressed data" },
		{ "local-name.zip", LD_EINVALID, "entry 'a.txt' has a local header with a different name" },
		{ "local-size.zip", LD_EINVALID, "entry 'a.txt' has a local header whose crc or sizes differ" },
		{ "local-offset.zip", LD_EINVALID, "entry 'a.txt' has no local header at offset 1073741824" },
		{ "descriptor-mismatch.zip", LD_EINVALID, "entry 'dd.txt' has a data descriptor that does not match" },
		{ "zip64-missing.zip", LD_EINVALID, "entry 'z64.txt' lacks the zip64 field" },
		{ "truncated-10.zip", LD_EINVALID, "truncated: 10 bytes is too short" },
		{ "truncated-data.zip", LD_EINVALID, "no end of central directory record (truncated" },
		{ "truncated-cd.zip", LD_EINVALID, "no end of central directory record (truncated" },
		{ "truncated-cd-mid.zip", LD_EINVALID, "no end of central directory record (truncated" },
		{ "truncated-eocd.zip", LD_EINVALID, "no end of central directory record (truncated" },
		{ "truncated-middle.zip", LD_EINVALID, "central directory (153 bytes at offset 874) lies outside the archive" },
		{ "comment-lie.zip", LD_EINVALID, "comment length does not match its end" },
		{ "comment-fake-eocd.zip", LD_EINVALID, "comment length does not match its end" },
		{ "trailing-junk.zip", LD_EINVALID, "comment length does not match its end" },
		{ "count-huge.zip", LD_EINVALID, "claims 65535 entries but its central directory holds at most 1" },
		{ "count-zip64-huge.zip", LD_ELIMIT, "claims 1099511627776 entries, more than the limit of 200000" },
		{ "count-small.zip", LD_EINVALID, "central directory holds 51 bytes beyond its 1 entries" },
		{ "cd-offset.zip", LD_EINVALID, "central directory (52 bytes at offset 1048576) lies outside" },
		{ "multi-disk.zip", LD_EINVALID, "spans several disks" },
		{ "eocd-disagree.zip", LD_EINVALID, "end records disagree about the central directory" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		check_refused("fixtures/zip/hostile", cases[i].file, cases[i].code, cases[i].message);
}

/* No byte flip or truncation of a valid archive may crash the reader (the sanitizer build
 * watches) or be accepted with anything but an error code from the contract. */
static void test_zip__mutations_never_crash(void)
{
	size_t len = 0;
	char *orig = slurp("fixtures/zip/crafted", "truncation-base.zip", &len), *copy;
	ld_manifest *m = NULL;
	int code;

	LD_REQUIRE(orig && (copy = malloc(len)));
	for (size_t i = 0; i < len; i++) {
		memcpy(copy, orig, len);
		copy[i] ^= (char)(0x01 << (i % 8));
		code = ld_zip_manifest(&m, copy, len, NULL);
		LD_CHECK(code == 0 || code == LD_EINVALID || code == LD_ELIMIT);
		LD_CHECK((code == 0) == (m != NULL));
		ld_manifest_free(m);
		code = ld_zip_manifest(&m, orig, i, NULL);
		LD_CHECK(code == LD_EINVALID && m == NULL);
	}
	free(copy);
	free(orig);
}

static void test_zip__threads_give_the_same_answers(void)
{
	const char *dir = tool_fixtures();
	ld_zip_limits lim = LD_ZIP_LIMITS_INIT;
	char digest[LD_SHA256_HEX_LEN + 1];
	ld_manifest *m = NULL;
	size_t len = 0;
	char *data;

	LD_REQUIRE(dir != NULL);
	lim.max_threads = 4;
	LD_REQUIRE((data = slurp(dir, "py-descriptor.zip", &len)) != NULL);
	LD_CHECK_INT(ld_zip_manifest(&m, data, len, &lim), 0);
	LD_CHECK(m && ld_manifest_digest(digest, m) == 0 && strcmp(digest, TREE_DIGEST) == 0);
	ld_manifest_free(m);
	free(data);
	LD_REQUIRE((data = slurp("fixtures/zip/hostile", "crc-two.zip", &len)) != NULL);
	for (unsigned t = 1; t <= 4; t++) {
		for (int round = 0; round < 10; round++) {
			lim.max_threads = t;
			LD_CHECK_INT(ld_zip_manifest(&m, data, len, &lim), LD_EINVALID);
			LD_CHECK_STR(ld_error_last()->message,
				     "zip entry 'f12.txt' fails its CRC-32 check");
		}
	}
	free(data);
}

static void test_zip__limits_are_configurable(void)
{
	size_t len = 0;
	char *data = slurp("fixtures/zip/crafted", "truncation-base.zip", &len);
	ld_zip_limits lim = LD_ZIP_LIMITS_INIT;
	ld_manifest *m = NULL;

	LD_REQUIRE(data != NULL);
	lim.max_total = 1000;
	LD_CHECK_INT(ld_zip_manifest(&m, data, len, &lim), LD_ELIMIT);
	LD_CHECK(strstr(ld_error_last()->message, "more than the 1000-byte limit (at entry 'b.txt')"));
	lim = (ld_zip_limits)LD_ZIP_LIMITS_INIT;
	lim.max_entries = 2;
	LD_CHECK_INT(ld_zip_manifest(&m, data, len, &lim), LD_ELIMIT);
	LD_CHECK(strstr(ld_error_last()->message, "claims 3 entries, more than the limit of 2"));
	lim = (ld_zip_limits)LD_ZIP_LIMITS_INIT;
	lim.ratio_min_size = 1000;
	lim.max_ratio = 5;
	LD_CHECK_INT(ld_zip_manifest(&m, data, len, &lim), LD_ELIMIT);
	LD_CHECK(strstr(ld_error_last()->message, "entry 'b.txt' claims a compression ratio above 5:1"));
	LD_CHECK_INT(ld_zip_manifest(&m, data, len, NULL), 0);
	LD_CHECK_INT(m->count, 3);
	ld_manifest_free(m);
	free(data);
}

/* ---- manifests ---- */

static void add(ld_manifest *m, const char *path, ld_manifest_kind kind, int exec,
		const char *content)
{
	char hex[LD_SHA256_HEX_LEN + 1];
	ld_sha256_hex(hex, content, strlen(content));
	LD_CHECK_INT(ld_manifest_add(m, path, kind, exec, strlen(content), hex), 0);
}

static void test_manifest__digest_is_sha256_of_sorted_lines(void)
{
	ld_manifest *m = NULL;
	ld_buf lines = LD_BUF_INIT;
	char digest[LD_SHA256_HEX_LEN + 1], want[LD_SHA256_HEX_LEN + 1];

	LD_REQUIRE(ld_manifest_new(&m) == 0);
	add(m, "run.sh", LD_MANIFEST_FILE, 1, "#!/bin/sh\n");
	add(m, "a.txt", LD_MANIFEST_FILE, 0, "hello\n");
	add(m, "cur", LD_MANIFEST_SYMLINK, 1, "a.txt");
	LD_REQUIRE(ld_manifest_finish(m) == 0);
	LD_CHECK_INT(ld_manifest_lines(&lines, m), 0);
	LD_CHECK_STR(lines.ptr,
		     "a.txt\t0\t6\t5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\n"
		     "cur\tl\t5\t18b7cb099a9ea3f50ba899b5ba81e0d377a5f3b16f8f6eeb8b3e58cd4692b993\n"
		     "run.sh\t1\t10\ta8076d3d28d21e02012b20eaf7dbf75409a6277134439025f282e368e3305abf\n");
	ld_sha256_hex(want, lines.ptr, lines.size);
	LD_CHECK_INT(ld_manifest_digest(digest, m), 0);
	LD_CHECK_STR(digest, want);
	LD_CHECK(ld_manifest_find(m, "cur") && ld_manifest_find(m, "cur")->kind == LD_MANIFEST_SYMLINK);
	LD_CHECK(ld_manifest_find(m, "nope") == NULL);
	ld_buf_dispose(&lines);
	ld_manifest_free(m);
}

static void test_manifest__refuses_bad_paths(void)
{
	ld_manifest *m = NULL;
	const char *z = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

	LD_REQUIRE(ld_manifest_new(&m) == 0);
	LD_CHECK_INT(ld_manifest_add(m, "a\tb", LD_MANIFEST_FILE, 0, 0, z), LD_EINVALID);
	LD_CHECK_INT(ld_manifest_add(m, "./a", LD_MANIFEST_FILE, 0, 0, z), LD_EINVALID);
	LD_CHECK(strstr(ld_error_last()->message, "'./a' is not normalised"));
	LD_CHECK_INT(ld_manifest_add(m, "a/", LD_MANIFEST_FILE, 0, 0, z), LD_EINVALID);
	LD_CHECK_INT(ld_manifest_add(m, "../a", LD_MANIFEST_FILE, 0, 0, z), LD_EINVALID);
	LD_CHECK_INT(ld_manifest_add(m, "a", LD_MANIFEST_FILE, 0, 0, "ABC"), LD_EINVALID);
	LD_CHECK_INT(ld_manifest_add(m, "x", LD_MANIFEST_FILE, 0, 0, z), 0);
	LD_CHECK_INT(ld_manifest_add(m, "x-y", LD_MANIFEST_FILE, 0, 0, z), 0);
	LD_CHECK_INT(ld_manifest_add(m, "x.js", LD_MANIFEST_FILE, 0, 0, z), 0);
	LD_CHECK_INT(ld_manifest_add(m, "x/y", LD_MANIFEST_FILE, 0, 0, z), 0);
	LD_CHECK_INT(ld_manifest_finish(m), LD_EINVALID);
	LD_CHECK_STR(ld_error_last()->message, "path 'x' is a file but 'x/y' uses it as a directory");
	ld_manifest_free(m);
	LD_REQUIRE(ld_manifest_new(&m) == 0);
	LD_CHECK_INT(ld_manifest_add(m, "x", LD_MANIFEST_FILE, 0, 0, z), 0);
	LD_CHECK_INT(ld_manifest_add(m, "x", LD_MANIFEST_FILE, 1, 0, z), 0);
	LD_CHECK_INT(ld_manifest_finish(m), LD_EINVALID);
	LD_CHECK_STR(ld_error_last()->message, "path 'x' appears twice in the package");
	ld_manifest_free(m);
	ld_manifest_free(NULL);
}

static void test_manifest__diff(void)
{
	ld_manifest *a = NULL, *b = NULL;
	ld_manifest_diff d;
	static const char *const want[][3] = {
		{ "added.txt", "added", "" },       { "content.txt", "modified", "content" },
		{ "exec.sh", "modified", "exec bit" }, { "gone.txt", "removed", "" },
		{ "link", "modified", "file type" }, { "both.sh", "modified", "content and exec bit" },
	};

	LD_REQUIRE(ld_manifest_new(&a) == 0 && ld_manifest_new(&b) == 0);
	add(a, "same.txt", LD_MANIFEST_FILE, 0, "same");
	add(b, "same.txt", LD_MANIFEST_FILE, 0, "same");
	add(a, "content.txt", LD_MANIFEST_FILE, 0, "v1");
	add(b, "content.txt", LD_MANIFEST_FILE, 0, "v2");
	add(a, "exec.sh", LD_MANIFEST_FILE, 1, "x");
	add(b, "exec.sh", LD_MANIFEST_FILE, 0, "x");
	add(a, "both.sh", LD_MANIFEST_FILE, 1, "x");
	add(b, "both.sh", LD_MANIFEST_FILE, 0, "y");
	add(a, "gone.txt", LD_MANIFEST_FILE, 0, "g");
	add(b, "added.txt", LD_MANIFEST_FILE, 0, "n");
	add(a, "link", LD_MANIFEST_FILE, 0, "t");
	add(b, "link", LD_MANIFEST_SYMLINK, 0, "t");
	LD_REQUIRE(ld_manifest_finish(a) == 0 && ld_manifest_finish(b) == 0);
	LD_REQUIRE(ld_manifest_diff_compute(&d, a, b) == 0);
	LD_CHECK_INT(d.count, 6);
	LD_CHECK_INT(d.added, 1);
	LD_CHECK_INT(d.removed, 1);
	LD_CHECK_INT(d.modified, 4);
	for (size_t i = 0; i < d.count; i++) {
		const ld_manifest_change *c = &d.changes[i];
		const char *kind = c->kind == LD_CHANGE_ADDED ? "added" :
				   c->kind == LD_CHANGE_REMOVED ? "removed" : "modified";
		size_t j;
		for (j = 0; j < 6 && strcmp(want[j][0], c->path); j++)
			;
		LD_REQUIRE(j < 6);
		LD_CHECK_STR(kind, want[j][1]);
		if (c->kind == LD_CHANGE_MODIFIED)
			LD_CHECK_STR(ld_manifest_change_what(c->what), want[j][2]);
		LD_CHECK(i == 0 || strcmp(d.changes[i - 1].path, c->path) < 0);
	}
	ld_manifest_diff_dispose(&d);
	LD_REQUIRE(ld_manifest_diff_compute(&d, a, a) == 0);
	LD_CHECK_INT(d.count, 0);
	ld_manifest_diff_dispose(&d);
	ld_manifest_diff_dispose(NULL);
	ld_manifest_free(a);
	ld_manifest_free(b);
}

/* ---- the deterministic writer ---- */

static char big_text[200000];

static size_t sample_entries(ld_zipw_entry *e)
{
	size_t n = 0;

	for (size_t i = 0; i + 1 < sizeof(big_text); i++)
		big_text[i] = "lorem ipsum dolor sit amet\n"[i % 27];
	e[n++] = (ld_zipw_entry){ "z-last.txt", LD_ZIPW_FILE, "last\n", 5 };
	e[n++] = (ld_zipw_entry){ "bin/run", LD_ZIPW_EXEC, "#!/bin/sh\necho hi\n", 18 };
	e[n++] = (ld_zipw_entry){ "empty", LD_ZIPW_FILE, "", 0 };
	e[n++] = (ld_zipw_entry){ "lib/big.txt", LD_ZIPW_FILE, big_text, sizeof(big_text) - 1 };
	e[n++] = (ld_zipw_entry){ "lib/current", LD_ZIPW_SYMLINK, "big.txt", 7 };
	e[n++] = (ld_zipw_entry){ "caf\xc3\xa9.py", LD_ZIPW_FILE, "print(1)\n", 9 };
	e[n++] = (ld_zipw_entry){ "a b.txt", LD_ZIPW_FILE, "space\n", 6 };
	return n;
}

static ld_manifest *manifest_of_entries(const ld_zipw_entry *e, size_t n)
{
	ld_manifest *m = NULL;
	char hex[LD_SHA256_HEX_LEN + 1];

	if (ld_manifest_new(&m) < 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		ld_sha256_hex(hex, e[i].data, e[i].len);
		if (ld_manifest_add(m, e[i].path, e[i].mode == LD_ZIPW_SYMLINK ? LD_MANIFEST_SYMLINK
				    : LD_MANIFEST_FILE, e[i].mode == LD_ZIPW_EXEC, e[i].len, hex) < 0)
			break;
	}
	if (ld_manifest_finish(m) < 0) {
		ld_manifest_free(m);
		return NULL;
	}
	return m;
}

/* Entries up to 16 MiB inflate whole (libdeflate), larger ones stream (zlib): both
 * must give the digest of what went in. The bytes are words from a small LCG, so they
 * compress (well under the 1000:1 bomb ratio) without repeating. */
static void test_zip__whole_and_streamed_inflate_agree(void)
{
	static const char *const words[] = { "alpha ", "beta ", "gamma\n", "delta ", "eps " };
	size_t big = ((size_t)17 << 20) + 3, small = ((size_t)1 << 20) + 7;
	char *text = malloc(big);
	ld_buf zip = LD_BUF_INIT;
	ld_manifest *want = NULL, *got = NULL;
	char dw[LD_SHA256_HEX_LEN + 1], dg[LD_SHA256_HEX_LEN + 1];
	uint32_t x = 12345;
	size_t i = 0;

	LD_REQUIRE(text != NULL);
	while (i < big) {
		x = x * 1103515245u + 12345u;
		for (const char *w = words[(x >> 16) % 5]; *w && i < big; w++)
			text[i++] = *w;
	}
	ld_zipw_entry e[2] = {
		{ "big.txt", LD_ZIPW_FILE, text, big },
		{ "small.txt", LD_ZIPW_FILE, text + 11, small },
	};
	LD_REQUIRE(ld_zip_write(&zip, e, 2) == 0);
	LD_REQUIRE((want = manifest_of_entries(e, 2)) != NULL);
	LD_REQUIRE(ld_zip_manifest(&got, zip.ptr, zip.size, NULL) == 0);
	LD_CHECK_INT(ld_manifest_digest(dw, want), 0);
	LD_CHECK_INT(ld_manifest_digest(dg, got), 0);
	LD_CHECK_STR(dg, dw);
	ld_manifest_free(want);
	ld_manifest_free(got);
	ld_buf_dispose(&zip);
	free(text);
}

static void test_zipwrite__reproducible_and_readable(void)
{
	ld_zipw_entry e[8];
	size_t n = sample_entries(e);
	ld_buf one = LD_BUF_INIT, two = LD_BUF_INIT;
	ld_manifest *want = NULL, *got = NULL;
	char dw[LD_SHA256_HEX_LEN + 1], dg[LD_SHA256_HEX_LEN + 1];

	LD_REQUIRE(ld_zip_write(&one, e, n) == 0);
	/* Different input order, same bytes. */
	ld_zipw_entry t = e[0];
	e[0] = e[n - 1];
	e[n - 1] = t;
	LD_REQUIRE(ld_zip_write(&two, e, n) == 0);
	LD_CHECK_INT(one.size, two.size);
	LD_CHECK(one.size == two.size && memcmp(one.ptr, two.ptr, one.size) == 0);
	/* What went in is what the reader sees. */
	LD_REQUIRE((want = manifest_of_entries(e, n)) != NULL);
	LD_REQUIRE(ld_zip_manifest(&got, one.ptr, one.size, NULL) == 0);
	LD_CHECK_INT(ld_manifest_digest(dw, want), 0);
	LD_CHECK_INT(ld_manifest_digest(dg, got), 0);
	LD_CHECK_STR(dg, dw);
	/* No timestamps, extra fields or descriptors: the date field is 1980-01-01 00:00. */
	LD_CHECK(one.size > 30 && memcmp(one.ptr + 10, "\0\0\x21\0", 4) == 0);
	LD_CHECK(memcmp(one.ptr + 28, "\0\0", 2) == 0);
	ld_manifest_free(want);
	ld_manifest_free(got);
	ld_buf_dispose(&one);
	ld_buf_dispose(&two);
}

static void test_zipwrite__passes_unzip_and_python(void)
{
	ld_zipw_entry e[8];
	size_t n = sample_entries(e);
	ld_buf out = LD_BUF_INIT;
	const char *dir = tool_fixtures();
	char path[256], cmd[1024];
	FILE *f;

	LD_REQUIRE(dir != NULL);
	LD_REQUIRE(ld_zip_write(&out, e, n) == 0);
	snprintf(path, sizeof(path), "%s/written.zip", dir);
	LD_REQUIRE((f = fopen(path, "wb")) != NULL);
	LD_CHECK(fwrite(out.ptr, 1, out.size, f) == out.size);
	fclose(f);
	if (!skipped(dir, "zip")) {
		snprintf(cmd, sizeof(cmd), "unzip -tq '%s' >/dev/null", path);
		LD_CHECK_INT(system(cmd), 0);
		snprintf(cmd, sizeof(cmd), "cd '%s' && mkdir -p x && cd x && unzip -q ../written.zip"
			 " && test -x bin/run && ! test -x z-last.txt && test -L lib/current"
			 " && test \"$(stat -c %%a bin/run)\" = 755"
			 " && test \"$(stat -c %%a lib/big.txt)\" = 644", dir);
		LD_CHECK_INT(system(cmd), 0);
	}
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import sys, zipfile\n"
		 "z = zipfile.ZipFile(sys.argv[1])\n"
		 "assert z.testzip() is None\n"
		 "m = {i.filename: (i.external_attr >> 16, i.create_system, i.date_time, i.extra)"
		 " for i in z.infolist()}\n"
		 "assert m[\"bin/run\"][:2] == (0o100755, 3), m\n"
		 "assert m[\"z-last.txt\"][0] == 0o100644, m\n"
		 "assert m[\"lib/current\"][0] == 0o120777, m\n"
		 "assert all(v[2] == (1980, 1, 1, 0, 0, 0) and v[3] == b\"\" for v in m.values()), m\n"
		 "assert [i.filename for i in z.infolist()] == sorted(m, key=str.encode), m\n"
		 "' '%s'", path);
	LD_CHECK_INT(system(cmd), 0);
	ld_buf_dispose(&out);
}

static void test_zipwrite__refusals(void)
{
	ld_buf out = LD_BUF_INIT;
	ld_zipw_entry e[2] = { { "a", LD_ZIPW_FILE, "x", 1 }, { "a", LD_ZIPW_FILE, "y", 1 } };

	LD_CHECK_INT(ld_zip_write(&out, e, 2), LD_EINVALID);
	LD_CHECK_STR(ld_error_last()->message, "path 'a' appears twice in the package");
	e[1].path = "a/b";
	LD_CHECK_INT(ld_zip_write(&out, e, 2), LD_EINVALID);
	e[1].path = "../b";
	LD_CHECK_INT(ld_zip_write(&out, e, 2), LD_EINVALID);
	e[1].path = "b";
	e[1].mode = 0777;
	LD_CHECK_INT(ld_zip_write(&out, e, 2), LD_EINVALID);
	LD_CHECK(strstr(ld_error_last()->message, "package entry 'b' has mode 777"));
	e[1].mode = LD_ZIPW_SYMLINK;
	e[1].len = 0;
	LD_CHECK_INT(ld_zip_write(&out, e, 2), LD_EINVALID);
	LD_CHECK_INT(out.size, 0);
	/* The cap on the output buffer bounds the archive. */
	ld_buf small = LD_BUF_INIT_CAP(40);
	LD_CHECK_INT(ld_zip_write(&small, e, 1), LD_ELIMIT);
	ld_buf_dispose(&small);
	ld_buf_dispose(&out);
}

const ld_test ld_tests[] = {
	LD_TEST(test_zip__tool_archives_share_one_digest),
	LD_TEST(test_zip__timestamps_change_bytes_not_digest),
	LD_TEST(test_zip__piped_input_and_symlinks),
	LD_TEST(test_zip__crafted),
	LD_TEST(test_zip__hostile_archives_are_refused),
	LD_TEST(test_zip__mutations_never_crash),
	LD_TEST(test_zip__threads_give_the_same_answers),
	LD_TEST(test_zip__limits_are_configurable),
	LD_TEST(test_manifest__digest_is_sha256_of_sorted_lines),
	LD_TEST(test_manifest__refuses_bad_paths),
	LD_TEST(test_manifest__diff),
	LD_TEST(test_zip__whole_and_streamed_inflate_agree),
	LD_TEST(test_zipwrite__reproducible_and_readable),
	LD_TEST(test_zipwrite__passes_unzip_and_python),
	LD_TEST(test_zipwrite__refusals),
	{ NULL, NULL }
};
