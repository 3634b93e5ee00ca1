#!/bin/sh
# Benchmark: lambdrift's content manifest of a package against the peer pipeline
# `unzip -p pkg.zip | sha256sum` (which inflates and hashes the same bytes, in two
# processes). Builds a synthetic, realistic package (>= 4,000 files, >= 20 MB zipped: a
# node_modules-like tree of js/json/py/text files plus incompressible binaries), then times
# each side RUNS times (whole process, file in the page cache) and prints the medians and
# the ratio. Target: lambdrift <= 0.5 x peer. With --shapes it measures two more packages
# the same way (bench/shapes.py): one at Lambda's 250 MB unzipped limit and one of 20,000
# small files.
#   usage: bench/manifest.sh [RUNS] [--shapes]   (env: BUILD=build-bench, WORK=/tmp/ld-bench)
set -eu
RUNS=7 SHAPES=
for arg in "$@"; do
	case $arg in
	--shapes) SHAPES=1 ;;
	*) RUNS=$arg ;;
	esac
done
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$SRC/build-bench}
WORK=${WORK:-/tmp/ld-bench}

. "$SRC/bench/lib.sh"
bench_build manifest.sh manifest_bench "$WORK.build.log" -DLD_BENCH=ON
BENCH=$BUILD/manifest_bench
INFLATE="libdeflate $(sed -n 's/^#define LIBDEFLATE_VERSION_STRING[^"]*"\(.*\)"/\1/p' \
	/usr/include/libdeflate.h), zlib $(python3 -c 'import zlib; print(zlib.ZLIB_RUNTIME_VERSION)')"

# zip_tree NAME COMMAND...: $WORK/NAME.zip from the tree COMMAND writes into the dir it is given
zip_tree() {
	name=$1
	shift
	if [ ! -s "$WORK/$name.zip" ]; then
		rm -rf "$WORK/$name"
		"$@" "$WORK/$name"
		(cd "$WORK/$name" && zip -qr -X "$WORK/$name.zip" .)
		rm -rf "$WORK/$name"
	fi
}

# measure PKG: both sides' medians and their ratio, then the in-process times
measure() {
	pkg=$1
	nfiles=$(unzip -Z1 "$pkg" | grep -vc '/$')
	echo "package: $pkg, $(du -m "$pkg" | cut -f1) MB zipped, $nfiles files, $(unzip -Zt "$pkg" | sed 's/.*files, //')"
	ours=$(median "'$BENCH' '$pkg'")
	peer=$(median "unzip -p '$pkg' | sha256sum")
	echo "lambdrift manifest ($INFLATE): ${ours} s (median of $RUNS)"
	echo "peer unzip -p | sha256sum:          ${peer} s (median of $RUNS)"
	echo "ratio lambdrift / peer:             $(echo "$ours / $peer" | bc -l | cut -c1-5) (target <= 0.5)"
	echo "in-process times, excluding the file read (all cores, then one thread):"
	"$BENCH" "$pkg" "$RUNS" | sed 's/^/  /'
	"$BENCH" --threads 1 "$pkg" "$RUNS" | sed 's/^/  1 thread: /'
}

mkdir -p "$WORK"
zip_tree pkg python3 "$SRC/bench/node_tree.py"
measure "$WORK/pkg.zip"
if [ -n "$SHAPES" ]; then
	for shape in large small; do
		zip_tree "$shape" python3 "$SRC/bench/shapes.py" "$shape"
		echo
		measure "$WORK/$shape.zip"
	done
fi
