/*
 * AWS configuration resolution (src/aws/profile.c) and the INI reader (src/aws/ini.c):
 * every precedence rule of the AWS CLI that lambdrift follows, including which provider
 * (web identity, credential_process, container, instance metadata) is chosen and with
 * which parameters, checked with a scratch HOME, temporary credentials/config files and
 * setenv. Every secret is a canary that must never show up in an error message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws/ini.h"
#include "aws/profile.h"
#include "harness.h"
#include "lambdrift/errors.h"

#define CANARY "CANARYwJalrXUtnFEMIK7MDENG"

static const char *const vars[] = {
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
	"AWS_CREDENTIAL_EXPIRATION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION",
	"AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_LAMBDA",
	"AWS_ENDPOINT_URL_STS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_CA_BUNDLE",
	"AWS_MAX_ATTEMPTS", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
	"AWS_ROLE_SESSION_NAME", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_EC2_METADATA_SERVICE_ENDPOINT",
	"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "AWS_EC2_METADATA_V1_DISABLED",
	"AWS_METADATA_SERVICE_TIMEOUT", "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
	"AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", NULL
};

static char home[64];
static char cred_path[64];
static char conf_path[64];

static void write_file(char *path, const char *text)
{
	int fd;
	strcpy(path, "/tmp/ld-config-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		ld_test_fail(__FILE__, __LINE__, "cannot write %s", path);
	if (fd >= 0)
		close(fd);
}

/* A clean environment with a scratch HOME (no ~/.aws) and the given files, if any.
 * Instance metadata is off unless a test turns it back on. */
static void setup(const char *cred, const char *conf)
{
	for (size_t i = 0; vars[i]; i++)
		unsetenv(vars[i]);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	strcpy(home, "/tmp/ld-home-XXXXXX");
	if (!mkdtemp(home))
		ld_test_fail(__FILE__, __LINE__, "mkdtemp failed");
	setenv("HOME", home, 1);
	cred_path[0] = conf_path[0] = '\0';
	if (cred) {
		write_file(cred_path, cred);
		setenv("AWS_SHARED_CREDENTIALS_FILE", cred_path, 1);
	}
	if (conf) {
		write_file(conf_path, conf);
		setenv("AWS_CONFIG_FILE", conf_path, 1);
	}
	ld_error_clear();
}

static void teardown(ld_aws_config *cfg)
{
	ld_aws_config_dispose(cfg);
	if (cred_path[0])
		unlink(cred_path);
	if (conf_path[0])
		unlink(conf_path);
	rmdir(home);
}

static int resolve(ld_aws_config *cfg, const char *profile)
{
	ld_aws_opts opts = LD_AWS_OPTS_INIT;
	opts.profile = profile;
	return ld_aws_config_resolve(cfg, &opts);
}

/* The error message exists, mentions `want` and holds no secret. */
static void check_msg(int line, const char *want)
{
	const char *m = ld_error_last()->message;
	if (!m[0] || strstr(m, "CANARY") || (want && !strstr(m, want)))
		ld_test_fail(__FILE__, line, "message '%s' lacks '%s' or leaks a secret", m,
			     want ? want : "");
}
#define CHECK_MSG(want) check_msg(__LINE__, want)

static const char creds_file[] =
	"[default]\n"
	"aws_access_key_id = AKIDDEFAULT\n"
	"aws_secret_access_key = " CANARY "default\n"
	"\n"
	"[dev]\n"
	"aws_access_key_id = AKIDDEV\n"
	"aws_secret_access_key = " CANARY "dev\n"
	"aws_session_token = " CANARY "token\n";

static void test_profile__env_wins_over_files(void)
{
	ld_aws_config cfg;
	setup(creds_file, NULL);
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", CANARY "env", 1);
	setenv("AWS_SECURITY_TOKEN", CANARY "legacy", 1);
	setenv("AWS_CREDENTIAL_EXPIRATION", "2030-01-02T03:04:05Z", 1);
	LD_REQUIRE(resolve(&cfg, NULL) == 0);
	LD_CHECK_STR(cfg.profile, "default");
	LD_CHECK_STR(cfg.base.access_key_id, "AKIDENV");
	LD_CHECK_STR(cfg.base.secret_access_key, CANARY "env");
	LD_CHECK_STR(cfg.base.session_token, CANARY "legacy");
	LD_CHECK_INT(cfg.base.expiration, 1893553445);
	LD_CHECK_STR(cfg.source, "environment");
	LD_CHECK_INT(cfg.nroles, 0);
	ld_aws_config_dispose(&cfg);

	setenv("AWS_SESSION_TOKEN", CANARY "session", 1);
	setenv("AWS_CREDENTIAL_EXPIRATION", "2030-01-02T05:04:05.123+02:00", 1);
	LD_REQUIRE(resolve(&cfg, NULL) == 0);
	LD_CHECK_STR(cfg.base.session_token, CANARY "session");
	LD_CHECK_INT(cfg.base.expiration, 1893553445);
	ld_aws_config_dispose(&cfg);

	setenv("AWS_CREDENTIAL_EXPIRATION", "tomorrow", 1);
	LD_CHECK_INT(resolve(&cfg, NULL), LD_EUSAGE);
	CHECK_MSG("AWS_CREDENTIAL_EXPIRATION");
	LD_CHECK(cfg.base.access_key_id == NULL);
	unsetenv("AWS_CREDENTIAL_EXPIRATION");

	unsetenv("AWS_SECRET_ACCESS_KEY");
	LD_CHECK_INT(resolve(&cfg, NULL), LD_EAUTH);
	CHECK_MSG("AWS_SECRET_ACCESS_KEY");
	teardown(&cfg);
}

static void test_profile__explicit_profile_skips_env(void)
{
	ld_aws_config cfg;
	setup(creds_file, NULL);
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", CANARY "env", 1);
	LD_REQUIRE(resolve(&cfg, "dev") == 0);
	LD_CHECK_STR(cfg.profile, "dev");
	LD_CHECK_STR(cfg.base.access_key_id, "AKIDDEV");
	LD_CHECK_STR(cfg.base.session_token, CANARY "token");
	LD_CHECK_STR(cfg.source, "shared credentials file (profile dev)");
	teardown(&cfg);
}

static void test_profile__aws_profile_keeps_env(void)
{
	ld_aws_config cfg;
	setup(creds_file, "[profile dev]\nregion = eu-west-1\n");
	setenv("AWS_PROFILE", "dev", 1);
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", CANARY "env", 1);
	LD_REQUIRE(resolve(&cfg, NULL) == 0);
	LD_CHECK_STR(cfg.profile, "dev");
	LD_CHECK_STR(cfg.base.access_key_id, "AKIDENV");
	LD_CHECK_STR(cfg.source, "environment");
	LD_CHECK_STR(cfg.region, "eu-west-1");
	ld_aws_config_dispose(&cfg);

	/* Without env keys the profile's keys are used; AWS_DEFAULT_PROFILE is the fallback. */
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_PROFILE");
	setenv("AWS_DEFAULT_PROFILE", "dev", 1);
	LD_REQUIRE(resolve(&cfg, NULL) == 0);
	LD_CHECK_STR(cfg.profile, "dev");
	LD_CHECK_STR(cfg.base.access_key_id, "AKIDDEV");
	ld_aws_config_dispose(&cfg);

	setenv("AWS_PROFILE", "default", 1);
	LD_REQUIRE(resolve(&cfg, NULL) == 0);
	LD_CHECK_STR(cfg.base.access_key_id, "AKIDDEFAULT");
	teardown(&cfg);
}

