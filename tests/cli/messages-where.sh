# messages say what is wrong and where: an unreachable endpoint names every call that failed
# (the same on every run) with the URL and its scheme; a truncated snapshot or spec says the
# file ends early; a directory given as a file says so; a --repo that is not there says so
. "$FIXTURES/../tests/cli/make-repo.inc"
make_repo repo >/dev/null 2>&1 || { echo "cannot make the repository"; exit 9; }
inv="$FIXTURES/inventory/cli-clean.json"
quiet() { sed -e 's/after [0-9]* ms/after N ms/g' -e "s|$PWD/||g"; }
(
	export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=not-a-secret
	for run in 1 2 3; do
		$LD scan --region us-east-1 --endpoint-url http://127.0.0.1:1 --format json \
			-o down.json 2>/dev/null
		echo "unreachable, run $run: exit $?"
		python3 -c 'import json, sys; print("\n".join(json.load(open("down.json"))["run"]["problems"]))' |
			quiet
	done
)
head -c 200 "$inv" >cut.json
$LD scan --inventory cut.json 2>&1
echo "exit $?"
printf '{"lambdrift": 1, "functions": [{"name": "f"' >cut-spec.json
$LD verify --repo repo --tag v1 --spec cut-spec.json --inventory "$inv" 2>&1
echo "exit $?"
mkdir adir
$LD scan --inventory adir 2>&1
echo "scan --inventory adir: exit $?"
for opt in --baseline --runtime-table; do
	$LD scan --inventory "$inv" $opt adir 2>&1
	echo "scan $opt adir: exit $?"
done
$LD verify --repo repo --tag v1 --spec adir --inventory "$inv" 2>&1
echo "verify --spec adir: exit $?"
AWS_CONFIG_FILE=adir $LD scan --region us-east-1 2>&1
echo "AWS_CONFIG_FILE=adir: exit $?"
for r in /nonexistent cut.json adir; do
	$LD verify --repo $r --tag v1 --inventory "$inv" 2>&1
	echo "verify --repo $r: exit $?"
done
ls
