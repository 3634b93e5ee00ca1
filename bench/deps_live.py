#!/usr/bin/env python3
"""Benchmark: `lambdrift deps` and `scan --deps` with --osv-api against the moto stack, the
current tree against an earlier commit, in one invocation.

It starts scripts/moto_server.py and a stand-in for the OSV API (the records of
fixtures/osv, as fixtures/osv/fake_osv_api.py serves them, counting the requests), deploys
LAYERS layers of two versions each and FUNCTIONS functions, each with a package of its own
(PACKAGES node_modules package.json files drawn from a pool, some of them versions the
fixtures' advisories affect, and FILLER bytes of incompressible data), version 1 published
and aliased `live`, $LATEST then updated to other code, and one layer attached. Each served
version is then read: two packages per function. It runs both commands RUNS times with each
binary, alternating, and prints per command and side the median wall and CPU time
(user+sys), the peak resident set (ru_maxrss, the largest run), the OSV API requests of
one run, and whether both sides' dependency lists, layers, findings, problems and API call
counts are identical (exit 1 when not).

usage: bench/deps_live.py [--functions 40] [--packages 60] [--filler 2000000] [--layers 3]
                          [--runs 5] [--before COMMIT]     (env: WORK=/tmp/ld-bench-deps-live)
"""
import argparse
import glob
import http.server
import io
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

SRC = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(SRC / "tests" / "integration"))
sys.path.insert(0, str(SRC / "bench"))
import stack  # noqa: E402
from verify import before_tree, build  # noqa: E402

VULNERABLE = [("lodash", "4.17.15"), ("axios", "1.6.0"), ("minimist", "1.2.5")]


class OsvApi(http.server.BaseHTTPRequestHandler):
    """fake_osv_api.py's answers, with a request counter."""
    records, index, requests = {}, {}, 0

    @classmethod
    def load(cls):
        for path in sorted(glob.glob(str(SRC / "fixtures/osv/github-advisory-database/*.json"))):
            raw = Path(path).read_bytes()
            rec = json.loads(raw)
            cls.records[rec["id"]] = raw
            for a in rec.get("affected", []):
                ids = cls.index.setdefault(cls.key(a["package"]["ecosystem"],
                                                   a["package"]["name"]), [])
                if rec["id"] not in ids:
                    ids.append(rec["id"])

    @staticmethod
    def key(eco, name):
        return eco, re.sub(r"[-_.]+", "-", name).lower()

    def log_message(self, *args):
        pass

    def answer(self, code, body):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        type(self).requests += 1
        queries = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["queries"]
        results = []
        for q in queries:
            ids = self.index.get(self.key(q["package"]["ecosystem"], q["package"]["name"]), [])
            page = int(q.get("page_token", "0"))
            r = {}
            if page < len(ids):
                r["vulns"] = [{"id": ids[page], "modified": "2024-01-01T00:00:00Z"}]
            if page + 1 < len(ids):
                r["next_page_token"] = str(page + 1)
            results.append(r)
        self.answer(200, json.dumps({"results": results}).encode())

    def do_GET(self):
        type(self).requests += 1
        m = re.fullmatch(r"/v1/vulns/([A-Za-z0-9-]+)", self.path)
        if m and m.group(1) in self.records:
            return self.answer(200, self.records[m.group(1)])
        self.answer(404, b'{"code":5,"message":"Bug not found."}')


