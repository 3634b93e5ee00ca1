/*
 * lambdrift.json parsing (src/spec/spec.c): a full valid spec, each validation error with
 * its JSON path and message, syntax errors with line and column, function line numbers,
 * and the size bound.
 */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "lambdrift/errors.h"
#include "spec/spec.h"

static const char valid_spec[] =
	"{\n"
	"  \"lambdrift\": 1, \"region\": \"us-east-1\", \"alias\": \"live\",\n"
	"  \"functions\": [\n"
	"    { \"name\": \"orders-api\", \"source\": \"services/orders/\", \"exclude\": [\"tests/**\", \"*.pyc\"],\n"
	"      \"config\": { \"Runtime\": \"python3.12\", \"Handler\": \"app.handler\", \"MemorySize\": 256,\n"
	"                  \"Timeout\": 15, \"Role\": \"arn:aws:iam::123456789012:role/orders\",\n"
	"                  \"Environment\": { \"Variables\": { \"LOG_LEVEL\": \"info\",\n"
	"                     \"API_TOKEN\": { \"sha256\": \"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\" } } },\n"
	"                  \"Layers\": [\"arn:aws:lambda:us-east-1:123456789012:layer:deps:3\"],\n"
	"                  \"Architectures\": [\"arm64\"], \"EphemeralStorage\": { \"Size\": 1024 },\n"
	"                  \"TracingConfig\": { \"Mode\": \"Active\" },\n"
	"                  \"VpcConfig\": { \"SubnetIds\": [\"subnet-1\"], \"SecurityGroupIds\": [\"sg-1\"] },\n"
	"                  \"KMSKeyArn\": \"\", \"DeadLetterConfig\": { \"TargetArn\": \"arn:aws:sqs:us-east-1:123456789012:dlq\" },\n"
	"                  \"LoggingConfig\": { \"LogFormat\": \"JSON\", \"ApplicationLogLevel\": \"INFO\",\n"
	"                                     \"SystemLogLevel\": \"WARN\", \"LogGroup\": \"/aws/lambda/orders\" },\n"
	"                  \"SnapStart\": { \"ApplyOn\": \"None\" }, \"Description\": \"orders\" } },\n"
	"    {\"name\": \"resizer\", \"region\": \"eu-west-1\",\n"
	"     \"build\": { \"command\": \"make -C resizer dist\", \"artifact\": \"resizer/dist/resizer.zip\", \"timeout\": 120 } },\n"
	"\n"
	"    { \"name\": \"thumbs\", \"alias\": \"prod\", \"image\": { \"digest\": \"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\" },\n"
	"      \"config\": { \"ImageConfig\": { \"EntryPoint\": [\"/app\"], \"Command\": [\"run\"], \"WorkingDirectory\": \"/w\" },\n"
	"                  \"FileSystemConfigs\": [ { \"Arn\": \"arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-0123456789abcdef0\", \"LocalMountPath\": \"/mnt/data\" } ] } },\n"
	"    { \"name\": \"root-fn\", \"source\": \".\" }\n"
	"  ]\n"
	"}\n";

