#!/usr/bin/env python3
"""The credential providers beyond static keys, each running `lambdrift scan` against a moto
that checks signatures and IAM policies, with no keys in the environment:

- web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, and a profile's
  web_identity_token_file): moto's STS answers AssumeRoleWithWebIdentity and the scan is
  signed with the role session it returns. moto cannot authenticate an unsigned request at
  all (it reads the Authorization header unconditionally), so each such test lets exactly
  one request through unchecked (POST /moto-api/reset-auth with 1): the
  AssumeRoleWithWebIdentity call, which AWS too accepts unsigned. Every Lambda call after
  it is checked against the role's policy.
- container credentials: a small HTTP server on 127.0.0.1 plays the ECS / EKS Pod Identity
  endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI), checking the Authorization token.
- credential_process: a profile whose helper script prints Version 1 JSON.
- instance metadata: another small server on 127.0.0.1, named by
  AWS_EC2_METADATA_SERVICE_ENDPOINT, plays IMDSv2 (and IMDSv1 with the token PUT refused).

Elsewhere instance metadata stays disabled (stack.clean_env sets AWS_EC2_METADATA_DISABLED):
nothing here may reach 169.254.169.254. Secrets (keys, the web identity token, the container
token, the helper's stderr) must never appear in lambdrift's output.
"""
import datetime
import http.server
import json
import sys
import threading
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402

SCAN_PERMISSIONS = stack.SCAN_PERMISSIONS
ROLE = "lambdrift-oidc"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUvYXBwIn0.CANARYjwtSignature"
CONTAINER_TOKEN = "CANARYcontainerAuthToken"
STDERR_CANARY = "CANARYfromHelperStderr"


def policy(actions):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": actions, "Resource": "*"}]})


class FakeContainerEndpoint:
    """The container credentials endpoint on 127.0.0.1: GET /creds with the expected
    Authorization answers the given role session; anything else is refused."""

    def __init__(self, session, token, status=200):
        self.session, self.token, self.status = session, token, status
        self.requests = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                outer.requests.append((self.path, self.headers.get("Authorization")))
                if outer.status != 200:
                    return self.reply(outer.status, {"code": "Unavailable"})
                if self.path != "/creds" or self.headers.get("Authorization") != outer.token:
                    return self.reply(401, {"code": "AccessDenied"})
                expires = datetime.datetime.now(datetime.timezone.utc) + \
                    datetime.timedelta(hours=1)
                self.reply(200, {"AccessKeyId": outer.session[0],
                                 "SecretAccessKey": outer.session[1],
                                 "Token": outer.session[2],
                                 "Expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ")})

            def reply(self, status, doc):
                body = json.dumps(doc).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/creds"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


class FakeInstanceMetadata:
    """IMDS on 127.0.0.1 (AWS_EC2_METADATA_SERVICE_ENDPOINT): PUT /latest/api/token, then
    the role name and the role's credentials, each GET requiring the token unless
    `v2` is False (the PUT then answers 403, as with IMDSv2 turned off)."""

    TOKEN = "CANARYimdsSessionToken"

    def __init__(self, session, v2=True):
        self.session, self.v2 = session, v2
        self.requests = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PUT(self):  # noqa: N802
                outer.requests.append(("PUT", self.path,
                                       self.headers.get("x-aws-ec2-metadata-token-ttl-seconds")))
                if not outer.v2 or self.path != "/latest/api/token":
                    return self.reply(403, "")
                self.reply(200, outer.TOKEN)

            def do_GET(self):  # noqa: N802
                token = self.headers.get("x-aws-ec2-metadata-token")
                outer.requests.append(("GET", self.path, token))
                if outer.v2 and token != outer.TOKEN:
                    return self.reply(401, "")
                base = "/latest/meta-data/iam/security-credentials/"
                if self.path == base:
                    return self.reply(200, "audit-instance-role")
                if self.path != base + "audit-instance-role":
                    return self.reply(404, "")
                expires = datetime.datetime.now(datetime.timezone.utc) + \
                    datetime.timedelta(hours=6)
                self.reply(200, json.dumps({
                    "Code": "Success", "Type": "AWS-HMAC",
                    "AccessKeyId": outer.session[0], "SecretAccessKey": outer.session[1],
                    "Token": outer.session[2],
                    "Expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ")}))

            def reply(self, status, text):
                body = text.encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


