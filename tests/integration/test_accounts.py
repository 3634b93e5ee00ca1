#!/usr/bin/env python3
"""Scanning an organisation: several accounts through STS AssumeRole, and --region all.

moto separates accounts by the access key: keys that its STS AssumeRole hands out belong to
the account in the role ARN (moto.iam.models.get_account_id_from), so assuming
arn:aws:iam::111111111111:role/Audit and then calling Lambda with those keys reads and
writes account 111111111111. The seeding does exactly that with boto3; lambdrift does it
with --accounts and --role-name from base keys of moto's default account, whose own
function must not show up. Checked: every seeded function is found under its account (one
name exists in both accounts), run.complete, the same findings from a serial run
(--parallel 1) and a concurrent one, an accounts file with comments, --region all (every
region of the partition against moto, two of them seeded), and an account whose AssumeRole
is refused (by the quota proxy's injected fault) failing alone with exit 3.
"""
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402

ACCOUNTS = ["111111111111", "222222222222"]
REGIONS = ["us-east-1", "eu-west-1"]
# (account, region, name, how): what is seeded, and so what each scan must find
SEEDED = [
    ("111111111111", "us-east-1", "orders", "drift"),
    ("111111111111", "us-east-1", "shared-name", "pinned"),
    ("111111111111", "eu-west-1", "billing", "unpinned"),
    ("222222222222", "us-east-1", "shared-name", "unpinned"),
    ("222222222222", "eu-west-1", "reports", "unpublished"),
]


def account_of(arn):
    return arn.split(":")[4]


