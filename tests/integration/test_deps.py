#!/usr/bin/env python3
"""Dependencies of deployed code, end to end: `lambdrift verify` (dependency-drift,
dependency-vulnerable, layer-outdated), `lambdrift scan --deps` and `lambdrift deps`,
against functions and layers deployed to moto with the AWS CLI from packages built by
depsfixtures.py, and a release repository made here with the git CLI.

The account (us-east-1 on one moto):
- node-drift: the tag vendors node_modules with lodash 4.17.21 and its package-lock.json
  pins 4.17.21; the deployed package carries lodash 4.17.15 (only that file differs).
  Attaches the "nodeshared" layer (axios 1.6.0; its only version). Its environment holds a
  secret canary (the spec gives its sha256).
- node-ok: deployed exactly what `lambdrift package` makes from the tag (nested
  minimist 0.0.8, which an advisory affects, is what the tag pins).
- py-layered: requirements.txt at the tag pins what the attached "pydeps" layer version 1
  carries (requests 2.19.0, urllib3 1.24.1 as an egg); pydeps version 2 exists.
- layer-corrupt: attaches "brokenlayer" version 1, whose served bytes a test damages.
- java-fn, dotnet-fn (not in the spec; for `deps`): a fat jar with nested library jars
  plus the "javalibs" layer (java/lib/*.jar), and a .NET package with a deps.json.

Advisories: fixtures/osv/github-advisory-database (real GitHub advisories, CC-BY-4.0; see
fixtures/osv/README.md), as a directory and as an all.zip export. The test asserts the
exact set of (rule, function) per run, and the exact evidence of every dependency finding.
"""
import base64
import datetime
import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import depsfixtures as fx  # noqa: E402
import stack  # noqa: E402
from stack import git  # noqa: E402

TAG = "v2.0.0"
FAR = datetime.date.today() + datetime.timedelta(days=3 * 365)
OSV_DIR = stack.REPO / "fixtures" / "osv" / "github-advisory-database"
ENV_CANARY = "depsenv" + secrets.token_hex(16)
DEP_RULES = {"dependency-drift", "dependency-vulnerable", "layer-outdated"}
SPEC_FUNCTIONS = ["node-drift", "node-ok", "py-layered", "layer-corrupt"]
# What a full verify of TAG (the three healthy spec functions) reports, without advisories.
# (every function is a zip without a code signing config: code-signing-missing, a note)
EXPECTED_VERIFY = {
    "node-drift": {"code-drift", "dependency-drift", "code-signing-missing"},
    "node-ok": {"code-signing-missing"},
    "py-layered": {"layer-outdated", "code-signing-missing"},
}
HEALTHY = ["node-drift", "node-ok", "py-layered"]


def layer_arn(name, version):
    return f"arn:aws:lambda:{stack.REGION}:{stack.ACCOUNT}:layer:{name}:{version}"


NODESHARED = layer_arn("nodeshared", 1)
PYDEPS_1, PYDEPS_2 = layer_arn("pydeps", 1), layer_arn("pydeps", 2)
BROKEN = layer_arn("brokenlayer", 1)
JAVALIBS = layer_arn("javalibs", 1)

# The deployed (ecosystem, name, version, origin) that advisories affect, per function:
# what dependency-vulnerable must report with --osv (one finding per advisory).
VULNERABLE_DEPS = {
    "node-drift": [("npm", "lodash", "4.17.15", "function"),
                   ("npm", "minimist", "0.0.8", "function"),
                   ("npm", "axios", "1.6.0", NODESHARED)],
    "node-ok": [("npm", "minimist", "0.0.8", "function")],
    "py-layered": [("PyPI", "requests", "2.19.0", PYDEPS_1),
                   ("PyPI", "urllib3", "1.24.1", PYDEPS_1)],
}


def expected_vulnerable(function):
    """{(name, version, origin, advisory, cve, fixed, severity)} for one function."""
    out = set()
    for eco, name, version, origin in VULNERABLE_DEPS.get(function, []):
        for adv, (cve, fixed, sev) in fx.advisories_for(eco, name, version).items():
            out.add((name, version, origin, adv, cve, fixed, sev))
    return out


def source_files(name):
    if name.startswith("node-"):
        return fx.node_source_files(name)
    if name == "py-layered":
        return fx.python_source_files(fx.PY_LAYER_V1)
    return {"app.py": "def handler(event, context):\n    return {}\n"}