static void test_profile__credentials_file_before_config_file(void)
{
	ld_aws_config cfg;
	setup("[dev]\naws_access_key_id = AKIDCRED\naws_secret_access_key = " CANARY "1\n",
	      "[profile dev]\naws_access_key_id = AKIDCONF\naws_secret_access_key = " CANARY "2\n"
	      "region = us-east-2\n"
	      "[profile other]\naws_access_key_id = AKIDOTHER\n"
	      "aws_secret_access_key = " CANARY "3\n");
	LD_REQUIRE(resolve(&cfg, "dev") == 0);
	LD_CHECK_STR(cfg.base.access_key_id, "AKIDCRED");
	LD_CHECK_STR(cfg.source, "shared credentials file (profile dev)");
	LD_CHECK_STR(cfg.region, "us-east-2");
	LD_CHECK(cfg.base.session_token == NULL);
	ld_aws_config_dispose(&cfg);

	LD_REQUIRE(resolve(&cfg, "other") == 0);
	LD_CHECK_STR(cfg.base.access_key_id, "AKIDOTHER");
	LD_CHECK_STR(cfg.source, "config file (profile other)");
	teardown(&cfg);
}

static void test_profile__partial_keys_in_file(void)
{
	ld_aws_config cfg;
	setup("[dev]\naws_access_key_id = AKIDCRED\n", NULL);
	LD_CHECK_INT(resolve(&cfg, "dev"), LD_EAUTH);
	CHECK_MSG("aws_secret_access_key");
	CHECK_MSG(cred_path);
	teardown(&cfg);
}

static void test_profile__section_naming(void)
{
	ld_aws_config cfg;
	setup("[profile cred]\naws_access_key_id = AKIDX\naws_secret_access_key = " CANARY "x\n",
	      "[dev]\naws_access_key_id = AKIDNOPE\naws_secret_access_key = " CANARY "n\n"
	      "[profile \"my dev\"]\naws_access_key_id = AKIDQUOTED\n"
	      "aws_secret_access_key = " CANARY "q\n"
	      "[ profile   spaced ]\naws_access_key_id = AKIDSPACED\n"
	      "aws_secret_access_key = " CANARY "s\n"
	      "[default]\naws_access_key_id = AKIDDEF\naws_secret_access_key = " CANARY "d\n");
	/* In the config file [dev] is not a profile: it needs the "profile " prefix. */
	LD_CHECK_INT(resolve(&cfg, "dev"), LD_EUSAGE);
	CHECK_MSG("profile 'dev' not found");
	/* In the credentials file the section name is the profile name, prefix included. */
	LD_CHECK_INT(resolve(&cfg, "cred"), LD_EUSAGE);
	LD_REQUIRE(resolve(&cfg, "profile cred") == 0);
	LD_CHECK_STR(cfg.base.access_key_id, "AKIDX");
	ld_aws_config_dispose(&cfg);
	LD_REQUIRE(resolve(&cfg, "my dev") == 0);
	LD_CHECK_STR(cfg.base.access_key_id, "AKIDQUOTED");
	ld_aws_config_dispose(&cfg);
	LD_REQUIRE(resolve(&cfg, "spaced") == 0);
	LD_CHECK_STR(cfg.base.access_key_id, "AKIDSPACED");
	ld_aws_config_dispose(&cfg);
	LD_REQUIRE(resolve(&cfg, NULL) == 0);
	LD_CHECK_STR(cfg.base.access_key_id, "AKIDDEF");
	LD_CHECK_STR(cfg.source, "config file (profile default)");
	teardown(&cfg);
}

static void test_profile__default_paths_under_home(void)
{
	ld_aws_config cfg;
	char dir[128], path[160];
	FILE *f;

	setup(NULL, NULL);
	snprintf(dir, sizeof(dir), "%s/.aws", home);
	snprintf(path, sizeof(path), "%s/credentials", dir);
	LD_REQUIRE(mkdir(dir, 0700) == 0);
	LD_REQUIRE((f = fopen(path, "w")) != NULL);
	fputs(creds_file, f);
	fclose(f);
	LD_REQUIRE(resolve(&cfg, "dev") == 0);
	LD_CHECK_STR(cfg.base.access_key_id, "AKIDDEV");
	ld_aws_config_dispose(&cfg);
	/* `~` in the variables is expanded with HOME too. */
	setenv("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials", 1);
	LD_REQUIRE(resolve(&cfg, "dev") == 0);
	LD_CHECK_STR(cfg.base.access_key_id, "AKIDDEV");
	unlink(path);
	rmdir(dir);
	teardown(&cfg);
}

static const char chain_conf[] =
	"[profile top]\n"
	"role_arn = arn:aws:iam::111111111111:role/top\n"
	"source_profile = mid\n"
	"external_id = ext-top\n"
	"role_session_name = audit\n"
	"duration_seconds = 1800\n"
	"region = eu-central-1\n"
	"\n"
	"[profile mid]\n"
	"role_arn = arn:aws:iam::222222222222:role/mid\n"
	"source_profile = base\n"
	"\n"
	"[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
	"[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n"
	"[profile selfish]\nrole_arn = arn:aws:iam::1:role/s\nsource_profile = selfish\n"
	"[profile selfkeys]\nrole_arn = arn:aws:iam::1:role/k\nsource_profile = selfkeys\n"
	"aws_access_key_id = AKIDSELF\naws_secret_access_key = " CANARY "self\n"
	"[profile keyed]\nrole_arn = arn:aws:iam::1:role/keyed\nsource_profile = keyedsrc\n"
	"[profile keyedsrc]\nrole_arn = arn:aws:iam::1:role/ignored\nsource_profile = a\n"
	"[profile orphan]\nrole_arn = arn:aws:iam::1:role/o\nsource_profile = ghost\n"
	"[profile both]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = base\n"
	"credential_source = Environment\n"
	"[profile neither]\nrole_arn = arn:aws:iam::1:role/x\n"
	"[profile baddur]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = base\n"
	"duration_seconds = 60\n"
	"[profile empty]\nregion = us-east-1\n"
	"[profile emptysrc]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = empty\n";

static const char chain_creds[] =
	"[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = " CANARY "base\n"
	"[keyedsrc]\naws_access_key_id = AKIDKEYED\naws_secret_access_key = " CANARY "k\n";