class Accounts(stack.StackTestCase):
    @classmethod
    def assumed(cls, account):
        sts = cls.stack.boto("sts")
        c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/Audit",
                            RoleSessionName="seed")["Credentials"]
        return c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]

    @classmethod
    def lambda_in(cls, creds, region):
        import boto3

        return boto3.client("lambda", endpoint_url=cls.stack.endpoint, region_name=region,
                            aws_access_key_id=creds[0], aws_secret_access_key=creds[1],
                            aws_session_token=creds[2])

    @classmethod
    def seed(cls):
        s = cls.stack
        roles = {}
        for account in ACCOUNTS:
            creds = cls.assumed(account)
            iam = s.boto("iam", *creds)
            roles[account] = (creds, iam.create_role(
                RoleName="exec", AssumeRolePolicyDocument=stack.LAMBDA_TRUST)["Role"]["Arn"])
        for account, region, name, how in SEEDED:
            creds, role = roles[account]
            lam = cls.lambda_in(creds, region)
            lam.create_function(FunctionName=name, Runtime="python3.12", Role=role,
                                Handler="app.handler",
                                Code={"ZipFile": s.zip_bytes(f"{account}-{name}")})
            if how == "unpublished":
                continue
            version = lam.publish_version(FunctionName=name)["Version"]
            lam.create_alias(FunctionName=name, Name="live",
                             FunctionVersion="$LATEST" if how == "unpinned" else version)
            if how == "drift":
                lam.update_function_code(FunctionName=name,
                                         ZipFile=s.zip_bytes(f"{account}-{name}-edited"))
        # the base keys' own account has a function that no account scan may report
        s.create_function("base-only")

    def env(self, **extra):
        return self.stack.env(AWS_ENDPOINT_URL_STS=self.stack.endpoint, **extra)

    def scan(self, *args, regions=",".join(REGIONS), endpoint=None, env=None):
        return self.stack.run("scan", "--endpoint-url", endpoint or self.stack.endpoint,
                              "--region", regions, "--format", "json", "--fail-on", "none",
                              "--role-name", "Audit", *args, env=env or self.env())

    def found(self, result):
        return {(account_of(f["arn"]), f["region"], f["name"])
                for f in result.json["functions"]}

    def expected(self):
        return {(a, r, n) for a, r, n, _ in SEEDED}

    def test_two_accounts_through_assume_role(self):
        r = self.scan("--accounts", ",".join(ACCOUNTS))
        self.assertExit(r, 0)
        self.assertEqual(self.found(r), self.expected(), msg=str(r))
        run = r.json["run"]
        self.assertTrue(run["complete"], msg=str(r))
        self.assertEqual(run.get("accounts"), ACCOUNTS, msg=str(r))
        rules = {(f["rule"], f["function"]) for f in r.json["findings"]}
        self.assertIn(("latest-drift", "orders"), rules)
        self.assertIn(("alias-unpinned", "billing"), rules)
        self.assertIn(("alias-unpinned", "shared-name"), rules)
        self.assertIn(("unpublished", "reports"), rules)
        self.assertGreaterEqual(run["api_calls"]["sts"], 2)

    def test_serial_and_concurrent_agree(self):
        serial = self.scan("--accounts", ",".join(ACCOUNTS), "--parallel", "1")
        concurrent = self.scan("--accounts", ",".join(ACCOUNTS), "--parallel", "16")
        self.assertExit(serial, 0)
        self.assertExit(concurrent, 0)
        self.assertEqual(serial.json["functions"], concurrent.json["functions"])
        self.assertEqual(serial.json["findings"], concurrent.json["findings"])

    def test_deps_reads_each_account_through_its_role(self):
        # Each package download goes through the role session of the function's account:
        # moto keeps accounts apart by key, so a wrong session would not find the function.
        r = self.stack.run("deps", "--endpoint-url", self.stack.endpoint,
                           "--region", ",".join(REGIONS), "--format", "json",
                           "--role-name", "Audit", "--accounts", ",".join(ACCOUNTS),
                           env=self.env())
        self.assertExit(r, 0)
        self.assertTrue(r.json["run"]["complete"], msg=str(r))
        self.assertEqual(r.json["run"]["functions"], len(SEEDED), msg=str(r))
        self.assertEqual(r.json["dependencies"], [], msg="the seeded packages carry none")

    def test_accounts_file(self):
        path = Path(self.stack.tmp) / "accounts.txt"
        path.write_text(f"# production\n{ACCOUNTS[0]}\n\n  {ACCOUNTS[1]}  # shared\n")
        r = self.scan("--accounts", str(path))
        self.assertExit(r, 0)
        self.assertEqual(self.found(r), self.expected(), msg=str(r))
        bad = Path(self.stack.tmp) / "bad.txt"
        bad.write_text("111111111111\nprod\n")
        r = self.scan("--accounts", str(bad))
        self.assertExit(r, 2)
        self.assertIn(":2: 'prod' is not a 12-digit account id", r.stderr)

    def test_region_all(self):
        r = self.scan("--accounts", ",".join(ACCOUNTS), regions="all")
        self.assertExit(r, 0)
        self.assertEqual(self.found(r), self.expected(), msg=str(r))
        self.assertTrue(r.json["run"]["complete"], msg=str(r))
        regions = r.json["run"]["regions"]
        self.assertIn("ap-southeast-2", regions)
        self.assertGreaterEqual(len(regions), 30)

    def test_refused_account_fails_alone(self):
        proxy = stack.FaultProxy(self.stack.endpoint, self.stack.tmp, "accounts-proxy")
        try:
            # the first AssumeRole is refused; which account asks first is up to timing
            proxy.post("/_bench/faults",
                       [{"kind": "status", "status": 403, "match": "STS", "count": 1}])
            env = self.stack.env(AWS_ENDPOINT_URL_STS=proxy.endpoint)
            r = self.scan("--accounts", ",".join(ACCOUNTS), endpoint=proxy.endpoint, env=env)
        finally:
            proxy.stop()
        self.assertExit(r, 3)
        self.assertFalse(r.json["run"]["complete"])
        self.assertIn("cannot assume role", r.stderr)
        accounts = {a for a, _, _ in self.found(r)}
        self.assertEqual(len(accounts), 1, msg=str(r))
        refused = (set(ACCOUNTS) - accounts).pop()
        self.assertTrue(any(refused in p and "cannot assume role" in p
                            for p in r.json["run"].get("problems", [])), msg=str(r))
        self.assertEqual({x for x in self.found(r)},
                         {x for x in self.expected() if x[0] != refused})


if __name__ == "__main__":
    stack.main()
