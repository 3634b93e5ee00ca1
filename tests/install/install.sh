#!/bin/sh
# `cmake --install` into a scratch prefix, then the installed copy alone: `lambdrift version`
# and an offline scan of a fixture snapshot (exit 1: the fixture has error findings), and
# the man pages and shell completion in GNUInstallDirs' mandir and the completion dirs, and
# the copyright file and changelog in its docdir.
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
# the man pages and completion, where man, bash-completion and zsh look for them
for f in share/man/man1/lambdrift.1.gz share/man/man1/lambdrift-scan.1.gz \
	share/man/man1/lambdrift-merge.1.gz share/bash-completion/completions/lambdrift \
	share/zsh/vendor-completions/_lambdrift share/doc/lambdrift/copyright \
	share/doc/lambdrift/changelog.gz; do
	[ -s "$prefix/$f" ] || { echo "no $f after cmake --install"; exit 1; }
done
MANPATH=$prefix/share/man man -w lambdrift-scan >/dev/null 2>&1 ||
	{ echo "man does not find lambdrift-scan under the prefix"; exit 1; }
echo "installed copy ok"
