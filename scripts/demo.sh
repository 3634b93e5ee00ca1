#!/usr/bin/env bash
# lambdrift in two minutes, with no AWS account: start moto (a local AWS emulator) on a free
# loopback port, deploy a small account into it with the AWS CLI the way a team would
# (including the usual mistakes), then run `lambdrift scan` on it and show the report.
# Then a release: a git repository tagged v1.0.0 declares four functions in its
# lambdrift.json; they are deployed (with `lambdrift package`, and others with plain `zip`),
# one is edited "in the console" afterwards, a Node one ships another lodash than its
# package-lock.json pins and attaches a layer that has since been republished, and
# `lambdrift verify --tag v1.0.0 --osv <advisories>` says which function serves what the
# tag builds, which files and dependencies differ, which advisories hit what is deployed
# and which layer is outdated. Last, `lambdrift deps` lists the third-party packages running.
# moto is stopped on exit, Ctrl-C included. The credentials are fake and exist only in this
# script's environment; nothing leaves 127.0.0.1.
#
# usage: scripts/demo.sh [extra lambdrift scan options, e.g. --format json]
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${LAMBDRIFT_BIN:-build/lambdrift}
if [ ! -x "$BIN" ]; then
	echo "demo: $BIN is not built; run scripts/setup.sh first" >&2
	exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/lambdrift-demo.XXXXXX")
moto_pid=
cleanup() {
	if [ -n "$moto_pid" ]; then
		kill "$moto_pid" 2>/dev/null || true
		wait "$moto_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Fake credentials for this process only; no profile, config or endpoint from the caller.
while IFS='=' read -r name _; do
	case "$name" in AWS_*) unset "$name" ;; esac
done < <(env)
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
export AWS_SECRET_ACCESS_KEY=lambdrift-demo-not-a-real-secret
export AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE="$work/aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/aws-credentials"
export AWS_EC2_METADATA_DISABLED=true AWS_PAGER=
: >"$AWS_CONFIG_FILE"
: >"$AWS_SHARED_CREDENTIALS_FILE"

python3 scripts/moto_server.py --quiet --port-file "$work/port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 300); do
	[ -s "$work/port" ] && break
	if ! kill -0 "$moto_pid" 2>/dev/null; then
		echo "demo: moto failed to start:" >&2
		cat "$work/moto.log" >&2
		exit 1
	fi
	sleep 0.1
done
[ -s "$work/port" ] || { echo "demo: moto did not start in 30s" >&2; exit 1; }
EP="http://127.0.0.1:$(cat "$work/port")"

if command -v aws >/dev/null 2>&1; then AWS=(aws); else AWS=(python3 -m awscli); fi
# Show each AWS CLI command as a user would type it (or as SHOW says, to hide a value), and
# run it against moto.
aws_() {
	printf '  $ aws %s\n' "${SHOW:-$*}"
	(cd "$work" && "${AWS[@]}" --endpoint-url "$EP" --output json "$@" >last.json) ||
		{ echo "demo: aws ${SHOW:-$*} failed" >&2; exit 1; }
}

echo "==> moto is listening on $EP; deploying a demo account with the AWS CLI"
mkdir -p "$work/src"
package() { # package NAME TEXT: a zip whose code says TEXT
	printf 'def handler(event, context):\n    return %s\n' "$2" >"$work/src/app.py"
	rm -f "$work/$1.zip"
	(cd "$work/src" && zip -q -X "../$1.zip" app.py)
}
aws_ iam create-role --role-name demo-exec --assume-role-policy-document \
	'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
# what an execution role needs to write its logs (without it: logging-denied)
aws_ iam attach-role-policy --role-name demo-exec \
	--policy-arn arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
ROLE=arn:aws:iam::123456789012:role/demo-exec
create() { # create NAME RUNTIME CODE
	package "$1" "$3"
	aws_ lambda create-function --function-name "$1" --runtime "$2" --role "$ROLE" \
		--handler app.handler --zip-file "fileb://$1.zip"
}
release() { # release NAME: publish a version and point the "live" alias at it
	aws_ lambda publish-version --function-name "$1"
	aws_ lambda create-alias --function-name "$1" --name live --function-version 1
}

# Code signing configs: AWS Signer's profile signs what the release pipeline builds. One
# enforces it; the other, made without a policy, only warns (Lambda's default).
csc_arn() { python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["CodeSigningConfig"]["CodeSigningConfigArn"])' "$work/last.json"; }
SIGNER=arn:aws:signer:us-east-1:123456789012:/signing-profiles/release/1a2b3c4d5e
aws_ lambda create-code-signing-config --allowed-publishers SigningProfileVersionArns=$SIGNER \
	--code-signing-policies UntrustedArtifactOnDeployment=Enforce
