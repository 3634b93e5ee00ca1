# verify and package at every kind of git ref a user may hand --tag (and --repo beside it):
# a tag whose spec is invalid, a missing tag (the newest tags listed), a bad --allow-ref,
# lightweight and annotated tags at a tree or a blob, a tag whose object is missing, a file
# as --repo. Each is exit 2 naming its own option, before any AWS call and writing nothing;
# an annotated tag, also one of a tag, is accepted.
. "$FIXTURES/../tests/cli/make-repo.inc"
make_repo repo >/dev/null 2>&1 || { echo "cannot make the repository"; exit 9; }
git -C repo tag at-tree 'HEAD^{tree}' && git -C repo tag at-blob HEAD:lambdrift.json &&
	git -C repo tag -a -m tree annotated-tree 'HEAD^{tree}' &&
	git -c advice.nestedTag=false -C repo tag -a -m nested nested v1 &&
	echo 1234567890123456789012345678901234567890 >repo/.git/refs/tags/dangling ||
	{ echo "cannot make the tags"; exit 9; }
inv="$FIXTURES/inventory/cli-clean.json"
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=not-a-secret
export AWS_REGION=us-east-1 AWS_ENDPOINT_URL=http://127.0.0.1:1
try() {
	out=$("$@" 2>&1)
	rc=$?
	echo "$out" | sed "s|$(pwd)|.|g"
	echo "exit $rc"
}
for args in "--tag broken" "--tag no-such-tag" "--tag no-such-ref --allow-ref" \
	"--tag at-tree" "--tag at-blob" "--tag annotated-tree" "--tag HEAD^{tree} --allow-ref" \
	"--tag dangling"; do
	# shellcheck disable=SC2086 # the arguments are split on purpose
	try $LD verify --repo repo $args
	# shellcheck disable=SC2086
	try $LD package --repo repo $args --function orders-api -o out.zip
done
try $LD verify --repo repo/lambdrift.json --tag v1
try $LD verify --repo repo --tag v1 --spec repo
try $LD verify --repo repo --tag nested --inventory "$inv" --format json -o nested.json --quiet
grep -o '"tag": *"[^"]*"' nested.json
ls out.zip 2>/dev/null; echo "zips: $(ls ./*.zip 2>/dev/null | wc -l)"
