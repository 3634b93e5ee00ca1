#!/usr/bin/env python3
"""role-overprivileged, logging-denied and log-retention on moto, seeded with the AWS CLI as
an administrator would: an admin role (AdministratorAccess) and a whole service on * fire,
a role that cannot write its logs fires logging-denied, a log group kept forever fires
log-retention; the traps stay clean (AWS's execution policies AWSLambdaBasicExecutionRole,
AWSLambdaVPCAccessExecutionRole and AWSXRayDaemonWriteAccess, a role under a path, * under
a Condition, Allow * narrowed by a Deny NotAction, Allow * under a logs-only permissions
boundary, a group with a retention); Allow * under AWS's AWSXrayWriteOnlyAccess as a
boundary is those writes only, and cannot write logs. IAM is read with GetAccountAuthorizationDetails, once per account, and
the snapshot keeps only the functions' roles and their policies. The offline scan of the
snapshot agrees. With IAM or
Logs denied to the scanner the run is incomplete (exit 3), names the missing permission,
and reports nothing it could not check, unless --skip-rule leaves out the rules it feeds.
"""
import json
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402

AWS_POLICY = "arn:aws:iam::aws:policy/"
BASIC = AWS_POLICY + "service-role/AWSLambdaBasicExecutionRole"
VPC = AWS_POLICY + "service-role/AWSLambdaVPCAccessExecutionRole"
XRAY = AWS_POLICY + "AWSXRayDaemonWriteAccess"
ADMIN = AWS_POLICY + "AdministratorAccess"
# attached to no one: only a permissions boundary, which IAM's listing may leave out
XRAY_WRITE = AWS_POLICY + "AWSXrayWriteOnlyAccess"
POSTURE = ("role-overprivileged", "logging-denied", "log-retention")

EXPECTED = {
    ("role-overprivileged", "admin"),
    ("role-overprivileged", "s3-all"),
    ("logging-denied", "aws-bounded"),
    ("logging-denied", "no-logs"),
    ("log-retention", "basic"),
}


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


ALLOW_ALL = {"Effect": "Allow", "Action": "*", "Resource": "*"}


def posture(report):
    return {(f["rule"], f["function"]) for f in report["findings"] if f["rule"] in POSTURE}


def seed_role(s, name, attached=(), inline=None, path=None, boundary=None):
    """One execution role, through boto3 (bulk seeding: the AWS CLI takes a second a call)."""
    iam = s.boto("iam")
    args = {"RoleName": name, "AssumeRolePolicyDocument": stack.LAMBDA_TRUST}
    if path:
        args["Path"] = path
    if boundary:
        args["PermissionsBoundary"] = boundary
    arn = iam.create_role(**args)["Role"]["Arn"]
    for p in attached:
        iam.attach_role_policy(RoleName=name, PolicyArn=p)
    for pname, document in (inline or {}).items():
        iam.put_role_policy(RoleName=name, PolicyName=pname, PolicyDocument=document)
    return arn


def deploy(s, name, role):
    s.boto("lambda").create_function(FunctionName=name, Runtime="python3.12", Role=role,
                                     Handler="app.handler",
                                     Code={"ZipFile": s.zip_bytes(name)})


