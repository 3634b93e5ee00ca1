#!/usr/bin/env python3
"""Writes the synthetic package tree of bench/manifest.sh and bench/package.sh into DIR:
about 4,600 files, 23 MB: 160 node_modules packages of generated source with a long-tailed
size distribution, 500 Python modules, 40 incompressible native libraries, an executable
bootstrap. Deterministic (seeded), so both benches measure the same tree. bench/verify.py
makes many distinct, smaller packages with --seed N (default 42) and --scale F (default 1:
F times as many packages, modules and libraries; 0.1 gives about 470 files, 5 MB).
usage: node_tree.py DIR [--seed N] [--scale F]"""
import argparse, os, random
ap = argparse.ArgumentParser()
ap.add_argument("dir")
ap.add_argument("--seed", type=int, default=42)
ap.add_argument("--scale", type=float, default=1.0)
args = ap.parse_args()
root = args.dir
rng = random.Random(args.seed)
def count(n):
    return max(1, round(n * args.scale))
words = ("const let var function return if else for while import export from require "
         "module exports this new class extends async await try catch throw null undefined "
         "true false value key index length push map filter reduce config options data "
         "result error callback promise resolve reject self def lambda none pass yield "
         "string number object array buffer stream event handler request response").split()
def code(n):
    out, size = [], 0
    while size < n:
        line = " " * (2 * rng.randrange(4)) + " ".join(rng.choice(words) for _ in range(rng.randrange(3, 12)))
        line += rng.choice([";", " {", "}", ",", ")", ""]) + "\n"
        out.append(line)
        size += len(line)
    return "".join(out).encode()[:n]
def put(path, data, mode=0o644):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data)
    os.chmod(full, mode)
files = 0
for p in range(count(160)):                       # 160 packages x ~26 files
    pkg = "node_modules/pkg%03d" % p
    put(pkg + "/package.json", code(rng.randrange(300, 2000)))
    put(pkg + "/README.md", code(rng.randrange(1000, 8000)))
    files += 2
    for i in range(rng.randrange(18, 30)):
        size = int(rng.lognormvariate(8.3, 1.1))          # median ~4 KB, long tail
        put("%s/lib/m%02d.js" % (pkg, i), code(min(size, 400000)))
        files += 1
    if p % 8 == 0:
        put(pkg + "/dist/bundle.min.js", code(rng.randrange(150000, 400000)))
        files += 1
for i in range(count(500)):
    put("app/src/mod%03d.py" % i, code(rng.randrange(500, 12000)))
    files += 1
for i in range(count(40)):                      # native and media: incompressible
    put("vendor/lib%02d.so" % i, rng.randbytes(rng.randrange(150000, 450000)), 0o755)
    files += 1
put("bootstrap", b"#!/bin/sh\nexec ./app\n", 0o755)
print("files:", files + 1)
