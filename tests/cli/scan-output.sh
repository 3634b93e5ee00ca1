# --output writes the report to a file (atomically: no temp file left) and nothing to stdout
$LD scan --inventory "$FIXTURES/inventory/cli-basic.json" --format json --output report.json
rc=$?
ls
head -3 report.json >&2
grep -c "\"rule\"" report.json >&2
exit $rc
