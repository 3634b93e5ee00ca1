#!/usr/bin/env python3
"""Faults between lambdrift and Lambda never yield a clean report on missing data.

moto holds a small estate (two ListFunctions pages, aliases, a drifted $LATEST, an unpinned
alias, an unqualified trigger); bench/quota_proxy.py sits in front of it with Lambda's
quotas and injects one kind of fault per case: 429 TooManyRequestsException with
Retry-After, HTTP 500 and 503, TCP resets, truncated JSON (a complete HTTP message, and a
connection closed mid-body), and a response slower than the run's --timeout. Each fault is
tried transient (a few occurrences, which retries should absorb) and persistent (every
matching request, which nothing can absorb). For every case lambdrift must either
  - exit 0 or 1 with run.complete true and exactly the functions, versions, aliases and
    findings of the fault-free run, or
  - exit 3 with the report still written and run.complete false;
anything else (exit 0/1 with different data, exit 3 marked complete, no report) fails.
The persistent cases must end in exit 3 (the data cannot be had).
"""
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402

N_MANY = 55          # versions of one function: ListFunctions then needs two pages
TIMEOUT = 8          # lambdrift --timeout for every faulty run, seconds

# (name, faults, persistent): persistent cases cannot complete, transient ones may.
CASES = [
    ("throttle-transient", [{"kind": "throttle", "count": 3, "retry_after": 1}], False),
    ("throttle-storm", [{"kind": "throttle", "match": "ListAliases", "retry_after": 1}], True),
    ("status-500-transient", [{"kind": "status", "status": 500, "count": 2}], False),
    ("status-503-random", [{"kind": "status", "status": 503, "rate": 0.3, "count": 6}], False),
    ("status-503-persistent", [{"kind": "status", "status": 503,
                                "match": "ListEventSourceMappings"}], True),
    ("reset-transient", [{"kind": "reset", "count": 2}], False),
    ("reset-persistent", [{"kind": "reset", "match": "ListFunctions"}], True),
    ("truncate-once", [{"kind": "truncate", "match": "ListFunctions", "count": 1}], False),
    ("truncate-aliases", [{"kind": "truncate", "match": "ListAliases"}], True),
    ("cut-once", [{"kind": "cut", "count": 1}], False),
    ("cut-persistent", [{"kind": "cut", "match": "ListEventSourceMappings"}], True),
    ("slow-past-deadline", [{"kind": "slow", "match": "ListFunctions", "delay": TIMEOUT + 6}],
     True),
]


def shape(report):
    """What a complete scan must reproduce: functions with versions and aliases, findings."""
    fns = sorted((f["name"], f["region"], tuple(sorted(v["version"] if isinstance(v, dict)
                                                       else v for v in f["versions"])),
                  tuple(sorted((a["name"], a.get("function_version")) for a in f["aliases"])))
                 for f in report["functions"])
    finds = sorted((f["rule"], f["function"], f.get("qualifier") or "")
                   for f in report["findings"])
    return fns, finds


