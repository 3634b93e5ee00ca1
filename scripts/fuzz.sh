#!/usr/bin/env bash
# Run the libFuzzer targets of tests/fuzz, each for a bounded time under ASan and UBSan:
# configures and builds build-fuzz/ (clang, -DLD_FUZZ=ON), then runs every target (or those
# named) as the ctest tests "fuzz/<name>", two at a time, each on its seeds from fixtures/
# plus the corpus earlier runs grew in build-fuzz/fuzz-corpus/. A crash, leak, sanitizer
# report or hang fails the run; the input is kept in build-fuzz/fuzz-artifacts/. To keep a
# reproducer: fix the bug, copy the input to fixtures/fuzz/<name>/regress-<what> (every run
# replays it first), and add a unit test where the bug is easier to read there.
#
# usage: scripts/fuzz.sh [SECONDS [TARGET...]]   SECONDS per target (default 60)
#   targets: zip snapshot spec osv pkgver aws_json sts_xml ini sigv4
#   reproduce one input: build-fuzz/tests/fuzz/fuzz_<name> FILE
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-60}
[ $# -gt 0 ] && shift
case "$secs" in
	'' | *[!0-9]*) echo "fuzz: SECONDS must be a whole number, not '$secs' (see --help)" >&2
		exit 2 ;;
esac
if ! command -v clang >/dev/null 2>&1; then
	echo "fuzz: clang is needed (Debian: apt-get install clang libclang-rt-14-dev;" \
	     "scripts/setup.sh installs it)" >&2
	exit 2
fi

echo "==> building build-fuzz/ (clang, libFuzzer, address,undefined)"
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DLD_FUZZ=ON \
	-DLD_FUZZ_SECONDS="$secs" >/dev/null
cmake --build build-fuzz -j2 --target ld_fuzz_all
rm -f build-fuzz/fuzz-artifacts/*

filter=()
if [ $# -gt 0 ]; then
	filter=(-R "^fuzz/($(IFS='|'; echo "$*"))\$")
fi
echo "==> fuzzing ${secs}s per target"
if ctest --test-dir build-fuzz -L fuzz -j2 --output-on-failure "${filter[@]}"; then
	exit 0
fi
echo "==> fuzz: failing inputs (reproduce with build-fuzz/tests/fuzz/fuzz_<name> FILE):" >&2
ls -1 build-fuzz/fuzz-artifacts/ >&2 || true
exit 1
