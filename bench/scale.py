#!/usr/bin/env python3
"""Organisation-scale scan bench: lambdrift against two boto3 peers, behind Lambda's quotas.

Usage: bench/scale.py [--quick] [--functions N] [--accounts N] [--regions R1,R2,..]
           [--latency-ms 30] [--rate control=15 ...] [--seed 1] [--lambdrift PATH]
           [--skip-peers] [--lambdrift-per-account] [--offline-rss N | --no-offline-rss | --offline-only]
           [--posture]
           [--json FILE] [--work DIR]

In one invocation: start moto (bench/moto_bench.py) and the quota proxy (bench/quota_proxy.py,
latency and per account-region token buckets as Lambda publishes them), seed the estate
(bench/seed_estate.py: by default 1,000 functions over 2 accounts x 3 regions; --quick: 100
functions, 1 account x 2 regions), then run, one after another and each from a reset proxy:
  lambdrift       `lambdrift scan` (Release build; built in build-bench-scale when missing),
                  once for all accounts (--accounts with a role, assumed through moto's
                  STS); --lambdrift-per-account runs it once per account instead, in turn.
  peer-sequential bench/peer_sequential.py: plain boto3, one call at a time, default retries
  peer-threads    bench/peer_threads.py: boto3, 8 worker threads, standard retry mode
and print for each: wall time, API calls by quota class (from the proxy: every request that
reached it, throttled ones included), throttled responses, errors, calls lost, completeness,
CPU time (user+sys of the process tree, from wait4), peak RSS (wait4's ru_maxrss), findings.
The bound is the largest account-region's minimum count of 15 req/s-class calls (the
estate's minimum by docs/ARCHITECTURE.md's method, seed_estate.py computes it) / 15 req/s; each
wall time is given as a ratio of it. Then the targets of the issue are checked one by one.
The offline figure: a synthetic 10,000-function inventory (lambdrift/inventory/v1, the
estate's version distribution unless --offline-versions says otherwise) and the peak RSS of
`lambdrift scan --inventory` on it.
--posture: instead of the peers, lambdrift twice on the same estate, posture on (the default
scan) and off (`--skip-rule` for every posture rule of the security posture issue that
`lambdrift rules` lists), and the posture targets: posture on makes at most 5% more calls of
the 15/s control class than off, and its wall time stays within 1.15 x the bound of the
busiest quota class, the largest over account-regions and classes of (fewest calls of the
class / its rate): the control minimum above, and for GetPolicy (its own 15/s class) one
call for each function and each alias.
Every process this script starts is stopped by it (by pid) before it exits.
"""
import argparse
import datetime
import json
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import types
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
import seed_estate  # noqa: E402

NOW = "2026-06-01"          # the date every tool judges runtime deadlines at
# the rules of the security posture issue; --posture's "off" run skips those lambdrift knows
POSTURE_RULES = ("role-overprivileged", "env-plaintext-secret", "env-default-key",
                 "logging-denied", "log-retention", "url-public", "policy-public",
                 "concurrency-unbounded", "code-signing-unenforced", "code-signing-missing",
                 "layer-foreign")
CONTROL_RATE_DEFAULT = 15.0
MIB = 1024 * 1024


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- processes

class Procs:
    """Background servers started here, stopped here (by pid, SIGTERM then SIGKILL)."""

    def __init__(self):
        self.items = []

    def start(self, name, cmd, port_file, logpath, timeout=60):
        logf = open(logpath, "wb")
        p = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL)
        self.items.append((name, p, logf))
        deadline = time.monotonic() + timeout
        while not Path(port_file).exists():
            if p.poll() is not None:
                raise RuntimeError(f"{name} exited early; see {logpath}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start within {timeout}s; see {logpath}")
            time.sleep(0.1)
        return p, int(Path(port_file).read_text().strip())

    def stop(self):
        for name, p, logf in reversed(self.items):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
            logf.close()
        self.items = []


