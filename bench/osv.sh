#!/bin/sh
# Benchmark: deps/osv matching N deployed dependencies (default 500) against a synthetic
# OSV advisory set of RECORDS records (default 20,000), loading included, from a directory
# in the GitHub advisory-database layout and from an all.zip. No OSV export is at hand on
# this machine, so bench/osv_synth.py synthesises the set from the structure of the real
# samples in fixtures/osv (same fields and text sizes, realistic ranges over many npm,
# PyPI and Maven packages). The peer is bench/osv_peer.py, a straightforward Python matcher
# using packaging.version, run on the same files; both print a digest of their results,
# which must agree. Times are whole-process wall times (files in the page cache), median
# of RUNS runs after one warm-up. Target: lambdrift < 2 s.
#   usage: bench/osv.sh [RUNS]   (env: RECORDS=20000 DEPS=500 BUILD=build-osv-bench
#                                 WORK=/tmp/ld-osv-bench)
set -eu
RUNS=${1:-5}
RECORDS=${RECORDS:-20000}
DEPS=${DEPS:-500}
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$SRC/build-osv-bench}
WORK=${WORK:-/tmp/ld-osv-bench}/$RECORDS-$DEPS

mkdir -p "$WORK"
. "$SRC/bench/lib.sh"
bench_build osv.sh osv_bench "$WORK/build.log" -DLD_BENCH=ON
BENCH=$BUILD/osv_bench

if [ ! -s "$WORK/deps.tsv" ] || [ ! -s "$WORK/all.zip" ]; then
	rm -rf "$WORK/dir" "$WORK/all.zip" "$WORK/deps.tsv"
	python3 "$SRC/bench/osv_synth.py" "$WORK" "$RECORDS" "$DEPS"
fi
echo "advisories: $WORK/dir ($(find "$WORK/dir" -name '*.json' | wc -l) files," \
	"$(du -sm "$WORK/dir" | cut -f1) MB on disk), $WORK/all.zip ($(du -m "$WORK/all.zip" | cut -f1) MB)"

DEPSF=$WORK/deps.tsv
OURS_DIR=$(median "'$BENCH' '$WORK/dir' '$DEPSF'")
OURS_ZIP=$(median "'$BENCH' '$WORK/all.zip' '$DEPSF'")
PEER_DIR=$(median "python3 '$SRC/bench/osv_peer.py' '$WORK/dir' '$DEPSF'")
PEER_ZIP=$(median "python3 '$SRC/bench/osv_peer.py' '$WORK/all.zip' '$DEPSF'")

verdict() { echo "$1 < 2" | bc -l | sed 's/1/PASS (< 2 s)/; s/^0$/FAIL (>= 2 s)/'; }
echo "lambdrift, directory:  ${OURS_DIR} s  $(verdict "$OURS_DIR")"
echo "lambdrift, all.zip:    ${OURS_ZIP} s  $(verdict "$OURS_ZIP")"
echo "peer (python), dir:    ${PEER_DIR} s"
echo "peer (python), zip:    ${PEER_ZIP} s"
echo "ratio lambdrift / peer: directory $(echo "$OURS_DIR / $PEER_DIR" | bc -l | cut -c1-5)," \
	"all.zip $(echo "$OURS_ZIP / $PEER_ZIP" | bc -l | cut -c1-5)"

echo "in-process breakdown (lambdrift, $RUNS runs each):"
"$BENCH" "$WORK/dir" "$DEPSF" "$RUNS" | sed 's/^/  dir: /' | tail -n 2
"$BENCH" "$WORK/all.zip" "$DEPSF" "$RUNS" | sed 's/^/  zip: /' | tail -n 2
python3 "$SRC/bench/osv_peer.py" "$WORK/dir" "$DEPSF" | sed 's/^/  peer: /'

OURS=$("$BENCH" "$WORK/dir" "$DEPSF" | sed -n 's/.*digest //p')
OURSZ=$("$BENCH" "$WORK/all.zip" "$DEPSF" | sed -n 's/.*digest //p')
PEER=$(python3 "$SRC/bench/osv_peer.py" "$WORK/dir" "$DEPSF" | sed -n 's/.*digest //p')
if [ "$OURS" = "$PEER" ] && [ "$OURSZ" = "$PEER" ]; then
	echo "results: lambdrift and the peer agree (digest $OURS)"
else
	echo "results DIFFER: lambdrift dir $OURS, zip $OURSZ, peer $PEER" \
		"(compare with --lines on both sides)"
	exit 1
fi
