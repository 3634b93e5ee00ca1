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
cmake -B "$BUILD" -S "$SRC" -DCMAKE_BUILD_TYPE=Release -DLD_WERROR=OFF \
	>"$WORK/build.log" 2>&1 &&
	cmake --build "$BUILD" --target lambdrift -j2 >>"$WORK/build.log" 2>&1 ||
	{ echo "package.sh: build failed, see $WORK/build.log" >&2; exit 1; }
LD=$BUILD/lambdrift
REPO=$WORK/repo

if [ ! -d "$REPO/.git" ]; then
	rm -rf "$REPO"
	mkdir -p "$REPO"
	python3 - "$REPO/fn" <<'PY'
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
	printf '{"lambdrift": 1, "functions": [{"name": "fn", "source": "fn"}]}\n' \
		>"$REPO/lambdrift.json"
	(cd "$REPO" && git init -q -b main && git add -A &&
		git -c user.name=b -c user.email=b@example.com commit -q -m bench &&
		git tag -a v1 -m v1 && git gc -q)
fi
NFILES=$(git -C "$REPO" ls-tree -r v1:fn | wc -l)
MB=$(du -sm "$REPO/fn" | cut -f1)
echo "tree: $NFILES files, $MB MB in the work tree; objects packed ($(du -sm "$REPO/.git" | cut -f1) MB)"

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

OURS=$(median "'$LD' package --repo '$REPO' --tag v1 --function fn -o '$WORK/ours.zip'")
PEER=$(median "git -C '$REPO' archive --format=zip -o '$WORK/peer.zip' v1:fn")
echo "lambdrift package:            ${OURS} s (median of $RUNS), $(du -k "$WORK/ours.zip" | cut -f1) KB"
echo "git archive --format=zip:     ${PEER} s (median of $RUNS), $(du -k "$WORK/peer.zip" | cut -f1) KB"
echo "ratio lambdrift / git archive: $(echo "$OURS / $PEER" | bc -l | cut -c1-5) (target <= 1.0)"
# Same files, different zip writers: the content manifests agree.
"$LD" package --repo "$REPO" --tag v1 --function fn -o "$WORK/again.zip"
cmp -s "$WORK/ours.zip" "$WORK/again.zip" && echo "deterministic: two runs gave identical bytes"