def cpu_seconds_of(pid):
    """user+sys seconds a running process has used so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def measured(cmd, env, stdout_path, timeout):
    """Run cmd to its end: (exit code, wall s, user+sys s, peak RSS bytes), via wait4."""
    start = time.monotonic()
    with open(stdout_path, "wb") as out, open(str(stdout_path) + ".stderr", "wb") as err:
        p = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                             cwd=str(REPO))
        timer = threading.Timer(timeout, lambda: p.poll() is None and p.kill())
        timer.start()
        try:
            _, status, ru = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
        p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - start
    return p.returncode, wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss * 1024


# ------------------------------------------------------------------------------ the proxy

def proxy_call(port, path, body=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body,
                                 method="POST" if body is not None else "GET")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def calls_by_class(stats):
    out = {}
    for where, per in stats["accounts_regions"].items():
        for cls, c in per.items():
            t = out.setdefault(cls, {"requests": 0, "throttled": 0, "admitted": 0})
            for k in t:
                t[k] += c[k]
    return out


def control_per_region(stats):
    return {where: per.get("control", {}).get("requests", 0)
            for where, per in stats["accounts_regions"].items()}


# ------------------------------------------------------------------------------- the tools

def clean_env(work, extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    cfg, creds = Path(work) / "aws-config", Path(work) / "aws-credentials"
    for p in (cfg, creds):
        if not p.exists():
            p.write_text("")
    env.update({"AWS_CONFIG_FILE": str(cfg), "AWS_SHARED_CREDENTIALS_FILE": str(creds),
                "AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": "", "NO_COLOR": "1",
                "LAMBDRIFT_NOW": NOW, "CI": "1"})
    env.update(extra)
    return env


def account_args(estate):
    """lambdrift's multi-account arguments: every account, through the role "bench"."""
    return ["--accounts", ",".join(a["id"] for a in estate["accounts"]), "--role-name", "bench"]


def write_profiles(work, estate):
    lines = []
    for a in estate["accounts"]:
        lines += [f"[bench-{a['id']}]", f"aws_access_key_id = {a['key']}",
                  "aws_secret_access_key = bench", ""]
    (Path(work) / "aws-credentials").write_text("\n".join(lines))


def lambdrift_runs(binary, endpoint, estate, work, multi, extra=(), tag=""):
    """(label, cmd, env, output) of each lambdrift process, in the order they run."""
    base = [binary, "scan", "-q", "--endpoint-url", endpoint, "--region",
            ",".join(estate["regions"]), "--format", "json", "--fail-on", "none", *extra]
    if multi:
        write_profiles(work, estate)
        out = Path(work) / f"lambdrift{tag}-all.json"
        return [("all accounts", base + account_args(estate) + ["-o", str(out)],
                 clean_env(work, {"AWS_ACCESS_KEY_ID": "AKIDBASEBENCH", "AWS_SECRET_ACCESS_KEY": "bench",
                                  "AWS_ENDPOINT_URL_STS": endpoint}), out)]
    runs = []
    for a in estate["accounts"]:
        out = Path(work) / f"lambdrift{tag}-{a['id']}.json"
        env = clean_env(work, {"AWS_ACCESS_KEY_ID": a["key"], "AWS_SECRET_ACCESS_KEY": "bench"})
        runs.append((a["id"], base + ["-o", str(out)], env, out))
    return runs


def run_lambdrift(binary, port, estate, work, multi, timeout, extra=(), tag=""):
    endpoint = f"http://127.0.0.1:{port}"
    proxy_call(port, "/_bench/reset", b"")
    res = {"tool": "lambdrift", "wall": 0.0, "cpu": 0.0, "rss": 0, "exit": [], "complete": True,
           "by_rule": {}, "functions": 0, "errors": 0, "retries": 0, "own_throttled": 0,
           "problems": 0, "findings": []}
    for label, cmd, env, out in lambdrift_runs(binary, endpoint, estate, work, multi, extra, tag):
        rc, wall, cpu, rss = measured(cmd, env, Path(work) / f"stdout{tag}-{label}.txt", timeout)
        res["wall"] += wall
        res["cpu"] += cpu
        res["rss"] = max(res["rss"], rss)
        res["exit"].append(rc)
        try:
            report = json.loads(Path(out).read_text())
        except (OSError, ValueError):
            res["complete"] = False
            res["problems"] += 1
            continue
        run = report["run"]
        res["complete"] &= bool(run.get("complete")) and rc in (0, 1)
        res["problems"] += len(run.get("problems") or [])
        calls = run.get("api_calls", {})
        res["errors"] += calls.get("errors", 0)
        res["retries"] += calls.get("retries", 0)
        res["own_throttled"] += calls.get("throttled", 0)
        res["functions"] += len(report.get("functions", []))
        acct = run.get("account")
        owner = {}
        for fn in report.get("functions", []):
            owner.setdefault((fn["region"], fn["name"]), set()).add(fn.get("account") or fn["arn"].split(":")[4])
        for f in report.get("findings", []):
            fa = f.get("account") or acct
            if fa is None and len(owner.get((f["region"], f["function"]), ())) == 1:
                fa = next(iter(owner[(f["region"], f["function"])]))
            res["by_rule"][f["rule"]] = res["by_rule"].get(f["rule"], 0) + 1
            res["findings"].append([f["rule"], fa, f["region"], f["function"],
                                    f.get("qualifier")])
    res["stats"] = proxy_call(port, "/_bench/stats")
    res["trace"] = proxy_call(port, "/_bench/trace")
    (Path(work) / f"trace{tag}.json").write_text(json.dumps(res["trace"]))
    res["label"] = ("lambdrift (all accounts, one process)" if multi else
                    f"lambdrift ({len(estate['accounts'])} run{'s' if len(estate['accounts']) > 1 else ''}, "
                    "one per account, in turn)")
    return res


