# verify --attest writes a signed release record (offline, a file key); its statement is
# pinned (the commit by make-repo.inc, the time by LAMBDRIFT_NOW); attestation verify
# accepts it with the right key and refuses another key, a forged payload, a truncated or
# missing signature and a malformed envelope; usage errors come before any work.
# Keys are made here with the openssl CLI, so key ids are masked.
. "$FIXTURES/../tests/cli/make-repo.inc"
make_repo repo >/dev/null 2>&1 || { echo "cannot make the repository"; exit 9; }
inv="$FIXTURES/inventory/cli-clean.json"
openssl genpkey -algorithm ed25519 -out ed.key 2>/dev/null
openssl pkey -in ed.key -pubout -out ed.pub 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out p256.key 2>/dev/null
openssl pkey -in p256.key -pubout -out p256.pub 2>/dev/null
mask() { sed 's/key [0-9a-f]\{64\}/key <keyid>/; s/"keyid": "[0-9a-f]\{64\}"/"keyid": "<keyid>"/; s/key [0-9a-f]\{16\} /key <keyid> /; s/"sha256": "[0-9a-f]\{64\}"/"sha256": "<record digest>"/' "$@"; }
run() { "$@" >out 2>&1; echo "exit $?" >>out; }
payload() { sed 's/.*"payload":"\([^"]*\)".*/\1/' "$1" | base64 -d; echo; }

echo "== verify --attest (ed25519, p256)"
$LD verify --repo repo --tag v1 --inventory "$inv" --attest rec.json --signing-key ed.key >/dev/null
echo "exit $?"
payload rec.json
$LD verify --repo repo --tag v1 --inventory "$inv" --function orders-api --attest p.json \
	--signing-key p256.key --format json -o report.json
echo "exit $?"
echo "== attestation verify"
run $LD attestation verify rec.json --key ed.pub; mask out
run $LD attestation verify p.json --key p256.pub --format json; mask out | sed -n '1,5p;/"result"/p;$p'
echo "== refused"
run $LD attestation verify rec.json --key p256.pub; mask out
forged=$(payload rec.json | sed 's/"result":"unverified"/"result":"passed"/' | base64 -w0)
sed 's|"payload":"[^"]*"|"payload":"'"$forged"'"|' rec.json >forged.json
cmp -s rec.json forged.json && echo "forged.json is no forgery"
run $LD attestation verify forged.json --key ed.pub; mask out
sed 's/"sig":"\(.\{40\}\)[^"]*"/"sig":"\1"/' rec.json >truncated.json
run $LD attestation verify truncated.json --key ed.pub; mask out
sed 's/"signatures":\[.*\]/"signatures":[]/' rec.json >unsigned.json
$LD attestation verify unsigned.json --key ed.pub 2>&1; echo "exit $?"
printf '{"payloadType":"application/vnd.in-toto+json","payload":"e30=","payload":"e30=","signatures":[{"sig":"AQ=="}]}' >dup.json
$LD attestation verify dup.json --key ed.pub --format json 2>/dev/null; echo "exit $?"
$LD attestation verify report.json --key ed.pub 2>&1; echo "exit $?"
echo "== usage"
$LD verify --repo repo --tag v1 --inventory "$inv" --attest x.json 2>&1; echo "exit $?"
$LD verify --repo repo --tag v1 --inventory "$inv" --signing-key ed.key 2>&1; echo "exit $?"
$LD verify --repo repo --tag v1 --inventory "$inv" --attest x.json --signing-key awskms://alias/r 2>&1; echo "exit $?"
$LD verify --repo repo --tag v1 --inventory "$inv" --attest x.json --signing-key awskms:///alias/r 2>&1; echo "exit $?"
$LD verify --repo repo --tag v1 --inventory "$inv" --attest no-dir/x.json --signing-key ed.key 2>&1; echo "exit $?"
$LD verify --repo repo --tag v1 --inventory "$inv" --attest x.json --signing-key ed.pub 2>&1; echo "exit $?"
ls x.json 2>&1 | sed 's/.*x.json.*/no x.json/'
$LD attestation verify rec.json 2>&1; echo "exit $?"
$LD attestation check rec.json --key ed.pub 2>&1; echo "exit $?"
$LD attestation verify missing.json --key ed.pub 2>&1; echo "exit $?"
echo "== scan --attestation"
# the snapshot verify attested: nothing moved (a record with no key verifying it: exit 2)
$LD scan --inventory "$inv" --attestation rec.json --key ed.pub; echo "exit $?"
# orders-api hot-fixed: version 4 (other code) published and aliased
$LD scan --inventory "$FIXTURES/inventory/cli-attest-drift.json" --attestation rec.json \
	--key p256.pub --key ed.pub; echo "exit $?"
$LD scan --inventory "$FIXTURES/inventory/cli-attest-drift.json" --attestation rec.json \
	--key ed.pub --format json | sed -n '/"attestations"/,/]/p;/"rule"/p;/"qualifier"/p;/"moved"/,/]/p' | mask
# gone from the account (renamed)
sed 's/orders-api/orders-web/g' "$inv" >gone.json
$LD scan --inventory gone.json --attestation rec.json --key ed.pub; echo "exit $?"
# not scanned where it lives: incomplete, not missing
sed 's/us-east-1/eu-west-1/g' "$inv" >elsewhere.json
$LD scan --inventory elsewhere.json --attestation rec.json --key ed.pub --format json 2>/dev/null |
	sed -n '/"complete"/p;/"problems"/,/]/p;/"rule"/p'
echo "== scan refuses what does not verify"
run $LD scan --inventory "$inv" --attestation forged.json --key ed.pub; mask out
run $LD scan --inventory "$inv" --attestation rec.json --key p256.pub; mask out
run $LD scan --inventory "$inv" --attestation unsigned.json --key ed.pub; mask out
run $LD scan --inventory "$inv" --attestation rec.json; mask out
run $LD scan --inventory "$inv" --attestation rec.json --key awskms:///alias/release; mask out
