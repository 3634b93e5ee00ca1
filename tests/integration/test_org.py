#!/usr/bin/env python3
"""--accounts org: the organisation's ACTIVE accounts from organizations:ListAccounts.

moto implements Organizations: the base keys' account (moto's default) creates the
organisation and 23 member accounts (so ListAccounts takes two pages of 20), each with the
OrganizationAccountAccessRole that CreateAccount makes; one member is closed (SUSPENDED),
and five members get functions, seeded through that role with boto3 as a user would.
scripts/moto_server.py answers ListAccounts as AWS does since Status was retired (State
only, 20 a page). Checked: the scan covers exactly the ACTIVE members (the management
account left out with --exclude-account), notes the suspended and the excluded account,
counts the two ListAccounts pages, and reports what a scan of the same accounts as an
explicit --accounts list reports; three shards of --accounts org partition the members and
merge to the unsharded report; account names and emails appear nowhere; a delegated
administrator lists them too; and the run fails closed (exit 3, an incomplete report
saying why, no account assumed, a message naming organizations:ListAccounts) when the
caller may not list the accounts (a plain member account; a user without the permission,
moto checking IAM) or belongs to no organisation.
"""
import json
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402

MEMBERS = 23
ROLE = "OrganizationAccountAccessRole"
REGION = "us-east-1"
SHARDS = 3


def account_of(arn):
    return arn.split(":")[4]


def org_seed(s):
    """Create the organisation; return (member ids, the suspended one)."""
    org = s.boto("organizations")
    org.create_organization(FeatureSet="ALL")
    members = []
    for i in range(MEMBERS):
        st = org.create_account(Email=f"owner-{i}@secret-mail.example",
                                AccountName=f"payroll-name-{i}")["CreateAccountStatus"]
        members.append(st["AccountId"])
    org.close_account(AccountId=members[-1])
    return members[:-1], members[-1]


