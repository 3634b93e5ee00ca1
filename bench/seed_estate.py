#!/usr/bin/env python3
"""Plan and seed a realistic Lambda estate into moto, fast and deterministically.

Usage: seed_estate.py --endpoint-url http://127.0.0.1:PORT --out estate.json
           [--functions 1000] [--accounts 2] [--regions us-east-1,eu-west-1,ap-southeast-2]
           [--seed 1] [--median-versions 5] [--p-over-100 0.1] [--max-versions 1000]
           [--unpublished 0.04] [--esm-fraction 0.25] [--threads 6] [--plan-only]

The plan is a pure function of the parameters and the seed. Functions are spread round-robin
over accounts x regions (in a shuffled order). Version counts follow a log-normal
distribution with the given median and the given share above 100 (sigma solved from the two;
capped at --max-versions), a share of functions is never published. Each function has 1-3
aliases (most on one of its newest versions, some on $LATEST, some splitting traffic), some
$LATEST copies are edited after the last publish (code or config: latest-drift), and a share
of functions has an SQS event source mapping (some on the unqualified ARN). Runtimes mix
current and deprecated ones so the runtime rules fire too.

Seeding goes straight to moto with boto3 (never through the quota proxy), in --threads threads,
one function's whole history per task. Accounts are selected with moto's x-moto-account-id
header (see bench/quota_proxy.py for how moto picks an account). A published version costs one
UpdateFunctionCode with Publish=true (moto publishes only when code or config changed, as
Lambda, so each version gets its own zip).

The estate file (--out) records the plan, the access key id of each account (the proxy maps
keys to accounts with it) and, per account-region, the minimum number of calls of Lambda's
15 req/s class a complete scan needs by the method in docs/ARCHITECTURE.md: one ListFunctions page
(FunctionVersion=ALL) per 50 entries ($LATEST and each published version), one ListAliases page
per function (50 aliases a page), one ListEventSourceMappings page per 100 mappings (at least
one page each).
"""
import argparse
import io
import json
import math
import random
import sys
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor

DEFAULT_REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"]
ACCOUNT_IDS = ["111111111111", "222222222222", "333333333333", "444444444444",
               "555555555555", "666666666666", "777777777777", "888888888888",
               "999999999999", "101010101010", "121212121212", "131313131313"]
RUNTIMES = [("python3.12", 40), ("nodejs20.x", 20), ("python3.11", 10), ("java21", 5),
            ("nodejs18.x", 8), ("python3.9", 7), ("python3.8", 5), ("provided.al2023", 5)]
ALIAS_NAMES = ["live", "staging", "canary"]
WORDS = ["orders", "billing", "resize", "notify", "ingest", "report", "auth", "search",
         "export", "audit", "sync", "cron", "webhook", "thumbs", "mailer", "ledger"]
PAGE_FUNCTIONS, PAGE_ALIASES, PAGE_ESM = 50, 50, 100
LAMBDA_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
     "Action": "sts:AssumeRole"}]})
QUEUES_PER_REGION = 8


def access_key(index):
    """A key id of AWS's shape (20 characters) for bench account `index`."""
    return f"AKIABENCH{index + 1:011d}"


def sigma_for(median, p_over_100):
    """Log-normal sigma giving P(X > 100) = p_over_100 with the given median."""
    z = statistics_inv_norm(1.0 - p_over_100)
    return math.log(100.0 / median) / z


def statistics_inv_norm(p):
    from statistics import NormalDist
    return NormalDist().inv_cdf(p)