class Credentials(stack.StackTestCase):
    auth = True

    @classmethod
    def seed(cls):
        s = cls.stack
        s.aws("iam", "create-user", "--user-name", "auditor")
        key = s.aws("iam", "create-access-key", "--user-name", "auditor")["AccessKey"]
        cls.keys = (key["AccessKeyId"], key["SecretAccessKey"])
        s.aws("iam", "put-user-policy", "--user-name", "auditor", "--policy-name", "scan",
              "--policy-document", policy(SCAN_PERMISSIONS))
        trust = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
             "Principal": {"Federated": "token.actions.githubusercontent.com"}}]})
        cls.role_arn = s.aws("iam", "create-role", "--role-name", ROLE,
                             "--assume-role-policy-document", trust)["Role"]["Arn"]
        s.aws("iam", "put-role-policy", "--role-name", ROLE, "--policy-name", "scan",
              "--policy-document", policy(SCAN_PERMISSIONS))
        # A role session for the container endpoint to hand out, as ECS would.
        creds = s.aws("sts", "assume-role", "--role-arn", cls.role_arn,
                      "--role-session-name", "task")["Credentials"]
        cls.session = (creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
        s.create_function("released")
        s.create_alias("released", "live", s.publish("released"))
        s.create_function("draft")  # unpublished: a warning, so exit 1 at --fail-on warning
        s.enable_auth()

    def tearDown(self):
        self.stack.enable_auth()  # no free request survives a test

    # -- helpers ---------------------------------------------------------------------------
    def tmp(self, name, text):
        path = Path(self.stack.tmp) / f"{self.id().rsplit('.', 1)[-1]}-{name}"
        path.write_text(text)
        return path

    def env(self, **extra):
        """No keys in the environment; STS at moto."""
        return self.stack.env(key_id=None, AWS_ENDPOINT_URL_STS=self.stack.endpoint, **extra)

    def assertComplete(self, r):
        self.assertExit(r, 1)
        self.assertTrue(r.json["run"]["complete"], msg=str(r))
        self.assertEqual({f["name"] for f in r.json["functions"]}, {"released", "draft"})
        self.assertEqual(r.findings(), {("unpublished", "draft", None)} |
                         stack.unsigned("released", "draft"), msg=str(r))

    def assertNoSecrets(self, r, *secrets):
        for secret in (self.keys[1], self.session[1], self.session[2], *secrets):
            self.assertNotIn(secret, r.stdout + r.stderr, msg=str(r))

    # -- web identity ----------------------------------------------------------------------
    def test_web_identity_from_the_environment(self):
        token = self.tmp("token", JWT + "\n")
        env = self.env(AWS_WEB_IDENTITY_TOKEN_FILE=str(token), AWS_ROLE_ARN=self.role_arn,
                       AWS_ROLE_SESSION_NAME="lambdrift-it")
        # Guard: without a role session the scan is refused.
        r = self.stack.scan(env=self.stack.env("AKIAUNKNOWNKEY000000", "x" * 40))
        self.assertExit(r, 3)
        self.stack.enable_auth(free_requests=1)  # the unsigned AssumeRoleWithWebIdentity
        r = self.stack.scan("--fail-on", "warning", env=env)
        self.assertComplete(r)
        self.assertNoSecrets(r, JWT, "CANARY")

    def test_web_identity_from_a_profile(self):
        token = self.tmp("token", JWT)
        env = self.env()
        env["AWS_CONFIG_FILE"] = str(self.tmp("config", (
            f"[profile ci]\nrole_arn = {self.role_arn}\n"
            f"web_identity_token_file = {token}\nregion = us-east-1\n")))
        self.stack.enable_auth(free_requests=1)
        r = self.stack.scan("--fail-on", "warning", "--profile", "ci", env=env)
        self.assertComplete(r)
        self.assertNoSecrets(r, JWT, "CANARY")

    def test_web_identity_without_its_token_file(self):
        missing = Path(self.stack.tmp) / "no-such-token"
        env = self.env(AWS_WEB_IDENTITY_TOKEN_FILE=str(missing), AWS_ROLE_ARN=self.role_arn)
        r = self.stack.scan(env=env)
        self.assertExit(r, 3)
        self.assertIn("web identity token file", r.stderr, msg=str(r))
        self.assertIn(str(missing), r.stderr, msg=str(r))

    # -- container credentials -------------------------------------------------------------
    def test_container_credentials_full_uri(self):
        token_file = self.tmp("auth", CONTAINER_TOKEN + "\n")
        with FakeContainerEndpoint(self.session, CONTAINER_TOKEN) as fake:
            env = self.env(AWS_CONTAINER_CREDENTIALS_FULL_URI=fake.url,
                           AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=str(token_file))
            r = self.stack.scan("--fail-on", "warning", env=env)
            self.assertComplete(r)
            self.assertEqual(fake.requests, [("/creds", CONTAINER_TOKEN)])
            self.assertNoSecrets(r, CONTAINER_TOKEN, "CANARY")

            # The variable works too; a wrong token is refused by the endpoint.
            env.pop("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
            env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "CANARYwrongToken"
            r = self.stack.scan(env=env)
            self.assertExit(r, 3)
            self.assertIn("http 401", r.stderr, msg=str(r))
            self.assertNoSecrets(r, "CANARY")

    def test_container_endpoint_failing(self):
        with FakeContainerEndpoint(self.session, CONTAINER_TOKEN, status=500) as fake:
            r = self.stack.scan(env=self.env(AWS_CONTAINER_CREDENTIALS_FULL_URI=fake.url))
            self.assertExit(r, 3)
            self.assertIn("after 3 attempts", r.stderr, msg=str(r))
            self.assertEqual(len(fake.requests), 3)

    # -- instance metadata, on a loopback fake ---------------------------------------------
    def imds_env(self, fake, **extra):
        env = self.env(AWS_EC2_METADATA_SERVICE_ENDPOINT=fake.endpoint, **extra)
        env.pop("AWS_EC2_METADATA_DISABLED")
        return env

    def test_instance_metadata_v2(self):
        with FakeInstanceMetadata(self.session) as fake:
            r = self.stack.scan("--fail-on", "warning", env=self.imds_env(fake))
            self.assertComplete(r)
            base = "/latest/meta-data/iam/security-credentials/"
            self.assertEqual(fake.requests, [
                ("PUT", "/latest/api/token", "21600"),
                ("GET", base, fake.TOKEN),
                ("GET", base + "audit-instance-role", fake.TOKEN)])
            self.assertNoSecrets(r, "CANARY")

    def test_instance_metadata_v1_fallback_and_its_opt_out(self):
        with FakeInstanceMetadata(self.session, v2=False) as fake:
            r = self.stack.scan("--fail-on", "warning", env=self.imds_env(fake))
            self.assertComplete(r)
            self.assertEqual([m for m, _, _ in fake.requests], ["PUT", "GET", "GET"])
            self.assertIsNone(fake.requests[1][2])
            r = self.stack.scan(env=self.imds_env(fake, AWS_EC2_METADATA_V1_DISABLED="true"))
            self.assertExit(r, 3)
            self.assertIn("no aws credentials found", r.stderr, msg=str(r))
            self.assertIn("IMDSv1 is disabled", r.stderr, msg=str(r))
            self.assertEqual(len(fake.requests), 4)

    # -- credential_process ----------------------------------------------------------------
    def process_env(self, body, exit_code=0):
        helper = self.tmp("helper.py", (
            "import sys\n"
            f"sys.stderr.write({STDERR_CANARY!r} + '\\n')\n"
            f"sys.stdout.write({body!r})\n"
            f"sys.exit({exit_code})\n"))
        env = self.env()
        env["AWS_CONFIG_FILE"] = str(self.tmp("config", (
            f"[profile tool]\ncredential_process = {sys.executable} {helper}\n"
            "region = us-east-1\n")))
        return env

    def test_credential_process(self):
        body = json.dumps({"Version": 1, "AccessKeyId": self.keys[0],
                           "SecretAccessKey": self.keys[1]})
        r = self.stack.scan("--fail-on", "warning", "--profile", "tool",
                            env=self.process_env(body))
        self.assertComplete(r)
        self.assertNoSecrets(r, STDERR_CANARY)

    def test_credential_process_failing(self):
        r = self.stack.scan("--profile", "tool", env=self.process_env("", exit_code=4))
        self.assertExit(r, 3)
        self.assertIn("exited with status 4", r.stderr, msg=str(r))
        self.assertNoSecrets(r, STDERR_CANARY)
        body = json.dumps({"Version": 2, "AccessKeyId": self.keys[0],
                           "SecretAccessKey": self.keys[1]})
        r = self.stack.scan("--profile", "tool", env=self.process_env(body))
        self.assertExit(r, 2)
        self.assertIn("Version", r.stderr, msg=str(r))
        self.assertNoSecrets(r, STDERR_CANARY)


if __name__ == "__main__":
    stack.main()
