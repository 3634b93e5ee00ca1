/* The estate's plan and collection (src/aws/estate.c, lambdrift/estate.h) over the
 * scripted transport (script.h), answering by URL: regions (a list collected once each,
 * "all" of the partition, the session's), the base session kept for every account; an
 * account list, its exclusions (noted) and this shard's share, one role session each
 * assuming the role named by --role-name or the template; the organisation's ACTIVE
 * accounts with the others noted; and failing closed: an organisation that cannot be
 * listed leaves an incomplete inventory saying why and collects nothing, bad options are
 * usage errors naming the option before any request, no account at all is an error, not
 * an empty clean run, a failed region is a problem while the others are kept. */
#include <stdlib.h>
#include <string.h>

#include "aws/pool.h"
#include "aws/session.h"
#include "harness.h"
#include "script.h"
#include "lambdrift/aws.h"
#include "lambdrift/errors.h"
#include "lambdrift/estate.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define ARN "arn:aws:lambda:us-east-1:123456789012:function:"
#define FN(name) \
	"{\"FunctionName\":\"" name "\",\"FunctionArn\":\"" ARN name "\",\"Version\":" \
	"\"$LATEST\",\"Runtime\":\"python3.12\",\"Handler\":\"app.h\",\"CodeSha256\":" \
	"\"YFgDgEKG3ugvF1+pX64gV6tu9qNuIYNUdgJm8nCxsm4=\",\"MemorySize\":128,\"Timeout\":3," \
	"\"PackageType\":\"Zip\",\"LastModified\":\"2024-01-01T00:00:00.000+0000\"}"
#define ASSUMED \
	"<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE" \
	"</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>" \
	"<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult>" \
	"</AssumeRoleResponse>"

/* A role session's transport in the pool: the test's one script, borrowed (the pool runs
 * one request at a time on one thread with these seams). */
typedef struct {
	ld_transport base;
	ld_script *script;
} borrowed;

static int borrowed_send(ld_transport *t, const ld_http_request *req, ld_http_response *resp)
{
	ld_script *s = ((borrowed *)t)->script;
	return s->base.send(&s->base, req, resp);
}

static void borrowed_free(ld_transport *t)
{
	free(t);
}

static int borrowed_new(void *ctx, ld_transport **out, ld_aws_session *s)
{
	borrowed *b = calloc(1, sizeof(*b));

	(void)s;
	if (!b)
		return ld_error_oom();
	b->base.send = borrowed_send;
	b->base.free = borrowed_free;
	b->script = ctx;
	*out = &b->base;
	return 0;
}

/* Lambda answered by URL: `functions` listed in every region, no aliases, mappings or
 * policies; anything else (STS) gets AssumeRole's answer. */
static ld_script *lambda(const char *functions)
{
	ld_script *f = ld_script_new();

	f->routes = true;
	ld_script_add(f, (ld_script_step){ .url_has = "FunctionVersion=ALL", .status = 200,
					   .body = functions });
	ld_script_add(f, (ld_script_step){ .url_has = "/event-source-mappings", .status = 200,
					   .body = "{\"EventSourceMappings\":[]}" });
	ld_script_add(f, (ld_script_step){ .url_has = "/aliases", .status = 200,
					   .body = "{\"Aliases\":[]}" });
	ld_script_add(f, (ld_script_step){ .url_has = "/policy", .status = 404,
					   .error_type = "ResourceNotFoundException",
					   .body = "{\"Message\":\"no policy\"}" });
	f->fallback = (ld_script_step){ .status = 200, .body = ASSUMED };
	return f;
}

typedef struct {
	ld_script *f;
	ld_aws_session *base;
	ld_inventory inv;
	ld_estate e;
	ld_estate_opts o;
	ld_collect_seams seams;
} run;

