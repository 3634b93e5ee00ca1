#!/usr/bin/env python3
"""code-signing-unenforced and code-signing-missing on moto, seeded with the AWS CLI as a team
signs its functions (the launcher answers the code-signing-config API moto lacks): an
Enforce config, attached at CreateFunction or later, is clean; a Warn config (also the
default of a config created without a policy) fires code-signing-unenforced; a zip function
without a config fires code-signing-missing; a container image, which cannot use code
signing, fires neither. The reads are a few calls per region (ListCodeSigningConfigs, then
ListFunctionsByCodeSigningConfig per config), none when both rules are skipped; the offline
scan of the snapshot agrees, and one without code signing records (an older lambdrift's)
reads as unchecked (exit 3), never clean. Configs and functions of other accounts and regions never mix: the
namesakes of an enforced function are unsigned. With lambda:ListCodeSigningConfigs or
lambda:ListFunctionsByCodeSigningConfig denied the run is incomplete (exit 3), names the
permission and reports neither rule; skipping both rules makes it complete again.
"""
import json
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402

RULES = ("code-signing-unenforced", "code-signing-missing")
PROFILE = f"arn:aws:signer:{stack.REGION}:{stack.ACCOUNT}:/signing-profiles/release/abcdef1234"
IMAGE = f"{stack.ACCOUNT}.dkr.ecr.{stack.REGION}.amazonaws.com/app:1"


def signing(report):
    return {(f["rule"], f["function"], (f.get("evidence") or {}).get(
        "untrusted_artifact_on_deployment")) for f in report["findings"] if f["rule"] in RULES}


def config(s, policy=None):
    args = ["lambda", "create-code-signing-config", "--allowed-publishers",
            f"SigningProfileVersionArns={PROFILE}"]
    if policy:
        args += ["--code-signing-policies", f"UntrustedArtifactOnDeployment={policy}"]
    return s.aws(*args)["CodeSigningConfig"]["CodeSigningConfigArn"]


def attach(s, name, arn):
    s.aws("lambda", "put-function-code-signing-config", "--function-name", name,
          "--code-signing-config-arn", arn)


def image_function(s, name):
    s.aws("lambda", "create-function", "--function-name", name, "--package-type", "Image",
          "--code", f"ImageUri={IMAGE}", "--role", s.role_arn())