class Faults(stack.StackTestCase):
    proxy = None

    @classmethod
    def seed(cls):
        s = cls.stack
        lam = s.boto("lambda")
        role = s.role_arn()
        for i in range(6):
            lam.create_function(FunctionName=f"plain-{i}", Runtime="python3.12", Role=role,
                                Handler="app.handler", Code={"ZipFile": s.zip_bytes(f"p{i}")},
                                Publish=True)
            lam.create_alias(FunctionName=f"plain-{i}", Name="live", FunctionVersion="1")
        lam.create_function(FunctionName="many", Runtime="python3.12", Role=role,
                            Handler="app.handler", Code={"ZipFile": s.zip_bytes("m1")},
                            Publish=True)
        for v in range(2, N_MANY + 1):
            lam.update_function_code(FunctionName="many", ZipFile=s.zip_bytes(f"m{v}"),
                                     Publish=True)
        lam.create_alias(FunctionName="many", Name="live", FunctionVersion=str(N_MANY))
        lam.create_alias(FunctionName="many", Name="edge", FunctionVersion="$LATEST")
        lam.update_function_code(FunctionName="plain-0", ZipFile=s.zip_bytes("edited"))
        url = s.boto("sqs").create_queue(QueueName="jobs")["QueueUrl"]
        arn = s.boto("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        lam.create_event_source_mapping(FunctionName="plain-1",
                                        EventSourceArn=arn["Attributes"]["QueueArn"])
        cls.proxy = stack.FaultProxy(s.endpoint, s.tmp)

    @classmethod
    def tearDownClass(cls):
        if cls.proxy:
            cls.proxy.stop()
        super().tearDownClass()

    def scan(self, faults, timeout=None):
        self.proxy.post("/_bench/faults", faults)
        self.proxy.post("/_bench/reset", {})
        args = ["scan", "--endpoint-url", self.proxy.endpoint, "--region", stack.REGION,
                "--format", "json", "-q"]
        if timeout:
            args += ["--timeout", str(timeout)]
        started = time.monotonic()
        r = self.stack.run(*args, timeout=120)
        r.seconds = time.monotonic() - started
        self.proxy.post("/_bench/faults", [])
        return r

    def baseline(self):
        if not hasattr(type(self), "_baseline"):
            r = self.scan([])
            self.assertExit(r, 1)
            self.assertTrue(r.json["run"]["complete"], msg=str(r))
            fns, finds = shape(r.json)
            rules = {f[0] for f in finds}
            self.assertTrue({"latest-drift", "alias-unpinned", "trigger-unqualified"} <= rules,
                            msg=f"the estate should give these findings: {finds}")
            self.assertEqual(len(fns), 7)
            type(self)._baseline = (fns, finds)
        return type(self)._baseline

    def check_case(self, name, faults, persistent):
        base = self.baseline()
        r = self.scan(faults, timeout=TIMEOUT)
        injected = self.proxy.stats()["totals"]
        self.assertIn(r.code, (0, 1, 3), msg=f"{name}: {r}")
        report = r.json  # the report is written in every case, incomplete ones included
        complete = report["run"]["complete"]
        if r.code == 3:
            self.assertFalse(complete, msg=f"{name}: exit 3 but run.complete is true\n{r}")
        else:
            self.assertTrue(complete, msg=f"{name}: exit {r.code} with run.complete false\n{r}")
            self.assertEqual(shape(report), base,
                             msg=f"{name}: exit {r.code} (complete) but the data differs "
                                 f"from the fault-free run\n{r}")
        if persistent:
            self.assertEqual(r.code, 3, msg=f"{name}: a persistent fault cannot complete\n{r}")
        throttles = [f for f in faults if f["kind"] == "throttle" and not f.get("match")]
        if throttles and r.code != 3:
            # the first requests were answered 429 with Retry-After: each wait honours it
            floor = throttles[0]["count"] * throttles[0].get("retry_after", 1)
            self.assertGreaterEqual(r.seconds, 0.9 * floor,
                                    msg=f"{name}: Retry-After was not honoured\n{r}")
        self.assertLess(r.seconds, TIMEOUT + 20, msg=f"{name}: ran past its deadline\n{r}")
        print(f"  {name}: exit {r.code}, complete {complete}, {r.seconds:.1f}s, "
              f"injected {sum(c['injected'] for c in injected.values())}, "
              f"calls {report['run']['api_calls']}", file=sys.stderr)

    def test_fault_free_run_is_complete(self):
        self.baseline()


def make_test(name, faults, persistent):
    def test(self):
        self.check_case(name, faults, persistent)
    test.__name__ = "test_" + name.replace("-", "_")
    return test


for _name, _faults, _persistent in CASES:
    setattr(Faults, "test_" + _name.replace("-", "_"), make_test(_name, _faults, _persistent))


if __name__ == "__main__":
    stack.main()
