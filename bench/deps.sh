#!/bin/sh
# Benchmark: what the dependency inventory adds to verifying a package. Builds a synthetic,
# realistic Node.js Lambda package (>= 4,000 files; a node_modules tree of >= 300 packages,
# scoped ones like @aws-sdk/client-s3, nested node_modules, package.json files shaped like
# npm installs them, non-root package.json files such as dist-es/package.json, a root
# package-lock.json v3 and npm's hidden node_modules/.package-lock.json), then runs
# deps_bench, which times in one process, alternately, the content manifest alone and the
# manifest with the inventory in the same pass, and prints both medians and the overhead.
# Target: overhead <= 10 %.
#   usage: bench/deps.sh [RUNS]     (env: BUILD=build-deps-bench, WORK=/tmp/ld-bench-deps)
set -eu
RUNS=${1:-11}
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$SRC/build-deps-bench}
WORK=${WORK:-/tmp/ld-bench-deps}

. "$SRC/bench/lib.sh"
bench_build deps.sh deps_bench "$WORK.build.log" -DLD_BENCH=ON

mkdir -p "$WORK"
PKG=$WORK/pkg.zip
if [ ! -s "$PKG" ]; then
	rm -rf "$WORK/tree"
	python3 - "$WORK/tree" <<'PY'
import json, os, random, sys
root = sys.argv[1]
rng = random.Random(4000)
words = ("const let var function return if else for while import export from require "
         "module exports this new class extends async await try catch throw null undefined "
         "true false value key index length push map filter reduce config options data "
         "result error callback promise resolve reject stream event handler request "
         "response buffer client command input output middleware serialize").split()
def code(n):
    out, size = [], 0
    while size < n:
        line = " " * (2 * rng.randrange(4)) + " ".join(rng.choice(words) for _ in range(rng.randrange(3, 12)))
        line += rng.choice([";", " {", "}", ",", ")", ""]) + "\n"
        out.append(line)
        size += len(line)
    return "".join(out)[:n]
files = 0
def put(path, data, mode=0o644):
    global files
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w" if isinstance(data, str) else "wb") as f:
        f.write(data)
    os.chmod(full, mode)
    files += 1
def version():
    return "%d.%d.%d" % (rng.randrange(0, 12), rng.randrange(0, 40), rng.randrange(0, 30))
names = set()
while len(names) < 300:
    w = "-".join(rng.choice(words) for _ in range(rng.randrange(1, 3)))
    names.add(w)
names = sorted(names)
scoped = (["@aws-sdk/client-" + s for s in ("s3", "dynamodb", "sqs", "sns", "lambda", "sts", "kms", "ssm")] +
          ["@aws-sdk/" + s for s in ("types", "util-endpoints", "middleware-logger", "credential-provider-node")] +
          ["@smithy/" + s for s in ("types", "smithy-client", "protocol-http", "node-http-handler",
                                     "util-base64", "util-utf8", "middleware-retry", "config-resolver")] +
          ["@types/node", "@types/aws-lambda"])
packages = []   # (install path, name, version)
for n in names + scoped:
    packages.append(("node_modules/" + n, n, version()))
for n in rng.sample(names, 30):           # nested copies at other versions
    parent = rng.choice(packages[:300])[0]
    packages.append((parent + "/node_modules/" + n, n, version()))
def package_json(name, ver):
    deps = {d: "^" + version() for d in rng.sample(names, rng.randrange(0, 8))}
    dev = {d: "^" + version() for d in rng.sample(names, rng.randrange(3, 15))}
    return json.dumps({
        "name": name, "version": ver, "description": code(rng.randrange(40, 160)).replace("\n", " "),
        "keywords": rng.sample(words, 6), "homepage": "https://github.com/example/%s#readme" % name,
        "bugs": {"url": "https://github.com/example/%s/issues" % name},
        "repository": {"type": "git", "url": "git+https://github.com/example/%s.git" % name},
        "license": rng.choice(["MIT", "Apache-2.0", "ISC", "BSD-3-Clause"]),
        "author": "Example Author <author@example.com>", "main": "./lib/index.js",
        "types": "./lib/index.d.ts", "files": ["lib", "dist-cjs", "dist-es"],
        "scripts": {"build": "tsc -p .", "test": "jest --coverage", "lint": "eslint ."},
        "dependencies": deps, "devDependencies": dev, "engines": {"node": ">=16.0.0"},
        "sideEffects": False}, indent=2) + "\n"