def run_peer(name, port, estate_path, work, timeout):
    proxy_call(port, "/_bench/reset", b"")
    out = Path(work) / f"{name}.json"
    cmd = [sys.executable, str(BENCH / f"{name.replace('-', '_')}.py"), "--endpoint-url",
           f"http://127.0.0.1:{port}", "--estate", str(estate_path), "--now", NOW,
           "--output", str(out)]
    rc, wall, cpu, rss = measured(cmd, clean_env(work, {}), Path(work) / f"stdout-{name}.txt",
                                  timeout)
    res = {"tool": name, "label": name, "wall": wall, "cpu": cpu, "rss": rss, "exit": [rc]}
    try:
        r = json.loads(out.read_text())
    except (OSError, ValueError):
        r = {"complete": False, "lost": -1, "by_rule": {}, "functions": 0, "findings": []}
    res.update({"complete": r["complete"] and rc == 0, "lost": r["lost"],
                "by_rule": r["by_rule"], "functions": r["functions"],
                "findings": r["findings"], "errors": r["lost"],
                "lost_detail": r.get("lost_detail", [])})
    res["stats"] = proxy_call(port, "/_bench/stats")
    return res


# ------------------------------------------------------------------------ offline RSS

def synthetic_inventory(path, n_functions, versions_of, seed=7):
    """A lambdrift/inventory/v1 file of n_functions, like a real snapshot's entries."""
    rng = random.Random(seed)
    acct, region = "123456789012", "us-east-1"
    runtimes = [r for r, _ in seed_estate.RUNTIMES]
    total = 0
    with open(path, "w") as f:
        f.write('{"schema":"lambdrift/inventory/v1","account":"%s","partition":"aws",'
                '"regions":["%s"],"collected_at":"2026-06-01T00:00:00Z",'
                '"digest_key_id":"0123456789abcdef","complete":true,"problems":[],'
                '"api_calls":{"control":0,"get_function":0,"sts":0,"throttled":0,'
                '"retries":0,"errors":0},"functions":[' % (acct, region))
        for i in range(n_functions):
            name = f"fn-{i:06d}"
            arn = f"arn:aws:lambda:{region}:{acct}:function:{name}"
            rt = rng.choice(runtimes)
            n = versions_of(rng)
            total += n
            vers = []
            for v in ["$LATEST"] + [str(k) for k in range(1, n + 1)]:
                vers.append({"version": v, "arn": f"{arn}:{v}",
                             "code_sha256": f"{rng.getrandbits(256):064x}"[:43] + "=",
                             "runtime": rt, "package_type": "Zip",
                             "last_modified": "2026-05-01T10:00:00.000+0000",
                             "config": {"Handler": "app.handler", "MemorySize": 128,
                                        "Role": f"arn:aws:iam::{acct}:role/lambda-exec",
                                        "Runtime": rt, "Timeout": 15}})
            aliases = [{"name": nm, "arn": f"{arn}:{nm}",
                        "function_version": str(n) if n else "$LATEST", "weights": {}}
                       for nm in seed_estate.ALIAS_NAMES[:rng.randint(1, 3)]]
            f.write(("," if i else "") + json.dumps(
                {"name": name, "region": region, "arn": arn, "versions": vers,
                 "aliases": aliases}, separators=(",", ":")))
        f.write('],"triggers":[]}')
    return total


