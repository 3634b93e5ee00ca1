#!/usr/bin/env python3
"""Sharded organisation scan bench: N shards of `lambdrift scan` at once, then `lambdrift merge`.

Usage: bench/shards.py [--accounts 12] [--regions R1,R2,R3] [--shards 4] [--functions 1440]
           [--median-versions 3] [--p-over-100 0.02] [--max-versions 20] [--latency-ms 30]
           [--rate control=15 --rate get_policy=15 ...] [--scale-quotas 1,0.2]
           [--proxy replay|live] [--record FILE] [--seed 1] [--lambdrift PATH] [--json FILE]
           [--work DIR] [--posture]

In one invocation: start moto (bench/moto_bench.py) and, before it, the replaying proxy
(bench/replay_proxy.py: quota_proxy.py's latency, token buckets per account, region and
quota class and 429 answers, over moto's answers recorded once and served from memory), seed
the estate (bench/seed_estate.py; by default 1,440 functions over 12 accounts x 3 regions,
40 an account-region), then:
  record     one unsharded `lambdrift scan --accounts ALL`, moto answering: the proxy keeps
             every answer (not measured against a bound; its wall shows moto's pace)
             (--record FILE: the answers are also written to FILE, and the estate's plan
             beside it in FILE.estate.json; a later invocation of the same plan loads them
             and skips seeding and recording, moto left empty but for the STS misses)
  load       the proxy's own speed: replay_proxy.py --load over the recorded requests,
             latency and quotas off (answers a second, server CPU per answer)
and for each quota scale F of --scale-quotas (every quota class times F, lambdrift told the
same with --rate control=,get_function=,get_policy= just under them, as a user would for an
account whose quotas differ), each from a reset proxy:
  unsharded  one `lambdrift scan --accounts ALL` (the peer and the reference report)
  sharded    the N `lambdrift scan --accounts ALL --shard I/N` processes started together
             (as an indexed batch job runs them), then `lambdrift merge` of their reports
  posture    (--posture) the unsharded scan again with posture off (scale.py's
             --skip-rule for every posture rule lambdrift lists), for issue 12's target:
             posture on makes at most 1.05 x the control-class calls of posture off; over
             the replay proxy it is served from the posture-on record (its misses printed)
(the proxy's trace of each run, every request's start, end, account-region, class,
operation and status, is kept in the work directory as trace-ROUND-RUN.json) and print each shard's calls by quota class, its bound, its wall and their ratio, and the
sharded run's wall from the first start to the merge's end against the largest bound.
Why the replay: on a small machine moto (one Python process) and quota_proxy.py spend more
CPU per request than a sharded scan of 36 account-regions leaves them (2026-12-07: moto and
the live proxy used 30 s of CPU during a 33 s sharded run whose bound was 3.3 s), so the
bench measured the emulator. Replayed, each answer costs the proxy a look-up: the round's
server CPU is printed beside the wall, with the misses that still went to moto (STS
AssumeRole, whose session name carries the clock). Scaling the quotas down (F < 1) is the
other check that the quotas set the pace: the bound grows by 1/F while the server's work per
call stays the same. --proxy live measures against moto through quota_proxy.py as before.
The bounds:
  shard bound  the largest, over the shard's account-regions and the quota classes lambdrift
               must use, of fewest calls / the class's quota: the control class's minimum
               (seed_estate.py's method, docs/ARCHITECTURE.md: ListFunctions pages,
               ListAliases, ListEventSourceMappings) and GetPolicy's (its own class: one call
               for the function and one for each alias, src/aws/policy.c). Account-regions
               have their own quotas and are scanned concurrently, so no shard can be faster.
               The target: sharded wall (shards + merge) <= 1.15 x the largest shard bound.
  own bound    the same over the calls the proxy counted per account-region and class: what
               lambdrift really made (retries of throttled calls included).
The merged report must hold the same findings (rule, account, region, function, qualifier,
fingerprint, message) as the round's unsharded one; the two JSON reports are also compared
byte for byte, and apart from run.api_calls (retries and STS calls differ from run to run).
Every process this script starts is stopped by it (by pid) before it exits.
"""
import argparse
import json
import os
import shutil
import signal
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
CLASSES = ("control", "get_function", "get_policy")
# lambdrift is told each quota times this, as its defaults sit just under Lambda's
TOLD = {"control": 0.97, "get_function": 0.95, "get_policy": 0.97}


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


