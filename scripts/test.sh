#!/usr/bin/env bash
# The whole test suite: set up (install what is missing, build both trees), then
#   build/      every test: unit, cli (offline golden tests) and integration (moto)
#   build-asan/ unit and cli tests under AddressSanitizer + UndefinedBehaviorSanitizer
# Both suites always run; the exit status is non-zero when anything failed.
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
if [ "$rc" -ne 0 ]; then
	echo "==> FAILED (see above)" >&2
fi
exit "$rc"