def offline_rss(binary, work, n_functions, dist, timeout):
    sigma = seed_estate.sigma_for(dist["median"], dist["p_over_100"])
    cap = dist["max"]

    def versions_of(rng):
        if dist.get("fixed") is not None:
            return dist["fixed"]
        return max(1, min(cap, int(round(rng.lognormvariate(math.log(dist["median"]), sigma)))))

    path = Path(work) / f"inventory-{n_functions}.json"
    versions = synthetic_inventory(path, n_functions, versions_of)
    size = path.stat().st_size
    cmd = [binary, "scan", "-q", "--inventory", str(path), "--format", "json",
           "--fail-on", "none", "-o", str(Path(work) / "offline-report.json")]
    rc, wall, cpu, rss = measured(cmd, clean_env(work, {}), Path(work) / "stdout-offline.txt",
                                  timeout)
    err = Path(str(Path(work) / "stdout-offline.txt") + ".stderr").read_text()[-400:]
    path.unlink()
    return {"functions": n_functions, "versions": versions, "file_bytes": size, "exit": rc,
            "wall": wall, "cpu": cpu, "rss": rss, "stderr": err.strip()}


# ------------------------------------------------------------------------------ reporting

def summarise(res, estate, rate):
    by_class = calls_by_class(res["stats"])
    control = by_class.get("control", {"requests": 0, "throttled": 0})
    total = sum(c["requests"] for c in by_class.values())
    throttled = sum(c["throttled"] for c in by_class.values())
    per_region = control_per_region(res["stats"])
    res.update({"calls": {k: v["requests"] for k, v in by_class.items()},
                "calls_total": total, "throttled": throttled,
                "throttled_pct": 100.0 * throttled / total if total else 0.0,
                "control_calls": control["requests"],
                "control_per_region": per_region,
                "own_bound": max(per_region.values(), default=0) / rate})
    return res


def print_table(results, estate, bound, minimum_total, rate):
    cols = ["tool", "wall s", "x bound", "15/s calls", "x min", "GetFunc", "throttled",
            "errors", "lost", "complete", "CPU s", "RSS MiB", "findings"]
    rows = []
    for r in results:
        rows.append([r["label"], f"{r['wall']:.1f}", f"{r['wall'] / bound:.2f}",
                     str(r["control_calls"]), f"{r['control_calls'] / minimum_total:.3f}",
                     str(r["calls"].get("get_function", 0)),
                     f"{r['throttled']} ({r['throttled_pct']:.1f}%)",
                     str(r.get("errors", 0)), str(r.get("lost", r.get("problems", 0))),
                     "yes" if r["complete"] else "NO", f"{r['cpu']:.1f}",
                     f"{r['rss'] / MIB:.1f}", str(sum(r["by_rule"].values()))])
    widths = [max(len(c), *(len(row[i]) for row in rows)) for i, c in enumerate(cols)]
    line = lambda vals: "  ".join(v.ljust(w) for v, w in zip(vals, widths))  # noqa: E731
    print(line(cols))
    print(line(["-" * w for w in widths]))
    for row in rows:
        print(line(row))


def check_targets(results, bound, minimum_total, offline):
    lam = results[0]
    peers = {r["tool"]: r for r in results[1:]}
    checks = [("15/s-class calls <= 1.05 x minimum",
               lam["control_calls"] <= 1.05 * minimum_total,
               f"{lam['control_calls']} vs minimum {minimum_total} "
               f"({lam['control_calls'] / minimum_total:.3f})"),
              ("wall time <= 1.15 x bound", lam["wall"] <= 1.15 * bound,
               f"{lam['wall']:.1f}s vs bound {bound:.1f}s ({lam['wall'] / bound:.2f})"),
              ("throttled < 1% of calls", lam["throttled_pct"] < 1.0,
               f"{lam['throttled']} of {lam['calls_total']} ({lam['throttled_pct']:.2f}%)"),
              ("complete", lam["complete"], f"exit codes {lam['exit']}")]
    seq = peers.get("peer-sequential")
    if seq:
        checks.append(("at least 3 x faster than the sequential peer",
                       lam["wall"] * 3 <= seq["wall"],
                       f"{seq['wall'] / lam['wall']:.2f} x"))
    thr = peers.get("peer-threads")
    if thr:
        checks.append(("faster than the 8-thread peer", lam["wall"] < thr["wall"],
                       f"{thr['wall'] / lam['wall']:.2f} x; the peer lost {thr['lost']} calls "
                       f"to throttling/errors, {'complete' if thr['complete'] else 'INCOMPLETE'}"))
    if offline:
        checks.append((f"peak RSS < 64 MiB for an inventory of {offline['functions']} functions",
                       offline["exit"] in (0, 1) and offline["rss"] < 64 * MIB,
                       f"{offline['rss'] / MIB:.1f} MiB, {offline['versions']} versions, "
                       f"{offline['file_bytes'] / MIB:.0f} MiB file, exit {offline['exit']}"))
    print("\ntargets (lambdrift):")
    for name, ok, detail in checks:
        print(f"  [{'pass' if ok else 'FAIL'}] {name}: {detail}")


