#!/usr/bin/env python3
"""Sharded organisation scan bench: N shards of `lambdrift scan` at once, then `lambdrift merge`.

Usage: bench/shards.py [--accounts 12] [--regions R1,R2,R3] [--shards 4] [--functions 1440]
           [--median-versions 3] [--p-over-100 0.02] [--max-versions 20] [--latency-ms 30]
           [--rate control=15 --rate get_policy=15 ...] [--scale-quotas 0.2]
           [--seed 1] [--lambdrift PATH] [--json FILE] [--work DIR]

In one invocation: start moto (bench/moto_bench.py) and the quota proxy (bench/quota_proxy.py:
latency, and a token bucket per account, region and quota class as Lambda publishes them),
seed the estate (bench/seed_estate.py; by default 1,440 functions over 12 accounts x 3
regions, 40 an account-region), then, each from a reset proxy:
  unsharded  one `lambdrift scan --accounts ALL` (the reference report)
  sharded    the N `lambdrift scan --accounts ALL --shard I/N` processes started together
             (as an indexed batch job runs them), then `lambdrift merge` of their reports
and print the wall time of each process and of the sharded run from the first start to the
merge's end, with the bounds it is held to. The sharded round runs at Lambda's quotas, then
again with the control and GetFunction quotas scaled (--scale-quotas, default 0.2: 3 req/s
for the control class, as if each account-region held 5 times the functions; lambdrift is
told them with --rate). GetPolicy keeps 15/s: lambdrift's --rate had no get_policy class
before c89712f, and scaling it too is left to do. Below 0.2 the quota is under lambdrift's
bucket of 3 tokens and its 1 req/s floor (src/aws/ratelimit.h), which assume a quota of a
few requests a second at least, so it is throttled. The second round is there because on a
small shared machine moto (one Python process) answers a few hundred requests a second at
most, so at full quotas this estate's scan is bound by moto, not by the quotas:
the server CPU printed for each round shows which. The bounds:
  shard bound  for each shard, its largest account-region's minimum count of 15 req/s-class
               calls (seed_estate.py's method, docs/ARCHITECTURE.md) / the control quota: account-
               regions have their own quotas and are scanned concurrently, so no shard can be
               faster. The target: sharded wall (shards + merge) <= 1.15 x the largest one.
  own bound    the calls the proxy counted, per account-region of the shard and quota class
               (control, get_function, get_policy) / that class's rate, at their largest:
               what lambdrift really made, so it includes what the minimum leaves out
               (ListFunctionUrlConfigs, a GetPolicy per qualifier).
The merged report must hold the same findings (rule, account, region, function, qualifier,
fingerprint, message) as the unsharded one; the two JSON reports are also compared byte for
byte, and apart from run.api_calls (retries and STS calls differ from run to run). Every
process this script starts is stopped by it (by pid) before it exits.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import scale  # noqa: E402
import seed_estate  # noqa: E402

MIB = 1024 * 1024


def scan_cmd(binary, endpoint, estate, out, *extra):
    return [binary, "scan", "-q", "--endpoint-url", endpoint, "--region",
            ",".join(estate["regions"]), "--format", "json", "--fail-on", "none",
            *scale.account_args(estate), "-o", str(out), *extra]


def scan_env(work, endpoint):
    return scale.clean_env(work, {"AWS_ACCESS_KEY_ID": "AKIDBASEBENCH",
                                  "AWS_SECRET_ACCESS_KEY": "bench",
                                  "AWS_ENDPOINT_URL_STS": endpoint})


def start_measured(cmd, env, stdout_path):
    """Start cmd under GNU time, for its peak RSS: wait4's ru_maxrss of a child forked from
    this process counts this process's pages from before the exec."""
    out = open(stdout_path, "wb")
    err = open(str(stdout_path) + ".stderr", "wb")
    rss = Path(str(stdout_path) + ".rss")
    p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", str(rss), *cmd], env=env,
                         stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=str(scale.REPO))
    p.rss_file = rss
    return p, out, err, time.monotonic()


def peak_rss(p):
    try:
        return int(p.rss_file.read_text().split()[-1]) * 1024
    except (OSError, ValueError, IndexError):
        return 0


