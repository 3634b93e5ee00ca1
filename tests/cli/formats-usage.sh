# --format/--output pairing: a lone --format goes to stdout (in either order with one
# --output), two formats cannot both go to stdout, each --output needs its own --format,
# one file cannot take two reports
inv="$FIXTURES/inventory/cli-basic.json"
$LD scan --inventory "$inv" --format json --format sarif 2>&1; echo "exit $?"
$LD scan --inventory "$inv" -o a.json --format json --format sarif -o b.sarif 2>&1; echo "exit $?"
$LD scan --inventory "$inv" --format json -o a.json -o b.json 2>&1; echo "exit $?"
$LD scan --inventory "$inv" --format json -o same --format sarif -o same 2>&1; echo "exit $?"
$LD scan --inventory "$inv" --format json --format sarif -o - 2>&1; echo "exit $?"
$LD scan --inventory "$inv" --format yaml -o a.yaml 2>&1; echo "exit $?"
ls
# one report: -o before --format still pairs; a lone --format sarif goes to stdout
$LD scan --inventory "$inv" -o one.json --format json; echo "exit $?"
grep -c '"fingerprint"' one.json
$LD scan --inventory "$inv" --format sarif | grep -c '"ruleId"'
# several formats, one of them to stdout
$LD scan --inventory "$inv" --format markdown --format junit -o r.xml | head -1; echo "exit $?"
ls r.xml
