/*
 * Release records: DSSE's PAE and envelope against the spec's test vector, signing and
 * verifying with both key types, the code digest conversion, and records that must be
 * refused (forged payload, wrong key, truncated signature, malformed or unsigned envelope,
 * unsuitable keys). Keys are made at run time with the openssl CLI in a scratch directory.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attest/dsse.h"
#include "attest/key.h"
#include "attest/statement.h"
#include "harness.h"
#include "lambdrift/attest.h"
#include "lambdrift/errors.h"
#include "util/hash.h"

#define SPEC_TYPE "http://example.com/HelloWorld"
#define SPEC_SIG "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA=="
#define SPEC_ENVELOPE "{\"payload\": \"aGVsbG8gd29ybGQ=\",\n \"payloadType\": \"" SPEC_TYPE \
	"\",\n \"signatures\": [{\"sig\": \"" SPEC_SIG "\"}]}"

static char dir[64];

static void remove_scratch(void)
{
	if (dir[0])
		ld_test_sh("rm -rf %s", dir);
}

static const char *scratch(void)
{
	if (!dir[0]) {
		atexit(remove_scratch);
		snprintf(dir, sizeof(dir), "/tmp/ld-attest-XXXXXX");
		if (!mkdtemp(dir))
			dir[0] = '\0';
		else if (ld_test_sh("cd %s && openssl genpkey -algorithm EC -pkeyopt "
				    "ec_paramgen_curve:P-256 -out p256.key 2>/dev/null && "
				    "openssl pkey -in p256.key -pubout -out p256.pub 2>/dev/null && "
				    "openssl ecparam -name prime256v1 -genkey -noout -out sec1.key && "
				    "openssl genpkey -algorithm ed25519 -out ed.key && "
				    "openssl pkey -in ed.key -pubout -out ed.pub && "
				    "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 "
				    "-out other.key 2>/dev/null && "
				    "openssl pkey -in other.key -pubout -out other.pub && "
				    "openssl pkey -in ed.key -aes256 -passout pass:x -out enc.key && "
				    "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 "
				    "-out p384.key 2>/dev/null && "
				    "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 "
				    "-out rsa.key 2>/dev/null", dir) != 0)
			dir[0] = '\0';
	}
	return dir;
}

static char *path_of(const char *name)
{
	static char buf[8][128];
	static int n;
	char *p = buf[n++ % 8];

	snprintf(p, 128, "%s/%s", scratch(), name);
	return p;
}

static void test_attest__pae_spec_vector(void)
{
	ld_buf b = LD_BUF_INIT;

	LD_CHECK(ld_dsse_pae(&b, SPEC_TYPE, "hello world", 11) == 0);
	LD_CHECK_STR(b.ptr, "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
	ld_buf_clear(&b);
	/* lengths are bytes, not characters */
	LD_CHECK(ld_dsse_pae(&b, "t", "\xc3\xa9", 2) == 0);
	LD_CHECK_STR(b.ptr, "DSSEv1 1 t 2 \xc3\xa9");
	ld_buf_clear(&b);
	LD_CHECK(ld_dsse_pae(&b, "", "", 0) == 0);
	LD_CHECK_STR(b.ptr, "DSSEv1 0  0 ");
	ld_buf_dispose(&b);
}

/* The spec's envelope parses, and its signature (raw r||s) verifies with its key over our
 * PAE: only the exact PAE bytes can make that pass. */
static void test_attest__spec_envelope_verifies(void)
{
	char *pem;
	size_t len;
	ld_key *key = NULL;
	ld_dsse e;
	ld_buf pae = LD_BUF_INIT;

	LD_REQUIRE((pem = ld_test_read_file("fixtures/attest/dsse-spec-p256.pub.pem", &len)));
	LD_REQUIRE(ld_key_public_pem(&key, pem, len, "the spec key") == 0);
	LD_REQUIRE(ld_dsse_decode(&e, SPEC_ENVELOPE, strlen(SPEC_ENVELOPE), "spec") == 0);
	LD_CHECK_STR(e.payload_type, SPEC_TYPE);
	LD_CHECK_STR((char *)e.payload, "hello world");
	LD_CHECK_INT(e.nsigs, 1);
	LD_CHECK_STR(e.sigs[0].keyid, "");
	LD_CHECK_INT(e.sigs[0].siglen, 64);
	ld_dsse_pae(&pae, e.payload_type, e.payload, e.payload_len);
	LD_CHECK(ld_key_verify(key, pae.ptr, pae.size, e.sigs[0].sig, e.sigs[0].siglen) == 0);
	/* one byte of the message changed: no */
	pae.ptr[pae.size - 1] ^= 1;
	LD_CHECK(ld_key_verify(key, pae.ptr, pae.size, e.sigs[0].sig, e.sigs[0].siglen) ==
		 LD_EINVALID);
	ld_buf_dispose(&pae);
	ld_dsse_dispose(&e);
	ld_key_free(key);
	free(pem);
}

