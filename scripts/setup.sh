#!/usr/bin/env bash
# Prepare a Debian 12 machine (or container) to build, demo and test lambdrift, then build.
# Idempotent: installs only what is missing (apt-get update only when something is), then
# configures and builds build/ (RelWithDebInfo, -Werror) and build-asan/ (Debug, ASan+UBSan,
# for the unit and CLI tests). A second run only rebuilds what changed.
#
# usage: scripts/setup.sh [--no-asan]     --no-asan: skip the sanitizer tree (demo only)
set -euo pipefail
cd "$(dirname "$0")/.."

asan=1
for arg in "$@"; do
	case "$arg" in
	--no-asan) asan=0 ;;
	-h|--help) sed -n '2,6p' "$0"; exit 0 ;;
	*) echo "setup: unknown option '$arg' (see --help)" >&2; exit 2 ;;
	esac
done

say() { printf '==> %s\n' "$*"; }
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# --- Debian packages -------------------------------------------------------------------
# clang and its runtime libraries: libFuzzer for the fuzz targets (scripts/fuzz.sh)
debs=(cmake gcc make pkg-config libgit2-dev libcurl4-openssl-dev libcjson-dev libssl-dev
      zlib1g-dev libdeflate-dev zip unzip python3 python3-pip clang libclang-rt-14-dev
      groff-base man-db bsdextrautils dpkg-dev)  # docs.sh renders the man pages; deb.sh: cpack -G DEB
missing=()
for p in "${debs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
if [ "${#missing[@]}" -gt 0 ]; then
	say "installing Debian packages: ${missing[*]}"
	sudo_if_needed apt-get update -qq
	sudo_if_needed env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
	say "Debian packages: all present"
fi

# --- moto (AWS emulator), boto3 and the AWS CLI, for the demo and integration tests -----
have_aws() { command -v aws >/dev/null 2>&1 || python3 -m awscli --version >/dev/null 2>&1; }
have_py() { python3 -c 'import moto, boto3, werkzeug, cryptography' >/dev/null 2>&1; }
if ! have_py || ! have_aws; then
	pips=()
	have_py || pips+=("moto[server]" boto3)
	have_aws || pips+=(awscli)
	say "installing with pip: ${pips[*]}"
	user=(); [ "$(id -u)" -eq 0 ] || user=(--user)
	# Debian's Python is "externally managed" (PEP 668); these are test tools, not the
	# system's, so allow pip to add them.
	if ! PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install -q "${user[@]}" "${pips[@]}"; then
		say "pip could not install them; trying Debian's awscli and python3-boto3"
		sudo_if_needed apt-get update -qq
		sudo_if_needed env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends awscli python3-boto3 || true
	fi
	if ! have_py || ! have_aws; then
		echo "setup: moto[server], boto3 and awscli are needed for the demo and the" \
		     "integration tests, and could not be installed (is PyPI reachable?)" >&2
		exit 1
	fi
else
	say "moto, boto3, awscli: present"
fi

# --- build --------------------------------------------------------------------------------
jobs=$(nproc 2>/dev/null || echo 2)
say "building build/ (release, -Werror)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLD_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
if [ "$asan" -eq 1 ]; then
	say "building build-asan/ (address,undefined sanitizers)"
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DLD_WERROR=ON \
		-DLD_SANITIZE=address,undefined >/dev/null
	cmake --build build-asan -j"$jobs"
fi
say "done: build/lambdrift"