def runtime(name):
    return "nodejs20.x" if name.startswith("node-") else "python3.12"


def handler(name):
    return "index.handler" if name.startswith("node-") else "app.handler"


def env_vars(name):
    return {"LOG_LEVEL": "info", **({"API_SETTING": ENV_CANARY} if name == "node-drift" else {})}


def layers(name):
    return {"node-drift": [NODESHARED], "py-layered": [PYDEPS_1],
            "layer-corrupt": [BROKEN]}.get(name, [])


def spec_function(name):
    env = {"LOG_LEVEL": "info"}
    if name == "node-drift":
        env["API_SETTING"] = {"sha256": hashlib.sha256(ENV_CANARY.encode()).hexdigest()}
    config = {"Runtime": runtime(name), "Handler": handler(name), "MemorySize": 256,
              "Timeout": 15, "Environment": {"Variables": env}}
    if layers(name):
        config["Layers"] = layers(name)
    return {"name": name, "source": f"services/{name}", "config": config}


def make_repo(repo):
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    for name in SPEC_FUNCTIONS:
        fx.write_tree(repo / "services" / name, source_files(name))
    spec = {"lambdrift": 1, "region": stack.REGION, "alias": "live",
            "functions": [spec_function(n) for n in SPEC_FUNCTIONS]}
    (repo / "lambdrift.json").write_text(json.dumps(spec, indent=2) + "\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "release 2.0.0")
    git(repo, "tag", "-a", TAG, "-m", "release 2.0.0")


class Deps(stack.StackTestCase):
    @classmethod
    def seed(cls):
        s = cls.stack
        tmp = Path(s.tmp)
        cls.repo = tmp / "release"
        make_repo(cls.repo)
        cls.table = tmp / "runtimes.tsv"
        stack.runtime_table(cls.table, {"python3.12": FAR, "nodejs20.x": FAR,
                                        "java21": FAR, "dotnet8": FAR})
        cls.osv_zip = tmp / "all.zip"
        cls.osv_zip.write_bytes(fx.osv_all_zip(OSV_DIR))
        zips = tmp / "zips"
        zips.mkdir()

        # Layers: pydeps twice (1 attached, 2 newer), the others once.
        def publish_layer(name, data, compat):
            path = zips / f"layer-{name}-{len(list(zips.glob(f'layer-{name}-*')))}.zip"
            path.write_bytes(data)
            out = s.aws("lambda", "publish-layer-version", "--layer-name", name,
                        "--zip-file", f"fileb://{path}", "--compatible-runtimes", compat)
            return out["LayerVersionArn"]

        got = [publish_layer("pydeps", fx.zip_bytes(fx.python_layer_files(fx.PY_LAYER_V1)),
                             "python3.12"),
               publish_layer("pydeps", fx.zip_bytes(fx.python_layer_files(fx.PY_LAYER_V2)),
                             "python3.12"),
               publish_layer("nodeshared", fx.zip_bytes(fx.node_layer_files()), "nodejs20.x"),
               publish_layer("brokenlayer",
                             fx.zip_bytes(fx.python_layer_files(fx.PY_BROKEN_LAYER)),
                             "python3.12"),
               publish_layer("javalibs", fx.java_layer_bytes(), "java21")]
        assert got == [PYDEPS_1, PYDEPS_2, NODESHARED, BROKEN, JAVALIBS], got

        # Spec functions: node-drift from an edited copy of the tag's tree, the others
        # from `lambdrift package` (byte-identical to what the tag builds).
        for name in SPEC_FUNCTIONS:
            path = zips / f"{name}.zip"
            if name == "node-drift":
                path.write_bytes(fx.zip_bytes(fx.node_source_files(
                    name, lodash=fx.LODASH_DEPLOYED)))
            else:
                r = s.run("package", "--repo", cls.repo, "--tag", TAG, "--function", name,
                          "-o", path)
                if r.code != 0:
                    raise RuntimeError(str(r))
            cls.deploy(name, path, runtime(name), handler(name), env_vars(name), layers(name))
            s.create_alias(name, "live", "1")

        # Outside the spec, for `deps`: Java (fat jar + layer) and .NET, $LATEST only.
        (zips / "java-fn.jar").write_bytes(fx.java_fat_jar())
        cls.deploy("java-fn", zips / "java-fn.jar", "java21",
                   "com.example.orders.Handler::handleRequest", {}, [JAVALIBS], publish=False)
        (zips / "dotnet-fn.zip").write_bytes(fx.dotnet_package_bytes())
        cls.deploy("dotnet-fn", zips / "dotnet-fn.zip", "dotnet8",
                   "Orders::Orders.Function::Handler", {}, [], publish=False)

    @classmethod
    def deploy(cls, name, path, rt, hdl, env, layer_arns, publish=True):
        s = cls.stack
        args = ["lambda", "create-function", "--function-name", name, "--runtime", rt,
                "--role", s.role_arn(), "--handler", hdl, "--memory-size", "256",
                "--timeout", "15", "--zip-file", f"fileb://{path}"]
        if env:
            args += ["--environment", json.dumps({"Variables": env}),
                     "--kms-key-arn", "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"]  # a customer key: env-default-key is not what these tests are about
        if layer_arns:
            args += ["--layers", *layer_arns]
        if publish:
            args.append("--publish")
        s.aws(*args)

    # -- helpers --------------------------------------------------------------------------
    def verify(self, *args, fmt="json", functions=HEALTHY):
        fn = [a for f in functions for a in ("--function", f)]
        return self.stack.run("verify", "--repo", self.repo, "--tag", TAG,
                              "--endpoint-url", self.stack.endpoint, "--region", stack.REGION,
                              "--runtime-table", self.table, "--format", fmt, *fn, *args)

    def scan(self, *args, fmt="json", functions=HEALTHY):
        fn = [a for f in functions for a in ("--function", f)]
        return self.stack.scan("--runtime-table", self.table, *fn, *args, fmt=fmt)

    def deps(self, *args, fmt="json", functions=()):
        fn = [a for f in functions for a in ("--function", f)]
        return self.stack.run("deps", "--endpoint-url", self.stack.endpoint, "--region",
                              stack.REGION, "--format", fmt, *fn, *args)

    @staticmethod
    def rules(result, only=None):
        return {(f["rule"], f["function"]) for f in result.json["findings"]
                if only is None or f["rule"] in only}

    def findings(self, result, rule, function=None):
        return [f for f in result.json["findings"]
                if f["rule"] == rule and (function is None or f["function"] == function)]

    def vulnerable(self, result, function):
        """{(name, version, origin, advisory, cve, fixed, severity)} reported."""
        out = set()
        for f in self.findings(result, "dependency-vulnerable", function):
            ev = f["evidence"]
            self.assertIn(ev["advisory"], f["message"], msg=str(result))
            cve = [a for a in ev["aliases"] if a.startswith("CVE-")]
            self.assertEqual(len(cve), 1, msg=f"{f}")
            self.assertIn(cve[0], f["message"], msg=f"{f}")
            self.assertIn(ev["fixed"], f["message"], msg=f"{f}")
            self.assertIn(ev["ecosystem"], ("npm", "PyPI"))
            out.add((ev["name"], ev["version"], ev["origin"], ev["advisory"], cve[0],
                     ev["fixed"], f["severity"]))
        return out

    def control(self, action, **params):
        """POST one of moto_server.py's /_lambdrift/ controls; the HTTP status."""
        url = f"{self.stack.endpoint}/_lambdrift/{action}?{urllib.parse.urlencode(params)}"
        try:
            with urllib.request.urlopen(urllib.request.Request(url, data=b"", method="POST"),
                                        timeout=10) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    def corrupt_layer(self, on):
        status = self.control("corrupt" if on else "uncorrupt", layer="brokenlayer",
                              version="1")
        if on and status != 200:
            self.fail("scripts/moto_server.py cannot corrupt a layer's served bytes "
                      "(POST /_lambdrift/corrupt?layer=brokenlayer&version=1 answered "
                      f"{status})")

    # -- (a) lockfile mismatch at the tag -------------------------------------------------
    def test_verify_exact_findings(self):
        r = self.verify()
        self.assertExit(r, 1)
        expected = {(rule, fn) for fn, rules in EXPECTED_VERIFY.items() for rule in rules}
        self.assertEqual(self.rules(r), expected, msg=str(r))
        self.assertTrue(r.json["run"]["complete"], msg=str(r))

    def test_dependency_drift_names_lodash(self):
        r = self.verify(functions=["node-*"])
        drift = self.findings(r, "dependency-drift")
        self.assertEqual(len(drift), 1, msg=str(r))
        f = drift[0]
        self.assertEqual((f["function"], f["severity"], f["qualifier"]),
                         ("node-drift", "error", "live"), msg=str(r))
        ev = f["evidence"]
        self.assertEqual((ev["kind"], ev["ecosystem"], ev["name"], ev["locked"], ev["path"],
                          ev["origin"]),
                         ("changed", "npm", "lodash", fx.LODASH_TAG,
                          "node_modules/lodash/package.json", "function"), msg=str(r))
        # the deployed package-lock.json still says 4.17.21; node_modules has 4.17.15
        self.assertIn(fx.LODASH_DEPLOYED, ev["deployed"].split(", "), msg=str(r))
        self.assertIn("lodash", f["message"])
        self.assertIn(fx.LODASH_DEPLOYED, f["message"])
        # the code differs in exactly that file
        code = self.findings(r, "code-drift", "node-drift")
        self.assertEqual(len(code), 1, msg=str(r))
        ev = code[0]["evidence"]
        self.assertEqual((ev["added"], ev["removed"], ev["modified"]),
                         ([], [], [{"path": "node_modules/lodash/package.json",
                                    "what": "content"}]))

    # -- (b) a newer layer version --------------------------------------------------------
    def test_layer_outdated_names_version_2(self):
        r = self.verify(functions=["py-layered"])
        self.assertExit(r, 0)   # a warning only
        hits = self.findings(r, "layer-outdated")
        self.assertEqual(len(hits), 1, msg=str(r))
        f = hits[0]
        self.assertEqual((f["function"], f["severity"]), ("py-layered", "warning"))
        ev = f["evidence"]
        self.assertEqual((ev["attached"], ev["newest"], ev["newest_arn"]),
                         (PYDEPS_1, 2, PYDEPS_2), msg=str(r))
        self.assertRegex(f["message"], r"\b2\b")
        self.assertIn("pydeps", f["message"])
        # the only version of an attached layer is not outdated
        self.assertEqual(self.findings(self.verify(functions=["node-drift"]),
                                       "layer-outdated"), [])

    # -- (c) advisories -------------------------------------------------------------------
    def test_dependency_vulnerable_from_osv_directory(self):
        r = self.verify("--osv", OSV_DIR)
        self.assertExit(r, 1)
        expected = {(rule, fn) for fn, rules in EXPECTED_VERIFY.items() for rule in rules}
        expected |= {("dependency-vulnerable", fn) for fn in VULNERABLE_DEPS}
        self.assertEqual(self.rules(r), expected, msg=str(r))
        for fn in HEALTHY:
            self.assertEqual(self.vulnerable(r, fn), expected_vulnerable(fn), msg=fn)
        # lodash in the function package, by path; requests in the layer, by its ARN
        lodash = [f for f in self.findings(r, "dependency-vulnerable", "node-drift")
                  if f["evidence"]["name"] == "lodash"]
        self.assertEqual({f["evidence"]["path"] for f in lodash},
                         {"node_modules/lodash/package.json"})
        p6mc = [f for f in lodash if f["evidence"]["advisory"] == "GHSA-p6mc-m468-83gw"]
        self.assertEqual(len(p6mc), 1, msg=str(r))
        self.assertIn("CVE-2020-8203", p6mc[0]["message"])
        self.assertIn("4.17.20", p6mc[0]["message"])
        req = [f for f in self.findings(r, "dependency-vulnerable", "py-layered")
               if f["evidence"]["name"] == "requests"]
        self.assertEqual({(f["evidence"]["origin"], f["evidence"]["path"]) for f in req},
                         {(PYDEPS_1, "python/requests-2.19.0.dist-info/METADATA")})
        fps = [f["fingerprint"] for f in r.json["findings"]]
        self.assertEqual(len(fps), len(set(fps)), "fingerprints are not unique")

    def test_osv_all_zip_and_scan_deps(self):
        r = self.scan("--deps", "--osv", self.osv_zip)
        self.assertIn(r.code, (0, 1), msg=str(r))
        self.assertTrue(r.json["run"]["complete"], msg=str(r))
        expected = {("dependency-vulnerable", fn) for fn in VULNERABLE_DEPS}
        expected.add(("layer-outdated", "py-layered"))
        self.assertEqual(self.rules(r, DEP_RULES), expected, msg=str(r))
        for fn in HEALTHY:
            self.assertEqual(self.vulnerable(r, fn), expected_vulnerable(fn), msg=fn)
        # --osv implies --deps; scan never compares with a lockfile
        r2 = self.scan("--osv", OSV_DIR)
        self.assertEqual(self.rules(r2, DEP_RULES), expected, msg=str(r2))
        # --deps without advisories: only layer-outdated
        r3 = self.scan("--deps")
        self.assertEqual(self.rules(r3, DEP_RULES), {("layer-outdated", "py-layered")},
                         msg=str(r3))

    # -- (d) the inventory ----------------------------------------------------------------
    def deps_rows(self, result, function):
        return [d for d in result.json["dependencies"] if d["function"] == function]

    def test_deps_json_inventory(self):
        fns = ["node-drift", "py-layered", "java-fn", "dotnet-fn"]
        r = self.deps(functions=fns)
        self.assertExit(r, 0)
        doc = r.json
        self.assertEqual(doc["schema"], "lambdrift/deps/v1")
        self.assertTrue(doc["run"]["complete"], msg=str(r))
        self.assertEqual(doc["run"]["problems"], [], msg=str(r))
        self.assertEqual({d["function"] for d in doc["dependencies"]}, set(fns))
        for d in doc["dependencies"]:
            self.assertEqual((d["region"], d["account"]), (stack.REGION, stack.ACCOUNT))
            self.assertNotIn("advisories", d, "advisories are listed only with --osv")
        # every attached layer is read once, checked, and identified by its content manifest
        layers = {l["arn"]: l for l in doc["layers"]}
        self.assertEqual(set(layers), {NODESHARED, PYDEPS_1, JAVALIBS}, msg=str(r))
        for l in layers.values():
            self.assertEqual(l["state"], "read")
            self.assertRegex(l["manifest_digest"], "^[0-9a-f]{64}$")
        self.assertEqual(layers[PYDEPS_1]["newest_version"], 2)

        def inventory(function):
            rows = self.deps_rows(r, function)
            return {(d["ecosystem"], d["name"], d["version"], d["path"], d["origin"])
                    for d in rows}, {d["qualifier"] for d in rows}

        def tagged(rows, origin):
            return {(*row, origin) for row in rows}

        got, quals = inventory("node-drift")
        self.assertEqual(got, tagged(fx.node_inventory(fx.LODASH_DEPLOYED), "function") |
                         tagged(fx.node_layer_inventory(), NODESHARED))
        self.assertTrue(quals and quals <= {"$LATEST", "1"}, quals)
        got, _ = inventory("py-layered")
        self.assertEqual(got, tagged(fx.python_inventory(fx.PY_LAYER_V1), PYDEPS_1))
        got, quals = inventory("java-fn")
        self.assertEqual(got, tagged(fx.java_inventory(), "function") |
                         tagged(fx.java_layer_inventory(), JAVALIBS))
        self.assertEqual(quals, {"$LATEST"})
        got, _ = inventory("dotnet-fn")
        self.assertEqual(got, tagged(fx.dotnet_inventory(), "function"))

    def test_deps_reads_in_parallel_as_in_series(self):
        # packages are read by several workers; the list does not depend on how many
        one = self.deps("--parallel", "1")
        many = self.deps("--parallel", "8")
        self.assertExit(one, 0)
        self.assertExit(many, 0)
        self.assertEqual(one.json["dependencies"], many.json["dependencies"])
        self.assertEqual(one.json["layers"], many.json["layers"])

    def test_deps_reads_pace_under_rate(self):
        # the package reads draw on the account-region's token buckets at --rate's rates, as
        # the collector's pool does: at 1 GetFunction/s the reads cannot be quicker than that
        fast = self.deps()
        start = time.monotonic()
        slow = self.deps("--rate", "get_function=1")
        took = time.monotonic() - start
        self.assertExit(slow, 0)
        self.assertEqual(slow.json["dependencies"], fast.json["dependencies"])
        self.assertEqual(slow.json["run"]["api_calls"], fast.json["run"]["api_calls"])
        reads = len({(d["function"], d["qualifier"]) for d in fast.json["dependencies"]})
        self.assertGreaterEqual(reads, 6)
        # a bucket holds 3 tokens: each further read waits a second
        self.assertGreaterEqual(took, reads - 3, msg=f"{reads} reads in {took:.2f} s, "
                                f"{fast.json['run']['api_calls']}")

    def test_deps_osv_lists_advisories(self):
        r = self.deps("--osv", OSV_DIR, functions=["node-drift"])
        self.assertExit(r, 0)
        by = {}
        for d in self.deps_rows(r, "node-drift"):
            by.setdefault((d["name"], d["version"], d["path"]), set()).update(d["advisories"])
        self.assertEqual(by[("lodash", "4.17.15", "node_modules/lodash/package.json")],
                         {"GHSA-p6mc-m468-83gw", "GHSA-35jh-r3h4-6jhm"})
        self.assertEqual(by[("lodash", "4.17.21", "package-lock.json")], set())
        self.assertEqual(by[("axios", "1.6.0", "nodejs/node_modules/axios/package.json")],
                         {"GHSA-8hc4-vh64-cxmj"})
        self.assertEqual(by[("minimist", "1.2.8", "node_modules/minimist/package.json")], set())

    def test_osv_api_gives_the_same_advisories(self):
        # --osv-api against a stand-in for api.osv.dev serving the same records: the same
        # advisories as --osv DIR, and the same dependency-vulnerable findings in verify
        api = subprocess.Popen([sys.executable, "fixtures/osv/fake_osv_api.py"],
                               cwd=stack.REPO, stdout=subprocess.PIPE, text=True)
        try:
            url = f"http://127.0.0.1:{int(api.stdout.readline())}"
            by_api = self.deps("--osv-api", url, functions=["node-drift"])
            by_dir = self.deps("--osv", OSV_DIR, functions=["node-drift"])
            self.assertExit(by_api, 0)
            self.assertEqual(by_api.json["dependencies"], by_dir.json["dependencies"])
            v_api = self.verify("--osv-api", url, functions=["node-drift"])
            v_dir = self.verify("--osv", OSV_DIR, functions=["node-drift"])
            self.assertEqual(self.findings(v_api, "dependency-vulnerable"),
                             self.findings(v_dir, "dependency-vulnerable"))
            self.assertTrue(self.findings(v_api, "dependency-vulnerable"))
        finally:
            api.terminate()
            api.wait(timeout=10)
            api.stdout.close()
        # an API that does not answer leaves the run incomplete, never clean
        r = self.deps("--osv-api", url, functions=["node-drift"])
        self.assertExit(r, 3)
        self.assertIn("OSV API", json.dumps(r.json["run"]["problems"]))

    def test_deps_text_and_output_file(self):
        r = self.deps(fmt="text", functions=["node-drift"])
        self.assertExit(r, 0)
        lines = [line for line in r.stdout.splitlines()
                 if "lodash" in line and fx.LODASH_DEPLOYED in line]
        self.assertTrue(lines, msg=r.stdout)
        self.assertIn("node-drift", lines[0])
        self.assertIn("node_modules/lodash/package.json", lines[0])
        out = Path(self.stack.tmp) / "deps.json"
        r = self.deps("--output", out, functions=["node-drift"])
        self.assertExit(r, 0)
        doc = json.loads(out.read_text())
        self.assertIn(("lodash", fx.LODASH_DEPLOYED, "node-drift"),
                      {(d["name"], d["version"], d["function"]) for d in doc["dependencies"]})

    def test_deps_usage_error(self):
        r = self.deps("--format", "yaml")
        self.assertExit(r, 2)
        self.assertEqual(r.stdout, "")
        r = self.deps("--osv", Path(self.stack.tmp) / "no-such-advisories")
        self.assertExit(r, 2)
        r = self.deps("--max-package-bytes", "0")
        self.assertExit(r, 2)

    def test_package_over_the_cap_is_incomplete(self):
        # a package larger than --max-package-bytes is not read, and the run says so
        r = self.deps("--max-package-bytes", "100", functions=["node-drift"])
        self.assertExit(r, 3)
        self.assertFalse(r.json["run"]["complete"])
        self.assertIn("larger than 100 bytes", json.dumps(r.json["run"]["problems"]))
        self.assertEqual(self.deps_rows(r, "node-drift"), [])

    # -- (e) --no-deps --------------------------------------------------------------------
    def test_no_deps(self):
        r = self.verify("--no-deps")
        self.assertExit(r, 1)
        self.assertEqual(self.rules(r), {("code-drift", "node-drift")} |
                         {("code-signing-missing", fn) for fn in HEALTHY}, msg=str(r))
        self.assertTrue(r.json["run"]["complete"], msg=str(r))
        # advisories without dependency checks is a contradiction: a usage error
        r = self.verify("--no-deps", "--osv", OSV_DIR)
        self.assertExit(r, 2)
        self.assertIn("--no-deps", r.stderr)
        r = self.scan()
        self.assertEqual(self.rules(r, DEP_RULES), set(), msg=str(r))

    # -- (f) a layer whose served bytes do not match its CodeSha256 ----------------------
    def assert_not_clean(self, r, function="layer-corrupt"):
        integrity = self.findings(r, "package-integrity", function)
        incomplete = r.code == 3 and r.json["run"]["complete"] is False
        self.assertTrue(incomplete or (integrity and r.code in (1, 3)),
                        msg="a corrupted layer passed as clean:\n" + str(r))

    def test_corrupted_layer_is_never_clean(self):
        # Guard: unharmed, the function verifies clean (its layer has one version).
        r = self.verify(functions=["layer-corrupt"])
        self.assertExit(r, 0)
        self.assertEqual(self.rules(r), {("code-signing-missing", "layer-corrupt")}, msg=str(r))
        self.corrupt_layer(True)
        try:
            self.assert_not_clean(self.verify(functions=["layer-corrupt"]))
            self.assert_not_clean(self.scan("--deps", functions=["layer-corrupt"]))
            r = self.deps(functions=["layer-corrupt"])
            self.assertExit(r, 3)
            self.assertFalse(r.json["run"]["complete"])
            self.assertTrue(r.json["run"]["problems"], msg=str(r))
            self.assertIn("brokenlayer", json.dumps(r.json["run"]["problems"]))
        finally:
            self.corrupt_layer(False)

    # -- (g) secrets ----------------------------------------------------------------------
    def signatures(self):
        """Presigned-URL secrets the server hands out (function code and layer content)."""
        out = []
        loc = self.stack.boto("lambda").get_function(FunctionName="node-drift",
                                                     Qualifier="1")["Code"]["Location"]
        lay = self.stack.boto("lambda").get_layer_version(
            LayerName="pydeps", VersionNumber=1)["Content"].get("Location", "")
        for url in (loc, lay):
            sig = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).get(
                "X-Amz-Signature")
            if sig:
                out.append(sig[0])
        return out

    def test_no_secret_in_any_output(self):
        canaries = [ENV_CANARY, stack.FAKE_SECRET, *self.signatures()]
        out = Path(self.stack.tmp) / "secret-report.json"
        runs = [self.verify("--osv", OSV_DIR), self.verify("--osv", OSV_DIR, fmt="text"),
                self.verify("--osv", OSV_DIR, "-o", out),
                self.scan("--deps", "--osv", OSV_DIR), self.scan("--deps", fmt="text"),
                self.deps("--osv", OSV_DIR), self.deps(fmt="text")]
        self.corrupt_layer(True)
        try:
            runs += [self.verify(functions=["layer-corrupt"]),
                     self.deps(functions=["layer-corrupt"])]
        finally:
            self.corrupt_layer(False)
        self.assertTrue(self.findings(runs[0], "dependency-drift"), msg=str(runs[0]))
        for r in runs:
            for text, where in ((r.stdout, "stdout"), (r.stderr, "stderr"),
                                (out.read_text(), str(out))):
                for c in canaries:
                    for piece in (c, c[-12:]):
                        self.assertNotIn(piece, text, f"a secret ({c[:8]}...) leaked into "
                                         f"{where} of {' '.join(r.args)}")

    def test_fixture_guard(self):
        # The deployed node-drift package is not the tag's; node-ok's is, byte for byte.
        cfg = self.stack.aws("lambda", "get-function-configuration", "--function-name",
                             "node-ok", "--qualifier", "1")
        r = self.stack.run("package", "--repo", self.repo, "--tag", TAG, "--function",
                           "node-ok", "-o", Path(self.stack.tmp) / "guard.zip")
        self.assertExit(r, 0)
        data = (Path(self.stack.tmp) / "guard.zip").read_bytes()
        self.assertEqual(cfg["CodeSha256"],
                         base64.b64encode(hashlib.sha256(data).digest()).decode())
        self.assertFalse(cfg.get("Layers"))
        cfg = self.stack.aws("lambda", "get-function-configuration", "--function-name",
                             "py-layered", "--qualifier", "1")
        self.assertEqual([l["Arn"] for l in cfg["Layers"]], [PYDEPS_1])
        self.assertTrue(re.fullmatch(r"[A-Za-z0-9+/]{43}=", cfg["CodeSha256"]))


if __name__ == "__main__":
    stack.main()