static void test_attest__envelope_roundtrip(void)
{
	static const uint8_t sig[] = { 1, 2, 3, 250 };
	static const char url[] = "{\"payloadType\":\"t\",\"payload\":\"-_8\",\"signatures\":"
				  "[{\"sig\":\"AQID-g\"}]}";
	ld_buf b = LD_BUF_INIT;
	ld_dsse e;

	LD_CHECK(ld_dsse_encode(&b, "application/vnd.in-toto+json", "{\"a\":1}", 7, "k1", sig,
				sizeof(sig)) == 0);
	LD_CHECK_STR(b.ptr, "{\"payloadType\":\"application/vnd.in-toto+json\",\"payload\":"
		     "\"eyJhIjoxfQ==\",\"signatures\":[{\"keyid\":\"k1\",\"sig\":\"AQID+g==\"}]}\n");
	LD_REQUIRE(ld_dsse_decode(&e, b.ptr, b.size, "env") == 0);
	LD_CHECK_STR((char *)e.payload, "{\"a\":1}");
	LD_CHECK_STR(e.sigs[0].keyid, "k1");
	LD_CHECK(e.sigs[0].siglen == 4 && !memcmp(e.sigs[0].sig, sig, 4));
	ld_dsse_dispose(&e);
	/* URL-safe base64, as DSSE asks verifiers to accept */
	LD_CHECK(ld_dsse_decode(&e, url, strlen(url), "env") == 0);
	LD_CHECK(e.payload_len == 2 && e.payload[0] == 0xfb && e.payload[1] == 0xff);
	ld_dsse_dispose(&e);
	ld_buf_dispose(&b);
}

static void refused(const char *text, const char *needle)
{
	ld_dsse e;
	int error = ld_dsse_decode(&e, text, strlen(text), "env.json");

	LD_CHECK(error == LD_EINVALID || error == LD_ELIMIT);
	if (!strstr(ld_error_last()->message, needle))
		ld_test_fail(__FILE__, __LINE__, "for %s: message '%s' lacks '%s'", text,
			     ld_error_last()->message, needle);
	LD_CHECK(e.payload == NULL && e.sigs == NULL);
}

static void test_attest__malformed_envelopes(void)
{
	char *big;

	refused("", "not JSON");
	refused("[]", "not a JSON object");
	refused("{\"payloadType\":\"t\",\"payload\":\"aGk=\"}", "unsigned");
	refused("{\"payloadType\":\"t\",\"payload\":\"aGk=\",\"signatures\":[]}", "unsigned");
	refused("{\"payload\":\"aGk=\",\"signatures\":[{\"sig\":\"AQ==\"}]}", "payloadType");
	refused("{\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"AQ==\"}]}", "\"payload\"");
	refused("{\"payloadType\":\"t\",\"payload\":\"a*k=\",\"signatures\":[{\"sig\":\"AQ==\"}]}",
		"not base64");
	refused("{\"payloadType\":\"t\",\"payload\":\"aGk=\",\"signatures\":[{\"sig\":\"A\"}]}",
		"not base64");
	refused("{\"payloadType\":\"t\",\"payload\":\"aGk=\",\"signatures\":[{\"sig\":\"\"}]}",
		"empty");
	refused("{\"payloadType\":\"t\",\"payload\":\"aGk=\",\"signatures\":[{\"keyid\":1,"
		"\"sig\":\"AQ==\"}]}", "keyid");
	refused("{\"payloadType\":\"t\",\"payload\":\"aGk=\",\"signatures\":[\"AQ==\"]}",
		"not an object");
	/* a second payload that another parser might read instead */
	refused("{\"payloadType\":\"t\",\"payload\":\"aGk=\",\"payload\":\"eW8=\",\"signatures\":"
		"[{\"sig\":\"AQ==\"}]}", "twice");
	refused("{\"payloadType\":\"t\",\"payload\":\"aGk=\",\"extra\":1,\"signatures\":"
		"[{\"sig\":\"AQ==\"}]}", "unknown member");
	/* mixed alphabets and stray bits have no single meaning */
	refused("{\"payloadType\":\"t\",\"payload\":\"+_8=\",\"signatures\":[{\"sig\":\"AQ==\"}]}",
		"not base64");
	refused("{\"payloadType\":\"t\",\"payload\":\"aGl=\",\"signatures\":[{\"sig\":\"AQ==\"}]}",
		"not base64");
	big = malloc(LD_DSSE_MAX_ENVELOPE + 2);
	LD_REQUIRE(big);
	memset(big, ' ', LD_DSSE_MAX_ENVELOPE + 1);
	big[LD_DSSE_MAX_ENVELOPE + 1] = '\0';
	refused(big, "larger than");
	free(big);
}

