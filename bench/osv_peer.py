"""The peer of bench/osv_bench.c: a straightforward Python matcher doing the same work (load
every OSV record of a directory or an all.zip with json, index affected packages by
ecosystem and normalised name, evaluate the ranges of each deployed dependency, find the
first fixed version the advisory does not affect) with packaging.version for PyPI when it
is installed (else pip's vendored copy), a SemVer key for npm and a numeric key for Maven
(the synthesised Maven versions are plain numbers). Prints the same digest as osv_bench.
usage: python3 bench/osv_peer.py [--lines] ADVISORIES DEPS.tsv
"""
import hashlib
import json
import os
import re
import sys
import time
import zipfile

try:
    from packaging.version import Version
    PACKAGING = "packaging"
except ImportError:
    from pip._vendor.packaging.version import Version
    PACKAGING = "pip._vendor.packaging"

SEMVER = re.compile(r"^[=v]*(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


def npm_key(v):
    m = SEMVER.match(v.strip())
    if not m:
        raise ValueError(v)
    core = tuple(int(x or 0) for x in m.group(1, 2, 3))
    if not m.group(4):
        return core + ((1,),)
    pre = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in m.group(4).split("."))
    return core + ((0,) + pre,)


def maven_key(v):
    parts = [int(p) for p in re.split(r"[.-]", v)]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


KEYS = {"npm": npm_key, "PyPI": Version, "Maven": maven_key}


def norm(eco, name):
    name = name.strip()
    if eco == "npm":
        return name.lower()
    if eco == "PyPI":
        return re.sub(r"[-_.]+", "-", name).lower()
    return name


def records(path):
    if os.path.isdir(path):
        for d, dirs, files in os.walk(path):
            dirs.sort()
            for f in sorted(files):
                if f.endswith(".json"):
                    with open(os.path.join(d, f), "rb") as fh:
                        yield json.load(fh)
    else:
        with zipfile.ZipFile(path) as z:
            for n in z.namelist():
                if n.endswith(".json"):
                    yield json.loads(z.read(n))


def load(path):
    index = {}
    for r in records(path):
        if "id" not in r or r.get("withdrawn"):
            continue
        for a in r.get("affected", []):
            p = a.get("package")
            if p:
                index.setdefault((p["ecosystem"], norm(p["ecosystem"], p["name"])), []).append((r["id"], a))
    return index


def in_range(events, key, v):
    best = None  # (version key or None for "0", is_introduced)
    for e in events:
        kind, ver = next(iter(e.items()))
        if kind not in ("introduced", "fixed", "last_affected"):
            continue
        ek = None if (kind == "introduced" and ver == "0") else key(ver)
        trig = ek is None or (ek < v if kind == "last_affected" else ek <= v)
        if not trig:
            continue
        if best is None or (ek is not None and (best[0] is None or ek > best[0])) or \
           (ek == best[0] and kind != "introduced"):
            best = (ek, kind == "introduced")
    return best is not None and best[1]


def affects(entries, rid, key, v, version):
    for i, a in entries:
        if i != rid:
            continue
        if any(r["type"] in ("ECOSYSTEM", "SEMVER") and in_range(r["events"], key, v) for r in a.get("ranges", [])):
            return True
        if version in a.get("versions", []):
            return True
    return False


def match(index, eco, name, version):
    key = KEYS[eco]
    v = key(version)
    entries = index.get((eco, norm(eco, name)), [])
    out = {}
    for rid, _ in entries:
        if rid in out or not affects(entries, rid, key, v, version):
            continue
        best = None
        for i, a in entries:
            if i != rid:
                continue
            for r in a.get("ranges", []):
                for e in r["events"]:
                    f = e.get("fixed")
                    if f is None or key(f) <= v or (best is not None and key(f) >= key(best)):
                        continue
                    if not affects(entries, rid, key, key(f), f):
                        best = f
        out[rid] = best or "-"
    return out


def main():
    args = sys.argv[1:]
    lines = args and args[0] == "--lines"
    if lines:
        args = args[1:]
    t0 = time.monotonic()
    index = load(args[0])
    t1 = time.monotonic()
    out, n = [], 0
    with open(args[1]) as f:
        for line in f:
            eco, name, version = line.rstrip("\n").split("\t")
            m = match(index, eco, name, version)
            n += len(m)
            out.append("%s\t%s\t%s\t%s\n" % (eco, name, version, " ".join("%s=%s" % (k, m[k]) for k in sorted(m))))
    t2 = time.monotonic()
    text = "".join(out)
    if lines:
        sys.stdout.write(text)
        return
    print("run 1 load %.4f s match %.4f s total %.4f s (%s)" % (t1 - t0, t2 - t1, t2 - t0, PACKAGING))
    print("records %d dependencies %d matches %d digest %s" % (
        len({i for es in index.values() for i, _ in es}), len(out), n, hashlib.sha256(text.encode()).hexdigest()))


main()
