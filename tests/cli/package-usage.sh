# package: missing options, tags, functions and a spec error exit 2 and write nothing
. "$FIXTURES/../tests/cli/make-repo.inc"
make_repo repo >/dev/null 2>&1 || { echo "cannot make the repository"; exit 9; }
cd repo
$LD package --function orders-api -o o.zip 2>&1; echo "exit $?"
$LD package --tag v1 -o o.zip 2>&1; echo "exit $?"
$LD package --tag v1 --function orders-api 2>&1; echo "exit $?"
$LD package --tag v9 --function orders-api -o o.zip 2>&1; echo "exit $?"
$LD package --tag main --function orders-api -o o.zip 2>&1; echo "exit $?"
$LD package --tag broken --function orders-api -o o.zip 2>&1; echo "exit $?"
$LD package --tag v1 --function billing -o o.zip 2>&1; echo "exit $?"
$LD package --tag v1 --function orders-api -o no-such-dir/o.zip 2>&1; echo "exit $?"
ls *.zip 2>/dev/null; echo "zips: $(ls *.zip 2>/dev/null | wc -l)"