def wait_all(started, timeout):
    """Reap every process of start_measured as it ends: per process (exit code, wall s,
    user+sys s, peak RSS bytes, end time), in the order given."""
    done = {}
    deadline = min(t0 for _, _, _, t0 in started) + timeout
    while len(done) < len(started):
        for i, (p, out, err, t0) in enumerate(started):
            if i in done:
                continue
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if not pid:
                continue
            end = time.monotonic()
            out.close()
            err.close()
            p.returncode = os.waitstatus_to_exitcode(status)
            done[i] = (p.returncode, end - t0, ru.ru_utime + ru.ru_stime, peak_rss(p), end)
        if time.monotonic() > deadline:
            for i, (p, *_rest) in enumerate(started):
                if i not in done and p.poll() is None:
                    p.kill()
        time.sleep(0.01)
    return [done[i] for i in range(len(started))]


def wait_measured(started, timeout):
    return wait_all([started], timeout)[0]


def findings_of(path):
    doc = json.loads(Path(path).read_text())
    return doc, sorted((f["rule"], f.get("account"), f["region"], f["function"],
                        f.get("qualifier"), f["fingerprint"], f["message"])
                       for f in doc["findings"])


def without_calls(path):
    """The report without run.api_calls, the one part that differs from run to run (retries
    of a cold server, STS calls per process)."""
    doc = json.loads(Path(path).read_text())
    doc["run"].pop("api_calls", None)
    return doc


def shard_accounts(path):
    run = json.loads(Path(path).read_text())["run"]
    return run.get("accounts") or ([run["account"]] if run.get("account") else [])


def bounds(accounts, minimum, stats, rates):
    """(minimum bound, own bound) of a shard of these accounts, in seconds: the minimum's
    15/s-class calls of its largest account-region / the control rate, and the calls the
    proxy counted, per account-region and quota class / that class's rate, at their most."""
    mins = [m["control"] for k, m in minimum.items() if k.split("/")[0] in accounts]
    own = [c["requests"] / rates[cls]
           for where, per in stats["accounts_regions"].items() if where.split("/")[0] in accounts
           for cls, c in per.items() if rates.get(cls)]
    return max(mins, default=0) / rates["control"], max(own, default=0)


def parse_args(argv):
    p = argparse.ArgumentParser(description="sharded scan and merge bench")
    p.add_argument("--accounts", type=int, default=12)
    p.add_argument("--regions", default=",".join(seed_estate.DEFAULT_REGIONS))
    p.add_argument("--shards", type=int, default=4)
    p.add_argument("--functions", type=int, default=1440)
    p.add_argument("--median-versions", type=float, default=3.0)
    p.add_argument("--p-over-100", type=float, default=0.02)
    p.add_argument("--max-versions", type=int, default=20)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--latency-ms", type=float, default=30.0)
    p.add_argument("--rate", action="append", default=[], metavar="CLASS=N")
    p.add_argument("--scale-quotas", type=float, default=0.2,
                   help="a second sharded round with every quota times this (0: none), so "
                        "the quotas, not moto's own speed, bound it on a small machine")
    p.add_argument("--lambdrift", help="binary (default: build-bench-scale/lambdrift)")
    p.add_argument("--timeout", type=float, default=1800, help="per process, seconds")
    p.add_argument("--json", help="write every figure here too")
    p.add_argument("--work", help="keep files here (default: a temporary directory)")
    return p.parse_args(argv)


def main(argv=None):
    a = parse_args(argv if argv is not None else sys.argv[1:])
    work = Path(a.work) if a.work else Path(tempfile.mkdtemp(prefix="ld-bench-shards-"))
    work.mkdir(parents=True, exist_ok=True)
    rate = scale.CONTROL_RATE_DEFAULT
    for spec in a.rate:
        if spec.startswith("control="):
            rate = float(spec.split("=", 1)[1])
    binary = scale.ensure_lambdrift(a.lambdrift)
    procs = scale.Procs()
    try:
        return bench(a, work, binary, procs, rate)
    finally:
        procs.stop()
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)


