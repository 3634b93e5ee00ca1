#!/usr/bin/env python3
"""Signed release records against moto: `lambdrift verify --attest` with a PEM key file and
with a KMS key (moto's KMS signs for ECC_NIST_P256; scripts/moto_server.py makes its
MessageType=DIGEST signatures what AWS returns), each envelope checked here with Python's
`cryptography`, not with lambdrift (DSSE's PAE, the key, the subjects against what the
AWS CLI reports); `lambdrift attestation verify` on the records and on a forged copy; then
an in-place hot-fix (new code on $LATEST, published, aliased) after which
`scan --attestation` names exactly that function.

The release repository is made here with the git CLI, its packages with `lambdrift
package`, and the functions deployed with the AWS CLI, as a release pipeline would.
"""
import base64
import hashlib
import json
import secrets
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402
from stack import ACCOUNT, REGION, git  # noqa: E402

from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, ed25519  # noqa: E402

TAG = "v2.0.0"
FUNCTIONS = ("orders", "billing")
ENV_CANARY = "attestcanary" + secrets.token_hex(16)
REMOTE_TOKEN = "ghp" + secrets.token_hex(12)
PAYLOAD_TYPE = "application/vnd.in-toto+json"


def pae(payload_type, body):
    t = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body)


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True,
                   stdin=subprocess.DEVNULL, timeout=60)


