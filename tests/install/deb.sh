#!/bin/sh
# `cpack -G DEB` from the build tree into a scratch directory, then the .deb checked: its
# control fields (package, version, the library dependencies dpkg-shlibdeps found), that it
# holds the binary, every man page of the build and both completions under /usr, man pages
# only gzipped as Debian policy and lintian want (gzip -9n: maximum compression, no name or
# time stamp; the same text as the build's page), and under /usr/share/doc/lambdrift the
# machine-readable copyright file naming the project's licence and changelog.gz (policy
# 12.5, 12.7; its first entry is this version). Run as root (CI), it is installed with
# `dpkg -i` into a scratch root whose dpkg database holds this machine's installed
# dependencies (so Depends is checked, and nothing of the machine's own is touched), the
# installed copy runs `--version`, a fixture scan and `man -w lambdrift`, and `dpkg -r`
# removes every file again; otherwise it is extracted with dpkg-deb -x and run from there.
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
./usr/share/zsh/vendor-completions/_lambdrift ./usr/share/doc/lambdrift/copyright
./usr/share/doc/lambdrift/changelog.gz"
for page in "$build"/docs/man1/*.1; do
	want="$want ./usr/share/man/man1/${page##*/}.gz"
done
for f in $want; do
	echo "$files" | grep -qxF "$f" || bad "the .deb lacks $f"
done
# lintian's manpage-not-compressed
for f in $(echo "$files" | grep '^\./usr/share/man/.*[^/]$' | grep -v '\.gz$'); do
	bad "the .deb has an uncompressed man page $f"
done

# Install: dpkg -i into a scratch root when root, else dpkg-deb -x.
root=$tmp/root
admin=$root/var/lib/dpkg
installed=false
if [ "$(id -u)" = 0 ] && command -v dpkg >/dev/null; then
	mkdir -p "$admin/info" "$admin/updates" "$admin/triggers"
	: >"$admin/available"
	for pkg in $(echo "$depends" | tr ',|' '\n\n' | awk '{print $1}' | sort -u); do
		dpkg-query -s "$pkg" >>"$admin/status" 2>/dev/null ||
			bad "dependency $pkg is not installed on this machine"
		echo >>"$admin/status"
	done
	if dpkg --root="$root" --log=/dev/null -i "$deb" >"$tmp/dpkg.log" 2>&1; then
		installed=true
		st=$(dpkg-query --admindir="$admin" -W -f='${Status}' lambdrift 2>/dev/null)
		[ "$st" = "install ok installed" ] || bad "dpkg -i left lambdrift '$st'"
	else
		cat "$tmp/dpkg.log"
		bad "dpkg -i into a scratch root failed"
	fi
else
	dpkg-deb -x "$deb" "$root" || bad "dpkg-deb -x failed"
fi

bin=$root/usr/bin/lambdrift
"$bin" --version | grep -qx "lambdrift $version" || bad "the packaged binary's --version failed"
LAMBDRIFT_NOW=2026-11-25 "$bin" scan --inventory fixtures/inventory/cli-basic.json \
	--format json -o "$tmp/r.json"
rc=$?
[ "$rc" = 1 ] && [ -s "$tmp/r.json" ] || bad "the packaged binary's scan exited $rc"
man=$root/usr/share/man
found=$(MANPATH=$man man -w lambdrift 2>&1)
[ "$found" = "$man/man1/lambdrift.1.gz" ] || bad "man -w lambdrift found '$found'"
# lintian's manpage-not-compressed-with-max-compression and package-contains-timestamped-
# gzip: byte 3 (flags) without FNAME, bytes 4-7 (mtime) zero, byte 8 (XFL) 2 = best
for page in "$build"/docs/man1/*.1; do
	gz=$man/man1/${page##*/}.gz
	[ -s "$gz" ] || continue
	set -- $(od -An -tx1 -N9 "$gz")
	[ "$1$2$3" = 1f8b08 ] || bad "${gz#"$root"} is not gzip"
	[ $((0x$4 & 8)) = 0 ] || bad "${gz#"$root"}: gzip stores the file name (use gzip -n)"
	[ "$5$6$7$8" = 00000000 ] || bad "${gz#"$root"}: gzip stores a time stamp (use gzip -n)"
	[ "$9" = 02 ] || bad "${gz#"$root"}: not compressed with gzip -9"
	gzip -dc "$gz" | cmp -s - "$page" || bad "${gz#"$root"} is not the build's ${page##*/}"
done
# Debian policy 12.5 and 12.7: the copyright file (machine-readable, naming the project's
# licence) and, for a native package, changelog.gz whose first entry is this version
doc=$root/usr/share/doc/lambdrift
cmp -s "$doc/copyright" packaging/deb/copyright ||
	bad "/usr/share/doc/lambdrift/copyright is not packaging/deb/copyright"
head -1 "$doc/copyright" |
	grep -qxF "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/" ||
	bad "the copyright file is not in the machine-readable format"
# the project's licence (LICENSE, the Apache License 2.0) is the one Files: * names
grep -q "Apache License" LICENSE && grep -q "Version 2.0, January 2004" LICENSE &&
	[ "$(awk '/^Files: \*$/ {f=1; next} f && /^License:/ {print $2; exit}' "$doc/copyright")" = \
		Apache-2.0 ] || bad "the copyright file's Files: * licence is not LICENSE's Apache-2.0"
set -- $(od -An -tx1 -N9 "$doc/changelog.gz" 2>/dev/null)
[ "${1:-}${2:-}${3:-}" = 1f8b08 ] && [ $((0x${4:-0} & 8)) = 0 ] &&
	[ "${5:-}${6:-}${7:-}${8:-}" = 00000000 ] && [ "${9:-}" = 02 ] ||
	bad "changelog.gz is not gzip -9n"
gzip -dc "$doc/changelog.gz" 2>/dev/null | cmp -s - packaging/deb/changelog ||
	bad "changelog.gz is not packaging/deb/changelog"
gzip -dc "$doc/changelog.gz" 2>/dev/null | head -1 |
	grep -q "^lambdrift ($version) [a-z]*; urgency=" ||
	bad "changelog.gz's first entry is not lambdrift ($version); add one to packaging/deb/changelog"

if $installed; then
	dpkg --root="$root" --log=/dev/null -r lambdrift >"$tmp/dpkg.log" 2>&1 ||
		{ cat "$tmp/dpkg.log"; bad "dpkg -r failed"; }
	left=$(find "$root/usr" ! -type d 2>/dev/null)
	[ -z "$left" ] || bad "dpkg -r left $left"
fi
[ "$fail" = 0 ] && echo "the .deb holds the binary, gzipped man pages, completion, copyright and changelog, with its dependencies"
exit $fail
