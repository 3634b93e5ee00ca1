#!/usr/bin/env bash
# The whole test suite: set up (install what is missing, build both trees), then
#   build/      every test: unit, cli (offline golden tests) and integration (moto)
#   build-asan/ unit and cli tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   build-fuzz/ every fuzz target for 10 s on its corpus (scripts/fuzz.sh; when clang is
#               present), so a parser regression that its seeds reach fails the suite
# All suites always run; the exit status is non-zero when anything failed.
#
# usage: scripts/test.sh [ctest options for the build/ run, e.g. -L unit or -R scan]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

rc=0
echo "==> ctest build/ (unit, cli, integration)"
ctest --test-dir build --output-on-failure -j2 "$@" || rc=1
echo "==> ctest build-asan/ (unit, cli; sanitizers)"
ctest --test-dir build-asan -L 'unit|cli' --output-on-failure -j2 || rc=1
if command -v clang >/dev/null 2>&1; then
	echo "==> fuzz targets, 10 s each (build-fuzz/)"
	scripts/fuzz.sh 10 || rc=1
else
	echo "==> fuzz targets skipped: no clang (scripts/setup.sh installs it)"
fi
if [ "$rc" -ne 0 ]; then
	echo "==> FAILED (see above)" >&2
fi
exit "$rc"
