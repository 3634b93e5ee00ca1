#!/usr/bin/env python3
"""env-plaintext-secret and env-default-key on moto: each fires exactly where a credential
or the AWS managed key is, the traps stay clean (references, numbers, booleans and empty
values under secret names, digests under neutral names, a Secrets Manager name, a
publishable Stripe key), the offline scan of the snapshot agrees, and no planted secret
value appears in any output, report, snapshot or the server's log.
"""
import secrets
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402

KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"


def canary(prefix=""):
    return prefix + secrets.token_hex(16)


PASSWORD = canary("pw")
GITHUB = "ghp_" + secrets.token_hex(18)
AWS_ID = "AKIA" + secrets.token_hex(8).upper()
AWS_SECRET = "wJalr" + secrets.token_hex(14) + "/K7MDEN"
DB_URL = "postgres://app:%s@db.internal:5432/orders" % canary("u")
OLD_TOKEN = canary("old")
CANARIES = [PASSWORD, GITHUB, AWS_ID, AWS_SECRET, DB_URL, OLD_TOKEN]

TRAPS = {
    "DB_PASSWORD": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
    "API_TOKEN": "/prod/orders/api-token",
    "STRIPE_SECRET": "{{resolve:secretsmanager:stripe:SecretString:key}}",
    "TOKEN_TTL_SECRET": "3600",
    "ENABLE_SECRET": "true",
    "EMPTY_PASSWORD": "",
    "DB_SECRET": "prod/orders/db",
    "SECRET_NAME": "orders-db-credentials",
    "GIT_SHA": "3f786850e387550fdab836ed7e6dc881de23001b",
    "CODE_SHA256": "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
    "STRIPE_PUBLISHABLE": "pk_live_0123456789abcdefABCD",
    "TOKEN_URL": "https://auth.example.com/oauth/token",
}

EXPECTED = {
    ("env-plaintext-secret", "leaky", "DB_PASSWORD"),
    ("env-plaintext-secret", "leaky", "CONFIG"),
    ("env-plaintext-secret", "leaky", "K1"),
    ("env-plaintext-secret", "leaky", "K2"),
    ("env-plaintext-secret", "leaky", "DATABASE_URL"),
    ("env-plaintext-secret", "rotated", "AUTH_TOKEN"),
    ("env-default-key", "leaky", None),
    ("env-default-key", "traps-default", None),
}


class PostureEnv(stack.StackTestCase):
    @classmethod
    def seed(cls):
        s = cls.stack
        s.create_function("leaky", env_vars={
            "DB_PASSWORD": PASSWORD, "CONFIG": "token " + GITHUB, "K1": AWS_ID,
            "K2": AWS_SECRET, "DATABASE_URL": DB_URL, "LOG": "info"})
        s.create_function("traps-cmk", env_vars=TRAPS)
        s.update_config("traps-cmk", "--kms-key-arn", KEY)
        s.create_function("traps-default", env_vars=TRAPS)
        # a secret only in a published version: $LATEST no longer has it
        s.create_function("rotated", env_vars={"AUTH_TOKEN": OLD_TOKEN})
        s.update_config("rotated", "--kms-key-arn", KEY)
        s.publish("rotated")
        s.update_config("rotated", "--environment",
                        '{"Variables":{"AUTH_TOKEN":"/prod/rotated/token"}}')
        s.create_function("no-env")

    def posture(self, report):
        out = set()
        for f in report["findings"]:
            if f["rule"].startswith("env-"):
                ev = f.get("evidence") or {}
                out.add((f["rule"], f["function"], ev.get("variable")))
        return out

    def assertNoSecret(self, text, where):
        for c in CANARIES:
            for piece in (c, c[-12:]):
                self.assertNotIn(piece, text, f"a secret ({c[:6]}...) leaked into {where}")

    def test_kms_key_is_reported(self):
        cfg = self.stack.aws("lambda", "get-function-configuration", "--function-name",
                             "traps-cmk")
        self.assertEqual(cfg.get("KMSKeyArn"), KEY)

    def test_fires_exactly_and_snapshot_agrees(self):
        r = self.stack.scan()
        self.assertExit(r, 1)
        self.assertEqual(self.posture(r.json), EXPECTED, msg=str(r))
        by_var = {(f["function"], (f.get("evidence") or {}).get("variable")): f
                  for f in r.json["findings"] if f["rule"] == "env-plaintext-secret"}
        self.assertEqual(by_var[("leaky", "K2")]["evidence"]["detectors"],
                         ["aws-secret-access-key"])
        self.assertEqual(by_var[("rotated", "AUTH_TOKEN")]["evidence"]["versions"], ["1"])
        snap = Path(self.stack.tmp) / "env-snapshot.json"
        s = self.stack.snapshot(snap)
        self.assertExit(s, 0)
        text = snap.read_text()
        self.assertIn('"env_verdicts"', text)
        off = self.stack.run("scan", "--inventory", snap, "--format", "json")
        self.assertExit(off, 1)
        self.assertEqual(self.posture(off.json), EXPECTED)
        self.assertEqual(sorted(f["fingerprint"] for f in off.json["findings"]),
                         sorted(f["fingerprint"] for f in r.json["findings"]))
        for res in (r, s, off):
            self.assertNoSecret(res.stdout + res.stderr, " ".join(map(str, res.args)))
        self.assertNoSecret(text, "the snapshot")
        for fmt in ("text", "sarif", "markdown", "junit"):
            t = self.stack.scan(fmt=fmt)
            self.assertNoSecret(t.stdout + t.stderr, fmt)
        self.assertNoSecret(self.stack.log_text(), "lambdrift's view of the server log")


if __name__ == "__main__":
    unittest.main()
