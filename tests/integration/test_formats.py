#!/usr/bin/env python3
"""Every report format from one scan of a live (moto) account, and baselines end to end.

One moto account, seeded with the AWS CLI, holds a clean release and one function per kind
of finding. lambdrift reaches it through a counting proxy, so the test sees how many API
requests a run made: writing JSON, SARIF, JUnit and Markdown in one run costs exactly the
requests of a single-format run (one scan, not four). The SARIF is validated against the
2.1.0 schema with jsonschema, the JUnit parsed with xml.etree (tests/tools/
validate_reports.py), and the fingerprints compared across formats and across runs. The
baseline test accepts findings, then checks hidden, expired (LAMBDRIFT_NOW past the expiry)
and stale (a finding fixed in the account) against the same account.
"""
import datetime
import http.client
import http.server
import json
import re
import sys
import tempfile
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import stack  # noqa: E402
import validate_reports  # noqa: E402

FAR = datetime.date.today() + datetime.timedelta(days=3 * 365)
EXPECTED = {
    ("latest-drift", "drifted", "$LATEST"),
    ("alias-split", "canary", "live"),
    ("unpublished", "draft", None),
    ("alias-unpinned", "floating", "live"),
} | stack.unsigned("drifted", "canary", "draft", "floating", "clean")


class CountingProxy:
    """A pass-through HTTP proxy in front of moto that counts the requests it forwards."""

    def __init__(self, target_port):
        self.count = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                with proxy.lock:
                    proxy.count += 1
                conn = http.client.HTTPConnection("127.0.0.1", target_port, timeout=60)
                conn.request(self.command, self.path, body=body,
                             headers={k: v for k, v in self.headers.items()})
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_GET = do_POST = do_PUT = do_DELETE = forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def reset(self):
        with self.lock:
            n, self.count = self.count, 0
        return n

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Formats(stack.StackTestCase):
    @classmethod
    def seed(cls):
        s = cls.stack
        cls.table = Path(s.tmp) / "runtimes.tsv"
        stack.runtime_table(cls.table, {"python3.12": FAR})

        def released(name):
            s.create_function(name)
            s.create_alias(name, "live", s.publish(name))

        released("clean")
        released("drifted")
        s.update_code("drifted", "edited in the console")
        s.create_function("canary")
        v1 = s.publish("canary")
        s.update_code("canary", "v2")
        v2 = s.publish("canary")
        s.create_alias("canary", "live", v2, weights={v1: 0.2})
        s.create_function("draft")
        s.create_function("floating")
        s.publish("floating")
        s.create_alias("floating", "live", "$LATEST")
        cls.proxy = CountingProxy(s.port)

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "proxy", None):
            cls.proxy.stop()
        super().tearDownClass()

    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(dir=self.stack.tmp))

    def scan(self, *args, env=None):
        """A scan through the proxy; returns (result, API requests it made)."""
        self.proxy.reset()
        r = self.stack.run("scan", "--endpoint-url", self.proxy.endpoint, "--region",
                           stack.REGION, "--runtime-table", self.table, *args, env=env)
        return r, self.proxy.reset()

    def path(self, name):
        return str(self.dir / name)

    def test_every_format_from_one_scan(self):
        single, single_calls = self.scan("--format", "json")
        self.assertExit(single, 1)
        self.assertEqual(single.findings(), EXPECTED)

        files = {f: self.path(f"report.{f}") for f in ("json", "sarif", "junit", "markdown")}
        args = []
        for fmt, path in files.items():
            args += ["--format", fmt, "--output", path]
        multi, multi_calls = self.scan(*args)
        self.assertExit(multi, 1)
        self.assertEqual(multi.stdout, "", msg=str(multi))
        # one scan: the same requests as a single-format run, and as the report says
        self.assertGreater(single_calls, 0)
        self.assertEqual(multi_calls, single_calls)
        doc = json.loads(Path(files["json"]).read_text())
        self.assertEqual(doc["run"]["api_calls"]["total"], multi_calls)
        self.assertEqual(single.json["run"]["api_calls"]["total"], single_calls)

        sarif_text = Path(files["sarif"]).read_text()
        self.assertEqual(validate_reports.check_sarif(sarif_text), [])
        sarif = json.loads(sarif_text)
        run = sarif["runs"][0]
        rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
        self.assertIn("latest-drift", rule_ids)
        self.assertTrue(all(r["helpUri"].endswith("#" + r["id"])
                            for r in run["tool"]["driver"]["rules"]))
        self.assertEqual({(r["ruleId"], r["properties"]["function"], r["properties"]["qualifier"])
                          for r in run["results"]}, EXPECTED)
        for r in run["results"]:
            arn = r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
            fn, q = r["properties"]["function"], r["properties"]["qualifier"]
            self.assertEqual(arn, self.stack.function_arn(fn, q))

        junit_text = Path(files["junit"]).read_text()
        self.assertEqual(validate_reports.check_junit(junit_text), [])
        root = ET.fromstring(junit_text)
        suite = root.find("testsuite[@name='us-east-1']")
        failed = {(c.get("classname"), c.get("name")) for c in suite.iter("testcase")
                  if c.find("failure") is not None}
        self.assertEqual(failed, {("us-east-1.drifted", "latest-drift"),
                                  ("us-east-1.floating", "alias-unpinned")})

        markdown = Path(files["markdown"]).read_text()
        self.assertTrue(markdown.startswith("## :x: lambdrift scan: 2 errors, 2 warnings"))

        # the same fingerprints in every format and in the single-format run
        fps = [f["fingerprint"] for f in doc["findings"]]
        self.assertEqual(fps, [f["fingerprint"] for f in single.json["findings"]])
        self.assertEqual(fps, [r["partialFingerprints"]["lambdrift/v1"] for r in run["results"]])
        self.assertEqual(sorted(fps), sorted(re.findall(r"^fingerprint: ([0-9a-f]{32})$",
                                                        junit_text, re.M)))

    def test_fingerprints_stable_across_runs(self):
        a, _ = self.scan("--format", "json")
        b, _ = self.scan("--format", "sarif")
        self.assertEqual(sorted(f["fingerprint"] for f in a.json["findings"]),
                         sorted(r["partialFingerprints"]["lambdrift/v1"]
                                for r in json.loads(b.stdout)["runs"][0]["results"]))
        c, _ = self.scan("--format", "json")
        self.assertEqual([f["fingerprint"] for f in a.json["findings"]],
                         [f["fingerprint"] for f in c.json["findings"]])

    def test_github_annotations(self):
        env = self.stack.env(GITHUB_ACTIONS="true")
        r, _ = self.scan("--format", "sarif", "-o", self.path("r.sarif"), env=env)
        self.assertExit(r, 1)
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), len(EXPECTED))
        self.assertTrue(all(re.match(r"^::(error|warning|notice) title=lambdrift [a-z-]+::", l)
                            for l in lines), lines)
        # a report on stdout stays clean; the annotations go to stderr
        r, _ = self.scan("--format", "json", env=env)
        self.assertEqual(len(r.json["findings"]), len(EXPECTED))
        self.assertEqual(len([l for l in r.stderr.splitlines() if l.startswith("::")]),
                         len(EXPECTED))