static void run_init(run *r, ld_script *f)
{
	ld_retry_policy p = ld_script_unpaced(1);
	ld_aws_config cfg;
	ld_estate_opts o = LD_ESTATE_OPTS_INIT;

	memset(r, 0, sizeof(*r));
	r->f = f;
	r->o = o;
	ld_inventory_init(&r->inv);
	ld_script_config(&cfg, "us-east-1", SECRET);
	cfg.org_endpoint_url = strdup("http://127.0.0.1:5001");
	LD_REQUIRE(ld_aws_session__new_with(&r->base, NULL, &cfg, &f->base, &p) == 0);
	r->seams.transport_new = borrowed_new;
	r->seams.transport_ctx = f;
	r->seams.session_transport = true;
}

static int run_collect(run *r)
{
	return ld_collect_estate__with(&r->e, &r->inv, r->base, &r->o, &r->seams);
}

static void run_dispose(run *r)
{
	ld_estate_dispose(&r->e);
	ld_estate_dispose(&r->e); /* twice: the zeroed struct is accepted */
	ld_inventory_dispose(&r->inv);
	ld_aws_session_free(r->base);
}

static size_t count_body(const ld_script *f, const char *what)
{
	size_t n = 0;
	for (size_t i = 0; i < f->next && i < LD_SCRIPT_MAX; i++)
		n += f->body[i] && strstr(f->body[i], what);
	return n;
}

static bool noted(const ld_inventory *inv, const char *line)
{
	for (size_t i = 0; i < inv->nnotes; i++)
		if (!strcmp(inv->notes[i], line))
			return true;
	return false;
}

static void test_estate__regions_of_the_base_session(void)
{
	const char *regions[] = { "eu-west-1", "us-east-1", "eu-west-1" };
	const char *globs[] = { "app-*" };
	run r;

	run_init(&r, lambda("{\"Functions\":[" FN("app-a") "," FN("tool-b") "]}"));
	r.o.regions = regions;
	r.o.nregions = 3;
	r.o.pool.collect.function_globs = globs;
	r.o.pool.collect.nglobs = 1;
	LD_CHECK_INT(run_collect(&r), 0);
	LD_CHECK(r.inv.complete);
	/* the repeated region is collected once */
	LD_REQUIRE(r.e.ntargets == 2);
	LD_CHECK_STR(r.e.targets[0].region, "eu-west-1");
	LD_CHECK_STR(r.e.targets[1].region, "us-east-1");
	LD_CHECK(r.e.targets[0].account == NULL && r.e.targets[0].session == r.base);
	LD_CHECK_INT(ld_script_count(r.f, "FunctionVersion=ALL"), 2);
	/* the base session serves every account after collecting */
	LD_REQUIRE(r.e.naccounts == 1);
	LD_CHECK(r.e.sessions[0] == r.base && r.e.accounts == NULL);
	LD_CHECK_INT(r.e.error, 0);
	/* the globs are applied after collecting: tool-b is gone */
	LD_REQUIRE(r.inv.nfunctions == 2);
	LD_CHECK_STR(r.inv.functions[0].name, "app-a");
	LD_CHECK_STR(r.inv.functions[0].region, "eu-west-1");
	LD_CHECK_STR(r.inv.functions[1].region, "us-east-1");
	LD_CHECK_INT(r.inv.calls.sts, 0);
	run_dispose(&r);
}

static void test_estate__session_region_and_all(void)
{
	const char *all[] = { "all" };
	const char *const *partition;
	size_t nregions = 0;
	run r;

	run_init(&r, lambda("{\"Functions\":[]}"));
	LD_CHECK_INT(run_collect(&r), 0);
	LD_REQUIRE(r.e.ntargets == 1);
	LD_CHECK(r.e.targets[0].region == NULL); /* the session's */
	run_dispose(&r);

	LD_REQUIRE(ld_aws_partition_regions(&partition, &nregions, "aws") == 0);
	run_init(&r, lambda("{\"Functions\":[]}"));
	r.o.regions = all;
	r.o.nregions = 1;
	LD_CHECK_INT(run_collect(&r), 0);
	LD_CHECK(nregions > 10);
	LD_REQUIRE(r.e.ntargets == nregions);
	for (size_t i = 0; i < nregions; i++)
		LD_CHECK_STR(r.e.targets[i].region, partition[i]);
	run_dispose(&r);
}