def seed(a, work, procs):
    moto, moto_port = procs.start("moto", [sys.executable, str(BENCH / "moto_bench.py"),
                                           "--quiet", "--port-file", str(work / "moto.port")],
                                  work / "moto.port", work / "moto.log")
    scale.log(f"seeding {a.functions} functions over {a.accounts} accounts x "
              f"{len(a.regions.split(','))} regions ...")
    t0 = time.monotonic()
    subprocess.run([sys.executable, str(BENCH / "seed_estate.py"), "--endpoint-url",
                    f"http://127.0.0.1:{moto_port}", "--out", str(work / "estate.json"),
                    "--functions", str(a.functions), "--accounts", str(a.accounts),
                    "--regions", a.regions, "--seed", str(a.seed), "--median-versions",
                    str(a.median_versions), "--p-over-100", str(a.p_over_100),
                    "--max-versions", str(a.max_versions)], check=True)
    estate = json.loads((work / "estate.json").read_text())
    proxy_cmd = [sys.executable, str(BENCH / "quota_proxy.py"), "--upstream",
                 f"http://127.0.0.1:{moto_port}", "--port-file", str(work / "proxy.port"),
                 "--latency-ms", str(a.latency_ms)]
    for acc in estate["accounts"]:
        proxy_cmd += ["--key", f"{acc['key']}={acc['id']}"]
    for spec in a.rate:
        proxy_cmd += ["--rate", spec]
    proxy, port = procs.start("proxy", proxy_cmd, work / "proxy.port", work / "proxy.log")
    return estate, port, time.monotonic() - t0, (moto.pid, proxy.pid)


def sharded_round(a, work, binary, estate, port, env, rates, servers, tag):
    """The N shards started together, then the merge: every figure of one round."""
    endpoint = f"http://127.0.0.1:{port}"
    scale.proxy_call(port, "/_bench/config", json.dumps({"rates": rates}).encode())
    scale.proxy_call(port, "/_bench/reset", b"")
    time.sleep(1.0)  # full buckets, as a fresh account-region has
    outs = [work / f"{tag}-shard-{i + 1}.json" for i in range(a.shards)]
    cpu0 = [scale.cpu_seconds_of(pid) for pid in servers]
    t0 = time.monotonic()
    told = ["--rate", f"control={rates['control'] * 0.97:g},"
                      f"get_function={rates['get_function'] * 0.95:g}"]
    shards = wait_all([start_measured(scan_cmd(binary, endpoint, estate, out, "--shard",
                                               f"{i + 1}/{a.shards}", *told), env,
                                      work / f"stdout-{tag}-shard-{i + 1}.txt")
                       for i, out in enumerate(outs)], a.timeout)
    stats = scale.proxy_call(port, "/_bench/stats")
    merged = work / f"{tag}-merged.json"
    m = wait_measured(start_measured([binary, "merge", *map(str, outs), "--expect-shards",
                                      str(a.shards), "--format", "json", "-o", str(merged),
                                      "--fail-on", "none"], env,
                                     work / f"stdout-{tag}-merge.txt"), a.timeout)
    wall = m[4] - t0
    cpu = [scale.cpu_seconds_of(pid) - c for pid, c in zip(servers, cpu0)]
    rows = []
    for i, (out, r) in enumerate(zip(outs, shards)):
        accts = shard_accounts(out) if out.exists() else []
        mb, ob = bounds(set(accts), estate["minimum"], stats, rates)
        rows.append({"shard": f"{i + 1}/{a.shards}", "accounts": len(accts), "exit": r[0],
                     "wall": r[1], "cpu": r[2], "rss": r[3], "bound": mb, "own_bound": ob})
    by_class = scale.calls_by_class(stats)
    return {"tag": tag, "rates": rates, "rows": rows, "merge": m[:4], "wall": wall,
            "merged": merged, "server_cpu": {"moto": cpu[0], "proxy": cpu[1]},
            "requests": sum(c["requests"] for c in by_class.values()),
            "throttled": sum(c["throttled"] for c in by_class.values()),
            "largest": max(r["bound"] for r in rows),
            "largest_own": max(r["own_bound"] for r in rows)}


