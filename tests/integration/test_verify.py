#!/usr/bin/env python3
"""`lambdrift verify` and `lambdrift package` against repositories and packages built
independently: a git repository made here with the git CLI (annotated and lightweight tags,
nested sources, an executable), functions deployed with the AWS CLI from packages made by
`lambdrift package`, by `zip -r`, by Python's zipfile and from edited copies, and one moto serving the
packages (scripts/moto_server.py points GetFunction's Code.Location at itself, and can be
told to corrupt what it serves).

Every situation is one function of the spec, and the test asserts the exact set of
(rule, function) the report holds, plus the evidence of the code-drift findings: the
changed files, exactly.
"""
import base64
import datetime
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402
from stack import git  # noqa: E402

TAG = "v1.0.0"
LIGHT_TAG = "light-1.0.0"
BROKEN_TAG = "v1.0.1-broken"
FAR = datetime.date.today() + datetime.timedelta(days=3 * 365)
ENV_CANARY = "envval" + secrets.token_hex(16)       # spec plaintext == deployed
ENV_CANARY_2 = "envval2" + secrets.token_hex(16)    # deployed, differs from the spec's
HASHED_CANARY = "envval3" + secrets.token_hex(16)   # given in the spec as its sha256

# The spec's functions (all source mode, nested under services/<team>/<name>), and the
# findings each must produce in a live verify of TAG.
EXPECTED = {
    "ident": set(),                                   # deployed `lambdrift package` output
    "repack": {"code-repackaged"},                    # same files, zip -r, other mtimes
    "repack-py": {"code-repackaged"},                 # same files, Python zipfile, stored
    "drift-one": {"code-drift"},                      # pkg/core.py edited
    "drift-addrm": {"code-drift"},                    # pkg/extra.py added, table.json gone
    "drift-many": {"code-drift"},                     # 25 files added
    "config-only": {"config-drift"},                  # Timeout 30, spec says 15
    "alias-old": {"code-drift", "latest-drift"},      # live moved back to version 1
    "no-alias": {"alias-missing"},                    # published, no alias live
    "missing-fn": {"function-missing"},               # never deployed
    "corrupt": {"package-integrity"},                 # served bytes != CodeSha256
    # env equal, plaintext and sha256 forms; API_TOKEN holds a plaintext credential
    "secret-env": {"env-plaintext-secret"},
    "secret-drift": {"config-drift", "env-plaintext-secret"},  # API_TOKEN differs
}
FUNCTIONS = list(EXPECTED)
# ident's code signing config enforces; every other deployed function has none (a note)
for _name in FUNCTIONS:
    if _name not in ("ident", "missing-fn"):
        EXPECTED[_name] = EXPECTED[_name] | {"code-signing-missing"}
EXEC_FILE = "bin/run.sh"


def expected(functions=None):
    return {(rule, fn) for fn, rules in EXPECTED.items()
            if functions is None or fn in functions for rule in rules}


def source_dir(name):
    team = "team-a" if name < "n" else "team-b"
    return f"services/{team}/{name}"


def write_sources(root, name):
    """The files of one function: nested directories and an executable."""
    files = {
        "app.py": f"from pkg import core\n\ndef handler(event, context):\n"
                  f"    return core.run({name!r})\n",
        "pkg/__init__.py": "",
        "pkg/core.py": "def run(name):\n    return {'function': name}\n",
        "pkg/data/table.json": json.dumps({"function": name, "rows": [1, 2, 3]}) + "\n",
        EXEC_FILE: "#!/bin/sh\nexec python3 -c 'import app'\n",
    }
    for rel, text in files.items():
        p = Path(root) / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        p.chmod(0o755 if rel == EXEC_FILE else 0o644)


