#!/usr/bin/env python3
"""Authentication against a moto that checks SigV4 signatures and IAM policies.

The server starts with checking off; the seed creates IAM users, keys and a role (as an
administrator would, with the AWS CLI), deploys two functions, then switches checking on
(POST /moto-api/reset-auth, see scripts/moto_server.py). From then on lambdrift's own SigV4
signer must be right, and its identity must hold the permissions the README lists.
"""
import json
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402

SCAN_PERMISSIONS = stack.SCAN_PERMISSIONS
ROLE = "lambdrift-audit"


def policy(actions, resource="*"):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": actions, "Resource": resource}]})


class Auth(stack.StackTestCase):
    auth = True

    @classmethod
    def seed(cls):
        s = cls.stack
        role_arn = f"arn:aws:iam::{stack.ACCOUNT}:role/{ROLE}"
        cls.role_arn = role_arn
        cls.keys = {}
        # "auditor" may scan and assume the role; "hopper" may only assume the role.
        # "lister" may list but not read resource policies (what older READMEs asked for).
        for user, actions in (("auditor", SCAN_PERMISSIONS + ["sts:AssumeRole"]),
                              ("hopper", ["sts:AssumeRole"]),
                              ("lister", [a for a in SCAN_PERMISSIONS
                                          if a != "lambda:GetPolicy"])):
            s.aws("iam", "create-user", "--user-name", user)
            key = s.aws("iam", "create-access-key", "--user-name", user)["AccessKey"]
            cls.keys[user] = (key["AccessKeyId"], key["SecretAccessKey"])
            s.aws("iam", "put-user-policy", "--user-name", user, "--policy-name", "scan",
                  "--policy-document", policy(actions))
        trust = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": [
                f"arn:aws:iam::{stack.ACCOUNT}:user/hopper",
                f"arn:aws:iam::{stack.ACCOUNT}:user/auditor"]}}]})
        s.aws("iam", "create-role", "--role-name", ROLE,
              "--assume-role-policy-document", trust)
        s.aws("iam", "put-role-policy", "--role-name", ROLE, "--policy-name", "scan",
              "--policy-document", policy(SCAN_PERMISSIONS))
        s.create_function("released")
        s.create_alias("released", "live", s.publish("released"))
        s.create_function("draft")  # unpublished: a warning, so exit 1 at --fail-on warning
        s.enable_auth()

    def write_profiles(self, credentials, config):
        tmp = Path(self.stack.tmp)
        creds, cfg = tmp / f"creds-{self.id()}", tmp / f"config-{self.id()}"
        creds.write_text(credentials)
        cfg.write_text(config)
        return {"AWS_SHARED_CREDENTIALS_FILE": str(creds), "AWS_CONFIG_FILE": str(cfg)}

    def profile_env(self):
        a, h = self.keys["auditor"], self.keys["hopper"]
        files = self.write_profiles(
            f"[audit]\naws_access_key_id = {a[0]}\naws_secret_access_key = {a[1]}\n\n"
            f"[hopper]\naws_access_key_id = {h[0]}\naws_secret_access_key = {h[1]}\n",
            "[profile audit]\nregion = us-east-1\n\n"
            f"[profile via-role]\nrole_arn = {self.role_arn}\nsource_profile = hopper\n"
            "role_session_name = lambdrift-it\nregion = us-east-1\n")
        env = self.stack.env(key_id=None, AWS_ENDPOINT_URL_STS=self.stack.endpoint)
        env.update(files)
        return env

    def assertComplete(self, r):
        self.assertExit(r, 1)
        self.assertTrue(r.json["run"]["complete"], msg=str(r))
        self.assertEqual({f["name"] for f in r.json["functions"]}, {"released", "draft"})
        self.assertEqual(r.findings(), {("unpublished", "draft", None)} |
                         stack.unsigned("released", "draft"), msg=str(r))

    def test_moto_rejects_unsigned_clients(self):
        # Guard: checking is really on, so the passes below mean something.
        p = self.stack.aws("lambda", "list-functions", check=False)
        self.assertIsNone(p)

    def test_env_credentials(self):
        env = self.stack.env(*self.keys["auditor"])
        self.assertComplete(self.stack.scan("--fail-on", "warning", env=env))

    def test_wrong_secret_is_incomplete_and_names_the_signature(self):
        key_id, secret = self.keys["auditor"]
        env = self.stack.env(key_id, secret[:-4] + "AAAA")
        r = self.stack.scan(env=env)
        self.assertExit(r, 3)
        self.assertRegex(r.stderr.lower(), "signature", msg=str(r))

    def test_unknown_key_is_incomplete(self):
        r = self.stack.scan(env=self.stack.env("AKIAUNKNOWNKEY000000", "x" * 40))
        self.assertExit(r, 3)
        self.assertTrue(r.stderr.strip(), msg=str(r))

    def test_missing_permission_is_incomplete(self):
        r = self.stack.scan(env=self.stack.env(*self.keys["hopper"]))
        self.assertExit(r, 3)
        self.assertRegex(r.stderr.lower(), "denied|not authorized|forbidden|403", msg=str(r))

    def test_policy_permission_missing_is_incomplete_and_named(self):
        # Fail closed: without lambda:GetPolicy the access rules are unchecked, not clean.
        r = self.stack.scan("--fail-on", "warning", env=self.stack.env(*self.keys["lister"]))
        self.assertExit(r, 3)
        self.assertFalse(r.json["run"]["complete"], msg=str(r))
        problems = r.json["run"]["problems"]
        self.assertTrue(any("GetPolicy of" in p and "the scanner needs lambda:GetPolicy" in p
                            for p in problems), msg=str(r))
        # the listings themselves went on
        self.assertEqual({f["name"] for f in r.json["functions"]}, {"released", "draft"})

    def test_denied_calls_leave_incomplete_reports_in_every_format(self):
        # hopper may list nothing, lister everything but GetPolicy: every report a command
        # writes says incomplete in its format's own way, and the exit is 3.
        markers = {"json": '"complete": false', "sarif": '"executionSuccessful": false',
                   "junit": 'type="incomplete"', "text": "\nrun INCOMPLETE: ",
                   "markdown": "Incomplete run", "github": " incomplete::"}
        tmp = Path(self.stack.tmp)
        aws = ["--endpoint-url", self.stack.endpoint, "--region", stack.REGION]
        for user in ("hopper", "lister"):
            env = self.stack.env(*self.keys[user])
            out = {f: tmp / f"denied-{user}.{f}" for f in markers}
            pairs = [a for f, p in out.items() for a in ("--format", f, "-o", p)]
            merged = {f: tmp / f"denied-{user}-merged.{f}" for f in markers}
            runs = [
                (self.stack.run("scan", *aws, *pairs, env=env), out),
                (self.stack.run("merge", out["json"],
                                *[a for f, p in merged.items() for a in ("--format", f, "-o", p)],
                                env=env), merged),
            ]
            if user == "hopper":  # deps and snapshot read no policy: lister's are complete
                runs += [
                    (self.stack.run("deps", *aws, "--format", "json", "-o", tmp / "d.json",
                                    env=env), {"json": tmp / "d.json"}),
                    (self.stack.run("deps", *aws, "-o", tmp / "d.text", env=env),
                     {"text-deps": tmp / "d.text"}),
                    (self.stack.snapshot(tmp / "s.json", env=env), {"json": tmp / "s.json"}),
                ]
            for r, files in runs:
                with self.subTest(user=user, run=" ".join(r.args[:1])):
                    self.assertExit(r, 3)
                    for f, path in files.items():
                        text = path.read_text()
                        want = "\nINCOMPLETE: " if f == "text-deps" else markers[f]
                        self.assertIn(want, text, msg=f"{path}\n{r}")
                        self.assertRegex(text, "denied|not authorized|AccessDenied|GetPolicy",
                                         msg=f"{path}\n{r}")

    def test_profile_from_shared_credentials_file(self):
        env = self.profile_env()
        self.assertComplete(self.stack.scan("--fail-on", "warning", "--profile", "audit",
                                            env=env))
        env["AWS_PROFILE"] = "audit"
        self.assertComplete(self.stack.scan("--fail-on", "warning", env=env))

    def test_role_arn_with_source_profile_assumes_the_role(self):
        env = self.profile_env()
        # hopper alone may not list functions; through the role it may.
        self.assertExit(self.stack.scan("--profile", "hopper", env=env), 3)
        self.assertComplete(self.stack.scan("--fail-on", "warning", "--profile", "via-role",
                                            env=env))

    def test_explicit_profile_beats_env_credentials(self):
        env = self.profile_env()
        env.update(AWS_ACCESS_KEY_ID="AKIAUNKNOWNKEY000000", AWS_SECRET_ACCESS_KEY="x" * 40)
        self.assertComplete(self.stack.scan("--fail-on", "warning", "--profile", "audit",
                                            env=env))


