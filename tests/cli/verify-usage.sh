# verify: usage, repository, tag and spec errors all exit 2 before any AWS call, each with a
# message that says what is wrong (no AWS settings exist in this environment at all)
. "$FIXTURES/../tests/cli/make-repo.inc"
inv="$FIXTURES/inventory/cli-clean.json"
$LD verify 2>&1; echo "exit $?"
$LD verify --tag v1 --inventory "$inv" --region us-east-1 2>&1; echo "exit $?"
$LD verify --tag v1 --region us-east-1,eu-west-1 2>&1; echo "exit $?"
$LD verify --tag v1 --format xml 2>&1; echo "exit $?"
$LD verify --tag v1 --fail-on critical 2>&1; echo "exit $?"
$LD verify --tag v1 --repo no-such-dir 2>&1; echo "exit $?"
make_repo repo >/dev/null 2>&1 || { echo "cannot make the repository"; exit 9; }
cd repo
$LD verify --tag v9 --inventory "$inv" 2>&1; echo "exit $?"
$LD verify --tag main --inventory "$inv" 2>&1; echo "exit $?"
$LD verify --tag broken --inventory "$inv" 2>&1; echo "exit $?"
$LD verify --tag v1 --spec ../missing.json --inventory "$inv" 2>&1; echo "exit $?"
$LD verify --tag v1 --function 'billing-*' --inventory "$inv" 2>&1; echo "exit $?"
# --alias as the Lambda API model's Alias shape has it: 1 to 128 of [A-Za-z0-9-_], not all
# digits; checked before anything is read (the longest legal name passes the check)
$LD verify --tag v1 --alias 'live prod' --inventory "$inv" 2>&1; echo "exit $?"
$LD verify --tag v1 --alias 42 --inventory "$inv" 2>&1; echo "exit $?"
$LD verify --tag v1 --alias "$(printf 'a%.0s' $(seq 129))" --inventory "$inv" 2>&1 | cut -c1-60
$LD verify --tag v1 --alias "$(printf 'a%.0s' $(seq 128))" --inventory "$inv" >/dev/null 2>&1
echo "exit $? (128 characters: no alias of that name, the run goes on)"
$LD verify --tag v1 --alias v2_live-1 --inventory "$inv" >/dev/null 2>&1; echo "exit $?"
