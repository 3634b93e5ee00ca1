#!/bin/sh
# `cpack -G DEB` from the build tree into a scratch directory, then the .deb inspected with
# dpkg-deb: its control fields (package, version, the library dependencies dpkg-shlibdeps
# found), that it holds the binary, every man page of the build and both completions under
# /usr, and the binary extracted from it (dpkg-deb -x into a scratch root) runs `version`
# and an offline scan of a fixture snapshot (exit 1: the fixture has error findings).
#   usage: tests/install/deb.sh BUILD_DIR   (from the repository root; ctest cli/deb)
set -u
build=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lambdrift-deb.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
command -v dpkg-deb >/dev/null || { echo "dpkg-deb is not installed"; exit 1; }
cpack -G DEB -B "$tmp" --config "$build/CPackConfig.cmake" >"$tmp/cpack.log" 2>&1 ||
	{ tail -5 "$tmp/cpack.log"; echo "cpack failed"; exit 1; }
deb=$(ls "$tmp"/lambdrift_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "no .deb from cpack"; exit 1; }
fail=0
bad() { echo "$*"; fail=1; }
version=$("$build/lambdrift" version | awk '{print $2}')
[ "$(dpkg-deb -f "$deb" Package)" = lambdrift ] || bad "Package is not lambdrift"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || bad "Version is not $version"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libgit2 libcurl libssl libcjson libdeflate zlib1g; do
	echo "$depends" | grep -q "$lib" || bad "Depends lacks $lib: $depends"
done
files=$(dpkg-deb -c "$deb" | awk '{print $6}')
want="./usr/bin/lambdrift ./usr/share/bash-completion/completions/lambdrift
./usr/share/zsh/vendor-completions/_lambdrift"
for page in "$build"/docs/man1/*.1; do
	want="$want ./usr/share/man/man1/${page##*/}"
done
for f in $want; do
	echo "$files" | grep -qxF "$f" || bad "the .deb lacks $f"
done
dpkg-deb -x "$deb" "$tmp/root" || bad "dpkg-deb -x failed"
bin=$tmp/root/usr/bin/lambdrift
"$bin" version | grep -q "^lambdrift $version" || bad "the packaged binary's version failed"
LAMBDRIFT_NOW=2026-11-25 "$bin" scan --inventory fixtures/inventory/cli-basic.json \
	--format json -o "$tmp/r.json"
rc=$?
[ "$rc" = 1 ] && [ -s "$tmp/r.json" ] || bad "the packaged binary's scan exited $rc"
[ "$fail" = 0 ] && echo "the .deb holds the binary, man pages and completion, with its dependencies"
exit $fail
