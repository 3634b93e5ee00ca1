#!/usr/bin/env python3
"""Validate lambdrift reports the way their consumers read them.

    validate_reports.py sarif FILE...   SARIF 2.1.0: jsonschema (draft-04) against
                                        fixtures/sarif/sarif-schema-2.1.0.json
    validate_reports.py junit FILE...   JUnit XML: parsed by xml.etree, with the shape CI
                                        systems render (testsuites > testsuite > testcase)

Prints "ok FILE" per valid file, or the problems, and exits 1 when any file is invalid.
The integration tests import check_sarif() and check_junit() from here.
"""
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCHEMA = REPO / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"


def check_sarif(text):
    """Problems of a SARIF log (an empty list when it validates)."""
    import jsonschema

    try:
        doc = json.loads(text)
    except ValueError as e:
        return [f"not JSON: {e}"]
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft4Validator(schema)
    problems = [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
                for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))]
    if not problems and (doc.get("version") != "2.1.0" or len(doc.get("runs", [])) != 1):
        problems.append("expected version 2.1.0 and exactly one run")
    return problems


def _count(node, attr):
    try:
        return int(node.get(attr, "0"))
    except ValueError:
        return -1


def check_junit(text):
    """Problems of a JUnit XML report (an empty list when it is well formed and consistent)."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        return [f"not well-formed XML: {e}"]
    if root.tag != "testsuites":
        return [f"root element is <{root.tag}>, expected <testsuites>"]
    problems = []
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        # Counts are of test cases (a case may hold several <failure> elements).
        got = {"tests": len(cases),
               "failures": sum(1 for c in cases if c.find("failure") is not None),
               "errors": sum(1 for c in cases if c.find("error") is not None),
               "skipped": sum(1 for c in cases if c.find("skipped") is not None)}
        for k, v in got.items():
            if _count(suite, k) != v:
                problems.append(f"testsuite {suite.get('name')!r}: {k}={suite.get(k)}, counted {v}")
            total[k] += v
        for c in cases:
            if not c.get("name") or not c.get("classname"):
                problems.append(f"testsuite {suite.get('name')!r}: a testcase lacks name/classname")
    for k in ("tests", "failures", "errors"):
        if _count(root, k) != total[k]:
            problems.append(f"testsuites: {k}={root.get(k)}, counted {total[k]}")
    return problems


def main(argv):
    if len(argv) < 3 or argv[1] not in ("sarif", "junit"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    check = check_sarif if argv[1] == "sarif" else check_junit
    bad = 0
    for name in argv[2:]:
        problems = check(Path(name).read_text(encoding="utf-8"))
        if problems:
            bad += 1
            print(f"invalid {name}:")
            for p in problems[:50]:
                print(f"  {p}")
        else:
            print(f"ok {name}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