class PostureSigning(stack.StackTestCase):
    @classmethod
    def seed(cls):
        s = cls.stack
        cls.enforce = config(s, "Enforce")
        cls.warn = config(s, "Warn")
        cls.default = config(s)  # no policy given: Lambda's default, Warn
        config(s, "Enforce")     # attached to nothing: one more listing, no finding
        s.create_function("enforced")
        attach(s, "enforced", cls.enforce)
        s.aws("lambda", "create-function", "--function-name", "enforced-at-create",
              "--runtime", "python3.12", "--role", s.role_arn(), "--handler", "app.handler",
              "--zip-file", f"fileb://{s.zip_file('eac')}", "--code-signing-config-arn",
              cls.enforce)
        s.create_function("warned")
        attach(s, "warned", cls.warn)
        s.create_function("defaulted")
        attach(s, "defaulted", cls.default)
        s.create_function("unsigned")
        s.create_alias("unsigned", "live", s.publish("unsigned"))
        image_function(s, "container")

    EXPECTED = {("code-signing-unenforced", "warned", "Warn"),
                ("code-signing-unenforced", "defaulted", "Warn"),
                ("code-signing-missing", "unsigned", None)}

    def test_fires_exactly_and_snapshot_agrees(self):
        r = self.stack.scan()
        self.assertExit(r, 0, 1)
        self.assertTrue(r.json["run"]["complete"], msg=str(r))
        self.assertEqual(signing(r.json), self.EXPECTED, msg=str(r))
        by = {(f["rule"], f["function"]): f for f in r.json["findings"]}
        warned = by[("code-signing-unenforced", "warned")]
        self.assertEqual(warned["severity"], "warning")
        self.assertEqual(warned["evidence"]["code_signing_config"], self.warn)
        self.assertIn("Enforce", warned["message"])
        self.assertEqual(by[("code-signing-missing", "unsigned")]["severity"], "note")

        snap = Path(self.stack.tmp) / "signing-snapshot.json"
        self.assertExit(self.stack.snapshot(snap), 0)
        doc = json.loads(snap.read_text())
        records = {f["name"]: f.get("code_signing") for f in doc["functions"]}
        self.assertEqual(records["enforced-at-create"]["config"], self.enforce)
        self.assertEqual(records["enforced"]["untrusted_artifact_on_deployment"], "Enforce")
        self.assertIsNone(records["unsigned"]["config"])
        off = self.stack.run("scan", "--inventory", snap, "--format", "json")
        self.assertExit(off, r.code)
        self.assertEqual(signing(off.json), self.EXPECTED, msg=str(off))
        self.assertEqual(sorted(f["fingerprint"] for f in off.json["findings"]),
                         sorted(f["fingerprint"] for f in r.json["findings"]))

    def test_a_few_calls_and_none_when_skipped(self):
        r = self.stack.scan()
        skip = self.stack.scan("--skip-rule", "code-signing-*")
        self.assertEqual(signing(skip.json), set(), msg=str(skip))
        # one ListCodeSigningConfigs and one ListFunctionsByCodeSigningConfig per config
        # (four), whatever the number of functions (six)
        self.assertEqual(r.json["run"]["api_calls"]["control"],
                         skip.json["run"]["api_calls"]["control"] + 1 + 4, msg=str(r))
        one = self.stack.scan("--skip-rule", "code-signing-missing")
        self.assertEqual(one.json["run"]["api_calls"]["control"],
                         r.json["run"]["api_calls"]["control"])
        self.assertEqual(signing(one.json), {f for f in self.EXPECTED
                                             if f[0] == "code-signing-unenforced"})

    def test_function_filter_keeps_the_region_listing(self):
        r = self.stack.scan("--function", "warned")
        self.assertTrue(r.json["run"]["complete"], msg=str(r))
        self.assertEqual(signing(r.json), {("code-signing-unenforced", "warned", "Warn")})

    def test_snapshot_without_code_signing_is_unchecked_offline(self):
        # a snapshot of a lambdrift before code signing holds no code signing records: the
        # offline scan says the rules are unchecked (exit 3), never that they pass; for the
        # five zip functions, the container image has nothing to check
        snap = Path(self.stack.tmp) / "signing-old.json"
        self.assertExit(self.stack.snapshot(snap), 0)
        doc = json.loads(snap.read_text())
        for f in doc["functions"]:
            del f["code_signing"]
        snap.write_text(json.dumps(doc))
        off = self.stack.run("scan", "--inventory", snap, "--format", "json")
        self.assertExit(off, 3)
        self.assertEqual(signing(off.json), set(), msg=str(off))
        problems = [p for p in off.json["run"]["problems"]
                    if p.startswith("code-signing-unenforced and code-signing-missing "
                                    "unchecked for 5 functions")]
        self.assertEqual(len(problems), 1, msg=str(off.json["run"]["problems"]))
        self.assertIn("no code signing records", problems[0])
        again = self.stack.run("scan", "--inventory", snap, "--format", "json",
                               "--skip-rule", "code-signing-*")
        self.assertExit(again, 0, 1)
        self.assertTrue(again.json["run"]["complete"], msg=str(again))