def spec_function(name):
    env = {"LOG_LEVEL": "info"}
    if name == "secret-env":
        env = {"LOG_LEVEL": "info", "API_TOKEN": ENV_CANARY,
               "DB_PASSWORD": {"sha256": hashlib.sha256(HASHED_CANARY.encode()).hexdigest()}}
    elif name == "secret-drift":
        env = {"LOG_LEVEL": "info", "API_TOKEN": ENV_CANARY}
    return {"name": name, "source": source_dir(name), "exclude": ["tests/**"],
            "config": {"Runtime": "python3.12", "Handler": "app.handler", "MemorySize": 256,
                       "Timeout": 15, "Environment": {"Variables": env}}}


def make_repo(repo):
    """The release repository: TAG (annotated) and LIGHT_TAG (lightweight) on one commit,
    BROKEN_TAG on a side branch whose spec has an invalid MemorySize; main stays at TAG."""
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    for name in FUNCTIONS:
        write_sources(repo / source_dir(name), name)
        # excluded by the spec: in the tree, never in the package
        (repo / source_dir(name) / "tests").mkdir()
        (repo / source_dir(name) / "tests" / "test_app.py").write_text("assert True\n")
    spec = {"lambdrift": 1, "region": stack.REGION, "alias": "live",
            "functions": [spec_function(n) for n in FUNCTIONS]}
    (repo / "lambdrift.json").write_text(json.dumps(spec, indent=2) + "\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "release 1.0.0")
    git(repo, "tag", "-a", TAG, "-m", "release 1.0.0")
    git(repo, "tag", LIGHT_TAG)
    git(repo, "switch", "-q", "-c", "wip")
    spec["functions"][1]["config"]["MemorySize"] = "lots"
    (repo / "lambdrift.json").write_text(json.dumps(spec, indent=2) + "\n")
    git(repo, "commit", "-q", "-a", "-m", "broken spec")
    git(repo, "tag", "-a", BROKEN_TAG, "-m", "broken")
    git(repo, "switch", "-q", "main")


def zip_r(src, out, edit=None, mtime=946684800):
    """Zip a copy of `src` with `zip -r` (directory entries, other mtimes, zip's own
    order), after `edit(copy_dir)` when given."""
    work = Path(str(out) + ".d")
    shutil.copytree(src, work, ignore=shutil.ignore_patterns("tests"))
    if edit:
        edit(work)
    for p in sorted(work.rglob("*")):
        os.utime(p, (mtime, mtime))
    subprocess.run(["zip", "-q", "-r", "-X", str(out), "."], cwd=work, check=True,
                   stdin=subprocess.DEVNULL)
    shutil.rmtree(work)
    return out


def zip_py(src, out):
    """Zip `src` with Python's zipfile: stored (no compression), reverse order, today's
    timestamps, no directory entries."""
    files = sorted((p for p in Path(src).rglob("*") if p.is_file() and "tests" not in p.parts),
                   reverse=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as z:
        for p in files:
            z.write(p, p.relative_to(src).as_posix())
    return out


def code_sha256(path):
    return base64.b64encode(hashlib.sha256(Path(path).read_bytes()).digest()).decode()


class Verify(stack.StackTestCase):
    @classmethod
    def seed(cls):
        s = cls.stack
        tmp = Path(s.tmp)
        cls.repo = tmp / "release"
        make_repo(cls.repo)
        cls.commit = git(cls.repo, "rev-parse", TAG + "^{commit}")
        cls.table = tmp / "runtimes.tsv"
        stack.runtime_table(cls.table, {"python3.12": FAR})
        cls.zips = tmp / "zips"
        cls.zips.mkdir()
        for name in FUNCTIONS:
            src = cls.repo / source_dir(name)
            cls.package(name)
            if name in ("repack", "corrupt"):
                zip_r(src, cls.zips / f"{name}.zip")
            elif name == "repack-py":
                zip_py(src, cls.zips / f"{name}.zip")
            elif name == "drift-one":
                zip_r(src, cls.zips / f"{name}.zip",
                      edit=lambda d: (d / "pkg/core.py").write_text("def run(name):\n"
                                                                    "    return None\n"))
            elif name == "drift-addrm":
                def addrm(d):
                    (d / "pkg/extra.py").write_text("EXTRA = 1\n")
                    (d / "pkg/data/table.json").unlink()
                zip_r(src, cls.zips / f"{name}.zip", edit=addrm)
            elif name == "drift-many":
                def many(d):
                    for i in range(25):
                        (d / f"gen/f{i:02d}.py").parent.mkdir(exist_ok=True)
                        (d / f"gen/f{i:02d}.py").write_text(f"N = {i}\n")
                zip_r(src, cls.zips / f"{name}.zip", edit=many)
            elif name == "alias-old":
                zip_r(src, cls.zips / "alias-old-v1.zip",
                      edit=lambda d: (d / "app.py").write_text("def handler(e, c):\n"
                                                               "    return 'old'\n"))

        env = {"LOG_LEVEL": "info"}
        cls.deploy("ident", env)
        s.sign("ident")
        cls.deploy("repack", env)
        cls.deploy("repack-py", env)
        cls.deploy("drift-one", env)
        cls.deploy("drift-addrm", env)
        cls.deploy("drift-many", env)
        cls.deploy("config-only", env, timeout=30)
        cls.deploy("no-alias", env, alias=False)
        cls.deploy("corrupt", env)
        cls.deploy("secret-env", {"LOG_LEVEL": "info", "API_TOKEN": ENV_CANARY,
                                  "DB_PASSWORD": HASHED_CANARY})
        cls.deploy("secret-drift", {"LOG_LEVEL": "info", "API_TOKEN": ENV_CANARY_2})
        # alias-old: version 1 is an older release, version 2 the tag's; live -> 1
        cls.deploy("alias-old", env, zip_name="alias-old-v1.zip")
        s.aws("lambda", "update-function-code", "--function-name", "alias-old",
              "--zip-file", f"fileb://{cls.zips / 'alias-old.package.zip'}", "--publish")
        cls.corrupt("corrupt", "1")

    @classmethod
    def package(cls, name):
        out = cls.zips / f"{name}.package.zip"
        r = cls.stack.run("package", "--repo", cls.repo, "--tag", TAG, "--function", name,
                          "-o", out)
        if r.code != 0:
            raise RuntimeError(str(r))
        return out

    @classmethod
    def deploy(cls, name, env_vars, timeout=15, alias=True, zip_name=None):
        s = cls.stack
        path = cls.zips / (zip_name or f"{name}.zip")
        if not path.exists():
            path = cls.zips / f"{name}.package.zip"
        s.aws("lambda", "create-function", "--function-name", name, "--runtime", "python3.12",
              "--role", s.role_arn(), "--handler", "app.handler", "--memory-size", "256",
              "--timeout", str(timeout), "--environment",
              json.dumps({"Variables": env_vars}),
              # a customer key: env-default-key is not what these tests are about
              "--kms-key-arn", "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555",
              "--zip-file", f"fileb://{path}", "--publish")
        if alias:
            s.create_alias(name, "live", "1")

    @classmethod
    def corrupt(cls, name, version):
        query = urllib.parse.urlencode({"function": name, "version": version})
        req = urllib.request.Request(f"{cls.stack.endpoint}/_lambdrift/corrupt?{query}",
                                     data=b"", method="POST")
        urllib.request.urlopen(req, timeout=10).read()

    def verify(self, *args, tag=TAG, fmt="json", **kw):
        return self.stack.run("verify", "--repo", self.repo, "--tag", tag,
                              "--endpoint-url", self.stack.endpoint, "--region", stack.REGION,
                              "--runtime-table", self.table, "--format", fmt, *args, **kw)

    def rules(self, result):
        return {(f["rule"], f["function"]) for f in result.json["findings"]}

    def finding(self, result, rule, function):
        hits = [f for f in result.json["findings"]
                if f["rule"] == rule and f["function"] == function]
        self.assertEqual(len(hits), 1, msg=str(result))
        return hits[0]

    # -- the seeded situations ------------------------------------------------------------
    def test_packages_are_what_was_deployed(self):
        # Guard: the identical deployment really is byte-identical, the others are not.
        cfg = self.stack.aws("lambda", "get-function-configuration", "--function-name",
                             "ident", "--qualifier", "1")
        self.assertEqual(cfg["CodeSha256"], code_sha256(self.zips / "ident.package.zip"))
        cfg = self.stack.aws("lambda", "get-function-configuration", "--function-name",
                             "repack", "--qualifier", "1")
        self.assertNotEqual(cfg["CodeSha256"], code_sha256(self.zips / "repack.package.zip"))

    def test_exact_findings(self):
        r = self.verify()
        self.assertExit(r, 1)
        self.assertEqual(self.rules(r), expected())
        run = r.json["run"]
        self.assertEqual((run["command"], run["tag"], run["commit"]),
                         ("verify", TAG, self.commit))
        self.assertTrue(run["complete"], msg=str(r))
        self.assertEqual(sorted(f["name"] for f in r.json["functions"]),
                         sorted(n for n in FUNCTIONS if n != "missing-fn"))

    def test_code_drift_names_exactly_the_changed_files(self):
        r = self.verify()
        ev = self.finding(r, "code-drift", "drift-one")["evidence"]
        self.assertEqual((ev["added"], ev["removed"], ev["modified"]),
                         ([], [], [{"path": "pkg/core.py", "what": "content"}]))
        ev = self.finding(r, "code-drift", "drift-addrm")["evidence"]
        self.assertEqual((ev["added"], ev["removed"], ev["modified"]),
                         (["pkg/extra.py"], ["pkg/data/table.json"], []))
        ev = self.finding(r, "code-drift", "alias-old")["evidence"]
        self.assertEqual((ev["added"], ev["removed"], ev["modified"]),
                         ([], [], [{"path": "app.py", "what": "content"}]))
        f = self.finding(r, "code-drift", "alias-old")
        self.assertEqual(f["qualifier"], "live")
        self.assertIn("version 1", f["message"])

    def test_text_report_lists_the_files(self):
        r = self.verify(fmt="text")
        self.assertExit(r, 1)
        lines = r.stdout.splitlines()
        self.assertEqual(lines.count("drift-one (us-east-1)"), 1, msg=r.stdout)
        self.assertTrue(lines[0].startswith(f"lambdrift verify: tag {TAG} (commit {self.commit})"),
                        msg=str(r))
        i = next(i for i, line in enumerate(lines) if line.startswith("drift-addrm "))
        block = [line.strip() for line in lines[i + 1:i + 4]]
        self.assertEqual(block[1:], ["+ pkg/extra.py", "- pkg/data/table.json"], msg=r.stdout)
        self.assertIn("~ pkg/core.py (content)", [line.strip() for line in lines])

    def test_text_report_caps_the_file_list(self):
        r = self.verify("--function", "drift-many", fmt="text")
        self.assertExit(r, 1)
        listed = [line.strip() for line in r.stdout.splitlines() if line.strip().startswith("+ ")]
        self.assertEqual(listed, [f"+ gen/f{i:02d}.py" for i in range(20)], msg=r.stdout)
        self.assertIn("... and 5 more", r.stdout)
        ev = self.finding(self.verify("--function", "drift-many"), "code-drift",
                          "drift-many")["evidence"]
        self.assertEqual(ev["added"], [f"gen/f{i:02d}.py" for i in range(25)])

    def test_repackaged_is_not_drift(self):
        r = self.verify("--function", "repack*", "--function", "ident")
        self.assertExit(r, 0)
        self.assertEqual(self.rules(r), {("code-repackaged", "repack"),
                                         ("code-repackaged", "repack-py"),
                                         ("code-signing-missing", "repack"),
                                         ("code-signing-missing", "repack-py")})
        self.assertEqual(self.finding(r, "code-repackaged", "repack")["severity"], "note")

    def test_config_drift_names_the_field(self):
        r = self.verify("--function", "config-only")
        f = self.finding(r, "config-drift", "config-only")
        self.assertIn("Timeout", f["message"])
        self.assertNotIn("MemorySize", f["message"])

    def test_corrupted_download_is_package_integrity(self):
        r = self.verify("--function", "corrupt")
        self.assertExit(r, 1)
        self.assertEqual(self.rules(r), {("package-integrity", "corrupt"),
                                         ("code-signing-missing", "corrupt")})
        f = self.finding(r, "package-integrity", "corrupt")
        self.assertNotEqual(f["evidence"]["reported_code_sha256"],
                            f["evidence"]["downloaded_code_sha256"])

    def test_lightweight_tag(self):
        r = self.verify("--function", "ident", "--function", "drift-*", tag=LIGHT_TAG)
        self.assertExit(r, 1)
        self.assertEqual(self.rules(r), expected({"ident", "drift-one", "drift-addrm", "drift-many"}))
        self.assertEqual((r.json["run"]["tag"], r.json["run"]["commit"]),
                         (LIGHT_TAG, self.commit))

    def test_alias_option_overrides_the_spec(self):
        r = self.verify("--function", "ident", "--alias", "prod")
        self.assertExit(r, 1)
        self.assertEqual(self.rules(r), {("alias-missing", "ident")})

    # -- refusals: exit 2, before any AWS call ---------------------------------------------
    def test_branch_needs_allow_ref(self):
        r = self.verify(tag="main")
        self.assertExit(r, 2)
        self.assertIn("'main' is a branch", r.stderr)
        self.assertIn("--allow-ref", r.stderr)
        self.assertEqual(r.stdout, "")
        r = self.verify("--allow-ref", "--function", "ident", tag="main")
        self.assertExit(r, 0)
        self.assertEqual((r.json["run"]["tag"], r.json["run"]["commit"]), ("main", self.commit))

    def test_missing_tag(self):
        r = self.verify(tag="v9.9.9")
        self.assertExit(r, 2)
        self.assertIn("'v9.9.9' not found", r.stderr)
        self.assertEqual(r.stdout, "")

    def test_missing_repository(self):
        r = self.stack.run("verify", "--repo", Path(self.stack.tmp) / "nowhere", "--tag", TAG,
                           "--endpoint-url", self.stack.endpoint)
        self.assertExit(r, 2)
        self.assertIn("nowhere' does not exist; pass --repo DIR", r.stderr)

    def test_broken_spec_names_the_json_path(self):
        r = self.verify(tag=BROKEN_TAG)
        self.assertExit(r, 2)
        self.assertIn(f"{BROKEN_TAG}:lambdrift.json: functions[1].config.MemorySize:", r.stderr)
        spec = Path(self.stack.tmp) / "broken.json"
        spec.write_text('{ "lambdrift": 1,\n  "functions": [ { "name": "x", } ] }\n')
        r = self.verify("--spec", spec)
        self.assertExit(r, 2)
        self.assertIn("broken.json:2:", r.stderr)

    # -- offline ---------------------------------------------------------------------------
    def test_offline_inventory_and_strict(self):
        snap = Path(self.stack.tmp) / "snap.json"
        self.assertExit(self.stack.snapshot(snap), 0)
        base = ("verify", "--repo", self.repo, "--tag", TAG, "--inventory", snap,
                "--runtime-table", self.table, "--format", "json")
        r = self.stack.run(*base, "--function", "ident", "--function", "repack")
        self.assertExit(r, 0)
        rules = self.rules(r)
        # ident is one hash compare, offline too; repack would need a download
        self.assertIn(("code-unverified", "repack"), rules)
        self.assertNotIn(("code-unverified", "ident"), rules)
        self.assertEqual(self.finding(r, "code-unverified", "repack")["severity"], "warning")
        r = self.stack.run(*base, "--function", "ident", "--function", "repack", "--strict")
        self.assertExit(r, 1)
        self.assertEqual(self.finding(r, "code-unverified", "repack")["severity"], "error")

    # -- package ---------------------------------------------------------------------------
    def test_package_is_reproducible_and_valid(self):
        out = Path(self.stack.tmp) / "pkg"
        out.mkdir(exist_ok=True)
        clone = Path(self.stack.tmp) / "clone"
        if not clone.exists():
            subprocess.run(["git", "clone", "-q", str(self.repo), str(clone)], check=True,
                           capture_output=True, stdin=subprocess.DEVNULL)
        runs = [(self.repo, TAG, out / "a.zip"), (self.repo, TAG, out / "b.zip"),
                (self.repo, LIGHT_TAG, out / "c.zip"), (clone, TAG, out / "d.zip")]
        for repo, tag, path in runs:
            r = self.stack.run("package", "--repo", repo, "--tag", tag, "--function",
                               "drift-one", "-o", path)
            self.assertExit(r, 0)
        data = {p.read_bytes() for _, _, p in runs}
        self.assertEqual(len(data), 1, "package bytes differ between runs, tags or clones")
        t = subprocess.run(["unzip", "-t", str(out / "a.zip")], capture_output=True, text=True)
        self.assertEqual(t.returncode, 0, t.stdout + t.stderr)
        with zipfile.ZipFile(out / "a.zip") as z:
            self.assertIsNone(z.testzip())
            modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in z.infolist()}
            self.assertEqual(modes, {"app.py": 0o644, "pkg/__init__.py": 0o644,
                                     "pkg/core.py": 0o644, "pkg/data/table.json": 0o644,
                                     EXEC_FILE: 0o755})
            self.assertEqual({i.date_time for i in z.infolist()}, {(1980, 1, 1, 0, 0, 0)})
            self.assertEqual(z.read("pkg/core.py").decode(),
                             (self.repo / source_dir("drift-one") / "pkg/core.py").read_text())

    def test_package_to_stdout_equals_file(self):
        path = Path(self.stack.tmp) / "stdout-check.zip"
        self.assertExit(self.stack.run("package", "--repo", self.repo, "--tag", TAG,
                                       "--function", "ident", "-o", path), 0)
        p = subprocess.run([stack.lambdrift_bin(), "package", "--repo", str(self.repo), "--tag",
                            TAG, "--function", "ident", "-o", "-"], capture_output=True,
                           env=self.stack.env(), stdin=subprocess.DEVNULL, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, path.read_bytes())

    # -- secrets ---------------------------------------------------------------------------
    def test_no_secret_in_any_output(self):
        loc = self.stack.boto("lambda").get_function(FunctionName="repack",
                                                     Qualifier="1")["Code"]["Location"]
        signature = urllib.parse.parse_qs(urllib.parse.urlsplit(loc).query)["X-Amz-Signature"][0]
        canaries = [ENV_CANARY, ENV_CANARY_2, HASHED_CANARY, stack.FAKE_SECRET, signature]
        out = Path(self.stack.tmp) / "secrets-report.json"
        runs = [self.verify(), self.verify(fmt="text"), self.verify("-o", out),
                self.verify("--function", "secret-*", tag=BROKEN_TAG)]
        f = self.finding(runs[0], "config-drift", "secret-drift")
        self.assertIn("API_TOKEN", f["message"])
        for r in runs:
            for text, where in ((r.stdout, "stdout"), (r.stderr, "stderr"),
                                (out.read_text(), str(out))):
                for c in canaries:
                    for piece in (c, c[-12:]):
                        self.assertNotIn(piece, text, f"a secret ({c[:10]}...) leaked into "
                                         f"{where} of {' '.join(r.args)}")


if __name__ == "__main__":
    stack.main()