def plan_estate(a):
    rng = random.Random(a.seed)
    accounts = [{"id": ACCOUNT_IDS[i], "key": access_key(i)} for i in range(a.accounts)]
    regions = a.regions
    sigma = sigma_for(a.median_versions, a.p_over_100)
    runtimes = [r for r, _ in RUNTIMES]
    weights = [w for _, w in RUNTIMES]
    slots = [(acc["id"], reg) for acc in accounts for reg in regions]
    rng.shuffle(slots)
    functions = []
    for i in range(a.functions):
        account, region = slots[i % len(slots)]
        n = 0
        if rng.random() >= a.unpublished:
            n = max(1, min(a.max_versions,
                           int(round(rng.lognormvariate(math.log(a.median_versions), sigma)))))
        fn = {"account": account, "region": region,
              "name": f"{WORDS[i % len(WORDS)]}-{i:05d}",
              "runtime": rng.choices(runtimes, weights)[0], "versions": n,
              "aliases": [], "drift": None, "esm": None}
        for k in range(rng.randint(1, 3)):
            alias = {"name": ALIAS_NAMES[k], "version": "$LATEST", "weights": None}
            if n and rng.random() >= 0.04:
                alias["version"] = str(rng.randint(max(1, n - 3), n))
                if n >= 2 and rng.random() < 0.05:
                    other = str(int(alias["version"]) - 1 if alias["version"] != "1" else 2)
                    alias["weights"] = {other: 0.1}
            fn["aliases"].append(alias)
        if n:
            r = rng.random()
            fn["drift"] = "code" if r < 0.10 else "config" if r < 0.15 else None
        if rng.random() < a.esm_fraction:
            fn["esm"] = {"qualifier": None if rng.random() < 0.4 else fn["aliases"][0]["name"],
                         "queue": rng.randrange(QUEUES_PER_REGION)}
        functions.append(fn)
    return {"params": {k: v for k, v in vars(a).items() if k not in ("endpoint_url", "out")},
            "accounts": accounts, "regions": regions, "functions": functions,
            "minimum": minimum_calls(accounts, regions, functions)}


def minimum_calls(accounts, regions, functions):
    """Per "account/region": the fewest calls of the 15 req/s class a complete scan makes."""
    out = {}
    for acc in accounts:
        for reg in regions:
            fns = [f for f in functions if f["account"] == acc["id"] and f["region"] == reg]
            entries = sum(1 + f["versions"] for f in fns)
            esms = sum(1 for f in fns if f["esm"])
            m = {"ListFunctions": max(1, math.ceil(entries / PAGE_FUNCTIONS)),
                 "ListAliases": sum(max(1, math.ceil(len(f["aliases"]) / PAGE_ALIASES))
                                    for f in fns),
                 "ListEventSourceMappings": max(1, math.ceil(esms / PAGE_ESM)),
                 "functions": len(fns), "versions": entries - len(fns), "esms": esms}
            m["control"] = m["ListFunctions"] + m["ListAliases"] + m["ListEventSourceMappings"]
            out[f"{acc['id']}/{reg}"] = m
    return out


# ------------------------------------------------------------------------------ seeding

def zip_bytes(tag):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        info = zipfile.ZipInfo("app.py", date_time=(1980, 1, 1, 0, 0, 0))
        z.writestr(info, f"# {tag}\ndef handler(event, context):\n    return {{}}\n")
    return buf.getvalue()


class Clients:
    """boto3 clients per thread, service, account and region, aimed at moto directly."""

    def __init__(self, endpoint):
        self.endpoint = endpoint
        self.local = threading.local()

    def get(self, service, account, region):
        import boto3
        from botocore.config import Config

        cache = self.local.__dict__.setdefault("clients", {})
        k = (service, account, region)
        if k not in cache:
            c = boto3.session.Session().client(
                service, endpoint_url=self.endpoint, region_name=region,
                aws_access_key_id="AKIABENCHSEEDER00000", aws_secret_access_key="bench",
                config=Config(retries={"mode": "standard", "max_attempts": 5}))

            def tag(request, **kw):
                request.headers["x-moto-account-id"] = account
            c.meta.events.register("before-sign.*.*", tag)
            cache[k] = c
        return cache[k]