CSC_ENFORCE=$(csc_arn)
aws_ lambda create-code-signing-config --allowed-publishers SigningProfileVersionArns=$SIGNER
CSC_WARN=$(csc_arn)
echo "-- orders-api: released properly (published, alias live -> 1, code signing enforced)"
create orders-api python3.12 '"orders v1"'
aws_ lambda put-function-code-signing-config --function-name orders-api \
	--code-signing-config-arn "$CSC_ENFORCE"
release orders-api
echo "-- payments: released, then hot-fixed in place (new code on \$LATEST, never published);"
echo "   its code signing config only warns, so the unsigned hotfix went through"
create payments python3.12 '"payments v1"'
aws_ lambda put-function-code-signing-config --function-name payments \
	--code-signing-config-arn "$CSC_WARN"
release payments
package payments '"payments hotfix"'
aws_ lambda update-function-code --function-name payments --zip-file fileb://payments.zip
echo "-- reports: released, then its timeout raised in the console (config-only edit)"
create reports python3.12 '"reports v1"'
release reports
aws_ lambda update-function-configuration --function-name reports --timeout 60
echo "-- search: its alias serves \$LATEST, whatever was uploaded last"
create search python3.12 '"search v1"'
aws_ lambda publish-version --function-name search
# shellcheck disable=SC2016 # the literal qualifier $LATEST
aws_ lambda create-alias --function-name search --name live --function-version '$LATEST'
echo "-- legacy-billing: still on python3.8, deprecated since 2024"
create legacy-billing python3.8 '"billing"'
release legacy-billing
echo "-- thumbnails: created, never published"
create thumbnails python3.12 '"thumbs"'
echo "-- notifier: released, but its SQS trigger invokes the unqualified function"
create notifier python3.12 '"notify v1"'
release notifier
aws_ sqs create-queue --queue-name notifications
aws_ lambda create-event-source-mapping --function-name notifier \
	--event-source-arn arn:aws:sqs:us-east-1:123456789012:notifications
echo "-- checkout: canary release, alias live -> 2 with 10% of traffic still on 1"
create checkout python3.12 '"checkout v1"'
aws_ lambda publish-version --function-name checkout
package checkout '"checkout v2"'
aws_ lambda update-function-code --function-name checkout --zip-file fileb://checkout.zip
aws_ lambda publish-version --function-name checkout
aws_ lambda create-alias --function-name checkout --name live --function-version 2 \
	--routing-config '{"AdditionalVersionWeights":{"1":0.1}}'
echo "-- ops-tool: released, but its role has AdministratorAccess and its logs never expire"
aws_ iam create-role --role-name ops-admin --assume-role-policy-document \
	'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
aws_ iam attach-role-policy --role-name ops-admin \
	--policy-arn arn:aws:iam::aws:policy/AdministratorAccess
package ops-tool '"ops v1"'
aws_ lambda create-function --function-name ops-tool --runtime python3.12 \
	--role arn:aws:iam::123456789012:role/ops-admin --handler app.handler \
	--zip-file fileb://ops-tool.zip
release ops-tool
aws_ logs create-log-group --log-group-name /aws/lambda/ops-tool
echo "-- webhooks: released with a Stripe key pasted into its environment (and the database"
echo "   password as a Secrets Manager reference, which is how it should be done)"
package webhooks '"hooks v1"'
# the key is made up, in Stripe's format; the demo does not echo it, and lambdrift never prints it
stripe="sk_live_$(printf 'demo%.0s' 1 2 3 4 5 6)"
SHOW="lambda create-function --function-name webhooks ... --environment Variables={STRIPE_SECRET_KEY=sk_live_...,DB_PASSWORD=arn:aws:secretsmanager:...}" aws_ lambda create-function --function-name webhooks --runtime python3.12 --role "$ROLE" \
	--handler app.handler --zip-file fileb://webhooks.zip --environment \
	"Variables={STRIPE_SECRET_KEY=$stripe,DB_PASSWORD=arn:aws:secretsmanager:us-east-1:123456789012:secret:webhooks-db-AbCdEf}"
release webhooks

echo
echo "==> $BIN scan --endpoint-url $EP --region us-east-1 $*"
echo
set +e
"$BIN" scan --endpoint-url "$EP" --region us-east-1 "$@"
rc=$?
set -e
echo
case "$rc" in
0) echo "==> exit 0: nothing at or above --fail-on" ;;
1) echo "==> exit 1: findings at or above --fail-on (error by default), as expected here" ;;
*) echo "==> lambdrift failed with exit $rc (2: usage, 3: incomplete data)" >&2; exit "$rc" ;;
esac

