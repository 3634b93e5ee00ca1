#!/bin/sh
# `cmake --install` into a scratch prefix, then the installed copy alone: `lambdrift version`
# and an offline scan of a fixture snapshot (exit 1: the fixture has error findings).
#   usage: tests/install/install.sh BUILD_DIR   (from the repository root; ctest does this)
set -u
build=$1
prefix=$(mktemp -d "${TMPDIR:-/tmp}/lambdrift-install.XXXXXX") || exit 2
trap 'rm -rf "$prefix"' EXIT INT TERM
cmake --install "$build" --prefix "$prefix" >/dev/null || { echo "install failed"; exit 1; }
bin=$prefix/bin/lambdrift
[ -x "$bin" ] || { echo "no $bin after cmake --install"; exit 1; }
"$bin" version | grep -q '^lambdrift [0-9]' || { echo "installed version failed"; exit 1; }
LAMBDRIFT_NOW=2026-11-25 "$bin" scan --inventory fixtures/inventory/cli-basic.json \
	--format json -o "$prefix/r.json"
rc=$?
[ "$rc" = 1 ] && [ -s "$prefix/r.json" ] || { echo "installed scan exited $rc"; exit 1; }
echo "installed copy ok"
