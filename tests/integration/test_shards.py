#!/usr/bin/env python3
"""A sharded organisation scan: N jobs, one shard of --accounts each, then `lambdrift merge`.

Seven accounts (moto keeps accounts apart by the keys its STS AssumeRole hands out, see
test_accounts.py) in two regions, each with an unpinned alias, an unpublished function or
a pinned one. Checked: the shards of one --accounts list partition it (every account in
exactly one shard, the same partition from --shard I/N, from --shards N with a Kubernetes
Indexed Job's JOB_COMPLETION_INDEX, an AWS Batch array job's AWS_BATCH_JOB_ARRAY_INDEX and
LAMBDRIFT_SHARD), each shard's report records run.shard (deps' JSON list too), and the merge
of the N shard reports is byte-identical to the unsharded scan's report in JSON and SARIF; a
snapshot taken as a shard keeps its shard through `scan --inventory`; bad shard values are
usage errors (exit 2) before any request.
"""
import json
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402

ACCOUNTS = [f"1234567890{i:02d}" for i in range(1, 8)]
REGIONS = ["us-east-1", "eu-west-1"]
SHARDS = 3


class Shards(stack.StackTestCase):
    @classmethod
    def seed(cls):
        import boto3

        s = cls.stack
        for n, account in enumerate(ACCOUNTS):
            c = s.boto("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/Audit",
                                          RoleSessionName="seed")["Credentials"]
            creds = (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
            role = s.boto("iam", *creds).create_role(
                RoleName="exec", AssumeRolePolicyDocument=stack.LAMBDA_TRUST)["Role"]["Arn"]
            for region in REGIONS[: 1 + n % 2]:
                lam = boto3.client("lambda", endpoint_url=s.endpoint, region_name=region,
                                   aws_access_key_id=creds[0], aws_secret_access_key=creds[1],
                                   aws_session_token=creds[2])
                for name, how in (("api", n % 3), ("worker", (n + 1) % 3)):
                    lam.create_function(FunctionName=name, Runtime="python3.12", Role=role,
                                        Handler="app.handler",
                                        Code={"ZipFile": s.zip_bytes(f"{account}-{name}")})
                    if how == 0:
                        continue  # unpublished
                    version = lam.publish_version(FunctionName=name)["Version"]
                    lam.create_alias(FunctionName=name, Name="live",
                                     FunctionVersion="$LATEST" if how == 1 else version)

    def env(self, **extra):
        return self.stack.env(AWS_ENDPOINT_URL_STS=self.stack.endpoint,
                              LAMBDRIFT_NOW="2026-11-25", **extra)

    def scan(self, out, *args, env=None, fmt="json", command="scan"):
        return self.stack.run(command, "--endpoint-url", self.stack.endpoint,
                              "--region", ",".join(REGIONS), "--role-name", "Audit",
                              "--accounts", ",".join(ACCOUNTS), "--parallel", "1",
                              *(("--format", fmt, "--fail-on", "none") if command == "scan"
                                else ()), "--output", out, *args, env=env or self.env())

    def path(self, name):
        return str(Path(self.stack.tmp) / name)

    def shard_reports(self, how, fmt="json"):
        """Run every shard the way `how` says; return the report paths."""
        paths = []
        for i in range(SHARDS):
            out = self.path(f"{how}-{i + 1}.{fmt}")
            if how == "flag":
                r = self.scan(out, "--shard", f"{i + 1}/{SHARDS}", fmt=fmt)
            elif how == "k8s":
                r = self.scan(out, "--shards", SHARDS, fmt=fmt,
                              env=self.env(JOB_COMPLETION_INDEX=str(i)))
            elif how == "batch":
                r = self.scan(out, "--shards", SHARDS, fmt=fmt,
                              env=self.env(AWS_BATCH_JOB_ARRAY_INDEX=str(i)))
            else:
                r = self.scan(out, fmt=fmt, env=self.env(LAMBDRIFT_SHARD=f"{i + 1}/{SHARDS}"))
            self.assertExit(r, 0)
            paths.append(out)
        return paths

    def accounts_of(self, path):
        doc = json.loads(Path(path).read_text())
        return {f["arn"].split(":")[4] for f in doc["functions"]}

    def test_shards_partition_and_merge_to_the_unsharded_report(self):
        full = self.path("full.json")
        self.assertExit(self.scan(full), 0)
        shards = self.shard_reports("flag")
        seen = []
        for i, p in enumerate(shards):
            doc = json.loads(Path(p).read_text())
            self.assertEqual(doc["run"]["shard"], {"index": i + 1, "count": SHARDS})
            self.assertTrue(doc["run"]["complete"])
            seen += sorted(self.accounts_of(p))
        self.assertEqual(sorted(seen), ACCOUNTS, msg="every account in exactly one shard")
        self.assertTrue(all(self.accounts_of(p) for p in shards), msg="seven over three")
        merged = self.path("merged.json")
        r = self.stack.run("merge", *shards, "--expect-shards", SHARDS, "--format", "json",
                           "-o", merged, "--fail-on", "none", env=self.env())
        self.assertExit(r, 0)
        self.assertEqual(Path(merged).read_text(), Path(full).read_text())
        self.assertNotIn("shard", json.loads(Path(merged).read_text())["run"])
        sarif = self.path("merged.sarif")
        r = self.stack.run("merge", *shards, "--format", "sarif", "-o", sarif,
                           "--fail-on", "none", env=self.env())
        self.assertExit(r, 0)
        full_sarif = self.path("full.sarif")
        self.assertExit(self.scan(full_sarif, fmt="sarif"), 0)
        self.assertEqual(Path(sarif).read_text(), Path(full_sarif).read_text())

    def test_empty_shards_still_report_and_merge(self):
        # twelve shards of seven accounts: at least five hold none
        full = self.path("full12.json")
        self.assertExit(self.scan(full), 0)
        shards = []
        for i in range(12):
            out = self.path(f"of12-{i + 1}.json")
            self.assertExit(self.scan(out, "--shard", f"{i + 1}/12"), 0)
            shards.append(out)
        empty = [p for p in shards if not self.accounts_of(p)]
        self.assertGreaterEqual(len(empty), 5)
        doc = json.loads(Path(empty[0]).read_text())
        self.assertTrue(doc["run"]["complete"])
        self.assertEqual(doc["functions"], [])
        merged = self.path("merged12.json")
        r = self.stack.run("merge", *shards, "--expect-shards", 12, "--format", "json",
                           "-o", merged, "--fail-on", "none", env=self.env())
        self.assertExit(r, 0)
        self.assertEqual(Path(merged).read_text(), Path(full).read_text())

    def test_scheduler_indexes_give_the_same_shards(self):
        flag = self.shard_reports("flag")
        for how in ("k8s", "batch", "env"):
            for a, b in zip(flag, self.shard_reports(how)):
                self.assertEqual(Path(a).read_text(), Path(b).read_text(), msg=how)

    def test_a_missing_shard_makes_the_merge_incomplete(self):
        shards = self.shard_reports("flag")
        r = self.stack.run("merge", shards[0], shards[2], "--format", "json",
                           "--fail-on", "none", env=self.env())
        self.assertExit(r, 3)
        self.assertIn("shard 2/3", r.stderr)

    def test_snapshot_shard_survives_an_offline_scan(self):
        snap = self.path("snap-2.json")
        r = self.scan(snap, "--shard", f"2/{SHARDS}", command="snapshot")
        self.assertExit(r, 0)
        self.assertEqual(json.loads(Path(snap).read_text())["shard"],
                         {"index": 2, "count": SHARDS})
        r = self.stack.run("scan", "--inventory", snap, "--format", "json", "--fail-on", "none",
                           env=self.env())
        self.assertExit(r, 0)
        self.assertEqual(r.json["run"]["shard"], {"index": 2, "count": SHARDS})
        self.assertEqual({f["arn"].split(":")[4] for f in r.json["functions"]},
                         self.accounts_of(self.shard_reports("flag")[1]))

    def test_deps_reports_record_their_shard(self):
        # deps writes scan's run object: the shard is recorded there too
        for i in range(SHARDS):
            out = self.path(f"deps-{i + 1}.json")
            r = self.scan(out, "--shard", f"{i + 1}/{SHARDS}", "--format", "json",
                          command="deps")
            self.assertExit(r, 0)
            doc = json.loads(Path(out).read_text())
            self.assertEqual(doc["schema"], "lambdrift/deps/v1")
            self.assertEqual(doc["run"]["shard"], {"index": i + 1, "count": SHARDS})
        out = self.path("deps-full.json")
        self.assertExit(self.scan(out, "--format", "json", command="deps"), 0)
        self.assertNotIn("shard", json.loads(Path(out).read_text())["run"])

    def test_bad_values_are_usage_errors(self):
        out = self.path("bad.json")
        cases = [
            (("--shard", "0/3"), None, "is not I/N with 1 <= I <= N"),
            (("--shard", "4/3"), None, "is not I/N with 1 <= I <= N"),
            (("--shard", "1/"), None, "is not I/N with 1 <= I <= N"),
            (("--shard", "x/3"), None, "is not I/N with 1 <= I <= N"),
            (("--shard", "1/3", "--shards", "3"), None, "not both"),
            (("--shards", "3"), None, "needs the shard's index"),
            (("--shards", "3"), {"JOB_COMPLETION_INDEX": "3"}, "JOB_COMPLETION_INDEX is '3'"),
            (("--shards", "3"), {"AWS_BATCH_JOB_ARRAY_INDEX": "-1"},
             "AWS_BATCH_JOB_ARRAY_INDEX is '-1'"),
            ((), {"LAMBDRIFT_SHARD": "2"}, "LAMBDRIFT_SHARD wants I/N"),
        ]
        for args, env, message in cases:
            r = self.scan(out, *args, env=self.env(**(env or {})))
            self.assertExit(r, 2)
            self.assertIn(message, r.stderr, msg=str(r))
        r = self.stack.run("scan", "--endpoint-url", self.stack.endpoint, "--region",
                           REGIONS[0], "--shard", "1/2", env=self.env())
        self.assertExit(r, 2)
        self.assertIn("a shard is a share of the accounts of --accounts", r.stderr)
        self.assertFalse(Path(out).exists(), msg="no report for a usage error")


if __name__ == "__main__":
    stack.main()