def posture_off_args(binary):
    """--skip-rule for every posture rule this lambdrift knows."""
    listed = subprocess.run([binary, "rules"], capture_output=True, text=True, check=True)
    known = {line.split()[0] for line in listed.stdout.splitlines()[1:] if line.strip()}
    args = []
    for rule in POSTURE_RULES:
        if rule in known:
            args += ["--skip-rule", rule]
    return args


def posture_off(res):
    res["tool"] = "lambdrift-posture-off"
    res["label"] += ", posture off"
    return res


def class_rates(rate_specs):
    rates = {"control": CONTROL_RATE_DEFAULT, "get_policy": 15.0}
    for spec in rate_specs:
        cls, _, v = spec.partition("=")
        rates[cls] = float(v)
    return rates


def busiest_bound(estate, minimum, rates):
    """(seconds, account-region, class, calls): the largest fewest-calls / rate."""
    best = (0.0, None, None, 0)
    for where, m in minimum.items():
        acc, reg = where.split("/", 1)
        get_policy = sum(1 + len(f["aliases"]) for f in estate["functions"]
                         if f["account"] == acc and f["region"] == reg)
        for cls, calls in (("control", m["control"]), ("get_policy", get_policy)):
            if rates.get(cls, 0) > 0 and calls / rates[cls] > best[0]:
                best = (calls / rates[cls], where, cls, calls)
    return best


def timeline(trace, rates):
    """Per account-region and quota class: calls, first start, last end and the share of
    that span the class's quota alone would take (1.00: saturated throughout)."""
    spans = {}
    for start, end, where, cls, op, status in trace:
        if cls not in rates:
            continue
        s = spans.setdefault((where, cls), [0, start, end])
        s[0] += 1
        s[1], s[2] = min(s[1], start), max(s[2], end)
    out = []
    for (where, cls), (n, first, last) in sorted(spans.items()):
        need = n / rates[cls]
        out.append(f"{where} {cls}: {n} calls, {first:.2f}s to {last:.2f}s; the quota alone "
                   f"{need:.1f}s ({need / max(last - first, 1e-9):.2f} of the span)")
    ends = [e for _, e, *_ in trace]
    if ends:
        out.append(f"last request answered at {max(ends):.2f}s")
    return out


def posture_report(results, estate, minimum, rate_specs):
    on = results[0]
    off = next(r for r in results if r["tool"] == "lambdrift-posture-off")
    rates = class_rates(rate_specs)
    bound, where, cls, calls = busiest_bound(estate, minimum, rates)
    ratio = on["control_calls"] / off["control_calls"] if off["control_calls"] else float("inf")
    print(f"\nposture: on vs off (off skips {', '.join(r for r in POSTURE_RULES)} where known)")
    for r in (on, off):
        c = r["calls"]
        print(f"  {r['label']}: wall {r['wall']:.1f}s ({r['wall'] / bound:.2f} x bound); "
              f"calls control {c.get('control', 0)}, get_policy {c.get('get_policy', 0)}, "
              f"get_function {c.get('get_function', 0)}, other (IAM, Logs, STS) "
              f"{sum(v for k, v in c.items() if k not in ('control', 'get_policy', 'get_function'))}"
              f"; complete {r['complete']}")
    print(f"  busiest quota class: {cls} in {where}, {calls} calls / {rates[cls]:g} per s "
          f"= {bound:.1f}s")
    checks = [("control-class calls, posture on <= 1.05 x off", ratio <= 1.05,
               f"{on['control_calls']} vs {off['control_calls']} ({ratio:.3f})"),
              ("posture on: wall time <= 1.15 x the busiest class's bound",
               on["wall"] <= 1.15 * bound, f"{on['wall']:.1f}s vs {bound:.1f}s "
               f"({on['wall'] / bound:.2f})"),
              ("posture on: complete", on["complete"], f"exit codes {on['exit']}")]
    print(f"  posture on, when each quota class was busy (proxy trace, s since the reset):")
    for line in timeline(on.get("trace") or [], rates):
        print(f"    {line}")
    print("targets (posture):")
    for name, ok, detail in checks:
        print(f"  [{'pass' if ok else 'FAIL'}] {name}: {detail}")


