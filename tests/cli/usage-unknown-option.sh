# an unknown option is a usage error (exit 2) that names it and the help to read
$LD scan --inventory "$FIXTURES/inventory/cli-basic.json" --bogus 2>&1
echo "exit $?"
$LD scan --bogus=1 2>&1
echo "exit $?"
$LD snapshot -x 2>&1
echo "exit $?"
$LD --bogus 2>&1
echo "exit $?"
$LD frobnicate 2>&1