def package(rng, pool, n, filler, prefix=""):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("index.js", "exports.handler = async () => 1;\n")
        picks = rng.sample(pool, n) + [rng.choice(VULNERABLE)]
        for name, version in picks:
            z.writestr(f"{prefix}node_modules/{name}/package.json",
                       json.dumps({"name": name, "version": version}))
            z.writestr(f"{prefix}node_modules/{name}/index.js", "module.exports = {};\n" * 50)
        if filler:
            z.writestr(zipfile.ZipInfo("assets/blob.bin"), rng.randbytes(filler),
                       compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


def deploy(s, args):
    rng = random.Random(10)
    pool = [(f"pkg-{i:03d}", f"{rng.randrange(1, 9)}.{rng.randrange(0, 20)}.{rng.randrange(0, 9)}")
            for i in range(400)]
    lam = s.boto("lambda")
    layers = []
    for i in range(args.layers):
        for v in range(2):
            r = lam.publish_layer_version(LayerName=f"shared{i}", Content={
                "ZipFile": package(rng, pool, 20, 0, "nodejs/")},
                CompatibleRuntimes=["nodejs20.x"])
        layers.append(r["LayerVersionArn"].rsplit(":", 1)[0] + ":1")
    total = 0
    for i in range(args.functions):
        name = f"fn{i:03d}"
        code = package(rng, pool, args.packages, args.filler)
        lam.create_function(FunctionName=name, Role=s.role_arn(), Runtime="nodejs20.x",
                            Handler="index.handler", Code={"ZipFile": code}, Publish=True,
                            Layers=[layers[i % len(layers)]])
        lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
        latest = package(rng, pool, args.packages, args.filler)
        lam.update_function_code(FunctionName=name, ZipFile=latest)
        total += len(code) + len(latest)
    return total


def run_once(binary, s, cmd, url, out):
    args = [str(binary), *cmd, "--osv-api", url, "--endpoint-url", s.endpoint, "--region",
            stack.REGION, "--format", "json", "--output", str(out)]
    OsvApi.requests = 0
    start = time.monotonic()
    proc = subprocess.Popen(args, env=s.env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"deps_live.py: {binary} {cmd[0]} exited {code}:\n{err}")
    report = json.loads(Path(out).read_text())
    run = report.get("run", {})
    same = {k: report.get(k) for k in ("dependencies", "layers", "findings")}
    same.update({k: run.get(k) for k in ("problems", "notes", "api_calls", "complete")})
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, OsvApi.requests, same


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--functions", type=int, default=40)
    ap.add_argument("--packages", type=int, default=60)
    ap.add_argument("--filler", type=int, default=2_000_000)
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--before", default="HEAD~1")
    args = ap.parse_args()
    work = Path(os.environ.get("WORK", "/tmp/ld-bench-deps-live"))
    work.mkdir(parents=True, exist_ok=True)
    log = work / "build.log"
    before = subprocess.run(["git", "-C", str(SRC), "rev-parse", "--short", args.before],
                            capture_output=True, text=True, check=True).stdout.strip()
    after = subprocess.run(["git", "-C", str(SRC), "rev-parse", "--short", "HEAD"],
                           capture_output=True, text=True, check=True).stdout.strip()
    sides = {"before": build(before_tree(before, work), work / f"build-{before}", log),
             "after": build(SRC, SRC / "build-bench-deps-live", log)}
    OsvApi.load()
    api = http.server.ThreadingHTTPServer(("127.0.0.1", 0), OsvApi)
    threading.Thread(target=api.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{api.server_address[1]}"
    commands = {"deps": ["deps"], "scan --deps": ["scan", "--deps"]}
    s = stack.Stack().start()
    try:
        zipped = deploy(s, args)
        print(f"{args.functions} functions x 2 served versions, {args.packages}+1 packages "
              f"each, {args.layers} layers; {zipped / 1e6:.1f} MB of packages; before = "
              f"{before}, after = {after}")
        res = {(c, k): [] for c in commands for k in sides}
        seen = {}
        for i in range(args.runs + 1):  # the first round warms moto and the page cache
            for c, cmd in commands.items():
                for side, binary in sides.items():
                    r = run_once(binary, s, cmd, url, Path(s.tmp) / f"{side}.json")
                    seen[(c, side)] = r[4]
                    if i:
                        res[(c, side)].append(r[:4])
    finally:
        s.stop()
        api.shutdown()
    bad = False
    for c in commands:
        same = seen[(c, "before")] == seen[(c, "after")]
        bad = bad or not same
        for side in sides:
            v = res[(c, side)]
            print(f"{c:12} {side:6}: wall {statistics.median(x[0] for x in v):.3f} s, cpu "
                  f"{statistics.median(x[1] for x in v):.3f} s, max rss "
                  f"{max(x[2] for x in v) / 1024:.1f} MB, OSV API requests {v[-1][3]}")
        print(f"{c:12} identical output (but times): {same}; api_calls "
              f"{seen[(c, 'after')]['api_calls']}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