def seed_account(clients, account, regions):
    iam = clients.get("iam", account, regions[0])
    try:
        iam.create_role(RoleName="bench-exec", AssumeRolePolicyDocument=LAMBDA_TRUST)
    except iam.exceptions.EntityAlreadyExistsException:
        pass
    queues = {}
    for reg in regions:
        sqs = clients.get("sqs", account, reg)
        for q in range(QUEUES_PER_REGION):
            url = sqs.create_queue(QueueName=f"bench-q{q}")["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
            queues[(reg, q)] = arn["Attributes"]["QueueArn"]
    return f"arn:aws:iam::{account}:role/bench-exec", queues


def seed_function(clients, fn, role, queues):
    lam = clients.get("lambda", fn["account"], fn["region"])
    name, n = fn["name"], fn["versions"]
    lam.create_function(FunctionName=name, Runtime=fn["runtime"], Role=role,
                        Handler="app.handler", Code={"ZipFile": zip_bytes(f"{name}-1")},
                        MemorySize=128, Timeout=15, Publish=n >= 1)
    for v in range(2, n + 1):
        lam.update_function_code(FunctionName=name, ZipFile=zip_bytes(f"{name}-{v}"),
                                 Publish=True)
    if fn["drift"] == "code":
        lam.update_function_code(FunctionName=name, ZipFile=zip_bytes(f"{name}-edited"))
    elif fn["drift"] == "config":
        lam.update_function_configuration(FunctionName=name, MemorySize=256)
    for al in fn["aliases"]:
        kw = {}
        if al["weights"]:
            kw["RoutingConfig"] = {"AdditionalVersionWeights": al["weights"]}
        lam.create_alias(FunctionName=name, Name=al["name"], FunctionVersion=al["version"], **kw)
    if fn["esm"]:
        ref = name if fn["esm"]["qualifier"] is None else f"{name}:{fn['esm']['qualifier']}"
        lam.create_event_source_mapping(FunctionName=ref, BatchSize=10,
                                        EventSourceArn=queues[(fn["region"], fn["esm"]["queue"])])
    return 2 + max(0, n - 1) + (fn["drift"] is not None) + len(fn["aliases"]) + bool(fn["esm"])


def seed(estate, endpoint, threads, progress=True):
    clients = Clients(endpoint)
    start = time.monotonic()
    setup = {}
    for acc in estate["accounts"]:
        setup[acc["id"]] = seed_account(clients, acc["id"], estate["regions"])
    # Longest histories first, so one long function does not finish the run alone.
    order = sorted(estate["functions"], key=lambda f: -f["versions"])
    done = calls = 0
    lock = threading.Lock()

    def task(fn):
        nonlocal done, calls
        role, queues = setup[fn["account"]]
        c = seed_function(clients, fn, role, queues)
        with lock:
            done += 1
            calls += c
            if progress and done % 100 == 0:
                print(f"seeded {done}/{len(order)} functions, {calls} calls, "
                      f"{time.monotonic() - start:.0f}s", file=sys.stderr, flush=True)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for f in [pool.submit(task, fn) for fn in order]:
            f.result()
    return {"seconds": round(time.monotonic() - start, 1), "calls": calls}


def parse_args(argv):
    p = argparse.ArgumentParser(description="seed a realistic Lambda estate into moto")
    p.add_argument("--endpoint-url", help="moto (not the proxy)")
    p.add_argument("--out", required=True, help="write the estate (plan + minimum) here")
    p.add_argument("--functions", type=int, default=1000)
    p.add_argument("--accounts", type=int, default=2, choices=range(1, len(ACCOUNT_IDS) + 1))
    p.add_argument("--regions", type=lambda s: [r for r in s.split(",") if r],
                   default=list(DEFAULT_REGIONS))
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--median-versions", type=float, default=5.0)
    p.add_argument("--p-over-100", type=float, default=0.1,
                   help="share of functions with more than 100 versions (0.1)")
    p.add_argument("--max-versions", type=int, default=1000)
    p.add_argument("--unpublished", type=float, default=0.04,
                   help="share of functions never published (0.04)")
    p.add_argument("--esm-fraction", type=float, default=0.25,
                   help="share of functions with an event source mapping (0.25)")
    p.add_argument("--threads", type=int, default=6)
    p.add_argument("--plan-only", action="store_true", help="write the plan, seed nothing")
    return p.parse_args(argv)


def main(argv=None):
    a = parse_args(argv if argv is not None else sys.argv[1:])
    estate = plan_estate(a)
    if not a.plan_only:
        if not a.endpoint_url:
            raise SystemExit("seed_estate.py: --endpoint-url is needed unless --plan-only")
        estate["seeding"] = seed(estate, a.endpoint_url, a.threads)
    with open(a.out, "w") as f:
        json.dump(estate, f, indent=1)
    versions = sum(f["versions"] for f in estate["functions"])
    print(f"estate: {len(estate['functions'])} functions, {versions} published versions, "
          f"{len(estate['accounts'])} accounts x {len(estate['regions'])} regions"
          + (f"; seeded in {estate['seeding']['seconds']}s ({estate['seeding']['calls']} calls)"
             if "seeding" in estate else ""), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
