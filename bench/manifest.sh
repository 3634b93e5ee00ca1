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

. "$SRC/bench/lib.sh"
bench_build manifest.sh manifest_bench "$WORK.build.log" -DLD_BENCH=ON
BENCH=$BUILD/manifest_bench

mkdir -p "$WORK"
PKG=$WORK/pkg.zip
if [ ! -s "$PKG" ]; then
	rm -rf "$WORK/tree"
	python3 "$SRC/bench/node_tree.py" "$WORK/tree"
	(cd "$WORK/tree" && zip -qr -X "$PKG" .)
fi
NFILES=$(unzip -Z1 "$PKG" | grep -vc '/$')
echo "package: $PKG, $(du -m "$PKG" | cut -f1) MB zipped, $NFILES files, $(unzip -Zt "$PKG" | sed 's/.*files, //')"

OURS=$(median "'$BENCH' '$PKG'")
PEER=$(median "unzip -p '$PKG' | sha256sum")
echo "lambdrift manifest (zlib $(python3 -c 'import zlib; print(zlib.ZLIB_RUNTIME_VERSION)')): ${OURS} s (median of $RUNS)"
echo "peer unzip -p | sha256sum:          ${PEER} s (median of $RUNS)"
echo "ratio lambdrift / peer:             $(echo "$OURS / $PEER" | bc -l | cut -c1-5) (target <= 0.5)"
echo "in-process times, excluding the file read (all cores, then one thread):"
"$BENCH" "$PKG" "$RUNS" | sed 's/^/  /'
"$BENCH" --threads 1 "$PKG" "$RUNS" | sed 's/^/  1 thread: /'
