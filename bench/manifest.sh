#!/bin/sh
# Benchmark: lambdrift's content manifest of a package against the peer pipeline
# `unzip -p pkg.zip | sha256sum` (which inflates and hashes the same bytes, in two
# processes). Builds a synthetic, realistic package (>= 4,000 files, >= 20 MB zipped: a
# node_modules-like tree of js/json/py/text files plus incompressible binaries), then times
# each side RUNS times (whole process, file in the page cache) and prints the medians and
# the ratio. Target: lambdrift <= 0.5 x peer.
#   usage: bench/manifest.sh [RUNS]      (env: BUILD=build-bench, WORK=/tmp/ld-bench)
set -eu
RUNS=${1:-7}
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$SRC/build-bench}
WORK=${WORK:-/tmp/ld-bench}

cmake -B "$BUILD" -S "$SRC" -DCMAKE_BUILD_TYPE=Release -DLD_BENCH=ON -DLD_WERROR=OFF \
	>"$WORK.build.log" 2>&1 &&
	cmake --build "$BUILD" --target manifest_bench -j2 >>"$WORK.build.log" 2>&1 ||
	{ echo "manifest.sh: build failed, see $WORK.build.log" >&2; exit 1; }
BENCH=$BUILD/manifest_bench

mkdir -p "$WORK"
PKG=$WORK/pkg.zip
if [ ! -s "$PKG" ]; then
	rm -rf "$WORK/tree"
	python3 - "$WORK/tree" <<'PY'
import os, random, sys
root = sys.argv[1]
rng = random.Random(42)
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
for p in range(160):                       # 160 packages x ~26 files
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
for i in range(500):
    put("app/src/mod%03d.py" % i, code(rng.randrange(500, 12000)))
    files += 1
for i in range(40):                        # native and media: incompressible
    put("vendor/lib%02d.so" % i, rng.randbytes(rng.randrange(150000, 450000)), 0o755)
    files += 1
put("bootstrap", b"#!/bin/sh\nexec ./app\n", 0o755)
print("files:", files + 1)
PY
	(cd "$WORK/tree" && zip -qr -X "$PKG" .)
fi
NFILES=$(unzip -Z1 "$PKG" | grep -vc '/$')
echo "package: $PKG, $(du -m "$PKG" | cut -f1) MB zipped, $NFILES files, $(unzip -Zt "$PKG" | sed 's/.*files, //')"

# Median wall time of a shell command over RUNS runs (one warm-up run first).
median() {
	sh -c "$1" >/dev/null
	i=0
	while [ $i -lt "$RUNS" ]; do
		s=$(date +%s.%N)
		sh -c "$1" >/dev/null
		e=$(date +%s.%N)
		echo "$e - $s" | bc -l
		i=$((i + 1))
	done | sort -n | awk '{ t[NR] = $1 } END { printf "%.3f", t[int((NR + 1) / 2)] }'
}

OURS=$(median "'$BENCH' '$PKG'")
PEER=$(median "unzip -p '$PKG' | sha256sum")
echo "lambdrift manifest (zlib $(python3 -c 'import zlib; print(zlib.ZLIB_RUNTIME_VERSION)')): ${OURS} s (median of $RUNS)"
echo "peer unzip -p | sha256sum:          ${PEER} s (median of $RUNS)"
echo "ratio lambdrift / peer:             $(echo "$OURS / $PEER" | bc -l | cut -c1-5) (target <= 0.5)"
echo "in-process times, excluding the file read (all cores, then one thread):"
"$BENCH" "$PKG" "$RUNS" | sed 's/^/  /'
"$BENCH" --threads 1 "$PKG" "$RUNS" | sed 's/^/  1 thread: /'
