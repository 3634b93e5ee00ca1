# bad option values are usage errors (exit 2) before any work is done
inv="$FIXTURES/inventory/cli-basic.json"
$LD scan --inventory "$inv" --fail-on critical 2>&1; echo "exit $?"
$LD scan --inventory "$inv" --format xml 2>&1; echo "exit $?"
$LD scan --inventory "$inv" --runtime-horizon -5 2>&1; echo "exit $?"
$LD scan --inventory "$inv" --runtime-horizon 3d 2>&1; echo "exit $?"
$LD scan --inventory "$inv" --region us-east-1 2>&1; echo "exit $?"
$LD scan --inventory 2>&1; echo "exit $?"
$LD scan --inventory "$inv" stray 2>&1; echo "exit $?"
$LD snapshot --region us-east-1 2>&1; echo "exit $?"
LAMBDRIFT_NOW=2026-02-30 $LD scan --inventory "$inv" 2>&1; echo "exit $?"
$LD 2>/dev/null
