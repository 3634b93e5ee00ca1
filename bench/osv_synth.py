"""Synthesise an OSV advisory set for bench/osv.sh: RECORDS records shaped like the GitHub
Advisory Database samples in fixtures/osv/github-advisory-database (same fields, the same
kind of details text, references, CVSS vectors or an empty severity list with
database_specific.severity, several affected entries per package with introduced/fixed and
sometimes last_affected), over many npm, PyPI and Maven packages. They are written in the
advisory-database layout (advisories/github-reviewed/YYYY/MM/ID/ID.json) under OUT/dir and
as OUT/all.zip, plus OUT/deps.tsv: DEPS deployed dependencies (ecosystem, name, version),
about two thirds of them packages that have advisories, some spelled in another case.
Deterministic for a seed. No real advisory is copied: ids, packages and texts are made up.

usage: python3 bench/osv_synth.py OUT [RECORDS] [DEPS] [SEED]
"""
import json
import os
import random
import sys
import zipfile

OUT = sys.argv[1]
RECORDS = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
DEPS = int(sys.argv[3]) if len(sys.argv) > 3 else 500
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 42)

WORDS = ("prototype pollution regular expression denial of service cross site scripting "
         "request smuggling path traversal improper input validation arbitrary code execution "
         "header injection redirect credentials leak memory exhaustion parser buffer overflow "
         "deserialization untrusted data sandbox escape timing attack signature bypass "
         "directory listing cookie session fixation open proxy").split()
ALPHA = "23456789cfghjmpqrvwx"
CVSS = ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L",
        "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:H/I:H/A:N", "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"]
LABELS = ["LOW", "MODERATE", "HIGH", "CRITICAL"]


def ghsa():
    return "GHSA-" + "-".join("".join(rng.choice(ALPHA) for _ in range(4)) for _ in range(3))