class Baseline(stack.StackTestCase):
    """Hidden, expired and stale against a live account; it changes the account, so it has
    a moto of its own."""

    @classmethod
    def seed(cls):
        s = cls.stack
        cls.table = Path(s.tmp) / "runtimes.tsv"
        stack.runtime_table(cls.table, {"python3.12": FAR})
        s.create_function("draft")        # unpublished: fixed later (stale)
        s.create_function("floating")
        s.publish("floating")
        s.create_alias("floating", "live", "$LATEST")  # alias-unpinned: stays

    def scan(self, *args, env=None):
        return self.stack.scan("--runtime-table", self.table, *args, env=env)

    def test_hidden_expired_stale(self):
        d = Path(tempfile.mkdtemp(dir=self.stack.tmp))
        report, base = str(d / "report.json"), str(d / "baseline.json")
        first = self.scan("-o", report)
        self.assertExit(first, 1)
        today = datetime.date.today()
        expires = (today + datetime.timedelta(days=30)).isoformat()
        made = self.stack.run("baseline", "create", report, "-o", base, "--reason",
                              "accepted for the nightly test", "--expires", expires)
        self.assertExit(made, 0)
        entries = json.loads(Path(base).read_text())["entries"]
        self.assertEqual({(e["rule"], e["function"]) for e in entries},
                         {("unpublished", "draft"), ("alias-unpinned", "floating"),
                          ("code-signing-missing", "draft"), ("code-signing-missing", "floating")})

        # hidden: nothing left, exit 0, counted in the summary
        hidden = self.scan("--baseline", base)
        self.assertExit(hidden, 0)
        self.assertEqual(hidden.json["findings"], [])
        self.assertEqual(hidden.json["summary"]["suppressed"], 4)
        self.assertEqual(hidden.json["summary"]["stale"], 0)

        # a new finding is reported while the accepted ones stay hidden
        self.stack.create_function("newcomer")
        new = self.scan("--baseline", base)
        self.assertExit(new, 0)  # unpublished is a warning
        self.assertEqual(new.findings(), {("unpublished", "newcomer", None)} |
                         stack.unsigned("newcomer"))
        self.assertEqual(new.json["summary"]["suppressed"], 4)

        # expired: from the expiry date on, the accepted findings come back
        expired = self.scan("--baseline", base, env=self.stack.env(LAMBDRIFT_NOW=expires))
        self.assertExit(expired, 1)
        self.assertEqual(expired.json["summary"]["expired"], 4)
        self.assertIn(("alias-unpinned", "floating", "live"), expired.findings())
        for f in expired.json["findings"]:
            if f["function"] != "newcomer":
                self.assertEqual(f["baseline"]["status"], "expired")

        # stale: fix draft in the account; its entry now matches nothing
        self.stack.publish("draft")
        stale = self.scan("--baseline", base)
        self.assertEqual([e["function"] for e in stale.json["baseline"]["stale"]], ["draft"])
        self.assertEqual(stale.json["summary"]["stale"], 1)
        self.assertEqual(stale.json["summary"]["suppressed"], 3)
        # the fingerprint of the finding that stayed is the one the baseline recorded
        kept = stale.json["baseline"]["suppressed"][0]
        self.assertIn(kept["fingerprint"], {e["fingerprint"] for e in entries})


if __name__ == "__main__":
    stack.main()