class Attest(stack.StackTestCase):
    @classmethod
    def seed(cls):
        s = cls.stack
        tmp = Path(s.tmp)
        cls.repo = tmp / "release"
        cls.repo.mkdir()
        git(cls.repo, "init", "-q", "-b", "main")
        spec = {"lambdrift": 1, "region": REGION, "alias": "live", "functions": [
            {"name": n, "source": f"services/{n}"} for n in FUNCTIONS]}
        for n in FUNCTIONS:
            d = cls.repo / "services" / n
            d.mkdir(parents=True)
            (d / "app.py").write_text(f"def handler(event, context):\n    return {n!r}\n")
        (cls.repo / "lambdrift.json").write_text(json.dumps(spec, indent=2) + "\n")
        git(cls.repo, "add", "-A")
        git(cls.repo, "commit", "-q", "-m", "release")
        git(cls.repo, "tag", "-a", TAG, "-m", TAG)
        # a remote with a token in it, as CI checkouts often have
        git(cls.repo, "remote", "add", "origin",
            f"https://ci:{REMOTE_TOKEN}@git.example.com/shop/release.git")
        cls.commit = git(cls.repo, "rev-parse", f"{TAG}^{{commit}}")
        cls.spec_sha256 = hashlib.sha256(
            git(cls.repo, "show", f"{TAG}:lambdrift.json").encode() + b"\n").hexdigest()
        for n in FUNCTIONS:
            out = tmp / f"{n}.zip"
            r = s.run("package", "--repo", cls.repo, "--tag", TAG, "--function", n, "-o", out)
            if r.code != 0:
                raise RuntimeError(str(r))
            args = ["lambda", "create-function", "--function-name", n, "--runtime",
                    "python3.12", "--role", s.role_arn(), "--handler", "app.handler",
                    "--zip-file", f"fileb://{out}", "--publish"]
            if n == "orders":
                args += ["--environment", json.dumps({"Variables": {"GREETING": ENV_CANARY}}),
                         "--kms-key-arn", "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"]  # a customer key: env-default-key is not what these tests are about
            s.aws(*args)
            s.create_alias(n, "live", "1")
        cls.keys = tmp / "keys"
        cls.keys.mkdir()
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-out", cls.keys / "p256.key")
        openssl("pkey", "-in", cls.keys / "p256.key", "-pubout", "-out", cls.keys / "p256.pub")
        openssl("genpkey", "-algorithm", "ed25519", "-out", cls.keys / "ed.key")
        openssl("pkey", "-in", cls.keys / "ed.key", "-pubout", "-out", cls.keys / "ed.pub")
        key = s.aws("kms", "create-key", "--key-spec", "ECC_NIST_P256", "--key-usage",
                    "SIGN_VERIFY")["KeyMetadata"]
        cls.kms_arn = key["Arn"]
        s.aws("kms", "create-alias", "--alias-name", "alias/release", "--target-key-id",
              key["KeyId"])
        cls.kms_public = base64.b64decode(
            s.aws("kms", "get-public-key", "--key-id", "alias/release")["PublicKey"])
        cls.deployed = {n: s.aws("lambda", "get-function", "--function-name", n,
                                 "--qualifier", "1")["Configuration"] for n in FUNCTIONS}
        cls.records = tmp / "records"
        cls.records.mkdir()

    # -- helpers ---------------------------------------------------------------------------
    def verify(self, record, key, *extra):
        s = self.stack
        return s.run("verify", "--repo", self.repo, "--tag", TAG, "--endpoint-url",
                     s.endpoint, "--region", REGION, "--no-deps", "--format", "json",
                     "--attest", record, "--signing-key", key, *extra)

    def check_envelope(self, record, public_key):
        """The DSSE check, done here: returns the statement."""
        env = json.loads(Path(record).read_text())
        self.assertEqual(set(env), {"payloadType", "payload", "signatures"})
        self.assertEqual(env["payloadType"], PAYLOAD_TYPE)
        payload = base64.b64decode(env["payload"])
        sig = base64.b64decode(env["signatures"][0]["sig"])
        spki = public_key.public_bytes(serialization.Encoding.DER,
                                       serialization.PublicFormat.SubjectPublicKeyInfo)
        self.assertEqual(env["signatures"][0]["keyid"], hashlib.sha256(spki).hexdigest())
        if isinstance(public_key, ed25519.Ed25519PublicKey):
            public_key.verify(sig, pae(PAYLOAD_TYPE, payload))
        else:
            public_key.verify(sig, pae(PAYLOAD_TYPE, payload), ec.ECDSA(hashes.SHA256()))
        return json.loads(payload)

    def check_statement(self, st, versions=None):
        versions = versions or {n: "1" for n in FUNCTIONS}
        self.assertEqual(st["_type"], "https://in-toto.io/Statement/v1")
        want = {}
        for n in FUNCTIONS:
            code = base64.b64decode(self.deployed[n]["CodeSha256"]).hex()
            want[f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{n}:{versions[n]}"] = code
        self.assertEqual({s["name"]: s["digest"]["sha256"] for s in st["subject"]}, want)
        self.assertEqual({s["annotations"]["alias"] for s in st["subject"]}, {"live"})
        p = st["predicate"]
        self.assertEqual(p["tag"], TAG)
        self.assertEqual(p["commit"], self.commit)
        self.assertEqual(p["repository"], "https://git.example.com/shop/release.git")
        self.assertEqual(p["spec"]["sha256"], self.spec_sha256)
        self.assertEqual(p["verifier"]["id"], "https://lambdrift.dev/verifier")
        self.assertEqual(p["verificationResult"], "PASSED")
        self.assertTrue(p["complete"])
        self.assertEqual({f["name"]: (f["served_version"], f["result"]) for f in p["functions"]},
                         {n: ("1", "passed") for n in FUNCTIONS})
        for f in p["functions"]:
            self.assertRegex(f["config_digest"], "^[0-9a-f]{64}$")
            self.assertRegex(f["content_manifest_digest"], "^[0-9a-f]{64}$")

    def assertNoSecrets(self, *texts):
        env_digest = hashlib.sha256(ENV_CANARY.encode()).hexdigest()
        for t in texts:
            for secret in (ENV_CANARY, env_digest, REMOTE_TOKEN, "PRIVATE KEY"):
                self.assertNotIn(secret, t)

    # -- tests (numbered: the hot-fix comes last) -------------------------------------------
    def test_1_file_keys(self):
        for name, pub in (("p256", serialization.load_pem_public_key(
                (self.keys / "p256.pub").read_bytes())), ("ed", serialization.load_pem_public_key(
                (self.keys / "ed.pub").read_bytes()))):
            record = self.records / f"{name}.json"
            r = self.verify(record, self.keys / f"{name}.key")
            self.assertExit(r, 0)
            self.assertEqual(r.findings(), stack.unsigned(*FUNCTIONS))
            st = self.check_envelope(record, pub)
            self.check_statement(st)
            self.assertNoSecrets(record.read_text(), r.stdout, r.stderr)
            ok = self.stack.run("attestation", "verify", record, "--key", self.keys / f"{name}.pub",
                                "--format", "json")
            self.assertExit(ok, 0)
            self.assertTrue(ok.json["valid"])
            self.assertEqual(len(ok.json["subjects"]), 2)
            other = "ed" if name == "p256" else "p256"
            bad = self.stack.run("attestation", "verify", record, "--key", self.keys / f"{other}.pub")
            self.assertExit(bad, 1)
            self.assertIn("no signature verifies", bad.stderr)

    def test_2_kms_key(self):
        record = self.records / "kms.json"
        r = self.verify(record, "awskms:///alias/release")
        self.assertExit(r, 0)
        # GetPublicKey when the key is opened, then one Sign
        self.assertEqual(r.json["run"]["api_calls"]["kms"], 2)
        st = self.check_envelope(record, serialization.load_der_public_key(self.kms_public))
        self.check_statement(st)
        self.assertNoSecrets(record.read_text(), r.stdout, r.stderr)
        s = self.stack
        for key in ("awskms:///alias/release", f"awskms:///{self.kms_arn}"):
            ok = s.run("attestation", "verify", record, "--key", key, "--endpoint-url",
                       s.endpoint, "--region", REGION)
            self.assertExit(ok, 0)
            self.assertIn("valid: ", ok.stdout)
        missing = s.run("verify", "--repo", self.repo, "--tag", TAG, "--endpoint-url",
                        s.endpoint, "--no-deps", "--attest", self.records / "none.json",
                        "--signing-key", "awskms:///alias/no-such-key")
        self.assertExit(missing, 2)
        self.assertIn("NotFoundException", missing.stderr)
        self.assertFalse((self.records / "none.json").exists())

    def test_3_forged_copy_refused(self):
        record = self.records / "p256.json"
        if not record.exists():
            self.assertExit(self.verify(record, self.keys / "p256.key"), 0)
        env = json.loads(record.read_text())
        st = json.loads(base64.b64decode(env["payload"]))
        st["subject"][0]["digest"]["sha256"] = "0" * 64
        env["payload"] = base64.b64encode(json.dumps(st).encode()).decode()
        forged = self.records / "forged.json"
        forged.write_text(json.dumps(env))
        r = self.stack.run("attestation", "verify", forged, "--key", self.keys / "p256.pub")
        self.assertExit(r, 1)
        self.assertIn("no signature verifies", r.stderr)
        r = self.stack.scan("--attestation", forged, "--key", self.keys / "p256.pub")
        self.assertExit(r, 2)
        self.assertEqual(r.stdout, "")
        unsigned = self.records / "unsigned.json"
        unsigned.write_text(json.dumps(dict(env, signatures=[])))
        r = self.stack.scan("--attestation", unsigned, "--key", self.keys / "p256.pub")
        self.assertExit(r, 2)
        self.assertIn("unsigned", r.stderr)

    def test_4_incomplete_run_is_recorded_as_such(self):
        record = self.records / "incomplete.json"
        r = self.stack.run("verify", "--repo", self.repo, "--tag", TAG, "--endpoint-url",
                           "http://127.0.0.1:1", "--region", REGION, "--no-deps",
                           "--timeout", "5", "--attest", record, "--signing-key",
                           self.keys / "ed.key")
        self.assertExit(r, 3)
        st = self.check_envelope(record, serialization.load_pem_public_key(
            (self.keys / "ed.pub").read_bytes()))
        self.assertFalse(st["predicate"]["complete"])
        self.assertEqual(st["predicate"]["verificationResult"], "FAILED")
        self.assertTrue(st["predicate"]["problems"])

    def test_5_hotfix_is_attestation_drift(self):
        s = self.stack
        for name, key in (("p256.json", self.keys / "p256.key"),
                          ("kms.json", "awskms:///alias/release")):
            if not (self.records / name).exists():
                self.assertExit(self.verify(self.records / name, key), 0)
        before = s.scan("--attestation", self.records / "p256.json", "--key",
                        self.keys / "p256.pub")
        self.assertExit(before, 0)
        self.assertEqual({f for f in before.findings() if f[0].startswith("attestation")}, set())
        # the hot-fix: new code on $LATEST, published as version 2 and aliased
        s.update_code("orders", "hotfix")
        self.assertEqual(s.publish("orders"), "2")
        s.aws("lambda", "update-alias", "--function-name", "orders", "--name", "live",
              "--function-version", "2")
        r = s.scan("--attestation", self.records / "p256.json", "--attestation",
                   self.records / "kms.json", "--key", self.keys / "p256.pub", "--key",
                   "awskms:///alias/release")
        self.assertExit(r, 1)
        att = [f for f in r.json["findings"] if f["rule"].startswith("attestation")]
        self.assertEqual({(f["rule"], f["function"], f["qualifier"]) for f in att},
                         {("attestation-drift", "orders", "live")})
        self.assertEqual(len(att), 2)  # one per record
        for f in att:
            self.assertEqual(f["severity"], "error")
            self.assertEqual(f["evidence"]["moved"], ["version", "code"])
            self.assertEqual((f["evidence"]["attested_version"], f["evidence"]["version"]),
                             ("1", "2"))
        self.assertEqual([a["file"] for a in r.json["run"]["attestations"]],
                         [str(self.records / "p256.json"), str(self.records / "kms.json")])
        self.assertEqual(r.json["run"]["api_calls"]["kms"], 1)  # GetPublicKey
        self.assertNoSecrets(r.stdout, r.stderr)
        # the function deleted: attestation-missing
        s.aws("lambda", "delete-function", "--function-name", "billing")
        r = s.scan("--attestation", self.records / "p256.json", "--key", self.keys / "p256.pub")
        self.assertEqual({f for f in r.findings() if f[0].startswith("attestation")},
                         {("attestation-drift", "orders", "live"),
                          ("attestation-missing", "billing", "live")})


if __name__ == "__main__":
    stack.main()
