#!/usr/bin/env python3
"""examples/: every manifest parses (YAML, JSON, sh -n), every lambdrift command in it uses
only options its command's --help lists (the option tables), with values those options
accept (FORMAT and SEVERITY from their choices), and the shard counts agree: the Kubernetes
Job's completions, the workflow's matrix and the Batch array size equal --shards/--shard N
and the merge's --expect-shards. usage: examples.py LAMBDRIFT (ctest cli/examples)."""
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

LD = sys.argv[1]
ROOT = Path(__file__).resolve().parents[2] / "examples"
failures = []


def options_of(cmd):
    out = subprocess.run([LD, cmd, "--help"], capture_output=True, text=True).stdout
    opts, on = {}, False
    for line in out.splitlines():
        if line.startswith("OPTIONS"):
            on = True
            continue
        if on and not line:
            break
        m = re.match(r"^ {2,6}(?:-(\w), )?--([a-z0-9-]+)(?: (\S+))?", line) if on else None
        if m:
            opts["--" + m.group(2)] = m.group(3)
            if m.group(1):
                opts["-" + m.group(1)] = m.group(3)
    return opts


CHOICES = {"FORMAT": {"text", "json", "sarif", "junit", "markdown", "github"},
           "SEVERITY": {"error", "warning", "note", "none"}}


def check_command(where, text):
    words = shlex.split(text.replace("${{ matrix.shard }}", "1"))
    cmds = []
    while "lambdrift" in words:
        words = words[words.index("lambdrift") + 1:]
        end = words.index("&&") if "&&" in words else len(words)
        cmds.append(words[:end])
        words = words[end:]
    for c in cmds:
        opts = options_of(c[0])
        if not opts:
            failures.append(f"{where}: unknown command {c[0]}")
            continue
        i = 1
        while i < len(c):
            w = c[i]
            if w.startswith("-"):
                if w not in opts:
                    failures.append(f"{where}: lambdrift {c[0]} has no option {w}")
                elif opts[w]:
                    i += 1
                    value = c[i] if i < len(c) else None
                    if opts[w] in CHOICES and value not in CHOICES[opts[w]]:
                        failures.append(f"{where}: {w} {value} is not a {opts[w]}")
            i += 1
    return cmds


def shard_counts(cmds):
    counts = set()
    for c in cmds:
        for i, w in enumerate(c[:-1]):
            if w in ("--shards", "--expect-shards"):
                counts.add(int(c[i + 1]))
            if w == "--shard":
                counts.add(int(c[i + 1].split("/")[1]))
    return counts


def strings(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)
    elif isinstance(node, str):
        yield node


def main():
    k8s = [yaml.safe_load((ROOT / "kubernetes" / f).read_text())
           for f in ("scan-job.yaml", "merge-job.yaml")]
    cmds = [c for doc in k8s for s in strings(doc) if "lambdrift " in s
            for c in check_command("kubernetes", s)]
    scan = k8s[0]["spec"]
    if scan.get("completionMode") != "Indexed":
        failures.append("kubernetes: the scan Job is not Indexed")
    if shard_counts(cmds) != {scan["completions"]}:
        failures.append(f"kubernetes: shards {shard_counts(cmds)} != {scan['completions']}")

    wf = yaml.safe_load((ROOT / "github-actions" / "org-scan.yml").read_text())
    cmds = [c for s in strings(wf["jobs"]) if "lambdrift " in s
            for c in check_command("github-actions", s)]
    matrix = wf["jobs"]["scan"]["strategy"]["matrix"]["shard"]
    if matrix != list(range(1, len(matrix) + 1)) or shard_counts(cmds) != {len(matrix)}:
        failures.append("github-actions: matrix and shard counts disagree")
    if wf["jobs"]["merge"]["needs"] != "scan":
        failures.append("github-actions: merge does not wait for the scan")

    jd = json.loads((ROOT / "aws-batch" / "job-definition.json").read_text())
    submit = (ROOT / "aws-batch" / "submit.sh").read_text()
    if subprocess.run(["sh", "-n", str(ROOT / "aws-batch" / "submit.sh")]).returncode:
        failures.append("aws-batch: submit.sh does not parse")
    cmds = check_command("aws-batch", jd["containerProperties"]["command"][-1])
    merge = re.search(r'"(aws s3 sync[^"]*)"', submit).group(1)
    cmds += check_command("aws-batch submit", merge)
    size = int(re.search(r"--array-properties size=(\d+)", submit).group(1))
    if shard_counts(cmds) != {size}:
        failures.append(f"aws-batch: shards {shard_counts(cmds)} != array size {size}")
    for f in failures:
        print(f)
    print("examples ok" if not failures else f"{len(failures)} problems")
    return 1 if failures else 0


sys.exit(main())
