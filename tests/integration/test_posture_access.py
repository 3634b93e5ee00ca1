#!/usr/bin/env python3
"""url-public, policy-public, concurrency-unbounded and trigger-unqualified (resource-policy
permissions and function URLs) on moto, seeded with the AWS CLI as a user grants access:
each fires exactly where anyone (or a service on behalf of any account) may invoke, or a
permission or URL names the unqualified ARN; the traps stay clean (`*` restricted by
aws:PrincipalOrgID, by aws:SourceAccount or by an exact aws:SourceArn, a service principal
with SourceArn and SourceAccount, an AWS_IAM URL on an alias no policy opens to `*`,
a NONE URL no permission opens, a public function with reserved concurrency, 0 included,
and the Bool lambda:InvokedViaFunctionUrl statement AWS adds to a public URL, which is
url-public's, not policy-public's nor a second trigger); an AWS_IAM URL `*` may sign for is
policy-public's (any AWS account's principals can call it). A permission on an alias is that alias's alone (the
launcher keeps a policy per qualifier, as Lambda does). The offline scan of the snapshot
agrees; with lambda:GetPolicy denied the run is incomplete (exit 3), names the permission and
reports nothing about who may invoke. An AWS_IAM URL on the unqualified ARN that no policy
names is seen with --all-urls (one more ListFunctionUrlConfigs per such function), not
without.
"""
import json
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402

RULES = ("url-public", "policy-public", "concurrency-unbounded", "trigger-unqualified")
ACCOUNT = stack.ACCOUNT
BUCKET = "arn:aws:s3:::orders-uploads"
TOPIC = f"arn:aws:sns:{stack.REGION}:{ACCOUNT}:orders"
RULE_ARN = f"arn:aws:events:{stack.REGION}:{ACCOUNT}:rule/nightly"

# (rule, function, qualifier, what): what is the statement id, or "url" for a URL's finding
EXPECTED = {
    ("url-public", "url-open", "$LATEST", "url"),
    ("concurrency-unbounded", "url-open", None, None),
    ("trigger-unqualified", "url-open", "$LATEST", "url"),
    ("url-public", "url-capped", "live", "url"),
    ("policy-public", "open-live", "live", "anyone"),
    ("concurrency-unbounded", "open-live", None, None),
    ("policy-public", "open-zero", "live", "anyone"),
    ("policy-public", "arn-wild", "live", "wild"),
    ("concurrency-unbounded", "arn-wild", None, None),
    ("policy-public", "sns-deputy", "live", "sns"),
    ("concurrency-unbounded", "sns-deputy", None, None),
    ("policy-public", "events-deputy", "live", "events"),
    ("concurrency-unbounded", "events-deputy", None, None),
    ("trigger-unqualified", "s3-unqualified", "$LATEST", "s3"),
    # AWS_IAM checks a signature, not whose: `*` lets every AWS account's principals in
    ("policy-public", "url-iam-star", "live", "url"),
    ("concurrency-unbounded", "url-iam-star", None, None),
}


def access(report):
    out = set()
    for f in report["findings"]:
        if f["rule"] not in RULES or f.get("evidence", {}).get("mapping_uuid"):
            continue
        ev = f.get("evidence") or {}
        what = "url" if ev.get("url") else ev.get("statement")
        out.add((f["rule"], f["function"], f.get("qualifier"), what))
    return out