static void test_spec__valid(void)
{
	ld_spec *s = NULL;
	const ld_spec_function *f;
	LD_REQUIRE(ld_spec_parse(&s, valid_spec, strlen(valid_spec), "lambdrift.json") == 0);
	LD_CHECK_INT(s->version, 1);
	LD_CHECK_STR(s->region, "us-east-1");
	LD_CHECK_STR(s->alias, "live");
	LD_REQUIRE(s->nfunctions == 4);

	f = &s->functions[0];
	LD_CHECK_STR(f->name, "orders-api");
	LD_CHECK_INT(f->kind, LD_SPEC_SOURCE);
	LD_CHECK_STR(f->source, "services/orders");
	LD_CHECK_INT(f->nexclude, 2);
	LD_CHECK_STR(f->exclude[1], "*.pyc");
	LD_CHECK_STR(f->region, "us-east-1");
	LD_CHECK_STR(f->alias, "live");
	LD_CHECK_INT(f->line, 4);
	LD_REQUIRE(f->config != NULL);
	LD_CHECK_STR(ld_json_get_str(f->config, "Handler"), "app.handler");

	f = &s->functions[1];
	LD_CHECK_INT(f->kind, LD_SPEC_BUILD);
	LD_CHECK_STR(f->region, "eu-west-1");
	LD_CHECK_STR(f->build_command, "make -C resizer dist");
	LD_CHECK_STR(f->build_artifact, "resizer/dist/resizer.zip");
	LD_CHECK_INT(f->build_timeout, 120);
	LD_CHECK_INT(f->line, 17);
	LD_CHECK(f->config == NULL);

	f = &s->functions[2];
	LD_CHECK_INT(f->kind, LD_SPEC_IMAGE);
	LD_CHECK_STR(f->alias, "prod");
	LD_CHECK_STR(f->image_digest,
		     "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	LD_CHECK_INT(f->line, 20);

	f = &s->functions[3];
	LD_CHECK_STR(f->source, "");
	LD_CHECK_INT(f->line, 23);

	LD_CHECK(ld_spec_find(s, "resizer", NULL) == &s->functions[1]);
	LD_CHECK(ld_spec_find(s, "resizer", "eu-west-1") == &s->functions[1]);
	LD_CHECK(ld_spec_find(s, "resizer", "us-east-1") == NULL);
	LD_CHECK(ld_spec_find(s, "nope", NULL) == NULL);
	ld_spec_free(s);
	ld_spec_free(NULL);
}

/* Parse `text`; expect LD_EUSAGE (or `code`) and exactly `msg`. */
static void expect_error(const char *text, int code, const char *msg, int line)
{
	ld_spec *s = NULL;
	int rc = ld_spec_parse(&s, text, strlen(text), "lambdrift.json");
	if (rc != code)
		ld_test_fail(__FILE__, line, "rc %d, expected %d for %s", rc, code, text);
	if (strcmp(ld_error_last()->message, msg) != 0)
		ld_test_fail(__FILE__, line, "message\n  got:      %s\n  expected: %s",
			     ld_error_last()->message, msg);
	if (s)
		ld_test_fail(__FILE__, line, "spec returned on error");
	ld_spec_free(s);
}

#define BAD(text, msg) expect_error((text), LD_EUSAGE, "lambdrift.json: " msg, __LINE__)
#define FN(body) "{\"lambdrift\":1,\"functions\":[{\"name\":\"f\",\"source\":\"s\"},{" body "}]}"
#define CFG(body) FN("\"name\":\"g\",\"source\":\"s\",\"config\":{" body "}")

static void test_spec__top_level_errors(void)
{
	BAD("[]", "top level: expected an object");
	BAD("{\"functions\":[{\"name\":\"f\",\"source\":\"s\"}]}", "lambdrift: missing required key");
	BAD("{\"lambdrift\":2,\"functions\":[]}",
	    "lambdrift: expected 1 (the spec format version this lambdrift reads)");
	BAD("{\"lambdrift\":1}", "functions: missing required key");
	BAD("{\"lambdrift\":1,\"functions\":[]}", "functions: expected an array of 1 to 1000 items");
	BAD("{\"lambdrift\":1,\"functions\":{}}", "functions: expected an array");
	BAD("{\"lambdrift\":1,\"functoins\":[]}", "functoins: unknown key; did you mean 'functions'?");
	BAD("{\"lambdrift\":1,\"lambdrift\":1,\"functions\":[]}", "lambdrift: duplicate key");
	BAD("{\"lambdrift\":1,\"xyz\":1,\"functions\":[]}",
	    "xyz: unknown key; expected one of $schema, lambdrift, region, alias, functions");
	BAD("{\"lambdrift\":1,\"region\":\"US-EAST-1\",\"functions\":[]}",
	    "region: expected an AWS region name such as \"us-east-1\"");
	BAD("{\"lambdrift\":1,\"region\":\"useast1\",\"functions\":[]}",
	    "region: expected an AWS region name such as \"us-east-1\"");
	BAD("{\"lambdrift\":1,\"alias\":\"123\",\"functions\":[]}",
	    "alias: expected an alias name of 1 to 128 of [A-Za-z0-9-_], not all digits");
	BAD("{\"lambdrift\":1,\"functions\":[1]}", "functions[0]: expected an object");
}

static void test_spec__function_errors(void)
{
	BAD(FN("\"source\":\"s\""), "functions[1].name: missing required key");
	BAD(FN("\"name\":\"bad name\",\"source\":\"s\""),
	    "functions[1].name: expected a function name of 1 to 64 of [A-Za-z0-9-_]");
	BAD(FN("\"name\":\"a1234567890123456789012345678901234567890123456789012345678901234\","
	       "\"source\":\"s\""),
	    "functions[1].name: expected a function name of 1 to 64 of [A-Za-z0-9-_]");
	BAD(FN("\"name\":\"g\""),
	    "functions[1]: expected exactly one of \"source\", \"build\" or \"image\" (found 0)");
	BAD(FN("\"name\":\"g\",\"source\":\"s\",\"image\":{\"digest\":\"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}"),
	    "functions[1]: expected exactly one of \"source\", \"build\" or \"image\" (found 2)");
	BAD(FN("\"name\":\"g\",\"source\":\"../x\""),
	    "functions[1].source: expected a relative path without '.', '..' or empty segments, "
	    "not '../x'");
	BAD(FN("\"name\":\"g\",\"source\":\"/abs\""),
	    "functions[1].source: expected a relative path inside the repository, not '/abs'");
	BAD(FN("\"name\":\"g\",\"source\":\"a//b\""),
	    "functions[1].source: expected a relative path without '.', '..' or empty segments, "
	    "not 'a//b'");
	BAD(FN("\"name\":\"g\",\"source\":\"s\",\"exclude\":\"x\""),
	    "functions[1].exclude: expected an array");
	BAD(FN("\"name\":\"g\",\"source\":\"s\",\"exclude\":[\"ok\",\"!keep\"]"),
	    "functions[1].exclude[1]: negated patterns ('!') are not supported");
	BAD(FN("\"name\":\"g\",\"source\":\"s\",\"exclude\":[3]"),
	    "functions[1].exclude[0]: expected a glob pattern string");
	BAD(FN("\"name\":\"g\",\"build\":{\"command\":\"make\",\"artifact\":\"a.zip\"},\"exclude\":[]"),
	    "functions[1].exclude: applies only to a function with \"source\"");
	BAD(FN("\"name\":\"g\",\"build\":{\"artifact\":\"a.zip\"}"),
	    "functions[1].build.command: missing required key");
	BAD(FN("\"name\":\"g\",\"build\":{\"command\":\"make\",\"artifact\":\".\"}"),
	    "functions[1].build.artifact: expected a relative path without '.', '..' or empty "
	    "segments, not '.'");
	BAD(FN("\"name\":\"g\",\"build\":{\"command\":\"make\",\"artifact\":\"a.zip\",\"timeout\":0}"),
	    "functions[1].build.timeout: expected an integer between 1 and 86400");
	BAD(FN("\"name\":\"g\",\"build\":{\"command\":\"\",\"artifact\":\"a.zip\"}"),
	    "functions[1].build.command: expected a string of 1 to 4096 characters");
	BAD(FN("\"name\":\"g\",\"image\":{\"digest\":\"sha256:abc\"}"),
	    "functions[1].image.digest: expected \"sha256:\" followed by 64 lowercase hex digits");
	BAD(FN("\"name\":\"g\",\"source\":\"s\",\"Config\":{}"),
	    "functions[1].Config: unknown key; did you mean 'config'?");
	BAD("{\"lambdrift\":1,\"functions\":[{\"name\":\"f\",\"source\":\"s\"},"
	    "{\"name\":\"g\",\"source\":\"t\"},{\"name\":\"f\",\"source\":\"u\"}]}",
	    "functions[2].name: 'f' is declared twice (also functions[0])");
	BAD(FN("\"name\":\"g\",\"source\":\"s\",\"lockfiles\":[\"s/yarn.lock\"]"),
	    "functions[1].lockfiles[0]: not a lockfile lambdrift reads: expected "
	    "package-lock.json, npm-shrinkwrap.json, poetry.lock, Pipfile.lock or "
	    "requirements*.txt");
	BAD(FN("\"name\":\"g\",\"source\":\"s\",\"lockfiles\":[\"/etc/requirements.txt\"]"),
	    "functions[1].lockfiles[0]: expected a relative path inside the repository, not "
	    "'/etc/requirements.txt'");
	BAD(FN("\"name\":\"g\",\"source\":\"s\",\"lockfiles\":\"package-lock.json\""),
	    "functions[1].lockfiles: expected an array");
}

/* "lockfiles" names the tag's lockfiles for dependency-drift; [] turns the compare off. */
static void test_spec__lockfiles(void)
{
	static const char text[] =
		"{\"lambdrift\":1,\"functions\":["
		"{\"name\":\"b\",\"build\":{\"command\":\"make\",\"artifact\":\"b/out.zip\"},"
		"\"lockfiles\":[\"b/package-lock.json\",\"b/requirements-prod.txt\"]},"
		"{\"name\":\"s\",\"source\":\"s\",\"lockfiles\":[]},"
		"{\"name\":\"t\",\"source\":\"t\"}]}";
	ld_spec *spec = NULL;

	LD_REQUIRE(ld_spec_parse(&spec, text, sizeof(text) - 1, "lambdrift.json") == 0);
	LD_CHECK(spec->functions[0].has_lockfiles);
	LD_CHECK_INT(spec->functions[0].nlockfiles, 2);
	LD_CHECK_STR(spec->functions[0].lockfiles[1], "b/requirements-prod.txt");
	LD_CHECK(spec->functions[1].has_lockfiles);
	LD_CHECK_INT(spec->functions[1].nlockfiles, 0);
	LD_CHECK(!spec->functions[2].has_lockfiles);
	ld_spec_free(spec);
}

static void test_spec__config_errors(void)
{
	BAD(CFG("\"MemorySize\":99999"),
	    "functions[1].config.MemorySize: expected an integer between 128 and 10240");
	BAD(CFG("\"MemorySize\":256.5"),
	    "functions[1].config.MemorySize: expected an integer between 128 and 10240");
	BAD(CFG("\"MemorySize\":\"256\""),
	    "functions[1].config.MemorySize: expected an integer between 128 and 10240");
	BAD(CFG("\"Memorysize\":256"),
	    "functions[1].config.Memorysize: unknown key; did you mean 'MemorySize'?");
	BAD(CFG("\"Timeout\":901"),
	    "functions[1].config.Timeout: expected an integer between 1 and 900");
	BAD(CFG("\"Runtime\":\"Python 3\""),
	    "functions[1].config.Runtime: expected a Lambda runtime identifier such as \"python3.12\"");
	BAD(CFG("\"Handler\":\"a b\""),
	    "functions[1].config.Handler: expected a handler without whitespace");
	BAD(CFG("\"Role\":\"admin\""),
	    "functions[1].config.Role: expected an IAM role ARN such as "
	    "\"arn:aws:iam::123456789012:role/NAME\"");
	BAD(CFG("\"Environment\":{\"Variables\":{\"1X\":\"v\"}}"),
	    "functions[1].config.Environment.Variables.1X: expected a variable name: a letter, "
	    "then letters, digits or '_' (at least 2 characters)");
	BAD(CFG("\"Environment\":{\"Variables\":{\"TOKEN\":42}}"),
	    "functions[1].config.Environment.Variables.TOKEN: expected a string or "
	    "{\"sha256\": \"<64 lowercase hex digits>\"}");
	BAD(CFG("\"Environment\":{\"Variables\":{\"TOKEN\":{\"sha256\":\"s3cr3t-value\"}}}"),
	    "functions[1].config.Environment.Variables.TOKEN: expected a string or "
	    "{\"sha256\": \"<64 lowercase hex digits>\"}");
	BAD(CFG("\"Environment\":{\"Variable\":{}}"),
	    "functions[1].config.Environment.Variable: unknown key; did you mean 'Variables'?");
	BAD(CFG("\"Env\":{}"), "functions[1].config.Env: unknown key; did you mean 'Environment'?");
	BAD(CFG("\"Environment\":{\"Variables\":{\"AA\":\"1\",\"AA\":\"2\"}}"),
	    "functions[1].config.Environment.Variables.AA: duplicate key");
	BAD(CFG("\"Layers\":[\"arn:aws:lambda:us-east-1:123456789012:layer:deps\"]"),
	    "functions[1].config.Layers[0]: expected a layer version ARN such as "
	    "\"arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION\"");
	BAD(CFG("\"Layers\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"]"),
	    "functions[1].config.Layers: expected an array of 0 to 5 items");
	BAD(CFG("\"Architectures\":[\"x86\"]"),
	    "functions[1].config.Architectures[0]: expected one of \"x86_64\", \"arm64\"");
	BAD(CFG("\"Architectures\":[]"),
	    "functions[1].config.Architectures: expected an array of 1 to 1 items");
	BAD(CFG("\"EphemeralStorage\":{}"),
	    "functions[1].config.EphemeralStorage.Size: missing required key");
	BAD(CFG("\"EphemeralStorage\":{\"Size\":100}"),
	    "functions[1].config.EphemeralStorage.Size: expected an integer between 512 and 10240");
	BAD(CFG("\"TracingConfig\":{\"Mode\":\"On\"}"),
	    "functions[1].config.TracingConfig.Mode: expected one of \"Active\", \"PassThrough\"");
	BAD(CFG("\"VpcConfig\":{\"SubnetIds\":\"subnet-1\"}"),
	    "functions[1].config.VpcConfig.SubnetIds: expected an array");
	BAD(CFG("\"VpcConfig\":{\"Ipv6AllowedForDualStack\":1}"),
	    "functions[1].config.VpcConfig.Ipv6AllowedForDualStack: expected true or false");
	BAD(CFG("\"KMSKeyArn\":\"key\""),
	    "functions[1].config.KMSKeyArn: expected an ARN (\"arn:...\") or \"\"");
	BAD(CFG("\"DeadLetterConfig\":{\"TargetArn\":5}"),
	    "functions[1].config.DeadLetterConfig.TargetArn: expected an ARN (\"arn:...\") or \"\"");
	BAD(CFG("\"LoggingConfig\":{\"LogFormat\":\"json\"}"),
	    "functions[1].config.LoggingConfig.LogFormat: expected one of \"JSON\", \"Text\"");
	BAD(CFG("\"LoggingConfig\":{\"ApplicationLogLevel\":\"VERBOSE\"}"),
	    "functions[1].config.LoggingConfig.ApplicationLogLevel: expected one of \"TRACE\", "
	    "\"DEBUG\", \"INFO\", \"WARN\", \"ERROR\", \"FATAL\"");
	BAD(CFG("\"LoggingConfig\":{\"SystemLogLevel\":\"ERROR\"}"),
	    "functions[1].config.LoggingConfig.SystemLogLevel: expected one of \"DEBUG\", "
	    "\"INFO\", \"WARN\"");
	BAD(CFG("\"LoggingConfig\":{\"LogGroup\":\"a b\"}"),
	    "functions[1].config.LoggingConfig.LogGroup: expected a log group name of 1 to 512 "
	    "of [A-Za-z0-9._/#-]");
	BAD(CFG("\"SnapStart\":{\"ApplyOn\":\"Always\"}"),
	    "functions[1].config.SnapStart.ApplyOn: expected one of \"PublishedVersions\", \"None\"");
	BAD(CFG("\"ImageConfig\":{\"Command\":[1]}"),
	    "functions[1].config.ImageConfig.Command[0]: expected a string");
	BAD(CFG("\"FileSystemConfigs\":[{\"Arn\":\"arn:aws:efs:x\",\"LocalMountPath\":\"/data\"}]"),
	    "functions[1].config.FileSystemConfigs[0].LocalMountPath: expected a mount path "
	    "\"/mnt/NAME\" (NAME of [A-Za-z0-9._-])");
	BAD(CFG("\"FileSystemConfigs\":[{\"LocalMountPath\":\"/mnt/x\"}]"),
	    "functions[1].config.FileSystemConfigs[0].Arn: missing required key");
	BAD(CFG("\"Description\":5"), "functions[1].config.Description: expected a string");
	BAD(CFG("\"PackageType\":\"Zip\""),
	    "functions[1].config.PackageType: unknown key; expected one of Runtime, Handler, "
	    "MemorySize, Timeout, Role, Environment, Layers, Architectures, EphemeralStorage, "
	    "TracingConfig, VpcConfig, KMSKeyArn, DeadLetterConfig, LoggingConfig, SnapStart, "
	    "ImageConfig, FileSystemConfigs, Description");
}

static void test_spec__no_secret_in_messages(void)
{
	ld_spec *s = NULL;
	const char *text = CFG("\"Environment\":{\"Variables\":{\"TOKEN\":[\"hunter2\"]}}");
	LD_CHECK_INT(ld_spec_parse(&s, text, strlen(text), "lambdrift.json"), LD_EUSAGE);
	LD_CHECK(strstr(ld_error_last()->message, "hunter2") == NULL);
}

static void test_spec__syntax_errors(void)
{
	expect_error("{\n  \"lambdrift\": 1,\n  \"functions\": [,]\n}\n", LD_EUSAGE,
		     "lambdrift.json:3:17: malformed JSON", __LINE__);
	expect_error("{\"lambdrift\": 1,", LD_EUSAGE,
		     "lambdrift.json:1:16: malformed JSON: the file ends early (cut short?)", __LINE__);
	expect_error("{\"lambdrift\": 1, \"functions\": [{\"name\": \"f\", \"source\": \"s", LD_EUSAGE,
		     "lambdrift.json:1:57: malformed JSON: the file ends early (cut short?)", __LINE__);
	expect_error("{\"lambdrift\": [1}", LD_EUSAGE, "lambdrift.json:1:17: malformed JSON",
		     __LINE__);
	expect_error("{\"lambdrift\":1,\"functions\":[{\"name\":\"f\",\"source\":\"s\"}]}\n  x\n",
		     LD_EUSAGE, "lambdrift.json:2:3: unexpected text after the JSON value", __LINE__);
	expect_error("{\"lambdrift\":1}\0{}", LD_EUSAGE, "lambdrift.json: functions: missing required key",
		     __LINE__);
	{
		ld_spec *s = NULL;
		LD_CHECK_INT(ld_spec_parse(&s, "{}\0{}", 5, "x.json"), LD_EUSAGE);
		LD_CHECK_STR(ld_error_last()->message, "x.json:1:3: NUL byte in the spec");
	}
}

static void test_spec__line_numbers(void)
{
	ld_spec *s = NULL;
	const char *text =
		"\xef\xbb\xbf{ \"functions\": [ {\"name\": \"a\", \"source\": \"x\",\n"
		"  \"config\": {\"Environment\": {\"Variables\": {\"K1\": \"{[\\\"}\"}}}},\n"
		"\n"
		"  { \"name\": \"b\",\n"
		"    \"source\": \"y\" }, { \"name\": \"c\", \"image\": {\"digest\": \"sha256:"
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"} }\n"
		"], \"region\": \"us-west-2\", \"lambdrift\": 1, \"alias\": \"functions\" }";
	LD_REQUIRE(ld_spec_parse(&s, text, strlen(text), "lambdrift.json") == 0);
	LD_REQUIRE(s->nfunctions == 3);
	LD_CHECK_INT(s->functions[0].line, 1);
	LD_CHECK_INT(s->functions[1].line, 4);
	LD_CHECK_INT(s->functions[2].line, 5);
	ld_spec_free(s);
}

static void test_spec__bounds_and_load(void)
{
	ld_spec *s = NULL;
	size_t big = LD_SPEC_MAX_BYTES + 1;
	char *text = malloc(big), path[] = "/tmp/ld-test-spec-XXXXXX";
	FILE *f;
	int fd;
	LD_REQUIRE(text != NULL);
	memset(text, ' ', big);
	LD_CHECK_INT(ld_spec_parse(&s, text, big, "lambdrift.json"), LD_ELIMIT);
	LD_CHECK_STR(ld_error_last()->message,
		     "lambdrift.json: the spec is 1048577 bytes; the limit is 1048576");

	fd = mkstemp(path);
	LD_REQUIRE(fd >= 0);
	LD_REQUIRE((f = fdopen(fd, "w")) != NULL);
	fwrite(text, 1, big, f);
	fclose(f);
	LD_CHECK_INT(ld_spec_load(&s, path), LD_ELIMIT);
	LD_REQUIRE((f = fopen(path, "w")) != NULL);
	fputs(valid_spec, f);
	fclose(f);
	LD_CHECK_INT(ld_spec_load(&s, path), 0);
	LD_CHECK(s && s->nfunctions == 4 && strcmp(s->file, path) == 0);
	ld_spec_free(s);
	remove(path);
	LD_CHECK_INT(ld_spec_load(&s, path), LD_ENOTFOUND);
	free(text);
}

const ld_test ld_tests[] = {
	LD_TEST(test_spec__valid),
	LD_TEST(test_spec__top_level_errors),
	LD_TEST(test_spec__function_errors),
	LD_TEST(test_spec__lockfiles),
	LD_TEST(test_spec__config_errors),
	LD_TEST(test_spec__no_secret_in_messages),
	LD_TEST(test_spec__syntax_errors),
	LD_TEST(test_spec__line_numbers),
	LD_TEST(test_spec__bounds_and_load),
	{ NULL, NULL }
};