class Org(stack.StackTestCase):
    @classmethod
    def seed(cls):
        import boto3

        s = cls.stack
        cls.active, cls.suspended = org_seed(s)
        cls.seeded = set()
        for n, account in enumerate(cls.active[:5]):
            c = s.boto("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ROLE}",
                                          RoleSessionName="seed")["Credentials"]
            creds = (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
            iam = s.boto("iam", *creds)
            role = iam.create_role(RoleName="exec",
                                   AssumeRolePolicyDocument=stack.LAMBDA_TRUST)["Role"]["Arn"]
            # the role may write its logs, so only the aliases make findings
            iam.attach_role_policy(RoleName="exec", PolicyArn="arn:aws:iam::aws:policy/"
                                   "service-role/AWSLambdaBasicExecutionRole")
            lam = boto3.client("lambda", endpoint_url=s.endpoint, region_name=REGION,
                               aws_access_key_id=creds[0], aws_secret_access_key=creds[1],
                               aws_session_token=creds[2])
            lam.create_function(FunctionName=f"api-{n}", Runtime="python3.12", Role=role,
                                Handler="app.handler",
                                Code={"ZipFile": s.zip_bytes(f"{account}-api")})
            version = lam.publish_version(FunctionName=f"api-{n}")["Version"]
            lam.create_alias(FunctionName=f"api-{n}", Name="live",
                             FunctionVersion="$LATEST" if n % 2 else version)
            cls.seeded.add((account, f"api-{n}"))
        # the management account's own function: excluded below, so never reported
        s.create_function("management-only")
        cls.management = s.boto("sts").get_caller_identity()["Account"]

    def env(self, **extra):
        return self.stack.env(AWS_ENDPOINT_URL_STS=self.stack.endpoint,
                              LAMBDRIFT_NOW="2026-11-25", **extra)

    def path(self, name):
        return str(Path(self.stack.tmp) / name)

    def scan(self, accounts, *args, out=None, env=None):
        return self.stack.run("scan", "--endpoint-url", self.stack.endpoint, "--region", REGION,
                              "--role-name", ROLE, "--accounts", accounts, "--format", "json",
                              "--fail-on", "none", *(("-o", out) if out else ()), *args,
                              env=env or self.env())

    def exclude(self):
        return ("--exclude-account", self.management)

    def test_active_members_only(self):
        r = self.scan("org", *self.exclude())
        self.assertExit(r, 0)
        run = r.json["run"]
        self.assertTrue(run["complete"], msg=str(r))
        self.assertEqual(run["accounts"], sorted(self.active), msg=str(r))
        self.assertEqual({(account_of(f["arn"]), f["name"]) for f in r.json["functions"]},
                         self.seeded)
        self.assertEqual(run["api_calls"]["organizations"], 2, msg="24 accounts, 20 a page")
        self.assertEqual(run["api_calls"]["sts"], len(self.active))
        notes = run.get("notes", [])
        self.assertIn(f"account {self.suspended} left out: SUSPENDED in the organisation "
                      "(--accounts org scans ACTIVE accounts)", notes)
        self.assertIn(f"account {self.management} left out: --exclude-account", notes)
        self.assertEqual(len(notes), 2, msg=notes)
        # every account's functions were read for code signing too, through its role
        self.assertEqual(r.findings(), {("alias-unpinned", f"api-{n}", "live")
                                        for n in (1, 3)} |
                         stack.unsigned(*(name for _, name in self.seeded)), msg=str(r))
        for text in (r.stdout, r.stderr):
            self.assertNotIn("secret-mail", text)
            self.assertNotIn("payroll-name", text)

    def test_same_report_as_the_explicit_list(self):
        a = self.path("org.json")
        b = self.path("list.json")
        self.assertExit(self.scan("org", *self.exclude(), out=a), 0)
        self.assertExit(self.scan(",".join(self.active), out=b), 0)
        org, listed = (json.loads(Path(p).read_text()) for p in (a, b))
        for key in ("functions", "findings", "summary"):
            self.assertEqual(org[key], listed[key], msg=key)
        self.assertEqual(org["run"]["accounts"], listed["run"]["accounts"])

    def test_shards_partition_and_merge(self):
        full = self.path("org-full.json")
        self.assertExit(self.scan("org", *self.exclude(), out=full), 0)
        shards, seen = [], []
        for i in range(SHARDS):
            out = self.path(f"org-{i + 1}.json")
            r = self.scan("org", *self.exclude(), "--shard", f"{i + 1}/{SHARDS}", out=out)
            self.assertExit(r, 0)
            doc = json.loads(Path(out).read_text())
            self.assertTrue(doc["run"]["complete"])
            # every shard lists the organisation itself, then keeps its own accounts
            self.assertEqual(doc["run"]["api_calls"]["organizations"], 2)
            seen += doc["run"].get("accounts", [])
            shards.append(out)
        self.assertEqual(sorted(seen), sorted(self.active), msg="each in exactly one shard")
        merged = self.path("org-merged.json")
        r = self.stack.run("merge", *shards, "--expect-shards", SHARDS, "--format", "json",
                           "-o", merged, "--fail-on", "none", env=self.env())
        self.assertExit(r, 0)
        m, f = (json.loads(Path(p).read_text()) for p in (merged, full))
        for key in ("functions", "findings", "summary"):
            self.assertEqual(m[key], f[key], msg=key)
        self.assertEqual(m["run"]["accounts"], f["run"]["accounts"])
        self.assertEqual(sorted(m["run"].get("notes", [])), sorted(f["run"]["notes"]))
        self.assertEqual(m["run"]["api_calls"]["organizations"], 2 * SHARDS)

    def test_bad_exclusion_is_a_usage_error(self):
        r = self.scan("org", "--exclude-account", "prod")
        self.assertExit(r, 2)
        self.assertIn("--exclude-account 'prod' is not a 12-digit account id", r.stderr)
        r = self.stack.run("scan", "--endpoint-url", self.stack.endpoint, "--region", REGION,
                           "--exclude-account", self.management, env=self.env())
        self.assertExit(r, 2)
        self.assertIn("applies only with --accounts", r.stderr)

    def keys_of(self, account):
        c = self.stack.boto("sts").assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/{ROLE}",
            RoleSessionName="caller")["Credentials"]
        env = self.env(AWS_SESSION_TOKEN=c["SessionToken"])
        env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"] = (c["AccessKeyId"],
                                                                  c["SecretAccessKey"])
        return env

    def assertFailsClosed(self, r, out, *says):
        self.assertExit(r, 3)
        self.assertIn("--accounts org: cannot list the organisation's accounts", r.stderr)
        for text in says:
            self.assertIn(text, r.stderr)
        doc = json.loads(Path(out).read_text())
        self.assertFalse(doc["run"]["complete"])
        self.assertEqual(doc["functions"], [])
        self.assertEqual(doc["run"]["api_calls"]["sts"], 0, msg="no account was assumed")
        self.assertTrue(any("cannot list the organisation's accounts" in p
                            for p in doc["run"]["problems"]), msg=doc["run"])

    def test_member_is_denied_and_a_delegated_administrator_lists(self):
        out = self.path("member.json")
        r = self.scan("org", out=out, env=self.keys_of(self.active[0]))
        self.assertFailsClosed(r, out, "access denied", "organizations:ListAccounts")
        # a delegated administrator lists the organisation as the management account does
        admin = self.active[1]
        self.stack.boto("organizations").register_delegated_administrator(
            AccountId=admin, ServicePrincipal="guardduty.amazonaws.com")
        r = self.scan("org", *self.exclude(), env=self.keys_of(admin))
        self.assertExit(r, 0)
        self.assertEqual(r.json["run"]["accounts"], sorted(self.active), msg=str(r))

    def test_no_organisation_fails_closed(self):
        out = self.path("none.json")
        r = self.scan("org", out=out, env=self.keys_of("999999999999"))
        self.assertFailsClosed(r, out, "AWSOrganizationsNotInUseException")


