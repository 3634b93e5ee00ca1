#!/bin/sh
# Benchmark: `lambdrift package` (deterministic zip of a function's subtree of a tag, read
# through libgit2 without a checkout) against its peer `git archive --format=zip` of the same
# subtree of the same tag. Builds a git repository with a synthetic, realistic function tree
# (>= 4,000 files, >= 20 MB: a node_modules-like tree of js/json/py/text files plus
# incompressible binaries), tags it, then times each command RUNS times (whole process,
# objects in the page cache) and prints the medians and the ratio. Target: ratio <= 1.0.
#   usage: bench/package.sh [RUNS]      (env: BUILD=build-vlib-rel, WORK=/tmp/ld-bench-pkg)
set -eu
RUNS=${1:-5}
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$SRC/build-vlib-rel}
WORK=${WORK:-/tmp/ld-bench-pkg}

mkdir -p "$WORK"
. "$SRC/bench/lib.sh"
bench_build package.sh lambdrift "$WORK/build.log"
LD=$BUILD/lambdrift
REPO=$WORK/repo

if [ ! -d "$REPO/.git" ]; then
	rm -rf "$REPO"
	mkdir -p "$REPO"
	python3 "$SRC/bench/node_tree.py" "$REPO/fn"
	printf '{"lambdrift": 1, "functions": [{"name": "fn", "source": "fn"}]}\n' \
		>"$REPO/lambdrift.json"
	(cd "$REPO" && git init -q -b main && git add -A &&
		git -c user.name=b -c user.email=b@example.com commit -q -m bench &&
		git tag -a v1 -m v1 && git gc -q)
fi
NFILES=$(git -C "$REPO" ls-tree -r v1:fn | wc -l)
MB=$(du -sm "$REPO/fn" | cut -f1)
echo "tree: $NFILES files, $MB MB in the work tree; objects packed ($(du -sm "$REPO/.git" | cut -f1) MB)"

OURS=$(median "'$LD' package --repo '$REPO' --tag v1 --function fn -o '$WORK/ours.zip'")
PEER=$(median "git -C '$REPO' archive --format=zip -o '$WORK/peer.zip' v1:fn")
echo "lambdrift package:            ${OURS} s (median of $RUNS), $(du -k "$WORK/ours.zip" | cut -f1) KB"
echo "git archive --format=zip:     ${PEER} s (median of $RUNS), $(du -k "$WORK/peer.zip" | cut -f1) KB"
echo "ratio lambdrift / git archive: $(echo "$OURS / $PEER" | bc -l | cut -c1-5) (target <= 1.0)"
# Same files, different zip writers: the content manifests agree.
"$LD" package --repo "$REPO" --tag v1 --function fn -o "$WORK/again.zip"
cmp -s "$WORK/ours.zip" "$WORK/again.zip" && echo "deterministic: two runs gave identical bytes"
