#!/bin/sh
# Benchmark: `lambdrift merge` of SHARDS shard reports of FUNCTIONS functions each (default
# 100 x 1,000, three regions an account, ~60% of functions with findings: ~127 MB of JSON
# in, the same out). Makes the shard snapshots (bench/merge_synth.py), scans each offline
# into its JSON report once, then times the merge to JSON, text and SARIF and prints wall
# time, CPU and peak RSS (GNU time) of each. Target: each under 2 s and under 64 MiB.
# Peer, in the same invocation (so the same machine load): `jq -s` concatenating the
# reports' functions and findings into one document (no checks, sort or summary: less work
# than merge does), with lambdrift's wall time and peak RSS as ratios of jq's.
#   usage: bench/merge.sh [SHARDS [FUNCTIONS]]   (env: BUILD=build-bench, WORK=/tmp/ld-bench-merge)
set -eu
SHARDS=${1:-100}
FUNCTIONS=${2:-1000}
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$SRC/build-bench}
WORK=${WORK:-/tmp/ld-bench-merge}
RUNS=1

. "$SRC/bench/lib.sh"
bench_build merge.sh lambdrift "$WORK.build.log"
LD=$BUILD/lambdrift
[ -x /usr/bin/time ] || { echo "merge.sh: needs GNU time (/usr/bin/time)" >&2; exit 1; }

mkdir -p "$WORK/reports"
if [ ! -s "$WORK/reports/shard-$(printf %03d "$SHARDS").json" ]; then
	rm -rf "$WORK/snapshots" "$WORK/reports"/*
	python3 "$SRC/bench/merge_synth.py" "$SRC/fixtures/inventory/cli-accounts.json" \
		"$WORK/snapshots" "$SHARDS" "$FUNCTIONS"
	for s in "$WORK/snapshots"/shard-*.json; do
		"$LD" scan --inventory "$s" --format json -o "$WORK/reports/$(basename "$s")" \
			--fail-on none -q
	done
fi
echo "input: $SHARDS reports x $FUNCTIONS functions, $(du -cm "$WORK/reports"/*.json | tail -1 | cut -f1) MB"
for f in json text sarif; do
	/usr/bin/time -f "%e %U %S %M" -o "$WORK/time.$f" \
		"$LD" merge "$WORK/reports"/*.json --format "$f" -o "$WORK/merged.$f" --fail-on none
	read -r wall user sys rss <"$WORK/time.$f"
	printf 'merge to %-5s %6.2f s wall (user %s s, sys %s s), peak RSS %5.1f MiB, output %s MB\n' \
		"$f" "$wall" "$user" "$sys" "$(echo "$rss / 1024" | bc -l)" \
		"$(du -m "$WORK/merged.$f" | cut -f1)"
done
if command -v jq >/dev/null; then
	/usr/bin/time -f "%e %U %S %M" -o "$WORK/time.jq" sh -c 'jq -s "{functions: map(.functions[]),
		findings: map(.findings[])}" "$@" >"$0"' "$WORK/merged.jq" "$WORK/reports"/*.json
	read -r jwall juser jsys jrss <"$WORK/time.jq"
	read -r wall user sys rss <"$WORK/time.json"
	printf 'peer jq -s   %6.2f s wall (user %s s, sys %s s), peak RSS %5.1f MiB, output %s MB\n' \
		"$jwall" "$juser" "$jsys" "$(echo "$jrss / 1024" | bc -l)" \
		"$(du -m "$WORK/merged.jq" | cut -f1)"
	printf 'ratio lambdrift merge (json) / jq -s: wall %.2f, peak RSS %.2f\n' \
		"$(echo "$wall / $jwall" | bc -l)" "$(echo "$rss / $jrss" | bc -l)"
else
	echo "peer: jq not installed, no ratio"
fi
python3 - "$WORK/merged.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("merged: %d functions, %d findings, %d accounts, complete=%s" % (
    len(d["functions"]), len(d["findings"]), len(d["run"]["accounts"]), d["run"]["complete"]))
PY
echo "target: merge to each format under 2 s and under 64 MiB"
