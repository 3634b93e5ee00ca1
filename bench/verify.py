#!/usr/bin/env python3
"""Benchmark: `lambdrift verify` of many functions with distinct packages against the moto
stack, the current tree against an earlier commit (default: the commit before libdeflate, the
`before` of issue 15), in one invocation.

It builds both (Release, cached in WORK), starts scripts/moto_server.py, writes a release
repository of FUNCTIONS functions whose sources are bench/node_tree.py trees (--seed per
function, --scale SCALE: about 5 MB unzipped each at 0.1), tags it, and deploys each function
from `zip -r` of its source (so CodeSha256 never matches lambdrift's own package and verify
must inflate and hash every served package, and reports code-repackaged). Then it runs `verify --tag` RUNS times with each
binary, alternating, and prints the median wall and CPU time (user+sys, wait4) of each and
their ratio. Both must report the same findings and no code drift; otherwise it exits 1.

usage: bench/verify.py [--functions 50] [--scale 0.1] [--runs 5] [--before COMMIT]
       (env: WORK=/tmp/ld-bench-verify)
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(SRC / "tests" / "integration"))
import stack  # noqa: E402

TAG = "v1.0.0"
CONFIG = {"Runtime": "python3.12", "Handler": "app.handler", "MemorySize": 256, "Timeout": 15}


def build(src, out, log):
    """A Release build of the lambdrift binary from source tree `src` into `out`."""
    binary = out / "lambdrift"
    if binary.exists():
        return binary
    with open(log, "ab") as f:
        for cmd in (["cmake", "-S", str(src), "-B", str(out), "-DCMAKE_BUILD_TYPE=Release",
                     "-DLD_WERROR=OFF"],
                    ["cmake", "--build", str(out), "--target", "lambdrift", "-j2"]):
            if subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT).returncode:
                sys.exit(f"verify.py: build of {src} failed, see {log}")
    return binary


def before_tree(commit, work):
    """The source of `commit`, exported once into WORK."""
    tree = work / f"src-{commit}"
    if not tree.exists():
        tmp = Path(tempfile.mkdtemp(dir=work))
        archive = subprocess.run(["git", "-C", str(SRC), "archive", commit],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
        tmp.rename(tree)
    return tree


def make_repo(repo, n, scale):
    repo.mkdir(parents=True)
    stack.git(repo, "init", "-q", "-b", "main")
    functions = []
    for i in range(n):
        name = f"fn{i:03d}"
        source = f"services/{name}"
        subprocess.run([sys.executable, str(SRC / "bench" / "node_tree.py"), str(repo / source),
                        "--seed", str(1000 + i), "--scale", str(scale)], check=True,
                       stdout=subprocess.DEVNULL)
        (repo / source / "app.py").write_text(f"def handler(e, c):\n    return {name!r}\n")
        functions.append({"name": name, "source": source, "config": CONFIG})
    spec = {"lambdrift": 1, "region": stack.REGION, "alias": "live", "functions": functions}
    (repo / "lambdrift.json").write_text(json.dumps(spec, indent=2) + "\n")
    stack.git(repo, "add", "-A")
    stack.git(repo, "commit", "-q", "-m", "release")
    stack.git(repo, "tag", "-a", TAG, "-m", "release")
    return [f["name"] for f in functions]


def zip_dir(src):
    """`zip -r -X` of a directory: another tool's order, times and directory entries."""
    out = Path(tempfile.mktemp(suffix=".zip"))
    subprocess.run(["zip", "-q", "-r", "-X", str(out), "."], cwd=src, check=True)
    data = out.read_bytes()
    out.unlink()
    return data


def deploy(s, repo, names):
    lam = s.boto("lambda")
    total = 0
    for name in names:
        code = zip_dir(repo / "services" / name)
        total += len(code)
        lam.create_function(FunctionName=name, Role=s.role_arn(), Code={"ZipFile": code},
                            Publish=True, **CONFIG)
        lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    return total


def run_once(binary, s, repo, out):
    args = [str(binary), "verify", "--repo", str(repo), "--tag", TAG, "--endpoint-url",
            s.endpoint, "--region", stack.REGION, "--format", "json", "--output", str(out)]
    start = time.monotonic()
    proc = subprocess.Popen(args, env=s.env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"verify.py: {binary} verify exited {code}:\n{err}")
    report = json.loads(Path(out).read_text())
    return wall, usage.ru_utime + usage.ru_stime, report


def profile(binary, s, repo, out):
    subprocess.run(["perf", "record", "-q", "-F", "500", "--call-graph", "dwarf", "-o", out, str(binary), "verify", "--repo",
                    str(repo), "--tag", TAG, "--endpoint-url", s.endpoint, "--region",
                    stack.REGION, "--output", os.devnull], env=s.env(),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report = subprocess.run(["perf", "report", "-i", out, "--stdio", "--no-children",
                             "--sort", "dso,symbol", "-g", "none", "--percent-limit", "1.5"],
                            capture_output=True, text=True).stdout
    print("perf, self time of the after run:")
    print("\n".join(l for l in report.splitlines() if l.strip() and not l.startswith("#")))


def findings(report):
    return sorted((f["rule"], f.get("function", "")) for f in report["findings"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--functions", type=int, default=50)
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--before", default="5c56264")
    ap.add_argument("--perf", metavar="FILE", help="also record one `after` run with perf "
                    "record -g into FILE and print where its CPU time goes")
    args = ap.parse_args()
    work = Path(os.environ.get("WORK", "/tmp/ld-bench-verify"))
    work.mkdir(parents=True, exist_ok=True)
    log = work / "build.log"
    sides = {"before": build(before_tree(args.before, work), work / f"build-{args.before}", log),
             "after": build(SRC, SRC / "build-bench-verify", log)}

    s = stack.Stack().start()
    try:
        repo = Path(s.tmp) / "release"
        names = make_repo(repo, args.functions, args.scale)
        zipped = deploy(s, repo, names)
        print(f"{len(names)} functions, distinct packages, {zipped / 1e6:.1f} MB zipped in all "
              f"(node_tree.py --scale {args.scale}); before = {args.before}, after = "
              f"{subprocess.run(['git', '-C', str(SRC), 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip()}")
        times = {k: [] for k in sides}
        seen = {}
        for i in range(args.runs + 1):  # the first round warms moto and the page cache
            for side, binary in sides.items():
                wall, cpu, report = run_once(binary, s, repo, Path(s.tmp) / f"{side}.json")
                seen[side] = findings(report)
                if i:
                    times[side].append((wall, cpu))
        if args.perf:
            profile(sides["after"], s, repo, args.perf)
    finally:
        s.stop()
    if seen["before"] != seen["after"]:
        sys.exit(f"verify.py: the findings differ:\nbefore {seen['before']}\nafter {seen['after']}")
    # zip -r of the tagged sources is a repackaging (code-repackaged), never drift
    drift = [f for f in seen["after"] if f[0] in ("code-drift", "code-unverified")]
    if drift or len(seen["after"]) < len(names):
        sys.exit(f"verify.py: expected code-repackaged for every function: {seen['after']}")
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
           for k, v in times.items()}
    for side in sides:
        print(f"{side:6}: wall {med[side][0]:.3f} s, cpu {med[side][1]:.3f} s "
              f"(medians of {args.runs})")
    print(f"ratio after / before: wall {med['after'][0] / med['before'][0]:.3f}, "
          f"cpu {med['after'][1] / med['before'][1]:.3f}; same findings: {len(seen['after'])}")


if __name__ == "__main__":
    main()