static void test_estate__accounts_roles_and_exclusions(void)
{
	const char *regions[] = { "eu-west-1", "us-east-1" };
	const char *excluded[] = { "222222222222" };
	run r;

	run_init(&r, lambda("{\"Functions\":[]}"));
	r.o.regions = regions;
	r.o.nregions = 2;
	r.o.accounts = "111111111111,222222222222,333333333333";
	r.o.exclude_accounts = excluded;
	r.o.nexclude = 1;
	r.o.role_name = "Audit";
	r.o.external_id = "ext-7";
	LD_CHECK_INT(run_collect(&r), 0);
	LD_CHECK(r.inv.complete);
	LD_REQUIRE(r.e.naccounts == 2);
	LD_CHECK_STR(r.e.accounts[0], "111111111111");
	LD_CHECK_STR(r.e.accounts[1], "333333333333");
	LD_CHECK(r.e.sessions[0] && r.e.sessions[0] != r.base && r.e.sessions[1] != r.base);
	LD_CHECK(noted(&r.inv, "account 222222222222 left out: --exclude-account"));
	/* account × region, in the accounts' order */
	LD_REQUIRE(r.e.ntargets == 4);
	LD_CHECK_STR(r.e.targets[0].account, "111111111111");
	LD_CHECK_STR(r.e.targets[0].region, "eu-west-1");
	LD_CHECK_STR(r.e.targets[1].region, "us-east-1");
	LD_CHECK_STR(r.e.targets[3].account, "333333333333");
	LD_CHECK(r.e.targets[2].session == r.e.sessions[1]);
	/* one AssumeRole per account, of the named role, with the external id */
	LD_CHECK_INT(count_body(r.f, "Action=AssumeRole"), 2);
	LD_CHECK_INT(count_body(r.f, "arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2FAudit"), 1);
	LD_CHECK_INT(count_body(r.f, "arn%3Aaws%3Aiam%3A%3A333333333333%3Arole%2FAudit"), 1);
	LD_CHECK_INT(count_body(r.f, "222222222222"), 0);
	LD_CHECK_INT(count_body(r.f, "ExternalId=ext-7"), 2);
	LD_REQUIRE(r.inv.naccounts == 2);
	LD_CHECK_STR(r.inv.accounts[1], "333333333333");
	run_dispose(&r);
}

/* Of 3 shards, 333333333333 and 444444444444 are in shard 1, 111111111111, 222222222222,
 * 555555555555 and 666666666666 in shard 3 (ld_aws_account_shard; its own tests pin it). */
static void test_estate__shard(void)
{
	const char *excluded[] = { "111111111111", "444444444444" };
	run r;

	LD_REQUIRE(ld_aws_account_shard("333333333333", 3) == 1 &&
		   ld_aws_account_shard("444444444444", 3) == 1 &&
		   ld_aws_account_shard("111111111111", 3) == 3);
	run_init(&r, lambda("{\"Functions\":[]}"));
	r.o.accounts = "111111111111,222222222222,333333333333,444444444444,555555555555,"
		       "666666666666";
	r.o.exclude_accounts = excluded;
	r.o.nexclude = 2;
	r.o.role_arn_template = "arn:aws:iam::{account}:role/Scan";
	r.inv.shard_index = 1;
	r.inv.shard_count = 3;
	LD_CHECK_INT(run_collect(&r), 0);
	LD_REQUIRE(r.e.naccounts == 1);
	LD_CHECK_STR(r.e.accounts[0], "333333333333");
	/* an exclusion is noted by the shard it belongs to only */
	LD_CHECK_INT(r.inv.nnotes, 1);
	LD_CHECK(noted(&r.inv, "account 444444444444 left out: --exclude-account"));
	LD_CHECK_INT(count_body(r.f, "arn%3Aaws%3Aiam%3A%3A333333333333%3Arole%2FScan"), 1);
	LD_CHECK_INT(count_body(r.f, "Action=AssumeRole"), 1);
	run_dispose(&r);

	/* a shard with no account: nothing asked, complete and empty */
	LD_REQUIRE(ld_aws_account_shard("666666666666", 2) == 2);
	run_init(&r, lambda("{\"Functions\":[]}"));
	r.o.accounts = "666666666666";
	r.o.role_name = "Audit";
	r.inv.shard_index = 1;
	r.inv.shard_count = 2;
	LD_CHECK_INT(run_collect(&r), 0);
	LD_CHECK(r.inv.complete);
	LD_CHECK_INT(r.e.ntargets, 0);
	LD_CHECK_INT(r.e.naccounts, 0);
	LD_CHECK_INT(r.f->next, 0);
	run_dispose(&r);
}

