#!/usr/bin/env python3
"""Every scan rule fires exactly where the seeded account says it should, and nowhere else.

One moto account holds one function per situation, deployed with the AWS CLI. The runtime
table is the test's own (--runtime-table), with dates relative to today, so the
runtime-deprecating window never goes stale.
"""
import datetime
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402

TODAY = datetime.date.today()
FAR = TODAY + datetime.timedelta(days=3 * 365)
SOON = TODAY + datetime.timedelta(days=90)       # inside the default 180-day horizon
PAST = datetime.date(2024, 10, 14)

# Functions of the seeded account, and the findings each must produce: (rule, qualifier).
# Every function but clean (signed, its config enforcing) also has no code signing config.
UNSIGNED = ("code-signing-missing", None)
EXPECTED = {
    "clean": set(),
    "drift-code": {("latest-drift", "$LATEST"), UNSIGNED},
    "drift-config": {("latest-drift", "$LATEST"), UNSIGNED},
    "alias-on-latest": {("alias-unpinned", "live"), UNSIGNED},
    "alias-weighted": {("alias-split", "live"), UNSIGNED},
    "old-runtime": {("runtime-deprecated", "$LATEST"), UNSIGNED},
    "aging-runtime": {("runtime-deprecating", "$LATEST"), UNSIGNED},
    "never-published": {("unpublished", None), UNSIGNED},
    "trigger-unqualified": {("trigger-unqualified", "$LATEST"), UNSIGNED},
    "trigger-latest": {("trigger-unqualified", "$LATEST"), UNSIGNED},
    "trigger-alias": {UNSIGNED},
}


def expected(functions=None):
    return {(rule, fn, q) for fn, items in EXPECTED.items()
            if functions is None or fn in functions for rule, q in items}