def seed_functions(s):
    def fn(name, alias=True):
        s.create_function(name)
        if alias:
            s.create_alias(name, "live", s.publish(name))

    def perm(name, sid, principal, *opts, qualifier="live", action="lambda:InvokeFunction"):
        args = ["lambda", "add-permission", "--function-name", name, "--statement-id", sid,
                "--action", action, "--principal", principal, *opts]
        if qualifier:
            args += ["--qualifier", qualifier]
        s.aws(*args)

    def public_url(name, qualifier):
        # what the console does for AuthType NONE: the URL and AWS's two statements
        args = ["--qualifier", qualifier] if qualifier else []
        s.aws("lambda", "create-function-url-config", "--function-name", name,
              "--auth-type", "NONE", "--cors", '{"AllowOrigins":["*"]}', *args)
        perm(name, "FunctionURLAllowPublicAccess", "*", "--function-url-auth-type", "NONE",
             qualifier=qualifier, action="lambda:InvokeFunctionUrl")
        perm(name, "FunctionURLInvokeAllowPublicAccess", "*", "--invoked-via-function-url",
             qualifier=qualifier)

    def concurrency(name, n):
        s.aws("lambda", "put-function-concurrency", "--function-name", name,
              "--reserved-concurrent-executions", str(n))

    fn("url-open", alias=False)
    public_url("url-open", None)
    fn("url-capped")
    public_url("url-capped", "live")
    concurrency("url-capped", 10)
    fn("url-iam", alias=False)  # no policy names it: seen with --all-urls only
    s.aws("lambda", "create-function-url-config", "--function-name", "url-iam",
          "--auth-type", "AWS_IAM")
    fn("url-iam-live")
    s.aws("lambda", "create-function-url-config", "--function-name", "url-iam-live",
          "--qualifier", "live", "--auth-type", "AWS_IAM")
    fn("url-iam-star")  # AWS_IAM: not url-public, but any account may sign: policy-public
    s.aws("lambda", "create-function-url-config", "--function-name", "url-iam-star",
          "--qualifier", "live", "--auth-type", "AWS_IAM")
    perm("url-iam-star", "signed", "*", "--function-url-auth-type", "AWS_IAM",
         action="lambda:InvokeFunctionUrl")
    fn("url-closed")    # NONE, but no permission opens it: 403 to everyone
    s.aws("lambda", "create-function-url-config", "--function-name", "url-closed",
          "--qualifier", "live", "--auth-type", "NONE")

    fn("open-live")
    perm("open-live", "anyone", "*")
    fn("open-zero")
    perm("open-zero", "anyone", "*")
    concurrency("open-zero", 0)
    fn("org-live")
    perm("org-live", "org", "*", "--principal-org-id", "o-abcdef123456")
    fn("acct-live")
    perm("acct-live", "acct", "*", "--source-account", ACCOUNT)
    fn("arn-live")
    perm("arn-live", "arn", "*", "--source-arn", BUCKET)
    fn("arn-wild")
    perm("arn-wild", "wild", "*", "--source-arn", "arn:aws:s3:::orders-*")
    fn("s3-pinned")
    perm("s3-pinned", "s3", "s3.amazonaws.com", "--source-arn", BUCKET,
         "--source-account", ACCOUNT)
    fn("sns-deputy")
    perm("sns-deputy", "sns", "sns.amazonaws.com")
    fn("events-pinned")
    perm("events-pinned", "events", "events.amazonaws.com", "--source-arn", RULE_ARN,
         "--source-account", ACCOUNT)
    fn("events-deputy")
    perm("events-deputy", "events", "events.amazonaws.com")
    fn("s3-unqualified")
    perm("s3-unqualified", "s3", "s3.amazonaws.com", "--source-arn", BUCKET,
         "--source-account", ACCOUNT, qualifier=None)
    fn("no-policy")


