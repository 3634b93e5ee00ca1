# output that cannot be written is an error (exit 2) and leaves nothing behind;
# a missing --runtime-table file is an input error (exit 2)
inv="$FIXTURES/inventory/cli-basic.json"
mkdir out
$LD scan --inventory "$inv" --output out/missing/report.json 2>&1; echo "exit $?"
$LD scan --inventory "$inv" --runtime-table missing.tsv --output out/r.json 2>&1; echo "exit $?"
ls out
