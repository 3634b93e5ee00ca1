#!/bin/sh
# Run one CLI golden case: tests/cli/run-case.sh tests/cli/<case>.sh <lambdrift binary>
# (from the repo root; ctest does this). The case runs with sh in a fresh scratch directory
# with LD=<binary>, FIXTURES=<repo>/fixtures, NO_COLOR=1, LAMBDRIFT_NOW=2026-11-25 and no
# AWS settings from the caller's environment. Its stdout must equal <case>.stdout.exact and
# its exit status must equal <case>.exit (0 when that file is absent).
# LD_UPDATE_GOLDEN=1 rewrites both expectation files from this run instead of comparing.
set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 CASE.sh LAMBDRIFT_BINARY" >&2
	exit 2
fi
root=$(pwd)
case "$1" in /*) case_file=$1 ;; *) case_file=$root/$1 ;; esac
case "$2" in /*) bin=$2 ;; *) bin=$root/$2 ;; esac
base=${case_file%.sh}
name=$(basename "$base")
if [ ! -f "$case_file" ] || [ ! -x "$bin" ]; then
	echo "$name: missing case file or binary" >&2
	exit 2
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/lambdrift-cli.XXXXXX") || exit 2
trap 'rm -rf "$scratch"' EXIT INT TERM

# A hermetic environment: nothing from the caller's AWS setup, no CI/colour differences.
for v in AWS_PROFILE AWS_DEFAULT_PROFILE AWS_REGION AWS_DEFAULT_REGION AWS_ENDPOINT_URL \
	 AWS_ENDPOINT_URL_LAMBDA AWS_ENDPOINT_URL_STS AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY \
	 AWS_SESSION_TOKEN AWS_CA_BUNDLE AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE \
	 AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI CI; do
	unset "$v"
done
export LD="$bin" FIXTURES="$root/fixtures" NO_COLOR=1 LAMBDRIFT_NOW=2026-11-25
export AWS_SHARED_CREDENTIALS_FILE="$scratch/.aws-credentials"
export AWS_CONFIG_FILE="$scratch/.aws-config"
export AWS_EC2_METADATA_DISABLED=true

(cd "$scratch" && sh "$case_file") >"$scratch/.stdout" 2>"$scratch/.stderr" </dev/null
rc=$?

if [ "${LD_UPDATE_GOLDEN:-}" = 1 ]; then
	cp "$scratch/.stdout" "$base.stdout.exact"
	echo "$rc" >"$base.exit"
	echo "$name: updated $base.stdout.exact and $base.exit (exit $rc)"
	exit 0
fi

fail=0
want_rc=0
[ -f "$base.exit" ] && want_rc=$(cat "$base.exit")
if [ "$rc" != "$want_rc" ]; then
	echo "$name: exit status $rc, expected $want_rc" >&2
	fail=1
fi
if [ -f "$base.stdout.exact" ] && ! cmp -s "$scratch/.stdout" "$base.stdout.exact"; then
	echo "$name: stdout differs from $base.stdout.exact:" >&2
	diff -u "$base.stdout.exact" "$scratch/.stdout" >&2
	fail=1
fi
if [ "$fail" != 0 ]; then
	echo "--- stderr of $name:" >&2
	cat "$scratch/.stderr" >&2
	exit 1
fi
exit 0
