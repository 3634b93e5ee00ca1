#!/usr/bin/env python3
"""Synthetic shard snapshots for bench/merge.sh: one lambdrift/inventory/v1 file per shard,
each one account of FUNCTIONS functions spread over three regions, from the shape of
fixtures/inventory/cli-accounts.json. Deterministic: function i of shard s is the same on
every run. A quarter of the functions have $LATEST edited after the last publish and an
alias on $LATEST, a tenth run a deprecated runtime, so every shard report has findings.
    usage: merge_synth.py TEMPLATE.json OUTDIR SHARDS FUNCTIONS
"""
import copy
import json
import os
import sys

REGIONS = ("eu-west-1", "us-east-1", "us-west-2")


def function(template, account, region, i):
    name = "fn-%05d" % i
    fn = copy.deepcopy(template)
    text = json.dumps(fn).replace("111111111111", account).replace("us-east-1", region)
    fn = json.loads(text.replace('"billing', '"' + name).replace(":billing", ":" + name))
    fn["name"] = name
    latest, v2 = fn["versions"][0], fn["versions"][1]
    v2["code_sha256"] = "%s%016d" % (account, i)
    latest["code_sha256"] = v2["code_sha256"] if i % 4 else "edited-%s-%d" % (account, i)
    runtime = "python3.8" if i % 10 == 0 else "python3.12"
    for v in (latest, v2):
        v["runtime"] = v["config"]["Runtime"] = runtime
    fn["aliases"][0]["function_version"] = "$LATEST" if i % 4 == 0 else "2"
    return fn


def main():
    template_path, out, shards, functions = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    base = json.load(open(template_path))
    template = base["functions"][0]
    os.makedirs(out, exist_ok=True)
    for s in range(shards):
        account = "%012d" % (100000000000 + s)
        fns = [function(template, account, REGIONS[i % 3], i) for i in range(functions)]
        fns.sort(key=lambda f: (f["region"], f["name"]))
        doc = dict(base, account=account, accounts=[account], regions=list(REGIONS),
                   notes=[], triggers=[], functions=fns)
        with open(os.path.join(out, "shard-%03d.json" % (s + 1)), "w") as f:
            json.dump(doc, f)


if __name__ == "__main__":
    main()