class InitialNoAuthActions(unittest.TestCase):
    """moto's own switch: INITIAL_NO_AUTH_ACTION_COUNT=3 leaves exactly three unchecked
    requests, spent on bootstrapping an administrator with the AWS CLI."""

    def test_bootstrap_in_three_requests_then_scan(self):
        with stack.Stack(initial_no_auth=3) as s:
            s.aws("iam", "create-user", "--user-name", "admin")
            key = s.aws("iam", "create-access-key", "--user-name", "admin")["AccessKey"]
            s.aws("iam", "put-user-policy", "--user-name", "admin", "--policy-name", "admin",
                  "--policy-document", stack.ADMIN_POLICY)
            # The fourth request is checked: fake keys fail, the new admin's keys work.
            self.assertIsNone(s.aws("lambda", "list-functions", check=False))
            admin = s.env(key["AccessKeyId"], key["SecretAccessKey"])
            s.aws("iam", "create-role", "--role-name", "exec",
                  "--assume-role-policy-document", stack.LAMBDA_TRUST, env=admin)
            # an execution role that may write its logs (else logging-denied, a warning)
            s.aws("iam", "attach-role-policy", "--role-name", "exec", "--policy-arn",
                  stack.BASIC_EXECUTION, env=admin)
            zipped = s.zip_file("bootstrap")
            s.aws("lambda", "create-function", "--function-name", "boot", "--runtime",
                  "python3.12", "--role", f"arn:aws:iam::{stack.ACCOUNT}:role/exec",
                  "--handler", "app.handler", "--zip-file", f"fileb://{zipped}", "--publish",
                  env=admin)
            r = s.scan("--fail-on", "warning", env=admin)
            self.assertExit(r, 0)
            self.assertEqual([f["name"] for f in r.json["functions"]], ["boot"], msg=str(r))
            self.assertExit(s.scan(env=s.env()), 3)

    def assertExit(self, result, *codes):
        self.assertIn(result.code, codes, msg=str(result))


if __name__ == "__main__":
    stack.main()