static void test_profile__role_chain_two_levels(void)
{
	ld_aws_config cfg;
	setup(chain_creds, chain_conf);
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", CANARY "env", 1);
	LD_REQUIRE(resolve(&cfg, "top") == 0);
	LD_CHECK_STR(cfg.base.access_key_id, "AKIDBASE");
	LD_REQUIRE(cfg.nroles == 2);
	LD_CHECK_STR(cfg.roles[0].role_arn, "arn:aws:iam::222222222222:role/mid");
	LD_CHECK_STR(cfg.roles[0].profile, "mid");
	LD_CHECK(cfg.roles[0].external_id == NULL);
	LD_CHECK(strncmp(cfg.roles[0].session_name, "lambdrift-", 10) == 0);
	LD_CHECK_INT(cfg.roles[0].duration_seconds, 0);
	LD_CHECK_STR(cfg.roles[1].role_arn, "arn:aws:iam::111111111111:role/top");
	LD_CHECK_STR(cfg.roles[1].profile, "top");
	LD_CHECK_STR(cfg.roles[1].external_id, "ext-top");
	LD_CHECK_STR(cfg.roles[1].session_name, "audit");
	LD_CHECK_INT(cfg.roles[1].duration_seconds, 1800);
	LD_CHECK_STR(cfg.region, "eu-central-1");
	LD_CHECK_STR(cfg.source, "assume role arn:aws:iam::111111111111:role/top via profile top "
				 "from shared credentials file (profile base)");
	teardown(&cfg);
}

static void test_profile__role_chain_variants(void)
{
	ld_aws_config cfg;
	setup(chain_creds, chain_conf);
	/* A profile may source its own static keys. */
	LD_REQUIRE(resolve(&cfg, "selfkeys") == 0);
	LD_CHECK_STR(cfg.base.access_key_id, "AKIDSELF");
	LD_CHECK_INT(cfg.nroles, 1);
	LD_CHECK_STR(cfg.source, "assume role arn:aws:iam::1:role/k via profile selfkeys "
				 "from config file (profile selfkeys)");
	ld_aws_config_dispose(&cfg);
	/* Keys in a source profile win over its role_arn (which here would loop). */
	LD_REQUIRE(resolve(&cfg, "keyed") == 0);
	LD_CHECK_STR(cfg.base.access_key_id, "AKIDKEYED");
	LD_REQUIRE(cfg.nroles == 1);
	LD_CHECK_STR(cfg.roles[0].role_arn, "arn:aws:iam::1:role/keyed");
	ld_aws_config_dispose(&cfg);
	/* AWS_PROFILE selects a role profile just as --profile does. */
	setenv("AWS_PROFILE", "top", 1);
	LD_REQUIRE(resolve(&cfg, NULL) == 0);
	LD_CHECK_INT(cfg.nroles, 2);
	teardown(&cfg);
}

static void test_profile__role_chain_errors(void)
{
	ld_aws_config cfg;
	setup(chain_creds, chain_conf);
	LD_CHECK_INT(resolve(&cfg, "a"), LD_EUSAGE);
	CHECK_MSG("a -> b -> a");
	LD_CHECK(cfg.roles == NULL && cfg.nroles == 0);
	LD_CHECK_INT(resolve(&cfg, "selfish"), LD_EUSAGE);
	CHECK_MSG("selfish -> selfish");
	LD_CHECK_INT(resolve(&cfg, "orphan"), LD_EUSAGE);
	CHECK_MSG("source_profile 'ghost'");
	LD_CHECK_INT(resolve(&cfg, "both"), LD_EUSAGE);
	CHECK_MSG("both source_profile and credential_source");
	LD_CHECK_INT(resolve(&cfg, "neither"), LD_EUSAGE);
	CHECK_MSG("neither");
	LD_CHECK_INT(resolve(&cfg, "baddur"), LD_EUSAGE);
	CHECK_MSG("duration_seconds");
	LD_CHECK_INT(resolve(&cfg, "emptysrc"), LD_EAUTH);
	CHECK_MSG("source_profile 'empty'");
	teardown(&cfg);
}