def print_round(r, full_f, full_bytes):
    rates = ", ".join(f"{k} {v:g}/s" for k, v in r["rates"].items())
    print(f"\n{r['tag']}: quotas per account-region {rates}")
    print(f"{'shard':<7}{'accounts':>9}{'wall s':>8}{'CPU s':>7}{'RSS MiB':>9}"
          f"{'bound s':>9}{'own bound s':>13}{'exit':>6}")
    for x in r["rows"]:
        print(f"{x['shard']:<7}{x['accounts']:>9}{x['wall']:>8.1f}{x['cpu']:>7.1f}"
              f"{x['rss'] / MIB:>9.1f}{x['bound']:>9.1f}{x['own_bound']:>13.1f}{x['exit']:>6}")
    m = r["merge"]
    print(f"merge: {m[1]:.2f}s wall, {m[2]:.2f}s CPU, {m[3] / MIB:.1f} MiB, exit {m[0]}")
    sc = r["server_cpu"]
    print(f"sharded run (first shard start to merge end): {r['wall']:.1f}s; throttled "
          f"{r['throttled']} of {r['requests']} requests; server CPU meanwhile: moto "
          f"{sc['moto']:.1f}s, proxy {sc['proxy']:.1f}s")
    merged_f = findings_of(r["merged"])[1] if r["merged"].exists() else None
    r["same_findings"] = merged_f == full_f
    r["same_bytes"] = r["merged"].exists() and r["merged"].read_bytes() == full_bytes
    r["same_but_calls"] = r["merged"].exists() and \
        without_calls(r["merged"]) == without_calls(r["full"])
    r["ok_wall"] = r["wall"] <= 1.15 * r["largest"]
    print(f"  [{'pass' if r['ok_wall'] else 'FAIL'}] wall <= 1.15 x the largest shard's bound: "
          f"{r['wall']:.1f}s vs {r['largest']:.1f}s ({r['wall'] / r['largest']:.2f} x; against "
          f"the largest own bound {r['largest_own']:.1f}s: {r['wall'] / r['largest_own']:.2f} x)")
    print(f"  [{'pass' if r['same_findings'] else 'FAIL'}] merged findings identical to the "
          f"unsharded run's: {len(merged_f or [])} vs {len(full_f)}; reports byte-identical: "
          f"{'yes' if r['same_bytes'] else 'no'}, identical but for run.api_calls: "
          f"{'yes' if r['same_but_calls'] else 'NO'}")


def bench(a, work, binary, procs, rate):
    estate, port, seed_seconds, servers = seed(a, work, procs)
    endpoint = f"http://127.0.0.1:{port}"
    env = scan_env(work, endpoint)
    scale.write_profiles(work, estate)
    rates = {"control": rate, "get_function": 100.0, "get_policy": 15.0}
    for spec in a.rate:
        cls, _, n = spec.partition("=")
        rates[cls] = float(n)

    scale.log("running the unsharded scan (the reference; it also warms moto's caches) ...")
    scale.proxy_call(port, "/_bench/reset", b"")
    full = work / "unsharded.json"
    u = wait_measured(start_measured(scan_cmd(binary, endpoint, estate, full), env,
                                     work / "stdout-unsharded.txt"), a.timeout)
    u_stats = scale.proxy_call(port, "/_bench/stats")
    full_doc, full_f = findings_of(full)
    rounds = [("quotas", rates)]
    if a.scale_quotas:
        # lambdrift is told the scaled quotas (--rate, as a user would for an account whose
        # quotas differ); GetPolicy keeps its quota (--rate get_policy= is newer, c89712f)
        rounds.append((f"quotas x {a.scale_quotas:g}",
                       {k: v * a.scale_quotas if k != "get_policy" else v
                        for k, v in rates.items()}))
    results = []
    for tag, rr in rounds:
        scale.log(f"running {a.shards} shards at once, then the merge ({tag}) ...")
        results.append(sharded_round(a, work, binary, estate, port, env, rr, servers,
                                     tag.replace(" ", "")))
        results[-1]["tag"] = tag

    versions = sum(f["versions"] for f in estate["functions"])
    print(f"\nestate: {len(estate['functions'])} functions, {versions} published versions, "
          f"{len(estate['accounts'])} accounts x {len(estate['regions'])} regions; seeded in "
          f"{seed_seconds:.0f}s; proxy latency {a.latency_ms:g} ms per request")
    print(f"unsharded scan: {u[1]:.1f}s wall, {u[2]:.1f}s CPU, {u[3] / MIB:.1f} MiB, exit "
          f"{u[0]}, {len(full_f)} findings, complete={full_doc['run']['complete']}; "
          f"{sum(c['requests'] for c in scale.calls_by_class(u_stats).values())} requests")
    for r in results:
        r["full"] = full
        print_round(r, full_f, full.read_bytes())
    if a.json:
        for r in results:
            r["merged"], r["full"] = str(r["merged"]), str(r["full"])
        Path(a.json).write_text(json.dumps({
            "estate": {"functions": len(estate["functions"]), "versions": versions,
                       "accounts": len(estate["accounts"]), "regions": estate["regions"]},
            "unsharded": {"exit": u[0], "wall": u[1], "cpu": u[2], "rss": u[3]},
            "rounds": results}, indent=1))
    return 0 if all(r["ok_wall"] and r["same_findings"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