class ScanRules(stack.StackTestCase):
    @classmethod
    def seed(cls):
        s = cls.stack
        cls.table = Path(s.tmp) / "runtimes.tsv"
        stack.runtime_table(cls.table, {"python3.12": FAR, "python3.8": PAST,
                                        "nodejs22.x": SOON})

        def released(name, runtime="python3.12"):
            s.create_function(name, runtime=runtime)
            s.create_alias(name, "live", s.publish(name))

        released("clean")
        s.sign("clean")
        released("drift-code")
        s.update_code("drift-code", "hotfix edited in the console")
        released("drift-config")
        s.update_config("drift-config", "--timeout", "30")
        s.create_function("alias-on-latest")
        s.publish("alias-on-latest")
        s.create_alias("alias-on-latest", "live", "$LATEST")
        s.create_function("alias-weighted")
        v1 = s.publish("alias-weighted")
        s.update_code("alias-weighted", "v2")
        v2 = s.publish("alias-weighted")
        s.create_alias("alias-weighted", "live", v2, weights={v1: 0.25})
        released("old-runtime", runtime="python3.8")
        released("aging-runtime", runtime="nodejs22.x")
        s.create_function("never-published")
        queue = s.queue_arn("orders")
        for name in ("trigger-unqualified", "trigger-latest", "trigger-alias"):
            released(name)
        s.create_trigger("trigger-unqualified", queue)
        s.create_trigger("trigger-latest:$LATEST", queue)
        s.create_trigger(s.function_arn("trigger-alias", "live"), queue)

    def scan(self, *args, **kw):
        return self.stack.scan("--runtime-table", self.table, *args, **kw)

    def test_every_rule_fires_exactly_where_expected(self):
        r = self.scan()
        self.assertExit(r, 1)
        self.assertEqual(r.findings(), expected(), msg=str(r))
        self.assertTrue(r.json["run"]["complete"], msg=str(r))
        self.assertEqual(r.json["schema"], "lambdrift/report/v1")
        self.assertEqual({f["name"] for f in r.json["functions"]}, set(EXPECTED))
        self.assertEqual(r.json["summary"]["functions"], len(EXPECTED))

    def test_clean_function_has_no_finding(self):
        r = self.scan("--function", "clean")
        self.assertExit(r, 0)
        self.assertEqual(r.json["findings"], [], msg=str(r))
        self.assertEqual([f["name"] for f in r.json["functions"]], ["clean"])

    def test_latest_drift_says_code_or_which_config_field(self):
        r = self.scan("--function", "drift-*")
        self.assertExit(r, 1)
        by_fn = {f["function"]: f for f in r.json["findings"] if f["rule"] == "latest-drift"}
        self.assertEqual(set(by_fn), {"drift-code", "drift-config"}, msg=str(r))
        config = json.dumps(by_fn["drift-config"])
        self.assertIn("Timeout", config, msg=config)
        self.assertNotIn("Timeout", json.dumps(by_fn["drift-code"]))
        self.assertRegex(json.dumps(by_fn["drift-code"]).lower(), "code")

    def test_function_filter(self):
        r = self.scan("--function", "trigger-*", "--function", "never-published")
        self.assertExit(r, 0)  # warnings only, below the default --fail-on error
        names = {"trigger-unqualified", "trigger-latest", "trigger-alias", "never-published"}
        self.assertEqual(r.findings(), expected(names), msg=str(r))
        self.assertEqual({f["name"] for f in r.json["functions"]}, names)

    def test_fail_on(self):
        self.assertExit(self.scan("--fail-on", "none"), 0)
        # only warnings here: below the default threshold (error), at --fail-on warning
        warn = ("--function", "never-published", "--function", "alias-weighted")
        self.assertExit(self.scan(*warn), 0)
        self.assertExit(self.scan(*warn, "--fail-on", "warning"), 1)

    def test_text_report(self):
        r = self.scan(fmt="text")
        self.assertExit(r, 1)
        for rule in {rule for rule, _, _ in expected()}:
            self.assertIn(rule, r.stdout)
        self.assertNotIn("clean:", r.stdout)

    def test_default_runtime_table_knows_python38_is_deprecated(self):
        r = self.stack.scan("--function", "old-runtime")
        self.assertExit(r, 1)
        self.assertIn(("runtime-deprecated", "old-runtime", "$LATEST"), r.findings(),
                      msg=str(r))

    def test_snapshot_then_inventory_scan_gives_the_same_findings(self):
        snap = Path(self.stack.tmp) / "inventory.json"
        r = self.stack.snapshot(snap)
        self.assertExit(r, 0)
        online = self.scan()
        offline = self.stack.run("scan", "--inventory", snap, "--format", "json",
                                 "--runtime-table", self.table)
        self.assertExit(offline, 1)
        self.assertEqual(offline.findings(), online.findings())
        fp = lambda res: sorted(f["fingerprint"] for f in res.json["findings"])  # noqa: E731
        self.assertEqual(fp(offline), fp(online))

    def test_trigger_on_latest_arn_from_snapshot(self):
        # moto stores a mapping made on NAME:$LATEST unqualified; AWS keeps ":$LATEST".
        # Rewrite the snapshot to hold what AWS reports, and check the rule sees it.
        snap = Path(self.stack.tmp) / "inventory-latest.json"
        self.assertExit(self.stack.snapshot(snap, "--function", "trigger-*"), 0)
        doc = json.loads(snap.read_text())
        plain = self.stack.function_arn("trigger-latest")
        self.assertGreater(rewrite(doc, plain, plain + ":$LATEST"), 0,
                           "no trigger of trigger-latest in the snapshot")
        snap.write_text(json.dumps(doc))
        r = self.stack.run("scan", "--inventory", snap, "--format", "json",
                           "--runtime-table", self.table, "--fail-on", "warning")
        self.assertExit(r, 1)
        names = {"trigger-unqualified", "trigger-latest", "trigger-alias"}
        self.assertEqual(r.findings(), expected(names), msg=str(r))


def rewrite(node, old, new):
    """Replace string values equal to old under any "function_arn" key; count them."""
    n = 0
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "function_arn" and v == old:
                node[k] = new
                n += 1
            else:
                n += rewrite(v, old, new)
    elif isinstance(node, list):
        for v in node:
            n += rewrite(v, old, new)
    return n


if __name__ == "__main__":
    stack.main()