lock = {"name": "orders-api", "version": "1.0.0", "lockfileVersion": 3, "requires": True,
        "packages": {"": {"name": "orders-api", "version": "1.0.0",
                          "dependencies": {n: "^" + v for p, n, v in packages if p.count("node_modules") == 1}}}}
for path, name, ver in packages:
    put(path + "/package.json", package_json(name, ver))
    put(path + "/README.md", code(rng.randrange(1500, 9000)))
    put(path + "/LICENSE", code(1100))
    if rng.random() < 0.3:
        put(path + "/CHANGELOG.md", code(rng.randrange(2000, 20000)))
    for i in range(rng.randrange(6, 13)):
        size = int(rng.lognormvariate(7.8, 1.0))
        put("%s/lib/m%02d.js" % (path, i), code(min(size, 200000)))
    if name.startswith("@"):
        put(path + "/dist-es/package.json", '{"type":"module"}\n')
        put(path + "/dist-types/index.d.ts", code(rng.randrange(500, 4000)))
    lock["packages"][path] = {
        "version": ver, "resolved": "https://registry.npmjs.org/%s/-/%s-%s.tgz" % (name, name.split("/")[-1], ver),
        "integrity": "sha512-" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(86)) + "==",
        "license": "MIT", "dependencies": {d: "^" + version() for d in rng.sample(names, rng.randrange(0, 6))},
        "engines": {"node": ">=16.0.0"}}
put("package-lock.json", json.dumps(lock, indent=2) + "\n")
hidden = dict(lock)
hidden["packages"] = {k: v for k, v in lock["packages"].items() if k}
put("node_modules/.package-lock.json", json.dumps(hidden, indent=2) + "\n")
put("package.json", json.dumps({"name": "orders-api", "version": "1.0.0", "main": "src/index.js"}) + "\n")
for i in range(120):
    put("src/mod%03d.js" % i, code(rng.randrange(500, 12000)))
print("files: %d, package roots: %d" % (files, len(packages)))
PY
	(cd "$WORK/tree" && zip -qr -X "$PKG" .)
fi
# A Java package too (not part of the target: the inventory reads every jar's central
# directory, so its cost grows with the entries inside jars): lib/*.jar as Maven lays
# them out, 150 jars of 40-250 class files each, with their pom.properties.
JAVA=$WORK/java.zip
if [ ! -s "$JAVA" ]; then
	python3 - "$JAVA" <<'PY'
import io, random, sys, zipfile
rng = random.Random(150)
def classfile(n):
    return b"\xca\xfe\xba\xbe\x00\x00\x00\x3d" + bytes(rng.choice(b"abcdefghijklmnop()[];/<>LIJZV") for _ in range(n))
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as out:
    for i in range(50):
        out.writestr("com/example/orders/Handler%02d.class" % i, classfile(rng.randrange(500, 6000)))
    for j in range(150):
        group, artifact = "org.example%02d" % (j % 40), "lib%03d" % j
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as jar:
            jar.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n")
            for k in range(rng.randrange(40, 250)):
                jar.writestr("%s/%s/internal/pkg%d/Class%03d.class" % (group.replace(".", "/"), artifact, k % 7, k),
                             classfile(rng.randrange(200, 3000)))
            base = "META-INF/maven/%s/%s/" % (group, artifact)
            jar.writestr(base + "pom.properties", "groupId=%s\nartifactId=%s\nversion=1.%d.0\n" % (group, artifact, j))
            jar.writestr(base + "pom.xml", "<project/>\n")
        out.writestr("lib/%s-1.%d.0.jar" % (artifact, j), buf.getvalue())
PY
fi

NFILES=$(unzip -Z1 "$PKG" | grep -vc '/$')
NPKG=$(unzip -Z1 "$PKG" | grep -c 'node_modules/.*package\.json$')
echo "package: $PKG, $(du -k "$PKG" | cut -f1) kB zipped, $NFILES files, $NPKG package.json files under node_modules, $(unzip -Zt "$PKG" | sed 's/.*files, //')"
echo "all cores (threads as lambdrift picks them):"
"$BUILD/deps_bench" "$PKG" "$RUNS" | grep -v '^run ' | sed 's/^/  /'
echo "one thread:"
"$BUILD/deps_bench" --threads 1 "$PKG" "$RUNS" | grep -v '^run ' | sed 's/^/  /'
echo "java package (for the record): $(du -k "$JAVA" | cut -f1) kB zipped, $(unzip -Z1 "$JAVA" | grep -c '\.jar$') jars"
"$BUILD/deps_bench" "$JAVA" "$RUNS" | grep -v '^run ' | sed 's/^/  /'
