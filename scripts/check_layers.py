#!/usr/bin/env python3
"""Check the library's layering on a built tree.

The file-level call graph comes from the objects of lambdrift_lib: `nm` lists what each
src/<dir>/<file>.c.o defines and what it leaves undefined, and file A depends on file B when
A uses a symbol B defines. Only objects whose source still exists count (a build tree keeps
the objects of renamed files). Checks:

  cycles          no ring of files that call into each other's functions (on by default);
                  every strongly connected group is printed with the symbols that tie it
  wrappers        each third-party library is included by its one wrapper only, and cmd/
                  includes only <lambdrift/...> (on by default; CONTRIBUTING's conventions)
  audit-includes  src/audit/ includes no collect (aws/), HTTP seam (http/), repository
                  (git/) or OSV API client (deps/osvapi.h) header, and its objects call
                  nothing that fetches or builds: no function of src/aws/, src/http/,
                  src/git/, the OSV API client or the tag's reader (src/spec/tag.c), nor the
                  expect stage's package builds (--audit-includes turns it on)

usage: scripts/check_layers.py [--build DIR] [--audit-includes] [--no-cycles]
Exit status 1 when a check that is on fails, 2 when the build tree is missing.
"""
import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Which files may include a library's headers: a regex on the include path, and the
# prefixes (relative to ROOT) of the files allowed to use it.
WRAPPERS = [
    (re.compile(r"^curl/"), ("src/http/http.c",)),
    (re.compile(r"^cjson/|^cJSON\.h$"), ("src/util/json.c",)),
    (re.compile(r"^openssl/"), ("src/util/hash.c",)),
    (re.compile(r"^git2(\.h|/)"), ("src/git/",)),
    (re.compile(r"^zlib\.h$"), ("src/pkg/zip",)),
    (re.compile(r"^libdeflate\.h$"), ("src/pkg/zip.c",)),
]
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^">]+)[">]')


def sources(sub, exts):
    out = []
    base = os.path.join(ROOT, sub)
    for dirpath, _, names in os.walk(base):
        for n in names:
            if n.endswith(exts):
                out.append(os.path.relpath(os.path.join(dirpath, n), ROOT))
    return sorted(out)


def includes(path):
    with open(os.path.join(ROOT, path), encoding="utf-8", errors="replace") as f:
        for line in f:
            m = INCLUDE.match(line)
            if m:
                yield m.group(1), m.group(2)


def symbols(obj):
    """(defined, undefined) global symbol names of one object file."""
    out = subprocess.run(["nm", "-P", "-g", obj], check=True, capture_output=True,
                         text=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        name, kind = parts[0], parts[1]
        if kind == "U":
            undefined.add(name)
        elif kind not in ("w", "v"):
            defined.add(name)
    return defined, undefined


def call_graph(build):
    objdir = os.path.join(build, "CMakeFiles", "lambdrift_lib.dir")
    files = [s for s in sources("src", (".c",)) if s.count("/") == 2]
    defs, undefs = {}, {}
    for src in files:
        obj = os.path.join(objdir, src + ".o")
        if not os.path.exists(obj):
            sys.exit(f"check_layers: no object {obj}: build the tree first (cmake --build)")
        defs[src], undefs[src] = symbols(obj)
    owner = {}
    for src, names in defs.items():
        for n in names:
            owner[n] = src
    graph = {src: {} for src in files}
    for src, names in undefs.items():
        for n in names:
            dst = owner.get(n)
            if dst and dst != src:
                graph[src].setdefault(dst, []).append(n)
    return graph


def strongly_connected(graph):
    """Tarjan's algorithm, iterative; groups of more than one file, sorted."""
    index, low, on, stack, groups = {}, {}, set(), [], []
    counter = [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            node, it = work[-1]
            nxt = next(it, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter[0]
                    counter[0] += 1
                    stack.append(nxt)
                    on.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                elif nxt in on:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    group.append(w)
                    if w == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return sorted(groups)


def check_cycles(build):
    graph = call_graph(build)
    groups = strongly_connected(graph)
    for g in groups:
        print("cycle: " + " <-> ".join(g))
        members = set(g)
        for a in g:
            for b in sorted(graph[a]):
                if b in members:
                    syms = sorted(graph[a][b])
                    more = f" (+{len(syms) - 3} more)" if len(syms) > 3 else ""
                    print(f"  {a} -> {b}: {', '.join(syms[:3])}{more}")
    return not groups


def check_wrappers():
    ok = True
    for path in sources("src", (".c", ".h")) + sources("cmd", (".c", ".h")) + \
            sources("include", (".h",)):
        for kind, inc in includes(path):
            if path.startswith("cmd/") and kind == '"' and not inc.startswith("lambdrift/") \
                    and not os.path.exists(os.path.join(ROOT, "cmd", inc)):
                print(f"include: {path} includes \"{inc}\"; cmd/ uses only <lambdrift/...>")
                ok = False
            for pattern, allowed in WRAPPERS:
                if kind == "<" and pattern.search(inc) and not path.startswith(allowed):
                    print(f"include: {path} includes <{inc}>; only {', '.join(allowed)} may")
                    ok = False
    return ok


# What compare may not include: collect (aws/), the HTTP seam (http/), the repository
# (git/: the expect stage, src/spec/tag.c, reads the tag) and the OSV API's client (asked
# by the collect stage, aws/depfetch.c).
FORBIDDEN_IN_AUDIT = ("aws/", "http/", "git/")
AUDIT_CLIENTS = ("deps/osvapi.h",)


def check_audit_includes():
    ok = True
    for path in sources("src/audit", (".c", ".h")):
        for kind, inc in includes(path):
            if kind == '"' and (inc.startswith(FORBIDDEN_IN_AUDIT) or inc in AUDIT_CLIENTS):
                print(f"audit: {path} includes \"{inc}\"; compare works on collected data only")
                ok = False
    return ok


# What compare's objects may not call: the files that do I/O for collect and expect, and
# the expect stage's builds (pkg/expect.c's other functions are data: digests, disposal).
FORBIDDEN_CALLEES = ("src/aws/", "src/http/", "src/git/", "src/deps/osvapi.c",
                     "src/spec/tag.c")
FORBIDDEN_SYMBOLS = ("ld_expect_source", "ld_expect_build")


def check_audit_calls(build):
    ok = True
    graph = call_graph(build)
    for src in sorted(graph):
        if not src.startswith("src/audit/"):
            continue
        for dst, syms in sorted(graph[src].items()):
            bad = sorted(syms) if dst.startswith(FORBIDDEN_CALLEES) else \
                sorted(n for n in syms if n in FORBIDDEN_SYMBOLS)
            if bad:
                print(f"audit: {src} calls {', '.join(bad)} of {dst}; compare works on "
                      "collected data only")
                ok = False
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"),
                    help="build tree holding lambdrift_lib's objects (default: build)")
    ap.add_argument("--audit-includes", action="store_true",
                    help="also fail when src/audit/ includes an aws/, http/ or git/ header "
                         "or the OSV API client's, or calls a function that fetches or "
                         "builds")
    ap.add_argument("--no-cycles", action="store_true", help="skip the call-graph check")
    args = ap.parse_args()
    ok = True
    if not args.no_cycles:
        ok &= check_cycles(args.build)
    ok &= check_wrappers()
    if args.audit_includes:
        ok &= check_audit_includes()
        ok &= check_audit_calls(args.build)
    print("check_layers: " + ("ok" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