# ---- part 2: a release, verified against its git tag ----
echo
echo "==> a release: a git repository whose tag v1.0.0 declares four functions"
npm_pkg() { # npm_pkg DIR NAME VERSION: NAME VERSION as npm installs it in DIR/node_modules
	mkdir -p "$1/node_modules/$2"
	printf '{\n  "name": "%s",\n  "version": "%s",\n  "main": "index.js",\n  "license": "MIT"\n}\n' \
		"$2" "$3" >"$1/node_modules/$2/package.json"
	printf 'exports.VERSION = "%s";\n' "$3" >"$1/node_modules/$2/index.js"
}
# A Node layer the platform team maintains; the release is built against its version 1.
layer() { # layer VERSION AXIOS: shared-libs-VERSION.zip, a layer holding axios AXIOS
	npm_pkg "$work/layer-$1/nodejs" axios "$2"
	(cd "$work/layer-$1" && zip -q -r "../shared-libs-$1.zip" nodejs)
}
echo "-- shared-libs: a Node layer (axios 1.6.0) the platform team publishes as version 1"
layer 1 1.6.0
aws_ lambda publish-layer-version --layer-name shared-libs --zip-file fileb://shared-libs-1.zip \
	--compatible-runtimes nodejs24.x
LAYER1=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["LayerVersionArn"])' \
	"$work/last.json")

repo="$work/shop"
git_() { git -C "$repo" -c user.name=Demo -c user.email=demo@example.com "$@"; }
mkdir -p "$repo"
git init -q "$repo"
for fn in cart-api invoices catalog; do
	mkdir -p "$repo/services/$fn/lib" "$repo/services/$fn/bin"
	printf 'from lib.util import greet\n\ndef handler(event, context):\n    return greet("%s")\n' \
		"$fn" >"$repo/services/$fn/app.py"
	printf 'def greet(name):\n    return {"hello": name}\n' >"$repo/services/$fn/lib/util.py"
	printf '#!/bin/sh\nexec python3 -c "import app"\n' >"$repo/services/$fn/bin/warmup.sh"
	chmod 755 "$repo/services/$fn/bin/warmup.sh"
done
# storefront (Node): package.json, the package-lock.json npm wrote (lockfileVersion 3,
# lodash 4.17.21) and the node_modules it installed, vendored so that the tag builds the
# whole package.
sf="$repo/services/storefront"
mkdir -p "$sf"
printf "const _ = require('lodash');\nexports.handler = async (event) => _.pick(event, ['id']);\n" \
	>"$sf/index.js"
cat >"$sf/package.json" <<'PKG'
{
  "name": "storefront",
  "version": "1.0.0",
  "private": true,
  "dependencies": { "lodash": "^4.17.21" }
}
PKG
cat >"$sf/package-lock.json" <<'LOCK'
{
  "name": "storefront",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "storefront",
      "version": "1.0.0",
      "dependencies": { "lodash": "^4.17.21" }
    },
    "node_modules/lodash": {
      "version": "4.17.21",
      "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz",
      "integrity": "sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg==",
      "license": "MIT"
    }
  }
}
LOCK
npm_pkg "$sf" lodash 4.17.21
spec_fn() { # spec_fn NAME RUNTIME HANDLER [LAYER]: one function of lambdrift.json
	printf '    { "name": "%s", "source": "services/%s",\n' "$1" "$1"
	printf '      "config": { "Runtime": "%s", "Handler": "%s", "MemorySize": 256,\n' "$2" "$3"
	printf '                  "Timeout": 15, "Environment": { "Variables": { "LOG_LEVEL": "info" } }'
	[ -z "${4:-}" ] || printf ',\n                  "Layers": [ "%s" ]' "$4"
	printf ' } }'
}
{
	printf '{ "lambdrift": 1, "region": "us-east-1", "alias": "live",\n  "functions": [\n'
	for fn in cart-api invoices catalog; do spec_fn "$fn" python3.12 app.handler; printf ',\n'; done
	spec_fn storefront nodejs24.x index.handler "$LAYER1"
	printf ' ] }\n'
} >"$repo/lambdrift.json"
git_ add -A
git_ commit -q -m "shop 1.0.0"
git_ tag -a v1.0.0 -m "release 1.0.0"
echo "  lambdrift.json at v1.0.0:"
sed 's/^/    /' "$repo/lambdrift.json"
echo "  services/storefront/package-lock.json pins lodash 4.17.21 (node_modules is vendored)"

