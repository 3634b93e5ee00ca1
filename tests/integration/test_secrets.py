#!/usr/bin/env python3
"""No secret reaches any output: environment variable values of functions, the secret access
key and the session token never appear in stdout, stderr, the JSON or text report, the
report file or the snapshot, on success or on failure.

Each secret is a fresh random canary; we look for it, and for a 12-character piece of it
(so a truncated or partially masked secret is caught too).
"""
import secrets
import socket
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402


def canary(label):
    return f"{label}{secrets.token_hex(16)}"


ENV_CANARY = canary("envval")
ENV_CANARY_2 = canary("envval2")
SECRET_CANARY = canary("secretkey")
TOKEN_CANARY = canary("sessiontoken")
CANARIES = [ENV_CANARY, ENV_CANARY_2, SECRET_CANARY, TOKEN_CANARY]


class Secrets(stack.StackTestCase):
    @classmethod
    def seed(cls):
        s = cls.stack
        s.create_function("with-secrets", env_vars={"API_TOKEN": ENV_CANARY, "LOG": "info"})
        s.create_alias("with-secrets", "live", s.publish("with-secrets"))
        # Config drift in an env value: the finding must say which key, never the value.
        s.update_config("with-secrets", "--environment",
                        '{"Variables":{"API_TOKEN":"%s","LOG":"info"}}' % ENV_CANARY_2)
        s.create_function("draft", env_vars={"DB_PASSWORD": ENV_CANARY})

    def env(self, **extra):
        return self.stack.env(stack.FAKE_KEY_ID, SECRET_CANARY,
                              AWS_SESSION_TOKEN=TOKEN_CANARY, **extra)

    def assertNoSecret(self, text, where):
        for c in CANARIES:
            for piece in (c, c[-12:]):
                self.assertNotIn(piece, text, f"a secret ({c[:12]}...) leaked into {where}")

    def check(self, result, *files):
        self.assertNoSecret(result.stdout, "stdout of " + " ".join(result.args))
        self.assertNoSecret(result.stderr, "stderr of " + " ".join(result.args))
        for f in files:
            self.assertNoSecret(Path(f).read_text(errors="replace"), str(f))

    def test_seeded_values_are_really_there(self):
        # Guard: the canaries are in the account, so their absence below means something.
        cfg = self.stack.aws("lambda", "get-function-configuration", "--function-name",
                             "with-secrets")
        self.assertEqual(cfg["Environment"]["Variables"]["API_TOKEN"], ENV_CANARY_2)

    def test_json_and_text_reports(self):
        r = self.stack.scan(env=self.env())
        self.assertExit(r, 1)
        self.assertIn("with-secrets", {f["name"] for f in r.json["functions"]})
        self.assertIn(("latest-drift", "with-secrets", "$LATEST"), r.findings(), msg=str(r))
        self.check(r)
        self.check(self.stack.scan(env=self.env(), fmt="text"))

    def test_report_file_and_snapshot(self):
        tmp = Path(self.stack.tmp)
        report, snap = tmp / "report.json", tmp / "snapshot.json"
        r = self.stack.scan("--output", report, env=self.env())
        self.assertExit(r, 1)
        self.check(r, report)
        r = self.stack.snapshot(snap, env=self.env())
        self.assertExit(r, 0)
        self.check(r, snap)
        r = self.stack.run("scan", "--inventory", snap, "--format", "json", env=self.env())
        self.assertExit(r, 1)
        self.check(r)

    def test_failures(self):
        # Nothing listens on this port: a network failure, with secrets in the environment.
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        r = self.stack.run("scan", "--endpoint-url", f"http://127.0.0.1:{port}",
                           "--region", stack.REGION, "--format", "json", "--timeout", "20",
                           env=self.env())
        self.assertExit(r, 3)
        self.check(r)
        # A credentials file whose secret is the canary, and a profile that does not exist.
        creds = Path(self.stack.tmp) / "creds"
        creds.write_text(f"[p]\naws_access_key_id = {stack.FAKE_KEY_ID}\n"
                         f"aws_secret_access_key = {SECRET_CANARY}\n"
                         f"aws_session_token = {TOKEN_CANARY}\n")
        env = self.stack.env(key_id=None, AWS_SHARED_CREDENTIALS_FILE=str(creds))
        r = self.stack.scan("--profile", "nope", env=env)
        self.assertExit(r, 2, 3)
        self.check(r)
        r = self.stack.scan("--profile", "p", env=env)
        self.assertExit(r, 1)
        self.check(r)


if __name__ == "__main__":
    stack.main()