static void test_estate__organisation(void)
{
	ld_script *f = lambda("{\"Functions\":[]}");
	run r;

	/* routes are tried in order: the organisation's endpoint before Lambda's */
	memmove(&f->steps[1], &f->steps[0], f->nsteps * sizeof(f->steps[0]));
	f->nsteps++;
	f->steps[0] = (ld_script_step){ .url_has = "127.0.0.1:5001", .status = 200, .body =
		"{\"Accounts\":[{\"Id\":\"333333333333\",\"State\":\"SUSPENDED\"},"
		"{\"Id\":\"111111111111\",\"State\":\"ACTIVE\"},"
		"{\"Id\":\"222222222222\",\"State\":\"PENDING_CLOSURE\"}]}" };
	run_init(&r, f);
	r.o.accounts = "org";
	r.o.role_name = "Audit";
	LD_CHECK_INT(run_collect(&r), 0);
	LD_CHECK(r.inv.complete);
	LD_CHECK_INT(r.inv.calls.organizations, 1);
	LD_REQUIRE(r.e.naccounts == 1);
	LD_CHECK_STR(r.e.accounts[0], "111111111111");
	LD_CHECK(noted(&r.inv, "account 222222222222 left out: PENDING_CLOSURE in the "
			       "organisation (--accounts org scans ACTIVE accounts)"));
	LD_CHECK(noted(&r.inv, "account 333333333333 left out: SUSPENDED in the organisation "
			       "(--accounts org scans ACTIVE accounts)"));
	LD_CHECK_INT(r.e.ntargets, 1);
	LD_CHECK_INT(count_body(r.f, "Action=AssumeRole"), 1);
	run_dispose(&r);
}

static void test_estate__organisation_not_listed(void)
{
	ld_script *f = ld_script_new();
	run r;

	/* every request is denied: only the listing is asked */
	f->routes = true;
	f->fallback = (ld_script_step){ .status = 400, .error_type = "AccessDeniedException",
					.body = "{\"Message\":\"You don't have permissions\"}" };
	run_init(&r, f);
	r.o.accounts = "org";
	r.o.role_name = "Audit";
	LD_CHECK_INT(run_collect(&r), 0);
	LD_CHECK_INT(r.e.error, LD_EAUTH);
	LD_CHECK(!strncmp(r.e.message, "--accounts org: cannot list the organisation's "
			  "accounts: ", 56));
	LD_CHECK(strstr(r.e.message, "organizations:ListAccounts") != NULL);
	/* fails closed: the inventory says why it holds nothing */
	LD_CHECK(!r.inv.complete);
	LD_REQUIRE(r.inv.nproblems == 1);
	LD_CHECK_STR(r.inv.problems[0], r.e.message);
	LD_CHECK(r.e.targets == NULL && r.e.ntargets == 0 && r.e.naccounts == 0);
	LD_CHECK_INT(r.f->next, 1);
	run_dispose(&r);
}