static void test_profile__credential_source(void)
{
	ld_aws_config cfg;
	setup(NULL, "[profile envrole]\nrole_arn = arn:aws:iam::1:role/e\n"
		    "credential_source = Environment\n"
		    "[profile imds]\nrole_arn = arn:aws:iam::1:role/i\n"
		    "credential_source = Ec2InstanceMetadata\n"
		    "[profile ecs]\nrole_arn = arn:aws:iam::1:role/c\n"
		    "credential_source = EcsContainer\n"
		    "[profile bogus]\nrole_arn = arn:aws:iam::1:role/b\n"
		    "credential_source = Elsewhere\n");
	LD_CHECK_INT(resolve(&cfg, "envrole"), LD_EAUTH);
	CHECK_MSG("credential_source = Environment");
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", CANARY "env", 1);
	/* --profile skips plain env credentials but not credential_source = Environment. */
	LD_REQUIRE(resolve(&cfg, "envrole") == 0);
	LD_CHECK_STR(cfg.base.access_key_id, "AKIDENV");
	LD_CHECK_INT(cfg.nroles, 1);
	LD_CHECK_STR(cfg.source, "assume role arn:aws:iam::1:role/e via profile envrole "
				 "from environment");
	ld_aws_config_dispose(&cfg);
	/* Ec2InstanceMetadata: refused while instance metadata is disabled. */
	LD_CHECK_INT(resolve(&cfg, "imds"), LD_EAUTH);
	CHECK_MSG("AWS_EC2_METADATA_DISABLED");
	CHECK_MSG("'imds'");
	unsetenv("AWS_EC2_METADATA_DISABLED");
	LD_REQUIRE(resolve(&cfg, "imds") == 0);
	LD_CHECK_INT(cfg.provider.kind, LD_PROVIDER_IMDS);
	LD_CHECK_STR(cfg.provider.profile, "imds");
	LD_CHECK(cfg.provider.looked == NULL); /* asked for: failing is not "no credentials" */
	LD_CHECK(cfg.base.access_key_id == NULL);
	LD_REQUIRE(cfg.nroles == 1);
	LD_CHECK_STR(cfg.roles[0].role_arn, "arn:aws:iam::1:role/i");
	LD_CHECK_STR(cfg.source, "assume role arn:aws:iam::1:role/i via profile imds from ec2 "
				 "instance metadata");
	ld_aws_config_dispose(&cfg);
	/* EcsContainer: needs a container variable. */
	LD_CHECK_INT(resolve(&cfg, "ecs"), LD_EAUTH);
	CHECK_MSG("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	CHECK_MSG("'ecs'");
	setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc", 1);
	LD_REQUIRE(resolve(&cfg, "ecs") == 0);
	LD_CHECK_INT(cfg.provider.kind, LD_PROVIDER_CONTAINER);
	LD_CHECK_STR(cfg.provider.url, "http://169.254.170.2/v2/credentials/abc");
	LD_CHECK_INT(cfg.nroles, 1);
	ld_aws_config_dispose(&cfg);
	LD_CHECK_INT(resolve(&cfg, "bogus"), LD_EUSAGE);
	CHECK_MSG("credential_source");
	teardown(&cfg);
}

static void test_profile__unsupported_sources(void)
{
	ld_aws_config cfg;
	static const char *const profiles[] = { "sso", "legacysso", "mfa" };
	setup(NULL, "[profile sso]\nsso_session = corp\nsso_account_id = 1\n"
		    "[profile legacysso]\nsso_start_url = https://x\n"
		    "[profile mfa]\nrole_arn = arn:aws:iam::1:role/m\nsource_profile = keys\n"
		    "mfa_serial = arn:aws:iam::1:mfa/me\n"
		    "[profile keys]\naws_access_key_id = AKID\naws_secret_access_key = " CANARY "\n");
	for (size_t i = 0; i < sizeof(profiles) / sizeof(*profiles); i++) {
		LD_CHECK_INT(resolve(&cfg, profiles[i]), LD_EAUTH);
		CHECK_MSG("does not support yet");
		CHECK_MSG(profiles[i]);
	}
	teardown(&cfg);
}

static const char webid_conf[] =
	"[profile webid]\nrole_arn = arn:aws:iam::1:role/w\n"
	"web_identity_token_file = ~/token\nrole_session_name = ci\n"
	"[profile noarn]\nweb_identity_token_file = /tmp/token\n"
	"[profile arnonly]\nregion = us-east-1\nrole_arn = arn:aws:iam::1:role/p\n"
	"source_profile = webid\n"
	"[profile chained]\nrole_arn = arn:aws:iam::2:role/next\nsource_profile = webid\n";

static void test_profile__web_identity(void)
{
	ld_aws_config cfg;
	char want[128];

	setup("[keys]\naws_access_key_id = AKIDFILE\naws_secret_access_key = " CANARY "\n",
	      webid_conf);
	/* From the profile, `~` expanded; web identity comes before the credentials file. */
	LD_REQUIRE(resolve(&cfg, "webid") == 0);
	LD_CHECK_INT(cfg.provider.kind, LD_PROVIDER_WEB_IDENTITY);
	LD_CHECK_STR(cfg.provider.role_arn, "arn:aws:iam::1:role/w");
	snprintf(want, sizeof(want), "%s/token", home);
	LD_CHECK_STR(cfg.provider.token_file, want);
	LD_CHECK_STR(cfg.provider.session_name, "ci");
	LD_CHECK_INT(cfg.nroles, 0);
	LD_CHECK(cfg.base.access_key_id == NULL);
	LD_CHECK(strstr(cfg.source, "web identity (role arn:aws:iam::1:role/w") != NULL);
	ld_aws_config_dispose(&cfg);

	/* A token file without any role is a configuration error. */
	LD_CHECK_INT(resolve(&cfg, "noarn"), LD_EUSAGE);
	CHECK_MSG("AWS_ROLE_ARN");
	CHECK_MSG("'noarn'");

	/* A web identity profile as a source profile starts a role chain. */
	LD_REQUIRE(resolve(&cfg, "chained") == 0);
	LD_CHECK_INT(cfg.provider.kind, LD_PROVIDER_WEB_IDENTITY);
	LD_CHECK_STR(cfg.provider.role_arn, "arn:aws:iam::1:role/w");
	LD_REQUIRE(cfg.nroles == 1);
	LD_CHECK_STR(cfg.roles[0].role_arn, "arn:aws:iam::2:role/next");
	ld_aws_config_dispose(&cfg);

	/* The environment, key by key: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN win over
	 * the profile's keys and over the credentials file. */
	setenv("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token", 1);
	setenv("AWS_ROLE_ARN", "arn:aws:iam::9:role/gha", 1);
	setenv("AWS_ROLE_SESSION_NAME", "run-42", 1);
	LD_REQUIRE(resolve(&cfg, NULL) == 0);
	LD_CHECK_INT(cfg.provider.kind, LD_PROVIDER_WEB_IDENTITY);
	LD_CHECK_STR(cfg.provider.token_file, "/var/run/token");
	LD_CHECK_STR(cfg.provider.role_arn, "arn:aws:iam::9:role/gha");
	LD_CHECK_STR(cfg.provider.session_name, "run-42");
	ld_aws_config_dispose(&cfg);
	setenv("AWS_PROFILE", "keys", 1);
	LD_REQUIRE(resolve(&cfg, NULL) == 0);
	LD_CHECK_INT(cfg.provider.kind, LD_PROVIDER_WEB_IDENTITY);
	ld_aws_config_dispose(&cfg);
	/* ... but --profile reads only the profile: the file's keys win then. */
	LD_REQUIRE(resolve(&cfg, "keys") == 0);
	LD_CHECK_INT(cfg.provider.kind, LD_PROVIDER_STATIC);
	LD_CHECK_STR(cfg.base.access_key_id, "AKIDFILE");
	ld_aws_config_dispose(&cfg);
	/* An assume-role profile comes before web identity from the environment. */
	LD_REQUIRE(resolve(&cfg, "arnonly") == 0);
	LD_REQUIRE(cfg.nroles == 1);
	LD_CHECK_STR(cfg.roles[0].role_arn, "arn:aws:iam::1:role/p");
	/* its source profile reads only its own web identity keys */
	LD_CHECK_STR(cfg.provider.role_arn, "arn:aws:iam::1:role/w");
	LD_CHECK_STR(cfg.provider.session_name, "ci");
	ld_aws_config_dispose(&cfg);
	/* Env keys beat everything; the default session name is generated. */
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_ROLE_SESSION_NAME");
	LD_REQUIRE(resolve(&cfg, NULL) == 0);
	LD_CHECK(!strncmp(cfg.provider.session_name, "lambdrift-", 10));
	ld_aws_config_dispose(&cfg);
	unsetenv("AWS_ROLE_ARN");
	LD_CHECK_INT(resolve(&cfg, NULL), LD_EUSAGE);
	CHECK_MSG("AWS_ROLE_ARN");
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", CANARY "env", 1);
	LD_REQUIRE(resolve(&cfg, NULL) == 0);
	LD_CHECK_INT(cfg.provider.kind, LD_PROVIDER_STATIC);
	LD_CHECK_STR(cfg.source, "environment");
	teardown(&cfg);
}

static void test_profile__credential_process(void)
{
	ld_aws_config cfg;
	setup("[filekeys]\naws_access_key_id = AKIDFILE\naws_secret_access_key = " CANARY "f\n"
	      "credential_process = /bin/false\n",
	      "[profile proc]\ncredential_process = /usr/bin/helper --secret " CANARY "\n"
	      "[profile procandkeys]\ncredential_process = /bin/echo hi\n"
	      "aws_access_key_id = AKIDPK\naws_secret_access_key = " CANARY "\n"
	      "[profile viaproc]\nrole_arn = arn:aws:iam::1:role/v\nsource_profile = proc\n");
	LD_REQUIRE(resolve(&cfg, "proc") == 0);
	LD_CHECK_INT(cfg.provider.kind, LD_PROVIDER_PROCESS);
	LD_CHECK_STR(cfg.provider.command, "/usr/bin/helper --secret " CANARY);
	LD_CHECK_STR(cfg.provider.profile, "proc");
	LD_CHECK_STR(cfg.source, "credential_process (profile proc)");
	ld_aws_config_dispose(&cfg);
	/* credential_process comes after the credentials file but before config-file keys. */
	LD_REQUIRE(resolve(&cfg, "procandkeys") == 0);
	LD_CHECK_INT(cfg.provider.kind, LD_PROVIDER_PROCESS);
	LD_CHECK(cfg.base.access_key_id == NULL);
	ld_aws_config_dispose(&cfg);
	LD_REQUIRE(resolve(&cfg, "filekeys") == 0);
	LD_CHECK_INT(cfg.provider.kind, LD_PROVIDER_STATIC);
	LD_CHECK_STR(cfg.base.access_key_id, "AKIDFILE");
	ld_aws_config_dispose(&cfg);
	/* A process profile can be a source profile. */
	LD_REQUIRE(resolve(&cfg, "viaproc") == 0);
	LD_CHECK_INT(cfg.provider.kind, LD_PROVIDER_PROCESS);
	LD_CHECK_INT(cfg.nroles, 1);
	LD_CHECK_STR(cfg.source, "assume role arn:aws:iam::1:role/v via profile viaproc from "
				 "credential_process (profile proc)");
	teardown(&cfg);
}

static void test_profile__container(void)
{
	ld_aws_config cfg;
	setup("[keys]\naws_access_key_id = AKIDFILE\naws_secret_access_key = " CANARY "\n",
	      "[profile conf]\naws_access_key_id = AKIDCONF\naws_secret_access_key = "
	      CANARY "c\n[profile bare]\nregion = us-east-1\n");
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/creds", 1);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", CANARY "auth", 1);
	LD_REQUIRE(resolve(&cfg, NULL) == 0);
	LD_CHECK_INT(cfg.provider.kind, LD_PROVIDER_CONTAINER);
	LD_CHECK_STR(cfg.provider.url, "http://127.0.0.1:9/creds");
	LD_CHECK_STR(cfg.provider.url_from, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
	LD_CHECK_STR(cfg.provider.auth_token, CANARY "auth");
	LD_CHECK(cfg.provider.auth_token_file == NULL);
	LD_CHECK_STR(cfg.source, "container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI)");
	ld_aws_config_dispose(&cfg);
	/* The relative URI wins and goes to 169.254.170.2; the token file is kept too. */
	setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/id", 1);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/var/run/pod-token", 1);
	LD_REQUIRE(resolve(&cfg, NULL) == 0);
	LD_CHECK_STR(cfg.provider.url, "http://169.254.170.2/v2/credentials/id");
	LD_CHECK_STR(cfg.provider.url_from, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	LD_CHECK_STR(cfg.provider.auth_token_file, "/var/run/pod-token");
	ld_aws_config_dispose(&cfg);
	/* Profile keys from either file come first; --profile does not skip the container. */
	LD_REQUIRE(resolve(&cfg, "keys") == 0);
	LD_CHECK_INT(cfg.provider.kind, LD_PROVIDER_STATIC);
	ld_aws_config_dispose(&cfg);
	LD_REQUIRE(resolve(&cfg, "conf") == 0);
	LD_CHECK_STR(cfg.base.access_key_id, "AKIDCONF");
	ld_aws_config_dispose(&cfg);
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", CANARY "env", 1);
	LD_REQUIRE(resolve(&cfg, "bare") == 0);
	LD_CHECK_INT(cfg.provider.kind, LD_PROVIDER_CONTAINER);
	ld_aws_config_dispose(&cfg);
	/* The container comes before instance metadata. */
	unsetenv("AWS_EC2_METADATA_DISABLED");
	LD_REQUIRE(resolve(&cfg, "bare") == 0);
	LD_CHECK_INT(cfg.provider.kind, LD_PROVIDER_CONTAINER);
	teardown(&cfg);
}

static void test_profile__instance_metadata(void)
{
	ld_aws_config cfg;
	setup(NULL, "[profile v6]\nec2_metadata_service_endpoint_mode = ipv6\n"
		    "ec2_metadata_v1_disabled = true\nmetadata_service_timeout = 3\n"
		    "metadata_service_num_attempts = 2\n"
		    "[profile custom]\nec2_metadata_service_endpoint = http://127.0.0.1:8/\n"
		    "[profile badmode]\nec2_metadata_service_endpoint_mode = ipv5\n"
		    "[profile badtimeout]\nmetadata_service_timeout = soon\n"
		    "[profile badurl]\nec2_metadata_service_endpoint = 169.254.169.254\n");
	unsetenv("AWS_EC2_METADATA_DISABLED");
	/* The last resort: it remembers where else was looked, for "no credentials found". */
	LD_REQUIRE(resolve(&cfg, NULL) == 0);
	LD_CHECK_INT(cfg.provider.kind, LD_PROVIDER_IMDS);
	LD_CHECK_STR(cfg.provider.imds_endpoint, "http://169.254.169.254");
	LD_CHECK(!cfg.provider.imds_v1_disabled);
	LD_CHECK_INT(cfg.provider.timeout_ms, 0);
	LD_CHECK_INT(cfg.provider.attempts, 0);
	LD_REQUIRE(cfg.provider.looked != NULL);
	LD_CHECK(strstr(cfg.provider.looked, "AWS_ACCESS_KEY_ID") != NULL);
	LD_CHECK(strstr(cfg.provider.looked, ".aws/credentials") != NULL);
	LD_CHECK_STR(cfg.source, "ec2 instance metadata");
	ld_aws_config_dispose(&cfg);
	/* Settings from the profile... */
	LD_REQUIRE(resolve(&cfg, "v6") == 0);
	LD_CHECK_STR(cfg.provider.imds_endpoint, "http://[fd00:ec2::254]");
	LD_CHECK(cfg.provider.imds_v1_disabled);
	LD_CHECK_INT(cfg.provider.timeout_ms, 3000);
	LD_CHECK_INT(cfg.provider.attempts, 2);
	LD_CHECK(strstr(cfg.provider.looked, "--profile skips the environment") != NULL);
	ld_aws_config_dispose(&cfg);
	LD_REQUIRE(resolve(&cfg, "custom") == 0);
	LD_CHECK_STR(cfg.provider.imds_endpoint, "http://127.0.0.1:8");
	ld_aws_config_dispose(&cfg);
	/* ... and the environment, which wins. */
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://localhost:1338", 1);
	setenv("AWS_EC2_METADATA_V1_DISABLED", "false", 1);
	setenv("AWS_METADATA_SERVICE_TIMEOUT", "5", 1);
	LD_REQUIRE(resolve(&cfg, "v6") == 0);
	LD_CHECK_STR(cfg.provider.imds_endpoint, "http://localhost:1338");
	LD_CHECK(!cfg.provider.imds_v1_disabled);
	LD_CHECK_INT(cfg.provider.timeout_ms, 5000);
	ld_aws_config_dispose(&cfg);
	LD_CHECK_INT(resolve(&cfg, "badmode"), LD_EUSAGE);
	CHECK_MSG("ec2_metadata_service_endpoint_mode");
	setenv("AWS_METADATA_SERVICE_TIMEOUT", "soon", 1);
	LD_CHECK_INT(resolve(&cfg, "custom"), LD_EUSAGE);
	CHECK_MSG("AWS_METADATA_SERVICE_TIMEOUT");
	unsetenv("AWS_METADATA_SERVICE_TIMEOUT");
	LD_CHECK_INT(resolve(&cfg, "badtimeout"), LD_EUSAGE);
	CHECK_MSG("metadata_service_timeout");
	unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	LD_CHECK_INT(resolve(&cfg, "badurl"), LD_EUSAGE);
	CHECK_MSG("ec2_metadata_service_endpoint");
	/* Disabled: the plain "no credentials" error, which says so. */
	setenv("AWS_EC2_METADATA_DISABLED", "TRUE", 1);
	LD_CHECK_INT(resolve(&cfg, NULL), LD_EAUTH);
	CHECK_MSG("no aws credentials found");
	CHECK_MSG("AWS_EC2_METADATA_DISABLED");
	teardown(&cfg);
}

static void test_profile__missing_profile(void)
{
	ld_aws_config cfg;
	setup(creds_file, "[profile dev]\nregion = us-west-2\n");
	LD_CHECK_INT(resolve(&cfg, "nope"), LD_EUSAGE);
	CHECK_MSG("profile 'nope' not found");
	CHECK_MSG(cred_path);
	CHECK_MSG(conf_path);
	setenv("AWS_PROFILE", "gone", 1);
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", CANARY "env", 1);
	LD_CHECK_INT(resolve(&cfg, NULL), LD_EUSAGE);
	CHECK_MSG("profile 'gone' not found");
	teardown(&cfg);
}

static void test_profile__no_credentials(void)
{
	ld_aws_config cfg;
	setup(NULL, NULL);
	LD_CHECK_INT(resolve(&cfg, NULL), LD_EAUTH);
	CHECK_MSG("no aws credentials found");
	CHECK_MSG("AWS_ACCESS_KEY_ID");
	CHECK_MSG(home);
	CHECK_MSG(".aws/credentials");
	CHECK_MSG(".aws/config");
	LD_CHECK(cfg.profile == NULL && cfg.source == NULL);
	teardown(&cfg);

	/* A profile with settings but no keys. */
	setup(NULL, "[profile dev]\nregion = us-west-2\n");
	LD_CHECK_INT(resolve(&cfg, "dev"), LD_EAUTH);
	CHECK_MSG("profile 'dev'");
	teardown(&cfg);
}

static void test_profile__region_precedence(void)
{
	ld_aws_config cfg;
	ld_aws_opts opts = LD_AWS_OPTS_INIT;
	setup(creds_file, "[default]\nregion = from-profile\n");
	LD_REQUIRE(ld_aws_config_resolve(&cfg, &opts) == 0);
	LD_CHECK_STR(cfg.region, "from-profile");
	ld_aws_config_dispose(&cfg);
	setenv("AWS_DEFAULT_REGION", "from-default-env", 1);
	LD_REQUIRE(ld_aws_config_resolve(&cfg, &opts) == 0);
	LD_CHECK_STR(cfg.region, "from-default-env");
	ld_aws_config_dispose(&cfg);
	setenv("AWS_REGION", "from-env", 1);
	LD_REQUIRE(ld_aws_config_resolve(&cfg, &opts) == 0);
	LD_CHECK_STR(cfg.region, "from-env");
	ld_aws_config_dispose(&cfg);
	opts.region = "from-opts";
	LD_REQUIRE(ld_aws_config_resolve(&cfg, &opts) == 0);
	LD_CHECK_STR(cfg.region, "from-opts");
	ld_aws_config_dispose(&cfg);
	LD_REQUIRE(resolve(&cfg, "dev") == 0 && cfg.region != NULL);
	ld_aws_config_dispose(&cfg);
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	LD_REQUIRE(resolve(&cfg, "dev") == 0);
	LD_CHECK(cfg.region == NULL);
	teardown(&cfg);
}

static const char endpoint_conf[] =
	"[default]\n"
	"endpoint_url = https://profile.example\n"
	"services = local\n"
	"[services local]\n"
	"lambda =\n"
	"  endpoint_url = https://services-lambda.example\n"
	"sts =\n"
	"  endpoint_url = https://services-sts.example\n"
	"[profile plain]\n"
	"endpoint_url = https://plain.example\n"
	"[profile stsonly]\n"
	"services = stsonly\n"
	"endpoint_url = https://stsonly-profile.example\n"
	"[services stsonly]\n"
	"sts =\n"
	"  endpoint_url = https://stsonly-sts.example\n"
	"[profile dangling]\nservices = missing\n"
	"[profile flat]\nservices = flat\n"
	"[services flat]\nlambda = https://flat.example\n"
	"[profile ignoring]\nendpoint_url = https://ignored.example\n"
	"ignore_configured_endpoint_urls = true\n";

static void test_profile__endpoint_precedence(void)
{
	ld_aws_config cfg;
	ld_aws_opts opts = LD_AWS_OPTS_INIT;
	setup(creds_file, endpoint_conf);
	LD_REQUIRE(ld_aws_config_resolve(&cfg, &opts) == 0);
	LD_CHECK_STR(cfg.endpoint_url, "https://services-lambda.example");
	LD_CHECK_STR(cfg.sts_endpoint_url, "https://services-sts.example");
	ld_aws_config_dispose(&cfg);
	setenv("AWS_ENDPOINT_URL", "https://global-env.example", 1);
	LD_REQUIRE(ld_aws_config_resolve(&cfg, &opts) == 0);
	LD_CHECK_STR(cfg.endpoint_url, "https://global-env.example");
	LD_CHECK_STR(cfg.sts_endpoint_url, "https://global-env.example");
	ld_aws_config_dispose(&cfg);
	setenv("AWS_ENDPOINT_URL_LAMBDA", "https://lambda-env.example", 1);
	setenv("AWS_ENDPOINT_URL_STS", "https://sts-env.example", 1);
	LD_REQUIRE(ld_aws_config_resolve(&cfg, &opts) == 0);
	LD_CHECK_STR(cfg.endpoint_url, "https://lambda-env.example");
	LD_CHECK_STR(cfg.sts_endpoint_url, "https://sts-env.example");
	ld_aws_config_dispose(&cfg);
	/* --endpoint-url is for Lambda only. */
	opts.endpoint_url = "http://localhost:5000";
	LD_REQUIRE(ld_aws_config_resolve(&cfg, &opts) == 0);
	LD_CHECK_STR(cfg.endpoint_url, "http://localhost:5000");
	LD_CHECK_STR(cfg.sts_endpoint_url, "https://sts-env.example");
	ld_aws_config_dispose(&cfg);
	/* The ignore flag drops every configured endpoint but keeps --endpoint-url. */
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE", 1);
	LD_REQUIRE(ld_aws_config_resolve(&cfg, &opts) == 0);
	LD_CHECK_STR(cfg.endpoint_url, "http://localhost:5000");
	LD_CHECK(cfg.sts_endpoint_url == NULL);
	ld_aws_config_dispose(&cfg);
	opts.endpoint_url = NULL;
	LD_REQUIRE(ld_aws_config_resolve(&cfg, &opts) == 0);
	LD_CHECK(cfg.endpoint_url == NULL);
	teardown(&cfg);
}

static void test_profile__endpoint_profile_sources(void)
{
	ld_aws_config cfg;
	setup(creds_file, endpoint_conf);
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", CANARY "env", 1);
	setenv("AWS_PROFILE", "plain", 1);
	LD_REQUIRE(resolve(&cfg, NULL) == 0);
	LD_CHECK_STR(cfg.endpoint_url, "https://plain.example");
	LD_CHECK_STR(cfg.sts_endpoint_url, "https://plain.example");
	ld_aws_config_dispose(&cfg);
	setenv("AWS_PROFILE", "stsonly", 1);
	LD_REQUIRE(resolve(&cfg, NULL) == 0);
	LD_CHECK_STR(cfg.endpoint_url, "https://stsonly-profile.example");
	LD_CHECK_STR(cfg.sts_endpoint_url, "https://stsonly-sts.example");
	ld_aws_config_dispose(&cfg);
	setenv("AWS_PROFILE", "ignoring", 1);
	LD_REQUIRE(resolve(&cfg, NULL) == 0);
	LD_CHECK(cfg.endpoint_url == NULL && cfg.sts_endpoint_url == NULL);
	ld_aws_config_dispose(&cfg);
	/* The environment's "false" overrides the profile's "true". */
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false", 1);
	LD_REQUIRE(resolve(&cfg, NULL) == 0);
	LD_CHECK_STR(cfg.endpoint_url, "https://ignored.example");
	ld_aws_config_dispose(&cfg);
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	setenv("AWS_PROFILE", "dangling", 1);
	LD_CHECK_INT(resolve(&cfg, NULL), LD_EUSAGE);
	CHECK_MSG("[services missing]");
	setenv("AWS_PROFILE", "flat", 1);
	LD_CHECK_INT(resolve(&cfg, NULL), LD_EUSAGE);
	CHECK_MSG("indented");
	/* The env endpoint means the services section is never consulted. */
	setenv("AWS_ENDPOINT_URL", "https://global-env.example", 1);
	LD_REQUIRE(resolve(&cfg, NULL) == 0);
	LD_CHECK_STR(cfg.endpoint_url, "https://global-env.example");
	teardown(&cfg);
}

static void test_profile__ca_bundle_and_attempts(void)
{
	ld_aws_config cfg;
	ld_aws_opts opts = LD_AWS_OPTS_INIT;
	char want[128];
	setup(creds_file, "[default]\nca_bundle = ~/certs/ca.pem\nmax_attempts = 7\n"
			  "[profile bad]\nmax_attempts = lots\n");
	LD_REQUIRE(ld_aws_config_resolve(&cfg, &opts) == 0);
	snprintf(want, sizeof(want), "%s/certs/ca.pem", home);
	LD_CHECK_STR(cfg.ca_bundle, want);
	LD_CHECK_INT(cfg.max_attempts, 7);
	ld_aws_config_dispose(&cfg);
	setenv("AWS_CA_BUNDLE", "/etc/ssl/env.pem", 1);
	setenv("AWS_MAX_ATTEMPTS", "3", 1);
	LD_REQUIRE(ld_aws_config_resolve(&cfg, &opts) == 0);
	LD_CHECK_STR(cfg.ca_bundle, "/etc/ssl/env.pem");
	LD_CHECK_INT(cfg.max_attempts, 3);
	ld_aws_config_dispose(&cfg);
	opts.max_attempts = 9;
	LD_REQUIRE(ld_aws_config_resolve(&cfg, &opts) == 0);
	LD_CHECK_INT(cfg.max_attempts, 9);
	ld_aws_config_dispose(&cfg);
	setenv("AWS_MAX_ATTEMPTS", "0", 1);
	opts.max_attempts = 0;
	LD_CHECK_INT(ld_aws_config_resolve(&cfg, &opts), LD_EUSAGE);
	CHECK_MSG("AWS_MAX_ATTEMPTS");
	unsetenv("AWS_MAX_ATTEMPTS");
	unsetenv("AWS_CA_BUNDLE");
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", CANARY "env", 1);
	setenv("AWS_PROFILE", "bad", 1);
	LD_CHECK_INT(ld_aws_config_resolve(&cfg, &opts), LD_EUSAGE);
	CHECK_MSG("max_attempts");
	unsetenv("AWS_PROFILE");
	LD_REQUIRE(ld_aws_config_resolve(&cfg, &opts) == 0);
	teardown(&cfg);
}

/* Each malformed file fails with LD_EUSAGE naming the file and the line. */
static void expect_malformed(int line, const char *text, const char *want)
{
	ld_aws_config cfg;
	char where[96];
	setup(NULL, text);
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", CANARY "env", 1);
	if (resolve(&cfg, NULL) != LD_EUSAGE)
		ld_test_fail(__FILE__, line, "malformed config accepted");
	snprintf(where, sizeof(where), "'%s' %s", conf_path, want);
	check_msg(line, where);
	teardown(&cfg);
}

static void test_profile__malformed_files(void)
{
	expect_malformed(__LINE__, "aws_secret_access_key = " CANARY "\n[default]\n", "line 1");
	expect_malformed(__LINE__, "[default]\n" CANARY "\n", "line 2: expected 'key = value'");
	expect_malformed(__LINE__, "[default]\nregion = a\n[default " CANARY "\n", "line 3");
	expect_malformed(__LINE__, "[default]\nx = " CANARY "\nX = " CANARY "\n",
			 "line 3: key repeats the one on line 2");
	expect_malformed(__LINE__, "[default]\n\n[default]\n", "line 3: section repeats");
	expect_malformed(__LINE__, "[default]\n= " CANARY "\n", "line 2");
	expect_malformed(__LINE__, "[ ]\n", "line 1: empty section name");
	expect_malformed(__LINE__, "# c\n[services s]\nlambda =\n  " CANARY "\n",
			 "line 4: expected 'key = value' in the block under line 3");
}

static void test_profile__file_bounds(void)
{
	ld_aws_config cfg;
	char *big = malloc(LD_INI_FILE_MAX + 64);
	char where[96];

	LD_REQUIRE(big != NULL);
	memset(big, '#', LD_INI_LINE_MAX + 1);
	strcpy(big + LD_INI_LINE_MAX + 1, "\n");
	expect_malformed(__LINE__, big, "line 1: line is longer than");

	/* Many short comment lines: fine below the file limit, refused above it. */
	for (size_t i = 0; i < LD_INI_FILE_MAX; i += 64) {
		memset(big + i, ';', 63);
		big[i + 63] = '\n';
	}
	big[LD_INI_FILE_MAX] = '\0';
	setup(big, NULL);
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", CANARY "env", 1);
	LD_CHECK_INT(resolve(&cfg, NULL), 0);
	ld_aws_config_dispose(&cfg);
	teardown(&cfg);
	strcpy(big + LD_INI_FILE_MAX, "#\n");
	setup(big, NULL);
	LD_CHECK_INT(resolve(&cfg, NULL), LD_EUSAGE);
	snprintf(where, sizeof(where), "'%s' is larger than", cred_path);
	CHECK_MSG(where);
	teardown(&cfg);
	free(big);

	/* A directory is an error; /dev/null is an empty file. */
	setup(NULL, NULL);
	setenv("AWS_CONFIG_FILE", "/tmp", 1);
	LD_CHECK_INT(resolve(&cfg, NULL), LD_EUSAGE);
	CHECK_MSG("'/tmp' is a directory, not an aws config or credentials file");
	setenv("AWS_CONFIG_FILE", "/dev/null", 1);
	LD_CHECK_INT(resolve(&cfg, NULL), LD_EAUTH);
	CHECK_MSG("'/dev/null'");
	teardown(&cfg);
}

static void test_ini__syntax(void)
{
	ld_ini ini;
	const ld_ini_section *s;
	const char text[] =
		"\xef\xbb\xbf# leading comment\r\n"
		"[Default] ; trailing text after the bracket is ignored\r\n"
		"  ; indented comment\n"
		"Region: us-east-1\n"
		"note = a # not a comment\n"
		"multi = first\n"
		"    second\n"
		"s3 =\n"
		"   addressing_style = path\n"
		"\n"
		"   Signature_Version=s3v4\n"
		"   addressing_style = virtual\n"
		"arn = arn:aws:iam::1:role/x\n"
		"empty =\n";

	LD_REQUIRE(ld_ini_parse(&ini, text, sizeof(text) - 1, "mem") == 0);
	LD_REQUIRE(ini.nsections == 1);
	LD_CHECK(ld_ini_section_find(&ini, "default") == NULL);
	LD_REQUIRE((s = ld_ini_section_find(&ini, "Default")) != NULL);
	LD_CHECK_STR(ld_ini_get(s, "region"), "us-east-1");
	LD_CHECK_STR(ld_ini_get(s, "REGION"), "us-east-1");
	LD_CHECK_STR(ld_ini_get(s, "note"), "a # not a comment");
	LD_CHECK_STR(ld_ini_get(s, "multi"), "first\nsecond");
	LD_CHECK_STR(ld_ini_get(s, "s3"), "");
	LD_CHECK_STR(ld_ini_sub_get(s, "s3", "signature_version"), "s3v4");
	LD_CHECK_STR(ld_ini_sub_get(s, "s3", "addressing_style"), "virtual");
	LD_CHECK_STR(ld_ini_get(s, "arn"), "arn:aws:iam::1:role/x");
	LD_CHECK_STR(ld_ini_get(s, "empty"), "");
	LD_CHECK(ld_ini_get(s, "missing") == NULL);
	LD_CHECK(ld_ini_sub_get(s, "region", "x") == NULL);
	LD_CHECK(ld_ini_get(NULL, "region") == NULL);
	ld_ini_dispose(&ini);
	ld_ini_dispose(&ini);

	LD_CHECK_INT(ld_ini_parse(&ini, "[a]\nk = x\0" CANARY "\n", 16, "mem"), LD_EUSAGE);
	CHECK_MSG("'mem' line 2: contains a NUL byte");
	ld_ini_dispose(&ini);
	LD_CHECK_INT(ld_ini_parse(&ini, "[a]\n  k = 1\n  j = 2\n", 20, "mem"), 0);
	LD_CHECK_STR(ld_ini_get(ld_ini_section_find(&ini, "a"), "j"), "2");
	ld_ini_dispose(&ini);
}

static void test_profile__dispose_accepts_empty(void)
{
	ld_aws_config cfg;
	ld_credentials c;
	ld_ini ini;
	memset(&cfg, 0, sizeof(cfg));
	memset(&c, 0, sizeof(c));
	memset(&ini, 0, sizeof(ini));
	ld_aws_config_dispose(&cfg);
	ld_aws_config_dispose(NULL);
	ld_credentials_dispose(&c);
	ld_credentials_dispose(NULL);
	ld_ini_dispose(&ini);
	ld_ini_dispose(NULL);
	LD_CHECK_INT(ld_ini_load(&ini, "/nonexistent/ld-config"), LD_ENOTFOUND);
	LD_CHECK_STR(ini.path, "/nonexistent/ld-config");
	ld_ini_dispose(&ini);
}

const ld_test ld_tests[] = {
	LD_TEST(test_profile__env_wins_over_files),
	LD_TEST(test_profile__explicit_profile_skips_env),
	LD_TEST(test_profile__aws_profile_keeps_env),
	LD_TEST(test_profile__credentials_file_before_config_file),
	LD_TEST(test_profile__partial_keys_in_file),
	LD_TEST(test_profile__section_naming),
	LD_TEST(test_profile__default_paths_under_home),
	LD_TEST(test_profile__role_chain_two_levels),
	LD_TEST(test_profile__role_chain_variants),
	LD_TEST(test_profile__role_chain_errors),
	LD_TEST(test_profile__credential_source),
	LD_TEST(test_profile__unsupported_sources),
	LD_TEST(test_profile__web_identity),
	LD_TEST(test_profile__credential_process),
	LD_TEST(test_profile__container),
	LD_TEST(test_profile__instance_metadata),
	LD_TEST(test_profile__missing_profile),
	LD_TEST(test_profile__no_credentials),
	LD_TEST(test_profile__region_precedence),
	LD_TEST(test_profile__endpoint_precedence),
	LD_TEST(test_profile__endpoint_profile_sources),
	LD_TEST(test_profile__ca_bundle_and_attempts),
	LD_TEST(test_profile__malformed_files),
	LD_TEST(test_profile__file_bounds),
	LD_TEST(test_ini__syntax),
	LD_TEST(test_profile__dispose_accepts_empty),
	{ NULL, NULL }
};