# Deploy as the release pipeline would; the configuration matches the spec's, and the
# environment is encrypted with the team's own KMS key.
aws_ kms create-key --description "shop: Lambda environment variables"
KEY=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["KeyMetadata"]["Arn"])' <"$work/last.json")
deploy() { # deploy NAME ZIP RUNTIME HANDLER [create-function options]: create, publish
	# version 1, point alias live at it
	local name=$1 zip=$2 rt=$3 handler=$4
	shift 4
	aws_ lambda create-function --function-name "$name" --runtime "$rt" --role "$ROLE" \
		--handler "$handler" --memory-size 256 --timeout 15 \
		--environment 'Variables={LOG_LEVEL=info}' --kms-key-arn "$KEY" "$@" \
		--zip-file "fileb://$zip" --publish
	aws_ lambda create-alias --function-name "$name" --name live --function-version 1
}
echo "-- cart-api: deployed with the package 'lambdrift package' makes from the tag"
printf '  $ %s package --repo shop --tag v1.0.0 --function cart-api -o cart-api.zip\n' "$BIN"
"$BIN" package --repo "$repo" --tag v1.0.0 --function cart-api -o "$work/cart-api.zip"
deploy cart-api cart-api.zip python3.12 app.handler
echo "-- invoices: deployed the same way, then hot-fixed in the console: app.py edited,"
echo "   published as version 2 and alias live moved to it"
"$BIN" package --repo "$repo" --tag v1.0.0 --function invoices -o "$work/invoices.zip"
deploy invoices invoices.zip python3.12 app.handler
mkdir -p "$work/hotfix"
(cd "$work/hotfix" && unzip -q ../invoices.zip)
printf '\n# hotfix: skip tax for now\n' >>"$work/hotfix/app.py"
(cd "$work/hotfix" && zip -q -r ../invoices-hotfix.zip .)
aws_ lambda update-function-code --function-name invoices --zip-file fileb://invoices-hotfix.zip \
	--publish
aws_ lambda update-alias --function-name invoices --name live --function-version 2
echo "-- catalog: the same files as the tag, zipped with 'zip -r' (other timestamps and order)"
(cd "$repo/services/catalog" && touch -d '2001-02-03 04:05' app.py &&
	zip -q -r "$work/catalog.zip" bin lib app.py)
deploy catalog catalog.zip python3.12 app.handler
echo "-- storefront (Node, attaches shared-libs:1): zipped on a build machine whose"
echo "   node_modules still held lodash 4.17.15, not the 4.17.21 the lockfile pins"
cp -R "$sf" "$work/storefront"
npm_pkg "$work/storefront" lodash 4.17.15
echo '  $ zip -r storefront.zip index.js package.json node_modules'
(cd "$work/storefront" && zip -q -r ../storefront.zip index.js package.json node_modules)
deploy storefront storefront.zip nodejs24.x index.handler --layers "$LAYER1"
echo "-- shared-libs: version 2 published (axios 1.7.4); storefront still attaches version 1"
layer 2 1.7.4
aws_ lambda publish-layer-version --layer-name shared-libs --zip-file fileb://shared-libs-2.zip \
	--compatible-runtimes nodejs24.x

# Advisories: real GitHub Advisory Database records in OSV format (CC-BY-4.0), as a user
# would point --osv at a download of osv.dev's npm/all.zip.
osv=fixtures/osv/github-advisory-database
echo
echo "==> $BIN verify --repo $repo --tag v1.0.0 --osv $osv --endpoint-url $EP --region us-east-1"
echo
set +e
"$BIN" verify --repo "$repo" --tag v1.0.0 --osv "$osv" --endpoint-url "$EP" --region us-east-1
rc=$?
set -e
echo
case "$rc" in
0) echo "==> exit 0: every function serves what v1.0.0 builds" ;;
1) echo "==> exit 1: invoices and storefront do not serve what v1.0.0 builds, as expected here" ;;
*) echo "==> lambdrift verify failed with exit $rc (2: usage or spec, 3: incomplete data)" >&2
   exit "$rc" ;;
esac

# ---- part 3: which third-party packages run where ----
echo
echo "==> which third-party packages run where: $BIN deps --endpoint-url $EP --region us-east-1"
echo
set +e
"$BIN" deps --endpoint-url "$EP" --region us-east-1 >"$work/deps.txt"
rc=$?
set -e
[ "$rc" -eq 0 ] || { echo "==> lambdrift deps failed with exit $rc (3: incomplete data)" >&2
	exit "$rc"; }
cat "$work/deps.txt"
echo
echo "==> stopping moto"