def minimum_of(estate):
    """Per account-region, the fewest calls of each class lambdrift must make: control from
    the estate's minimum, get_policy one for each function and each alias."""
    out = {}
    for where, m in estate["minimum"].items():
        out[where] = {"control": m["control"], "get_policy": 0}
    for f in estate["functions"]:
        out[f"{f['account']}/{f['region']}"]["get_policy"] += 1 + len(f["aliases"])
    return out


def bounds(accounts, minimum, stats, rates):
    """(bound, what sets it, own bound, calls by class) of a shard of these accounts: the
    largest fewest-calls / rate over its account-regions and classes, the same over the
    calls the proxy counted, and those calls summed over the shard's account-regions."""
    best = (0.0, "-")
    for where, m in minimum.items():
        if where.split("/")[0] in accounts:
            for cls, n in m.items():
                if rates.get(cls) and n / rates[cls] > best[0]:
                    best = (n / rates[cls], f"{cls} {n} in {where}")
    own, calls = 0.0, {}
    for where, per in stats["accounts_regions"].items():
        if where.split("/")[0] not in accounts:
            continue
        for cls, c in per.items():
            calls[cls] = calls.get(cls, 0) + c["requests"]
            if rates.get(cls):
                own = max(own, c["requests"] / rates[cls])
    return best[0], best[1], own, calls


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
    p.add_argument("--rate", action="append", default=[], metavar="CLASS=N",
                   help="Lambda's quota of a class (control=15, get_function=100, "
                        "get_policy=15) before --scale-quotas")
    p.add_argument("--scale-quotas", default="1,0.2", metavar="F[,F...]",
                   help="one round per factor, every quota times it (1,0.2)")
    p.add_argument("--proxy", choices=("replay", "live"), default="replay",
                   help="replay: moto's answers recorded once, served from memory "
                        "(replay_proxy.py); live: every request to moto (quota_proxy.py)")
    p.add_argument("--record", metavar="FILE",
                   help="replay: keep the recorded answers in FILE, and reuse them when FILE "
                        "holds this estate's")
    p.add_argument("--lambdrift", help="binary (default: build-bench-scale/lambdrift)")
    p.add_argument("--timeout", type=float, default=1800, help="per process, seconds")
    p.add_argument("--json", help="write every figure here too")
    p.add_argument("--work", help="keep files here (default: a temporary directory)")
    p.add_argument("--posture", action="store_true",
                   help="each round also scans unsharded with posture off, and compares "
                        "the control-class calls (issue 12: on <= 1.05 x off)")
    a = p.parse_args(argv)
    a.scales = [float(x) for x in a.scale_quotas.split(",") if x.strip()]
    if not a.scales or any(f <= 0 for f in a.scales):
        p.error("--scale-quotas takes factors above 0")
    return a


def main(argv=None):
    a = parse_args(argv if argv is not None else sys.argv[1:])
    work = Path(a.work) if a.work else Path(tempfile.mkdtemp(prefix="ld-bench-shards-"))
    work.mkdir(parents=True, exist_ok=True)
    binary = scale.ensure_lambdrift(a.lambdrift)
    procs = scale.Procs()
    # a SIGTERM still stops the servers started here (the finally below)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    try:
        return bench(a, work, binary, procs)
    finally:
        procs.stop()
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)


