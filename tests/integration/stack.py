"""Shared helpers for the integration tests: a moto server, seeding, and running lambdrift.

A Stack starts scripts/moto_server.py on a free loopback port and stops it (and only it) at
the end. Seeding goes through the AWS CLI, the way a user deploys (`aws lambda
create-function ...`); boto3 is used only for bulk seeding, where a CLI process per call
would cost minutes. lambdrift runs as LAMBDRIFT_BIN (ctest sets it; default build/lambdrift)
with a scrubbed environment: fake credentials, and shared config/credentials files of the
test's own, so nothing from the developer's ~/.aws leaks in.
"""
import datetime
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MOTO_SERVER = REPO / "scripts" / "moto_server.py"
REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account for access keys it did not issue
FAKE_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
FAKE_SECRET = "lambdrift-test-fake-secret-key"
# Exactly the permissions README.md says a scan needs.
SCAN_PERMISSIONS = ["lambda:ListFunctions", "lambda:ListAliases",
                    "lambda:ListEventSourceMappings", "lambda:GetPolicy",
                    "lambda:ListFunctionUrlConfigs", "lambda:GetFunction",
                    "lambda:ListCodeSigningConfigs", "lambda:ListFunctionsByCodeSigningConfig",
                    "iam:GetAccountAuthorizationDetails", "iam:GetPolicy",
                    "iam:GetPolicyVersion", "logs:DescribeLogGroups"]
ADMIN_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})
LAMBDA_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
     "Action": "sts:AssumeRole"}]})
SIGNING_PROFILE = f"arn:aws:signer:{REGION}:{ACCOUNT}:/signing-profiles/release/abcdef1234"
BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


def git(repo, *args):
    """Run git in `repo` as a release engineer would, untouched by the user's git config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
                "GIT_AUTHOR_NAME": "Release", "GIT_AUTHOR_EMAIL": "release@example.com",
                "GIT_COMMITTER_NAME": "Release", "GIT_COMMITTER_EMAIL": "release@example.com"})
    p = subprocess.run(["git", "-C", str(repo), *args], env=env, capture_output=True,
                       text=True, stdin=subprocess.DEVNULL, timeout=60)
    if p.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed:\n{p.stderr}")
    return p.stdout.strip()


def unsigned(*names):
    """The code-signing-missing note of each (zip) function named: the functions these helpers
    create have no code signing config (test_posture_signing.py attaches some)."""
    return {("code-signing-missing", n, None) for n in names}


def lambdrift_bin():
    return os.environ.get("LAMBDRIFT_BIN") or str(REPO / "build" / "lambdrift")


def aws_cli():
    """The AWS CLI command: `aws` on PATH, else the awscli module of this Python."""
    exe = shutil.which("aws")
    return [exe] if exe else [sys.executable, "-m", "awscli"]


def clean_env(tmpdir):
    """The environment minus anything AWS, with empty profile files under tmpdir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    cfg = Path(tmpdir) / "aws-config"
    creds = Path(tmpdir) / "aws-credentials"
    for p in (cfg, creds):
        if not p.exists():
            p.write_text("")
    env.update({
        "AWS_CONFIG_FILE": str(cfg),
        "AWS_SHARED_CREDENTIALS_FILE": str(creds),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_PAGER": "",
        "NO_COLOR": "1",
    })
    return env


class Result:
    """What one lambdrift run produced."""

    def __init__(self, args, proc):
        self.args = args
        self.code = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self._json = None

    @property
    def json(self):
        if self._json is None:
            try:
                self._json = json.loads(self.stdout)
            except ValueError as e:
                raise AssertionError(f"stdout is not JSON ({e}): {self}") from None
        return self._json

    def findings(self):
        """The set of (rule, function, qualifier) in the JSON report."""
        return {(f["rule"], f["function"], f.get("qualifier")) for f in self.json["findings"]}

    def __str__(self):
        return (f"lambdrift {' '.join(self.args)}\nexit {self.code}\n"
                f"--- stdout\n{self.stdout[-4000:]}\n--- stderr\n{self.stderr[-4000:]}")