static void test_attest__code_hex(void)
{
	char hex[65];

	/* base64 CodeSha256 of a zip (moto's empty-zip digest is not special; any 32 bytes) */
	LD_CHECK(ld_attest__code_hex(hex, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=") == 0);
	LD_CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	LD_CHECK(ld_attest__code_hex(hex, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b"
				     "934ca495991b7852b855") == 0);
	LD_CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	LD_CHECK(ld_attest__code_hex(hex, "aGk=") == LD_EINVALID);
	LD_CHECK(ld_attest__code_hex(hex, NULL) == LD_EINVALID);
}

/* Sign with one key type, verify; a changed byte, a truncated signature or another key
 * do not verify. */
static void sign_and_check(const char *priv, const char *pub)
{
	static const char msg[] = "DSSEv1 3 abc 5 hello";
	ld_attest_key *k = NULL, *v = NULL, *other = NULL;
	ld_buf sig = LD_BUF_INIT;

	LD_REQUIRE(ld_attest_key_open(&k, path_of(priv), true, NULL, NULL) == 0);
	LD_REQUIRE(ld_attest_key_open(&v, path_of(pub), false, NULL, NULL) == 0);
	LD_REQUIRE(ld_attest_key_open(&other, path_of("other.pub"), false, NULL, NULL) == 0);
	LD_CHECK_STR(ld_attest_key_id(k), ld_attest_key_id(v));
	LD_CHECK(strcmp(ld_attest_key_id(k), ld_attest_key_id(other)) != 0);
	LD_REQUIRE(ld_attest_key__sign(&sig, k, msg, sizeof(msg) - 1) == 0);
	LD_CHECK(ld_attest_key__verify(v, msg, sizeof(msg) - 1, (uint8_t *)sig.ptr, sig.size) == 0);
	LD_CHECK(ld_attest_key__verify(v, msg, sizeof(msg) - 2, (uint8_t *)sig.ptr, sig.size) ==
		 LD_EINVALID);
	LD_CHECK(ld_attest_key__verify(v, msg, sizeof(msg) - 1, (uint8_t *)sig.ptr, sig.size - 1) ==
		 LD_EINVALID);
	LD_CHECK(ld_attest_key__verify(other, msg, sizeof(msg) - 1, (uint8_t *)sig.ptr,
				       sig.size) == LD_EINVALID);
	/* a public key cannot sign */
	LD_CHECK(ld_attest_key__sign(&sig, v, msg, 3) == LD_EUSAGE);
	ld_buf_dispose(&sig);
	ld_attest_key_free(k);
	ld_attest_key_free(v);
	ld_attest_key_free(other);
}

static void test_attest__sign_verify_p256(void)
{
	LD_REQUIRE(scratch()[0]);
	sign_and_check("p256.key", "p256.pub");
}

static void test_attest__sign_verify_ed25519(void)
{
	LD_REQUIRE(scratch()[0]);
	sign_and_check("ed.key", "ed.pub");
}

static void test_attest__sec1_key(void)
{
	ld_attest_key *k = NULL;

	LD_REQUIRE(scratch()[0]);
	LD_CHECK(ld_attest_key_open(&k, path_of("sec1.key"), true, NULL, NULL) == 0);
	LD_CHECK_STR(ld_attest_key_algorithm(k), "ecdsa-p256-sha256");
	ld_attest_key_free(k);
}

/* Unsuitable keys are refused with a message that names the file and never the key. */
static void key_refused(const char *name, bool sign, const char *needle)
{
	ld_attest_key *k = NULL;
	char *pem;
	size_t len;

	LD_CHECK(ld_attest_key_open(&k, path_of(name), sign, NULL, NULL) == LD_EUSAGE);
	LD_CHECK(k == NULL);
	if (!strstr(ld_error_last()->message, needle))
		ld_test_fail(__FILE__, __LINE__, "for %s: message '%s' lacks '%s'", name,
			     ld_error_last()->message, needle);
	if ((pem = ld_test_read_file(path_of(name), &len)) != NULL) {
		/* no line of the key's base64 in the message */
		char *line = strchr(pem, '\n');
		if (line && line[1] && line[2])
			LD_CHECK(!strstr(ld_error_last()->message, "MII") &&
				 !strstr(ld_error_last()->message, "-----"));
		free(pem);
	}
}

static void test_attest__keys_refused(void)
{
	ld_attest_key *k = NULL;

	LD_REQUIRE(scratch()[0]);
	key_refused("enc.key", true, "not an unencrypted PEM private key");
	key_refused("p384.key", true, "neither an ECDSA P-256 nor an Ed25519 key");
	key_refused("rsa.key", true, "neither an ECDSA P-256 nor an Ed25519 key");
	key_refused("p256.pub", true, "not an unencrypted PEM private key");
	key_refused("p256.key", false, "not an unencrypted PEM public key");
	key_refused("missing.key", true, "cannot read");
	/* KMS references: form checked, and AWS access needed */
	LD_CHECK(ld_attest_key_ref_check("awskms:///") == LD_EUSAGE);
	LD_CHECK(ld_attest_key_ref_check("awskms:///alias/") == LD_EUSAGE);
	LD_CHECK(ld_attest_key_ref_check("awskms:///a b") == LD_EUSAGE);
	LD_CHECK(ld_attest_key_ref_check("awskms:///alias/release") == 0);
	LD_CHECK(ld_attest_key_ref_check("awskms:///arn:aws:kms:us-east-1:123456789012:key/"
					 "1234abcd-12ab-34cd-56ef-1234567890ab") == 0);
	LD_CHECK(ld_attest_key_open(&k, "awskms:///alias/release", true, NULL, NULL) ==
		 LD_EUSAGE);
	LD_CHECK(strstr(ld_error_last()->message, "needs AWS access") != NULL);
}

#define HEX_A "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define HEX_B "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
#define ARN "arn:aws:lambda:us-east-1:123456789012:function:orders"
#define STATEMENT(subject_hex, ptype) \
	"{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"" ARN ":3\"," \
	"\"digest\":{\"sha256\":\"" subject_hex "\"},\"annotations\":{\"alias\":\"live\"}}]," \
	"\"predicateType\":\"" ptype "\",\"predicate\":{\"tag\":\"v1\",\"commit\":\"abc\"," \
	"\"repository\":null,\"timeVerified\":\"2026-11-25T00:00:00Z\"," \
	"\"verificationResult\":\"PASSED\",\"complete\":true,\"functions\":[{\"name\":" \
	"\"orders\",\"region\":\"us-east-1\",\"account\":\"123456789012\",\"arn\":\"" ARN \
	":3\",\"alias\":\"live\",\"served_version\":\"3\",\"code_sha256\":\"" HEX_A "\"," \
	"\"config_digest\":\"" HEX_B "\",\"result\":\"passed\"},{\"name\":\"gone\"," \
	"\"region\":\"us-east-1\",\"arn\":null,\"result\":\"failed\"}]}}"
#define OURS LD_ATTEST_PREDICATE_TYPE

/* Sign `payload` with p256.key into the file `name`; with `forge`, the payload written is
 * `forge` instead (the signature stays the one over `payload`). */
static void write_record(const char *name, const char *payload, const char *forge)
{
	ld_buf pae = LD_BUF_INIT, sig = LD_BUF_INIT, env = LD_BUF_INIT;
	ld_attest_key *k = NULL;
	FILE *f;

	LD_REQUIRE(ld_attest_key_open(&k, path_of("p256.key"), true, NULL, NULL) == 0);
	ld_dsse_pae(&pae, LD_ATTEST_PAYLOAD_TYPE, payload, strlen(payload));
	LD_CHECK(ld_attest_key__sign(&sig, k, pae.ptr, pae.size) == 0);
	if (forge)
		payload = forge;
	ld_dsse_encode(&env, LD_ATTEST_PAYLOAD_TYPE, payload, strlen(payload),
		       ld_attest_key_id(k), (uint8_t *)sig.ptr, sig.size);
	LD_REQUIRE((f = fopen(path_of(name), "wb")) != NULL);
	fwrite(env.ptr, 1, env.size, f);
	fclose(f);
	ld_attest_key_free(k);
	ld_buf_dispose(&pae);
	ld_buf_dispose(&sig);
	ld_buf_dispose(&env);
}

static int read_record(ld_attestation *a, const char *name, const char *pub)
{
	ld_attest_key *k = NULL;
	int error;

	if (ld_attest_key_open(&k, path_of(pub), false, NULL, NULL) < 0)
		return -100;
	error = ld_attestation_read(a, path_of(name), k);
	ld_attest_key_free(k);
	return error;
}

static void test_attest__record_read(void)
{
	ld_attestation a;
	ld_buf out = LD_BUF_INIT;

	LD_REQUIRE(scratch()[0]);
	write_record("good.json", STATEMENT(HEX_A, OURS), NULL);
	LD_REQUIRE(read_record(&a, "good.json", "p256.pub") == 0);
	LD_CHECK_STR(a.tag, "v1");
	LD_CHECK(a.complete && a.repository == NULL);
	LD_REQUIRE(a.nfunctions == 1); /* "gone" served nothing: no subject to hold it to */
	LD_CHECK_STR(a.functions[0].arn, ARN ":3");
	LD_CHECK_STR(a.functions[0].alias, "live");
	LD_CHECK_STR(a.functions[0].config_digest, HEX_B);
	LD_CHECK(ld_attestation_describe(&out, "good.json", &a, NULL, false) == 0);
	LD_CHECK(strstr(out.ptr, "valid: good.json is signed by key ") == out.ptr);
	LD_CHECK(strstr(out.ptr, "  " ARN ":3  sha256:" HEX_A "  alias live  passed\n") != NULL);
	ld_attestation_dispose(&a);
	ld_buf_dispose(&out);
}

static void record_refused(const char *name, const char *pub, const char *needle)
{
	ld_attestation a;

	LD_CHECK_INT(read_record(&a, name, pub), LD_EINVALID);
	if (!strstr(ld_error_last()->message, needle))
		ld_test_fail(__FILE__, __LINE__, "for %s: message '%s' lacks '%s'", name,
			     ld_error_last()->message, needle);
	ld_attestation_dispose(&a);
}

static void test_attest__records_refused(void)
{
	LD_REQUIRE(scratch()[0]);
	/* the payload changed after signing: another code digest */
	write_record("forged.json", STATEMENT(HEX_A, OURS), STATEMENT(HEX_B, OURS));
	record_refused("forged.json", "p256.pub", "no signature verifies");
	write_record("good2.json", STATEMENT(HEX_A, OURS), NULL);
	record_refused("good2.json", "other.pub", "no signature verifies");
	record_refused("good2.json", "ed.pub", "no signature verifies");
	/* signed, but not what it claims to be */
	write_record("mismatch.json", STATEMENT(HEX_B, OURS), NULL);
	record_refused("mismatch.json", "p256.pub", "does not match the statement's subjects");
	write_record("ptype.json", STATEMENT(HEX_A, "https://slsa.dev/provenance/v1"), NULL);
	record_refused("ptype.json", "p256.pub", "predicateType");
	write_record("notjson.json", "hello", NULL);
	record_refused("notjson.json", "p256.pub", "payload is not JSON");
	/* truncated signature, unsigned envelope */
	ld_test_sh("sed 's/\"sig\":\"\\(.\\{20\\}\\)[^\"]*\"/\"sig\":\"\\1\"/' %s > %s",
		   path_of("good2.json"), path_of("trunc.json"));
	record_refused("trunc.json", "p256.pub", "no signature verifies");
	ld_test_sh("sed 's/\"signatures\":\\[.*\\]/\"signatures\":[]/' %s > %s",
		   path_of("good2.json"), path_of("unsigned.json"));
	record_refused("unsigned.json", "p256.pub", "unsigned");
}

const ld_test ld_tests[] = {
	LD_TEST(test_attest__record_read),
	LD_TEST(test_attest__records_refused),
	LD_TEST(test_attest__pae_spec_vector),
	LD_TEST(test_attest__spec_envelope_verifies),
	LD_TEST(test_attest__envelope_roundtrip),
	LD_TEST(test_attest__malformed_envelopes),
	LD_TEST(test_attest__code_hex),
	LD_TEST(test_attest__sign_verify_p256),
	LD_TEST(test_attest__sign_verify_ed25519),
	LD_TEST(test_attest__sec1_key),
	LD_TEST(test_attest__keys_refused),
	{ NULL, NULL }
};