def plan_matches(a, work):
    """Whether --record holds the answers of this invocation's estate plan."""
    if not a.record or a.proxy != "replay" or not Path(a.record).exists():
        return False
    kept = Path(f"{a.record}.estate.json")
    subprocess.run([sys.executable, str(BENCH / "seed_estate.py"), "--plan-only", "--out",
                    str(work / "plan.json"), *seed_args(a)], check=True)
    if not kept.exists():
        return False
    old, new = json.loads(kept.read_text()), json.loads((work / "plan.json").read_text())
    old.pop("seeding", None)
    for plan in (old, new):  # how it was made, not what
        for k in ("plan_only", "threads"):
            plan["params"].pop(k, None)
    return old == new


def seed_args(a):
    return ["--functions", str(a.functions), "--accounts", str(a.accounts), "--regions",
            a.regions, "--seed", str(a.seed), "--median-versions", str(a.median_versions),
            "--p-over-100", str(a.p_over_100), "--max-versions", str(a.max_versions)]


def seed(a, work, procs):
    reuse = plan_matches(a, work)
    scale.log(f"{'planning' if reuse else 'seeding'} {a.functions} functions over "
              f"{a.accounts} accounts x {len(a.regions.split(','))} regions"
              f"{f' (answers recorded in {a.record})' if reuse else ''} ...")
    srv = scale.start_estate(
        procs, work, seed_args(a), a.latency_ms, a.rate,
        "replay_proxy.py" if a.proxy == "replay" else "quota_proxy.py",
        ["--record", a.record] if a.record and a.proxy == "replay" else [], plan_only=reuse)
    return (srv.estate, srv.port, None if reuse else srv.seed_seconds,
            (srv.moto.pid, srv.proxy.pid))


def configure(port, rates, latency_ms):
    scale.proxy_call(port, "/_bench/config", json.dumps({"rates": rates,
                                                        "latency_ms": latency_ms}).encode())
    scale.proxy_call(port, "/_bench/reset", b"")
    time.sleep(1.0)  # full buckets, as a fresh account-region has


def told(rates):
    return ["--rate", ",".join(f"{c}={rates[c] * TOLD[c]:g}" for c in CLASSES)]


def server_cpu(servers, before):
    return {"moto": scale.cpu_seconds_of(servers[0]) - before[0],
            "proxy": scale.cpu_seconds_of(servers[1]) - before[1]}


def replay_of(stats):
    return stats.get("replay") or {"hits": 0, "misses": sum(
        c["requests"] for c in scale.calls_by_class(stats).values())}


def keep_trace(port, path):
    """The proxy's trace of the run into the work directory (the replay proxy's
    /_bench/trace: [start s, end s, account/region, class, operation, status] a request),
    to see where a class sat idle."""
    try:
        path.write_text(json.dumps(scale.proxy_call(port, "/_bench/trace")))
    except OSError:  # quota_proxy.py without a trace (--proxy live)
        pass


def unsharded_run(a, work, binary, estate, port, env, rates, servers, tag, extra=(),
                  run="unsharded"):
    """One `scan --accounts ALL` (with `extra` arguments) from a reset proxy: its figures
    and report."""
    configure(port, rates, a.latency_ms)
    out = work / f"{tag}-{run}.json"
    cpu0 = [scale.cpu_seconds_of(pid) for pid in servers]
    u = wait_measured(start_measured(scan_cmd(binary, f"http://127.0.0.1:{port}", estate, out,
                                              *told(rates), *extra), env,
                                     work / f"stdout-{tag}-{run}.txt"), a.timeout)
    stats = scale.proxy_call(port, "/_bench/stats")
    keep_trace(port, work / f"trace-{tag}-{run}.json")
    by_class = scale.calls_by_class(stats)
    try:
        own = json.loads(out.read_text())["run"].get("api_calls", {})
    except (OSError, ValueError, KeyError):
        own = {}
    return {"exit": u[0], "wall": u[1], "cpu": u[2], "rss": u[3], "report": out,
            "server_cpu": server_cpu(servers, cpu0), "replay": replay_of(stats),
            "requests": sum(c["requests"] for c in by_class.values()),
            "throttled": sum(c["throttled"] for c in by_class.values()),
            "calls": {k: c["requests"] for k, c in by_class.items()},
            "admitted": {k: c["admitted"] for k, c in by_class.items()},
            "own_calls": own}