/* Each case: the options changed, the message's start. No request is made. */
static void test_estate__usage(void)
{
	static const struct {
		const char *accounts, *exclude, *role_name, *template_arn, *says;
	} cases[] = {
		{ "1234", NULL, "Audit", NULL, "--accounts" },
		{ "111111111111", "12", "Audit", NULL, "--exclude-account '12' is not a 12-digit" },
		{ "111111111111", NULL, NULL, "arn:aws:iam::1:role/NoPlaceholder",
		  "--role-arn-template" },
		{ "111111111111", NULL, "bad name!", NULL, "--role-name" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run r;
		int rc;

		run_init(&r, lambda("{\"Functions\":[]}"));
		r.o.accounts = cases[i].accounts;
		r.o.exclude_accounts = &cases[i].exclude;
		r.o.nexclude = cases[i].exclude ? 1 : 0;
		r.o.role_name = cases[i].role_name;
		r.o.role_arn_template = cases[i].template_arn;
		rc = run_collect(&r);
		if (rc != LD_EUSAGE || !strstr(ld_error_last()->message, cases[i].says))
			ld_test_fail(__FILE__, __LINE__, "case %zu: %d '%s'", i, rc,
				     ld_error_last()->message);
		/* no plan, nothing asked, nothing recorded */
		LD_CHECK(r.e.targets == NULL && r.e.sessions == NULL && r.e.error == 0);
		LD_CHECK_INT(r.f->next, 0);
		LD_CHECK(r.inv.complete && r.inv.nnotes == 0);
		run_dispose(&r);
	}
}

static void test_estate__no_account_left(void)
{
	const char *excluded[] = { "111111111111" };
	run r;

	run_init(&r, lambda("{\"Functions\":[]}"));
	r.o.accounts = "111111111111";
	r.o.exclude_accounts = excluded;
	r.o.nexclude = 1;
	r.o.role_name = "Audit";
	/* unsharded, an empty plan is an error, never a clean run */
	LD_CHECK_INT(run_collect(&r), LD_EUSAGE);
	LD_CHECK(strstr(ld_error_last()->message, "nothing to scan") != NULL);
	LD_CHECK(r.e.targets != NULL && r.e.ntargets == 0);
	LD_CHECK_INT(r.f->next, 0);
	run_dispose(&r);
}

static void test_estate__failed_region_is_a_problem(void)
{
	const char *regions[] = { "eu-west-1", "us-east-1" };
	ld_script *f = ld_script_new();
	run r;

	/* in order: eu-west-1's listing is denied, us-east-1 answers */
	ld_script_add(f, (ld_script_step){ .url_has = "FunctionVersion=ALL", .status = 403,
					   .error_type = "AccessDeniedException",
					   .body = "{\"Message\":\"denied\"}" });
	ld_script_add(f, (ld_script_step){ .url_has = "FunctionVersion=ALL", .status = 200,
					   .body = "{\"Functions\":[" FN("app-a") "]}" });
	ld_script_add(f, (ld_script_step){ .url_has = "/aliases", .status = 200,
					   .body = "{\"Aliases\":[]}" });
	ld_script_add(f, (ld_script_step){ .url_has = "/event-source-mappings", .status = 200,
					   .body = "{\"EventSourceMappings\":[]}" });
	ld_script_add(f, (ld_script_step){ .url_has = "/policy", .status = 404,
					   .error_type = "ResourceNotFoundException",
					   .body = "{}" });
	run_init(&r, f);
	r.o.regions = regions;
	r.o.nregions = 2;
	LD_CHECK_INT(run_collect(&r), 0);
	LD_CHECK(!r.inv.complete);
	LD_CHECK_INT(r.e.targets[0].error, LD_EAUTH);
	LD_CHECK(strstr(r.e.targets[0].message, "lambda:ListFunctions") != NULL);
	LD_CHECK_INT(r.e.targets[1].error, 0);
	LD_REQUIRE(r.inv.nproblems == 1);
	LD_CHECK(strstr(r.inv.problems[0], "eu-west-1") != NULL);
	LD_REQUIRE(r.inv.nfunctions == 1);
	LD_CHECK_STR(r.inv.functions[0].region, "us-east-1");
	LD_CHECK_INT(r.e.error, 0);
	run_dispose(&r);
}

const ld_test ld_tests[] = {
	LD_TEST(test_estate__regions_of_the_base_session),
	LD_TEST(test_estate__session_region_and_all),
	LD_TEST(test_estate__accounts_roles_and_exclusions),
	LD_TEST(test_estate__shard),
	LD_TEST(test_estate__organisation),
	LD_TEST(test_estate__organisation_not_listed),
	LD_TEST(test_estate__usage),
	LD_TEST(test_estate__no_account_left),
	LD_TEST(test_estate__failed_region_is_a_problem),
	{ NULL, NULL },
};