class Stack:
    """One moto server plus the helpers to seed it and to run lambdrift against it."""

    def __init__(self, auth=False, initial_no_auth=None):
        """auth: moto checks signatures and IAM, with unlimited unchecked requests until
        enable_auth(); initial_no_auth=N: checking starts after N requests, the way moto's
        INITIAL_NO_AUTH_ACTION_COUNT works (scripts/moto_server.py explains both)."""
        self.auth = auth
        self.initial_no_auth = initial_no_auth
        self.tmp = tempfile.mkdtemp(prefix="lambdrift-it-")
        self.proc = None
        self.port = None
        self._role = None
        self._zip_n = 0
        self._boto = {}
        self._csc = None

    # -- server ---------------------------------------------------------------------------
    def start(self, timeout=60):
        port_file = Path(self.tmp) / "moto.port"
        cmd = [sys.executable, str(MOTO_SERVER), "--quiet", "--port-file", str(port_file)]
        if self.auth:
            cmd.append("--auth")  # unlimited free requests until enable_auth()
        self.log = open(Path(self.tmp) / "moto.log", "wb")
        env = {k: v for k, v in os.environ.items() if k != "INITIAL_NO_AUTH_ACTION_COUNT"}
        if self.initial_no_auth is not None:
            env["INITIAL_NO_AUTH_ACTION_COUNT"] = str(self.initial_no_auth)
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env)
        deadline = time.monotonic() + timeout
        while not port_file.exists():
            if self.proc.poll() is not None:
                raise RuntimeError("moto exited early:\n" + self.log_text())
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("moto did not start within %ds" % timeout)
            time.sleep(0.1)
        self.port = int(port_file.read_text().strip())
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if getattr(self, "log", None):
            self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def log_text(self):
        try:
            return (Path(self.tmp) / "moto.log").read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def enable_auth(self, free_requests=0):
        """Turn signature/IAM checking on from now (moto's /moto-api/reset-auth)."""
        req = urllib.request.Request(self.endpoint + "/moto-api/reset-auth",
                                     data=str(free_requests).encode(), method="POST",
                                     headers={"Content-Type": "text/plain"})
        urllib.request.urlopen(req, timeout=10).read()

    # -- environments ---------------------------------------------------------------------
    def env(self, key_id=FAKE_KEY_ID, secret=FAKE_SECRET, **extra):
        """Environment with credentials in env vars (None: none at all)."""
        env = clean_env(self.tmp)
        if key_id is not None:
            env["AWS_ACCESS_KEY_ID"] = key_id
            env["AWS_SECRET_ACCESS_KEY"] = secret
        env["AWS_DEFAULT_REGION"] = REGION
        env.update({k: v for k, v in extra.items() if v is not None})
        return env

    # -- seeding ---------------------------------------------------------------------------
    def aws(self, *args, env=None, check=True):
        """Run the AWS CLI against moto; return its JSON output (None when empty)."""
        cmd = aws_cli() + ["--endpoint-url", self.endpoint, "--region", REGION,
                           "--output", "json", *args]
        p = subprocess.run(cmd, env=env or self.env(), capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, timeout=120)
        if check and p.returncode != 0:
            raise RuntimeError(f"aws {' '.join(args)} failed ({p.returncode}):\n{p.stderr}")
        return json.loads(p.stdout) if p.stdout.strip() else None

    def boto(self, service, key_id=FAKE_KEY_ID, secret=FAKE_SECRET, token=None):
        import boto3  # only needed for bulk seeding

        k = (service, key_id, secret, token)
        if k not in self._boto:
            self._boto[k] = boto3.client(service, endpoint_url=self.endpoint,
                                         region_name=REGION, aws_access_key_id=key_id,
                                         aws_secret_access_key=secret,
                                         aws_session_token=token)
        return self._boto[k]

    def role_arn(self):
        if self._role is None:
            out = self.aws("iam", "create-role", "--role-name", "lambdrift-it-exec",
                           "--assume-role-policy-document", LAMBDA_TRUST)
            # what a real execution role has: the right to write its logs (so the posture
            # rules stay quiet about it; tests/integration/test_posture_iam.py seeds others)
            self.aws("iam", "attach-role-policy", "--role-name", "lambdrift-it-exec",
                     "--policy-arn", BASIC_EXECUTION)
            self._role = out["Role"]["Arn"]
        return self._role

    def zip_bytes(self, tag):
        """A tiny deployment package whose content (hence CodeSha256) depends on tag."""
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            info = zipfile.ZipInfo("app.py", date_time=(1980, 1, 1, 0, 0, 0))
            z.writestr(info, f"# {tag}\ndef handler(event, context):\n    return {{}}\n")
        return buf.getvalue()

    def zip_file(self, tag):
        self._zip_n += 1
        path = Path(self.tmp) / f"code-{self._zip_n}.zip"
        path.write_bytes(self.zip_bytes(tag))
        return path

    def create_function(self, name, runtime="python3.12", tag=None, env_vars=None,
                        publish=False):
        args = ["lambda", "create-function", "--function-name", name, "--runtime", runtime,
                "--role", self.role_arn(), "--handler", "app.handler",
                "--zip-file", f"fileb://{self.zip_file(tag or name)}"]
        if env_vars:
            args += ["--environment", json.dumps({"Variables": env_vars})]
        if publish:
            args.append("--publish")
        return self.aws(*args)

    def sign(self, name):
        """Attach a code signing config that enforces (one per server) to function `name`,
        as a release pipeline that signs its packages does (moto checks no signature)."""
        if self._csc is None:
            self._csc = self.aws(
                "lambda", "create-code-signing-config", "--allowed-publishers",
                f"SigningProfileVersionArns={SIGNING_PROFILE}", "--code-signing-policies",
                "UntrustedArtifactOnDeployment=Enforce")["CodeSigningConfig"]["CodeSigningConfigArn"]
        self.aws("lambda", "put-function-code-signing-config", "--function-name", name,
                 "--code-signing-config-arn", self._csc)
        return self._csc

    def publish(self, name):
        return self.aws("lambda", "publish-version", "--function-name", name)["Version"]

    def update_code(self, name, tag):
        return self.aws("lambda", "update-function-code", "--function-name", name,
                        "--zip-file", f"fileb://{self.zip_file(tag)}")

    def update_config(self, name, *args):
        return self.aws("lambda", "update-function-configuration", "--function-name", name,
                        *args)

    def create_alias(self, name, alias, version, weights=None):
        args = ["lambda", "create-alias", "--function-name", name, "--name", alias,
                "--function-version", version]
        if weights:
            args += ["--routing-config",
                     json.dumps({"AdditionalVersionWeights": weights})]
        return self.aws(*args)

    def queue_arn(self, queue):
        url = self.aws("sqs", "create-queue", "--queue-name", queue)["QueueUrl"]
        attrs = self.aws("sqs", "get-queue-attributes", "--queue-url", url,
                         "--attribute-names", "QueueArn")
        return attrs["Attributes"]["QueueArn"]

    def create_trigger(self, function_ref, source_arn):
        return self.aws("lambda", "create-event-source-mapping", "--function-name",
                        function_ref, "--event-source-arn", source_arn)

    def function_arn(self, name, qualifier=None):
        arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
        return f"{arn}:{qualifier}" if qualifier else arn

    # -- lambdrift --------------------------------------------------------------------------
    def run(self, *args, env=None, timeout=300):
        args = [str(a) for a in args]
        p = subprocess.run([lambdrift_bin(), *args], env=env or self.env(),
                           capture_output=True, text=True, stdin=subprocess.DEVNULL,
                           timeout=timeout, cwd=str(REPO))
        return Result(args, p)

    def scan(self, *args, env=None, fmt="json"):
        """`lambdrift scan` against this moto, in us-east-1, JSON to stdout by default."""
        return self.run("scan", "--endpoint-url", self.endpoint, "--region", REGION,
                        "--format", fmt, *args, env=env)

    def snapshot(self, path, *args, env=None):
        return self.run("snapshot", "--endpoint-url", self.endpoint, "--region", REGION,
                        "--output", path, *args, env=env)