def agreement(results):
    base = {tuple(f) for f in results[0]["findings"]}
    out = []
    for r in results[1:]:
        other = {tuple(f) for f in r["findings"]}
        if other == base:
            out.append(f"{r['tool']}: same {len(base)} findings as lambdrift")
        else:
            out.append(f"{r['tool']}: {len(other - base)} findings lambdrift lacks, "
                       f"{len(base - other)} it lacks (complete: {r['complete']})")
    return out


# ------------------------------------------------------------------------------------ main

def ensure_lambdrift(path):
    if path:
        return path
    build = REPO / "build-bench-scale"
    binary = build / "lambdrift"
    if not binary.exists():
        log("building lambdrift (Release) in build-bench-scale ...")
        subprocess.run(["cmake", "-B", str(build), "-S", str(REPO), "-DCMAKE_BUILD_TYPE=Release",
                        "-DLD_WERROR=OFF"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["cmake", "--build", str(build), "--target", "lambdrift", "-j2"],
                       check=True, stdout=subprocess.DEVNULL)
    return str(binary)


def parse_args(argv):
    p = argparse.ArgumentParser(description="organisation-scale scan bench")
    p.add_argument("--quick", action="store_true",
                   help="100 functions, 1 account x 2 regions, offline inventory of 1,000")
    p.add_argument("--functions", type=int)
    p.add_argument("--accounts", type=int)
    p.add_argument("--regions")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--latency-ms", type=float, default=30.0)
    p.add_argument("--rate", action="append", default=[], metavar="CLASS=N",
                   help="quota of a class (control=15, get_function=100, get_policy=15)")
    p.add_argument("--lambdrift", help="binary (default: build-bench-scale/lambdrift, built "
                                       "when missing)")
    p.add_argument("--lambdrift-per-account", dest="lambdrift_multi_account",
                   action="store_false", default=True,
                   help="one lambdrift run per account, in turn (default: one for all)")
    p.add_argument("--skip-peers", action="store_true")
    p.add_argument("--posture", action="store_true",
                   help="lambdrift with posture on and off instead of the peers, and the "
                        "posture targets")
    p.add_argument("--offline-rss", type=int, help="functions in the offline inventory "
                                                  "(10000; --quick: 1000)")
    p.add_argument("--offline-versions", type=int,
                   help="versions per function in the offline inventory (default: the "
                        "estate's distribution)")
    p.add_argument("--no-offline-rss", action="store_true")
    p.add_argument("--offline-only", action="store_true",
                   help="only the offline RSS figure: no moto, no estate, no peers")
    p.add_argument("--timeout", type=float, default=1800, help="per tool run, seconds")
    p.add_argument("--json", help="write every figure here too")
    p.add_argument("--work", help="keep files here (default: a temporary directory)")
    a = p.parse_args(argv)
    quick = {"functions": 100, "accounts": 1, "regions": "us-east-1,eu-west-1",
             "offline_rss": 1000}
    full = {"functions": 1000, "accounts": 2, "regions": ",".join(seed_estate.DEFAULT_REGIONS),
            "offline_rss": 10000}
    for k, v in (quick if a.quick else full).items():
        if getattr(a, k) is None:
            setattr(a, k, v)
    return a


def main(argv=None):
    a = parse_args(argv if argv is not None else sys.argv[1:])
    work = Path(a.work) if a.work else Path(tempfile.mkdtemp(prefix="ld-bench-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    rate = CONTROL_RATE_DEFAULT
    for spec in a.rate:
        if spec.startswith("control="):
            rate = float(spec.split("=", 1)[1])
    binary = ensure_lambdrift(a.lambdrift)
    procs = Procs()
    try:
        if a.offline_only:
            return offline_only(a, work, binary)
        return bench(a, work, binary, procs, rate)
    finally:
        procs.stop()
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)


def print_offline(offline):
    print(f"\noffline: `lambdrift scan --inventory` of {offline['functions']} functions, "
          f"{offline['versions']} published versions ({offline['file_bytes'] / MIB:.0f} MiB "
          f"JSON): peak RSS {offline['rss'] / MIB:.1f} MiB, {offline['wall']:.1f}s wall, "
          f"{offline['cpu']:.1f}s CPU, exit {offline['exit']}"
          + (f"\n  stderr: {offline['stderr']}" if offline["exit"] not in (0, 1) else ""))


def offline_only(a, work, binary):
    """The offline figure alone, with seed_estate's default version distribution."""
    dist = {"median": 5.0, "p_over_100": 0.1, "max": 1000, "fixed": a.offline_versions}
    log(f"offline: inventory of {a.offline_rss} functions ...")
    offline = offline_rss(binary, work, a.offline_rss, dist, a.timeout)
    print_offline(offline)
    ok = offline["exit"] in (0, 1) and offline["rss"] < 64 * MIB
    print(f"target: peak RSS < 64 MiB: {'met' if ok else 'NOT met'} "
          f"({offline['rss'] / MIB:.1f} MiB)")
    return 0 if ok else 1


def warm_up_sts(moto_port, estate):
    """One AssumeRole into each account, straight to moto and untimed: moto's first one
    builds its STS and IAM state (2.7 s measured, with MOTO_IAM_LOAD_MANAGED_POLICIES), which
    AWS has no counterpart of and which would otherwise be charged to whichever tool runs
    first."""
    import boto3
    sts = boto3.session.Session().client(
        "sts", endpoint_url=f"http://127.0.0.1:{moto_port}", region_name="us-east-1",
        aws_access_key_id="AKIDBASEBENCH", aws_secret_access_key="bench")
    for acc in estate["accounts"]:
        sts.assume_role(RoleArn=f"arn:aws:iam::{acc['id']}:role/bench",
                        RoleSessionName="bench-warm-up")


def start_estate(procs, work, seed_args, latency_ms, rate_specs, proxy="quota_proxy.py",
                 proxy_args=(), plan_only=False):
    """Start moto (moto_bench.py), seed the estate into it (seed_estate.py with seed_args,
    after its endpoint and output; plan_only: only plan it, moto stays empty), then start
    `proxy` (quota_proxy.py, or shards.py's replay_proxy.py, which takes the same options)
    before moto with the estate's keys, the latency, the --rate specs and proxy_args:
    estate, moto (process), moto_port, proxy (process), port (the proxy's) and
    seed_seconds, as attributes."""
    moto, moto_port = procs.start("moto", [sys.executable, str(BENCH / "moto_bench.py"),
                                           "--quiet", "--port-file", str(work / "moto.port")],
                                  work / "moto.port", work / "moto.log")
    t0 = time.monotonic()
    target = (["--plan-only"] if plan_only
              else ["--endpoint-url", f"http://127.0.0.1:{moto_port}"])
    subprocess.run([sys.executable, str(BENCH / "seed_estate.py"), *target, "--out",
                    str(work / "estate.json"), *seed_args], check=True)
    seed_seconds = time.monotonic() - t0
    estate = json.loads((work / "estate.json").read_text())
    proxy_cmd = [sys.executable, str(BENCH / proxy), "--upstream",
                 f"http://127.0.0.1:{moto_port}", "--port-file", str(work / "proxy.port"),
                 "--latency-ms", str(latency_ms)]
    for acc in estate["accounts"]:
        proxy_cmd += ["--key", f"{acc['key']}={acc['id']}"]
    for spec in rate_specs:
        proxy_cmd += ["--rate", spec]
    proxy_cmd += list(proxy_args)
    proxy_p, port = procs.start("proxy", proxy_cmd, work / "proxy.port", work / "proxy.log")
    return types.SimpleNamespace(estate=estate, moto=moto, moto_port=moto_port, proxy=proxy_p,
                                 port=port, seed_seconds=seed_seconds)


def bench(a, work, binary, procs, rate):
    log(f"seeding {a.functions} functions over {a.accounts} account(s) x "
        f"{len(a.regions.split(','))} region(s) ...")
    srv = start_estate(procs, work, ["--functions", str(a.functions), "--accounts",
                                     str(a.accounts), "--regions", a.regions, "--seed",
                                     str(a.seed)], a.latency_ms, a.rate)
    estate, moto, moto_port, proxy, port = (srv.estate, srv.moto, srv.moto_port, srv.proxy,
                                            srv.port)
    seed_seconds = srv.seed_seconds

    warm_up_sts(moto_port, estate)

    minimum = estate["minimum"]
    minimum_total = sum(m["control"] for m in minimum.values())
    worst = max(minimum, key=lambda k: minimum[k]["control"])
    bound = minimum[worst]["control"] / rate
    results, server_cpu = [], {}
    runs = [("lambdrift", lambda: run_lambdrift(binary, port, estate, work,
                                                a.lambdrift_multi_account, a.timeout))]
    if a.posture:
        off = posture_off_args(binary)
        runs.append(("lambdrift posture off", lambda: posture_off(
            run_lambdrift(binary, port, estate, work, a.lambdrift_multi_account, a.timeout,
                          off, "-posture-off"))))
    elif not a.skip_peers:
        for name in ("peer-sequential", "peer-threads"):
            runs.append((name, lambda n=name: run_peer(n, port, work / "estate.json", work,
                                                       a.timeout)))
    for name, fn in runs:
        log(f"running {name} ...")
        before = (cpu_seconds_of(moto.pid), cpu_seconds_of(proxy.pid))
        res = summarise(fn(), estate, rate)
        res["server_cpu"] = {"moto": cpu_seconds_of(moto.pid) - before[0],
                             "proxy": cpu_seconds_of(proxy.pid) - before[1]}
        results.append(res)
        time.sleep(1.0)  # let the buckets refill fully between tools

    offline = None
    if not a.no_offline_rss:
        dist = {"median": estate["params"]["median_versions"],
                "p_over_100": estate["params"]["p_over_100"],
                "max": estate["params"]["max_versions"], "fixed": a.offline_versions}
        log(f"offline: inventory of {a.offline_rss} functions ...")
        offline = offline_rss(binary, work, a.offline_rss, dist, a.timeout)

    versions = sum(f["versions"] for f in estate["functions"])
    print(f"\nestate: {len(estate['functions'])} functions, {versions} published versions, "
          f"{sum(1 for f in estate['functions'] if f['esm'])} event source mappings, "
          f"{len(estate['accounts'])} account(s) x {len(estate['regions'])} region(s); "
          f"seeded in {seed_seconds:.0f}s")
    print(f"proxy: {a.latency_ms:g} ms per request; quotas per account-region: control "
          f"{rate:g}/s" + "".join(f", {s}" for s in a.rate if not s.startswith("control=")))
    print(f"minimum 15/s-class calls: {minimum_total} in all; largest account-region {worst}: "
          f"{minimum[worst]['control']} ({minimum[worst]['ListFunctions']} ListFunctions pages, "
          f"{minimum[worst]['ListAliases']} ListAliases, "
          f"{minimum[worst]['ListEventSourceMappings']} ListEventSourceMappings)")
    print(f"bound: {minimum[worst]['control']} / {rate:g} per s = {bound:.1f} s\n")
    print_table(results, estate, bound, minimum_total, rate)
    print()
    for r in results:
        sc = r["server_cpu"]
        extra = ""
        if r["tool"] == "lambdrift":
            extra = (f"; lambdrift's own counters: retries {r['retries']}, throttled "
                     f"{r['own_throttled']}, errors {r['errors']}, problems {r['problems']}")
        print(f"{r['label']}: exit {r['exit']}; own bound (its largest account-region's "
              f"15/s calls / {rate:g}) {r['own_bound']:.1f}s; server CPU moto "
              f"{sc['moto']:.1f}s, proxy {sc['proxy']:.1f}s{extra}")
    for line in agreement([r for r in results if r["tool"] != "lambdrift-posture-off"]):
        print(line)
    if offline:
        print_offline(offline)
    check_targets(results, bound, minimum_total, offline)
    if a.posture:
        posture_report(results, estate, minimum, a.rate)
    if a.json:
        for r in results:
            r.pop("findings", None)
            r.pop("trace", None)
        Path(a.json).write_text(json.dumps({
            "estate": {"functions": len(estate["functions"]), "versions": versions,
                       "accounts": len(estate["accounts"]), "regions": estate["regions"],
                       "minimum": minimum, "seed_seconds": seed_seconds},
            "bound": bound, "minimum_total": minimum_total, "results": results,
            "offline": offline, "when": datetime.datetime.now().isoformat()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
