# GITHUB_ACTIONS=true adds one workflow annotation per finding: on stdout when the reports
# go to files, on stderr when a report goes to stdout (which then stays clean JSON);
# --format github asks for them directly (and then they are not printed twice)
inv="$FIXTURES/inventory/cli-basic.json"
GITHUB_ACTIONS=true $LD scan --inventory "$inv" --format sarif -o r.sarif; echo "exit $?"
GITHUB_ACTIONS=true $LD scan --inventory "$inv" --format json 2>err.txt |
	python3 -c 'import json, sys; print(len(json.load(sys.stdin)["findings"]), "findings in clean JSON")'
grep -c '^::' err.txt
GITHUB_ACTIONS=true $LD scan --inventory "$inv" --format github --fail-on none | grep -c '^::'
GITHUB_ACTIONS=false $LD scan --inventory "$inv" --format json -o r.json; echo "exit $?"
