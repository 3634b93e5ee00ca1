# --runtime-horizon 0: a runtime deprecating in 156 days is no longer a warning
$LD scan --inventory "$FIXTURES/inventory/cli-basic.json" --function resizer --runtime-horizon 0