def words(n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def pkg_name(eco, i):
    stem = rng.choice(["http", "json", "yaml", "auth", "xml", "image", "date", "crypto", "net",
                       "url", "cache", "log", "shell", "tar", "zip", "sql", "template"])
    tail = rng.choice(["parser", "client", "utils", "core", "lite", "kit", "js", "server", "io"])
    if eco == "npm":
        return ("@scope%d/" % (i % 40) if i % 7 == 0 else "") + "%s-%s-%d" % (stem, tail, i)
    if eco == "PyPI":
        return "%s%s_%s-%d" % (stem.capitalize() if i % 3 == 0 else stem, "." if i % 5 == 0 else "", tail, i)
    return "org.example.%s:%s-%s-%d" % (stem, stem, tail, i)


def version(eco, major):
    v = "%d.%d.%d" % (major, rng.randrange(30), rng.randrange(40))
    if eco == "PyPI" and rng.random() < 0.1:
        v = "%d.%d" % (major, rng.randrange(30))
    return v


def ranges(eco):
    """One to three disjoint ranges, as separate affected entries (like minimist, urllib3)."""
    out = []
    majors = sorted(rng.sample(range(0, 12), rng.randint(1, 3)))
    for m in majors:
        lo = "0" if m == majors[0] and rng.random() < 0.5 else "%d.0.0" % m
        if eco == "PyPI" and lo != "0" and rng.random() < 0.3:
            lo = "%d.0" % m
        hi = "%d.%d.%d" % (m, rng.randrange(1, 30), rng.randrange(40))
        if rng.random() < 0.1:
            out.append([{"introduced": lo}, {"last_affected": hi}])
        else:
            out.append([{"introduced": lo}, {"fixed": hi}])
    return out


def record(i, packages):
    eco, name = rng.choice(packages)
    rid = ghsa()
    year = 2017 + i % 8
    cve = "CVE-%d-%d" % (year, 10000 + i)
    affected = []
    for evs in ranges(eco):
        entry = {"package": {"ecosystem": eco, "name": name}, "ranges": [{"type": "ECOSYSTEM", "events": evs}]}
        if rng.random() < 0.3:
            entry["ecosystem_specific"] = {"affected_functions": ["%s.%s" % (name, rng.choice(WORDS))]}
        affected.append(entry)
    if rng.random() < 0.15:  # a second package of the same project, like lodash / lodash-es
        eco2, name2 = rng.choice(packages)
        affected.append({"package": {"ecosystem": eco2, "name": name2},
                         "ranges": [{"type": "ECOSYSTEM", "events": ranges(eco2)[0]}]})
    label = rng.choice(LABELS)
    refs = [{"type": "ADVISORY", "url": "https://nvd.nist.gov/vuln/detail/" + cve}]
    for k in range(rng.randint(3, 12)):
        refs.append({"type": rng.choice(["WEB", "PACKAGE", "FIX", "REPORT"]),
                     "url": "https://example.org/%s/%s/%d" % (name.replace(":", "/"), rng.choice(WORDS), k)})
    return {
        "schema_version": rng.choice(["1.3.0", "1.4.0"]),
        "id": rid,
        "modified": "%d-%02d-%02dT12:00:00Z" % (year + 1, 1 + i % 12, 1 + i % 28),
        "published": "%d-%02d-%02dT12:00:00Z" % (year, 1 + i % 12, 1 + i % 28),
        "aliases": [cve],
        "summary": words(rng.randint(3, 8)).capitalize() + " in " + name,
        "details": " ".join(words(rng.randint(8, 20)).capitalize() + "." for _ in range(rng.randint(3, 12))),
        "severity": [] if rng.random() < 0.2 else [{"type": "CVSS_V3", "score": rng.choice(CVSS)}],
        "affected": affected,
        "references": refs,
        "database_specific": {"cwe_ids": ["CWE-%d" % rng.randrange(20, 1400)], "severity": label,
                              "github_reviewed": True,
                              "github_reviewed_at": "%d-01-01T00:00:00Z" % year,
                              "nvd_published_at": None if rng.random() < 0.2 else "%d-01-02T00:00:00Z" % year},
    }


def main():
    npkg = max(RECORDS // 3, 10)
    packages = []
    for i in range(npkg):
        eco = "npm" if i % 10 < 6 else ("PyPI" if i % 10 < 9 else "Maven")
        packages.append((eco, pkg_name(eco, i)))
    recs = [record(i, packages) for i in range(RECORDS)]
    root = os.path.join(OUT, "dir")
    os.makedirs(root, exist_ok=True)
    with zipfile.ZipFile(os.path.join(OUT, "all.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        for i, r in enumerate(recs):
            text = json.dumps(r, indent=2)
            rel = "advisories/github-reviewed/%s/%s/%s/%s.json" % (
                r["published"][:4], r["published"][5:7], r["id"], r["id"])
            os.makedirs(os.path.join(root, os.path.dirname(rel)), exist_ok=True)
            with open(os.path.join(root, rel), "w") as f:
                f.write(text)
            z.writestr(r["id"] + ".json", text)
    affected = sorted({(a["package"]["ecosystem"], a["package"]["name"]) for r in recs for a in r["affected"]})
    with open(os.path.join(OUT, "deps.tsv"), "w") as f:
        for k in range(DEPS):
            if k % 3 != 2:
                eco, name = rng.choice(affected)
                if eco != "Maven" and rng.random() < 0.2:
                    name = name.upper()
            else:
                eco, name = rng.choice(packages)
                name += "-unadvised"
            f.write("%s\t%s\t%s\n" % (eco, name, version(eco, rng.randrange(0, 13))))
    size = sum(os.path.getsize(os.path.join(d, n)) for d, _, ns in os.walk(root) for n in ns)
    print("synthesised %d records (%d packages, %.1f MB of JSON), %d deployed dependencies"
          % (RECORDS, len(affected), size / 1e6, DEPS))


main()
