"""What the two boto3 peers share: collecting one account-region, lambdrift's scan rules, output.

The peers make the calls lambdrift scan makes (ListFunctions?FunctionVersion=ALL, ListAliases
per function, ListEventSourceMappings per region), through the same quota proxy, and apply
the scan rules the way src/audit/rules.c does, closely enough to count the same findings on
the bench estate: alias-unpinned, alias-split, latest-drift (code hash, or one of the settings
lambdrift canonicalises), unpublished, runtime-deprecated / runtime-deprecating /
runtime-unknown (data/lambda-runtimes.tsv, the date from --now) and trigger-unqualified.
A call that still fails after boto3's retries is counted as lost and the run as incomplete;
a peer never stops at the first failure, so its counts say how much it missed.
"""
import argparse
import datetime
import json
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_TABLE = REPO / "data" / "lambda-runtimes.tsv"


def parse_args(argv, description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--endpoint-url", required=True, help="the quota proxy")
    p.add_argument("--estate", required=True, help="estate file (accounts, keys, regions)")
    p.add_argument("--accounts", help="comma-separated account ids (default: all of the estate)")
    p.add_argument("--regions", help="comma-separated regions (default: the estate's)")
    p.add_argument("--now", default=None, help="YYYY-MM-DD the runtime rules judge at")
    p.add_argument("--horizon", type=int, default=180)
    p.add_argument("--runtime-table", default=str(DEFAULT_TABLE))
    p.add_argument("--output", help="JSON result here (default: stdout)")
    a = p.parse_args(argv)
    estate = json.load(open(a.estate))
    keys = {acc["id"]: acc["key"] for acc in estate["accounts"]}
    a.account_list = a.accounts.split(",") if a.accounts else list(keys)
    a.keys = keys
    a.region_list = a.regions.split(",") if a.regions else estate["regions"]
    return a


class Counters:
    """Operations, HTTP attempts and final failures, thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ops = 0
        self.attempts = 0
        self.lost = []

    def attempt(self, **kw):
        with self.lock:
            self.attempts += 1

    def op(self):
        with self.lock:
            self.ops += 1

    def lose(self, what, err):
        with self.lock:
            self.lost.append(f"{what}: {type(err).__name__}: {str(err)[:160]}")


def make_client(endpoint, key, region, config, counters):
    import boto3

    c = boto3.session.Session().client("lambda", endpoint_url=endpoint, region_name=region,
                                       aws_access_key_id=key, aws_secret_access_key="bench",
                                       config=config)
    c.meta.events.register("before-send.lambda.*", counters.attempt)
    return c


# -------------------------------------------------------------------------- collection

def list_versions(client, counters, account, region):
    """Every version entry of a region, grouped by function; (functions, complete)."""
    functions, marker = {}, None
    while True:
        kw = {"FunctionVersion": "ALL", "MaxItems": 50}
        if marker:
            kw["Marker"] = marker
        counters.op()
        try:
            page = client.list_functions(**kw)
        except Exception as e:  # noqa: BLE001 - every failure is a loss to count
            counters.lose(f"ListFunctions {account}/{region}", e)
            return functions, False
        for item in page.get("Functions", []):
            fn = functions.setdefault(item["FunctionName"], {
                "account": account, "region": region, "name": item["FunctionName"],
                "versions": {}, "aliases": [], "complete": True})
            fn["versions"][item["Version"]] = item
        marker = page.get("NextMarker")
        if not marker:
            return functions, True


def list_aliases(client, counters, fn):
    marker, aliases = None, []
    while True:
        kw = {"FunctionName": fn["name"], "MaxItems": 50}
        if marker:
            kw["Marker"] = marker
        counters.op()
        try:
            page = client.list_aliases(**kw)
        except Exception as e:  # noqa: BLE001
            counters.lose(f"ListAliases {fn['account']}/{fn['region']}/{fn['name']}", e)
            fn["complete"] = False
            return False
        aliases.extend(page.get("Aliases", []))
        marker = page.get("NextMarker")
        if not marker:
            fn["aliases"] = aliases
            return True


def list_mappings(client, counters, account, region):
    marker, out = None, []
    while True:
        kw = {"MaxItems": 100}
        if marker:
            kw["Marker"] = marker
        counters.op()
        try:
            page = client.list_event_source_mappings(**kw)
        except Exception as e:  # noqa: BLE001
            counters.lose(f"ListEventSourceMappings {account}/{region}", e)
            return out, False
        for m in page.get("EventSourceMappings", []):
            out.append(dict(m, account=account, region=region))
        marker = page.get("NextMarker")
        if not marker:
            return out, True


# ------------------------------------------------------------------------------- rules

def load_runtimes(path):
    table = {}
    header = None
    for line in open(path):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        if header is None:
            header = cols
            continue
        row = dict(zip(header, cols))
        table[row["identifier"]] = row.get("deprecation_date") or None
    return table


def canonical_config(item):
    """The settings whose change is drift, with defaults folded away (as inventory/canon.c does)."""
    env = (item.get("Environment") or {}).get("Variables") or {}
    layers = sorted(l["Arn"] if isinstance(l, dict) else l for l in item.get("Layers") or [])
    arch = item.get("Architectures") or []
    out = {
        "Runtime": item.get("Runtime"), "Handler": item.get("Handler"),
        "MemorySize": item.get("MemorySize"), "Timeout": item.get("Timeout"),
        "Role": item.get("Role"), "KMSKeyArn": item.get("KMSKeyArn") or None,
        "Environment": env or None, "Layers": layers or None,
        "Architectures": None if arch in ([], ["x86_64"]) else arch,
        "EphemeralStorage": None if (item.get("EphemeralStorage") or {}).get("Size", 512) == 512
        else item["EphemeralStorage"]["Size"],
        "TracingConfig": None if (item.get("TracingConfig") or {}).get("Mode", "PassThrough")
        == "PassThrough" else item["TracingConfig"]["Mode"],
        "DeadLetterConfig": (item.get("DeadLetterConfig") or {}).get("TargetArn") or None,
        "PackageType": item.get("PackageType") or "Zip",
    }
    return {k: v for k, v in out.items() if v is not None}


def newest_published(fn):
    nums = [int(v) for v in fn["versions"] if v.isdigit()]
    return str(max(nums)) if nums else None


def runtime_finding(table, today, horizon, runtime):
    if not runtime:
        return None
    if runtime not in table:
        return "runtime-unknown"
    dep = table[runtime]
    if not dep:
        return None
    days = (datetime.date.fromisoformat(dep) - today).days
    if days > horizon:
        return None
    return "runtime-deprecated" if days <= 0 else "runtime-deprecating"


def rules(functions, mappings, table, today, horizon):
    """Findings as (rule, account, region, function, qualifier) tuples."""
    out = []
    for fn in functions:
        key = (fn["account"], fn["region"], fn["name"])
        for a in fn["aliases"]:
            if a.get("FunctionVersion") == "$LATEST":
                out.append(("alias-unpinned", *key, a["Name"]))
            if ((a.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}):
                out.append(("alias-split", *key, a["Name"]))
        latest = fn["versions"].get("$LATEST")
        pub = newest_published(fn)
        if latest and pub:
            p = fn["versions"][pub]
            code = latest.get("CodeSha256") and p.get("CodeSha256") and \
                latest["CodeSha256"] != p["CodeSha256"]
            if code or canonical_config(latest) != canonical_config(p):
                out.append(("latest-drift", *key, "$LATEST"))
        if not pub and fn["versions"]:
            out.append(("unpublished", *key, None))
        if latest:
            r = runtime_finding(table, today, horizon, latest.get("Runtime"))
            if r:
                out.append((r, *key, "$LATEST"))
            seen = set()
            for a in fn["aliases"]:
                targets = [a.get("FunctionVersion")] + list(
                    ((a.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}))
                for v in targets:
                    item = fn["versions"].get(v)
                    if (not item or v == "$LATEST" or v in seen or not item.get("Runtime")
                            or item.get("Runtime") == latest.get("Runtime")):
                        continue
                    seen.add(v)
                    r = runtime_finding(table, today, horizon, item["Runtime"])
                    if r:
                        out.append((r, *key, v))
    names = {(f["account"], f["region"], f["name"]) for f in functions}
    for m in mappings:
        parts = (m.get("FunctionArn") or "").split(":")
        if len(parts) < 7 or parts[2] != "lambda" or parts[5] != "function":
            continue
        qualifier = parts[7] if len(parts) > 7 else None
        if qualifier and qualifier != "$LATEST":
            continue
        if (m["account"], m["region"], parts[6]) in names:
            out.append(("trigger-unqualified", m["account"], m["region"], parts[6], "$LATEST"))
    return sorted(out, key=lambda t: tuple("" if x is None else x for x in t))


def finish(a, tool, functions, mappings, counters, complete, started):
    today = datetime.date.fromisoformat(a.now) if a.now else datetime.date.today()
    findings = rules(functions, mappings, load_runtimes(a.runtime_table), today, a.horizon)
    by_rule = {}
    for f in findings:
        by_rule[f[0]] = by_rule.get(f[0], 0) + 1
    complete = complete and not counters.lost and all(f["complete"] for f in functions)
    result = {"tool": tool, "complete": complete, "functions": len(functions),
              "versions": sum(len(f["versions"]) for f in functions),
              "mappings": len(mappings), "findings": [list(f) for f in findings],
              "by_rule": by_rule, "operations": counters.ops,
              "attempts": counters.attempts, "lost": len(counters.lost),
              "lost_detail": counters.lost[:20],
              "seconds": round(time.monotonic() - started, 3)}
    text = json.dumps(result)
    if a.output:
        Path(a.output).write_text(text)
    else:
        sys.stdout.write(text + "\n")
    return 0 if complete else 3