class PostureAccess(stack.StackTestCase):
    @classmethod
    def seed(cls):
        seed_functions(cls.stack)

    def test_fires_exactly_and_snapshot_agrees(self):
        r = self.stack.scan()
        self.assertExit(r, 0, 1)
        self.assertTrue(r.json["run"]["complete"], msg=str(r))
        self.assertEqual(access(r.json), EXPECTED, msg=str(r))
        by = {(f["rule"], f["function"]): f for f in r.json["findings"]}
        url = by[("url-public", "url-open")]["evidence"]
        self.assertEqual(url["statement"], "FunctionURLAllowPublicAccess")
        self.assertTrue(url["cors_any_origin"])
        self.assertTrue(url["function_arn"].endswith(":function:url-open"), msg=url)
        self.assertTrue(by[("url-public", "url-capped")]["evidence"]["function_arn"]
                        .endswith(":function:url-capped:live"))
        self.assertEqual(by[("policy-public", "sns-deputy")]["evidence"]["principal"],
                         "sns.amazonaws.com")
        self.assertIn("confused deputy", by[("policy-public", "sns-deputy")]["message"])
        self.assertEqual(by[("policy-public", "open-live")]["evidence"]["principal"], "*")

        snap = Path(self.stack.tmp) / "access-snapshot.json"
        self.assertExit(self.stack.snapshot(snap), 0)
        off = self.stack.run("scan", "--inventory", snap, "--format", "json")
        self.assertExit(off, r.code)
        self.assertEqual(access(off.json), EXPECTED, msg=str(off))
        self.assertEqual(sorted(f["fingerprint"] for f in off.json["findings"]),
                         sorted(f["fingerprint"] for f in r.json["findings"]))

    def test_all_urls_sees_an_iam_url_no_policy_names(self):
        base = self.stack.scan()
        r = self.stack.scan("--all-urls")
        self.assertTrue(r.json["run"]["complete"], msg=str(r))
        unqualified_iam = ("trigger-unqualified", "url-iam", "$LATEST", "url")
        self.assertEqual(access(r.json), EXPECTED | {unqualified_iam}, msg=str(r))
        ev = [f for f in r.json["findings"] if f["function"] == "url-iam"
              and f["rule"] == "trigger-unqualified"][0]["evidence"]
        self.assertEqual(ev["auth_type"], "AWS_IAM")
        # one ListFunctionUrlConfigs more for each function whose policies name no URL
        # (all but url-open, url-capped and url-iam-star); none when the rule is skipped
        functions = r.json["summary"]["functions"]
        self.assertEqual(functions, 18)
        self.assertEqual(r.json["run"]["api_calls"]["control"],
                         base.json["run"]["api_calls"]["control"] + functions - 3)
        skip = self.stack.scan("--all-urls", "--skip-rule", "trigger-unqualified")
        self.assertEqual(skip.json["run"]["api_calls"]["control"],
                         base.json["run"]["api_calls"]["control"], msg=str(skip))
        snap = Path(self.stack.tmp) / "all-urls-snapshot.json"
        self.assertExit(self.stack.snapshot(snap, "--all-urls"), 0)
        off = self.stack.run("scan", "--inventory", snap, "--format", "json")
        self.assertEqual(access(off.json), EXPECTED | {unqualified_iam}, msg=str(off))

    def test_skipped_rules_are_not_read(self):
        # GetPolicy feeds these four rules alone: with all of them skipped, neither it nor
        # the URL and concurrency reads after it are made, nor the listing by name that
        # lets GetPolicy start early; without concurrency-unbounded, no GetFunction
        base = self.stack.scan()
        calls = base.json["run"]["api_calls"]
        self.assertGreater(calls["get_policy"], 0)
        self.assertGreater(calls["get_function"], 0)
        skip = self.stack.scan(*[a for rule in RULES for a in ("--skip-rule", rule)])
        self.assertTrue(skip.json["run"]["complete"], msg=str(skip))
        self.assertEqual(skip.json["run"]["api_calls"].get("get_policy", 0), 0, msg=str(skip))
        self.assertEqual(skip.json["run"]["api_calls"].get("get_function", 0), 0, msg=str(skip))
        self.assertLess(skip.json["run"]["api_calls"]["control"], calls["control"])
        self.assertEqual(skip.json["functions"], base.json["functions"])
        capped = self.stack.scan("--skip-rule", "concurrency-unbounded")
        self.assertEqual(capped.json["run"]["api_calls"].get("get_function", 0), 0,
                         msg=str(capped))
        self.assertEqual(capped.json["run"]["api_calls"]["get_policy"], calls["get_policy"])
        self.assertEqual(access(capped.json),
                         {f for f in EXPECTED if f[0] != "concurrency-unbounded"})

    def test_policies_are_per_qualifier(self):
        # what the collector reads: alias live's statement is live's alone
        out = self.stack.aws("lambda", "get-policy", "--function-name", "open-live",
                             "--qualifier", "live")
        self.assertIn('"anyone"', out["Policy"])
        p = self.stack.aws("lambda", "get-policy", "--function-name", "open-live", check=False)
        self.assertIsNone(p)


class PostureAccessDenied(stack.StackTestCase):
    """The scanner may list Lambda but not read resource policies: never clean."""
    auth = True

    @classmethod
    def seed(cls):
        s = cls.stack
        actions = [a for a in stack.SCAN_PERMISSIONS if a != "lambda:GetPolicy"]
        s.aws("iam", "create-user", "--user-name", "no-policy")
        key = s.aws("iam", "create-access-key", "--user-name", "no-policy")["AccessKey"]
        cls.key = (key["AccessKeyId"], key["SecretAccessKey"])
        s.aws("iam", "put-user-policy", "--user-name", "no-policy", "--policy-name", "scan",
              "--policy-document", json.dumps({
                  "Version": "2012-10-17",
                  "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}))
        s.create_function("open")
        s.aws("lambda", "add-permission", "--function-name", "open", "--statement-id",
              "anyone", "--action", "lambda:InvokeFunction", "--principal", "*")
        s.enable_auth()

    def test_get_policy_denied_is_incomplete_and_names_the_permission(self):
        r = self.stack.scan(env=self.stack.env(*self.key))
        self.assertExit(r, 3)
        self.assertFalse(r.json["run"]["complete"])
        problems = " ".join(r.json["run"]["problems"])
        self.assertIn("lambda:GetPolicy", problems, msg=str(r))
        self.assertIn("policy-public", problems)
        self.assertEqual(access(r.json), set(), msg=str(r))


if __name__ == "__main__":
    unittest.main()