class OrgDenied(unittest.TestCase):
    """moto checking IAM: a caller that may scan but not list the organisation's accounts."""

    def test_denied_fails_closed(self):
        with stack.Stack(auth=True) as s:
            org_seed(s)
            s.aws("iam", "create-user", "--user-name", "scanner")
            key = s.aws("iam", "create-access-key", "--user-name", "scanner")["AccessKey"]
            s.aws("iam", "put-user-policy", "--user-name", "scanner", "--policy-name", "scan",
                  "--policy-document", json.dumps({"Version": "2012-10-17", "Statement": [
                      {"Effect": "Allow", "Action": ["sts:AssumeRole", "lambda:*"],
                       "Resource": "*"}]}))
            s.enable_auth()
            out = str(Path(s.tmp) / "denied.json")
            r = s.run("scan", "--endpoint-url", s.endpoint, "--region", REGION, "--role-name",
                      ROLE, "--accounts", "org", "--shard", "1/2", "--format", "json",
                      "-o", out, env=s.env(key["AccessKeyId"], key["SecretAccessKey"],
                                           AWS_ENDPOINT_URL_STS=s.endpoint))
            doc = json.loads(Path(out).read_text()) if Path(out).exists() else None
        self.assertEqual(r.code, 3, msg=str(r))
        self.assertIn("--accounts org: cannot list the organisation's accounts: access "
                      "denied", r.stderr)
        self.assertIn("organizations:ListAccounts", r.stderr)
        self.assertIsNotNone(doc, msg="the shard still reports, incomplete")
        self.assertFalse(doc["run"]["complete"])
        self.assertEqual(doc["run"]["shard"], {"index": 1, "count": 2})
        self.assertEqual(doc["run"]["api_calls"]["sts"], 0, msg="no account was assumed")


if __name__ == "__main__":
    stack.main()
