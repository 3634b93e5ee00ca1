# --function globs (repeatable) keep only matching functions; the rest are not scanned
$LD scan --inventory "$FIXTURES/inventory/cli-basic.json" --function "orders-*" --function=canary