def load_run(work, port):
    """replay_proxy.py --load over the recorded requests, latency and quotas off."""
    reqs = scale.proxy_call(port, "/_bench/requests")
    path = work / "requests.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in reqs))
    scale.proxy_call(port, "/_bench/config", json.dumps(
        {"latency_ms": 0, "rates": {c: 0 for c in CLASSES}}).encode())
    out = subprocess.run([sys.executable, str(BENCH / "replay_proxy.py"), "--load",
                          f"http://127.0.0.1:{port}", "--requests", str(path)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def sharded_run(a, work, binary, estate, port, env, rates, servers, tag):
    """The N shards started together, then the merge: every figure of one round."""
    endpoint = f"http://127.0.0.1:{port}"
    configure(port, rates, a.latency_ms)
    outs = [work / f"{tag}-shard-{i + 1}.json" for i in range(a.shards)]
    cpu0 = [scale.cpu_seconds_of(pid) for pid in servers]
    t0 = time.monotonic()
    shards = wait_all([start_measured(scan_cmd(binary, endpoint, estate, out, "--shard",
                                               f"{i + 1}/{a.shards}", *told(rates)), env,
                                      work / f"stdout-{tag}-shard-{i + 1}.txt")
                       for i, out in enumerate(outs)], a.timeout)
    stats = scale.proxy_call(port, "/_bench/stats")
    keep_trace(port, work / f"trace-{tag}-sharded.json")
    merged = work / f"{tag}-merged.json"
    m = wait_measured(start_measured([binary, "merge", *map(str, outs), "--expect-shards",
                                      str(a.shards), "--format", "json", "-o", str(merged),
                                      "--fail-on", "none"], env,
                                     work / f"stdout-{tag}-merge.txt"), a.timeout)
    wall = m[4] - t0
    minimum = minimum_of(estate)
    rows = []
    for i, (out, r) in enumerate(zip(outs, shards)):
        accts = shard_accounts(out) if out.exists() else []
        bound, what, own, calls = bounds(set(accts), minimum, stats, rates)
        rows.append({"shard": f"{i + 1}/{a.shards}", "accounts": len(accts), "exit": r[0],
                     "wall": r[1], "cpu": r[2], "rss": r[3], "bound": bound, "set_by": what,
                     "own_bound": own, "calls": calls})
    by_class = scale.calls_by_class(stats)
    return {"rows": rows, "merge": m[:4], "wall": wall, "merged": merged,
            "server_cpu": server_cpu(servers, cpu0), "replay": replay_of(stats),
            "requests": sum(c["requests"] for c in by_class.values()),
            "throttled": sum(c["throttled"] for c in by_class.values()),
            "largest": max(r["bound"] for r in rows),
            "largest_own": max(r["own_bound"] for r in rows)}


def print_unsharded(u, bound):
    sc, rp = u["server_cpu"], u["replay"]
    print(f"unsharded scan: {u['wall']:.1f}s wall ({u['wall'] / bound:.2f} x the largest "
          f"shard bound), {u['cpu']:.1f}s CPU, {u['rss'] / MIB:.1f} MiB, exit {u['exit']}; "
          f"{u['requests']} requests, {u['throttled']} throttled, {rp['misses']} to moto; "
          f"server CPU moto {sc['moto']:.1f}s, proxy {sc['proxy']:.1f}s")


def print_round(r, u):
    rates = ", ".join(f"{k} {v:g}/s" for k, v in r["rates"].items())
    print(f"\n{r['tag']}: quotas per account-region {rates} (lambdrift told "
          f"{told(r['rates'])[1]})")
    print_unsharded(u, r["largest"])
    print(f"{'shard':<7}{'accts':>6}{'control':>8}{'get_pol':>8}{'get_fn':>7}{'other':>6}"
          f"{'bound s':>8}{'wall s':>8}{'x bound':>8}{'own bd s':>9}{'CPU s':>6}{'MiB':>6}"
          f"{'exit':>5}  bound set by")
    for x in r["rows"]:
        c = x["calls"]
        other = sum(v for k, v in c.items() if k not in CLASSES)
        ratio = x["wall"] / x["bound"] if x["bound"] else float("nan")
        print(f"{x['shard']:<7}{x['accounts']:>6}{c.get('control', 0):>8}"
              f"{c.get('get_policy', 0):>8}{c.get('get_function', 0):>7}{other:>6}"
              f"{x['bound']:>8.1f}{x['wall']:>8.1f}{ratio:>8.2f}{x['own_bound']:>9.1f}"
              f"{x['cpu']:>6.1f}{x['rss'] / MIB:>6.1f}{x['exit']:>5}  {x['set_by']}")
    m, sc, rp = r["merge"], r["server_cpu"], r["replay"]
    print(f"merge: {m[1]:.2f}s wall, {m[2]:.2f}s CPU, {m[3] / MIB:.1f} MiB, exit {m[0]}")
    print(f"sharded run (first shard start to merge end): {r['wall']:.1f}s; {r['requests']} "
          f"requests, {r['throttled']} throttled, {rp['misses']} to moto; server CPU "
          f"meanwhile: moto {sc['moto']:.1f}s, proxy {sc['proxy']:.1f}s")
    full = Path(u["report"])
    full_f = findings_of(full)[1] if full.exists() else None
    merged_f = findings_of(r["merged"])[1] if r["merged"].exists() else None
    r["same_findings"] = merged_f is not None and merged_f == full_f
    r["same_bytes"] = r["same_findings"] and r["merged"].read_bytes() == full.read_bytes()
    r["same_but_calls"] = r["same_findings"] and without_calls(r["merged"]) == \
        without_calls(full)
    r["ok_wall"] = r["wall"] <= 1.15 * r["largest"]
    print(f"  [{'pass' if r['ok_wall'] else 'FAIL'}] wall <= 1.15 x the largest shard's bound: "
          f"{r['wall']:.1f}s vs {r['largest']:.1f}s ({r['wall'] / r['largest']:.2f} x; against "
          f"the largest own bound {r['largest_own']:.1f}s: {r['wall'] / r['largest_own']:.2f} x)")
    print(f"  [{'pass' if r['same_findings'] else 'FAIL'}] merged findings identical to the "
          f"unsharded run's: {len(merged_f or [])} vs {len(full_f or [])}; reports "
          f"byte-identical: {'yes' if r['same_bytes'] else 'no'}, identical but for "
          f"run.api_calls: {'yes' if r['same_but_calls'] else 'NO'}")


def print_posture(r, on, off):
    """Issue 12's target: posture on costs at most 5% more control-class calls than off
    (the proxy's count, throttled retries included; lambdrift's own count beside it)."""
    print("posture on vs off (unsharded, off: --skip-rule for every posture rule):")
    for name, u in (("on", on), ("off", off)):
        c, own = u["calls"], u["own_calls"]
        other = sum(v for k, v in c.items() if k not in CLASSES)
        print(f"  posture {name}: {u['wall']:.1f}s wall ({u['wall'] / r['largest']:.2f} x the "
              f"bound), exit {u['exit']}; calls control {c.get('control', 0)} (lambdrift "
              f"counted {own.get('control', '?')}), get_policy {c.get('get_policy', 0)}, "
              f"get_function {c.get('get_function', 0)}, other (STS, IAM, Logs) {other}; "
              f"{u['throttled']} throttled, {u['replay']['misses']} to moto")
    ratio = on["calls"].get("control", 0) / max(off["calls"].get("control", 0), 1)
    r["posture_ratio"] = ratio
    r["ok_posture"] = ratio <= 1.05
    print(f"  [{'pass' if r['ok_posture'] else 'FAIL'}] control-class calls, posture on <= "
          f"1.05 x off: {on['calls'].get('control', 0)} vs {off['calls'].get('control', 0)} "
          f"({ratio:.3f})")


def bench(a, work, binary, procs):
    estate, port, seed_seconds, servers = seed(a, work, procs)
    env = scan_env(work, f"http://127.0.0.1:{port}")
    scale.write_profiles(work, estate)
    base = {"control": scale.CONTROL_RATE_DEFAULT, "get_function": 100.0, "get_policy": 15.0}
    for spec in a.rate:
        cls, _, n = spec.partition("=")
        base[cls] = float(n)

    record = None
    if seed_seconds is not None:
        scale.log("recording: an unsharded scan with moto answering ...")
        record = unsharded_run(a, work, binary, estate, port, env, base, servers, "record")
        if a.record and a.proxy == "replay":
            scale.proxy_call(port, "/_bench/save", b"")
            shutil.copyfile(work / "estate.json", f"{a.record}.estate.json")
    load = load_run(work, port) if a.proxy == "replay" else None
    results = []
    for f in a.scales:
        rates = {k: v * f for k, v in base.items()}
        tag = f"quotas x {f:g}"
        scale.log(f"{tag}: the unsharded scan, then {a.shards} shards at once and the merge ...")
        u = unsharded_run(a, work, binary, estate, port, env, rates, servers, f"x{f:g}")
        off = None
        if a.posture:
            scale.log(f"{tag}: the unsharded scan with posture off ...")
            off = unsharded_run(a, work, binary, estate, port, env, rates, servers, f"x{f:g}",
                                scale.posture_off_args(binary), "posture-off")
        r = sharded_run(a, work, binary, estate, port, env, rates, servers, f"x{f:g}")
        r.update({"tag": tag, "rates": rates, "unsharded": u, "posture_off": off})
        results.append(r)

    versions = sum(fn["versions"] for fn in estate["functions"])
    print(f"\nestate: {len(estate['functions'])} functions, {versions} published versions, "
          f"{len(estate['accounts'])} accounts x {len(estate['regions'])} regions; "
          + (f"seeded in {seed_seconds:.0f}s" if record else f"answers from {a.record}")
          + f"; proxy latency {a.latency_ms:g} ms per request")
    if record:
        rp = record["replay"]
        print(f"record pass ({a.proxy} proxy, moto answering): {record['wall']:.1f}s wall, "
              f"{record['requests']} requests ({rp['misses']} to moto), server CPU moto "
              f"{record['server_cpu']['moto']:.1f}s, proxy "
              f"{record['server_cpu']['proxy']:.1f}s")
    if load:
        print(f"replay proxy alone (latency and quotas off, 8 pipelining connections): "
              f"{load['per_second']} answers/s for {load['wall']:.1f}s, "
              f"{load['server_cpu_per_answer_us']:.0f} us server CPU per answer, "
              f"{load['misses']} misses")
    for r in results:
        print_round(r, r["unsharded"])
        if r["posture_off"]:
            print_posture(r, r["unsharded"], r["posture_off"])
    if a.json:
        for r in results:
            r["merged"], r["unsharded"]["report"] = str(r["merged"]), str(r["unsharded"]["report"])
            if r["posture_off"]:
                r["posture_off"]["report"] = str(r["posture_off"]["report"])
        if record:
            record["report"] = str(record["report"])
        Path(a.json).write_text(json.dumps({
            "estate": {"functions": len(estate["functions"]), "versions": versions,
                       "accounts": len(estate["accounts"]), "regions": estate["regions"]},
            "proxy": a.proxy, "record": record, "load": load, "rounds": results}, indent=1))
    return 0 if all(r["ok_wall"] and r["same_findings"] and r.get("ok_posture", True)
                    for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
