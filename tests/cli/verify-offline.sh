# verify --inventory: offline against a snapshot, text and JSON; the header names the tag
# and the commit (the same on every machine: make-repo.inc pins every id); code that would
# need a download is code-unverified (error with --strict); a declared function absent from
# the snapshot is function-missing
. "$FIXTURES/../tests/cli/make-repo.inc"
make_repo repo >/dev/null 2>&1 || { echo "cannot make the repository"; exit 9; }
inv="$FIXTURES/inventory/cli-clean.json"
# (the package's own CodeSha256 is pinned by package-bytes; masked here)
$LD verify --repo repo --tag v1 --inventory "$inv" >out.txt; echo "exit $?" >>out.txt
sed 's|not [A-Za-z0-9+/]\{43\}= as|not <sha256 of the package> as|' out.txt
$LD verify --repo repo --tag light --inventory "$inv" --function orders-api --strict --format json |
	sed -n '/"run"/,/"started"/p;/"rule"/p;/"severity"/p'
echo "exit $?"
$LD verify --repo repo --tag v1 --inventory "$inv" --function orders-api --fail-on warning >/dev/null
echo "exit $?"
