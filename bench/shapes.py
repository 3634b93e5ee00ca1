#!/usr/bin/env python3
"""Writes one of the extra package trees of bench/manifest.sh --shapes into DIR,
deterministically (seeded):
  large  about 250 MB unzipped, Lambda's limit, shaped like a scientific-Python package:
         native libraries (log-normal, median ~300 KB, a few of 20-40 MB; half random bytes,
         half code-like, as real .so files compress about 2:1), 6,000 Python modules, data
  small  20,000 small files (median ~1 KB): a deep node_modules tree of tiny modules
usage: shapes.py large|small DIR"""
import os, random, sys
shape, root = sys.argv[1], sys.argv[2]
rng = random.Random(7)
words = ("def class return import from self None True False for in if else elif while try "
         "except raise with as lambda yield array dtype shape axis index value numpy ndarray "
         "float int str list dict tuple len range print data result").split()
def code(n):
    out, size = [], 0
    while size < n:
        line = "    " * rng.randrange(3) + " ".join(rng.choice(words) for _ in range(rng.randrange(3, 10))) + "\n"
        out.append(line)
        size += len(line)
    return "".join(out).encode()[:n]
def native(n):
    half = n // 2
    return rng.randbytes(half) + code(n - half)
def put(path, data):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data)
total = 0
if shape == "large":
    for i, mb in enumerate((40, 32, 24, 20)):
        put("torch/lib/libbig%d.so" % i, native(mb << 20))
        total += mb << 20
    i = 0
    while total < 200 << 20:
        n = min(int(rng.lognormvariate(12.6, 1.0)), 8 << 20)
        put("site/pkg%02d/_native%04d.so" % (i % 60, i), native(n))
        total += n
        i += 1
    for i in range(6000):
        n = min(int(rng.lognormvariate(8.5, 1.0)), 200000)
        put("site/pkg%02d/mod%04d.py" % (i % 60, i), code(n))
        total += n
    while total < 250 << 20:
        put("site/data/table%04d.csv" % i, code(1 << 20))
        total += 1 << 20
        i += 1
elif shape == "small":
    for i in range(20000):
        n = min(int(rng.lognormvariate(6.9, 0.8)), 20000)
        put("node_modules/p%03d/lib/d%02d/m%05d.js" % (i % 400, i % 17, i), code(n))
else:
    sys.exit("usage: shapes.py large|small DIR")