class FaultProxy:
    """bench/quota_proxy.py in front of a moto server, with no added latency: faults are
    injected with post("/_bench/faults", [...]) and counted by stats()."""

    def __init__(self, upstream, tmp, name="proxy"):
        self.port_file = Path(tmp) / f"{name}.port"
        self.log = open(Path(tmp) / f"{name}.log", "wb")
        self.proc = subprocess.Popen(
            [sys.executable, str(REPO / "bench" / "quota_proxy.py"), "--upstream", upstream,
             "--latency-ms", "0", "--port-file", str(self.port_file)],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while not self.port_file.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("quota proxy did not start")
            time.sleep(0.05)
        self.port = int(self.port_file.read_text())

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def post(self, path, doc):
        req = urllib.request.Request(self.endpoint + path, data=json.dumps(doc).encode(),
                                     method="POST")
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def stats(self):
        with urllib.request.urlopen(self.endpoint + "/_bench/stats", timeout=10) as r:
            return json.loads(r.read())

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        self.log.close()


def runtime_table(path, rows):
    """Write a runtime table (the columns of data/lambda-runtimes.tsv).

    rows: {identifier: deprecation date (datetime.date) or None}; block dates follow a
    year after deprecation, as for most real runtimes."""
    lines = ["identifier\tos\tdeprecation_date\tblock_create_date\tblock_update_date\tsource"]
    for ident, dep in rows.items():
        if dep is None:
            dates = ["", "", ""]
        else:
            dates = [dep.isoformat(), (dep + datetime.timedelta(days=365)).isoformat(),
                     (dep + datetime.timedelta(days=400)).isoformat()]
        lines.append("\t".join([ident, "Amazon Linux 2023", *dates, "integration test"]))
    Path(path).write_text("\n".join(lines) + "\n")


class StackTestCase(unittest.TestCase):
    """A test class sharing one moto for all its tests; subclasses seed in seed()."""

    auth = False
    stack = None

    @classmethod
    def setUpClass(cls):
        if not os.access(lambdrift_bin(), os.X_OK):
            raise RuntimeError(f"no lambdrift binary at {lambdrift_bin()} "
                               "(build it, or set LAMBDRIFT_BIN)")
        cls.stack = Stack(auth=cls.auth).start()
        try:
            cls.seed()
        except BaseException:
            cls.stack.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        if cls.stack:
            cls.stack.stop()

    @classmethod
    def seed(cls):
        pass

    def assertExit(self, result, *codes):
        self.assertIn(result.code, codes, msg=str(result))


def main():
    unittest.main(verbosity=2)