class PostureSigningEstate(stack.StackTestCase):
    """Two accounts (through AssumeRole, as test_accounts.py) and two regions, one function
    name in each: a config lists only the functions of its own account-region, so the
    function attached to an Enforce config in one is no shield for its namesakes."""
    ACCOUNTS = ["111111111111", "222222222222"]
    REGIONS = ["us-east-1", "eu-west-1"]

    @classmethod
    def seed(cls):
        import boto3

        s = cls.stack
        sts = s.boto("sts")
        for account in cls.ACCOUNTS:
            c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/Audit",
                                RoleSessionName="seed")["Credentials"]
            creds = dict(aws_access_key_id=c["AccessKeyId"],
                         aws_secret_access_key=c["SecretAccessKey"],
                         aws_session_token=c["SessionToken"])
            role = boto3.client("iam", endpoint_url=s.endpoint, region_name="us-east-1",
                                **creds).create_role(
                RoleName="exec", AssumeRolePolicyDocument=stack.LAMBDA_TRUST)["Role"]["Arn"]
            for region in cls.REGIONS:
                lam = boto3.client("lambda", endpoint_url=s.endpoint, region_name=region,
                                   **creds)
                lam.create_function(FunctionName="shared", Runtime="python3.12", Role=role,
                                    Handler="app.handler",
                                    Code={"ZipFile": s.zip_bytes(f"{account}-{region}")})
                if (account, region) != (cls.ACCOUNTS[0], cls.REGIONS[0]):
                    continue
                # only account 1's us-east-1 function is signed, and one more config of
                # that account-region lists nothing
                for policy in ("Enforce", "Warn"):
                    arn = lam.create_code_signing_config(
                        AllowedPublishers={"SigningProfileVersionArns": [PROFILE]},
                        CodeSigningPolicies={"UntrustedArtifactOnDeployment": policy},
                    )["CodeSigningConfig"]["CodeSigningConfigArn"]
                    if policy == "Enforce":
                        lam.put_function_code_signing_config(FunctionName="shared",
                                                             CodeSigningConfigArn=arn)

    def test_configs_stay_in_their_account_region(self):
        r = self.stack.run("scan", "--endpoint-url", self.stack.endpoint, "--region",
                           ",".join(self.REGIONS), "--accounts", ",".join(self.ACCOUNTS),
                           "--role-name", "Audit", "--format", "json", "--fail-on", "none",
                           env=self.stack.env(AWS_ENDPOINT_URL_STS=self.stack.endpoint))
        self.assertExit(r, 0)
        self.assertTrue(r.json["run"]["complete"], msg=str(r))
        got = {(f["rule"], f["account"], f["region"], f["function"])
               for f in r.json["findings"] if f["rule"] in RULES}
        self.assertEqual(got, {("code-signing-missing", a, g, "shared")
                               for a in self.ACCOUNTS for g in self.REGIONS
                               if (a, g) != (self.ACCOUNTS[0], self.REGIONS[0])}, msg=str(r))


class PostureSigningDenied(stack.StackTestCase):
    """The scanner may list Lambda but not the code signing configs: never clean."""
    auth = True

    @classmethod
    def seed(cls):
        s = cls.stack
        cls.keys = {}
        for user, missing in (("no-list", "lambda:ListCodeSigningConfigs"),
                              ("no-functions", "lambda:ListFunctionsByCodeSigningConfig")):
            actions = [a for a in stack.SCAN_PERMISSIONS if a != missing]
            s.aws("iam", "create-user", "--user-name", user)
            key = s.aws("iam", "create-access-key", "--user-name", user)["AccessKey"]
            cls.keys[user] = (key["AccessKeyId"], key["SecretAccessKey"])
            s.aws("iam", "put-user-policy", "--user-name", user, "--policy-name", "scan",
                  "--policy-document", json.dumps({
                      "Version": "2012-10-17",
                      "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}))
        attach(s, s.create_function("warned")["FunctionName"], config(s, "Warn"))
        s.create_function("unsigned")
        s.enable_auth()

    def test_denied_is_incomplete_and_names_the_permission(self):
        for user, permission in (("no-list", "lambda:ListCodeSigningConfigs"),
                                 ("no-functions", "lambda:ListFunctionsByCodeSigningConfig")):
            with self.subTest(user=user):
                r = self.stack.scan(env=self.stack.env(*self.keys[user]))
                self.assertExit(r, 3)
                self.assertFalse(r.json["run"]["complete"])
                problems = [p for p in r.json["run"]["problems"] if "code-signing" in p]
                self.assertEqual(len(problems), 1, msg=str(r))
                self.assertIn("the scanner needs " + permission, problems[0])
                self.assertIn("code-signing-missing", problems[0])
                self.assertEqual(signing(r.json), set(), msg=str(r))
                # the snapshot keeps the functions unchecked: offline, still incomplete
                snap = Path(self.stack.tmp) / f"denied-{user}.json"
                self.assertExit(self.stack.snapshot(snap, env=self.stack.env(
                    *self.keys[user])), 3)
                off = self.stack.run("scan", "--inventory", snap, "--format", "json")
                self.assertExit(off, 3)
                self.assertEqual(signing(off.json), set(), msg=str(off))

    def test_skipped_rules_need_no_permission(self):
        r = self.stack.scan("--skip-rule", "code-signing-*",
                            env=self.stack.env(*self.keys["no-list"]))
        self.assertExit(r, 0, 1)
        self.assertTrue(r.json["run"]["complete"], msg=str(r))


if __name__ == "__main__":
    unittest.main()
