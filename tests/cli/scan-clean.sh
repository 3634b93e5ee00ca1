# a clean account: "no findings", exit 0
$LD scan --inventory "$FIXTURES/inventory/cli-clean.json"