class PostureIam(stack.StackTestCase):
    @classmethod
    def seed(cls):
        s = cls.stack
        bound = s.aws("iam", "create-policy", "--policy-name", "logs-only",
                      "--policy-document", doc({
                          "Effect": "Allow", "Resource": "*",
                          "Action": ["logs:CreateLogStream", "logs:PutLogEvents"]})
                      )["Policy"]["Arn"]
        roles = {
            "admin": dict(attached=[ADMIN]),
            "basic": dict(attached=[BASIC], path="/service-role/"),
            "vpc": dict(attached=[VPC, XRAY]),
            "s3-all": dict(attached=[BASIC], inline={"s3": doc(
                {"Effect": "Allow", "Action": "s3:*", "Resource": "*"})}),
            "scoped": dict(attached=[BASIC], inline={"read": doc(
                {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"})}),
            "org-only": dict(attached=[BASIC], inline={"org": doc(dict(
                ALLOW_ALL, Condition={"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}))}),
            "guarded": dict(inline={"guard": doc(ALLOW_ALL, {
                "Effect": "Deny", "Resource": "*",
                "NotAction": ["logs:CreateLogStream", "logs:PutLogEvents"]})}),
            "bounded": dict(inline={"all": doc(ALLOW_ALL)}, boundary=bound),
            # Allow * under AWS's xray writes: only those, and no logs (read, or it is *)
            "aws-bounded": dict(inline={"all": doc(ALLOW_ALL)}, boundary=XRAY_WRITE),
            "no-logs": dict(inline={"read": doc(
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})}),
        }
        for fn, spec in roles.items():
            deploy(s, fn, seed_role(s, fn + "-role", **spec))
        logs = s.boto("logs")
        logs.create_log_group(logGroupName="/aws/lambda/basic")
        # the CLI, as a user sets a retention
        s.aws("logs", "create-log-group", "--log-group-name", "/aws/lambda/vpc")
        s.aws("logs", "put-retention-policy", "--log-group-name", "/aws/lambda/vpc",
              "--retention-in-days", "30")
        # two weeks: enough by default, too short for --log-retention-min 30
        s.aws("logs", "create-log-group", "--log-group-name", "/aws/lambda/scoped")
        s.aws("logs", "put-retention-policy", "--log-group-name", "/aws/lambda/scoped",
              "--retention-in-days", "14")
        # a group kept forever that belongs to no function: not reported
        logs.create_log_group(logGroupName="/aws/lambda/deleted-fn")

    def test_fires_exactly_and_snapshot_agrees(self):
        r = self.stack.scan()
        self.assertExit(r, 1)
        self.assertTrue(r.json["run"]["complete"], msg=str(r))
        self.assertEqual(posture(r.json), EXPECTED, msg=str(r))
        calls = r.json["run"]["api_calls"]
        self.assertGreater(calls.get("iam", 0), 0)
        self.assertGreater(calls.get("logs", 0), 0)
        admin = [f for f in r.json["findings"]
                 if f["rule"] == "role-overprivileged" and f["function"] == "admin"][0]
        self.assertEqual(admin["evidence"]["grants"][0]["policy"], ADMIN)
        self.assertEqual(admin["evidence"]["grants"][0]["kind"], "all")
        s3 = [f for f in r.json["findings"]
              if f["rule"] == "role-overprivileged" and f["function"] == "s3-all"][0]
        self.assertEqual(s3["evidence"]["grants"][0]["actions"], ["s3:*"])
        retention = [f for f in r.json["findings"] if f["rule"] == "log-retention"][0]
        self.assertEqual(retention["evidence"]["log_group"], "/aws/lambda/basic")

        snap = Path(self.stack.tmp) / "iam-snapshot.json"
        self.assertExit(self.stack.snapshot(snap), 0)
        self.assertIn('"iam"', snap.read_text())
        off = self.stack.run("scan", "--inventory", snap, "--format", "json")
        self.assertExit(off, 1)
        self.assertEqual(posture(off.json), EXPECTED)
        self.assertEqual(sorted(f["fingerprint"] for f in off.json["findings"]),
                         sorted(f["fingerprint"] for f in r.json["findings"]))

    def test_log_retention_min(self):
        # by default only "forever" is noted (EXPECTED: basic); with a minimum, the 14-day
        # group too, but not the 30-day one (the minimum itself is enough) until 31
        def retention(report):
            return {f["function"]: f for f in report["findings"] if f["rule"] == "log-retention"}

        r = self.stack.scan("--rule", "log-retention")
        self.assertEqual(set(retention(r.json)), {"basic"}, msg=str(r))
        self.assertNotIn("log_retention_min", r.json["run"])
        r = self.stack.scan("--rule", "log-retention", "--log-retention-min", "30")
        found = retention(r.json)
        self.assertEqual(set(found), {"basic", "scoped"}, msg=str(r))
        self.assertEqual(r.json["run"]["log_retention_min"], 30)
        self.assertEqual(found["scoped"]["evidence"], {"log_group": "/aws/lambda/scoped",
                                                       "retention_days": 14,
                                                       "minimum_days": 30})
        self.assertIn("keeps logs 14 days, less than the 30 required", found["scoped"]["message"])
        self.assertEqual(found["scoped"]["severity"], "note")
        r = self.stack.scan("--rule", "log-retention", "--log-retention-min", "31")
        self.assertEqual(set(retention(r.json)), {"basic", "scoped", "vpc"}, msg=str(r))
        # the snapshot holds every group's retention: the offline scan agrees
        snap = Path(self.stack.tmp) / "retention-snapshot.json"
        self.assertExit(self.stack.snapshot(snap), 0)
        off = self.stack.run("scan", "--inventory", snap, "--format", "json",
                             "--rule", "log-retention", "--log-retention-min", "30")
        self.assertEqual(set(retention(off.json)), {"basic", "scoped"}, msg=str(off))
        for bad in ("0", "3654", "30d", "-1"):
            r = self.stack.scan("--log-retention-min", bad)
            self.assertExit(r, 2)
            self.assertIn("--log-retention-min '%s'" % bad, r.stderr)
            self.assertIn("'lambdrift scan --help'", r.stderr)

    def test_one_listing_per_account(self):
        # GetAccountAuthorizationDetails: one page of roles (Filter Role, the 10 of 100), one
        # of managed policies (Filter LocalManagedPolicy and AWSManagedPolicy: the local
        # boundary and BASIC, VPC, XRAY, ADMIN, each once), and GetPolicy + GetPolicyVersion
        # for the AWS boundary it did not list; Logs: one /aws/lambda/ listing
        r = self.stack.scan()
        calls = r.json["run"]["api_calls"]
        self.assertEqual(calls["iam"], 1 + 1 + 2, msg=str(r))
        self.assertEqual(calls["logs"], 1, msg=str(r))
        # the snapshot keeps only the functions' roles and the policies they use
        snap = Path(self.stack.tmp) / "iam-kept.json"
        self.assertExit(self.stack.snapshot(snap), 0)
        iam = json.loads(snap.read_text())["iam"]["accounts"][0]
        self.assertEqual(len(iam["roles"]), 10)
        self.assertEqual({p["arn"] for p in iam["policies"]},
                         {BASIC, VPC, XRAY, ADMIN, XRAY_WRITE,
                          f"arn:aws:iam::{stack.ACCOUNT}:policy/logs-only"})


class PostureIamDenied(stack.StackTestCase):
    """The scanner may list Lambda but is denied IAM (or Logs): never clean."""
    auth = True

    @classmethod
    def seed(cls):
        s = cls.stack
        cls.keys = {}
        # everything else a scan reads (README), so only IAM or Logs can be missing
        lam = ["lambda:ListFunctions", "lambda:ListAliases", "lambda:ListEventSourceMappings",
               "lambda:GetPolicy", "lambda:ListFunctionUrlConfigs", "lambda:GetFunction",
               "lambda:ListCodeSigningConfigs", "lambda:ListFunctionsByCodeSigningConfig"]
        iam = ["iam:GetAccountAuthorizationDetails", "iam:GetPolicy", "iam:GetPolicyVersion"]
        for user, actions in (("no-iam", lam + ["logs:DescribeLogGroups"]),
                              ("no-logs", lam + iam)):
            s.aws("iam", "create-user", "--user-name", user)
            key = s.aws("iam", "create-access-key", "--user-name", user)["AccessKey"]
            cls.keys[user] = (key["AccessKeyId"], key["SecretAccessKey"])
            s.aws("iam", "put-user-policy", "--user-name", user, "--policy-name", "scan",
                  "--policy-document", doc({"Effect": "Allow", "Action": actions,
                                            "Resource": "*"}))
        deploy(s, "admin", seed_role(s, "admin-role", attached=[ADMIN]))
        s.aws("logs", "create-log-group", "--log-group-name", "/aws/lambda/admin")
        s.enable_auth()

    def test_iam_denied_is_incomplete_and_names_the_permission(self):
        r = self.stack.scan(env=self.stack.env(*self.keys["no-iam"]))
        self.assertExit(r, 3)
        self.assertFalse(r.json["run"]["complete"])
        problems = " ".join(r.json["run"]["problems"])
        self.assertEqual(len(r.json["run"]["problems"]), 1, msg=str(r))
        self.assertIn("iam:GetAccountAuthorizationDetails", problems, msg=str(r))
        self.assertIn("role-overprivileged", problems)
        # unchecked, so neither a finding nor a clean bill: the logs part still ran
        self.assertEqual(posture(r.json), {("log-retention", "admin")}, msg=str(r))

    def test_skipping_the_rules_skips_the_permission(self):
        # the rules IAM feeds left out: no IAM call, nothing unchecked, the run complete
        r = self.stack.scan("--skip-rule", "role-overprivileged", "--skip-rule",
                            "logging-denied", env=self.stack.env(*self.keys["no-iam"]))
        self.assertExit(r, 0, 1)
        self.assertTrue(r.json["run"]["complete"], msg=str(r))
        self.assertNotIn("iam", r.json["run"]["api_calls"])
        self.assertEqual(posture(r.json), {("log-retention", "admin")}, msg=str(r))
        r = self.stack.scan("--skip-rule", "log-retention",
                            env=self.stack.env(*self.keys["no-logs"]))
        self.assertTrue(r.json["run"]["complete"], msg=str(r))
        self.assertNotIn("logs", r.json["run"]["api_calls"])

    def test_logs_denied_is_incomplete_and_names_the_permission(self):
        r = self.stack.scan(env=self.stack.env(*self.keys["no-logs"]))
        self.assertExit(r, 3)
        problems = " ".join(r.json["run"]["problems"])
        self.assertEqual(len(r.json["run"]["problems"]), 1, msg=str(r))
        self.assertIn("logs:DescribeLogGroups", problems, msg=str(r))
        self.assertIn("log-retention", problems)
        self.assertEqual(posture(r.json), {("role-overprivileged", "admin")}, msg=str(r))


if __name__ == "__main__":
    unittest.main()
