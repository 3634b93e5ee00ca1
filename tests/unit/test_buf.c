/* ld_buf, errors, hash and JSON utilities. */
#include <stdlib.h>

#include "harness.h"
#include "lambdrift/buf.h"
#include "lambdrift/errors.h"
#include "util/hash.h"
#include "util/json.h"

static void test_buf__append_and_detach(void)
{
	ld_buf b = LD_BUF_INIT;
	char *s;
	LD_CHECK_STR(b.ptr, "");
	LD_CHECK_INT(ld_buf_puts(&b, "abc"), 0);
	LD_CHECK_INT(ld_buf_printf(&b, "-%d-", 42), 0);
	LD_CHECK_STR(b.ptr, "abc-42-");
	s = ld_buf_detach(&b);
	LD_CHECK_STR(s, "abc-42-");
	LD_CHECK_STR(b.ptr, "");
	free(s);
	ld_buf_dispose(&b);
}

static void test_buf__cap_is_sticky(void)
{
	ld_buf b = LD_BUF_INIT_CAP(4);
	LD_CHECK_INT(ld_buf_puts(&b, "abcd"), 0);
	LD_CHECK_INT(ld_buf_putc(&b, 'e'), LD_ELIMIT);
	LD_CHECK_STR(b.ptr, "");
	LD_CHECK_INT(ld_buf_putc(&b, 'f'), LD_ELIMIT);
	LD_CHECK(ld_buf_detach(&b) == NULL);
	ld_buf_dispose(&b);
}

static void test_hash__sha256_and_base64(void)
{
	char hex[65];
	uint8_t raw[32];
	ld_buf b = LD_BUF_INIT;
	ld_sha256_hex(hex, "", 0);
	LD_CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	ld_sha256(raw, "abc", 3);
	ld_base64_encode(&b, raw, 32);
	LD_CHECK_STR(b.ptr, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
	LD_CHECK_INT(ld_base64_decode(raw, sizeof(raw), b.ptr), 32);
	LD_CHECK(ld_base64_decode(raw, sizeof(raw), "a=bc") < 0);
	ld_buf_dispose(&b);
}

static void test_json__canonical_sorts_keys(void)
{
	ld_json *j = NULL;
	ld_buf b = LD_BUF_INIT;
	const char *in = "{\"b\":[1,2.5,{\"z\":null,\"a\":true}],\"a\":\"x\\ny\"}";
	LD_REQUIRE(ld_json_parse(&j, in, strlen(in), "test") == 0);
	LD_CHECK_INT(ld_json_canonical(&b, j), 0);
	LD_CHECK_STR(b.ptr, "{\"a\":\"x\\ny\",\"b\":[1,2.5,{\"a\":true,\"z\":null}]}");
	ld_json_free(j);
	LD_CHECK(ld_json_parse(&j, "{\"a\":", 5, "page 2") == LD_EINVALID);
	LD_CHECK(strstr(ld_error_last()->message, "page 2") != NULL);
	ld_buf_dispose(&b);
}

/* Numbers in the fewest digits that read back the same: evidence says 0.1, not
 * 0.10000000000000001; integers have no fraction; nothing that is not JSON comes out. */
static void test_json__canonical_numbers_round_trip(void)
{
	static const struct {
		double d;
		const char *want;
	} cases[] = {
		{ 0.1, "0.1" }, { 0.25, "0.25" }, { 0.9, "0.9" }, { -2.5, "-2.5" }, { 3.0, "3" },
		{ 1e300, "1e+300" }, { 1.0 / 3.0, "0.3333333333333333" },
		{ 0.1 + 0.2, "0.30000000000000004" }, { 123456789012.0, "123456789012" },
		{ 1e-7, "1e-07" },
	};
	ld_buf b = LD_BUF_INIT;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ld_json *n = ld_json_new_number(cases[i].d);
		ld_buf_clear(&b);
		LD_CHECK_INT(ld_json_canonical(&b, n), 0);
		LD_CHECK_STR(b.ptr, cases[i].want);
		LD_CHECK(strtod(b.ptr, NULL) == cases[i].d);
		ld_json_free(n);
	}
	ld_buf_dispose(&b);
}

const ld_test ld_tests[] = {
	LD_TEST(test_buf__append_and_detach),
	LD_TEST(test_buf__cap_is_sticky),
	LD_TEST(test_hash__sha256_and_base64),
	LD_TEST(test_json__canonical_sorts_keys),
	LD_TEST(test_json__canonical_numbers_round_trip),
	{ NULL, NULL }
};
